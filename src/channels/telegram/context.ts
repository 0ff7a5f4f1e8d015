// The context type every Telegram handler sees, and the translation of an update into the core's
// ChatRef.

import type { AutoChatActionFlavor } from '@grammyjs/auto-chat-action';
import type { Context } from 'grammy';
import type { ChatRef } from '../../domain/index.js';
import { escapeRegExp } from '../../domain/index.js';

export type BotContext = Context & AutoChatActionFlavor;

export function chatRef(ctx: Context): ChatRef {
  const from = ctx.from;
  const name = from ? [from.first_name, from.last_name].filter(Boolean).join(' ') : undefined;
  return {
    channel: 'telegram',
    chatId: String(ctx.chat?.id ?? from?.id),
    userId: String(from?.id ?? ctx.chat?.id),
    displayName: name || undefined,
  };
}

export const isPrivate = (ctx: Context) => ctx.chat?.type === 'private';

const mentionOf = (ctx: Context) => new RegExp(`@${escapeRegExp(ctx.me.username)}\\b`, 'gi');

/**
 * A group message meant for the bot: it mentions the bot, replies to one of its messages, or is a
 * command. Everything else in a group is people talking among themselves.
 */
export function addressedToBot(ctx: Context): boolean {
  const text = ctx.msg?.text ?? ctx.msg?.caption ?? '';
  return text.startsWith('/') || mentionOf(ctx).test(text) || ctx.msg?.reply_to_message?.from?.id === ctx.me.id;
}

/** The question in a group message meant for the bot, without the mention; undefined for any other. */
export function groupQuestion(ctx: Context, text: string): string | undefined {
  if (!addressedToBot(ctx)) return undefined;
  return text.replace(mentionOf(ctx), ' ').trim() || undefined;
}
