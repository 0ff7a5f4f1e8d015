import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../src/engine/lexical-index.js';
import { fold } from '../src/engine/normalize.js';

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

describe('LexicalIndex pruned search', () => {
  // Words in most passages, and words in few: pruning starts when a question holds both.
  const COMMON = ['nghị', 'quyết', 'thành', 'phố', 'quy', 'định', 'đô', 'thị'];
  const RARE = [
    'cầu',
    'đường',
    'phạt',
    'rác',
    'hồ',
    'chợ',
    'điện',
    'nước',
    'xe',
    'buýt',
    'treo',
    'suối',
    'karaoke',
    'tiếng',
    'ồn',
    'vỉa',
    'hè',
  ];

  /** A corpus of `size` passages drawn from `seed` (mulberry32), so that fast-check shrinks numbers, not texts. */
  function corpus(seed: number, size: number): string[] {
    let a = seed >>> 0;
    const random = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return Array.from({ length: size }, () => {
      const words = COMMON.filter(() => random() < 0.85);
      for (let r = Math.floor(random() * 4); r > 0; r--)
        words.splice(Math.floor(random() * (words.length + 1)), 0, RARE[Math.floor(random() ** 2 * RARE.length)]);
      return words.join(' ');
    });
  }
  const question = fc
    .array(fc.constantFrom(...COMMON, ...RARE, 'không', 'có'), { minLength: 1, maxLength: 8 })
    .chain((words) => fc.constantFrom(words.join(' '), fold(words.join(' '))));

  it('returns the same top k, scores and coverage as scoring every posting', () => {
    let searches = 0;
    let pruned = 0;
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 1500 }),
        fc.array(question, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 60 }),
        (seed, size, questions, k) => {
          const index = LexicalIndex.build(corpus(seed, size));
          for (const q of questions) {
            const hits = index.search(q, k);
            const read = index.lastWork.scanned;
            const exhaustive = index.search(q, k, { exhaustive: true });
            searches++;
            if (read < index.lastWork.scanned) pruned++;
            expect(hits.map((h) => h.doc)).toEqual(exhaustive.map((h) => h.doc));
            hits.forEach((h, i) => {
              expect(h.score).toBe(exhaustive[i].score);
              expect(h.coverage).toBe(exhaustive[i].coverage);
            });
          }
        },
      ),
      { numRuns: 60 },
    );
    // The comparison means something only if many searches did skip postings.
    expect(pruned).toBeGreaterThan(searches / 10);
  });

  it('does not read the whole list of a term every passage holds once a rare term decides', () => {
    const texts = Array.from({ length: 2000 }, (_, i) => `quy định chung số ${i} về đô thị${i % 500 === 7 ? ' cầu treo Nặm Cắt' : ''}`);
    const index = LexicalIndex.build(texts);
    const hits = index.search('quy định về cầu treo Nặm Cắt', 3);
    const work = { ...index.lastWork };
    // "quy", "định", "quy định" (exact and folded) are in all 2,000 passages: 12,000 postings read whole.
    expect(work.scanned).toBeLessThan(100);
    expect(work.probed).toBeGreaterThan(0);
    expect(hits.map((h) => h.doc)).toEqual([7, 507, 1007]);
    expect(hits).toEqual(index.search('quy định về cầu treo Nặm Cắt', 3, { exhaustive: true }));
    expect(index.lastWork.scanned).toBeGreaterThan(12_000);
  });

  it('reads every list when the question holds only common terms, and still ranks right', () => {
    const texts = ['đô thị văn minh', 'đô thị đô thị văn minh', 'văn minh'];
    const index = LexicalIndex.build(texts);
    expect(index.search('đô thị', 1)[0].doc).toBe(1);
    expect(index.search('đô thị', 5).map((h) => h.doc)).toEqual([1, 0]);
  });
});
