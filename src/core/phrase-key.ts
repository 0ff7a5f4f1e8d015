// How a short typed message is compared with a keyword: "Gặp cán bộ!", "gap can bo" and
// "GẶP  CÁN BỘ" are the same key. Only whole messages are compared, so "huy" is a keyword and
// "huy động nguồn lực" is a question.
import { fold, normalizeVietnamese } from '../engine/normalize.js';

/** Accent-folded, lower-cased, single-spaced, without emoji modifiers or surrounding punctuation. */
export function phraseKey(text: string): string {
  return fold(normalizeVietnamese(text).replace(/[\u{1F3FB}-\u{1F3FF}]/gu, ''))
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,!?…;:"'()[\]-]+|[\s.,!?…;:"'()[\]-]+$/g, '');
}
