// What staff and admins are told when an action fails. Only messages written for them in
// Vietnamese are shown (a document that cannot be parsed, a file the platform would not hand
// over); library and system errors are English and may name internals, so they stay in the log.
import { DocumentParseError } from '../engine/loaders/errors.js';
import { redact } from '../logger.js';
import { botTexts } from '../texts/bot.js';

/** An error whose message is already a Vietnamese explanation for the person who caused it. */
export class ExplainedError extends Error {
  /** What actually went wrong, for the log only (redacted: it may come from a URL with a token). */
  readonly detail?: string;

  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'ExplainedError';
    if (cause !== undefined) this.detail = redact(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
  }
}

export function reasonFor(err: unknown): string {
  if (err instanceof ExplainedError || err instanceof DocumentParseError) return redact(err.message);
  return botTexts.internalReason;
}
