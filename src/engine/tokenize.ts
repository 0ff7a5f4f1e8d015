// Vietnamese tokenization for the lexical index and the local embedder. Vietnamese words are
// one or more space-separated syllables, so syllables plus syllable bigrams stand in for words
// ("văn minh", "đô thị") without a word segmenter.

import abbreviationData from './abbreviations.json' with { type: 'json' };
import { languageVersion, onLanguageChange, residentLanguage } from './language/data.js';
import { fold, hasDiacritics, INVISIBLE, normalizeVietnamese } from './normalize.js';
import stopwordData from './stopwords.json' with { type: 'json' };

/**
 * What the index's terms depend on besides the text: a change here, or in the synonyms and
 * name abbreviations, makes the next ingest rebuild the index.
 */
export function termsVersion(): string {
  return `2-${languageVersion()}`;
}

interface Token {
  /** Lower-cased syllable, or a compound kept whole because it holds a digit ("18/30", "11b"). */
  text: string;
  /** Typed in capitals: needed to tell the abbreviation "TU" from the syllable "tu". */
  upper: boolean;
}

const TOKEN = /[\p{L}\p{N}]+(?:[/\-.,_][\p{L}\p{N}]+)*/gu;
// "." and "," stay inside numbers ("1.000", "2,5") and split everything else ("2025.Tính").
const SOFT_SPLIT = /(?<!\p{N})[.,]|[.,](?!\p{N})/u;
const HAS_DIGIT = /\p{N}/u;
const COMPOUND_PARTS = /[/\-.,_]/;

// "kì" and "kỳ", "lí" and "lý", "mĩ" and "mỹ": both spellings are in use after a consonant, so
// one form (the y) stands for both in every term. Only after these consonants are both in use ("chỉ" is never "chỷ").
const I_SYLLABLE = /^(h|k|l|m|s|t)([iíìỉĩị])$/u;
const I_TO_Y: Readonly<Record<string, string>> = { i: 'y', í: 'ý', ì: 'ỳ', ỉ: 'ỷ', ĩ: 'ỹ', ị: 'ỵ' };

/** One spelling for the i/y syllables; other syllables unchanged. */
export function canonicalSpelling(syllable: string): string {
  const m = I_SYLLABLE.exec(syllable);
  return m ? m[1] + I_TO_Y[m[2]] : syllable;
}

const STOPWORDS: ReadonlySet<string> = new Set(stopwordData.stopwords.map(canonicalSpelling));
/** In a text typed without marks, "thi" is "thì" and "duoc" is "được": function words too. */
const BARE_STOPWORDS: ReadonlySet<string> = new Set([...STOPWORDS].map((w) => fold(w)));

const foldCache = new Map<string, string>();
/** fold() per distinct syllable: the syllable vocabulary is small, the texts are not. */
function foldSyllable(s: string): string {
  let f = foldCache.get(s);
  if (f === undefined) {
    f = fold(s);
    if (foldCache.size < 200_000) foldCache.set(s, f);
  }
  return f;
}

const tokenCache = new Map<string, readonly Token[]>();

/** The tokens of one raw match, normalized; cached: the same few thousand words make up every text. */
function tokensOf(raw: string): readonly Token[] {
  let tokens = tokenCache.get(raw);
  if (tokens) return tokens;
  const list: Token[] = [];
  for (const piece of normalizeVietnamese(raw).split(SOFT_SPLIT)) {
    if (!piece) continue;
    const parts = HAS_DIGIT.test(piece) ? [piece] : piece.split(COMPOUND_PARTS);
    for (const p of parts) {
      if (p) list.push({ text: canonicalSpelling(p.toLowerCase()), upper: p.length > 1 && p === p.toUpperCase() && p !== p.toLowerCase() });
    }
  }
  tokens = list;
  if (tokenCache.size < 200_000) tokenCache.set(raw, tokens);
  return tokens;
}

/** Runs of tokens not broken by punctuation or line breaks: bigrams never cross them. */
function segments(text: string): Token[][] {
  // Composed and cleaned first, so that letters with marks match \p{L} as one token.
  const normalized = text.normalize('NFC').replace(INVISIBLE, '');
  const out: Token[][] = [];
  let current: Token[] = [];
  let last = 0;
  for (const m of normalized.matchAll(TOKEN)) {
    if (current.length) {
      for (let i = last; i < m.index; i++) {
        const c = normalized.charCodeAt(i);
        if (c !== 32 && c !== 9) {
          out.push(current);
          current = [];
          break;
        }
      }
    }
    last = m.index + m[0].length;
    for (const t of tokensOf(m[0])) current.push(t);
  }
  if (current.length) out.push(current);
  return out;
}

/** Normalized, lower-cased syllable tokens; tokens holding a digit stay whole ("18/30", "2021-2025"). */
export function syllables(text: string): string[] {
  return segments(text).flatMap((seg) => seg.map((t) => t.text));
}

interface Expansion {
  /** Folded syllables to look for. */
  match: string[];
  /** Syllables (accented) whose terms are added when found. */
  add: string[];
  caseSensitive: boolean;
  /** Syllables as written: matched when the text has marks, so "đỗ" never fires on "đó" or "do". */
  exact?: string[];
}

/**
 * First folded syllable → expansions starting with it: both directions of every administrative
 * abbreviation and name abbreviation, and every pair within a group of resident synonyms.
 */
function buildExpansions(): Map<string, Expansion[]> {
  const map = new Map<string, Expansion[]>();
  const put = (e: Expansion) => {
    if (!e.match.length || !e.add.length) return;
    const list = map.get(e.match[0]) ?? [];
    list.push(e);
    map.set(e.match[0], list);
  };
  const twoWays = (shortForm: string, longForms: readonly string[], caseSensitive: boolean) => {
    const short = syllables(shortForm);
    for (const long of longForms) {
      const longSyl = syllables(long);
      put({ match: short.map(foldSyllable), add: longSyl, caseSensitive });
      put({ match: longSyl.map(foldSyllable), add: short, caseSensitive: false });
    }
  };
  for (const a of abbreviationData.abbreviations) twoWays(a.short, a.long, 'caseSensitive' in a && a.caseSensitive === true);
  const language = residentLanguage();
  for (const n of language.names) twoWays(n.short, [n.long], false);
  // Every wording of a synonym group adds one shared concept term, in documents and in questions:
  // the concept counts once, however many wordings the group has.
  for (const group of language.synonyms) {
    const concept = [conceptTerm(group[0])];
    for (const from of group.map(syllables)) put({ match: from.map(foldSyllable), add: concept, caseSensitive: false, exact: from });
  }
  return map;
}

/** "hoàn thiện" → "≈hoàn_thiện": a term no text contains, shared by the group's wordings. */
function conceptTerm(canonical: string): string {
  return `≈${syllables(canonical).join('_')}`;
}

let EXPANSIONS: ReadonlyMap<string, Expansion[]> = buildExpansions();
onLanguageChange(() => {
  tokenCache.clear();
  EXPANSIONS = buildExpansions();
});

/** True for the function and question words left out of lexical terms. */
export function isStopword(syllable: string): boolean {
  return STOPWORDS.has(syllable);
}

/** Which forms a walk produces: building only the needed strings halves the work. */
interface Emitter {
  exact?: (term: string) => void;
  folded?: (term: string) => void;
  /** In a question: a bigram with a function word in it ("mấy giờ"), by its folded form. */
  wording?: (folded: string) => void;
}

/** How a run is read: typed without marks (function words matched folded), and whether it is a question. */
interface RunMode {
  bare?: boolean;
  question?: boolean;
}

/** Emits every unigram (stopwords left out) and bigram of a run, in the forms asked for. */
function emitRun(words: readonly string[], emit: Emitter, mode: RunMode = {}): void {
  const { exact, folded } = emit;
  const stopwords = mode.bare ? BARE_STOPWORDS : STOPWORDS;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const stop = stopwords.has(w);
    // In a question typed without marks, "duoc" is most likely "được" but its marks are lost: it
    // ranks passages, it does not judge them ("ra", written alike both ways, is just a function word).
    if (stop && mode.question && mode.bare && !STOPWORDS.has(w)) {
      exact?.(w);
      folded?.(w);
      emit.wording?.(w);
    }
    if (!stop) {
      exact?.(w);
      folded?.(foldSyllable(w));
      // Parts of "2021-2025" or "18/30" also count alone, so "2025" finds the span.
      if (w.length > 2 && HAS_DIGIT.test(w) && COMPOUND_PARTS.test(w)) {
        for (const p of w.split(COMPOUND_PARTS)) {
          if (!p) continue;
          exact?.(p);
          folded?.(foldSyllable(p));
        }
      }
    }
    if (i + 1 < words.length) {
      const next = words[i + 1];
      if (stop && stopwords.has(next)) continue;
      const foldedPair = `${foldSyllable(w)} ${foldSyllable(next)}`;
      exact?.(`${w} ${next}`);
      folded?.(foldedPair);
      // In a question, "mấy giờ" or "được mở" is wording: it ranks passages that share it, but a
      // passage that does not is no less an answer.
      if (mode.question && (stop || stopwords.has(next))) emit.wording?.(foldedPair);
    }
  }
}

/** The shared walk behind lexicalTerms, indexTerms and foldedTerms. */
function walkTerms(text: string, emit: Emitter, question = false): void {
  const bare = !hasDiacritics(text);
  for (const seg of segments(text)) {
    const words = seg.map((t) => t.text);
    const foldedWords = words.map(foldSyllable);
    // In a question, a wording of a synonym group stands for its concept only: "xong" must not
    // count against a passage that says "hoàn thiện".
    const covered = question ? new Uint8Array(words.length) : undefined;
    const added: string[][] = [];
    for (let i = 0; i < foldedWords.length; i++) {
      const candidates = EXPANSIONS.get(foldedWords[i]);
      if (!candidates) continue;
      for (const e of candidates) {
        if (i + e.match.length > foldedWords.length) continue;
        let ok = true;
        for (let j = 0; j < e.match.length && ok; j++) {
          ok = e.exact && !bare ? words[i + j] === e.exact[j] : foldedWords[i + j] === e.match[j] && (!e.caseSensitive || seg[i + j].upper);
        }
        // Typed without marks, one syllable is too ambiguous for a synonym: "do" may be "đỗ", "đó" or "đô".
        if (ok && bare && e.exact?.length === 1 && e.exact[0] !== e.match[0]) ok = false;
        if (!ok) continue;
        added.push(e.add);
        if (covered && e.exact) covered.fill(1, i, i + e.match.length);
      }
    }
    const mode: RunMode = { bare, question };
    if (!covered) emitRun(words, emit, mode);
    else {
      let run: string[] = [];
      for (let i = 0; i <= words.length; i++) {
        if (i < words.length && !covered[i]) run.push(words[i]);
        else if (run.length) {
          emitRun(run, emit, mode);
          run = [];
        }
      }
    }
    for (const add of added) emitRun(add, emit);
  }
}

/**
 * Lexical terms of a text: syllables (stopwords left out) and syllable bigrams, in exact
 * (accented) and accent-folded form, with administrative abbreviations expanded both ways.
 * Repeated terms are repeated: term frequency matters.
 */
export function lexicalTerms(text: string): { exact: string[]; folded: string[] } {
  const exact: string[] = [];
  const folded: string[] = [];
  walkTerms(text, { exact: (t) => exact.push(t), folded: (t) => folded.push(t) });
  return { exact, folded };
}

/** lexicalTerms of a question: a synonym's wording gives its concept term, not its own syllables. */
export function questionTerms(text: string): { exact: string[]; folded: string[]; wording: ReadonlySet<string> } {
  const exact: string[] = [];
  const folded: string[] = [];
  const wording = new Set<string>();
  walkTerms(text, { exact: (t) => exact.push(t), folded: (t) => folded.push(t), wording: (t) => wording.add(t) }, true);
  return { exact, folded, wording };
}

/** Folded-form terms only: what the local embedder hashes. */
export function foldedTerms(text: string): string[] {
  const folded: string[] = [];
  walkTerms(text, { folded: (t) => folded.push(t) });
  return folded;
}

/** Exact-form terms only: what the index stores (folded forms are derived from its vocabulary). */
export function indexTerms(text: string): string[] {
  const exact: string[] = [];
  walkTerms(text, { exact: (t) => exact.push(t) });
  return exact;
}

/** Accent-folded form of a term, as lexicalTerms folds it. */
export function foldTerm(term: string): string {
  return term.includes(' ') ? term.split(' ').map(foldSyllable).join(' ') : foldSyllable(term);
}
