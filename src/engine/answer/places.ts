// Place names inside a question: the city's own name and wards (configured), and any
// "phường Đức Xuân" / "xã Nông Thượng" mention. Nearly every city document names the city and its
// wards, so a passage that shares only these words with a question has not answered it.
import { fold } from '../normalize.js';
import { lexicalTerms } from '../tokenize.js';

/** Administrative units (folded) that introduce a place name. */
const UNITS = [['thanh', 'pho'], ['thi', 'xa'], ['thi', 'tran'], ['phuong'], ['xa'], ['quan'], ['huyen'], ['tinh'], ['tp']];
/** "thành phố" alone is the city itself, named or not. */
const CITY = new Set(['thanh pho', 'tp']);
/** A place name after a unit: its capitalised words, at most this many ("Nguyễn Thị Minh Khai"). */
const MAX_NAME_WORDS = 4;

const WORD = /[\p{L}\p{N}]+/gu;
const isCapitalised = (word: string) => /^\p{Lu}/u.test(word);

function startsWith(words: readonly string[], at: number, phrase: readonly string[]): boolean {
  return phrase.length > 0 && phrase.every((w, i) => words[at + i] === w);
}

/** Word ranges [from, to) of the place mentions in `words` (as typed) and `folded`. */
function mentions(words: readonly string[], folded: readonly string[], ownPlaces: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  const own = ownPlaces.map((p) => fold(p).match(WORD) ?? []);
  for (let i = 0; i < words.length; i++) {
    for (const place of own) if (startsWith(folded, i, place)) ranges.push([i, i + place.length]);
    for (const unit of UNITS) {
      if (!startsWith(folded, i, unit)) continue;
      // The name after a unit: its capitalised words, or one of the city's own places however
      // typed: lower-case words after a unit are too often not a name ("xã hội", "phương án" folded).
      const name = i + unit.length;
      let end = name;
      while (end < words.length && end - name < MAX_NAME_WORDS && isCapitalised(words[end])) end++;
      for (const place of own) if (startsWith(folded, name, place)) end = Math.max(end, name + place.length);
      if (end > name || CITY.has(unit.join(' '))) ranges.push([i, end]);
    }
  }
  return ranges;
}

/**
 * The folded lexical terms (syllables and bigrams) of the places a question names. `ownPlaces`
 * are the city's name and wards from the configuration; other places are recognised after a unit
 * ("phường", "xã", "thành phố", ...).
 */
export function placeTerms(question: string, ownPlaces: readonly string[]): Set<string> {
  const words = question.normalize('NFC').match(WORD) ?? [];
  const folded = words.map(fold);
  const terms = new Set<string>();
  for (const [from, to] of mentions(words, folded, ownPlaces.filter(Boolean))) {
    for (const t of lexicalTerms(words.slice(from, to).join(' ')).folded) terms.add(t);
  }
  return terms;
}
