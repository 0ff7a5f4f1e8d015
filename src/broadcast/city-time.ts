// Staff write times in the city's local time. Viet Nam has kept UTC+7 without daylight saving
// since 1975, so a fixed offset is exact and needs no time-zone database.
export const CITY_TIMEZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 3600_000;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2}))?$/;

function parts(text: string): { y: number; mo: number; d: number; h?: number; mi?: number } | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = m[4] === undefined ? undefined : Number(m[4]);
  const mi = m[5] === undefined ? undefined : Number(m[5]);
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || (h ?? 0) > 23 || (mi ?? 0) > 59) return undefined;
  return { y, mo, d, h, mi };
}

/** "2026-12-01 07:00" (or a bare date, meaning 00:00) in city time → the instant. */
export function parseCityTime(text: string): Date | undefined {
  const p = parts(text);
  return p && new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h ?? 0, p.mi ?? 0) - OFFSET_MS);
}

/** "2026-12-31" → the first instant after that day ends in the city (an expiry "until" the date). */
export function parseCityDateEnd(text: string): Date | undefined {
  const p = parts(text);
  if (!p || p.h !== undefined) return undefined;
  return new Date(Date.UTC(p.y, p.mo - 1, p.d + 1) - OFFSET_MS);
}

const shifted = (at: Date | number) => new Date(new Date(at).getTime() + OFFSET_MS);
const two = (n: number) => String(n).padStart(2, '0');

/** The city's calendar date of an instant: YYYY-MM-DD. */
export function cityDate(at: Date | number): string {
  const s = shifted(at);
  return `${s.getUTCFullYear()}-${two(s.getUTCMonth() + 1)}-${two(s.getUTCDate())}`;
}

/** The city's last calendar day before `end` (for an expiry stored as the end of that day). */
export function cityLastDay(end: Date | number): string {
  return cityDate(new Date(end).getTime() - 1);
}

/** "01/12/2026 07:00" in city time, as Vietnamese staff read it. */
export function formatCityTime(at: Date | number): string {
  const s = shifted(at);
  return `${two(s.getUTCDate())}/${two(s.getUTCMonth() + 1)}/${s.getUTCFullYear()} ${two(s.getUTCHours())}:${two(s.getUTCMinutes())}`;
}
