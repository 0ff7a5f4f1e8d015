// The city's own facts, read from the city file (city.yaml beside knowledge/): what residents are
// greeted with, which wards and topics they subscribe to, and where refusals send them.
import type { CaseSettings } from './case.js';

export interface Topic {
  slug: string;
  label: string;
}

export interface Ward {
  name: string;
  /** Names the ward had before a reorganization (2025 merged and renamed many); residents still use them. */
  formerNames: readonly string[];
}

/** An office of the city that residents can turn to (what refusals point to). */
export interface Office {
  id: string;
  name: string;
  /** What it handles, in Vietnamese phrases. */
  handles: string[];
  /** Words residents use for those matters. */
  keywords: string[];
  address?: string;
  hours?: string;
  phone?: string;
  email?: string;
  url?: string;
}

export interface City {
  /** "Bắc Kạn"; '' for a city not configured yet. */
  name: string;
  wards: readonly Ward[];
  topics: readonly Topic[];
  /** Shown to residents as "Ví dụ: …". */
  exampleQuestion: string;
  offices: readonly Office[];
  /** Cases residents hand to staff: numbering, report categories, due times, working hours. */
  cases: CaseSettings;
}

/** Current ward names, in the city file's order. */
export const wardNames = (city: Pick<City, 'wards'>): string[] => city.wards.map((w) => w.name);

/** Every name a place of the city goes by: the city, its wards and their former names. */
export const placeNames = (city: Pick<City, 'name' | 'wards'>): string[] =>
  [city.name, ...city.wards.flatMap((w) => [w.name, ...w.formerNames])].filter(Boolean);
