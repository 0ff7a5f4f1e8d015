// Sends one announcement or direct notice to one Zalo chat for the delivery worker and says what
// happened. A notice's buttons are left out: the Zalo Bot API has none, so the notice's text itself
// says how to answer (e.g. "trả lời 1–5").
//
// Outcomes: 429 → retry (after retry_after when given); 5xx, 408, network errors → retry; 401 (bad
// token: an operator problem, not the subscriber's) → retry; 403 → retry, never "blocked": Zalo
// labels 403 "internal error", so it does not mean the person blocked the bot, and deactivating a
// subscriber on it would silently drop them (the broadcast service gives up after
// BROADCAST_MAX_ATTEMPTS and counts it as failed); 400, 404 and other 4xx → failed.

import type { ChannelSender, SendOutcome } from '../../broadcast/types.js';
import type { ZaloConfig } from '../../config.js';
import { splitMessage } from '../../core/format.js';
import type { OutgoingAnnouncement, OutgoingNotice } from '../../domain/index.js';
import { renderAnnouncement } from '../../domain/index.js';
import { type Logger, redact } from '../../logger.js';
import { zaloTexts } from '../../texts/zalo.js';
import { ZALO_MAX_TEXT } from './bot.js';
import { ZaloApiError, ZaloClient, ZaloNetworkError } from './client.js';

/** Zalo publishes no per-chat limit; one message a second to one person is the polite default. */
const PER_CHAT_INTERVAL_MS = 1_000;

export function createZaloSender(config: ZaloConfig, logger: Logger, client?: ZaloClient): ChannelSender {
  // Retries belong to the broadcast service here (it spreads them over time and counts attempts).
  const api =
    client ?? new ZaloClient({ token: config.token, apiRoot: config.apiRoot, logger: logger.child({ module: 'zalo-sender' }), retries: 0 });
  return {
    channel: 'zalo',
    ratePerSecond: config.ratePerSecond,
    perChatIntervalMs: PER_CHAT_INTERVAL_MS,
    maxTextLength: ZALO_MAX_TEXT,
    async send(chatId: string, message: OutgoingAnnouncement): Promise<SendOutcome> {
      const text = renderAnnouncement(message);
      const a = message.attachment;
      try {
        if (a?.kind === 'photo' && a.url && text.length <= ZALO_MAX_TEXT) {
          await api.sendPhoto(chatId, a.url, text, { retries: 0 });
          return { kind: 'sent' };
        }
        if (a?.kind === 'photo' && a.url) await api.sendPhoto(chatId, a.url, undefined, { retries: 0 });
        else if (a && !a.url) logger.warn({ announcement: message.id }, 'zalo cannot upload files; attachment left out');
        const full = a?.url && a.kind !== 'photo' ? `${text}\n\n${zaloTexts.attachmentLink(a.url)}` : text;
        for (const part of splitMessage(full, ZALO_MAX_TEXT)) await api.sendMessage(chatId, part, { retries: 0 });
        return { kind: 'sent' };
      } catch (err) {
        return outcomeOf(err);
      }
    },
    async sendNotice(chatId: string, notice: OutgoingNotice): Promise<SendOutcome> {
      try {
        for (const part of splitMessage(notice.text, ZALO_MAX_TEXT)) await api.sendMessage(chatId, part, { retries: 0 });
        return { kind: 'sent' };
      } catch (err) {
        return outcomeOf(err);
      }
    },
  };
}

export function outcomeOf(err: unknown): SendOutcome {
  const error = redact(err instanceof Error ? err.message : String(err));
  if (err instanceof ZaloNetworkError) return { kind: 'retry', error };
  if (!(err instanceof ZaloApiError)) return { kind: 'failed', error };
  const code = err.error_code;
  if (code === 429) return { kind: 'retry', rateLimited: true, retryAfterMs: err.retryAfter ? err.retryAfter * 1000 : undefined, error };
  if (code >= 500 || code === 401 || code === 403 || code === 408) return { kind: 'retry', error };
  return { kind: 'failed', error };
}
