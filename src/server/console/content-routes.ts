// The overview, documents and announcements pages' API. Documents go through the knowledge base
// facade (the index follows every change); announcements through BroadcastService, the same
// service the bots' /thongbao and the staff API use.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AnnouncementDraft, BroadcastService } from '../../broadcast/service.js';
import { AnnouncementError } from '../../broadcast/service.js';
import type { ChannelSender } from '../../broadcast/types.js';
import type { Config } from '../../config.js';
import type { ConsoleStore } from '../../db/console-store.js';
import { wardNames } from '../../domain/city.js';
import { parseCityDateEnd, parseCityTime } from '../../domain/city-time.js';
import type { UploadSummary } from '../../engine/knowledge-base.js';
import { DocumentParseError } from '../../engine/loaders/index.js';
import type { IngestSummary } from '../../engine/types.js';
import { consoleTexts } from '../../texts/console.js';
import { MAX_UPLOAD_BYTES } from '../admin-routes.js';
import { ApiError, errorBody } from '../errors.js';
import type { KnowledgeHandle } from '../knowledge-handle.js';

/** What the documents page needs beyond the handle every route has. */
export interface ConsoleKnowledge extends KnowledgeHandle {
  addDocument(fileName: string, bytes: Uint8Array): Promise<UploadSummary>;
  removeDocument(docId: string): Promise<IngestSummary | undefined>;
  replaceDocument(docId: string, fileName: string, bytes: Uint8Array): Promise<UploadSummary | undefined>;
  passages(docId: string): { section: string; page?: number; text: string }[];
}

export interface ContentDeps {
  config: Config;
  consoleStore: ConsoleStore;
  knowledge: ConsoleKnowledge;
  broadcast: BroadcastService;
  /** The channels' senders, for a test message to the author's own chat. */
  senders: readonly ChannelSender[];
}

const t = consoleTexts.errors;
const DAY_MS = 86_400_000;
const CITY_OFFSET_MINUTES = 7 * 60;

const draftBody = z.object({
  title: z.string().trim().max(200).default(''),
  body: z.string().trim().min(1).max(4000),
  topics: z.array(z.string()).max(50).default([]),
  wards: z.array(z.string()).max(200).default([]),
  channels: z
    .array(z.enum(['telegram', 'zalo']))
    .max(2)
    .default([]),
  /** "YYYY-MM-DD HH:mm" (or the browser's "YYYY-MM-DDTHH:mm") in city time; absent = send now. */
  at: z.string().optional(),
  /** "YYYY-MM-DD": published to the knowledge base until the end of that day. */
  expires: z.string().optional(),
  /** Sending to nobody must be confirmed. */
  confirmNoRecipients: z.boolean().default(false),
});
const docParams = z.object({ id: z.string().min(1).max(500) });
const idParams = z.object({ id: z.coerce.number().int().positive() });

export async function contentRoutes(app: FastifyInstance, deps: ContentDeps): Promise<void> {
  const { config, consoleStore, knowledge, broadcast } = deps;

  app.setErrorHandler((err: Error, _request, reply) => {
    if (err instanceof AnnouncementError) {
      const status = err.code === 'not_found' ? 404 : err.code === 'conflict' ? 409 : 400;
      return reply.code(status).send({ ...errorBody(err.code, err.problems.join(' ')), problems: err.problems });
    }
    if (err instanceof DocumentParseError) return reply.code(422).send(errorBody('document_rejected', t.documentRejected(err.message)));
    throw err;
  });

  app.get('/overview', async (request) => {
    const { days } = z.object({ days: z.coerce.number().int().min(1).max(365).default(14) }).parse(request.query);
    const figures = consoleStore.reports.overview(Date.now() - days * DAY_MS, CITY_OFFSET_MINUTES);
    return {
      ...figures,
      days: figures.days,
      period: days,
      topics: config.city.topics,
      announcements: broadcast.recent(5),
      index: knowledge.status(),
    };
  });

  // Documents.
  app.get('/documents', async () => ({ documents: knowledge.documents(), index: knowledge.status() }));

  app.get('/documents/passages', async (request) => {
    const { id } = docParams.parse(request.query);
    return { passages: knowledge.passages(id) };
  });

  await app.register(async (uploads) => {
    await uploads.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5 } });

    uploads.post(
      '/documents',
      { bodyLimit: MAX_UPLOAD_BYTES, config: { action: 'document.upload', adminOnly: true } },
      async (request, reply) => {
        const file = await readFile(request);
        const summary = await knowledge.addDocument(file.name, file.bytes);
        return reply.code(201).send(summary);
      },
    );

    uploads.put(
      '/documents/file',
      { bodyLimit: MAX_UPLOAD_BYTES, config: { action: 'document.replace', adminOnly: true } },
      async (request) => {
        const { id } = docParams.parse(request.query);
        const file = await readFile(request);
        const summary = await knowledge.replaceDocument(id, file.name, file.bytes);
        if (!summary) throw new ApiError(404, 'document_not_found', t.documentNotFound);
        return summary;
      },
    );
  });

  app.delete('/documents/file', { config: { action: 'document.delete', adminOnly: true } }, async (request) => {
    const { id } = docParams.parse(request.query);
    const summary = await knowledge.removeDocument(id);
    if (!summary) throw new ApiError(404, 'document_not_found', t.documentNotFound);
    return summary;
  });

  // Announcements.
  app.get('/announcements', async () => ({
    announcements: broadcast.recent(20),
    topics: config.city.topics,
    wards: wardNames(config.city),
    channels: broadcast.channels,
  }));

  app.post('/announcements/preview', async (request) => broadcast.previewDraft(draftOf(request, request.consoleUser!.name)));

  // The draft to the author's own Telegram/Zalo chat (the ids on their account), as residents will get it.
  app.post('/announcements/test', { config: { action: 'announcement.test' } }, async (request) => {
    const draft = draftOf(request, request.consoleUser!.name);
    const me = request.consoleUser!;
    const targets = deps.senders
      .map((sender) => ({ sender, chatId: sender.channel === 'telegram' ? me.telegramId : me.zaloId }))
      .filter((t): t is { sender: ChannelSender; chatId: string } => Boolean(t.chatId));
    if (!targets.length) throw new ApiError(400, 'no_own_chat', deps.senders.length ? t.noOwnChat : t.noChannels);
    const results = await Promise.all(
      targets.map(async ({ sender, chatId }) => {
        const outcome = await sender
          .send(chatId, { id: 0, title: draft.title, body: draft.body })
          .catch((err: Error) => ({ kind: 'failed' as const, error: err.message }));
        return { channel: sender.channel, sent: outcome.kind === 'sent', error: outcome.kind === 'sent' ? undefined : outcome.error };
      }),
    );
    return { results };
  });

  app.post('/announcements', { config: { action: 'announcement.create' } }, async (request, reply) => {
    const draft = draftOf(request, request.consoleUser!.name);
    const b = draftBody.parse(request.body);
    const preview = broadcast.previewDraft(draft);
    if (preview.total === 0 && !b.confirmNoRecipients) throw new ApiError(409, 'no_recipients', t.noRecipients);
    let announcement = broadcast.create(draft);
    if (announcement.status === 'draft') announcement = broadcast.sendNow(announcement.id);
    return reply.code(201).send({ announcement, preview, progress: broadcast.progress(announcement.id) });
  });

  app.get('/announcements/:id/progress', async (request) => {
    const { id } = idParams.parse(request.params);
    return { progress: broadcast.progress(id) };
  });

  app.post('/announcements/:id/stop', { config: { action: 'announcement.stop' } }, async (request) => {
    const { id } = idParams.parse(request.params);
    const announcement = broadcast.cancel(id);
    return { announcement, progress: broadcast.progress(id) };
  });
}

function draftOf(request: FastifyRequest, author: string): AnnouncementDraft {
  const parsed = draftBody.safeParse(request.body);
  if (!parsed.success) throw new ApiError(400, 'invalid_announcement', t.invalidAnnouncement);
  const b = parsed.data;
  let scheduledAt: Date | undefined;
  if (b.at) {
    scheduledAt = parseCityTime(b.at.replace('T', ' '));
    if (!scheduledAt) throw new ApiError(400, 'invalid_time', t.invalidTime);
  }
  let expiresAt: Date | undefined;
  if (b.expires) {
    expiresAt = parseCityDateEnd(b.expires);
    if (!expiresAt) throw new ApiError(400, 'invalid_expiry', t.invalidExpiry);
  }
  return {
    title: b.title,
    body: b.body,
    topics: b.topics,
    wards: b.wards,
    channels: b.channels.length ? b.channels : undefined,
    scheduledAt,
    expiresAt,
    author: `console:${author}`,
  };
}

async function readFile(request: FastifyRequest): Promise<{ name: string; bytes: Buffer }> {
  if (!request.isMultipart()) throw new ApiError(400, 'upload_missing', t.uploadMissing);
  const file = await request.file();
  if (!file) throw new ApiError(400, 'upload_missing', t.uploadMissing);
  return { name: file.filename, bytes: await file.toBuffer() };
}
