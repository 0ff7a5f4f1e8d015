import { describe, expect, it } from 'vitest';
import { citationLine } from '../src/core/format.js';
import { toCitation, validateCitations } from '../src/engine/answer/citations.js';
import type { Chunk } from '../src/engine/types.js';
import { botTexts } from '../src/texts/bot.js';

const chunk = (id: string, extra: Partial<Chunk> = {}): Chunk => ({
  id,
  docId: id.split('#')[0],
  title: `Tài liệu ${id}`,
  kind: 'resolution',
  section: [],
  position: 0,
  text: `Nội dung ${id}.`,
  hash: id,
  ...extra,
});

const passages = [chunk('a#0'), chunk('b#0'), chunk('c#0')];

describe('validateCitations', () => {
  it('keeps valid markers and lists exactly the cited passages', () => {
    const r = validateCitations('Một [1]. Hai [3].', passages);
    expect(r.text).toBe('Một [1]. Hai [2].');
    expect(r.citations.map((c) => c.chunkId)).toEqual(['a#0', 'c#0']);
  });

  it('drops numbers outside the given passages and tidies the space they leave', () => {
    expect(validateCitations('Một [4]. Hai [0] và ba [12] .', passages)).toEqual({ text: 'Một. Hai và ba.', citations: [] });
  });

  it('splits grouped markers, removes duplicates and cites each passage once', () => {
    const r = validateCitations('Một [2, 2; 1]. Hai [2][5]. Ba [ 1 ].', passages);
    expect(r.text).toBe('Một [1][2]. Hai [1]. Ba [2].');
    expect(r.citations.map((c) => [c.n, c.chunkId])).toEqual([
      [1, 'b#0'],
      [2, 'a#0'],
    ]);
  });

  it('leaves bracketed text that is not a citation alone', () => {
    expect(validateCitations('Điều [a] và [Khoản 2] [1].', passages).text).toBe('Điều [a] và [Khoản 2] [1].');
  });
});

describe('toCitation and its label', () => {
  it('carries the passage’s source fields and a display section', () => {
    const c = toCitation(
      2,
      chunk('nq-07#3', {
        number: '07-NQ/TU',
        section: ['Chương II', 'Điều 5'],
        page: 3,
        sourceUrl: 'https://x.example/nq07',
        issued: '2021-03-05',
      }),
    );
    expect(c).toEqual({
      n: 2,
      chunkId: 'nq-07#3',
      docId: 'nq-07',
      title: 'Tài liệu nq-07#3',
      number: '07-NQ/TU',
      section: 'Chương II › Điều 5',
      page: 3,
      sourceUrl: 'https://x.example/nq07',
      issued: '2021-03-05',
      quote: 'Nội dung nq-07#3.',
    });
    expect(citationLine(c)).toBe('[2] Tài liệu nq-07#3, số 07-NQ/TU, 05/03/2021, Chương II › Điều 5, trang 3 — https://x.example/nq07');
  });

  it('omits what the passage does not have, and says when it has no date', () => {
    const c = toCitation(1, chunk('tin#0'));
    expect(c.section).toBeUndefined();
    expect(citationLine(c)).toBe(`[1] Tài liệu tin#0, ${botTexts.citationUndated}`);
  });

  it('names the issuer or the author, and the provenance in words when there is no address', () => {
    const issued = toCitation(1, chunk('qc#0', { issuer: 'UBND phường An Bình', issued: '2025-03-10', number: '15/2025/QĐ-UBND' }));
    expect(citationLine(issued)).toBe('[1] Tài liệu qc#0, số 15/2025/QĐ-UBND, của UBND phường An Bình, 10/03/2025');
    const article = toCitation(2, chunk('tin#1', { author: 'Minh Cường', source: 'Bài viết của tác giả Minh Cường, nguồn chưa rõ' }));
    expect(citationLine(article)).toBe(
      `[2] Tài liệu tin#1, tác giả Minh Cường, ${botTexts.citationUndated} — nguồn: Bài viết của tác giả Minh Cường, nguồn chưa rõ`,
    );
  });
});
