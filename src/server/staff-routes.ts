// The staff HTTP API over the broadcast service (for the staff console). Mount without a prefix:
//   app.register(broadcastRoutes, { service, staffToken: config.web.staffToken })
// Behind `Authorization: Bearer <STAFF_TOKEN>`; with no token configured the API is off (404).
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AnnouncementError, type BroadcastService } from '../broadcast/service.js';
import { BROADCAST_CHANNELS, parseInstant } from '../domain/index.js';
import { broadcastTexts as t } from '../texts/broadcast.js';
import { checkSecret } from './auth-throttle.js';
import { bearerToken, refusal, tokenMatches } from './bearer-auth.js';
import { ApiError, errorBody } from './errors.js';

export const BROADCAST_API_PREFIX = '/api/staff/announcements';

/** An announcement of 4,096 characters of Vietnamese is ~12 KB of UTF-8; leave room for JSON. */
const CREATE_BODY_LIMIT = 64 * 1024;

const list = z.array(z.string().trim().min(1)).max(200).optional();
const createBody = z.object({
  title: z.string(),
  body: z.string(),
  channels: z.array(z.enum(BROADCAST_CHANNELS as [string, ...string[]])).optional(),
  topics: list,
  wards: list,
  /** "2026-12-01 07:00" in city time, or an ISO instant with its offset. */
  scheduledAt: z.string().optional(),
  /** "2026-12-31": the announcement leaves the knowledge base after that day. */
  expiresAt: z.string().optional(),
  // Only a URL: a server path from the network would let the caller send any file of the server.
  attachment: z
    .object({ kind: z.enum(['photo', 'document']), url: z.string().url(), fileName: z.string().optional() })
    .strict()
    .optional(),
  author: z.string().trim().min(1).max(100).optional(),
  /** Start sending right away (otherwise a draft, or scheduled when scheduledAt is set). */
  send: z.boolean().optional(),
});
const scheduleBody = z.object({ at: z.string() });
const idParams = z.object({ id: z.coerce.number().int().positive() });

function instant(field: string, value: string | undefined, endOfDay = false): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  // The formats staff type everywhere (dd/mm/yyyy hh:mm, dd/mm hh:mm, YYYY-MM-DD HH:mm) or an ISO instant with its offset.
  const at = parseInstant(value, { endOfDay });
  if (at) return at;
  throw new AnnouncementError([t.badDate(field, value)]);
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  throw new AnnouncementError(r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
}

const STATUS: Record<AnnouncementError['code'], number> = { invalid: 400, not_found: 404, conflict: 409, forbidden: 403, unavailable: 503 };

export async function broadcastRoutes(app: FastifyInstance, opts: { service: BroadcastService; staffToken?: string }): Promise<void> {
  const { service, staffToken } = opts;
  const p = BROADCAST_API_PREFIX;

  app.setErrorHandler((err: FastifyError | AnnouncementError, request, reply) => {
    if (err instanceof AnnouncementError) {
      request.log.info({ code: err.code, problems: err.problems }, 'announcement request refused');
      return reply.code(STATUS[err.code]).send({ ...errorBody(err.code, err.problems.join(' ')), problems: err.problems });
    }
    // Anything else goes to the server's own handler (ApiError, body parsing, 500).
    throw err;
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!staffToken) throw new ApiError(404, 'broadcast_api_off', t.apiOff);
    const verdict = checkSecret(request, 'staff', () => tokenMatches(bearerToken(request), staffToken));
    if (!verdict.ok) throw refusal(verdict, reply, t.apiUnauthorized);
  });

  app.get(p, async (request) => {
    const { limit } = parse(z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) }), request.query);
    return { announcements: service.recent(limit) };
  });

  app.post(p, { bodyLimit: CREATE_BODY_LIMIT }, async (request, reply) => {
    const attachment = (request.body as { attachment?: { path?: unknown } } | undefined)?.attachment;
    if (attachment && typeof attachment === 'object' && 'path' in attachment) throw new AnnouncementError([t.attachmentPathNotAllowed]);
    const b = parse(createBody, request.body);
    let a = service.create({
      title: b.title,
      body: b.body,
      channels: b.channels as ('telegram' | 'zalo')[] | undefined,
      topics: b.topics,
      wards: b.wards,
      scheduledAt: instant('scheduledAt', b.scheduledAt),
      expiresAt: instant('expiresAt', b.expiresAt, true),
      attachment: b.attachment,
      author: `api:${b.author ?? 'staff'}`,
    });
    if (b.send && a.status === 'draft') a = service.sendNow(a.id);
    return reply.code(201).send({ announcement: a, preview: service.preview(a.id), progress: service.progress(a.id) });
  });

  app.get(`${p}/:id`, async (request) => {
    const { id } = parse(idParams, request.params);
    const announcement = service.get(id);
    if (!announcement) throw new AnnouncementError([t.notFound(id)], 'not_found');
    return { announcement, progress: service.progress(id) };
  });

  app.get(`${p}/:id/preview`, async (request) => service.preview(parse(idParams, request.params).id));

  app.get(`${p}/:id/progress`, async (request) => {
    const progress = service.progress(parse(idParams, request.params).id);
    return { progress, line: t.progress(progress) };
  });

  app.post(`${p}/:id/send`, async (request, reply) => {
    const { id } = parse(idParams, request.params);
    const announcement = service.sendNow(id);
    return reply.code(202).send({ announcement, progress: service.progress(id) });
  });

  app.post(`${p}/:id/schedule`, async (request) => {
    const { id } = parse(idParams, request.params);
    const at = instant('at', parse(scheduleBody, request.body).at);
    if (!at) throw new AnnouncementError([t.badDate('at', '')]);
    return { announcement: service.schedule(id, at) };
  });

  app.post(`${p}/:id/cancel`, async (request) => {
    const { id } = parse(idParams, request.params);
    const announcement = service.cancel(id);
    return { announcement, progress: service.progress(id), report: service.report(id) };
  });
}
