// The staff console's personal accounts: who may sign in, with which role, and the per-account
// sign-in throttle (failed attempts and a lock time). Password hashing happens outside (the
// server's auth module); this store only keeps the hash.
import type { Sqlite } from './database.js';

export type ConsoleRole = 'staff' | 'admin';
export const CONSOLE_ROLES: readonly ConsoleRole[] = ['staff', 'admin'];

export interface ConsoleUser {
  id: number;
  name: string;
  displayName: string;
  role: ConsoleRole;
  telegramId?: string;
  zaloId?: string;
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: number;
  lastSignInAt?: number;
  createdAt: number;
}

export interface NewConsoleUser {
  name: string;
  displayName: string;
  role: ConsoleRole;
  passwordHash: string;
  telegramId?: string;
  zaloId?: string;
}

export type ConsoleUserChange = Partial<Pick<ConsoleUser, 'displayName' | 'role' | 'telegramId' | 'zaloId' | 'disabled'>>;

function toUser(r: Record<string, any>): ConsoleUser {
  return {
    id: r.id,
    name: r.name,
    displayName: r.display_name,
    role: r.role,
    telegramId: r.telegram_id ?? undefined,
    zaloId: r.zalo_id ?? undefined,
    disabled: r.disabled === 1,
    failedAttempts: r.failed_attempts,
    lockedUntil: r.locked_until,
    lastSignInAt: r.last_sign_in_at ?? undefined,
    createdAt: r.created_at,
  };
}

export class ConsoleUserStore {
  constructor(private readonly db: Sqlite) {}

  /** Throws on a duplicate name (the caller turns it into a message). */
  add(user: NewConsoleUser, now = Date.now()): ConsoleUser {
    const r = this.db
      .prepare(
        `INSERT INTO console_users (name, display_name, role, password_hash, telegram_id, zalo_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(user.name, user.displayName, user.role, user.passwordHash, user.telegramId ?? null, user.zaloId ?? null, now, now);
    return this.get(Number(r.lastInsertRowid))!;
  }

  exists(name: string): boolean {
    return Boolean(this.db.prepare('SELECT 1 FROM console_users WHERE name = ?').get(name));
  }

  get(id: number): ConsoleUser | undefined {
    const r = this.db.prepare('SELECT * FROM console_users WHERE id = ?').get(id) as Record<string, any> | undefined;
    return r && toUser(r);
  }

  /** The account and its hash, for sign-in only. */
  forSignIn(name: string): (ConsoleUser & { passwordHash: string }) | undefined {
    const r = this.db.prepare('SELECT * FROM console_users WHERE name = ?').get(name) as Record<string, any> | undefined;
    return r && { ...toUser(r), passwordHash: r.password_hash };
  }

  /** The role of the active account that has this Telegram or Zalo id, if any: staff act in the bots with it. */
  roleOnChannel(channel: 'telegram' | 'zalo', platformId: string): ConsoleRole | undefined {
    const column = channel === 'telegram' ? 'telegram_id' : 'zalo_id';
    const r = this.db
      .prepare(`SELECT role FROM console_users WHERE ${column} = ? AND disabled = 0 ORDER BY role = 'admin' DESC LIMIT 1`)
      .get(platformId) as { role: ConsoleRole } | undefined;
    return r?.role;
  }

  list(): ConsoleUser[] {
    return (this.db.prepare('SELECT * FROM console_users ORDER BY name').all() as Record<string, any>[]).map(toUser);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM console_users').get() as { n: number }).n;
  }

  countAdmins(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM console_users WHERE role = 'admin' AND disabled = 0").get() as { n: number }).n;
  }

  update(id: number, change: ConsoleUserChange, now = Date.now()): ConsoleUser | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    const next = { ...current, ...change };
    this.db
      .prepare(
        `UPDATE console_users SET display_name = ?, role = ?, telegram_id = ?, zalo_id = ?, disabled = ?, updated_at = ? WHERE id = ?`,
      )
      .run(next.displayName, next.role, next.telegramId || null, next.zaloId || null, next.disabled ? 1 : 0, now, id);
    return this.get(id);
  }

  setPasswordHash(id: number, hash: string, now = Date.now()): boolean {
    return (
      this.db
        .prepare('UPDATE console_users SET password_hash = ?, failed_attempts = 0, locked_until = 0, updated_at = ? WHERE id = ?')
        .run(hash, now, id).changes > 0
    );
  }

  /** Counts a failed sign-in; after `maxFailures` in a row the account is locked for `lockMs`. */
  recordFailure(id: number, maxFailures: number, lockMs: number, now = Date.now()): void {
    this.db
      .prepare(
        `UPDATE console_users SET failed_attempts = failed_attempts + 1,
           locked_until = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END WHERE id = ?`,
      )
      .run(maxFailures, now + lockMs, id);
    // A lock starts a new count: the next burst of failures locks again.
    this.db.prepare('UPDATE console_users SET failed_attempts = 0 WHERE id = ? AND locked_until > ?').run(id, now);
  }

  recordSignIn(id: number, now = Date.now()): void {
    this.db.prepare('UPDATE console_users SET failed_attempts = 0, locked_until = 0, last_sign_in_at = ? WHERE id = ?').run(now, id);
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM console_users WHERE id = ?').run(id).changes > 0;
  }
}
