import { describe, expect, it } from 'vitest';
import { formatAnswerPlain, formatSources, splitMessage } from '../src/core/format.js';
import { splitTitleBody } from '../src/domain/index.js';
import type { Answer } from '../src/engine/types.js';
import { botTexts } from '../src/texts/bot.js';

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
        {
          n: 1,
          chunkId: 'a#0',
          docId: 'a',
          title: 'Bài viết',
          number: '07/NQ',
          section: 'Chương II › Điều 5',
          page: 3,
          sourceUrl: 'https://x.vn/a',
          issued: '2023-05-02',
          quote: '...',
        },
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

describe('formatSources', () => {
  it('lists the documents with number and date, or says there are none', () => {
    const docs = [
      { id: 'a', title: 'Nghị quyết Đại hội', kind: 'resolution' as const, number: '04-NQ/TU', issued: '2020-10-15', chunks: 3 },
      { id: 'b', title: 'Bài viết', kind: 'news' as const, chunks: 1 },
    ];
    expect(formatSources(docs)).toBe(
      `${botTexts.sourcesHeader(2)}\n1. Nghị quyết Đại hội (số 04-NQ/TU), ngày 15/10/2020\n2. Bài viết, chưa rõ ngày ban hành`,
    );
    expect(formatSources([])).toBe(botTexts.sourcesHeader(0));
  });
});

describe('splitTitleBody', () => {
  it('takes the first line as the title and the rest as the body', () => {
    expect(splitTitleBody('  Cắt điện \r\nThứ Bảy cắt điện.\n\nTổ 1, tổ 2. ')).toEqual({
      title: 'Cắt điện',
      body: 'Thứ Bảy cắt điện.\n\nTổ 1, tổ 2.',
    });
    expect(splitTitleBody('# Họp dân\nTối thứ Sáu.')).toEqual({ title: 'Họp dân', body: 'Tối thứ Sáu.' });
    expect(splitTitleBody('Chỉ tiêu đề')).toEqual({ title: 'Chỉ tiêu đề', body: '' });
    expect(splitTitleBody('')).toEqual({ title: '', body: '' });
  });
});
