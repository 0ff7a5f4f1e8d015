// grammY session and conversation state kept in the database's key-value table, so menus and the
// staff flow survive restarts. Keys are "telegram:<chatId>:<name>": deleting a chat's data
// (store.forgetChat) removes them with everything else.
import type { StorageAdapter } from 'grammy';
import type { KeyValueStore } from '../../db/kv.js';

export const stateKey = (chatId: number | string, name: string) => `telegram:${chatId}:${name}`;

export class KvStorage<T> implements StorageAdapter<T> {
  constructor(private readonly kv: KeyValueStore) {}

  read(key: string): T | undefined {
    return this.kv.get<T>(key);
  }

  write(key: string, value: T): void {
    this.kv.set(key, value);
  }

  delete(key: string): void {
    this.kv.delete(key);
  }
}
