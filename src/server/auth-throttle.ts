// Failed authentications, throttled per address. Before: 300 wrong admin tokens in 0.2 s all got a
// plain 401. Now the first few failures of an address are free (a typo), then each one makes the
// address wait twice as long as the last (1 s, 2 s, 4 s … up to 5 minutes) before any secret it
// sends is even checked: it gets 429 with Retry-After in the meantime. Every failure is logged with
// the address and the door. One throttle per HTTP server covers the admin and staff bearer tokens
// and both webhook secrets, so an attacker cannot spread guesses over the doors.
// @fastify/rate-limit counts requests, not failures: it would slow honest machines polling the API
// as much as a guesser, so this small mechanism counts failures only.
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { Logger } from '../logger.js';

export const AUTH_THROTTLE = {
  /** Failures an address may make before it has to wait. */
  free: 5,
  /** The first wait; each further failure doubles it. */
  baseMs: 1000,
  maxMs: 5 * 60_000,
  /** An address that has not failed for this long starts afresh. */
  forgetMs: 30 * 60_000,
  /** Addresses remembered at most (the oldest are dropped first). */
  maxAddresses: 50_000,
};

interface Entry {
  failures: number;
  until: number;
  last: number;
}

export class FailedAuthThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly o = AUTH_THROTTLE) {}

  /** Milliseconds the address still has to wait; 0 when it may try. */
  waitMs(address: string, now = Date.now()): number {
    const e = this.entries.get(address);
    return e ? Math.max(0, e.until - now) : 0;
  }

  failed(address: string, now = Date.now()): { failures: number; waitMs: number } {
    let e = this.entries.get(address);
    if (!e || now - e.last > this.o.forgetMs) e = { failures: 0, until: 0, last: now };
    e.failures += 1;
    e.last = now;
    const over = e.failures - this.o.free;
    const waitMs = over > 0 ? Math.min(this.o.maxMs, this.o.baseMs * 2 ** (over - 1)) : 0;
    e.until = now + waitMs;
    // Re-inserted so the map stays ordered by last failure: the oldest go first when it is full.
    this.entries.delete(address);
    this.entries.set(address, e);
    if (this.entries.size > this.o.maxAddresses) this.entries.delete(this.entries.keys().next().value!);
    return { failures: e.failures, waitMs };
  }

  succeeded(address: string): void {
    this.entries.delete(address);
  }
}

const throttles = new WeakMap<object, FailedAuthThrottle>();

/** The throttle of the HTTP server this request came to (shared by all its routes and plugins). */
export function throttleOf(request: FastifyRequest): FailedAuthThrottle {
  const key = request.server.server;
  let t = throttles.get(key);
  if (!t) throttles.set(key, (t = new FailedAuthThrottle()));
  return t;
}

export type SecretVerdict = { ok: true } | { ok: false; status: 401 } | { ok: false; status: 429; retryAfterSeconds: number };

/**
 * Checks a presented secret with `matches`, unless the address must still wait. `door` names what
 * was tried in the log ("admin", "staff", "telegram webhook", …); the secret itself never is.
 */
export function checkSecret(
  request: FastifyRequest,
  door: string,
  matches: () => boolean,
  logger: Pick<Logger, 'warn'> | FastifyBaseLogger = request.log,
): SecretVerdict {
  const throttle = throttleOf(request);
  const ip = request.ip;
  const wait = throttle.waitMs(ip);
  if (wait > 0) {
    logger.warn({ ip, door, waitMs: wait }, 'authentication refused: too many failures from this address');
    return { ok: false, status: 429, retryAfterSeconds: Math.ceil(wait / 1000) };
  }
  if (matches()) {
    throttle.succeeded(ip);
    return { ok: true };
  }
  const { failures, waitMs } = throttle.failed(ip);
  logger.warn({ ip, door, url: request.url, failures, waitMs }, `${door} request refused: missing or wrong secret`);
  return { ok: false, status: 401 };
}
