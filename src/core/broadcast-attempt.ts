// Staff act from chat; the services refuse with a PersonError carrying Vietnamese problem lines. This turns a call into a plain result the channels reply with
// (plain data, so it can also pass through a grammY conversation's replay log).
import { PersonError } from '../domain/index.js';

export type Attempt<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Runs a service call; a refusal becomes its problems, any other error is thrown on. */
export function attempt<T>(call: () => T): Attempt<T> {
  try {
    return { ok: true, value: call() };
  } catch (err) {
    if (err instanceof PersonError) return { ok: false, problems: err.problems };
    throw err;
  }
}
