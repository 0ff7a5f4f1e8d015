// Decides whether a message is a question the engine can work with. Anything else gets a short
// explanation instead of a search: empty, too long, binary garbage, emoji only, other scripts.
import type { InvalidReason } from '../../texts/answers.js';
import { normalizeVietnamese } from '../normalize.js';

export type GuardResult = { ok: true; question: string } | { ok: false; reason: InvalidReason };

// C0/C1 controls other than tab and line breaks, and the replacement character left behind by a
// wrong decoding: both mean bytes, not typed text.
const BINARY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/gu;
const LETTER = /\p{L}/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;
const VISIBLE = /\S/gu;

/** A pasted question may carry one or two stray bytes; more than this is not text. */
const MAX_STRAY_BYTES = 2;
/** Letters among visible characters: questions are words with some numbers and punctuation. */
const MIN_LETTER_SHARE = 0.5;
/** Latin (Vietnamese) letters among letters: a foreign name is fine, a foreign sentence is not. */
const MIN_LATIN_SHARE = 0.6;

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/**
 * The one length rule (the engine and the HTTP API share it): characters as people count them
 * (code points, so an emoji is one, not two UTF-16 units), without surrounding spaces.
 */
export function isTooLong(question: string, maxChars: number): boolean {
  return [...question.trim()].length > maxChars;
}

export function checkInput(raw: string, maxChars: number): GuardResult {
  const text = typeof raw === 'string' ? raw : '';
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, reason: 'empty' };
  if (isTooLong(trimmed, maxChars)) return { ok: false, reason: 'too_long' };

  const stray = count(trimmed, BINARY);
  if (stray > MAX_STRAY_BYTES) return { ok: false, reason: 'garbage' };
  const question = normalizeVietnamese(trimmed.replace(BINARY, ' ')).replace(/\s+/g, ' ').trim();

  const letters = count(question, LETTER);
  if (letters === 0) return { ok: false, reason: 'no_words' };
  if (letters / count(question, VISIBLE) < MIN_LETTER_SHARE) return { ok: false, reason: 'garbage' };
  if (count(question, LATIN_LETTER) / letters < MIN_LATIN_SHARE) return { ok: false, reason: 'foreign_script' };
  return { ok: true, question };
}
