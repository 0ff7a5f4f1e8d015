// The admin API: re-ingest the knowledge folder, upload a document, list what is indexed. Behind
// ADMIN_TOKEN; with no token configured the API is off (never open).
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentParseError } from '../engine/loaders/index.js';
import { webTexts } from '../texts/web.js';
import { checkSecret } from './auth-throttle.js';
import { bearerToken, refusal, tokenMatches } from './bearer-auth.js';
import { ApiError } from './errors.js';
import type { KnowledgeHandle } from './knowledge-handle.js';

export interface AdminRouteDeps {
  adminToken: string | undefined;
  knowledge: KnowledgeHandle;
}

/** Official documents (scanned PDFs) are large; the JSON API keeps its small limit. */
export const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;

export async function adminRoutes(app: FastifyInstance, deps: AdminRouteDeps): Promise<void> {
  const { adminToken, knowledge } = deps;

  app.addHook('onRequest', adminGuard(adminToken));

  // Uploads come as multipart (a form) or as the raw file with ?name=; nothing else is parsed here.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5 } });

  app.post('/refresh', async (request) => {
    const summary = await knowledge.refresh();
    request.log.info({ summary }, 'admin: knowledge refreshed');
    return summary;
  });

  app.get('/documents', async () => ({ documents: knowledge.documents(), index: knowledge.status() }));

  app.post('/documents', { bodyLimit: MAX_UPLOAD_BYTES }, async (request, reply) => {
    const upload = await readUpload(request);
    try {
      const summary = await knowledge.addDocument(upload.name, upload.bytes);
      request.log.info({ file: upload.name, bytes: upload.bytes.length, summary }, 'admin: document added');
      return reply.code(201).send(summary);
    } catch (err) {
      if (err instanceof DocumentParseError) throw new ApiError(422, 'document_rejected', webTexts.errors.documentRejected(err.message));
      throw err;
    }
  });
}

/** The admin API's door: off (404) without ADMIN_TOKEN, 401 without the right bearer token. */
export function adminGuard(adminToken: string | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!adminToken) throw new ApiError(404, 'admin_api_off', webTexts.errors.adminOff);
    const verdict = checkSecret(request, 'admin', () => tokenMatches(bearerToken(request), adminToken));
    if (!verdict.ok) throw refusal(verdict, reply, webTexts.errors.unauthorized);
  };
}

async function readUpload(request: FastifyRequest): Promise<{ name: string; bytes: Buffer }> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw new ApiError(400, 'upload_missing', webTexts.errors.uploadMissing);
    return { name: file.filename, bytes: await file.toBuffer() };
  }
  // The engine reduces the name to a safe file name inside the knowledge folder.
  const name = (request.query as Record<string, string | undefined>).name;
  if (!name || !Buffer.isBuffer(request.body) || !request.body.length)
    throw new ApiError(400, 'upload_missing', webTexts.errors.uploadMissing);
  return { name, bytes: request.body };
}
