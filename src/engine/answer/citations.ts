// Citations: the numbered links between an answer's sentences and the passages they come from.
// Numbers in a reply are only trusted when they point to a passage that was actually given.
import type { Chunk, Citation } from '../types.js';

export function toCitation(n: number, chunk: Chunk): Citation {
  return {
    n,
    chunkId: chunk.id,
    docId: chunk.docId,
    title: chunk.title,
    number: chunk.number,
    section: chunk.section.length ? chunk.section.join(' › ') : undefined,
    page: chunk.page,
    sourceUrl: chunk.sourceUrl,
    issued: chunk.issued,
    ...(chunk.issuer && { issuer: chunk.issuer }),
    ...(chunk.author && { author: chunk.author }),
    ...(chunk.source && { source: chunk.source }),
    quote: chunk.text,
  };
}

// "[1]", "[1, 3]", "[2; 4]", "[ 1 ]"; "[1][2]" is two markers.
const MARKER = /\s*\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]/g;

export interface CitedText {
  text: string;
  citations: Citation[];
}

/**
 * Keeps only the markers that point to one of `passages` (1-based, as numbered in the prompt),
 * renumbers them 1, 2, ... in order of first use, and returns the citations of exactly those
 * passages. Invalid numbers are dropped from the text.
 */
export function validateCitations(reply: string, passages: readonly Chunk[]): CitedText {
  const renumber = new Map<number, number>();
  const citations: Citation[] = [];
  const text = reply.replace(MARKER, (_m, list: string) => {
    const kept: number[] = [];
    for (const raw of list.split(/[,;]/)) {
      const given = Number(raw.trim());
      if (!Number.isInteger(given) || given < 1 || given > passages.length) continue;
      let n = renumber.get(given);
      if (n === undefined) {
        n = renumber.size + 1;
        renumber.set(given, n);
        citations.push(toCitation(n, passages[given - 1]));
      }
      if (!kept.includes(n)) kept.push(n);
    }
    return kept.length ? ` ${kept.map((n) => `[${n}]`).join('')}` : '';
  });
  return { text: tidy(text), citations };
}

/** Removes the spaces a dropped marker leaves before punctuation or at line ends. */
function tidy(text: string): string {
  return text
    .replace(/[ \t]+([.,;:!?])/g, '$1')
    .replace(/[ \t]+$/gm, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}
