import type { ChannelName, Role } from '../domain/index.js';
import type { Sqlite } from './database.js';

/** Stored roles (granted at run time) and the audit trail of privileged attempts. */
export class AccessStore {
  constructor(private readonly db: Sqlite) {}

  storedRole(channel: ChannelName, userId: string): Role {
    const r = this.db.prepare('SELECT role FROM roles WHERE channel = ? AND user_id = ?').get(channel, userId) as
      | { role: Role }
      | undefined;
    return r?.role ?? 'resident';
  }

  grant(channel: ChannelName, userId: string, role: 'admin' | 'staff'): void {
    this.db
      .prepare(
        'INSERT INTO roles (channel, user_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET role = excluded.role',
      )
      .run(channel, userId, role, Date.now());
  }

  /** False when the person had no stored role. */
  revoke(channel: ChannelName, userId: string): boolean {
    return this.db.prepare('DELETE FROM roles WHERE channel = ? AND user_id = ?').run(channel, userId).changes > 0;
  }

  /** Roles granted at run time (not those from the environment), newest first. */
  list(): { channel: ChannelName; userId: string; role: 'admin' | 'staff'; createdAt: number }[] {
    return (this.db.prepare('SELECT * FROM roles ORDER BY created_at DESC').all() as Record<string, any>[]).map((r) => ({
      channel: r.channel,
      userId: r.user_id,
      role: r.role,
      createdAt: r.created_at,
    }));
  }

  /** A person's audit entries (their stored role, if any, is kept: it is the city's decision). */
  forget(channel: ChannelName, userId: string): void {
    this.db.prepare('DELETE FROM audit_log WHERE channel = ? AND user_id = ?').run(channel, userId);
  }

  audit(channel: ChannelName, userId: string, action: string, allowed: boolean): void {
    this.db
      .prepare('INSERT INTO audit_log (channel, user_id, action, allowed, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(channel, userId, action, allowed ? 1 : 0, Date.now());
  }

  auditTrail(limit = 100): { channel: ChannelName; userId: string; action: string; allowed: boolean; createdAt: number }[] {
    return (this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as Record<string, any>[]).map((r) => ({
      channel: r.channel,
      userId: r.user_id,
      action: r.action,
      allowed: r.allowed === 1,
      createdAt: r.created_at,
    }));
  }
}
