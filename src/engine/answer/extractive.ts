// The offline answer: the sentences of the retrieved passages that best match the question,
// quoted as they are and numbered by the passage they come from. No model, no network.
import { answerTexts } from '../../texts/answers.js';
import { splitSentences as chunkSentences } from '../chunker.js';
import { fold } from '../normalize.js';
import { lexicalTerms } from '../tokenize.js';
import type { Citation, SearchHit } from '../types.js';
import { toCitation } from './citations.js';

export interface ExtractiveQuestion {
  /** What the resident asked. */
  question: string;
  /** Terms carried over from the previous question for a follow-up; they count for less. */
  carried?: string;
  /** Folded terms of the places the question names (placeTerms): they are not its subject. */
  places?: ReadonlySet<string>;
}

export interface ExtractiveAnswer {
  text: string;
  citations: Citation[];
  confidence: number;
}

interface Sentence {
  text: string;
  hit: number;
  exact: Set<string>;
  folded: Set<string>;
}

interface QueryTerm {
  exact: string;
  folded: string;
  /** Typed without diacritics: only the folded form can be compared. */
  bare: boolean;
  weight: number;
}

const MAX_SENTENCES = 3;
const MAX_CHARS = 600;
/** A sentence joins the best one only when it scores at least this share of it. */
const KEEP_RATIO = 0.55;
/** Tone-mark mismatch ("ban" typed as "bàn" for "bản"): probably another word, counts a little. */
const TONE_MISMATCH = 0.3;
const CARRIED_WEIGHT = 0.5;
/** Longer sentences are split at ";" so an answer quotes the clause, not a whole list. */
const CLAUSE_SPLIT_CHARS = 300;
const MIN_SENTENCE_CHARS = 12;
/** A quoted sentence longer than this is cut to its best-matching run of clauses. */
const MAX_QUOTE_CHARS = 320;

/**
 * Quotable sentences of a passage: the chunker's sentences (so "TP. Bắc Kạn" ends nothing here
 * either), line by line, long ones cut into clauses at ";", fragments too short to quote left out.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap(chunkSentences)
    .flatMap(clauses)
    .filter((s) => s.length >= MIN_SENTENCE_CHARS);
}

function clauses(sentence: string): string[] {
  if (sentence.length <= CLAUSE_SPLIT_CHARS) return [sentence];
  return sentence
    .split(/;\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function queryTerms(text: string, weight: number): QueryTerm[] {
  const { exact, folded } = lexicalTerms(text);
  return exact.map((e, i) => ({ exact: e, folded: folded[i], bare: e === folded[i], weight }));
}

function match(term: QueryTerm, s: Pick<Sentence, 'exact' | 'folded'>): number {
  if (term.bare) return s.folded.has(term.folded) ? 1 : 0;
  if (s.exact.has(term.exact)) return 1;
  return s.folded.has(term.folded) ? TONE_MISMATCH : 0;
}

/** Distinct terms, the resident's own first: a carried term never outweighs a typed one. */
function distinct(terms: QueryTerm[]): QueryTerm[] {
  const seen = new Map<string, QueryTerm>();
  for (const t of terms) if (!seen.has(t.folded)) seen.set(t.folded, t);
  return [...seen.values()];
}

export function extractiveAnswer(q: ExtractiveQuestion, hits: readonly SearchHit[]): ExtractiveAnswer | undefined {
  const sentences: Sentence[] = [];
  const seen = new Set<string>();
  hits.forEach((hit, i) => {
    for (const text of splitSentences(hit.chunk.text)) {
      // Overlapping chunks repeat sentences; quote each once, from the better-ranked passage.
      const key = fold(text);
      if (seen.has(key)) continue;
      seen.add(key);
      const terms = lexicalTerms(text);
      sentences.push({ text, hit: i, exact: new Set(terms.exact), folded: new Set(terms.folded) });
    }
  });
  if (!sentences.length) return undefined;

  const terms = distinct([...queryTerms(q.question, 1), ...(q.carried ? queryTerms(q.carried, CARRIED_WEIGHT) : [])]);
  // Inverse sentence frequency: "thành phố" in every sentence tells nothing about which to quote.
  const n = sentences.length;
  for (const t of terms) {
    const df = sentences.reduce((sum, s) => sum + (match(t, s) > 0 ? 1 : 0), 0);
    t.weight *= Math.log(1 + (n + 1) / (df + 0.5)) * (t.exact.includes(' ') ? 1.5 : 1);
  }
  const total = terms.reduce((sum, t) => sum + t.weight, 0);
  if (total === 0) return undefined;

  const scored = sentences.map((s) => {
    const coverage = terms.reduce((sum, t) => sum + t.weight * match(t, s), 0) / total;
    const hit = hits[s.hit];
    const prior = (1 / (1 + 0.2 * s.hit)) * (0.6 + 0.4 * hit.relevance);
    return { s, coverage, score: coverage * prior };
  });
  scored.sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (best.coverage === 0) return undefined;

  const chosen = [best];
  let chars = best.s.text.length;
  for (const c of scored.slice(1)) {
    if (chosen.length >= MAX_SENTENCES || c.score < KEEP_RATIO * best.score) break;
    if (chars + c.s.text.length > MAX_CHARS) continue;
    chosen.push(c);
    chars += c.s.text.length;
  }

  const quoted = [...new Set(chosen.map(({ s }) => s.hit))].map((i) => hits[i].chunk.text);
  if (!aboutSubject(terms, q.places ?? new Set(), quoted)) return undefined;

  const numberOf = new Map<number, number>();
  const citations: Citation[] = [];
  const numbers = chosen.map(({ s }) => {
    let n = numberOf.get(s.hit);
    if (n === undefined) {
      n = numberOf.size + 1;
      numberOf.set(s.hit, n);
      citations.push(toCitation(n, hits[s.hit].chunk));
    }
    return n;
  });
  // Consecutive sentences from one passage share one marker, after the last of them.
  const parts = chosen.map(({ s }, i) => withMarker(excerpt(s.text, terms), numbers[i] === numbers[i + 1] ? undefined : numbers[i]));
  const confidence = Math.min(1, best.coverage * (0.5 + 0.5 * hits[0].relevance));
  return { text: `${answerTexts.leadIn} ${parts.join(' ')}`, citations, confidence: Math.round(confidence * 100) / 100 };
}

/** Share of the subject's syllables (by weight: rare ones count more) that grounds an answer without any of its words. */
const SUBJECT_SYLLABLES_SHARE = 0.5;

/**
 * Whether the quoted passages speak of the question's subject, not only of the places it names:
 * one of its two-syllable words ("căn cước") is in them, or most of its syllables (weighted) are.
 * A few syllables of those words are weak evidence: "công" and "dân" of "công dân" are also in
 * "công trình" and "dân cư". A subject without two-syllable words needs one of its syllables; a
 * question naming a place and nothing else is about that place.
 */
function aboutSubject(terms: readonly QueryTerm[], places: ReadonlySet<string>, passages: readonly string[]): boolean {
  const syllables = terms.filter((t) => !t.folded.includes(' ') && !places.has(t.folded));
  if (!syllables.length) return true;
  const own = new Set(syllables.map((t) => t.folded));
  // A bigram with a function word ("dân ở") or a place in it ("phường đức") is not a subject word.
  const words = terms.filter((t) => t.folded.includes(' ') && t.folded.split(' ').every((s) => own.has(s)));
  const found = passages.map((p) => {
    const t = lexicalTerms(p);
    return { exact: new Set(t.exact), folded: new Set(t.folded) };
  });
  const present = (t: QueryTerm) => found.some((f) => match(t, f) === 1);
  // Scattered one-syllable words ("Chợ ... xong chưa?"): any of them will do.
  if (!words.length) return syllables.some(present);
  const weight = (list: QueryTerm[]) => list.reduce((sum, t) => sum + t.weight, 0);
  return words.some(present) || weight(syllables.filter(present)) >= SUBJECT_SYLLABLES_SHARE * weight(syllables);
}

/**
 * A long sentence cut to the run of clauses (split after "," ";" ":") that matches the question
 * best, with "…" where it was cut: a resident reads the part that answers.
 */
function excerpt(text: string, terms: readonly QueryTerm[]): string {
  if (text.length <= MAX_QUOTE_CHARS) return text;
  const pieces = text.split(/(?<=[,;:])\s+/u);
  const scores = pieces.map((p) => {
    const t = lexicalTerms(p);
    const sets = { exact: new Set(t.exact), folded: new Set(t.folded) };
    return terms.reduce((sum, q) => sum + q.weight * match(q, sets), 0);
  });
  let best = { from: 0, to: 0, score: -1 };
  for (let from = 0; from < pieces.length; from++) {
    let length = 0;
    let score = 0;
    for (let to = from; to < pieces.length; to++) {
      length += pieces[to].length + 1;
      if (length > MAX_QUOTE_CHARS && to > from) break;
      score += scores[to];
      if (score > best.score) best = { from, to, score };
    }
  }
  const body = pieces.slice(best.from, best.to + 1).join(' ');
  const head = best.from > 0 ? '… ' : '';
  const tail = best.to < pieces.length - 1 ? `${body.replace(/[,;:]$/u, '')}…` : body;
  return head + tail;
}

/** "… dự án." → "… dự án [1]."; a closing quote, "?" or "…" stays before the marker. */
function withMarker(sentence: string, n: number | undefined): string {
  const trimmed = sentence.replace(/[\s.;:,]+$/u, '');
  // A clause cut out of a longer sentence starts in lower case.
  const body = trimmed.charAt(0).toLocaleUpperCase('vi') + trimmed.slice(1);
  const marker = n === undefined ? '' : ` [${n}]`;
  return /[?!”"»)…]$/u.test(body) ? `${body}${marker}` : `${body}${marker}.`;
}
