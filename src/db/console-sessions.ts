// Server-side console sessions: the cookie carries only a signed random id; what the session holds
// (the account id, the CSRF secret) stays here, so signing out or disabling an account ends it.
import type { Sqlite } from './database.js';

export class ConsoleSessionStore {
  constructor(private readonly db: Sqlite) {}

  get(sid: string, now = Date.now()): Record<string, unknown> | undefined {
    const r = this.db.prepare('SELECT data, expires_at FROM console_sessions WHERE sid = ?').get(sid) as
      | { data: string; expires_at: number }
      | undefined;
    if (!r || r.expires_at <= now) return undefined;
    return JSON.parse(r.data) as Record<string, unknown>;
  }

  set(sid: string, data: Record<string, unknown>, expiresAt: number): void {
    this.db
      .prepare(
        'INSERT INTO console_sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at',
      )
      .run(sid, JSON.stringify(data), expiresAt);
  }

  destroy(sid: string): void {
    this.db.prepare('DELETE FROM console_sessions WHERE sid = ?').run(sid);
  }

  /** Ends every session of one account (password change, account disabled or removed). */
  destroyForUser(userId: number): number {
    return this.db.prepare("DELETE FROM console_sessions WHERE json_extract(data, '$.userId') = ?").run(userId).changes;
  }

  prune(now = Date.now()): number {
    return this.db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?').run(now).changes;
  }
}
