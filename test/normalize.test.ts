import { describe, expect, it } from 'vitest';
import { fold, hasDiacritics, normalizeText, normalizeVietnamese } from '../src/engine/normalize.js';

describe('normalizeVietnamese', () => {
  it('puts the tone of open oa/oe/uy syllables on the first vowel, whichever style was typed', () => {
    expect(normalizeVietnamese('hoà')).toBe('hòa');
    expect(normalizeVietnamese('hòa')).toBe('hòa');
    expect(normalizeVietnamese('thuỷ lợi')).toBe('thủy lợi');
    expect(normalizeVietnamese('khoẻ mạnh')).toBe('khỏe mạnh');
    expect(normalizeVietnamese('Cộng hoà xã hội')).toBe('Cộng hòa xã hội');
    expect(normalizeVietnamese('HOÀ BÌNH')).toBe('HÒA BÌNH');
  });

  it('leaves "qu" syllables and closed syllables alone', () => {
    expect(normalizeVietnamese('quý')).toBe('quý');
    expect(normalizeVietnamese('Quỳnh')).toBe('Quỳnh');
    expect(normalizeVietnamese('hoàng')).toBe('hoàng');
    expect(normalizeVietnamese('huỳnh')).toBe('huỳnh');
  });

  it('turns decomposed (NFD) text into the same string as composed (NFC) text', () => {
    const nfd = 'Nghị quyết phát triển đô thị'.normalize('NFD');
    expect(nfd).not.toBe('Nghị quyết phát triển đô thị');
    expect(normalizeVietnamese(nfd)).toBe('Nghị quyết phát triển đô thị');
    expect(normalizeVietnamese('hoà'.normalize('NFD'))).toBe('hòa');
  });

  it('removes invisible characters', () => {
    expect(normalizeVietnamese('đô\u200Bthị\uFEFF')).toBe('đôthị');
    expect(normalizeVietnamese('cải\u00ADcách')).toBe('cảicách');
  });
});

describe('normalizeText', () => {
  it('cleans line endings, odd spaces and blank-line runs but keeps line structure', () => {
    expect(normalizeText('  Điều 1.\u00A0Phạm vi\r\n\r\n\r\n\r\nNội dung   chính \t ')).toBe('Điều 1. Phạm vi\n\nNội dung chính');
  });

  it('joins a word hyphenated across a line break', () => {
    expect(normalizeText('cải cách hành chí-\nnh')).toBe('cải cách hành chính');
    // A dash before a capitalised line is a real dash, not hyphenation.
    expect(normalizeText('Bắc Kạn -\nThái Nguyên')).toBe('Bắc Kạn -\nThái Nguyên');
  });
});

describe('fold', () => {
  it('removes tones and vowel marks, folds đ and lower-cases', () => {
    expect(fold('Đô thị')).toBe('do thi');
    expect(fold('ĐƯỜNG Phùng Chí Kiên')).toBe('duong phung chi kien');
    expect(fold('hoà')).toBe(fold('hòa'));
    expect(fold('thủy')).toBe('thuy');
  });
});

describe('hasDiacritics', () => {
  it('tells accented text from text typed on a bare keyboard', () => {
    expect(hasDiacritics('dự án')).toBe(true);
    expect(hasDiacritics('đi')).toBe(true);
    expect(hasDiacritics('du an')).toBe(false);
  });
});
