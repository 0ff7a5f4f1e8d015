// The tokenizer, the chunker and the input guard with arbitrary text: Vietnamese-like prose with
// structure markers, any code point (lone surrogates included), ASCII. No throw, and the outputs
// keep their promises (terms are non-empty strings, chunks cover the document in order, the guard
// gives a question or a reason).
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { checkInput, isTooLong } from '../../src/engine/answer/input-guard.js';
import { chunkDocument, splitSentences } from '../../src/engine/chunker.js';
import { foldedTerms, indexTerms, lexicalTerms, syllables } from '../../src/engine/tokenize.js';
import type { ParsedDocument } from '../../src/engine/types.js';
import { anyText, check, report } from './fuzz-helpers.js';

afterAll(() => report('text fuzz'));

const REASONS = new Set(['empty', 'too_long', 'garbage', 'no_words', 'foreign_script']);

describe('tokenizer', () => {
  it('turns any text into non-empty terms, 5000 inputs', async () => {
    await check(
      'tokenizer',
      fc.property(anyText(500), (text) => {
        const { exact, folded } = lexicalTerms(text);
        const all = [...exact, ...folded, ...indexTerms(text), ...foldedTerms(text), ...syllables(text)];
        return all.every((t) => typeof t === 'string' && t.length > 0) && exact.length <= 4 * text.length + 4;
      }),
      5000,
    );
  });
});

describe('chunker', () => {
  const block = fc.record(
    {
      text: anyText(1500),
      heading: fc.integer({ min: 1, max: 6 }),
      page: fc.integer({ min: 1, max: 500 }),
      record: fc.boolean(),
    },
    { requiredKeys: ['text'] },
  );
  const doc = fc
    .array(block, { minLength: 1, maxLength: 12 })
    .map((blocks): ParsedDocument => ({ meta: { id: 'fuzz/doc', title: 'Tài liệu thử', kind: 'news' }, path: 'fuzz/doc.md', blocks }));
  const options = fc.record({ targetChars: fc.integer({ min: 200, max: 2000 }), overlapChars: fc.integer({ min: 0, max: 150 }) });

  it('cuts any document into ordered, non-empty chunks of bounded number, 3000 inputs', async () => {
    await check(
      'chunker',
      fc.property(doc, options, (d, o) => {
        const chunks = chunkDocument(d, o);
        const chars = d.blocks.reduce((n, b) => n + b.text.length, 0);
        return (
          chunks.every((c, i) => c.position === i && c.text.trim().length > 0 && c.docId === 'fuzz/doc' && /^[0-9a-f]{64}$/.test(c.hash)) &&
          chunks.length <= d.blocks.length + Math.ceil(chars / 10) + 1
        );
      }),
      3000,
    );
  });

  it('splits any text into sentences without losing it, 5000 inputs', async () => {
    await check(
      'sentence splitter',
      fc.property(anyText(800), (text) => {
        const sentences = splitSentences(text);
        return sentences.join('').replace(/\s/g, '').length <= text.replace(/\s/g, '').length;
      }),
      5000,
    );
  });
});

describe('input guard', () => {
  it('gives a question or a reason for any message, 10000 inputs', async () => {
    await check(
      'input guard',
      fc.property(anyText(1500), fc.integer({ min: 50, max: 1000 }), (text, max) => {
        const result = checkInput(text, max);
        if (!result.ok) return REASONS.has(result.reason);
        return result.question.length > 0 && !isTooLong(text, max) && result.question === result.question.trim();
      }),
      10_000,
    );
  });
});
