// Where a resident's chat is in a multi-step exchange (choosing topics, confirming a deletion), kept in
// the durable key-value store under `zalo:<chatId>:` so a restart does not lose it and the
// resident's "xóa dữ liệu" removes it with everything else.
import type { KeyValueStore } from '../../db/kv.js';

export type DialogueState = { step: 'subscribe-topics' } | { step: 'subscribe-ward'; topics: string[] } | { step: 'forget' };

interface Stored {
  state: DialogueState;
  expiresAt: number;
}

export const DIALOGUE_TTL_MS = 10 * 60_000;

export class DialogueStore {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly ttlMs = DIALOGUE_TTL_MS,
  ) {}

  /** The chat's open step; an abandoned one (older than the timeout) is dropped. */
  get(chatId: string): DialogueState | undefined {
    const stored = this.kv.get<Stored>(stateKey(chatId));
    if (!stored) return undefined;
    if (stored.expiresAt > Date.now()) return stored.state;
    this.kv.delete(stateKey(chatId));
    return undefined;
  }

  set(chatId: string, state: DialogueState): void {
    this.kv.set(stateKey(chatId), { state, expiresAt: Date.now() + this.ttlMs } satisfies Stored);
  }

  clear(chatId: string): void {
    this.kv.delete(stateKey(chatId));
  }

  /** The question id of the last answer, which a 👍/👎 message votes on. */
  lastAnswer(chatId: string): number | undefined {
    return this.kv.get<number>(lastAnswerKey(chatId));
  }

  setLastAnswer(chatId: string, questionId: number): void {
    this.kv.set(lastAnswerKey(chatId), questionId);
  }
}

const stateKey = (chatId: string) => `zalo:${chatId}:dialogue`;
const lastAnswerKey = (chatId: string) => `zalo:${chatId}:last-answer`;
