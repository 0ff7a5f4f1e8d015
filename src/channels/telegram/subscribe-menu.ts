// /dangky: an inline menu to tick topics, then pick a ward (skipped when no wards are configured).
// The ticks live in the chat's session until "Tiếp tục".
import { Menu, type MenuFlavor } from '@grammyjs/menu';
import type { Config } from '../../config.js';
import type { ResidentService } from '../../core/resident-service.js';
import { wardNames } from '../../domain/index.js';
import { botTexts } from '../../texts/bot.js';
import { telegramTexts } from '../../texts/telegram.js';
import { type BotContext, chatRef } from './context.js';

type MenuContext = BotContext & MenuFlavor;

export function subscribeMenu(config: Config, residents: ResidentService): Menu<BotContext> {
  const { topics } = config.city;
  const wards = wardNames(config.city);
  const ticked = (ctx: BotContext) => ctx.session?.subscribeTopics ?? [];
  const tick = (ctx: BotContext, topics: string[] | undefined) => {
    ctx.session = topics ? { ...ctx.session, subscribeTopics: topics } : undefined;
  };
  const label = (on: boolean, text: string) => (on ? telegramTexts.checked(text) : text);

  const finish = async (ctx: MenuContext, ward: string | undefined) => {
    const sub = residents.subscribe(chatRef(ctx), { topics: ticked(ctx), ward });
    tick(ctx, undefined);
    ctx.menu.close();
    await ctx.editMessageText(botTexts.subscribed(residents.topicLabels(sub.topics), sub.ward));
  };
  const cancel = async (ctx: MenuContext) => {
    tick(ctx, undefined);
    ctx.menu.close();
    await ctx.editMessageText(botTexts.cancelled);
  };

  const topicMenu = new Menu<BotContext>('dangky', { onMenuOutdated: telegramTexts.menuOutdated })
    .dynamic((ctx, range) => {
      for (const t of topics) {
        range
          .text(label(ticked(ctx).includes(t.slug), t.label), (ctx) => {
            const now = ticked(ctx);
            tick(ctx, now.includes(t.slug) ? now.filter((s) => s !== t.slug) : [...now, t.slug]);
            ctx.menu.update();
          })
          .row();
      }
    })
    .text(
      (ctx) => label(!ticked(ctx).length, botTexts.allTopics),
      (ctx) => {
        tick(ctx, []);
        ctx.menu.update();
      },
    )
    .row()
    .text(botTexts.next, async (ctx) => {
      if (!wards.length) return finish(ctx, undefined);
      ctx.menu.nav('dangky-ward');
      await ctx.editMessageText(botTexts.subscribeChooseWard);
    })
    .text(botTexts.cancel, cancel);

  const wardMenu = new Menu<BotContext>('dangky-ward', { onMenuOutdated: telegramTexts.menuOutdated })
    .dynamic((_ctx, range) => {
      wards.forEach((ward, i) => {
        range.text(ward, (ctx) => finish(ctx, ward));
        if (i % 2 === 1) range.row();
      });
    })
    .row()
    .text(botTexts.wholeCity, (ctx) => finish(ctx, undefined))
    .row()
    .text(botTexts.cancel, cancel);

  topicMenu.register(wardMenu);
  return topicMenu;
}
