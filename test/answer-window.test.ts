// The part of a long sentence a reply quotes: the question's words with what the question asks
// for, within a length budget, cut at clause boundaries where it can be.
import { describe, expect, it } from 'vitest';
import { questionShape } from '../src/engine/answer/question-type.js';
import { queryTerms } from '../src/engine/answer/terms.js';
import { answerCandidates, answerWindow } from '../src/engine/answer/window.js';

const LONG =
  'Sau nhiều năm chuẩn bị, với sự đóng góp của các hộ dân trong tổ 3, tổ 4 và tổ 5, cùng nguồn vốn của thành phố và của phường, ' +
  'con đường liên tổ dài 800 mét được khởi công vào tháng 3 năm 2024, trong khi nhà văn hóa tổ 5 vẫn đang chờ giải phóng mặt bằng và chưa có kinh phí.';

const cut = (question: string, budget: number) =>
  answerWindow(LONG, {
    terms: queryTerms(question, 1),
    candidates: answerCandidates(questionShape(question), question),
    budget,
    candidateWeight: 0.5,
  });

describe('answer window', () => {
  it('returns a sentence that fits the budget as it is', () => {
    expect(answerWindow('Cầu Suối Mới đã hoàn thành.', { terms: queryTerms('cầu xong chưa', 1), budget: 100 })).toBe(
      'Cầu Suối Mới đã hoàn thành.',
    );
  });

  it("keeps the question's words and the value asked for, and marks the cuts", () => {
    const quote = cut('con đường liên tổ khởi công khi nào', 120);
    expect(quote.length).toBeLessThanOrEqual(120 + 4);
    expect(quote).toContain('khởi công vào tháng 3 năm 2024');
    expect(quote.startsWith('… ')).toBe(true);
    expect(LONG).toContain(quote.replace(/^… /u, '').replace(/…$/u, ''));
  });

  it('follows the question to another clause of the same sentence', () => {
    const quote = cut('nhà văn hóa tổ 5 đang thế nào', 110);
    expect(quote).toContain('nhà văn hóa tổ 5 vẫn đang chờ giải phóng mặt bằng');
    expect(quote).not.toContain('Sau nhiều năm');
  });

  it('finds values the question does not already hold', () => {
    const find = answerCandidates(questionShape('con đường dài bao nhiêu mét'), 'con đường dài bao nhiêu mét');
    const spans = find(LONG).map(([a, b]) => LONG.slice(a, b));
    expect(spans).toContain('800 mét');
    const again = answerCandidates(questionShape('đường 800 mét khởi công năm nào'), 'đường 800 mét khởi công năm nào');
    expect(again(LONG).map(([a, b]) => LONG.slice(a, b))).toContain('2024');
    expect(again(LONG).map(([a, b]) => LONG.slice(a, b))).not.toContain('800 mét');
  });
});
