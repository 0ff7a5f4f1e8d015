// The one set of times staff may type, everywhere (chat flows, staff API, CLI): Vietnam time.
import { describe, expect, it } from 'vitest';
import { validateDraft } from '../src/broadcast/validate.js';
import { loadConfig } from '../src/config.js';
import { formatCityTime, parseCityDateEnd, parseCityTime, parseInstant } from '../src/domain/index.js';
import { writeCityFile } from './helpers/city.js';

const at = (iso: string) => new Date(iso).getTime();

describe('city time', () => {
  it('reads dd/mm/yyyy hh:mm, YYYY-MM-DD HH:mm and the time first, in Vietnam time', () => {
    for (const text of [
      '01/12/2026 07:00',
      '1/12/2026 7:00',
      '2026-12-01 07:00',
      '07:00 01/12/2026',
      '01/12/2026 7h00',
      '01-12-2026 07:00',
    ])
      expect(parseCityTime(text)?.toISOString(), text).toBe('2026-12-01T00:00:00.000Z');
    expect(formatCityTime(at('2026-12-01T00:00:00Z'))).toBe('01/12/2026 07:00');
  });

  it('reads dd/mm hh:mm as the next time that day comes', () => {
    const now = at('2026-11-20T03:00:00Z');
    expect(parseCityTime('01/12 07:00', now)?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    // 1 March has passed by 20 November: next year's.
    expect(parseCityTime('01/03 07:00', now)?.toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('refuses what is not a real date and time', () => {
    for (const text of ['31/02/2026 07:00', '2026-13-01 07:00', '01/12/2026 25:00', 'mai 7 giờ', '', '7h sáng'])
      expect(parseCityTime(text), text).toBeUndefined();
  });

  it('takes an expiry date as the end of that day, and an ISO instant only with its offset', () => {
    expect(parseCityDateEnd('31/12/2026')?.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(parseCityDateEnd('2026-12-31')?.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(parseInstant('2026-12-01T07:00:00+07:00')?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(parseInstant('2026-12-01T07:00:00')).toBeUndefined();
    expect(parseInstant('31/12/2026', { endOfDay: true })?.toISOString()).toBe('2026-12-31T17:00:00.000Z');
  });
});

describe('wards by their former names', () => {
  it('an announcement for a ward typed by its former name goes to the ward as it is named today', () => {
    const config = loadConfig({
      CITY_FILE: writeCityFile({ wards: [{ name: 'Bắc Kạn', former_names: ['Sông Cầu', 'Phùng Chí Kiên'] }, 'Đức Xuân'] }),
    });
    const { draft, problems } = validateDraft(
      { title: 'T', body: 'B', wards: ['song cau', 'Đức Xuân'] },
      { config, limits: () => ({ text: 4096, caption: 1024 }), defaultChannels: ['telegram'] },
    );
    expect(problems).toEqual([]);
    expect(draft.wards).toEqual(['Bắc Kạn', 'Đức Xuân']);
  });
});
