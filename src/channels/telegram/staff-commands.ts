// Staff and admin commands on Telegram: /thongbao (the core's announcement draft), /tiendo (with a
// "stop" button under each announcement still sending or scheduled), /capnhat, and documents an
// admin sends. What each does, who may do it and what is said come from the core's StaffActions.
import path from 'node:path';
import type { CommandGroup } from '@grammyjs/commands';
import { type Api, type Composer, InlineKeyboard } from 'grammy';
import type { StaffActions } from '../../core/staff-actions.js';
import { botTexts } from '../../texts/bot.js';
import { commandDescriptions as d, telegramTexts as t } from '../../texts/telegram.js';
import { type BotContext, chatRef } from './context.js';
import { checkFileSize, downloadFile } from './files.js';

const STOP = /^stop:(\d+)$/;

export function staffCommands(
  groups: { staff: CommandGroup<BotContext>; admin: CommandGroup<BotContext> },
  handlers: Composer<BotContext>,
  deps: { staff: StaffActions; startAnnouncement: (ctx: BotContext) => Promise<void>; isResident: (userId: string) => boolean; api: Api },
): void {
  const { staff, api } = deps;
  const say = (ctx: BotContext) => (text: string) => ctx.reply(text);

  groups.staff.command('thongbao', d.thongbao, (ctx) => deps.startAnnouncement(ctx));

  groups.staff.command('tiendo', d.tiendo, async (ctx) => {
    const { text, stoppable } = staff.progress(chatRef(ctx));
    const keyboard = stoppable.length
      ? new InlineKeyboard(stoppable.map((id) => [InlineKeyboard.text(botTexts.stopSending(id), `stop:${id}`)]))
      : undefined;
    await ctx.reply(text, { reply_markup: keyboard });
  });

  handlers.callbackQuery(STOP, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(staff.stop(chatRef(ctx), Number((ctx.match as RegExpMatchArray)[1])));
  });

  groups.admin.command('capnhat', d.capnhat, (ctx) => staff.refresh(chatRef(ctx), say(ctx)));

  handlers.on('message:document', async (ctx, next) => {
    const ref = chatRef(ctx);
    // For residents a file is just something the bot cannot read; only staff are told they lack the right.
    if (ctx.chat.type !== 'private' || deps.isResident(ref.userId)) return next();
    const doc = ctx.msg.document;
    const name = path.basename(doc.file_name ?? 'tep-khong-ten');
    await staff.upload(
      ref,
      name,
      async () => {
        checkFileSize(doc.file_size);
        return downloadFile(api, doc.file_id);
      },
      say(ctx),
      t.uploadReceived(name),
    );
  });
}
