// Whether the passages speak of what the question is about: its own words, not only the places it
// names, and any named thing it asks about ("quốc lộ 1A").
import { fold } from '../normalize.js';
import { match, type QueryTerm, termsOf } from './terms.js';
import type { Unit } from './units.js';

/** Distinct question words (syllables and synonym concepts, places aside) that a unit holds as written. */
export function matchedWords(terms: readonly QueryTerm[], u: Unit, places: ReadonlySet<string> = new Set()): number {
  const sets = termsOf(u.text);
  return terms.filter((t) => (!t.folded.includes(' ') || t.folded.startsWith('≈')) && !places.has(t.folded) && match(t, sets) === 1).length;
}

/** This many of the question's own words (places aside) in the quoted passages ground an answer. */
const SUBJECT_WORDS = 3;

const SUBJECT_WORDS_SHARE = 0.35;

/** Share of the subject's syllables (by weight: rare ones count more) that grounds an answer without any of its words. */
const SUBJECT_SYLLABLES_SHARE = 0.5;

/**
 * Whether the quoted passages speak of the question's subject, not only of the places it names:
 * one of its two-syllable words ("căn cước") is in them, or most of its syllables (weighted) are.
 * A few syllables of those words are weak evidence: "công" and "dân" of "công dân" are also in
 * "công trình" and "dân cư". A subject without two-syllable words needs one of its syllables; a
 * question naming a place and nothing else is about that place.
 */
export function aboutSubject(terms: readonly QueryTerm[], places: ReadonlySet<string>, passages: readonly string[]): boolean {
  const syllables = terms.filter((t) => !t.folded.includes(' ') && !t.folded.startsWith('≈') && !places.has(t.folded));
  if (!syllables.length) return true;
  const own = new Set(syllables.map((t) => t.folded));
  // A bigram with a function word ("dân ở") or a place in it ("phường đức") is not a subject word.
  // A synonym concept ("≈karaoke") is a subject word like a two-syllable one.
  const words = terms.filter((t) => t.folded.startsWith('≈') || (t.folded.includes(' ') && t.folded.split(' ').every((s) => own.has(s))));
  const found = passages.map(termsOf);
  const present = (t: QueryTerm) => found.some((f) => match(t, f) === 1);
  // Scattered one-syllable words ("Chợ ... xong chưa?"): any of them will do.
  if (!words.length) return syllables.some(present);
  const weight = (list: QueryTerm[]) => list.reduce((sum, t) => sum + t.weight, 0);
  // Several of its words, not places, are there ("nuôi", "con", "gà"): the passage speaks of it.
  const share = weight(syllables.filter(present)) / weight(syllables);
  if (syllables.filter(present).length >= SUBJECT_WORDS && share >= SUBJECT_WORDS_SHARE) return true;
  return words.some(present) || share >= SUBJECT_SYLLABLES_SHARE;
}

/** "3m", "11h", "500k": amounts with a unit, not codes. */
const UNIT_SUFFIX = /\d(?:m|km|cm|mm|h|g|kg|k|tr|ha|đ|d|p|s|l)$/iu;

/** Word runs that start with a capital (not a sentence's first word) and codes like "1A", "11B": their folded syllables. */
export function namedThings(question: string): string[][] {
  const names: string[][] = [];
  for (const sentence of question.split(/[.!?:;]\s+/u)) {
    const words = sentence.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    let run: string[] = [];
    const flush = () => {
      if (run.length) names.push(run.map((w) => fold(w.toLowerCase())));
      run = [];
    };
    words.forEach((w, i) => {
      if (i > 0 && /^\p{Lu}\p{Ll}+$/u.test(w)) run.push(w);
      else {
        // One capitalised word is too often a foreign name spelled another way; two or more name a thing.
        if (run.length === 1) run = [];
        flush();
      }
      if (/^\d+\p{L}{1,2}$/u.test(w) && !UNIT_SUFFIX.test(w)) names.push([fold(w.toLowerCase())]);
    });
    if (run.length === 1) run = [];
    flush();
  }
  return names;
}
