// The question id of a chat's last answer, which a 👍/👎 message votes on (Zalo has no buttons to
// carry it). Kept under `zalo:<chatId>:` so the resident's data deletion removes it.
import type { KeyValueStore } from '../../db/kv.js';

export class LastAnswerStore {
  constructor(private readonly kv: KeyValueStore) {}

  get(chatId: string): number | undefined {
    return this.kv.get<number>(keyOf(chatId));
  }

  set(chatId: string, questionId: number): void {
    this.kv.set(keyOf(chatId), questionId);
  }
}

const keyOf = (chatId: string) => `zalo:${chatId}:last-answer`;
