// The staff console at /quan-tri: its pages, sign-in and sign-out, and the guard, CSRF check and
// audit every console action passes. The feature routes (questions, curated answers, documents,
// announcements, accounts, cases) are registered inside the guarded scope; case photos outside
// it, since they answer 404 (not 401) to anyone not signed in.
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CaseService } from '../../core/case-service.js';
import type { ConsoleStore } from '../../db/console-store.js';
import type { ConsoleUser } from '../../db/console-users.js';
import type { KeyValueStore } from '../../db/kv.js';
import { wardNames } from '../../domain/city.js';
import { consoleTexts } from '../../texts/console.js';
import { ApiError, errorBody } from '../errors.js';
import { signIn } from './auth.js';
import { casePhotoRoute, caseRoutes } from './case-routes.js';
import { type ContentDeps, contentRoutes } from './content-routes.js';
import { peopleRoutes } from './people-routes.js';
import { questionRoutes } from './question-routes.js';
import { CONSOLE_PATH, registerSessions } from './session.js';

const PAGES_DIR = fileURLToPath(new URL('../../channels/web/console/', import.meta.url));

// Nothing from elsewhere, no inline script, and the console is never framed by another site.
const CONSOLE_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Sign-in attempts per address (all accounts together) in SIGN_IN_WINDOW_MS; the account limit is in auth.ts. */
export const SIGN_IN_ATTEMPTS_PER_ADDRESS = 20;
export const SIGN_IN_WINDOW_MS = 15 * 60_000;

export interface ConsoleDeps extends ContentDeps {
  consoleStore: ConsoleStore;
  kv: KeyValueStore;
  cases: CaseService;
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleUser?: ConsoleUser;
  }
  interface FastifyContextConfig {
    /** Audit name of a console action; every route that changes something (or exports data) has one. */
    action?: string;
    /** Only admins may call it. */
    adminOnly?: boolean;
  }
}

const t = consoleTexts.errors;
const signInBody = z.object({ name: z.string().trim().min(1).max(100), password: z.string().min(1).max(500) });

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An HTML page with its {{key}} placeholders filled from consoleTexts.ui (escaped) and the texts for its script. */
async function renderPage(file: string): Promise<string> {
  const html = await fs.readFile(`${PAGES_DIR}${file}`, 'utf8');
  const ui = consoleTexts.ui as Record<string, unknown>;
  const json = JSON.stringify(ui).replace(/</g, '\\u003c');
  return html
    .replace(/\{\{(\w+)\}\}/g, (_m, key: string) => escapeHtml(String(ui[key] ?? key)))
    .replace('<!--texts-->', `<script type="application/json" id="texts">${json}</script>`);
}

function sendPage(reply: FastifyReply, html: string) {
  return reply
    .type('text/html; charset=utf-8')
    .header('Content-Security-Policy', CONSOLE_POLICY)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'no-store')
    .send(html);
}

function publicUser(u: ConsoleUser) {
  return { id: u.id, name: u.name, displayName: u.displayName, role: u.role };
}

export async function consolePlugin(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const { consoleStore } = deps;
  const { users, audit } = consoleStore;
  await registerSessions(app, consoleStore.sessions, deps.kv);

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
    // @fastify/csrf-protection's refusals, in the console's language.
    if (err.code?.startsWith('FST_CSRF')) {
      request.log.warn({ url: request.url, ip: request.ip }, 'console request refused: CSRF token missing or wrong');
      return reply.code(403).send(errorBody('csrf', t.csrf));
    }
    throw err;
  });

  const currentUser = (request: FastifyRequest): ConsoleUser | undefined => {
    const id = request.session.userId;
    const user = id === undefined ? undefined : users.get(id);
    return user && !user.disabled ? user : undefined;
  };

  const record = (request: FastifyRequest, action: string, allowed: boolean, target?: string, who?: { id?: number; name: string }) =>
    audit.record({
      userId: who?.id ?? request.consoleUser?.id,
      userName: who?.name ?? request.consoleUser?.name ?? '?',
      action,
      target,
      allowed,
      ip: request.ip,
    });

  // Pages. The page assets (style, scripts) are public; the console page itself needs a session.
  await app.register(fastifyStatic, {
    root: `${PAGES_DIR}assets/`,
    prefix: `${CONSOLE_PATH}/tep/`,
    decorateReply: false,
    setHeaders: (reply) => {
      reply.header('Content-Security-Policy', CONSOLE_POLICY);
      reply.header('X-Content-Type-Options', 'nosniff');
    },
  });
  app.get(CONSOLE_PATH, (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`));
  app.get(`${CONSOLE_PATH}/`, async (request, reply) => {
    if (!currentUser(request)) return reply.redirect(`${CONSOLE_PATH}/dang-nhap`);
    return sendPage(reply, await renderPage('console.html'));
  });
  app.get(`${CONSOLE_PATH}/dang-nhap`, async (_request, reply) => sendPage(reply, await renderPage('sign-in.html')));
  await app.register(casePhotoRoute, { cases: deps.cases, path: `${CONSOLE_PATH}/anh`, signedIn: (r) => currentUser(r) !== undefined });

  const api = `${CONSOLE_PATH}/api`;

  // Who is signed in, and a CSRF token for the next change (the sign-in form needs one too).
  app.get(`${api}/session`, async (request, reply) => {
    const user = currentUser(request);
    return { user: user && publicUser(user), csrfToken: reply.generateCsrf() };
  });

  app.post(
    `${api}/sign-in`,
    {
      onRequest: app.csrfProtection,
      config: {
        rateLimit: {
          max: SIGN_IN_ATTEMPTS_PER_ADDRESS,
          timeWindow: SIGN_IN_WINDOW_MS,
          errorResponseBuilder: (_r: FastifyRequest, c: { ttl: number }) =>
            new ApiError(429, 'too_many_sign_ins', t.tooManySignIns(Math.max(1, Math.ceil(c.ttl / 60_000)))),
        },
      },
    },
    async (request, reply) => {
      const body = signInBody.safeParse(request.body);
      if (!body.success) throw new ApiError(400, 'invalid_sign_in', t.invalidSignIn);
      const result = await signIn(users, body.data.name, body.data.password);
      if (!result.ok) {
        const known = users.forSignIn(body.data.name);
        record(request, 'sign-in', false, result.reason, { id: known?.id, name: body.data.name.slice(0, 100) });
        if (result.reason === 'locked')
          throw new ApiError(429, 'account_locked', t.tooManySignIns(Math.max(1, Math.ceil(result.retryAfterMs / 60_000))));
        throw new ApiError(401, 'sign_in_failed', t.signInFailed);
      }
      // A new session id at sign-in, so an id planted before it is worth nothing after.
      await request.session.regenerate();
      request.session.userId = result.user.id;
      record(request, 'sign-in', true, undefined, result.user);
      return reply.send({ user: publicUser(result.user), csrfToken: reply.generateCsrf() });
    },
  );

  // Everything below needs a session; changes also need the CSRF token.
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      const user = currentUser(request);
      if (!user) throw new ApiError(401, 'not_signed_in', t.notSignedIn);
      request.consoleUser = user;
    });
    scope.addHook('onRequest', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD') return;
      await new Promise<void>((resolve, reject) => {
        scope.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve()));
      });
    });
    scope.addHook('preHandler', async (request) => {
      const { action, adminOnly } = request.routeOptions.config;
      if (adminOnly && request.consoleUser!.role !== 'admin') {
        if (action) record(request, action, false, targetOf(request));
        request.log.warn({ user: request.consoleUser!.name, url: request.url }, 'console action refused: admins only');
        throw new ApiError(403, 'admins_only', t.adminsOnly);
      }
    });
    scope.addHook('onResponse', async (request, reply) => {
      const { action } = request.routeOptions.config;
      if (action && request.consoleUser && reply.statusCode !== 403) record(request, action, reply.statusCode < 400, targetOf(request));
    });

    scope.post(`${api}/sign-out`, { config: { action: 'sign-out' } }, async (request, reply) => {
      // Audited before the session (and with it the name) is gone.
      await request.session.destroy();
      return reply.code(204).send();
    });

    await scope.register(questionRoutes, { prefix: api, consoleStore, knowledge: deps.knowledge });
    await scope.register(contentRoutes, { prefix: api, ...deps });
    await scope.register(peopleRoutes, { prefix: api, consoleStore });
    await scope.register(caseRoutes, { prefix: api, cases: deps.cases, consoleStore, wards: wardNames(deps.config.city) });
  });
}

function targetOf(request: FastifyRequest): string | undefined {
  const id = (request.params as Record<string, string> | undefined)?.id;
  return id === undefined ? undefined : String(id);
}
