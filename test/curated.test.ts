// Curated-answer matching (pure): the same question in any spelling matches; a question that
// only shares a few words with it does not; the most similar variant wins; replies are marked.
import { describe, expect, it } from 'vitest';
import { CuratedMatcher, curatedReply, groupSimilar, questionTerms, termSimilarity } from '../src/engine/curated.js';

const bridge = {
  id: 1,
  version: 2,
  answer: 'Cầu Đội Kỳ đã hoàn thành và thông xe.',
  variants: ['Cầu Đội Kỳ đã xong chưa?', 'Khi nào cầu Đội Kỳ thông xe?'],
  sources: [{ docId: 'bac-kan', title: 'Bắc Kạn xây dựng đô thị văn minh' }],
};
const fees = {
  id: 2,
  version: 1,
  answer: 'Lệ phí cấp căn cước là 30.000 đồng.',
  variants: ['Làm căn cước mất bao nhiêu tiền?'],
  sources: [],
};

describe('curated answers', () => {
  const matcher = new CuratedMatcher([bridge, fees]);

  it('matches the same question with or without diacritics, in other case and spacing', () => {
    for (const q of ['Cầu Đội Kỳ đã xong chưa?', 'cau doi ky da xong chua', 'CẦU  ĐỘI KỲ đã xong chưa', 'cầu đội kỳ đã xong chưa ?'])
      expect(matcher.match(q)?.entry.id, q).toBe(1);
    expect(matcher.match('lam can cuoc mat bao nhieu tien')?.entry.id).toBe(2);
  });

  it('does not capture questions that share only some words', () => {
    for (const q of ['Sân vận động đã xong chưa?', 'Cầu Đội Kỳ dài bao nhiêu mét?', 'Làm hộ chiếu ở đâu?', 'xong chưa', 'cầu', ''])
      expect(matcher.match(q), q).toBeUndefined();
  });

  it('compares term sets symmetrically, 1 for the same text and 0 for nothing shared', () => {
    const a = questionTerms('Cầu Đội Kỳ đã xong chưa?');
    expect(termSimilarity(a, questionTerms('cau doi ky da xong chua'))).toBe(1);
    expect(termSimilarity(a, questionTerms('thời tiết hôm nay'))).toBe(0);
    const b = questionTerms('Sân vận động đã xong chưa?');
    expect(termSimilarity(a, b)).toBe(termSimilarity(b, a));
  });

  it('marks the reply as the staff’s and cites the chosen documents', () => {
    const match = matcher.match('cau doi ky da xong chua')!;
    const reply = curatedReply(match, 'cau doi ky da xong chua', 'Do cán bộ soạn:', performance.now());
    expect(reply.text).toBe('Do cán bộ soạn:\nCầu Đội Kỳ đã hoàn thành và thông xe.');
    expect(reply.status).toBe('answered');
    expect(reply.curated).toEqual({ id: 1, version: 2 });
    expect(reply.citations).toEqual([expect.objectContaining({ n: 1, docId: 'bac-kan', title: 'Bắc Kạn xây dựng đô thị văn minh' })]);
  });

  it('groups questions of the same meaning, largest group first', () => {
    const groups = groupSimilar(
      ['Làm hộ chiếu ở đâu?', 'Cầu Đội Kỳ xong chưa', 'cau doi ky xong chua', 'Cầu Đội Kỳ xong chưa?'].map((question) => ({ question })),
    );
    expect(groups.map((g) => g.length)).toEqual([3, 1]);
    expect(groups[1][0].question).toBe('Làm hộ chiếu ở đâu?');
  });
});
