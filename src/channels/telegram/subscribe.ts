// /dangky, /huy and /xoadulieu on Telegram: renders the core's subscription and deletion flows
// (SubscribeFlow, ForgetFlow) with inline keyboards — topics and wards ticked one by one (✅) then
// "Tiếp tục", a summary to confirm — and turns button presses back into flow inputs. Buttons carry
// an index, not the name: callback data is limited to 64 bytes and ward names are long.
import { Composer, InlineKeyboard } from 'grammy';
import type { Option } from '../../core/choice.js';
import type { ForgetFlow, ForgetScreen } from '../../core/forget-flow.js';
import type { SubscribeFlow, SubscribeInput, SubscribeScreen } from '../../core/subscribe-flow.js';
import { botTexts } from '../../texts/bot.js';
import { telegramTexts as t } from '../../texts/telegram.js';
import { type BotContext, chatRef } from './context.js';

const CALLBACK = /^sub:(t|w):(\*|\d+)$/;
const NEXT = 'sub:next';
const CONFIRM = 'sub:ok';
const CANCEL = 'sub:x';
const FORGET_YES = 'forget:yes';
const FORGET_NO = 'forget:no';

export interface ResidentFlows {
  subscribe: SubscribeFlow;
  forget: ForgetFlow;
}

export function subscribeFeature(flows: ResidentFlows): {
  composer: Composer<BotContext>;
  start: (ctx: BotContext) => Promise<void>;
  unsubscribe: (ctx: BotContext) => Promise<void>;
  forget: (ctx: BotContext) => Promise<void>;
} {
  const c = new Composer<BotContext>();

  const keyboard = (options: Option[], prefix: 't' | 'w', all: string) => {
    const k = new InlineKeyboard();
    options.forEach((o, i) => {
      k.text(o.selected ? t.checked(o.label) : o.label, `sub:${prefix}:${i}`);
      if (prefix === 't' || i % 2 === 1) k.row();
    });
    return k.row().text(all, `sub:${prefix}:*`).row().text(botTexts.next, NEXT).text(botTexts.cancel, CANCEL);
  };

  /** A tick edits the keyboard in place; a new step is a new message. */
  const render = async (ctx: BotContext, screen: SubscribeScreen, edit = false): Promise<void> => {
    switch (screen.kind) {
      case 'choose-topics':
      case 'choose-wards': {
        const topics = screen.kind === 'choose-topics';
        const markup = keyboard(screen.options, topics ? 't' : 'w', topics ? botTexts.allTopics : botTexts.wholeCity);
        if (edit) return void (await ctx.editMessageReplyMarkup({ reply_markup: markup }));
        return void (await ctx.reply(topics ? botTexts.subscribeChooseTopics : botTexts.subscribeChooseWard, { reply_markup: markup }));
      }
      case 'confirm':
        return void (await ctx.reply(botTexts.subscribeConfirm(screen.topics, screen.wards), {
          reply_markup: new InlineKeyboard().text(botTexts.confirmSubscribe, CONFIRM).text(botTexts.cancel, CANCEL),
        }));
      case 'subscribed':
        return void (await ctx.reply(botTexts.subscribed(screen.topics, screen.wards)));
      case 'cancelled':
        return void (await ctx.reply(botTexts.cancelled));
      case 'again':
        return render(ctx, screen.screen);
    }
  };

  const step = async (ctx: BotContext, input: SubscribeInput, edit = false) => {
    await ctx.answerCallbackQuery();
    const screen = flows.subscribe.handle(chatRef(ctx), input);
    if (!screen) return void (await ctx.reply(t.buttonExpired));
    await render(ctx, screen, edit);
  };

  c.callbackQuery(CALLBACK, async (ctx) => {
    const [, kind, value] = ctx.match as RegExpMatchArray;
    if (value === '*') return step(ctx, { kind: 'all' });
    // The index is read against the step the flow is on now; a button of another step ticks nothing.
    const screen = flows.subscribe.screen(chatRef(ctx));
    const options = screen?.kind === (kind === 't' ? 'choose-topics' : 'choose-wards') && 'options' in screen ? screen.options : [];
    return step(ctx, { kind: 'toggle', value: options[Number(value)]?.value ?? '' }, true);
  });
  c.callbackQuery(NEXT, (ctx) => step(ctx, { kind: 'next' }));
  c.callbackQuery(CONFIRM, (ctx) => step(ctx, { kind: 'confirm' }));
  c.callbackQuery(CANCEL, (ctx) => step(ctx, { kind: 'cancel' }));

  const renderForget = async (ctx: BotContext, screen: ForgetScreen | undefined) => {
    if (!screen) return void (await ctx.reply(t.buttonExpired));
    if (screen.kind === 'ask-confirm')
      return void (await ctx.reply(botTexts.forgetConfirm, {
        reply_markup: new InlineKeyboard().text(botTexts.yesDelete, FORGET_YES).text(t.forgetKeep, FORGET_NO),
      }));
    // The question's message stays; its buttons give way to the outcome.
    await ctx.editMessageText(screen.kind === 'forgotten' ? botTexts.forgotten : botTexts.cancelled);
  };
  c.callbackQuery([FORGET_YES, FORGET_NO], async (ctx) => {
    await ctx.answerCallbackQuery();
    await renderForget(ctx, flows.forget.handle(chatRef(ctx), { kind: ctx.callbackQuery.data === FORGET_YES ? 'confirm' : 'cancel' }));
  });

  return {
    composer: c,
    start: (ctx) => render(ctx, flows.subscribe.start(chatRef(ctx))),
    unsubscribe: async (ctx) =>
      void (await ctx.reply(flows.subscribe.unsubscribe(chatRef(ctx)) ? botTexts.unsubscribed : botTexts.notSubscribed)),
    forget: (ctx) => renderForget(ctx, flows.forget.start(chatRef(ctx))),
  };
}
