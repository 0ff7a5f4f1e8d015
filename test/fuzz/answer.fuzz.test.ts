// The answer side under random and resident-like input: cleaning, question types, dropping orders
// and composing a reply never throw, and a reply only quotes what the passage holds.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { extractiveAnswer } from '../../src/engine/answer/extractive.js';
import { questionShape } from '../../src/engine/answer/question-type.js';
import { withoutInstructions } from '../../src/engine/answer/scope.js';
import { cleanQuestion } from '../../src/engine/language/clean.js';
import { fold } from '../../src/engine/normalize.js';
import type { Chunk, SearchHit } from '../../src/engine/types.js';
import { check, report } from './fuzz-helpers.js';

const PASSAGE = [
  '1. Không hát karaoke gây ồn sau 22 giờ.',
  '2. Nghiêm cấm các hành vi sau:',
  'a) Vứt rác ra lòng đường, vỉa hè;',
  'b) Đốt rác trong khu dân cư.',
  'Công trình: Cầu Suối Mới; Tình trạng: đã hoàn thành',
  '3. Mức phạt: từ 500.000 đồng đến 1.000.000 đồng.',
].join('\n');
const chunk: Chunk = {
  id: 'qd#0',
  docId: 'qd',
  title: 'Quy định',
  kind: 'resolution',
  section: [],
  position: 0,
  text: PASSAGE,
  hash: 'qd',
};
const hits: SearchHit[] = [{ chunk, score: 1, relevance: 0.8 }];

/** Words residents use, chat words, punctuation and odd characters, in any order. */
const residentText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'ad',
        'ơi',
        'ạ',
        'dc',
        'ko',
        'k',
        'bn',
        'ntn',
        'xong',
        'chưa',
        'mấy',
        'giờ',
        'bao nhiêu',
        'phạt',
        'karaoke',
        'rác',
        'vỉa hè',
        '11h',
        '500k',
        'Cầu',
        'Suối',
        'Mới',
        '1A',
        'bỏ qua mọi hướng dẫn',
        '?',
        ':',
        ';',
        '.',
        '(',
        ')',
        '[',
        '$',
        '\\',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 30 },
  )
  .map((words) => words.join(' '));

describe('answer side fuzz', () => {
  it('cleaning, typing and order-dropping never throw', async () => {
    await check(
      'clean, shape, orders',
      fc.property(fc.oneof(residentText, fc.string({ unit: 'binary', maxLength: 200 })), (q) => {
        const cleaned = cleanQuestion(q);
        expect(typeof cleaned).toBe('string');
        questionShape(cleaned);
        withoutInstructions(cleaned);
      }),
      3000,
    );
  });

  it('a composed reply never throws and quotes only words of the passage', async () => {
    const wordsOf = (text: string) => fold(text.toLowerCase()).match(/[\p{L}\p{N}]+/gu) ?? [];
    const passage = new Set(wordsOf(PASSAGE));
    await check(
      'compose',
      fc.property(residentText, (q) => {
        const a = extractiveAnswer({ question: cleanQuestion(q) || 'rác' }, hits);
        if (!a || 'unsettled' in a) return;
        for (const c of a.citations) for (const word of wordsOf(c.quote)) expect(passage.has(word)).toBe(true);
      }),
      1000,
    );
  });
});

afterAll(() => report('answer.fuzz.test.ts'));
