// The context type every Telegram handler sees, and the translation of an update into the core's
// ChatRef.
import type { Context, SessionFlavor } from 'grammy';
import type { ConversationFlavor } from '@grammyjs/conversations';
import type { AutoChatActionFlavor } from '@grammyjs/auto-chat-action';
import type { ChatRef } from '../../bot/resident-service.js';

export interface TelegramSession {
  /** Topics ticked in the /dangky menu before "Tiếp tục". */
  subscribeTopics?: string[];
}

/** The session is stored only once something is put in it (undefined for most chats). */
export type BotContext = ConversationFlavor<Context & SessionFlavor<TelegramSession | undefined> & AutoChatActionFlavor>;

export function chatRef(ctx: Context): ChatRef {
  const from = ctx.from;
  const name = from ? [from.first_name, from.last_name].filter(Boolean).join(' ') : undefined;
  return { channel: 'telegram', chatId: String(ctx.chat?.id ?? from?.id), userId: String(from?.id ?? ctx.chat?.id), displayName: name || undefined };
}

export const isPrivate = (ctx: Context) => ctx.chat?.type === 'private';
