// Console sign-in: password hashing and the sign-in decision with its per-account throttle.
//
// bcryptjs (pure JavaScript, maintained, bcrypt-compatible hashes) rather than argon2: the
// argon2 packages for Node either download prebuilt binaries at install (@node-rs/argon2) or
// compile with node-gyp; this project compiles native modules from source only, and a pure-JS
// hash needs neither. Cost 11 (above OWASP's minimum of 10): an attacker's native bcrypt does
// not get faster because ours is JavaScript, while each sign-in here costs about 0.3 s of CPU;
// guessing online is held back by the account lock and the per-address limit anyway.
import bcrypt from 'bcryptjs';
import type { ConsoleUser, ConsoleUserStore } from '../../db/console-users.js';

export const BCRYPT_COST = 11;
export const PASSWORD_MIN_CHARS = 10;
/** bcrypt reads at most 72 bytes; a longer password would be silently cut, so it is refused. */
export const PASSWORD_MAX_BYTES = 72;
/** Failed sign-ins in a row that lock an account, and for how long. */
export const MAX_FAILED_SIGN_INS = 5;
export const ACCOUNT_LOCK_MS = 15 * 60_000;

/** A reason the password is not acceptable, or undefined. */
export function passwordProblem(password: string): 'short' | 'long' | undefined {
  if ([...password].length < PASSWORD_MIN_CHARS) return 'short';
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) return 'long';
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

// Compared against when the name is unknown, so a wrong name takes as long as a wrong password.
// Made on first use, not at import (it costs as much as a sign-in).
let dummyHash: Promise<string> | undefined;

export type SignInResult =
  | { ok: true; user: ConsoleUser }
  | { ok: false; reason: 'wrong' | 'disabled' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

export async function signIn(users: ConsoleUserStore, name: string, password: string, now = Date.now()): Promise<SignInResult> {
  const account = users.forSignIn(name.trim());
  if (!account) {
    dummyHash ??= bcrypt.hash('not a password of anyone', BCRYPT_COST);
    await bcrypt.compare(password, await dummyHash);
    return { ok: false, reason: 'wrong' };
  }
  // A locked account is not even checked: guessing cannot go on while it is locked.
  if (account.lockedUntil > now) return { ok: false, reason: 'locked', retryAfterMs: account.lockedUntil - now };
  const matches = await bcrypt.compare(password, account.passwordHash);
  if (!matches) {
    users.recordFailure(account.id, MAX_FAILED_SIGN_INS, ACCOUNT_LOCK_MS, now);
    const after = users.get(account.id)!;
    if (after.lockedUntil > now) return { ok: false, reason: 'locked', retryAfterMs: after.lockedUntil - now };
    return { ok: false, reason: 'wrong' };
  }
  if (account.disabled) return { ok: false, reason: 'disabled' };
  users.recordSignIn(account.id, now);
  const { passwordHash: _, ...user } = account;
  return { ok: true, user };
}
