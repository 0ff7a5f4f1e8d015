// The audit trail of the staff console: every action and sign-in attempt, with the person's name
// (kept even after the account is removed).
import type { Sqlite } from './database.js';

export interface ConsoleAuditEntry {
  id: number;
  userId?: number;
  userName: string;
  action: string;
  target?: string;
  allowed: boolean;
  ip?: string;
  createdAt: number;
}

export class ConsoleAuditStore {
  constructor(private readonly db: Sqlite) {}

  record(entry: Omit<ConsoleAuditEntry, 'id' | 'createdAt'>, now = Date.now()): void {
    this.db
      .prepare('INSERT INTO console_audit (user_id, user_name, action, target, allowed, ip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(entry.userId ?? null, entry.userName, entry.action, entry.target ?? null, entry.allowed ? 1 : 0, entry.ip ?? null, now);
  }

  list(options: { limit?: number; before?: number } = {}): ConsoleAuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM console_audit WHERE (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit')
      .all({ before: options.before ?? null, limit: options.limit ?? 100 }) as Record<string, any>[];
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id ?? undefined,
      userName: r.user_name,
      action: r.action,
      target: r.target ?? undefined,
      allowed: r.allowed === 1,
      ip: r.ip ?? undefined,
      createdAt: r.created_at,
    }));
  }
}
