// Cookies, server-side sessions and CSRF tokens for the console, scoped to its own routes.
// @fastify/session keeps the session in the database (ConsoleSessionStore) and the cookie holds a
// signed random id: httpOnly, SameSite=Strict, Secure whenever the request came over HTTPS (also
// behind a proxy that says so, with TRUST_PROXY), limited to the console's path, and expiring
// after a time without use. @fastify/csrf-protection keeps its secret in that session.
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import session from '@fastify/session';
import type { FastifyInstance, Session } from 'fastify';
import type { ConsoleSessionStore } from '../../db/console-sessions.js';
import type { KeyValueStore } from '../../db/kv.js';

export const CONSOLE_PATH = '/quan-tri';
export const SESSION_COOKIE = 'quantri_sid';
/** A session ends after this long without a request (every request extends it). */
export const SESSION_IDLE_MS = 8 * 3_600_000;

declare module 'fastify' {
  interface Session {
    userId?: number;
  }
}

/** One signing secret per database, made on first use, so every process sharing it accepts the cookie. */
function cookieSecret(kv: KeyValueStore): string {
  const key = 'console:cookie-secret';
  let secret = kv.get<string>(key);
  if (!secret) {
    kv.set(key, randomBytes(32).toString('hex'));
    secret = kv.get<string>(key)!;
  }
  return secret;
}

export async function registerSessions(app: FastifyInstance, sessions: ConsoleSessionStore, kv: KeyValueStore): Promise<void> {
  await app.register(cookie);
  await app.register(session, {
    secret: cookieSecret(kv),
    cookieName: SESSION_COOKIE,
    saveUninitialized: false,
    rolling: true,
    cookie: { path: CONSOLE_PATH, httpOnly: true, sameSite: 'strict', secure: false, maxAge: SESSION_IDLE_MS },
    store: {
      set(sid, data, callback) {
        const expires = data.cookie.expires ? new Date(data.cookie.expires).getTime() : Date.now() + SESSION_IDLE_MS;
        sessions.set(sid, JSON.parse(JSON.stringify(data)) as Record<string, unknown>, expires);
        callback();
      },
      get(sid, callback) {
        callback(null, sessions.get(sid) as unknown as Session | null);
      },
      destroy(sid, callback) {
        sessions.destroy(sid);
        callback();
      },
    },
  });
  // Secure when the request came over HTTPS. Not the plugin's secure: 'auto', which also turns
  // SameSite=Strict into Lax on plain HTTP.
  app.addHook('onRequest', async (request) => {
    if (request.session?.cookie) request.session.cookie.secure = request.protocol === 'https';
  });
  await app.register(csrf, { sessionPlugin: '@fastify/session' });
}
