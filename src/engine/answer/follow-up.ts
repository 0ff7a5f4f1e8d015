// Follow-up questions without a model: "còn dự án sân vận động thì sao?" means little alone,
// so the previous question's key terms are searched with it.
import { fold } from '../normalize.js';
import { isStopword, syllables } from '../tokenize.js';
import type { Turn } from '../types.js';
import { type QuestionShape, questionShape } from './question-type.js';

// Folded openings and endings that mark a question leaning on the previous one.
const OPENINGS = ['con ', 'the con ', 'vay con ', 'con ve ', 'the ', 'vay ', 'va ', 'nhung ', 'cai do ', 'no '];
const ENDINGS = ['thi sao', 'the nao', 'ra sao', 'nua khong', 'nua', 'do', 'kia'];
/** A question with this few topic syllables rarely stands alone. */
const SHORT_TOPIC = 3;

/** Topic syllables of a text: no function words, no punctuation. */
function topicSyllables(text: string): string[] {
  return syllables(text).filter((s) => !isStopword(s));
}

export function looksLikeFollowUp(question: string): boolean {
  const f = fold(question)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (OPENINGS.some((o) => `${f} `.startsWith(o))) return true;
  if (ENDINGS.some((e) => f === e || f.endsWith(` ${e}`))) return true;
  return topicSyllables(question).length <= SHORT_TOPIC;
}

/** The last thing the resident asked before this question. */
export function previousQuestion(history: readonly Turn[], current: string): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const t = history[i];
    if (t.role === 'user' && t.text.trim() && t.text.trim() !== current.trim()) return t.text;
  }
  return undefined;
}

/**
 * Key terms of the previous question not already in this one, or undefined when the question
 * stands alone. The caller searches `${question} ${carried}`.
 */
export function carriedTerms(question: string, history: readonly Turn[]): string | undefined {
  const previous = previousQuestion(history, question);
  if (!previous || !looksLikeFollowUp(question)) return undefined;
  const own = new Set(syllables(question).map(fold));
  // "thế còn cầu Đội Kỳ?" names its own subject: only what was asked of the last one carries
  // over, not the last one's name. "nó", "bà ấy" name nothing: everything carries over.
  const namesOwn = capitalised(question).size > 0;
  const names = namesOwn ? capitalised(previous) : new Set<string>();
  const carried = [...new Set(topicSyllables(previous))].filter((s) => !own.has(fold(s)) && !names.has(fold(s)));
  return carried.length ? carried.join(' ') : undefined;
}

/** Folded syllables written with a capital, except the first word (a sentence starts with one). */
function capitalised(text: string): Set<string> {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return new Set(
    words
      .slice(1)
      .filter((w) => /^\p{Lu}/u.test(w))
      .map((w) => fold(w.toLowerCase())),
  );
}

/** What a question asks for; a follow-up that does not say ("thế còn cầu X?") asks what the last one did. */
export function shapeFor(question: string, history: readonly Turn[]): QuestionShape {
  const shape = questionShape(question);
  if (shape.types.size || !history.length || !looksLikeFollowUp(question)) return shape;
  const previous = previousQuestion(history, question);
  return previous ? questionShape(previous) : shape;
}
