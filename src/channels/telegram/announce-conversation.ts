// /thongbao: the staff flow — text (and an optional photo or file), topic, ward, a preview exactly
// as residents will see it with the number of recipients, then send now, schedule or cancel.
// Written for conversations v2: the function is replayed on every update, so every side effect
// on our own services runs inside conversation.external().
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Conversation } from '@grammyjs/conversations';
import { type Api, type Context, InlineKeyboard, InputFile } from 'grammy';
import type { Message, MessageEntity } from 'grammy/types';
import type { BroadcastService } from '../../broadcast/service.js';
import type { Config } from '../../config.js';
import { attempt } from '../../core/broadcast-attempt.js';
import { reasonFor } from '../../core/error-reason.js';
import type { ResidentService } from '../../core/resident-service.js';
import type { Attachment } from '../../domain/index.js';
import { AUDIT, formatCityTime, logFields, parseCityTime, splitTitleBody, wardNames } from '../../domain/index.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { broadcastTexts } from '../../texts/broadcast.js';
import { telegramTexts as t } from '../../texts/telegram.js';
import { type BotContext, chatRef } from './context.js';
import { checkFileSize, downloadFile } from './files.js';

export const ANNOUNCE = 'announce';
const CANCEL = 'ann:x';

/** "01/12/2026 07:00" in city time → the instant; undefined when it is not a real date and time. */
export function parseStaffTime(text: string): Date | undefined {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2})[:h](\d{2})\s*$/.exec(text);
  if (!m) return undefined;
  const two = (s: string) => s.padStart(2, '0');
  return parseCityTime(`${m[3]}-${two(m[2])}-${two(m[1])} ${m[4]}:${m[5]}`);
}

export interface AnnounceDeps {
  config: Config;
  logger: Logger;
  residents: ResidentService;
  broadcast: BroadcastService;
  /** The bot's own Api (outside the conversation's replay log) for file downloads. */
  api: Api;
  /** Starts pushing the progress of a sent announcement to its author's chat. */
  follow: (chatId: number, id: number) => void;
}

type Saved = { ok: true; path: string } | { ok: false; reason: string };

export function announceConversation({ config, logger, residents, broadcast, api, follow }: AnnounceDeps) {
  const { topics } = config.city;
  const wards = wardNames(config.city);

  /** Downloads the photo or file of the message into the data folder; a failure comes back as a Vietnamese reason. */
  const saveAttachment = async (fileId: string, size: number | undefined, fileName: string): Promise<Saved> => {
    try {
      checkFileSize(size);
      const bytes = await downloadFile(api, fileId);
      const dir = path.join(config.paths.data, 'announcement-files');
      await fs.mkdir(dir, { recursive: true });
      const target = path.join(dir, `${Date.now()}-${path.basename(fileName).replace(/[^\p{L}\p{N}._-]+/gu, '_')}`);
      await fs.writeFile(target, bytes);
      return { ok: true, path: target };
    } catch (err) {
      logger.warn({ ...logFields(err), file: fileName }, 'announcement attachment not saved');
      return { ok: false, reason: reasonFor(err) };
    }
  };

  return async function announce(conversation: Conversation<BotContext, Context>, ctx: Context): Promise<void> {
    const author = `telegram:${ctx.from?.id}`;

    /** Waits for a button with `prefix` (value after it) or a cancel; other messages get `hint`. */
    const choose = async (prefix: string, hint: string): Promise<string | undefined> => {
      for (;;) {
        const next = await conversation.wait();
        const data = next.callbackQuery?.data;
        if (data !== undefined) await next.answerCallbackQuery();
        if (data === CANCEL || next.message?.text?.trim() === '/huy') return undefined;
        if (data?.startsWith(prefix)) return data.slice(prefix.length);
        await next.reply(hint);
      }
    };
    const cancelled = () => ctx.reply(botTexts.cancelled);
    const waitForContent = () =>
      conversation.waitFor(['message:text', 'message:photo', 'message:document'], { otherwise: (c) => c.reply(t.announceNeedText) });

    await ctx.reply(t.announceAskText);
    // The text, with its photo or file saved; asked again while the attachment cannot be had.
    let message: Message;
    let attachment: Attachment | undefined;
    for (;;) {
      message = (await waitForContent()).message;
      const photo = message.photo?.at(-1);
      const doc = message.document;
      if (!photo && !doc) break;
      if ((message.caption ?? '').trim() === '/huy') break;
      const file = (photo ?? doc)!;
      const fileName = doc?.file_name ?? `${file.file_unique_id}.jpg`;
      const saved = await conversation.external(() => saveAttachment(file.file_id, file.file_size, fileName));
      if (saved.ok) {
        attachment = { kind: photo ? 'photo' : 'document', path: saved.path, fileName };
        break;
      }
      await ctx.reply(t.announceAttachmentFailed(saved.reason));
    }
    const raw = (message.text ?? message.caption ?? '').trim();
    if (raw === '/huy') return void (await cancelled());
    const { title, body } = splitTitleBody(raw);

    const topicKeyboard = new InlineKeyboard().text(botTexts.allTopics, 'ann:t:*').row();
    for (const tp of topics) topicKeyboard.text(tp.label, `ann:t:${tp.slug}`).row();
    await ctx.reply(t.announceChooseTopic, { reply_markup: topicKeyboard.text(botTexts.cancel, CANCEL) });
    const topic = await choose('ann:t:', t.announceChooseTopic);
    if (topic === undefined) return void (await cancelled());

    let ward = '*';
    if (wards.length) {
      const wardKeyboard = new InlineKeyboard().text(botTexts.wholeCity, 'ann:w:*').row();
      wards.forEach((w, i) => {
        wardKeyboard.text(w, `ann:w:${i}`);
        if (i % 2 === 1) wardKeyboard.row();
      });
      await ctx.reply(t.announceChooseWard, { reply_markup: wardKeyboard.row().text(botTexts.cancel, CANCEL) });
      const picked = await choose('ann:w:', t.announceChooseWard);
      if (picked === undefined) return void (await cancelled());
      ward = picked;
    }

    const created = await conversation.external(() =>
      attempt(() => {
        const a = broadcast.create({
          title,
          body,
          attachment,
          topics: topic === '*' ? [] : [topic],
          wards: ward === '*' ? [] : [wards[Number(ward)]],
          author,
        });
        return { id: a.id, preview: broadcast.preview(a.id) };
      }),
    );
    if (!created.ok) return void (await ctx.reply(t.announceProblems(created.problems)));
    const { id, preview } = created.value;

    // The preview goes out exactly as the delivery worker sends it: same text, bold title, same attachment.
    await ctx.reply(t.announcePreviewHeader);
    const entities: MessageEntity[] = [{ type: 'bold', offset: 0, length: title.length }];
    if (attachment?.path) {
      const file = new InputFile(attachment.path, attachment.fileName);
      const options = { caption: preview.text, caption_entities: entities };
      if (attachment.kind === 'photo') await ctx.replyWithPhoto(file, options);
      else await ctx.replyWithDocument(file, options);
    } else await ctx.reply(preview.text, { entities });
    await ctx.reply(broadcastTexts.recipients(preview.recipients, preview.total), {
      reply_markup: new InlineKeyboard()
        .text(t.sendNow, 'ann:do:send')
        .text(t.schedule, 'ann:do:schedule')
        .row()
        .text(botTexts.cancel, CANCEL),
    });

    const action = await choose('ann:do:', broadcastTexts.recipients(preview.recipients, preview.total));
    if (action === 'send') {
      const sent = await conversation.external(() => {
        // Checked again: the draft may have waited a long time, and roles can change meanwhile.
        if (!residents.authorize(chatRef(ctx), 'staff', AUDIT.send)) return { ok: false as const, problems: [botTexts.notAllowed] };
        return attempt(() => broadcast.sendNow(id).id);
      });
      if (!sent.ok) return void (await ctx.reply(t.announceFailed(sent.problems.join(' '))));
      await ctx.reply(t.announceStarted(id));
      await conversation.external(() => follow(ctx.chat!.id, id));
      return;
    }
    if (action === 'schedule') {
      await ctx.reply(t.announceAskTime);
      for (;;) {
        const reply = await conversation.waitFor('message:text', { otherwise: (c) => c.reply(t.announceAskTime) });
        const text = reply.message.text.trim();
        if (text === '/huy') break;
        const at = parseStaffTime(text);
        if (!at) {
          await ctx.reply(t.announceBadTime);
          continue;
        }
        const scheduled = await conversation.external(() => attempt(() => broadcast.schedule(id, at).id));
        if (scheduled.ok) return void (await ctx.reply(broadcastTexts.scheduled(id, formatCityTime(at))));
        await ctx.reply(`${scheduled.problems.join('\n')}\n${t.announceAskTime}`);
      }
    }
    await conversation.external(() => attempt(() => broadcast.cancel(id).id));
    await cancelled();
  };
}
