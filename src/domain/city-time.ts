// Staff write times in the city's local time, in one set of formats accepted everywhere (chat
// flows, staff API, CLI, city file). Viet Nam has kept UTC+7 without daylight saving since 1975, so
// a fixed offset is exact and needs no time-zone database.
export const CITY_TIMEZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 3600_000;

/** The formats a staff member may type, as shown to them when a time is not understood. */
export const TIME_FORMATS = ['dd/mm/yyyy hh:mm', 'dd/mm hh:mm', 'YYYY-MM-DD HH:mm'] as const;

interface Parts {
  y: number;
  mo: number;
  d: number;
  h?: number;
  mi?: number;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:h](\d{2}))?$/;
// dd/mm/yyyy or dd/mm (this year or the next), optionally with a time; "-" and "." also separate.
const VIETNAMESE = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?(?:\s+(?:lúc\s+)?(\d{1,2})[:h](\d{2}))?$/i;
// The same with the time first: "07:00 01/12/2026".
const TIME_FIRST = /^(\d{1,2})[:h](\d{2})\s+(?:ngày\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}))?$/i;

function real(p: Parts): Parts | undefined {
  const probe = new Date(Date.UTC(p.y, p.mo - 1, p.d));
  if (probe.getUTCMonth() !== p.mo - 1 || probe.getUTCDate() !== p.d || (p.h ?? 0) > 23 || (p.mi ?? 0) > 59) return undefined;
  return p;
}

const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const toInstant = (p: Parts) => new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h ?? 0, p.mi ?? 0) - OFFSET_MS);

function parts(text: string, now: number): Parts | undefined {
  const value = text.trim().normalize('NFC').replace(/\s+/g, ' ');
  let m = ISO.exec(value);
  if (m) return real({ y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), h: num(m[4]), mi: num(m[5]) });
  let d: string, mo: string, y: string | undefined, h: string | undefined, mi: string | undefined;
  if ((m = VIETNAMESE.exec(value))) [, d, mo, y, h, mi] = m;
  else if ((m = TIME_FIRST.exec(value))) [, h, mi, d, mo, y] = m;
  else return undefined;
  if (y !== undefined) return real({ y: Number(y), mo: Number(mo), d: Number(d), h: num(h), mi: num(mi) });
  // No year: the next time that day comes (a date already past this year means next year's).
  const thisYear = shifted(now).getUTCFullYear();
  const candidate = real({ y: thisYear, mo: Number(mo), d: Number(d), h: num(h), mi: num(mi) });
  if (candidate && toInstant(candidate).getTime() >= now - 24 * 3600_000) return candidate;
  return real({ y: thisYear + 1, mo: Number(mo), d: Number(d), h: num(h), mi: num(mi) });
}

/**
 * A time typed by staff in city time → the instant: "01/12/2026 07:00", "01/12 07:00" (the next
 * 1 December), "2026-12-01 07:00", "07:00 01/12/2026"; "h" may stand for ":" ("7h30"). A bare date
 * means 00:00. Undefined when it is not a real date and time.
 */
export function parseCityTime(text: string, now = Date.now()): Date | undefined {
  const p = parts(text, now);
  return p && toInstant(p);
}

/** "2026-12-31" or "31/12/2026" → the first instant after that day ends in the city (an expiry "until" the date). */
export function parseCityDateEnd(text: string, now = Date.now()): Date | undefined {
  const p = parts(text, now);
  if (!p || p.h !== undefined) return undefined;
  return new Date(Date.UTC(p.y, p.mo - 1, p.d + 1) - OFFSET_MS);
}

/**
 * A time from a machine or a person: the formats above, or an ISO instant with its offset
 * ("2026-12-01T07:00:00+07:00"). A bare "T07:00" without offset is refused: it would be read in
 * the server's zone.
 */
export function parseInstant(text: string, options: { endOfDay?: boolean; now?: number } = {}): Date | undefined {
  const local = options.endOfDay
    ? (parseCityDateEnd(text, options.now) ?? parseCityTime(text, options.now))
    : parseCityTime(text, options.now);
  if (local) return local;
  if (/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim()) && !Number.isNaN(Date.parse(text))) return new Date(text);
  return undefined;
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

/** The city's weekday (1 Monday … 7 Sunday) and minutes since midnight of an instant. */
export function cityClock(at: Date | number): { weekday: number; minutes: number } {
  const s = shifted(at);
  return { weekday: s.getUTCDay() || 7, minutes: s.getUTCHours() * 60 + s.getUTCMinutes() };
}
