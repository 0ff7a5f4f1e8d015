// Staff and admin actions: /thongbao (enters the announcement flow), /tiendo, /capnhat, and
// documents sent by an admin to be added to the knowledge base. Every attempt goes through
// residents.authorize, which audits it; residents get botTexts.notAllowed.
import path from 'node:path';
import type { Api, Composer } from 'grammy';
import type { CommandGroup } from '@grammyjs/commands';
import type { ResidentService } from '../../bot/resident-service.js';
import type { BroadcastService } from '../../broadcast/service.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { broadcastTexts, statusLabel } from '../../texts/broadcast.js';
import { commandDescriptions as d, telegramTexts as t } from '../../texts/telegram.js';
import { ANNOUNCE } from './announce-conversation.js';
import { chatRef, type BotContext } from './context.js';
import { downloadFile, MAX_DOWNLOAD_BYTES } from './files.js';

const SUPPORTED = new Set(['.pdf', '.docx', '.md', '.markdown', '.txt', '.html', '.htm', '.csv', '.yaml', '.yml']);

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function staffCommands(
  groups: { staff: CommandGroup<BotContext>; admin: CommandGroup<BotContext> },
  handlers: Composer<BotContext>,
  deps: { residents: ResidentService; broadcast: BroadcastService; logger: Logger; api: Api },
): void {
  const { residents, broadcast, logger, api } = deps;
  const allowed = async (ctx: BotContext, needed: 'staff' | 'admin', action: string) => {
    if (residents.authorize(chatRef(ctx), needed, `telegram:${action}`)) return true;
    await ctx.reply(botTexts.notAllowed);
    return false;
  };

  groups.staff.command('thongbao', d.thongbao, async (ctx) => {
    if (!(await allowed(ctx, 'staff', '/thongbao'))) return;
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(ANNOUNCE);
  });

  groups.staff.command('tiendo', d.tiendo, async (ctx) => {
    if (!(await allowed(ctx, 'staff', '/tiendo'))) return;
    const recent = broadcast.recent(5);
    if (!recent.length) return void (await ctx.reply(t.progressNone));
    const lines = recent.map((a) => t.progressLine(a.id, a.title, statusLabel[a.status], broadcastTexts.progress(a.progress)));
    await ctx.reply([t.progressHeader, ...lines].join('\n\n'));
  });

  groups.admin.command('capnhat', d.capnhat, async (ctx) => {
    if (!(await allowed(ctx, 'admin', '/capnhat'))) return;
    await ctx.reply(botTexts.refreshStarted);
    try {
      await ctx.reply(botTexts.refreshDone(await residents.refreshKnowledge()));
    } catch (err) {
      logger.error({ err }, 'knowledge refresh from Telegram failed');
      await ctx.reply(botTexts.refreshFailed(reason(err)));
    }
  });

  handlers.on('message:document', async (ctx, next) => {
    const ref = chatRef(ctx);
    // For residents a file is just something the bot cannot read; only staff are told they lack the right.
    if (ctx.chat.type !== 'private' || residents.roleOf('telegram', ref.userId) === 'resident') return next();
    if (!(await allowed(ctx, 'admin', 'upload'))) return;
    const doc = ctx.msg.document;
    const name = path.basename(doc.file_name ?? 'tep-khong-ten');
    if (!SUPPORTED.has(path.extname(name).toLowerCase())) return void (await ctx.reply(botTexts.uploadUnsupported(name)));
    if ((doc.file_size ?? 0) > MAX_DOWNLOAD_BYTES) return void (await ctx.reply(botTexts.uploadRejected(name, t.fileTooBig)));
    await ctx.reply(t.uploadReceived(name));
    try {
      const bytes = await downloadFile(api, doc.file_id);
      await ctx.reply(botTexts.refreshDone(await residents.addDocument(name, bytes)));
    } catch (err) {
      logger.warn({ err, file: name }, 'document upload rejected');
      await ctx.reply(botTexts.uploadRejected(name, reason(err)));
    }
  });
}
