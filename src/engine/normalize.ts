// Vietnamese text normalization: every string that enters the index or a query passes here first,
// so that the same word typed or encoded differently becomes the same string.

// Tone marks as combining characters (NFD). Vowel-shape marks (circumflex, breve, horn) are not
// tones and stay with their vowel.
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/;
const TONE_MARKS_G = /[\u0300\u0301\u0303\u0309\u0323]/g;
/** Soft hyphen, zero-width characters and BOM: invisible in print, yet they split or glue words. */
export const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const SPACES = /[\t\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;

/**
 * One tone placement for open "oa", "oe", "uy" syllables: the tone goes on the first vowel
 * ("hòa", "khỏe", "thủy"), whichever of the two styles the source used. "qu" is a consonant, so
 * "quý" keeps its tone on "y"; closed syllables ("hoàng", "huỳnh") are the same in both styles.
 */
function placeTone(word: string): string {
  const nfd = word.normalize('NFD');
  if (!TONE_MARKS.test(nfd)) return word;
  const tone = nfd.match(TONE_MARKS)![0];
  const bare = nfd.replace(TONE_MARKS_G, '');
  const m = /^(.*?)([oOuU])([aAeEyY])$/u.exec(bare);
  if (!m) return word;
  const [, head, first, second] = m;
  if (first.toLowerCase() === 'u' && /[qQ]$/.test(head)) return word;
  // Only move a tone that sits on the second vowel; a syllable already in the canonical form
  // (or with the tone elsewhere, which cannot happen for these rhymes) is left alone.
  const onSecond = new RegExp(`${second}${tone}$`, 'u').test(nfd.replace(/[\u0302\u0306\u031B]/g, ''));
  if (!onSecond) return word;
  return `${head}${first}${tone}${second}`.normalize('NFC');
}

/** NFC, one tone placement, invisible characters removed. Keeps line structure. */
export function normalizeVietnamese(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(/\p{L}+/gu, placeTone);
}

/**
 * Full clean-up for document text: Vietnamese normalization, line endings, spaces, words
 * hyphenated across a line break joined again, runs of blank lines collapsed.
 */
export function normalizeText(text: string): string {
  return normalizeVietnamese(text)
    .replace(/\r\n?/g, '\n')
    .replace(SPACES, ' ')
    .replace(/(\p{L})-\n(\p{Ll})/gu, '$1$2')
    .replace(/ *\n */g, '\n')
    .replace(/ {2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Accent-folded, lower-cased form: "Đô thị" → "do thi". Used for diacritic-free matching. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

/** Accent-folded words separated by single spaces, padded so that phrases match whole words only. */
export function foldedWords(text: string): string {
  return ` ${fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/** True when the text carries Vietnamese diacritics (false when typed on a bare keyboard). */
export function hasDiacritics(text: string): boolean {
  return /[\u0300-\u036f]/.test(text.normalize('NFD')) || /[đĐ]/.test(text);
}
