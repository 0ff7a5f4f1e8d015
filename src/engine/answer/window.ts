// The part of a long sentence that answers: the shortest run of words holding the most of the
// question's words and, for a question that asks for a value (a number, a date, a name it does not
// already contain), one such value; widened on both sides to the length budget, since the answer
// sits next to the words that ask for it, and cut at a clause boundary ("," ";" ":") when one is
// near. A resident reads the clause, not the paragraph-long sentence.
import { fold } from '../normalize.js';
import { everyMention, type QuestionShape, targetsOf } from './question-type.js';
import { match, type QueryTerm, termsOf } from './terms.js';

export interface WindowOptions {
  terms: readonly QueryTerm[];
  /** Where `text` holds values of the kind the question asks for: [start, end) offsets. */
  candidates?: (text: string) => (readonly [number, number])[];
  /** Characters the quote may take. */
  budget: number;
  /** Weight of holding a candidate, against the question's words (their weights sum to 1). */
  candidateWeight?: number;
}

/** A cut this close (in characters) to a clause boundary moves to it. */
const SNAP_CHARS = 24;
/** A longer core costs this much question weight per budget of characters: the core stays compact, the room goes to context. */
const SPAN_COST = 0.3;

/** Share of the room left around the question's words that goes before them. */
const LEFT_SHARE = 1 / 3;

interface Word {
  text: string;
  start: number;
  end: number;
  /** Indexes of the question terms this word (or this word and the next) holds. */
  terms: number[];
}

function wordsOf(text: string, terms: readonly QueryTerm[]): Word[] {
  const words: Word[] = [];
  for (const m of text.matchAll(/\S+/gu)) words.push({ text: m[0], start: m.index, end: m.index + m[0].length, terms: [] });
  words.forEach((w, i) => {
    const one = termsOf(w.text);
    const two = i + 1 < words.length ? termsOf(`${w.text} ${words[i + 1].text}`) : undefined;
    terms.forEach((t, k) => {
      const sets = t.exact.includes(' ') || t.folded.startsWith('≈') ? two : one;
      if (sets && match(t, sets) > 0) w.terms.push(k);
    });
  });
  return words;
}

/**
 * The words of `text` to quote, with "…" where it was cut; `text` itself when it fits the budget.
 */
export function answerWindow(text: string, o: WindowOptions): string {
  if (text.length <= o.budget) return text;
  const words = wordsOf(text, o.terms);
  if (!words.length) return text;
  const total = o.terms.reduce((sum, t) => sum + t.weight, 0) || 1;
  const candidateWeight = o.candidateWeight ?? 0;
  const values = candidateWeight > 0 ? (o.candidates?.(text) ?? []) : [];
  const holdsValue = (start: number, end: number) => values.some(([a, b]) => a >= start && b <= end);

  // The shortest span of words with the most distinct question weight (and a candidate).
  let best = { from: 0, to: 0, score: -1 };
  for (let from = 0; from < words.length; from++) {
    const seen = new Set<number>();
    let weight = 0;
    for (let to = from; to < words.length; to++) {
      if (words[to].end - words[from].start > o.budget) break;
      for (const k of words[to].terms) {
        if (seen.has(k)) continue;
        seen.add(k);
        weight += o.terms[k].weight / total;
      }
      const holds = holdsValue(words[from].start, words[to].end) ? candidateWeight : 0;
      const score = weight + holds - SPAN_COST * ((words[to].end - words[from].start) / o.budget);
      const shorter = to - from < best.to - best.from;
      if (score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && shorter)) best = { from, to, score };
    }
  }

  // Widened to the budget, twice as far after the words that ask as before them: a Vietnamese
  // sentence states its subject first, and what is said of it after.
  let { from, to } = best;
  const slack = o.budget - (words[to].end - words[from].start);
  const before = words[from].start - Math.floor(slack * LEFT_SHARE);
  while (from > 0 && words[from - 1].start >= before) from--;
  while (to < words.length - 1 && words[to + 1].end - words[from].start <= o.budget) to++;
  while (from > 0 && words[to].end - words[from - 1].start <= o.budget) from--;
  // Cut at a clause boundary when one is near: the quote reads as a clause.
  for (let i = from; i < best.from && words[i].end - words[from].start <= SNAP_CHARS; i++) {
    if (/[,;:]$/u.test(words[i].text)) {
      from = i + 1;
      break;
    }
  }
  for (let i = to - 1; i >= best.to && words[to].end - words[i].end <= SNAP_CHARS; i--) {
    if (/[,;:]$/u.test(words[i].text)) {
      to = i;
      break;
    }
  }
  const body = text.slice(words[from].start, words[to].end);
  const head = from > 0 ? '… ' : '';
  const tail = to < words.length - 1 ? `${body.replace(/[,;:]$/u, '')}…` : body;
  return head + tail;
}

/** A run of capitalised words: a name, a place, a title. */
const NAME = /\p{Lu}[\p{Ll}\p{Lu}.]*(?:\s+\p{Lu}[\p{Ll}\p{Lu}.]*)*/u;

/**
 * Where a text holds an answer to the question: a value of its types (a number, a date, an
 * amount…) or, for "who", "where" and "which", a name, that the question does not already contain.
 */
export function answerCandidates(shape: QuestionShape, question: string): (text: string) => (readonly [number, number])[] {
  const asked = fold(question.toLowerCase());
  const named = shape.types.has('who') || shape.types.has('where') || shape.types.has('list');
  const patterns = [...targetsOf(shape, question), ...(named ? [NAME] : [])].map(everyMention);
  return (text) => {
    const found: [number, number][] = [];
    for (const p of patterns) {
      for (const m of text.matchAll(p)) if (!asked.includes(fold(m[0].toLowerCase()).trim())) found.push([m.index, m.index + m[0].length]);
    }
    return found;
  };
}
