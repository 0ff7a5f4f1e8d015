import { describe, expect, it } from 'vitest';
import { lexicalTerms, syllables } from '../src/engine/tokenize.js';

describe('syllables', () => {
  it('lower-cases, normalizes and splits on spaces and punctuation', () => {
    // "Hoà" with a decomposed tone mark and the old tone placement.
    expect(syllables('Thành phố Hoa\u0300 Bình, Đô thị!')).toEqual(['thành', 'phố', 'hòa', 'bình', 'đô', 'thị']);
  });

  it('keeps tokens holding digits whole', () => {
    expect(syllables('có 18/30 chỉ tiêu giai đoạn 2021-2025, tổ 11B, 1.000 người')).toEqual([
      'có',
      '18/30',
      'chỉ',
      'tiêu',
      'giai',
      'đoạn',
      '2021-2025',
      'tổ',
      '11b',
      '1.000',
      'người',
    ]);
  });

  it('splits a full stop that lost its space and hyphenated letters', () => {
    expect(syllables('năm 2025.Tính đến nay KT-XH')).toEqual(['năm', '2025', 'tính', 'đến', 'nay', 'kt', 'xh']);
  });
});

describe('lexicalTerms', () => {
  it('adds syllable bigrams in exact and folded form, position by position', () => {
    const { exact, folded } = lexicalTerms('nếp sống văn minh đô thị');
    expect(exact).toEqual(expect.arrayContaining(['nếp sống', 'văn minh', 'đô thị', 'đô', 'thị']));
    expect(folded).toEqual(expect.arrayContaining(['nep song', 'van minh', 'do thi']));
    expect(folded).toHaveLength(exact.length);
    expect(folded[exact.indexOf('đô thị')]).toBe('do thi');
  });

  it('leaves stopwords out alone and bigrams made only of stopwords', () => {
    const { exact } = lexicalTerms('Cầu đã được xây chưa?');
    expect(exact).not.toContain('đã');
    expect(exact).not.toContain('đã được');
    expect(exact).toContain('cầu');
    expect(exact).toContain('được xây');
  });

  it('does not join syllables across punctuation', () => {
    expect(lexicalTerms('Đội Kỳ. Đức Xuân').exact).not.toContain('kỳ đức');
  });

  it('splits the parts of number spans into terms of their own', () => {
    expect(lexicalTerms('giai đoạn 2021-2025').exact).toEqual(expect.arrayContaining(['2021-2025', '2021', '2025']));
  });

  it('expands abbreviations to their long form', () => {
    const { exact, folded } = lexicalTerms('UBND thành phố');
    expect(exact).toEqual(expect.arrayContaining(['ủy ban', 'nhân dân', 'ubnd']));
    expect(folded).toEqual(expect.arrayContaining(['uy ban', 'nhan dan']));
    expect(lexicalTerms('HĐND').exact).toContain('hội đồng');
    expect(lexicalTerms('Nghị quyết của BCH').exact).toContain('chấp hành');
    expect(lexicalTerms('KT-XH').exact).toContain('kinh tế');
  });

  it('adds the abbreviation for a long form, accented or not', () => {
    expect(lexicalTerms('Ủy ban nhân dân tỉnh').exact).toContain('ubnd');
    expect(lexicalTerms('uy ban nhan dan tinh').folded).toContain('ubnd');
    expect(lexicalTerms('cải cách hành chính').exact).toContain('cchc');
    expect(lexicalTerms('thành phố Bắc Kạn').exact).toContain('tp');
    expect(lexicalTerms('hdnd').exact).toContain('hội đồng');
  });

  it('expands case-sensitive abbreviations only when typed in capitals', () => {
    expect(lexicalTerms('Ban Thường vụ TU').exact).toContain('thành ủy');
    expect(lexicalTerms('đi tu ở chùa').exact).not.toContain('thành ủy');
  });
});
