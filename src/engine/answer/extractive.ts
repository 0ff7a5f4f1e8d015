// The offline answer: the units (sentences, list items, table rows) of the retrieved passages
// that answer the question, chosen for what the question asks (a status, a number, a list…),
// with a first sentence that answers in plain words, then the quotes, numbered by the document
// they come from. Every word after the first sentence is the documents' own; the first sentence
// only restates what the quotes say. No model, no network.
export type { ExtractiveAnswer, ExtractiveQuestion, Unsettled } from './reply.js';

import { escapeRegExp } from '../../domain/index.js';
import { fold } from '../normalize.js';
import type { SearchHit } from '../types.js';
import { countedNouns, everyMention, questionShape, SPELLED, targetFor, targetsOf, VALUE_TYPES } from './question-type.js';
import { compose, type ExtractiveAnswer, type ExtractiveQuestion, mentionsStatus, type Unsettled } from './reply.js';
import { choose, LIST_MIN, rightMoney, type Scored, VALUE_SHARE, withAntecedents, withCounts, withValues } from './selection.js';
import { aboutSubject, namedThings } from './subject.js';
import { distinct, match, queryTerms, termsOf } from './terms.js';
import { headingText, type Unit, unitsWithNeighbours } from './units.js';

const CARRIED_WEIGHT = 0.5;
/** A word of the list heading or section title above a unit counts this much. */
const CONTEXT_WEIGHT = 0.6;
/** Holding the value asked for (a fine, an hour) lifts a unit this much. */
const TARGET_BONUS = 0.8;
/** Weight of a question word that no retrieved unit holds. */
const ABSENT_WEIGHT = 0.5;
/** A unit in a list of at least LIST_MIN items lifts a list question's score this much. */
const LIST_BONUS = 0.6;
/** A number right before the thing counted ("18/30 chỉ tiêu") lifts a count question's score this much. */
const COUNTED_BONUS = 1.2;
/** A question word in the sentence before or after a unit counts this much for it. */
const NEIGHBOUR_WEIGHT = 0.35;
/** Units scoring at least this share of the best one speak for the subject with it. */
const SUBJECT_RATIO = 0.6;

/** True when a value of the shape's types is in `text` and is not just repeated from the (folded) question. */
function holdsTarget(text: string, mentions: readonly RegExp[], asked: string): boolean {
  return mentions.some((r) => {
    for (const m of text.matchAll(r)) if (!asked.includes(fold(m[0]).trim())) return true;
    return false;
  });
}

export function extractiveAnswer(q: ExtractiveQuestion, hits: readonly SearchHit[]): ExtractiveAnswer | Unsettled | undefined {
  const { units, next, previousOf } = unitsWithNeighbours(hits);
  if (!units.length) return undefined;
  const shape = q.shape ?? questionShape(q.question);
  // Compiled and folded once per question: the loop below runs them on every unit.
  const mentions = targetsOf(shape, q.question).map(everyMention);
  const asked = fold(q.question);
  // "phải làm gì": the duty word is in the question and in the answer alike, not a value to find anew.
  const modal = shape.types.has('obligation') ? targetFor('obligation') : undefined;

  const terms = distinct([...queryTerms(q.question, 1), ...(q.carried ? queryTerms(q.carried, CARRIED_WEIGHT) : [])]);
  const own = units.map((u) => termsOf(u.text));
  const context = units.map((u) => termsOf([u.heading ?? '', u.row?.columns ?? '', ...hits[u.hit].chunk.section].join('\n')));
  // Inverse unit frequency: "thành phố" in every sentence tells nothing about which to quote.
  const n = units.length;
  for (const t of terms) {
    const df = own.reduce((sum, s) => sum + (match(t, s) > 0 ? 1 : 0), 0);
    // A word no retrieved unit has ("sân sau", "nhà bên") is the resident's wording more often than
    // the subject: it counts, but less than one the units do have.
    const absent = df === 0 && !context.some((c) => match(t, c) > 0) ? ABSENT_WEIGHT : 1;
    t.weight *= Math.log(1 + (n + 1) / (df + 0.5)) * (t.exact.includes(' ') ? 1.5 : 1) * absent;
  }
  const total = terms.reduce((sum, t) => sum + t.weight, 0);
  if (total === 0) return undefined;

  const asksList = shape.types.has('list') || shape.types.has('count');
  const listSize = listSizes(units);
  const counted = countedNouns(q.question).map(
    (noun) => new RegExp(`(?:\\b\\d+(?:/\\d+)?|(?<!\\p{L})${fold(SPELLED)})\\s+${escapeRegExp(noun.folded)}\\b`, 'u'),
  );
  const at = new Map(units.map((u, i) => [`${u.hit}:${u.order}`, i]));
  const scored: Scored[] = units.map((u, i) => {
    const near = [at.get(`${u.hit}:${u.order - 1}`), at.get(`${u.hit}:${u.order + 1}`)].filter((j) => j !== undefined).map((j) => own[j]);
    const matched = new Map<string, number>();
    let covered = 0;
    let read = 0;
    for (const t of terms) {
      const m = match(t, own[i]);
      if (m > 0) matched.set(t.folded, (t.weight * m) / total);
      const held = Math.max(m, CONTEXT_WEIGHT * match(t, context[i]));
      covered += t.weight * held;
      read += t.weight * Math.max(held, ...near.map((o) => NEIGHBOUR_WEIGHT * match(t, o)));
    }
    const coverage = covered / total;
    const hit = hits[u.hit];
    const prior = (1 / (1 + 0.15 * u.hit)) * (0.6 + 0.4 * hit.relevance);
    const target = mentions.length > 0 && holdsTarget(u.text, mentions, asked) && rightMoney(u, shape, q.question);
    const duty = !target && Boolean(modal?.test(u.text));
    const status = shape.types.has('status') && mentionsStatus(u.text);
    const list = asksList && listSize(u) >= LIST_MIN ? LIST_BONUS : 0;
    const count = counted.some((r) => r.test(fold(u.text.toLowerCase()))) ? COUNTED_BONUS : 0;
    const lift = (target ? TARGET_BONUS : 0) + (status || duty ? TARGET_BONUS / 2 : 0) + list + count;
    // Ranked as read with its neighbours (the question's other words in the sentence before or
    // after count a little); `coverage`, which decides whether to answer at all, is its own.
    return { u, coverage, score: (read / total) * prior * (1 + lift), holdsTarget: target, matched };
  });
  const ranked = [...scored].sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (best.coverage === 0) return undefined;

  // A value the documents must state (a fee, a length, an hour) and no unit about the subject has it.
  const valueTypes = [...shape.types].filter((t) => VALUE_TYPES.has(t));
  if (valueTypes.length && !ranked.some((s) => s.holdsTarget && s.coverage >= VALUE_SHARE * best.coverage)) return { unsettled: true };

  const picked = withCounts(
    withValues(choose(ranked, best, shape, next.get(best.u.text) ?? []), ranked, shape, best, q.question),
    ranked,
    counted,
    best,
  );
  const chosen = withAntecedents(picked, scored, previousOf);
  // Judged on the passages of every unit that nearly answers, not only the ones quoted: quoting
  // fewer sentences must not change whether the documents speak of the subject.
  const near = [...chosen, ...ranked.filter((s) => s.score >= SUBJECT_RATIO * best.score)];
  const nearPassages = [...new Set(near.map((s) => s.u.hit))].map((i) => hits[i].chunk.text);
  if (!aboutSubject(terms, q.places ?? new Set(), nearPassages)) return undefined;
  // "quốc lộ 1A", "trường THPT Chu Văn An": a named thing the passages never name is another subject.
  // Compared by terms, so "Ban Thường vụ" is found in a passage that writes "BTV".
  // A name counts as absent only when none of its words is there: translated names are spelled many ways.
  const names = namedThings(q.question);
  const passageTerms = names.length ? hits.map((h) => termsOf(h.chunk.text).folded) : [];
  if (names.some((name) => !name.some((syllable) => passageTerms.some((t) => t.has(syllable))))) return undefined;

  return compose(q, shape, chosen, scored, hits, terms, best);
}

/** How many items the list a unit belongs to has: its heading's items, or the clauses of its sentence. */
function listSizes(units: readonly Unit[]): (u: Unit) => number {
  const byHeading = new Map<string, number>();
  const bySentence = new Map<string, number>();
  for (const u of units) {
    if (u.heading) byHeading.set(u.heading, (byHeading.get(u.heading) ?? 0) + 1);
    const key = `${u.hit}:${u.sentence}`;
    bySentence.set(key, (bySentence.get(key) ?? 0) + 1);
  }
  return (u) =>
    Math.max(
      u.heading ? (byHeading.get(u.heading) ?? 0) : 0,
      u.opensList ? (byHeading.get(headingText(u.text)) ?? 0) : 0,
      bySentence.get(`${u.hit}:${u.sentence}`) ?? 0,
    );
}
