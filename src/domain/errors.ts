// One kind of error for everything that is a person's to fix: the message is Vietnamese and meant
// for them (a resident, staff, an admin, the person starting the service), `problems` lists each
// thing wrong, and `detail` is what actually went wrong underneath, for the log only. Every layer
// throws these (or subclasses naming the area); anything else is a fault and stays in the log.
import { redact } from '../redact.js';

export type ProblemCode = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

export interface PersonErrorOptions {
  /** One line per problem; default: the message alone. */
  problems?: string[];
  code?: ProblemCode;
  /** What went wrong underneath (library error, HTTP status); redacted, never shown to the person. */
  cause?: unknown;
}

export class PersonError extends Error {
  readonly problems: string[];
  readonly code: ProblemCode;
  /** For the log only; redacted, since it may come from a URL carrying a token. */
  readonly detail?: string;

  constructor(message: string, options: PersonErrorOptions = {}) {
    super(message);
    this.name = 'PersonError';
    this.problems = options.problems ?? [message];
    this.code = options.code ?? 'invalid';
    const cause = options.cause;
    if (cause !== undefined) this.detail = redact(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
  }
}

/** The message for the person, when the error was written for one; undefined for faults. */
export function personMessage(err: unknown): string | undefined {
  return err instanceof PersonError ? redact(err.message) : undefined;
}

/** The log fields of an error: the error itself and, when it has one, its detail. */
export function logFields(err: unknown): { err: unknown; detail?: string } {
  return err instanceof PersonError && err.detail ? { err, detail: err.detail } : { err };
}
