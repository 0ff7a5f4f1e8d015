// Cases in the console: the filtered list (and its CSV), one case with what was said in it, and
// the staff actions on it (reply, status, assignment, internal note, reply → curated answer),
// all through CaseService, the same service the bots' staff group uses. The per-category and
// per-ward figures feed the overview. Residents' names, addresses and locations leave the server
// only here, to signed-in staff; nothing personal is logged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CaseService } from '../../core/case-service.js';
import { CaseError } from '../../core/case-service.js';
import type { CaseFilter } from '../../db/cases.js';
import type { ConsoleStore } from '../../db/console-store.js';
import { CASE_STATUSES, type Case, type CaseStatus, formatCityTime, mapLink } from '../../domain/index.js';
import { caseTexts } from '../../texts/cases.js';
import { consoleTexts } from '../../texts/console.js';
import { consoleCaseTexts } from '../../texts/console-cases.js';
import { ApiError, errorBody } from '../errors.js';
import { toCsv } from './csv.js';

export interface CaseRouteDeps {
  cases: CaseService;
  consoleStore: ConsoleStore;
  /** The city's wards, for the ward filter. */
  wards: readonly string[];
}

const t = consoleCaseTexts.errors;
const DAY_MS = 86_400_000;
/** The most rows one CSV export holds (a filter narrows it). */
export const CASE_EXPORT_MAX_ROWS = 10_000;
/** A curated answer's question variant is at most this long (the curated form's own limit). */
const VARIANT_MAX_CHARS = 500;

/** Empty form fields ("") mean "not filtered". */
const blank = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const filterQuery = z.object({
  status: blank(z.enum([...CASE_STATUSES, 'open'])),
  kind: blank(z.enum(['question', 'report'])),
  category: blank(z.string().max(100)),
  ward: blank(z.string().max(200)),
  assignee: blank(z.string().max(100)),
  olderThanDays: blank(z.coerce.number().int().min(0).max(3650)),
  overdue: blank(z.enum(['1', 'true', 'on'])),
  unassigned: blank(z.enum(['1', 'true', 'on'])),
  q: blank(z.string().max(200)),
});
const listQuery = filterQuery.extend({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
const idParams = z.object({ id: z.coerce.number().int().positive() });
const textBody = z.object({ text: z.string().max(4000) });
const statusBody = z.object({ status: z.enum(CASE_STATUSES) });
/** An account id, or null to take the case off everyone. */
const assignBody = z.object({ userId: z.number().int().positive().nullable() });
const curatedBody = z.object({ entryId: z.number().int().positive() });

export async function caseRoutes(app: FastifyInstance, deps: CaseRouteDeps): Promise<void> {
  const { cases, consoleStore } = deps;
  const { users, curated } = consoleStore;

  app.setErrorHandler((err: Error, _request, reply) => {
    if (err instanceof CaseError) {
      const status = err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : err.code === 'forbidden' ? 403 : 400;
      return reply.code(status).send(errorBody(`case_${err.code}`, err.message));
    }
    throw err;
  });

  /** Who acts, as the thread and the resident see them: the signed-in staff member's full name. */
  const staffName = (request: FastifyRequest) => request.consoleUser!.displayName;

  const view = (c: Case) => ({
    id: c.id,
    number: c.number,
    kind: c.kind,
    status: c.status,
    channel: c.channel,
    displayName: c.displayName,
    category: c.category,
    categoryLabel: cases.categoryLabel(c.category),
    ward: c.ward,
    address: c.address,
    location: c.location,
    mapUrl: c.location && mapLink(c.location),
    text: c.text,
    assignee: c.assignee,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    dueAt: c.dueAt,
    overdue: cases.isOverdue(c),
    firstReplyAt: c.firstReplyAt,
    handledAt: c.handledAt,
    closedAt: c.closedAt,
    rating: c.rating,
    anonymized: c.anonymized,
    // By id only: the stored file names never leave the server.
    photos: c.photos.map((p) => ({ id: p.id, mime: p.mime, bytes: p.bytes })),
  });

  const filterOf = (request: FastifyRequest) => {
    const q = listQuery.safeParse(request.query);
    if (!q.success) throw new ApiError(400, 'invalid_query', t.invalidCaseQuery);
    const f = q.data;
    const filter: CaseFilter = {
      status: f.status as CaseStatus | 'open' | undefined,
      kind: f.kind,
      category: f.category,
      ward: f.ward,
      assignee: f.assignee,
      openedBefore: f.olderThanDays === undefined ? undefined : Date.now() - f.olderThanDays * DAY_MS,
      overdue: f.overdue ? true : undefined,
      unassigned: f.unassigned ? true : undefined,
      text: f.q,
    };
    return { filter, page: f.page, limit: f.limit };
  };

  const caseOf = (request: FastifyRequest): Case => {
    const p = idParams.safeParse(request.params);
    const c = p.success ? cases.get(p.data.id) : undefined;
    if (!c) throw new ApiError(404, 'case_not_found', t.caseNotFound);
    return c;
  };

  const textOf = (request: FastifyRequest) => {
    const b = textBody.safeParse(request.body);
    if (!b.success) throw new ApiError(400, 'invalid_text', t.invalidCaseText);
    return b.data.text;
  };

  const activeStaff = () => users.list().filter((u) => !u.disabled);

  /** What the filters and the assignment offer. */
  app.get('/cases/choices', async () => ({
    statuses: CASE_STATUSES,
    categories: cases.categories.map((c) => ({ slug: c.slug, label: c.label, targetHours: c.targetHours })),
    wards: deps.wards,
    staff: activeStaff().map((u) => ({ id: u.id, displayName: u.displayName })),
  }));

  app.get('/cases', async (request) => {
    const { filter, page, limit } = filterOf(request);
    const { cases: found, total } = cases.list(filter, { limit, offset: (page - 1) * limit });
    return { cases: found.map(view), total, page, limit, pages: Math.max(1, Math.ceil(total / limit)) };
  });

  // The filtered list as CSV, with residents' names, addresses and locations: a staff export,
  // audited. Never the chat or user ids.
  app.get('/cases/export.csv', { config: { action: 'export.cases' } }, async (request, reply) => {
    const { filter } = filterOf(request);
    const h = consoleCaseTexts.csv;
    const rows: unknown[][] = [
      [
        h.number,
        h.kind,
        h.status,
        h.category,
        h.ward,
        h.channel,
        h.name,
        h.address,
        h.location,
        h.text,
        h.assignee,
        h.openedAt,
        h.dueAt,
        h.overdue,
        h.firstReplyAt,
        h.handledAt,
        h.rating,
      ],
    ];
    const time = (at?: number) => (at === undefined ? '' : formatCityTime(at));
    for (const c of cases.list(filter, { limit: CASE_EXPORT_MAX_ROWS, offset: 0 }).cases)
      rows.push([
        c.number,
        caseTexts.kindLabel(c.kind),
        caseTexts.statusLabel(c.status),
        cases.categoryLabel(c.category) ?? '',
        c.ward ?? '',
        consoleTexts.ui[`channel_${c.channel}`],
        c.displayName ?? '',
        c.address ?? '',
        c.location ? `${c.location.latitude}, ${c.location.longitude}` : '',
        c.text,
        c.assignee ?? '',
        time(c.createdAt),
        time(c.dueAt),
        cases.isOverdue(c) ? h.yes : '',
        time(c.firstReplyAt),
        time(c.handledAt),
        c.rating ?? '',
      ]);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="ho-so.csv"')
      .header('Cache-Control', 'private, no-store')
      .send(toCsv(rows));
  });

  // Per category and per ward over the last `days`: received, handled on time, median time to
  // the first reply, satisfaction. Keys come labelled, '' as "no category"/"no ward".
  app.get('/cases/figures', async (request) => {
    const q = z.object({ days: z.coerce.number().int().min(1).max(3650).default(30) }).safeParse(request.query);
    if (!q.success) throw new ApiError(400, 'invalid_query', t.invalidCaseQuery);
    const { days } = q.data;
    const since = Date.now() - days * DAY_MS;
    return {
      period: days,
      byCategory: cases
        .figures('category', since)
        .map((f) => ({ ...f, label: f.key ? (cases.categoryLabel(f.key) ?? f.key) : consoleCaseTexts.noCategory })),
      byWard: cases.figures('ward', since).map((f) => ({ ...f, label: f.key || consoleCaseTexts.noWard })),
    };
  });

  /** The thread; each staff reply says whether it reached the resident (the outbox's record; no error text). */
  const thread = (c: Case) =>
    cases.entries(c.id, { notes: true }).map((e) => {
      if (e.kind !== 'staff') return e;
      const d = cases.replyDelivery(c.id, e.id);
      return { ...e, delivery: d && (d.blocked ? 'blocked' : d.status === 'sending' ? 'pending' : d.status) };
    });
  const afterAction = (c: Case) => ({ case: view(c), entries: thread(c) });

  app.get('/cases/:id', async (request) => afterAction(caseOf(request)));

  app.post('/cases/:id/reply', { config: { action: 'case.reply' } }, async (request) => {
    const c = caseOf(request);
    if (c.anonymized) throw new ApiError(409, 'case_anonymized', t.caseAnonymized);
    return afterAction(cases.staffReply(c.id, staffName(request), textOf(request)));
  });

  app.post('/cases/:id/status', { config: { action: 'case.status' } }, async (request) => {
    const c = caseOf(request);
    const b = statusBody.safeParse(request.body);
    if (!b.success) throw new ApiError(400, 'invalid_status', t.invalidStatus);
    return afterAction(cases.changeStatus(c.id, b.data.status, staffName(request)));
  });

  app.post('/cases/:id/assign', { config: { action: 'case.assign' } }, async (request) => {
    const c = caseOf(request);
    const b = assignBody.safeParse(request.body);
    if (!b.success) throw new ApiError(400, 'unknown_assignee', t.unknownAssignee);
    const assignee = b.data.userId === null ? undefined : activeStaff().find((u) => u.id === b.data.userId);
    if (b.data.userId !== null && !assignee) throw new ApiError(400, 'unknown_assignee', t.unknownAssignee);
    return afterAction(cases.assign(c.id, assignee?.displayName, staffName(request)));
  });

  app.post('/cases/:id/note', { config: { action: 'case.note' } }, async (request) => {
    const c = caseOf(request);
    return afterAction(cases.note(c.id, staffName(request), textOf(request)));
  });

  // One action: the case's question becomes the variant, the staff reply the answer; the console
  // then opens the new curated answer for editing (documents, more variants, an end date).
  app.post('/cases/:id/curated', { config: { action: 'case.curated' } }, async (request, reply: FastifyReply) => {
    const c = caseOf(request);
    const b = curatedBody.safeParse(request.body);
    const entry = b.success ? cases.entries(c.id, { notes: false }).find((e) => e.id === b.data.entryId) : undefined;
    if (entry?.kind !== 'staff') throw new ApiError(400, 'not_a_staff_reply', t.notAStaffReply);
    if (!c.text) throw new ApiError(409, 'case_anonymized', t.caseAnonymized);
    const created = curated.create(
      { answer: entry.text, variants: [c.text.slice(0, VARIANT_MAX_CHARS)], sources: [] },
      request.consoleUser!.name,
    );
    return reply.code(201).send({ curated: created });
  });
}

/**
 * A case photo, to signed-in staff only, by its id (never by file name), with the type it was
 * stored with and no caching anywhere. Anyone else, and any photo that is not there, gets the
 * same 404: the route does not even say whether a photo exists.
 */
export async function casePhotoRoute(
  app: FastifyInstance,
  deps: { cases: CaseService; path: string; signedIn: (request: FastifyRequest) => boolean },
): Promise<void> {
  app.get(`${deps.path}/:id`, async (request, reply) => {
    const p = idParams.safeParse(request.params);
    const photo = p.success && deps.signedIn(request) ? deps.cases.photo(p.data.id) : undefined;
    if (!photo) return reply.code(404).send(errorBody('not_found', consoleTexts.errors.notFound));
    return reply
      .type(photo.mime)
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(photo.bytes);
  });
}
