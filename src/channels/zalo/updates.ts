// The shapes updates arrive in. Sources disagree, so every form seen is accepted: a bare update
// `{event_name, message}`, the envelope `{ok: true, result: ...}`, and a result that is one update
// or an array of them.

export interface ZaloUser {
  id: string;
  display_name?: string;
  first_name?: string;
  is_bot?: boolean;
}

export interface ZaloMessage {
  message_id?: string | number;
  /** Epoch milliseconds. */
  date?: number;
  text?: string;
  photo_url?: string;
  caption?: string;
  sticker?: string;
  from?: ZaloUser;
  chat: { id: string; chat_type?: 'PRIVATE' | 'GROUP' | string };
}

export interface ZaloUpdate {
  event_name?: string;
  message?: ZaloMessage;
}

/** Updates carried by a getUpdates result or a webhook body; anything unrecognised gives []. */
export function updatesOf(body: unknown): ZaloUpdate[] {
  if (Array.isArray(body)) return body.flatMap(updatesOf);
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  if (b.ok === true && 'result' in b) return updatesOf(b.result);
  const message = b.message as ZaloMessage | undefined;
  if (!message || typeof message !== 'object' || !message.chat || message.chat.id === undefined) return [];
  return [{ event_name: typeof b.event_name === 'string' ? b.event_name : undefined, message }];
}

/** The text of a text message, or undefined for stickers, images and anything else. */
export function textOf(update: ZaloUpdate): string | undefined {
  const m = update.message;
  if (!m || typeof m.text !== 'string' || !m.text.trim()) return undefined;
  const event = update.event_name;
  return event === undefined || event === 'message.text.received' ? m.text : undefined;
}
