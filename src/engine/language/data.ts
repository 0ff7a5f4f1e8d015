// Resident language as data: the built-in entries (resident-language.json) merged once with a
// city's own (extendLanguage), read by the tokenizer (synonyms and name abbreviations, expanded
// in the index and in questions) and by the question cleaner (fillers, chat abbreviations).
import { createHash } from 'node:crypto';
import builtIn from './resident-language.json' with { type: 'json' };

export interface ChatAbbreviation {
  /** What residents type ("dc", "đc"). */
  short: string[];
  /** What it stands for ("được"); empty to drop it. */
  long: string;
  /** Only when typed without marks: "gì" typed "gi" (a marked "gỉ" is another word). */
  bareOnly?: boolean;
  /** Never as the last word: "a" ends many questions as a bare "ạ", and starts others as "anh". */
  notLast?: boolean;
}

export interface NameAbbreviation {
  short: string;
  long: string;
}

export interface ResidentLanguage {
  fillers: { anywhere: string[]; start: string[]; end: string[] };
  chat: ChatAbbreviation[];
  /** Groups of words that mean the same to a resident asking about the city. */
  synonyms: string[][];
  /** Initials of names residents use ("NTMK"). */
  names: NameAbbreviation[];
}

const EMPTY: ResidentLanguage = { fillers: { anywhere: [], start: [], end: [] }, chat: [], synonyms: [], names: [] };

let current: ResidentLanguage = merge(EMPTY, builtIn as ResidentLanguage);
let listeners: (() => void)[] = [];

function merge(a: ResidentLanguage, b: Partial<ResidentLanguage>): ResidentLanguage {
  return {
    fillers: {
      anywhere: [...a.fillers.anywhere, ...(b.fillers?.anywhere ?? [])],
      start: [...a.fillers.start, ...(b.fillers?.start ?? [])],
      end: [...a.fillers.end, ...(b.fillers?.end ?? [])],
    },
    chat: [...a.chat, ...(b.chat ?? [])],
    synonyms: [...a.synonyms, ...(b.synonyms ?? [])],
    names: [...a.names, ...(b.names ?? [])],
  };
}

/** The language in use: built-in entries plus the city's. */
export function residentLanguage(): ResidentLanguage {
  return current;
}

/**
 * Adds a city's entries (its language.json) to the built-in ones. Call it once at start, before
 * any index is opened: the index's terms depend on the synonyms (see languageVersion).
 */
export function extendLanguage(extra: Partial<ResidentLanguage>): void {
  current = merge(current, extra);
  for (const l of listeners) l();
}

/** Back to the built-in entries only (tests). */
export function resetLanguage(): void {
  current = merge(EMPTY, builtIn as ResidentLanguage);
  for (const l of listeners) l();
}

/** Runs `listener` whenever the language changes (the tokenizer rebuilds its expansion table). */
export function onLanguageChange(listener: () => void): void {
  listeners = [...listeners, listener];
}

/** A short hash of what changes index terms: an index built with other synonyms is rebuilt. */
export function languageVersion(): string {
  return createHash('sha256')
    .update(JSON.stringify([current.synonyms, current.names]))
    .digest('hex')
    .slice(0, 12);
}
