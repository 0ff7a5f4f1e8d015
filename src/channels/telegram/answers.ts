// Questions and answers: any text in a private chat (or a mention / reply in a group) goes to the
// resident service; the answer comes back with its sources and 👍 / 👎 buttons.
import { type Api, Composer, InlineKeyboard } from 'grammy';
import type { Message } from 'grammy/types';
import type { AnswerFlow } from '../../core/answer-flow.js';
import type { Answer } from '../../engine/types.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { caseChatTexts } from '../../texts/case-chat.js';
import { telegramTexts } from '../../texts/telegram.js';
import { formatAnswer, splitFormatted } from './answer-format.js';
import { HANDOFF_ACTION } from './cases.js';
import { type BotContext, chatRef, groupQuestion, isPrivate } from './context.js';

const VOTE = /^v:(up|down):(\d+)$/;

const voteKeyboard = (questionId: number, offerHandoff: boolean) => {
  const k = new InlineKeyboard().text(telegramTexts.voteUp, `v:up:${questionId}`).text(telegramTexts.voteDown, `v:down:${questionId}`);
  return offerHandoff ? k.row().text(caseChatTexts.handoffButton, HANDOFF_ACTION) : k;
};

/**
 * Sends an answer in as many messages as it needs; the vote buttons go under the last one, with
 * "Gặp cán bộ" when the documents did not answer (`offerHandoff`).
 */
export async function sendAnswer(
  api: Api,
  chatId: number | string,
  answer: Answer,
  questionId: number,
  replyTo?: number,
  offerHandoff = false,
): Promise<Message.TextMessage[]> {
  const parts = splitFormatted(formatAnswer(answer));
  const sent: Message.TextMessage[] = [];
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1;
    sent.push(
      await api.sendMessage(chatId, part.text, {
        entities: part.entities,
        link_preview_options: { is_disabled: true },
        ...(last && answer.status !== 'invalid' ? { reply_markup: voteKeyboard(questionId, offerHandoff) } : {}),
        ...(replyTo && i === 0 ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      }),
    );
  }
  return sent;
}

export function answers(flow: AnswerFlow, logger: Logger): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.callbackQuery(VOTE, async (ctx) => {
    const [, vote, id] = ctx.match as RegExpMatchArray;
    const { counted, text } = flow.vote(chatRef(ctx), Number(id), vote as 'up' | 'down');
    await ctx.answerCallbackQuery({ text });
    // The vote buttons go once used: one vote per answer, and no stale buttons after a data
    // deletion. "Gặp cán bộ" stays: a 👎 is when a person is most wanted.
    const handoff = ctx.callbackQuery.message?.reply_markup?.inline_keyboard
      .flat()
      .some((b) => 'callback_data' in b && b.callback_data === HANDOFF_ACTION);
    const rest = handoff ? new InlineKeyboard().text(caseChatTexts.handoffButton, HANDOFF_ACTION) : undefined;
    if (counted) await ctx.editMessageReplyMarkup({ reply_markup: rest }).catch((err) => logger.debug({ err }, 'vote buttons not removed'));
  });

  c.on('message:text', async (ctx, next) => {
    const text = ctx.msg.text;
    if (text.startsWith('/')) return next();
    const question = isPrivate(ctx) ? text.trim() : groupQuestion(ctx, text);
    if (!question) return;
    ctx.chatAction = 'typing';
    const outcome = await flow.handle(chatRef(ctx), question, { acceptsReason: isPrivate(ctx), group: !isPrivate(ctx) });
    if (outcome.kind !== 'answer') return void (await ctx.reply(outcome.text));
    const replyTo = isPrivate(ctx) ? undefined : ctx.msg.message_id;
    await sendAnswer(ctx.api, ctx.chat.id, outcome.answer, outcome.questionId, replyTo, outcome.offerHandoff);
  });

  return c;
}
