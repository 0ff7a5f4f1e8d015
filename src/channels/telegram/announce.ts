// /thongbao on Telegram: renders the core's announcement draft (AnnounceFlow) with inline
// keyboards — topics and wards ticked one by one (✅) then "Tiếp tục", the preview sent exactly as
// residents get it (bold title, same photo or file), then send now / schedule / cancel — and turns
// messages and button presses back into DraftInput. The draft itself lives in the core.
import fs from 'node:fs/promises';
import path from 'node:path';
import { type Api, Composer, InlineKeyboard, InputFile } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import type { AnnounceFlow, DraftInput, DraftScreen, Option } from '../../core/announce-flow.js';
import { reasonFor } from '../../core/error-reason.js';
import { type Attachment, formatCityTime, logFields } from '../../domain/index.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { broadcastTexts } from '../../texts/broadcast.js';
import { telegramTexts as t } from '../../texts/telegram.js';
import { type BotContext, chatRef, isPrivate } from './context.js';
import { checkFileSize, downloadFile } from './files.js';

const CANCEL = 'ann:x';
const NEXT = 'ann:next';
const CALLBACK = /^ann:(t|w|do):(.+)$/;

export interface AnnounceDeps {
  flow: AnnounceFlow;
  logger: Logger;
  /** The bot's own Api, for file downloads. */
  api: Api;
  /** Where photos and files of announcements are kept. */
  filesDir: string;
  /** Starts pushing the progress of a sent announcement to its author's chat. */
  follow: (chatId: number, id: number) => void;
}

export function announceFeature(deps: AnnounceDeps): { composer: Composer<BotContext>; start: (ctx: BotContext) => Promise<void> } {
  const { flow, logger, api } = deps;
  const c = new Composer<BotContext>();

  /** Downloads the photo or file into the data folder; a failure comes back as a Vietnamese reason. */
  const saveAttachment = async (fileId: string, size: number | undefined, fileName: string) => {
    try {
      checkFileSize(size);
      const bytes = await downloadFile(api, fileId);
      await fs.mkdir(deps.filesDir, { recursive: true });
      const target = path.join(deps.filesDir, `${Date.now()}-${path.basename(fileName).replace(/[^\p{L}\p{N}._-]+/gu, '_')}`);
      await fs.writeFile(target, bytes);
      return { ok: true as const, path: target };
    } catch (err) {
      logger.warn({ ...logFields(err), file: fileName }, 'announcement attachment not saved');
      return { ok: false as const, reason: reasonFor(err) };
    }
  };

  const keyboard = (options: Option[], prefix: 't' | 'w', all: string) => {
    const k = new InlineKeyboard().text(all, `ann:${prefix}:*`).row();
    options.forEach((o, i) => {
      k.text(o.selected ? t.checked(o.label) : o.label, `ann:${prefix}:${prefix === 't' ? o.value : i}`);
      if (prefix === 't' || i % 2 === 1) k.row();
    });
    return k.row().text(botTexts.next, NEXT).text(botTexts.cancel, CANCEL);
  };

  const render = async (ctx: BotContext, screen: DraftScreen, edit = false): Promise<void> => {
    switch (screen.kind) {
      case 'ask-content':
        return void (await ctx.reply(t.announceAskText));
      case 'need-body':
        return void (await ctx.reply(t.announceNeedsBody));
      case 'choose-topics':
      case 'choose-wards': {
        const topics = screen.kind === 'choose-topics';
        const markup = keyboard(screen.options, topics ? 't' : 'w', topics ? botTexts.allTopics : botTexts.wholeCity);
        // A tick changes the keyboard in place; a new step is a new message.
        if (edit) return void (await ctx.editMessageReplyMarkup({ reply_markup: markup }));
        return void (await ctx.reply(topics ? t.announceChooseTopic : t.announceChooseWard, { reply_markup: markup }));
      }
      case 'preview': {
        const { preview, attachment, title } = screen;
        await ctx.reply(t.announcePreviewHeader);
        await sendPreview(ctx, preview.text, title, attachment);
        const lines = [broadcastTexts.recipients(preview.recipients, preview.total), ...preview.warnings];
        return void (await ctx.reply(lines.join('\n'), {
          reply_markup: new InlineKeyboard()
            .text(t.sendNow, 'ann:do:send')
            .text(t.schedule, 'ann:do:schedule')
            .row()
            .text(botTexts.cancel, CANCEL),
        }));
      }
      case 'ask-time':
        return void (await ctx.reply(t.announceAskTime));
      case 'bad-time':
        return void (await ctx.reply(t.announceBadTime));
      case 'invalid':
        return void (await ctx.reply(t.announceProblems(screen.problems)));
      case 'refused':
        return void (await ctx.reply(
          screen.open ? `${t.announceRefused(screen.problems)}\n${t.announceAskTime}` : t.announceRefused(screen.problems),
        ));
      case 'not-allowed':
        return void (await ctx.reply(botTexts.notAllowed));
      case 'sending':
        await ctx.reply(t.announceStarted(screen.id));
        return deps.follow(ctx.chat!.id, screen.id);
      case 'scheduled':
        return void (await ctx.reply(broadcastTexts.scheduled(screen.id, formatCityTime(screen.at))));
      case 'cancelled':
        return void (await ctx.reply(t.announceCancelled));
      case 'again':
        return void (await ctx.reply(hintFor(screen.screen)));
    }
  };

  const step = async (ctx: BotContext, input: DraftInput, edit = false) => {
    const screen = flow.handle(chatRef(ctx), input);
    if (screen) await render(ctx, screen, edit);
    return screen !== undefined;
  };

  c.callbackQuery(CALLBACK, async (ctx) => {
    await ctx.answerCallbackQuery();
    const [, kind, value] = ctx.match as RegExpMatchArray;
    const state = flow.state(chatRef(ctx));
    if (!state) return void (await ctx.reply(t.buttonExpired));
    let input: DraftInput;
    if (kind === 'do') input = { kind: value === 'schedule' ? 'schedule' : 'send' };
    else if (value === '*') input = { kind: 'all' };
    else if (kind === 't') input = { kind: 'toggle', value };
    else {
      const ward = flow.screen(chatRef(ctx));
      const option = ward?.kind === 'choose-wards' ? ward.options[Number(value)] : undefined;
      input = { kind: 'toggle', value: option?.value ?? '' };
    }
    await step(ctx, input, input.kind === 'toggle');
  });
  c.callbackQuery(NEXT, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!(await step(ctx, { kind: 'next' }))) await ctx.reply(t.buttonExpired);
  });
  c.callbackQuery(CANCEL, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!(await step(ctx, { kind: 'cancel' }))) await ctx.reply(botTexts.cancelled);
  });

  // While a draft is open in a private chat, its author's messages belong to it (commands other
  // than /huy still work).
  c.on(['message:text', 'message:photo', 'message:document'], async (ctx, next) => {
    if (!isPrivate(ctx)) return next();
    const state = flow.state(chatRef(ctx));
    if (!state) return next();
    const message = ctx.msg;
    const text = (message.text ?? message.caption ?? '').trim();
    if (text === '/huy') return void (await step(ctx, { kind: 'cancel' }));
    if (text.startsWith('/')) return next();
    const photo = message.photo?.at(-1);
    const doc = message.document;
    let attachment: Attachment | undefined;
    if ((photo || doc) && state.step === 'text') {
      const file = (photo ?? doc)!;
      const fileName = doc?.file_name ?? `${file.file_unique_id}.jpg`;
      const saved = await saveAttachment(file.file_id, file.file_size, fileName);
      if (!saved.ok) return void (await ctx.reply(t.announceAttachmentFailed(saved.reason)));
      attachment = { kind: photo ? 'photo' : 'document', path: saved.path, fileName };
    }
    const input: DraftInput = state.step === 'time' ? { kind: 'time', text } : { kind: 'content', text, attachment };
    await step(ctx, input);
  });

  return { composer: c, start: (ctx) => render(ctx, flow.start(chatRef(ctx))) };
}

/** The preview goes out exactly as the delivery worker sends it: same text, bold title, same attachment. */
async function sendPreview(ctx: BotContext, text: string, title: string, attachment: Attachment | undefined): Promise<void> {
  const entities: MessageEntity[] = [{ type: 'bold', offset: 0, length: title.length }];
  const file = attachment?.path ? new InputFile(attachment.path, attachment.fileName) : attachment?.url;
  if (attachment && file) {
    const options = { caption: text, caption_entities: entities };
    if (attachment.kind === 'photo') await ctx.replyWithPhoto(file, options);
    else await ctx.replyWithDocument(file, options);
  } else await ctx.reply(text, { entities });
}

/** What to say when a message does not fit the step. */
function hintFor(screen: DraftScreen): string {
  switch (screen.kind) {
    case 'choose-topics':
      return t.announceChooseTopic;
    case 'choose-wards':
      return t.announceChooseWard;
    case 'preview':
      return broadcastTexts.recipients(screen.preview.recipients, screen.preview.total);
    case 'ask-time':
      return t.announceAskTime;
    default:
      return t.announceNeedText;
  }
}
