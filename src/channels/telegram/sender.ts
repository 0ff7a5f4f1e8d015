// Sends announcements and direct notices through the Bot API for the delivery worker. No auto-retry here: the worker
// owns retries (it records each attempt and honours retry_after per delivery), so every error is
// mapped to a SendOutcome instead.
import { Api, GrammyError, HttpError, InlineKeyboard, InputFile } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import type { ChannelSender, SendOutcome } from '../../broadcast/types.js';
import type { TelegramConfig } from '../../config.js';
import { splitMessage } from '../../core/format.js';
import type { NoticeAction, OutgoingAnnouncement, OutgoingNotice } from '../../domain/index.js';
import { renderAnnouncement } from '../../domain/index.js';
import { type Logger, redact, registerSecret } from '../../logger.js';

/** A hung request holds a claimed delivery; a minute is ample for a caption upload. */
const TIMEOUT_SECONDS = 60;
const MAX_TEXT = 4096;

export function createTelegramSender(config: TelegramConfig, logger: Logger): ChannelSender {
  registerSecret(config.token);
  const api = new Api(config.token, { apiRoot: config.apiRoot, timeoutSeconds: TIMEOUT_SECONDS });
  const paid = config.allowPaidBroadcast ? { allow_paid_broadcast: true } : {};
  const log = logger.child({ module: 'telegram-sender' });

  return {
    channel: 'telegram',
    ratePerSecond: config.ratePerSecond,
    perChatIntervalMs: config.perChatIntervalMs,
    maxTextLength: MAX_TEXT,
    maxCaptionLength: 1024,
    async send(chatId: string, message: OutgoingAnnouncement): Promise<SendOutcome> {
      const text = renderAnnouncement(message);
      // The title line in bold; offsets are UTF-16 units, as JavaScript string lengths are.
      const entities: MessageEntity[] = [{ type: 'bold', offset: 0, length: message.title.trim().length }];
      return attempt(async () => {
        const a = message.attachment;
        if (!a) await api.sendMessage(chatId, text, { entities, ...paid });
        else {
          const file = a.path ? new InputFile(a.path, a.fileName) : a.url!;
          const options = { caption: text, caption_entities: entities, ...paid };
          if (a.kind === 'photo') await api.sendPhoto(chatId, file, options);
          else await api.sendDocument(chatId, file, options);
        }
      });
    },
    async sendNotice(chatId: string, notice: OutgoingNotice): Promise<SendOutcome> {
      // Plain text (no parse mode): whatever staff typed arrives as typed. The buttons go under the
      // last part, where the reader ends up.
      const parts = splitMessage(notice.text, MAX_TEXT);
      const markup = notice.actions.length ? { reply_markup: actionKeyboard(notice.actions) } : {};
      return attempt(async () => {
        for (const [i, part] of parts.entries())
          await api.sendMessage(chatId, part, { ...(i === parts.length - 1 ? markup : {}), ...paid });
      });
    },
  };

  async function attempt(send: () => Promise<void>): Promise<SendOutcome> {
    try {
      await send();
      return { kind: 'sent' };
    } catch (err) {
      const outcome = toOutcome(err);
      if (outcome.kind === 'retry' && !(err instanceof GrammyError && err.error_code === 429))
        log.debug({ error: outcome.error }, 'telegram send will be retried');
      return outcome;
    }
  }
}

/**
 * Short choices (a 1–5 rating, yes / no) side by side in one row, as people expect to tap them;
 * anything longer one per row, so labels are not cut on a phone.
 */
export function actionKeyboard(actions: NoticeAction[]): InlineKeyboard {
  const buttons = actions.map((a) => InlineKeyboard.text(a.label, a.data));
  const oneRow = actions.length <= 5 && actions.every((a) => [...a.label].length <= 6);
  return InlineKeyboard.from(oneRow ? [buttons] : buttons.map((b) => [b]));
}

/** Bot API error → what the worker should do with the delivery. */
export function toOutcome(err: unknown): SendOutcome {
  if (err instanceof GrammyError) {
    const error = `${err.error_code} ${err.description}`;
    if (err.error_code === 429) {
      const seconds = err.parameters?.retry_after ?? 1;
      return { kind: 'retry', retryAfterMs: seconds * 1000, error };
    }
    // 403: blocked by the user, user deactivated, kicked from the group — the chat is gone for us.
    if (err.error_code === 403) return { kind: 'blocked', error };
    // 5xx: Telegram's side; 401/404: a token or API root problem the admin can fix — retry, bounded.
    if (err.error_code >= 500 || err.error_code === 401 || err.error_code === 404) return { kind: 'retry', error };
    // 400 chat not found, message too long, …: sending again would fail the same way.
    return { kind: 'failed', error };
  }
  if (err instanceof HttpError) return { kind: 'retry', error: redact(`network: ${String(err.error ?? err.message)}`) };
  return { kind: 'retry', error: redact(String(err)) };
}
