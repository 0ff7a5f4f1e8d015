// What staff and admins are told when an action fails. Only messages written for a person are
// shown (PersonError: a document that cannot be parsed, a file the platform would not hand over);
// library and system errors are English and may name internals, so they stay in the log.
import { personMessage } from '../domain/index.js';
import { botTexts } from '../texts/bot.js';

export function reasonFor(err: unknown): string {
  return personMessage(err) ?? botTexts.internalReason;
}
