// Resident language as data: every filler, chat abbreviation and synonym group in the shipped
// data file does what it says, and a city's own entries extend it.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanQuestion } from '../src/engine/language/clean.js';
import { extendLanguage, languageVersion, resetLanguage, residentLanguage } from '../src/engine/language/data.js';
import { canonicalSpelling, lexicalTerms, questionTerms } from '../src/engine/tokenize.js';

afterEach(() => resetLanguage());

const BASE = 'cầu mới đã xong chưa';

describe('fillers', () => {
  it.each(residentLanguage().fillers.anywhere)('drops "%s" anywhere', (filler) => {
    expect(cleanQuestion(`${filler} ${BASE} ${filler}`)).toBe(BASE);
  });
  it.each(residentLanguage().fillers.end)('drops "%s" at the end', (filler) => {
    expect(cleanQuestion(`${BASE} ${filler}`)).toBe(BASE);
  });
  it.each(residentLanguage().fillers.start)('drops "%s" at the start', (filler) => {
    expect(cleanQuestion(`${filler} ${BASE}`)).toBe(BASE);
  });
  it('keeps the question mark and a question made only of fillers', () => {
    expect(cleanQuestion('cầu mới đã xong chưa vậy ạ?')).toBe('cầu mới đã xong chưa?');
    expect(cleanQuestion('ad ơi')).toBe('ad ơi');
  });
});

describe('chat abbreviations', () => {
  for (const entry of residentLanguage().chat) {
    for (const short of entry.short) {
      it(`"${short}" → "${entry.long}"`, () => {
        const cleaned = cleanQuestion(`xe ${short} đỗ ở đây`);
        if (entry.bareOnly)
          expect(cleanQuestion(`xe ${short} do o day`)).toContain(
            entry.long ? entry.long.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd') : 'xe do',
          );
        else expect(cleaned.replace(/\s+/g, ' ')).toBe(`xe ${entry.long} đỗ ở đây`.replace(/\s+/g, ' '));
      });
    }
  }
  it('stays without marks in a question typed without them', () => {
    expect(cleanQuestion('do o to truoc nha dc k')).toBe('do o to truoc nha duoc khong');
  });
  it('writes clock times and amounts as documents do', () => {
    expect(cleanQuestion('11h đêm còn hát được không')).toBe('23 giờ đêm còn hát được không');
    expect(cleanQuestion('phạt 500k hay 2tr')).toBe('phạt 500.000 hay 2.000.000');
    expect(cleanQuestion('mo cua 7h30 sang')).toBe('mo cua 7 gio 30 sang');
  });
});

describe('synonyms', () => {
  for (const group of residentLanguage().synonyms) {
    it(`every wording of "${group[0]}" finds the others`, () => {
      const concept = (text: string) => new Set(lexicalTerms(text).exact.filter((t) => t.startsWith('≈')));
      const [expected, ...more] = concept(group[0]);
      expect(more).toEqual([]);
      for (const wording of group) expect(concept(`chuyện ${wording} này`)).toContain(expected);
    });
  }
  it('in a question, a wording counts as its concept only', () => {
    const q = questionTerms('cầu đã xong chưa').exact;
    expect(q.some((t) => t.startsWith('≈'))).toBe(true);
    expect(q).not.toContain('xong');
  });
  it('matches marked words exactly: "đỗ" is not "đó"', () => {
    expect(lexicalTerms('xe đó').exact.some((t) => t.startsWith('≈'))).toBe(false);
    expect(lexicalTerms('xe đỗ').exact.some((t) => t.startsWith('≈'))).toBe(true);
  });
});

describe('names and spelling', () => {
  it.each(residentLanguage().names)('$short ↔ $long', ({ short, long }) => {
    const folded = lexicalTerms(`đường ${short}`).folded;
    for (const t of lexicalTerms(long).folded.filter((x) => !x.includes(' '))) expect(folded).toContain(t);
  });
  it('one spelling for i and y after a consonant', () => {
    expect(canonicalSpelling('kì')).toBe('kỳ');
    expect(canonicalSpelling('lí')).toBe('lý');
    expect(canonicalSpelling('gì')).toBe('gì');
    expect(canonicalSpelling('quý')).toBe('quý');
    expect(lexicalTerms('cầu Đội Kì').folded).toEqual(lexicalTerms('cầu Đội Kỳ').folded);
  });
});

describe('a city extends it', () => {
  it('adds its own words, and the index version changes with its synonyms', () => {
    const before = languageVersion();
    extendLanguage({ synonyms: [['nhà văn hóa', 'nhà sinh hoạt cộng đồng']], chat: [{ short: ['nvh'], long: 'nhà văn hóa' }] });
    expect(languageVersion()).not.toBe(before);
    expect(cleanQuestion('nvh mở cửa không')).toBe('nhà văn hóa mở cửa không');
    const concept = (t: string) => lexicalTerms(t).exact.filter((x) => x.startsWith('≈'));
    expect(concept('nhà sinh hoạt cộng đồng')).toEqual(concept('nhà văn hóa'));
    expect(concept('nhà văn hóa')).toHaveLength(1);
  });
});
