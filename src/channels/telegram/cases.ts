// Cases on Telegram: renders the core's flows (HandoffFlow, ReportFlow) with inline buttons and a
// "share location" key, turns presses, locations, photos and typed text back into flow inputs, and
// reads other private messages with CaseDesk (follow a case, write into it, rate it). A reply to
// the bot's message about a case (a staff reply notice) goes into that case. In the staff group,
// a staff member's reply to a case post becomes the staff reply, and /xuly changes a status.
import { type Api, Composer, InlineKeyboard, Keyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { type CaseDesk, type CaseMessage, statusNamed } from '../../core/case-desk.js';
import { type CaseService, RATING_ACTION } from '../../core/case-service.js';
import type { HandoffFlow, HandoffInput, HandoffScreen } from '../../core/handoff-flow.js';
import { phraseKey } from '../../core/phrase-key.js';
import type { ReportFlow, ReportInput, ReportScreen } from '../../core/report-flow.js';
import type { ResidentService } from '../../core/resident-service.js';
import { PersonError } from '../../domain/index.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { caseChatTexts as ct } from '../../texts/case-chat.js';
import { caseTexts } from '../../texts/cases.js';
import { telegramTexts as t } from '../../texts/telegram.js';
import { type BotContext, chatRef, groupQuestion, isPrivate } from './context.js';
import { checkFileSize, downloadFile } from './files.js';

/** The button under an answer the documents could not give. */
export const HANDOFF_ACTION = 'case:ask';
const HANDOFF_OK = 'case:ask:ok';
const HANDOFF_NO = 'case:ask:x';
const PICK = /^case:r:(c|w):(\d+)$/;
const WARD_SKIP = 'case:r:w:skip';
const PHOTOS_DONE = 'case:r:p:done';
const REPORT_OK = 'case:r:ok';
const REPORT_NO = 'case:r:x';

export interface CaseFeatureDeps {
  cases: CaseService;
  handoff: HandoffFlow;
  report: ReportFlow;
  desk: CaseDesk;
  residents: ResidentService;
  /** TELEGRAM_STAFF_GROUP_ID: where staff reply to case posts. */
  staffGroupId?: string;
  api: Api;
  logger: Logger;
}

export function caseFeature(deps: CaseFeatureDeps): {
  composer: Composer<BotContext>;
  startHandoff: (ctx: BotContext) => Promise<void>;
  startReport: (ctx: BotContext) => Promise<void>;
  follow: (ctx: BotContext) => Promise<void>;
  changeStatus: (ctx: BotContext) => Promise<void>;
  handoff: HandoffFlow;
  report: ReportFlow;
} {
  const { cases, handoff, report, desk, residents } = deps;
  const c = new Composer<BotContext>();
  const say = (ctx: BotContext, text: string, markup?: InlineKeyboard) => ctx.reply(text, markup ? { reply_markup: markup } : {});

  // ── Ask a person ──────────────────────────────────────────────────────────────────────────────
  const renderHandoff = async (ctx: BotContext, screen: HandoffScreen): Promise<unknown> => {
    switch (screen.kind) {
      case 'confirm':
        return say(
          ctx,
          ct.handoffConfirm(screen.question),
          new InlineKeyboard().text(ct.handoffSend, HANDOFF_OK).text(botTexts.cancel, HANDOFF_NO),
        );
      case 'ask-text':
        return say(ctx, ct.handoffAsk, new InlineKeyboard().text(botTexts.cancel, HANDOFF_NO));
      case 'opened':
      case 'refused':
        return say(ctx, screen.text);
      case 'cancelled':
        return say(ctx, botTexts.cancelled);
      case 'again':
        return renderHandoff(ctx, screen.screen);
    }
  };
  const handoffStep = async (ctx: BotContext, input: HandoffInput) => {
    const screen = handoff.handle(chatRef(ctx), input);
    if (!screen) return void (await ctx.reply(t.buttonExpired));
    await renderHandoff(ctx, screen);
  };
  const startHandoff = async (ctx: BotContext) => {
    if (!isPrivate(ctx)) return void (await ctx.reply(ct.privateOnly));
    report.abandon(chatRef(ctx));
    await renderHandoff(ctx, handoff.start(chatRef(ctx)));
  };
  c.callbackQuery(HANDOFF_ACTION, async (ctx) => {
    await ctx.answerCallbackQuery();
    await startHandoff(ctx);
  });
  c.callbackQuery([HANDOFF_OK, HANDOFF_NO], async (ctx) => {
    await ctx.answerCallbackQuery();
    await handoffStep(ctx, { kind: ctx.callbackQuery.data === HANDOFF_OK ? 'confirm' : 'cancel' });
  });

  // ── Report a problem ──────────────────────────────────────────────────────────────────────────
  const numbered = (options: { label: string }[], kind: 'c' | 'w') => {
    const k = new InlineKeyboard();
    options.forEach((o, i) => {
      k.text(o.label, `case:r:${kind}:${i}`);
      if (kind === 'c' || i % 2 === 1) k.row();
    });
    return k.row();
  };
  const renderReport = async (ctx: BotContext, screen: ReportScreen): Promise<unknown> => {
    switch (screen.kind) {
      case 'choose-category':
        return say(ctx, ct.reportChooseCategory, numbered(screen.options, 'c').text(botTexts.cancel, REPORT_NO));
      case 'ask-place':
        return ctx.reply(ct.reportAskPlaceOrLocation, {
          reply_markup: new Keyboard().requestLocation(ct.locationButton).row().text(botTexts.cancel).resized().oneTime(),
        });
      case 'choose-ward':
        return say(ctx, ct.reportChooseWard, numbered(screen.options, 'w').text(ct.skip, WARD_SKIP).text(botTexts.cancel, REPORT_NO));
      case 'ask-photos':
        return say(ctx, ct.reportAskPhotos(screen.max), new InlineKeyboard().text(ct.skip, PHOTOS_DONE).text(botTexts.cancel, REPORT_NO));
      case 'photo-kept':
        if (screen.next) {
          await say(ctx, ct.reportPhotoKept(screen.count, screen.max));
          return renderReport(ctx, screen.next);
        }
        return say(ctx, ct.reportPhotoKept(screen.count, screen.max), new InlineKeyboard().text(ct.done, PHOTOS_DONE));
      case 'photo-refused':
        return say(ctx, ct.reportPhotoRefused(screen.reason), new InlineKeyboard().text(ct.done, PHOTOS_DONE));
      case 'ask-description':
        return say(ctx, ct.reportAskDescription, new InlineKeyboard().text(botTexts.cancel, REPORT_NO));
      case 'preview':
        return ctx.reply(ct.reportPreview(screen.preview), {
          reply_markup: new InlineKeyboard().text(ct.reportSend, REPORT_OK).text(botTexts.cancel, REPORT_NO),
          link_preview_options: { is_disabled: true },
        });
      case 'opened':
      case 'refused':
        return ctx.reply(screen.text, { reply_markup: { remove_keyboard: true } });
      case 'cancelled':
        return ctx.reply(botTexts.cancelled, { reply_markup: { remove_keyboard: true } });
      case 'again':
        return renderReport(ctx, screen.screen);
    }
  };
  const reportStep = async (ctx: BotContext, input: ReportInput) => {
    const ref = chatRef(ctx);
    const before = report.state(ref)?.step;
    const screen = await report.handle(ref, input);
    if (!screen) return void (await ctx.reply(t.buttonExpired));
    // The location key is gone once the place is given.
    if (before === 'place' && report.state(ref)?.step !== 'place')
      await ctx.reply(ct.placeNoted(input.kind === 'location'), { reply_markup: { remove_keyboard: true } });
    await renderReport(ctx, screen);
  };
  const startReport = async (ctx: BotContext) => {
    if (!isPrivate(ctx)) return void (await ctx.reply(ct.privateOnly));
    handoff.abandon(chatRef(ctx));
    await renderReport(ctx, report.start(chatRef(ctx)));
  };
  c.callbackQuery(PICK, async (ctx) => {
    await ctx.answerCallbackQuery();
    const [, kind, index] = ctx.match as RegExpMatchArray;
    // The index is read against the step the flow is on now; a button of another step picks nothing.
    const screen = report.screen(chatRef(ctx));
    const options = screen?.kind === (kind === 'c' ? 'choose-category' : 'choose-ward') && 'options' in screen ? screen.options : [];
    await reportStep(ctx, { kind: 'pick', value: options[Number(index)]?.value ?? '' });
  });
  c.callbackQuery([WARD_SKIP, PHOTOS_DONE], async (ctx) => {
    await ctx.answerCallbackQuery();
    await reportStep(ctx, { kind: 'skip' });
  });
  c.callbackQuery([REPORT_OK, REPORT_NO], async (ctx) => {
    await ctx.answerCallbackQuery();
    await reportStep(ctx, { kind: ctx.callbackQuery.data === REPORT_OK ? 'confirm' : 'cancel' });
  });

  c.on('message:location', async (ctx, next) => {
    if (!isPrivate(ctx) || !report.state(chatRef(ctx))) return next();
    const { latitude, longitude } = ctx.msg.location;
    await reportStep(ctx, { kind: 'location', location: { latitude, longitude } });
  });
  c.on(['message:photo', 'message:document'], async (ctx, next) => {
    if (!isPrivate(ctx) || !report.state(chatRef(ctx))) return next();
    // The largest size Telegram made of a photo; a photo sent "as a file" is a document.
    const file = ctx.msg.photo?.at(-1) ?? ctx.msg.document;
    if (!file) return next();
    await reportStep(ctx, {
      kind: 'photo',
      caption: ctx.msg.caption,
      bytes: async () => {
        try {
          checkFileSize(file.file_size);
          return await downloadFile(deps.api, file.file_id);
        } catch (err) {
          throw err instanceof PersonError ? new PersonError(ct.photoNotReceived(err.message), { cause: err }) : err;
        }
      },
    });
  });

  // ── Typed text: a flow's step, a case message, or (next) a question ───────────────────────────
  c.on('message:text', async (ctx, next) => {
    if (!isPrivate(ctx)) {
      // A case belongs to one person: in a group, the bot asks to be written to privately.
      const question = groupQuestion(ctx, ctx.msg.text);
      const kind = question === undefined ? undefined : desk.read(chatRef(ctx), question)?.kind;
      return kind === 'handoff' || kind === 'report' ? void (await ctx.reply(ct.privateOnly)) : next();
    }
    const ref = chatRef(ctx);
    const text = ctx.msg.text.trim();
    const cancel = text === '/huy' || phraseKey(text) === phraseKey(botTexts.cancel);
    // A command, or the words of another case action, leave the flow (and are done).
    const leaving = text.startsWith('/') || desk.keyword(text) !== undefined;
    if (handoff.state(ref)) {
      if (cancel) return handoffStep(ctx, { kind: 'cancel' });
      if (!leaving) return handoffStep(ctx, SEND_WORDS.has(phraseKey(text)) ? { kind: 'confirm' } : { kind: 'text', text });
      handoff.abandon(ref);
    }
    if (report.state(ref)) {
      if (cancel) return reportStep(ctx, { kind: 'cancel' });
      if (!leaving) return reportStep(ctx, reportText(text));
      report.abandon(ref);
      await ctx.reply(botTexts.cancelled, { reply_markup: { remove_keyboard: true } });
    }
    if (text.startsWith('/')) return next();
    // A reply to the bot's message about a case (a staff reply) goes into that case.
    const repliedCase = repliedToCase(ctx, cases);
    const message: CaseMessage | undefined =
      repliedCase !== undefined ? { kind: 'write', caseId: repliedCase, text } : desk.read(ref, text);
    if (!message) return next();
    if (message.kind === 'handoff') return startHandoff(ctx);
    if (message.kind === 'report') return startReport(ctx);
    await ctx.reply(desk.reply(ref, message));
  });

  // ── Rating buttons (pushed with the closing notice) ───────────────────────────────────────────
  c.callbackQuery(RATING_ACTION, async (ctx) => {
    const [, id, n] = ctx.match as RegExpMatchArray;
    const text = desk.reply(chatRef(ctx), { kind: 'rate', caseId: Number(id), rating: Number(n) });
    await ctx.answerCallbackQuery();
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch((err) => deps.logger.debug({ err }, 'rating buttons not removed'));
    await ctx.reply(text);
  });

  // ── The staff group ───────────────────────────────────────────────────────────────────────────
  const inStaffGroup = (ctx: BotContext) => deps.staffGroupId !== undefined && String(ctx.chat?.id) === deps.staffGroupId;
  c.on('message:text', async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    if (!inStaffGroup(ctx) || ctx.msg.text.startsWith('/') || replied?.from?.id !== ctx.me.id) return next();
    const ref = chatRef(ctx);
    const reply = (text: string) =>
      ctx.reply(text, { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } });
    if (!residents.authorize(ref, 'staff', 'case-reply')) return void (await reply(botTexts.notAllowed));
    const caseId = cases.idIn(messageText(replied));
    if (caseId === undefined) return void (await reply(caseTexts.staffUnknownCase));
    try {
      const replied = cases.staffReply(caseId, authorOf(ref), ctx.msg.text);
      await reply(caseTexts.staffReplySent(replied.number));
    } catch (err) {
      if (!(err instanceof PersonError)) throw err;
      await reply(err.message);
    }
  });

  /** "/xuly BK-000123 đang xử lý", or "/xuly đang xử lý" replying to the case post. */
  const changeStatus = async (ctx: BotContext) => {
    const ref = chatRef(ctx);
    if (!residents.authorize(ref, 'staff', 'case-status')) return void (await ctx.reply(botTexts.notAllowed));
    const args = String(ctx.match ?? '');
    const caseId = cases.idIn(args) ?? cases.idIn(messageText(ctx.msg?.reply_to_message));
    const status = statusNamed(args);
    if (caseId === undefined || !status) return void (await ctx.reply(ct.staffStatusUsage));
    try {
      const changed = cases.changeStatus(caseId, status, authorOf(ref));
      await ctx.reply(ct.staffStatusChanged(changed.number, changed.status));
    } catch (err) {
      if (!(err instanceof PersonError)) throw err;
      await ctx.reply(err.message);
    }
  };

  return {
    composer: c,
    startHandoff,
    startReport,
    follow: async (ctx) => void (await ctx.reply(desk.reply(chatRef(ctx), { kind: 'follow', text: String(ctx.match ?? '') }))),
    changeStatus,
    handoff,
    report,
  };
}

/** Typed instead of pressing "Gửi cán bộ" / "Gửi phản ánh": a confirmation, not the text to send. */
const SEND_WORDS = new Set([ct.handoffSend, ct.reportSend, 'gửi', 'gửi đi', 'đồng ý'].map(phraseKey));

/** What a typed message means in the report flow: the skip words, or text for the step. */
function reportText(text: string): ReportInput {
  const key = phraseKey(text);
  if (key === phraseKey(ct.skip) || key === phraseKey(ct.done)) return { kind: 'skip' };
  if (SEND_WORDS.has(key)) return { kind: 'confirm' };
  return { kind: 'text', text };
}

const messageText = (m: Message | undefined) => m?.text ?? m?.caption ?? '';

/** The case a private reply to one of the bot's messages is about (the message names its number). */
function repliedToCase(ctx: BotContext, cases: CaseService): number | undefined {
  const replied = ctx.msg?.reply_to_message;
  if (!replied || replied.from?.id !== ctx.me.id) return undefined;
  return cases.idIn(messageText(replied));
}

const authorOf = (ref: { userId: string; displayName?: string }) => ref.displayName ?? `telegram:${ref.userId}`;
