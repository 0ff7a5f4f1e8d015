import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../src/engine/lexical-index.js';

const passages = [
  'Nghị quyết số 07 về xây dựng nếp sống văn hóa, văn minh đô thị trên địa bàn thành phố.',
  'Nghị quyết số 04 về tiếp tục đẩy mạnh cải cách hành chính giai đoạn 2021-2025.',
  'Công trình cầu Đội Kỳ và đường vào hồ Nặm Cắt đang triển khai.',
  'Dự án xây dựng sân vận động tỉnh và các hạng mục phụ trợ.',
  'Thành phố có 18/30 chỉ tiêu Nghị quyết đạt và vượt kế hoạch.',
];

describe('LexicalIndex', () => {
  const index = LexicalIndex.build(passages);

  it('ranks the passage sharing the rare terms first (BM25)', () => {
    expect(index.search('cải cách hành chính', 3)[0].doc).toBe(1);
    expect(index.search('sân vận động', 3)[0].doc).toBe(3);
    expect(index.search('18/30 chỉ tiêu', 3)[0].doc).toBe(4);
  });

  it('returns hits best first with at most k entries', () => {
    const hits = index.search('nghị quyết đô thị', 2);
    expect(hits).toHaveLength(2);
    expect(hits[0].score).toBeGreaterThanOrEqual(hits[1].score);
    expect(hits[0].doc).toBe(0);
  });

  it('finds the accented passage from a question typed without diacritics', () => {
    expect(index.search('nep song van minh do thi', 3)[0].doc).toBe(0);
    expect(index.search('duong vao ho Nam Cat', 3)[0].doc).toBe(2);
  });

  it('ranks an exactly accented match above a match only after folding', () => {
    const pair = LexicalIndex.build(['Bàn giá đất cho dân', 'Bán giá đắt cho dân', 'Một đoạn khác hẳn']);
    expect(pair.search('bàn giá đất', 2).map((h) => h.doc)).toEqual([0, 1]);
    expect(pair.search('bán giá đắt', 2).map((h) => h.doc)).toEqual([1, 0]);
    // Without diacritics the two are the same words.
    const bare = pair.search('ban gia dat', 2);
    expect(bare[0].score).toBeCloseTo(bare[1].score, 6);
  });

  it('finds the long form from an abbreviation and back', () => {
    const idx = LexicalIndex.build(['UBND thành phố ban hành kế hoạch', 'Hội nông dân tổ chức tập huấn']);
    expect(idx.search('ủy ban nhân dân', 1)[0].doc).toBe(0);
    const idx2 = LexicalIndex.build(['Ủy ban nhân dân thành phố ban hành kế hoạch', 'Hội nông dân tổ chức tập huấn']);
    expect(idx2.search('UBND', 1)[0].doc).toBe(0);
  });

  it('gives a high coverage to a matching question and a low one to an unrelated question', () => {
    const related = index.search('Nghị quyết số 04 về cải cách hành chính', 1)[0];
    const unrelated = index.search('Giá vé xe buýt ở Hà Nội là bao nhiêu?', 1)[0];
    expect(related.coverage).toBeGreaterThan(0.6);
    expect(unrelated?.coverage ?? 0).toBeLessThan(0.2);
    for (const h of index.search('thành phố nghị quyết', 5)) {
      expect(h.coverage).toBeGreaterThanOrEqual(0);
      expect(h.coverage).toBeLessThanOrEqual(1);
    }
  });

  it('searches the same from its serialized data', () => {
    const copy = LexicalIndex.fromData(index.data);
    expect(copy.search('đường vào hồ', 5)).toEqual(index.search('đường vào hồ', 5));
  });

  it('answers nothing for an empty index or an empty query', () => {
    expect(LexicalIndex.build([]).search('đô thị', 5)).toEqual([]);
    expect(index.search('   ', 5)).toEqual([]);
  });
});
