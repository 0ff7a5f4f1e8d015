// Staff and admin actions: /thongbao (enters the announcement flow), /tiendo (with a "stop" button
// under each announcement still sending or scheduled), /capnhat, and documents sent by an admin to
// be added to the knowledge base. Every attempt goes through residents.authorize, which audits it;
// residents get botTexts.notAllowed.
import path from 'node:path';
import type { CommandGroup } from '@grammyjs/commands';
import { type Api, type Composer, InlineKeyboard } from 'grammy';
import type { BroadcastService } from '../../broadcast/service.js';
import { attempt } from '../../core/broadcast-attempt.js';
import { reasonFor } from '../../core/error-reason.js';
import { formatRecentAnnouncements } from '../../core/format.js';
import type { ResidentService } from '../../core/resident-service.js';
import { AUDIT, isStoppable, logFields } from '../../domain/index.js';
import { SUPPORTED_EXTENSIONS } from '../../engine/loaders/index.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { commandDescriptions as d, telegramTexts as t } from '../../texts/telegram.js';
import { ANNOUNCE } from './announce-conversation.js';
import { type BotContext, chatRef } from './context.js';
import { checkFileSize, downloadFile } from './files.js';

const STOP = /^stop:(\d+)$/;
/** How many announcements /tiendo lists. */
const RECENT = 5;

export function staffCommands(
  groups: { staff: CommandGroup<BotContext>; admin: CommandGroup<BotContext> },
  handlers: Composer<BotContext>,
  deps: { residents: ResidentService; broadcast: BroadcastService; logger: Logger; api: Api },
): void {
  const { residents, broadcast, logger, api } = deps;
  const allowed = async (ctx: BotContext, needed: 'staff' | 'admin', action: string) => {
    if (residents.authorize(chatRef(ctx), needed, action)) return true;
    await ctx.reply(botTexts.notAllowed);
    return false;
  };

  groups.staff.command('thongbao', d.thongbao, async (ctx) => {
    if (!(await allowed(ctx, 'staff', AUDIT.announce))) return;
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(ANNOUNCE);
  });

  groups.staff.command('tiendo', d.tiendo, async (ctx) => {
    if (!(await allowed(ctx, 'staff', AUDIT.progress))) return;
    const recent = broadcast.recent(RECENT);
    const stoppable = recent.filter(isStoppable);
    const keyboard = stoppable.length
      ? new InlineKeyboard(stoppable.map((a) => [InlineKeyboard.text(botTexts.stopSending(a.id), `stop:${a.id}`)]))
      : undefined;
    await ctx.reply(formatRecentAnnouncements(recent), { reply_markup: keyboard });
  });

  handlers.callbackQuery(STOP, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (!(await allowed(ctx, 'staff', AUDIT.cancel))) return;
    const id = Number((ctx.match as RegExpMatchArray)[1]);
    const stopped = attempt(() => broadcast.cancel(id));
    await ctx.reply(stopped.ok ? botTexts.stopped(id) : botTexts.stopRefused(stopped.problems));
  });

  groups.admin.command('capnhat', d.capnhat, async (ctx) => {
    if (!(await allowed(ctx, 'admin', AUDIT.refresh))) return;
    await ctx.reply(botTexts.refreshStarted);
    try {
      await ctx.reply(botTexts.refreshDone(await residents.refreshKnowledge()));
    } catch (err) {
      logger.error({ err }, 'knowledge refresh from Telegram failed');
      await ctx.reply(botTexts.refreshFailed(reasonFor(err)));
    }
  });

  handlers.on('message:document', async (ctx, next) => {
    const ref = chatRef(ctx);
    // For residents a file is just something the bot cannot read; only staff are told they lack the right.
    if (ctx.chat.type !== 'private' || residents.roleOf('telegram', ref.userId) === 'resident') return next();
    if (!(await allowed(ctx, 'admin', AUDIT.upload))) return;
    const doc = ctx.msg.document;
    const name = path.basename(doc.file_name ?? 'tep-khong-ten');
    if (!SUPPORTED_EXTENSIONS.includes(path.extname(name).toLowerCase())) return void (await ctx.reply(botTexts.uploadUnsupported(name)));
    try {
      checkFileSize(doc.file_size);
      await ctx.reply(t.uploadReceived(name));
      const bytes = await downloadFile(api, doc.file_id);
      await ctx.reply(botTexts.refreshDone(await residents.addDocument(name, bytes)));
    } catch (err) {
      logger.warn({ ...logFields(err), file: name }, 'document upload rejected');
      await ctx.reply(botTexts.uploadRejected(name, reasonFor(err)));
    }
  });
}
