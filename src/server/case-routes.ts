// The web chat's cases, for residents: ask a person, report a problem (photos uploaded, the
// browser's location on consent), follow one's own cases, write back into an open one and rate a
// closed one once. The same CaseService as Telegram and Zalo, with channel 'web'.
//
// Who is "the resident" here: a browser. It gets a random 128-bit id in an httpOnly cookie limited
// to /api/cases, never seen by the page's script, so another site or an injected script cannot
// read it and nobody can guess it. The database keeps a hash of it as the chat id, so the rows do
// not hold what would open the cases. Web residents get no push: the page reads their cases.
//
// The cookie makes these routes worth forging from another site, so every change needs the same
// origin (Origin and Sec-Fetch-Site, which browsers set and pages cannot) and a CSRF token
// (@fastify/csrf-protection, its secret in a signed cookie beside the id).
import { createHash, randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.js';
import { CaseError, type CasePhotoInput, type CaseService, type ReportDraft } from '../core/case-service.js';
import type { ResidentService } from '../core/resident-service.js';
import type { KeyValueStore } from '../db/kv.js';
import type { Case, ChatRef, GeoPoint } from '../domain/index.js';
import { formatCityTime, isFinal } from '../domain/index.js';
import { caseTexts } from '../texts/cases.js';
import { webCaseTexts, webCaseUiTexts } from '../texts/web-cases.js';
import { ApiError, errorBody } from './errors.js';

export interface CaseRouteDeps {
  config: Config;
  cases: CaseService;
  /** Deletes a browser's data on request, as /xoadulieu does on Telegram and Zalo. */
  residents: ResidentService;
  kv: KeyValueStore;
}

export const CASES_PATH = '/api/cases';
export const RESIDENT_COOKIE = 'hoidap_id';
export const CSRF_COOKIE = 'hoidap_csrf';
const RESIDENT_ID = /^[0-9a-f]{32}$/;
const YEAR_S = 365 * 86_400;
/** JSON bodies: a message of at most MAX_CASE_TEXT characters and a few fields. */
const JSON_BODY_LIMIT = 16 * 1024;
/** The non-file fields of a report (category, ward, address, position, description). */
const REPORT_FIELDS = { fields: 10, fieldSize: 8 * 1024 };
/** How many of their cases a resident sees (newest first). */
const LISTED_CASES = 20;

const e = webCaseTexts.errors;
const textBody = z.object({ text: z.string().max(10_000) });
const ratingBody = z.object({ rating: z.number().int().min(1).max(5) });
const caseParams = z.object({ number: z.string().max(40) });
const coordinate = (min: number, max: number) => z.coerce.number().min(min).max(max);
const reportFields = z.object({
  category: z.string().max(100),
  ward: z.string().max(200).optional(),
  address: z.string().max(1000).optional(),
  latitude: coordinate(-90, 90).optional(),
  longitude: coordinate(-180, 180).optional(),
  description: z.string().max(10_000),
});

/** One signing secret per database, so every process sharing it accepts the CSRF cookie. */
function signingSecret(kv: KeyValueStore): string {
  const key = 'web:cookie-secret';
  if (!kv.get<string>(key)) kv.set(key, randomBytes(32).toString('hex'));
  return kv.get<string>(key)!;
}

/**
 * True unless the browser says the request comes from another page than our own. Sec-Fetch-Site is
 * the browser's own verdict, right behind any proxy; browsers without it (Safari before 16.4) send
 * Origin, compared by host, since a proxy that ends TLS makes our side of it plain HTTP.
 */
function fromOwnPage(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}

const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function caseRoutes(app: FastifyInstance, deps: CaseRouteDeps): Promise<void> {
  const { config, cases } = deps;
  const { maxPhotos, photoMaxBytes } = config.cases;
  const photoMaxMb = megabytes(photoMaxBytes);
  const rateLimit = { max: config.web.rateLimitPerMinute, timeWindow: 60_000 };
  const json = { bodyLimit: JSON_BODY_LIMIT, config: { rateLimit } };

  await app.register(cookie, { secret: signingSecret(deps.kv) });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: CASES_PATH, httpOnly: true, sameSite: 'lax', signed: true, maxAge: YEAR_S },
  });
  await app.register(multipart, { limits: { ...REPORT_FIELDS, files: maxPhotos, fileSize: photoMaxBytes, parts: maxPhotos + 10 } });

  app.setErrorHandler((err: Error & { code?: string }, request, reply) => {
    if (err.code?.startsWith('FST_CSRF')) {
      request.log.warn({ url: request.routeOptions.url }, 'web case request refused: CSRF token missing or wrong');
      return reply.code(403).send(errorBody('csrf', e.csrf));
    }
    if (err instanceof CaseError) {
      const status = err.code === 'conflict' ? 429 : err.code === 'not_found' ? 404 : 400;
      return reply.code(status).send(errorBody(status === 429 ? 'case_limit' : 'case_refused', err.message));
    }
    throw err;
  });

  app.addHook('onRequest', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && !fromOwnPage(request)) {
      request.log.warn({ url: request.routeOptions.url, origin: request.headers.origin }, 'web case request refused: another origin');
      throw new ApiError(403, 'cross_origin', e.crossOrigin);
    }
  });

  const remembered = (request: FastifyRequest) => RESIDENT_ID.test(request.cookies[RESIDENT_COOKIE] ?? '');

  /** The browser's resident: the id in its cookie, given one on first use. */
  const residentOf = (request: FastifyRequest, reply: FastifyReply): ChatRef => {
    let id = request.cookies[RESIDENT_COOKIE] ?? '';
    if (!remembered(request)) {
      id = randomBytes(16).toString('hex');
      reply.setCookie(RESIDENT_COOKIE, id, {
        path: CASES_PATH,
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        maxAge: YEAR_S,
      });
    }
    const chatId = createHash('sha256').update(id).digest('hex').slice(0, 32);
    return { channel: 'web', chatId, userId: chatId };
  };

  const ownCase = (ref: ChatRef, number: string): Case => {
    const id = cases.idIn(number);
    const c = id === undefined ? undefined : cases.get(id);
    if (!c || c.anonymized || c.channel !== ref.channel || c.chatId !== ref.chatId) throw new ApiError(404, 'unknown_case', e.unknownCase);
    return c;
  };

  /** What the resident sees of a case: never notes, assignees or staff names. */
  const view = (c: Case) => ({
    number: c.number,
    kind: c.kind,
    kindLabel: caseTexts.kindLabel(c.kind),
    status: c.status,
    statusLabel: caseTexts.statusLabel(c.status),
    category: cases.categoryLabel(c.category),
    ward: c.ward,
    address: c.address,
    hasLocation: Boolean(c.location),
    photos: c.photos.length,
    text: c.text,
    created: formatCityTime(c.createdAt),
    updated: formatCityTime(c.updatedAt),
    open: !isFinal(c.status),
    rating: c.rating,
    canRate: isFinal(c.status) && c.rating === undefined,
    messages: cases
      .entries(c.id, { notes: false })
      .filter((m) => m.kind === 'resident' || m.kind === 'staff' || m.kind === 'status')
      .map((m) => ({
        from: m.kind,
        text: m.kind === 'status' ? caseTexts.statusLabel(m.text as Case['status']) : m.text,
        at: formatCityTime(m.at),
      })),
  });

  app.get('/setup', { config: { rateLimit } }, async (request, reply) => {
    // False on a first visit, and on every visit of a browser that refuses our cookie (an embed in
    // another site's page): the page then sends the resident to a tab of its own.
    const known = remembered(request);
    residentOf(request, reply);
    reply.header('Cache-Control', 'no-store');
    return {
      categories: cases.categories.map((c) => ({ slug: c.slug, label: c.label })),
      wards: config.city.wards.map((w) => w.name),
      maxPhotos,
      photoMaxBytes,
      texts: webCaseUiTexts({ maxPhotos, photoMaxMb }),
      csrfToken: reply.generateCsrf({ secure: request.protocol === 'https' }),
      remembered: known,
    };
  });

  app.get('/', { config: { rateLimit } }, async (request, reply) => {
    const ref = residentOf(request, reply);
    reply.header('Cache-Control', 'no-store');
    return { cases: cases.forResident(ref, LISTED_CASES).map(view) };
  });

  app.post('/questions', { ...json, onRequest: app.csrfProtection }, async (request, reply) => {
    const parsed = textBody.safeParse(request.body);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', e.invalidQuestion);
    const opened = cases.openQuestion(residentOf(request, reply), parsed.data.text);
    return reply.code(201).send({ case: view(opened.case), text: opened.text });
  });

  app.post(
    '/reports',
    // Photos and a few fields; each photo is also held to CASE_PHOTO_MAX_MB as it streams in.
    { bodyLimit: maxPhotos * photoMaxBytes + 64 * 1024, config: { rateLimit }, onRequest: app.csrfProtection },
    async (request, reply) => {
      if (!request.isMultipart()) throw new ApiError(415, 'invalid_request', e.invalidReport);
      const ref = residentOf(request, reply);
      const { draft, photos } = await readReport(request);
      try {
        const opened = cases.openReport(ref, { ...draft, photos });
        return reply.code(201).send({ case: view(opened.case), text: opened.text });
      } catch (err) {
        cases.discardPhotos(photos);
        throw err;
      }
    },
  );

  app.post('/:number/messages', { ...json, onRequest: app.csrfProtection }, async (request, reply) => {
    const parsed = textBody.safeParse(request.body);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', e.invalidMessage);
    const ref = residentOf(request, reply);
    const c = ownCase(ref, caseParams.parse(request.params).number);
    if (isFinal(c.status)) throw new ApiError(409, 'case_closed', e.closed(c.number));
    const text = cases.residentWrites(ref, c.id, parsed.data.text);
    return { case: view(ownCase(ref, c.number)), text };
  });

  app.post('/:number/rating', { ...json, onRequest: app.csrfProtection }, async (request, reply) => {
    const parsed = ratingBody.safeParse(request.body);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', e.invalidRating);
    const ref = residentOf(request, reply);
    const c = ownCase(ref, caseParams.parse(request.params).number);
    if (!isFinal(c.status) || c.rating !== undefined) throw new ApiError(409, 'not_ratable', e.rated);
    const text = cases.rate(ref, c.id, parsed.data.rating);
    const after = ownCase(ref, c.number);
    // Two taps at once: the store keeps the first; the second is told it was already rated.
    if (after.rating !== parsed.data.rating) throw new ApiError(409, 'not_ratable', e.rated);
    return { case: view(after), text };
  });

  // The browser's cases lose who, where, what was said and their photos (anonymous counts stay);
  // the browser gets a new id, so it starts afresh.
  app.post('/forget', { ...json, onRequest: app.csrfProtection }, async (request, reply) => {
    const removed = deps.residents.forget(residentOf(request, reply));
    reply.clearCookie(RESIDENT_COOKIE, { path: CASES_PATH });
    return { text: webCaseTexts.forgotten(removed.cases) };
  });

  /** The report's fields and its photos, each checked by content and kept; nothing is kept on a refusal. */
  async function readReport(request: FastifyRequest): Promise<{ draft: Omit<ReportDraft, 'photos'>; photos: CasePhotoInput[] }> {
    const fields: Record<string, string> = {};
    const photos: CasePhotoInput[] = [];
    try {
      for await (const part of request.parts() as AsyncIterable<Multipart>) {
        if (part.type === 'field') {
          if (typeof part.value === 'string') fields[part.fieldname] = part.value;
          continue;
        }
        const bytes = await part.toBuffer();
        // A form posted with no file chosen still carries an empty, nameless file part.
        if (!bytes.byteLength && !part.filename) continue;
        photos.push(await cases.keepPhoto(bytes));
      }
    } catch (err) {
      cases.discardPhotos(photos);
      const code = (err as { code?: string }).code;
      if (code === 'FST_FILES_LIMIT') throw new ApiError(413, 'too_many_photos', e.tooManyPhotos(maxPhotos));
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw new ApiError(413, 'photo_too_large', e.photoTooLarge(photoMaxMb));
      if (err instanceof CaseError) throw new ApiError(422, 'photo_refused', err.message);
      throw err;
    }
    const parsed = reportFields.safeParse(Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== '')));
    if (!parsed.success) {
      cases.discardPhotos(photos);
      throw new ApiError(
        400,
        'invalid_request',
        parsed.error.issues.some((i) => i.path[0] === 'description') ? caseTexts.emptyText : e.invalidReport,
      );
    }
    const { latitude, longitude, ...rest } = parsed.data;
    if ((latitude === undefined) !== (longitude === undefined)) {
      cases.discardPhotos(photos);
      throw new ApiError(400, 'invalid_location', e.invalidLocation);
    }
    const location: GeoPoint | undefined = latitude !== undefined && longitude !== undefined ? { latitude, longitude } : undefined;
    return { draft: { ...rest, location }, photos };
  }
}
