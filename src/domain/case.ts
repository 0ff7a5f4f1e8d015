// Cases: what a resident hands to a person. A question the documents did not answer ("ask a
// person") or a field report (what, where, photos, a description). Staff move a case through its
// statuses; every change is told to the resident, who can follow it by its short number.
import type { ChannelName } from './channels.js';
import { cityClock } from './city-time.js';
import { escapeRegExp } from './text.js';

export type CaseKind = 'question' | 'report';

/** In the order a case usually lives them; the last two end it as well as 'closed'. */
export const CASE_STATUSES = ['new', 'accepted', 'in_progress', 'resolved', 'closed', 'out_of_scope'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses after which the resident can no longer write into the case. */
export const FINAL_STATUSES: readonly CaseStatus[] = ['closed', 'out_of_scope'];
/** Statuses that count as handled (for "handled on time"). */
export const HANDLED_STATUSES: readonly CaseStatus[] = ['resolved', 'closed', 'out_of_scope'];

export const isFinal = (status: CaseStatus) => FINAL_STATUSES.includes(status);

export interface CaseCategory {
  slug: string;
  label: string;
  /** Hours from opening within which the case should be handled (its due time). */
  targetHours: number;
}

/** Working hours in city time: days 1 (Monday) … 7 (Sunday), "HH:mm" bounds. */
export interface WorkingHours {
  days: readonly number[];
  start: string;
  end: string;
}

/** The city file's `cases` section. */
export interface CaseSettings {
  /** Case numbers read `<prefix>-000123`. */
  prefix: string;
  categories: readonly CaseCategory[];
  /** Due time of a question handed to staff. */
  questionTargetHours: number;
  workingHours: WorkingHours;
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export interface CasePhoto {
  id: number;
  /** File name under the photos directory (never shown to residents). */
  file: string;
  mime: string;
  bytes: number;
}

export interface Case {
  id: number;
  /** "BK-000123". */
  number: string;
  kind: CaseKind;
  status: CaseStatus;
  channel: ChannelName;
  chatId: string;
  userId: string;
  displayName?: string;
  /** Category slug (reports; questions have none). */
  category?: string;
  ward?: string;
  address?: string;
  location?: GeoPoint;
  /** The question, or the report's description. */
  text: string;
  assignee?: string;
  createdAt: number;
  updatedAt: number;
  dueAt: number;
  firstReplyAt?: number;
  handledAt?: number;
  closedAt?: number;
  rating?: number;
  /** The resident's data was deleted: only anonymous figures remain. */
  anonymized: boolean;
  photos: CasePhoto[];
}

export type CaseEntryKind =
  /** What the resident wrote into the case. */
  | 'resident'
  /** A staff reply, sent to the resident. */
  | 'staff'
  /** An internal note; residents never see it. */
  | 'note'
  /** A status change (text = the new status), assignment (text = assignee) or rating. */
  | 'status'
  | 'assign'
  | 'rating';

export interface CaseEntry {
  id: number;
  caseId: number;
  kind: CaseEntryKind;
  /** Who: the staff member's name, or undefined for the resident. */
  author?: string;
  text: string;
  at: number;
}

/** "BK" + 123 → "BK-000123". */
export const formatCaseNumber = (prefix: string, id: number) => `${prefix}-${String(id).padStart(6, '0')}`;

/** A case number as residents type it, its digits captured: "BK-000123", "bk 123", "BK000123", "#123". */
export const caseNumberPattern = (prefix: string): string => `(?:${escapeRegExp(prefix)}\\s*[-–#:]?\\s*|#)(\\d{1,9})(?!\\d)`;

/**
 * The case number in a text as residents type it: "BK-000123", "bk 123", "BK000123", "#123" → 123.
 * Undefined when the text names none.
 */
export function caseIdIn(text: string, prefix: string): number | undefined {
  const m = new RegExp(`(?:^|[^\\p{L}\\d])${caseNumberPattern(prefix)}`, 'iu').exec(text.normalize('NFC'));
  if (!m) return undefined;
  const id = Number(m[1]);
  return id > 0 ? id : undefined;
}

/** A map link for a point (no tiles served by us: the staff member's browser opens it). */
export const mapLink = (p: GeoPoint) =>
  `https://www.openstreetmap.org/?mlat=${p.latitude}&mlon=${p.longitude}#map=18/${p.latitude}/${p.longitude}`;

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** True when `at` falls inside the working hours (city time). */
export function withinWorkingHours(hours: WorkingHours, at: number): boolean {
  const { weekday, minutes } = cityClock(at);
  return hours.days.includes(weekday) && minutes >= minutesOf(hours.start) && minutes < minutesOf(hours.end);
}

/** The next instant working hours begin after `at` (`at` itself when inside them); undefined with no working day. */
export function nextWorkingStart(hours: WorkingHours, at: number): number | undefined {
  if (withinWorkingHours(hours, at)) return at;
  if (!hours.days.length) return undefined;
  const start = minutesOf(hours.start);
  const { minutes } = cityClock(at);
  // From the city's midnight of `at`, try each of the next 8 days at the opening time.
  const midnight = at - minutes * 60_000 - (at % 60_000);
  for (let day = 0; day <= 7; day++) {
    const candidate = midnight + day * 86_400_000 + start * 60_000;
    if (candidate > at && hours.days.includes(cityClock(candidate).weekday)) return candidate;
  }
  return undefined;
}
