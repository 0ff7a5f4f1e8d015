// The residents' commands: /start, /help, /dangky, /huy, /nguon, /xoadulieu, /canbo, /phananh,
// /theodoi. Subscribing and deleting are the core's flows, rendered by
// ./subscribe.ts; cases are rendered by ./cases.ts.

import type { CommandGroup } from '@grammyjs/commands';
import type { Config } from '../../config.js';
import { formatSources, splitMessage } from '../../core/format.js';
import type { ResidentService } from '../../core/resident-service.js';
import { botTexts } from '../../texts/bot.js';
import { commandDescriptions as d, telegramActions } from '../../texts/telegram.js';
import { TELEGRAM_TEXT_LIMIT } from './answer-format.js';
import type { caseFeature } from './cases.js';
import type { BotContext } from './context.js';
import type { subscribeFeature } from './subscribe.js';

export function residentCommands(
  commands: CommandGroup<BotContext>,
  deps: {
    config: Config;
    residents: ResidentService;
    flows: ReturnType<typeof subscribeFeature>;
    cases: ReturnType<typeof caseFeature>;
  },
): void {
  const { config, residents, flows, cases } = deps;

  commands.command('start', d.start, (ctx) => ctx.reply(botTexts.greeting(config.city.name, telegramActions, config.city.exampleQuestion)));
  commands.command('help', d.help, (ctx) => ctx.reply(botTexts.help(telegramActions)));
  commands.command('dangky', d.dangky, flows.start);
  commands.command('huy', d.huy, flows.unsubscribe);
  commands.command('nguon', d.nguon, async (ctx) => {
    for (const part of splitMessage(formatSources(residents.sources()), TELEGRAM_TEXT_LIMIT))
      await ctx.reply(part, { link_preview_options: { is_disabled: true } });
  });
  commands.command('canbo', d.canbo, cases.startHandoff);
  commands.command('phananh', d.phananh, cases.startReport);
  commands.command('theodoi', d.theodoi, cases.follow);
  commands.command('xoadulieu', d.xoadulieu, flows.forget);
}
