import { describe, expect, it } from 'vitest';
import { formatAnswerPlain, splitMessage } from '../src/bot/format.js';
import type { Answer } from '../src/engine/types.js';

describe('splitMessage', () => {
  it('keeps short text whole', () => {
    expect(splitMessage('  Xin chào  ', 100)).toEqual(['Xin chào']);
  });

  it('splits 6,000 characters of paragraphs at paragraph boundaries under the limit', () => {
    const para = (i: number) => (`Đoạn ${i}. ` + 'Nội dung văn bản nghị quyết. '.repeat(20)).trim();
    const text = Array.from({ length: 10 }, (_, i) => para(i)).join('\n\n');
    expect(text.length).toBeGreaterThan(5000);
    const parts = splitMessage(text, 4096);
    expect(parts.length).toBe(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    // every part starts at a paragraph start, and nothing is lost
    for (const p of parts) expect(p).toMatch(/^Đoạn \d+\./);
    expect(parts.join('\n\n')).toBe(text);
  });

  it('falls back to sentences, then spaces, then a hard cut', () => {
    const sentences = 'Câu một dài dòng. '.repeat(30).trim();
    for (const p of splitMessage(sentences, 100)) {
      expect(p.length).toBeLessThanOrEqual(100);
      expect(p.endsWith('.')).toBe(true);
    }
    const word = 'x'.repeat(250);
    expect(splitMessage(word, 100)).toEqual(['x'.repeat(100), 'x'.repeat(100), 'x'.repeat(50)]);
  });
});

describe('formatAnswerPlain', () => {
  it('lists numbered sources under the answer', () => {
    const answer: Answer = {
      text: 'Cầu Đội Kỳ đã được xây dựng và hoàn thiện [1].',
      citations: [
        { n: 1, chunkId: 'a#0', docId: 'a', title: 'Bài viết', number: '07/NQ', section: 'Chương II › Điều 5', page: 3, sourceUrl: 'https://x.vn/a', issued: '2023-05-02', quote: '...' },
      ],
      status: 'answered',
      confidence: 0.8,
      mode: 'offline',
      llmFallback: false,
      searchedQuestion: 'q',
      timings: { retrievalMs: 1, generationMs: 1, totalMs: 2 },
    };
    expect(formatAnswerPlain(answer)).toBe(
      'Cầu Đội Kỳ đã được xây dựng và hoàn thiện [1].\n\nNguồn:\n[1] Bài viết, số 07/NQ, 02/05/2023, Chương II › Điều 5, trang 3 — https://x.vn/a',
    );
    expect(formatAnswerPlain({ ...answer, citations: [] })).toBe(answer.text);
  });
});
