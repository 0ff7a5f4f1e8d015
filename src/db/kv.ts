import type { Sqlite } from './database.js';

/**
 * Small durable key-value state: chat sessions for grammY plugins (conversations, menus) and the
 * Zalo dialogue state, and "seen" markers that deduplicate webhook updates across restarts.
 */
export class KeyValueStore {
  constructor(private readonly db: Sqlite) {}

  get<T>(key: string): T | undefined {
    const r = this.db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.db
      .prepare(
        'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .run(key, JSON.stringify(value), Date.now());
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM kv WHERE key = ?').run(key);
  }

  /** The keys under a prefix. */
  keys(prefix: string): string[] {
    return (
      this.db.prepare('SELECT key FROM kv WHERE substr(key, 1, length(?)) = ? ORDER BY key').all(prefix, prefix) as { key: string }[]
    ).map((r) => r.key);
  }

  deletePrefix(prefix: string): number {
    return this.db.prepare('DELETE FROM kv WHERE substr(key, 1, length(?)) = ?').run(prefix, prefix).changes;
  }

  /**
   * Everything kept under a chat's key prefix (`<channel>:<chatId>:`: sessions, dialogues) and the
   * markers of its updates (keyed "<chatId>:<message id>").
   */
  forget(channel: string, chatId: string): void {
    this.deletePrefix(`${channel}:${chatId}:`);
    this.db
      .prepare('DELETE FROM processed_updates WHERE channel = ? AND substr(update_key, 1, length(?)) = ?')
      .run(channel, `${chatId}:`, `${chatId}:`);
  }

  /** Marks an update as handled; false when it was already seen (a duplicate delivery). */
  firstSeen(channel: string, updateKey: string): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO processed_updates (channel, update_key, created_at) VALUES (?, ?, ?)')
      .run(channel, updateKey, Date.now());
    return r.changes > 0;
  }

  pruneSeen(maxAgeMs: number): number {
    return this.db.prepare('DELETE FROM processed_updates WHERE created_at < ?').run(Date.now() - maxAgeMs).changes;
  }
}
