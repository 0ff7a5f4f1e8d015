// The residents' commands: /start, /help, /dangky, /huy, /nguon, /xoadulieu (with a confirm button).

import type { CommandGroup } from '@grammyjs/commands';
import type { Menu } from '@grammyjs/menu';
import type { Composer } from 'grammy';
import { InlineKeyboard } from 'grammy';
import type { Config } from '../../config.js';
import { formatSources, splitMessage } from '../../core/format.js';
import type { ResidentService } from '../../core/resident-service.js';
import { botTexts } from '../../texts/bot.js';
import { commandDescriptions as d, telegramActions, telegramTexts } from '../../texts/telegram.js';
import { TELEGRAM_TEXT_LIMIT } from './answer-format.js';
import { type BotContext, chatRef } from './context.js';

export function residentCommands(
  commands: CommandGroup<BotContext>,
  callbacks: Composer<BotContext>,
  deps: { config: Config; residents: ResidentService; menu: Menu<BotContext> },
): void {
  const { config, residents, menu } = deps;

  commands.command('start', d.start, (ctx) => ctx.reply(botTexts.greeting(config.city.name, telegramActions, config.city.exampleQuestion)));
  commands.command('help', d.help, (ctx) => ctx.reply(botTexts.help(telegramActions)));

  commands.command('dangky', d.dangky, async (ctx) => {
    ctx.session = { ...ctx.session, subscribeTopics: residents.subscription(chatRef(ctx))?.topics ?? [] };
    await ctx.reply(botTexts.subscribeChooseTopics, { reply_markup: menu });
  });

  commands.command('huy', d.huy, (ctx) => ctx.reply(residents.unsubscribe(chatRef(ctx)) ? botTexts.unsubscribed : botTexts.notSubscribed));

  commands.command('nguon', d.nguon, async (ctx) => {
    for (const part of splitMessage(formatSources(residents.sources()), TELEGRAM_TEXT_LIMIT))
      await ctx.reply(part, { link_preview_options: { is_disabled: true } });
  });

  commands.command('xoadulieu', d.xoadulieu, (ctx) =>
    ctx.reply(botTexts.forgetConfirm, {
      reply_markup: new InlineKeyboard().text(botTexts.yesDelete, 'forget:yes').text(telegramTexts.forgetKeep, 'forget:no'),
    }),
  );

  callbacks.callbackQuery('forget:yes', async (ctx) => {
    residents.forget(chatRef(ctx));
    // forgetChat removed the stored session; nothing of this chat may be written back after it.
    ctx.session = undefined;
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(botTexts.forgotten);
  });
  callbacks.callbackQuery('forget:no', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(botTexts.cancelled);
  });
}
