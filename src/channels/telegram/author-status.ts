// The author's view of an announcement being sent, on Telegram: one status message edited in place
// as the counts change (at the pace of AuthorProgress, every few seconds), then the final report.
import type { Api } from 'grammy';
import type { AuthorProgress } from '../../core/author-progress.js';
import type { BroadcastProgress } from '../../domain/index.js';
import { botTexts } from '../../texts/bot.js';
import { broadcastTexts, statusLabel } from '../../texts/broadcast.js';

export function followOnTelegram(api: Api, authors: AuthorProgress) {
  return (chatId: number, id: number): void => {
    let messageId: number | undefined;
    let shown = '';
    const show = async (p: BroadcastProgress) => {
      const text = botTexts.sendingStatus(p.id, statusLabel[p.status], broadcastTexts.progress(p));
      // Telegram refuses an edit that changes nothing.
      if (text === shown) return;
      shown = text;
      if (messageId === undefined) messageId = (await api.sendMessage(chatId, text)).message_id;
      else await api.editMessageText(chatId, messageId, text);
    };
    authors.follow(id, {
      progress: show,
      done: async (p, report) => {
        if (messageId !== undefined) await show(p);
        await api.sendMessage(chatId, report);
      },
    });
  };
}
