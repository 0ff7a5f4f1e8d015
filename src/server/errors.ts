// Every HTTP error leaves as `{ "error": { "code", "message" } }` with the right status: errors the
// routes raise on purpose (ApiError) and the ones Fastify raises while reading the request.
import type { FastifyError, FastifyInstance } from 'fastify';
import { PersonError } from '../domain/index.js';
import { webTexts } from '../texts/web.js';

/** A refusal of the HTTP API: a PersonError (its message is Vietnamese, for the caller) with a status and a code. */
export class ApiError extends PersonError {
  constructor(
    readonly statusCode: number,
    readonly apiCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** Maps Fastify's own request errors (body parsing, limits) to codes and Vietnamese messages. */
function fromFastify(err: FastifyError, bodyLimit: number): ApiError | undefined {
  const t = webTexts.errors;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new ApiError(413, 'body_too_large', t.bodyTooLarge(Math.round(bodyLimit / 1024)));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', t.unsupportedMediaType);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'empty_body', t.emptyBody);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, 'invalid_json', t.invalidJson);
  }
  // Other client errors (a broken multipart form, a bad Content-Length) keep their status.
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new ApiError(err.statusCode, 'bad_request', err.message);
  return undefined;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err instanceof ApiError ? err : fromFastify(err, request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 0);
    if (known) {
      request.log.info({ code: known.apiCode, status: known.statusCode }, 'request refused');
      return reply.code(known.statusCode).send(errorBody(known.apiCode, known.message));
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody('internal', webTexts.errors.internal));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('not_found', webTexts.errors.notFound)));
}
