// A resident's question as the documents would word it: greetings and chat fillers dropped
// ("ad ơi", "ạ", "vậy"), chat abbreviations spelled out ("dc" → "được", "bn" → "bao nhiêu"),
// clock times and amounts in the documents' form ("11h đêm" → "23 giờ đêm", "500k" → "500.000").
// Fillers count against a question in retrieval (a word no passage has lowers its relevance),
// so they go before anything else looks at it.
import { fold, hasDiacritics } from '../normalize.js';
import { onLanguageChange, residentLanguage } from './data.js';

const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

interface Word {
  /** As typed, with its punctuation. */
  raw: string;
  /** Lower-case, no edge punctuation. */
  key: string;
}

function wordsOf(text: string): Word[] {
  return text
    .split(/\s+/u)
    .filter(Boolean)
    .map((raw) => ({ raw, key: raw.toLowerCase().replace(EDGE_PUNCTUATION, '') }));
}

/** Whether `phrase` (already split) is at `at`: as typed, or folded when the question has no marks. */
function phraseAt(words: readonly Word[], at: number, phrase: readonly string[], bare: boolean): boolean {
  if (at < 0 || at + phrase.length > words.length) return false;
  return phrase.every((p, i) => {
    const w = words[at + i].key;
    return w === p || (bare && fold(w) === fold(p));
  });
}

const split = (phrase: string) => phrase.toLowerCase().split(/\s+/u).filter(Boolean);

/** Longest first, so "ad ơi" goes before "ad". */
const byLength = (list: readonly string[]) => list.map(split).sort((a, b) => b.length - a.length);

/** The filler phrases split and ordered, made once per version of the language (not per question). */
let prepared: { anywhere: string[][]; start: string[][]; end: string[][] } | undefined;
onLanguageChange(() => {
  prepared = undefined;
});

function fillerPhrases(): { anywhere: string[][]; start: string[][]; end: string[][] } {
  if (!prepared) {
    const { fillers } = residentLanguage();
    prepared = { anywhere: byLength(fillers.anywhere), start: byLength(fillers.start), end: byLength(fillers.end) };
  }
  return prepared;
}

function dropFillers(words: Word[], bare: boolean): Word[] {
  const { anywhere, start, end } = fillerPhrases();
  let out = words;
  for (let changed = true; changed && out.length > 1; ) {
    changed = false;
    const s = start.find((p) => p.length < out.length && phraseAt(out, 0, p, bare));
    if (s) {
      out = out.slice(s.length);
      changed = true;
    }
    const e = end.find((p) => p.length < out.length && phraseAt(out, out.length - p.length, p, bare));
    if (e) {
      // The question mark of the dropped word stays with the question.
      const mark = /[?？]$/u.test(out[out.length - 1].raw) ? '?' : '';
      out = out.slice(0, out.length - e.length);
      if (mark && !/[?？]$/u.test(out[out.length - 1].raw))
        out[out.length - 1] = { ...out[out.length - 1], raw: out[out.length - 1].raw + mark };
      changed = true;
    }
  }
  // Anywhere-fillers after the edges ("chào ad" is a greeting before "ad" is a filler), and
  // only as typed: folded, "ạ" would be any "a".
  const kept: Word[] = [];
  for (let i = 0; i < out.length; ) {
    const hit = anywhere.find((p) => phraseAt(out, i, p, false));
    if (hit) i += hit.length;
    else kept.push(out[i++]);
  }
  return kept;
}

function spellOut(words: Word[], bare: boolean): Word[] {
  const { chat } = residentLanguage();
  return words.map((w, i) => {
    const entry = chat.find(
      (c) =>
        c.short.some((s) => s.toLowerCase() === w.key || (bare && fold(s.toLowerCase()) === w.key)) &&
        (!c.bareOnly || bare) &&
        (!c.notLast || i < words.length - 1),
    );
    if (!entry) return w;
    const tail = w.raw.match(/[^\p{L}\p{N}]+$/u)?.[0] ?? '';
    // A question typed without marks stays without them: search weighs marked words differently.
    const long = bare ? fold(entry.long) : entry.long;
    return { raw: long + tail, key: long };
  });
}

/** "11h" → "11 giờ", "11h30" → "11 giờ 30", "500k" → "500.000", "2tr" → "2.000.000". */
function documentForms(text: string, bare: boolean): string {
  const gio = bare ? 'gio' : 'giờ';
  return text
    .replace(/\b(\d{1,2})h(\d{2})\b/giu, `$1 ${gio} $2`)
    .replace(/\b(\d{1,2})h\b/giu, `$1 ${gio}`)
    .replace(/\b(\d{1,3})k\b/giu, '$1.000')
    .replace(/\b(\d{1,3})\s?(?:tr|triệu|trieu)\b/giu, '$1.000.000')
    .replace(/\b(\d{1,2}) (?:giờ|gio) (tối|toi|đêm|dem|chiều|chieu)\b/giu, (m, h: string, part: string) => {
      const hour = Number(h);
      const evening = fold(part.toLowerCase()) === 'chieu' ? hour >= 1 && hour <= 6 : hour >= 6 && hour <= 11;
      return evening ? `${hour + 12} ${gio} ${part}` : m;
    });
}

/** The question with fillers dropped and chat words spelled out; the question itself if nothing is left. */
export function cleanQuestion(question: string): string {
  const bare = !hasDiacritics(question);
  const words = spellOut(dropFillers(wordsOf(question), bare), bare).filter((w) => w.raw.trim());
  const cleaned = documentForms(words.map((w) => w.raw).join(' '), bare).trim();
  return cleaned.replace(EDGE_PUNCTUATION, '') ? cleaned : question;
}
