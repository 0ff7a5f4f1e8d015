// Questions and curated answers: the searchable question log (each entry with the answer and
// sources exactly as the resident saw them), the unanswered queue grouped by meaning, and the
// answers staff write, edit (versions kept) and withdraw.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ConsoleStore } from '../../db/console-store.js';
import type { CuratedContent, CuratedSource } from '../../db/curated-answers.js';
import { parseCityDateEnd, parseCityTime } from '../../domain/city-time.js';
import { CuratedMatcher, groupSimilar } from '../../engine/curated.js';
import type { DocumentInfo } from '../../engine/types.js';
import { consoleTexts } from '../../texts/console.js';
import { ApiError } from '../errors.js';

export interface QuestionRouteDeps {
  consoleStore: ConsoleStore;
  knowledge: { documents(): DocumentInfo[] };
}

const t = consoleTexts.errors;
const DAY_MS = 86_400_000;

const logQuery = z.object({
  q: z.string().max(200).optional(),
  channel: z
    .enum(['telegram', 'zalo', 'web'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  status: z
    .enum(['answered', 'not_found', 'refused', 'invalid'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  vote: z
    .enum(['up', 'down', 'none'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  from: z.string().optional(),
  to: z.string().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const idParams = z.object({ id: z.coerce.number().int().positive() });

const curatedBody = z.object({
  answer: z.string().trim().min(1).max(4000),
  variants: z.array(z.string().trim().min(1).max(500)).min(1).max(50),
  documents: z.array(z.string().min(1).max(500)).max(20).default([]),
  /** City date "YYYY-MM-DD": the answer is used until the end of that day. */
  expires: z.string().optional(),
});

export async function questionRoutes(app: FastifyInstance, deps: QuestionRouteDeps): Promise<void> {
  const { reports, curated } = deps.consoleStore;

  app.get('/questions', async (request) => {
    const q = logQuery.safeParse(request.query);
    if (!q.success) throw new ApiError(400, 'invalid_query', t.invalidQuery);
    const from = q.data.from ? parseCityTime(q.data.from)?.getTime() : undefined;
    const to = q.data.to ? parseCityDateEnd(q.data.to)?.getTime() : undefined;
    const entries = reports.log({
      text: q.data.q,
      channel: q.data.channel,
      status: q.data.status,
      vote: q.data.vote,
      from,
      to,
      before: q.data.before,
      limit: q.data.limit,
    });
    return { questions: entries, next: entries.length === q.data.limit ? entries.at(-1)?.id : undefined };
  });

  app.get('/questions/:id', async (request) => {
    const { id } = parseId(request.params);
    const entry = reports.entry(id);
    if (!entry) throw new ApiError(404, 'question_not_found', t.questionNotFound);
    return { question: entry };
  });

  // Groups of questions with the same meaning that went unanswered, most asked first; a group a
  // curated answer now covers says so (and which one).
  app.get('/unanswered', async (request) => {
    const { days } = z.object({ days: z.coerce.number().int().min(1).max(365).default(30) }).parse(request.query);
    const matcher = new CuratedMatcher(curated.inForce());
    const groups = groupSimilar(reports.unanswered(Date.now() - days * DAY_MS)).map((items) => {
      const covered = matcher.match(items[0].question);
      return {
        count: items.length,
        question: items[0].question,
        variants: [...new Set(items.map((i) => i.question))].slice(0, 20),
        channels: [...new Set(items.map((i) => i.channel))],
        statuses: [...new Set(items.map((i) => i.status))],
        lastAskedAt: Math.max(...items.map((i) => i.createdAt)),
        questionIds: items.map((i) => i.id).slice(0, 50),
        coveredBy: covered?.entry.id,
      };
    });
    return { groups };
  });

  app.get('/curated', async () => ({ curated: curated.list() }));

  app.get('/curated/:id', async (request) => {
    const { id } = parseId(request.params);
    const entry = curated.get(id);
    if (!entry) throw new ApiError(404, 'curated_not_found', t.curatedNotFound);
    return { curated: entry, versions: curated.versions(id) };
  });

  app.post('/curated', { config: { action: 'curated.create' } }, async (request, reply) => {
    const content = readCurated(request.body, deps.knowledge.documents());
    return reply.code(201).send({ curated: curated.create(content, request.consoleUser!.name) });
  });

  app.put('/curated/:id', { config: { action: 'curated.edit' } }, async (request) => {
    const { id } = parseId(request.params);
    const updated = curated.update(id, readCurated(request.body, deps.knowledge.documents()), request.consoleUser!.name);
    if (!updated) throw new ApiError(404, 'curated_not_found', t.curatedNotFound);
    return { curated: updated };
  });

  app.post('/curated/:id/withdraw', { config: { action: 'curated.withdraw' } }, async (request) => {
    const { id } = parseId(request.params);
    const withdrawn = curated.withdraw(id, request.consoleUser!.name);
    if (!withdrawn) throw new ApiError(404, 'curated_not_found', t.curatedNotFound);
    return { curated: withdrawn };
  });
}

function parseId(params: unknown): { id: number } {
  const p = idParams.safeParse(params);
  if (!p.success) throw new ApiError(404, 'not_found', t.notFound);
  return p.data;
}

/** The body as stored content: variants deduplicated, documents resolved to what is indexed now. */
function readCurated(body: unknown, documents: DocumentInfo[]): CuratedContent {
  const b = curatedBody.safeParse(body);
  if (!b.success) throw new ApiError(400, 'invalid_curated', t.invalidCurated);
  const sources: CuratedSource[] = b.data.documents.map((docId) => {
    const d = documents.find((doc) => doc.id === docId);
    if (!d) throw new ApiError(400, 'unknown_document', t.unknownDocument(docId));
    return { docId: d.id, title: d.title, number: d.number, issued: d.issued, sourceUrl: d.sourceUrl };
  });
  let expiresAt: number | undefined;
  if (b.data.expires) {
    expiresAt = parseCityDateEnd(b.data.expires)?.getTime();
    if (!expiresAt) throw new ApiError(400, 'invalid_expiry', t.invalidExpiry);
    if (expiresAt <= Date.now()) throw new ApiError(400, 'expiry_past', t.expiryPast);
  }
  return { answer: b.data.answer, variants: [...new Set(b.data.variants)], sources, expiresAt };
}
