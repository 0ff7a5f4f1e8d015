// The quotable units of a passage: its sentences and table rows, each with the list heading it
// belongs to ("Nghiêm cấm các hành vi sau:" above "a) Vứt rác ra vỉa hè"), list markers and
// openers that point at unseen text ("Đó là", "Trong đó,") taken off, and table rows put in words.
import { splitSentences as chunkSentences } from '../chunker.js';
import type { SearchHit } from '../types.js';

export interface Unit {
  /** The words quoted to the resident. */
  text: string;
  /** The list heading above it, without its marker; quoted with it when it makes the answer. */
  heading?: string;
  /** Index of its passage among the hits. */
  hit: number;
  /** Order inside the passage. */
  order: number;
  /** Clauses cut from one long sentence share it: a list question quotes them all. */
  sentence: number;
  /** The unit ends with ":" and the items below it carry it as their heading. */
  opensList?: boolean;
  /** A table row: its first field names what the row is about; its column names are context ("Công trình", "Tình trạng"). */
  row?: { subject: string; columns: string };
}

/** "a) ", "2. ", "- ", "• ": the marker of a list item, and its level (letters under numbers). */
const ITEM = /^\s*(?:([a-zđ])\)|(\d{1,2})[.)]|[-•+*–])\s+/iu;
/** Heading lines the chunker repeats at the top of a passage. */
const TITLE = /^(?:#{1,6}\s+|(?:chương|mục|phần|điều)\s+[\dIVXLC]+\b)/iu;
/** Openers that lean on a sentence the resident does not see. */
const DANGLING = /^(?:đó là|trong đó|từ đó|ngoài ra|bên cạnh đó|theo đó|do đó|vì vậy|tuy nhiên|đồng thời|cụ thể|như vậy)[,:]?\s+/iu;
/** "Cột: giá trị; Cột: giá trị" as the table loader renders a row. */
const RECORD = /^[^:;]{1,40}: [^;]+(?:; [^:;]{1,40}: [^;]*)+$/u;
/** A sentence end inside the line: prose that happens to hold "tiếng Anh: …; tiếng Pháp: …", not a row. */
const PROSE = /[.!?]\s+\p{Lu}/u;
const MIN_CHARS = 12;
/** Long sentences are split at ";" so an answer quotes the clause, not a whole list. */
const CLAUSE_SPLIT_CHARS = 300;

function levelOf(line: string): number {
  const m = ITEM.exec(line);
  if (!m) return 0;
  return m[1] ? 2 : 1;
}

const capitalize = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);

/** A table row in words: "Cầu X được xây dựng và hoàn thiện" rather than "Công trình: Cầu X; Tình trạng: …". */
export function rowInWords(line: string): { text: string; subject: string; columns: string } {
  const fields = line.split('; ').map((f) => {
    const at = f.indexOf(': ');
    return { name: f.slice(0, at).trim(), value: f.slice(at + 2).trim() };
  });
  const [first, ...rest] = fields.filter((f) => f.value);
  let text = first.value;
  for (const f of rest) {
    // A value that reads as a predicate ("được xây dựng…") follows the subject as it is.
    text += /^\p{Ll}/u.test(f.value) ? ` ${f.value}` : ` (${f.name.toLocaleLowerCase('vi')}: ${f.value})`;
  }
  return { text: capitalize(text), subject: first.value, columns: fields.map((f) => f.name).join(', ') };
}

export function clean(sentence: string): string {
  let s = sentence.replace(ITEM, '').replace(DANGLING, '').trim();
  s = capitalize(s);
  return s;
}

export interface Units {
  units: Unit[];
  /** A unit's text → the texts of the sentence after it, where some passage has one (a list that follows its lead-in). */
  next: Map<string, string[]>;
  /** A unit's text → the texts of the sentence before it (what "Anh ấy", "Điều này" point back to). */
  previousOf: Map<string, string[]>;
}

export function unitsWithNeighbours(hits: readonly SearchHit[]): Units {
  const units: Unit[] = [];
  const seen = new Set<string>();
  const next = new Map<string, string[]>();
  const previousOf = new Map<string, string[]>();
  const sequences = new Map<number, string[][]>();
  hits.forEach((hit, h) => {
    let heading: { text: string; level: number } | undefined;
    let previous: string[] = [];
    const sequence: string[][] = [];
    sequences.set(h, sequence);
    let order = 0;
    let sentence = 0;
    for (const raw of hit.chunk.text.split(/\n+/)) {
      const line = raw.trim();
      if (!line || TITLE.test(line) || line === hit.chunk.title) continue;
      const level = levelOf(line);
      if (heading && level <= heading.level) heading = undefined;
      const underHeading = heading && level > heading.level ? heading.text : undefined;
      if (RECORD.test(line) && !PROSE.test(line)) {
        const row = rowInWords(line);
        if (!seen.has(row.text)) {
          seen.add(row.text);
          units.push({ text: row.text, hit: h, order: order++, sentence: sentence++, row: { subject: row.subject, columns: row.columns } });
        }
        continue;
      }
      for (const whole of chunkSentences(line)) {
        const clauses = whole.length > CLAUSE_SPLIT_CHARS ? whole.split(/;\s+/) : [whole];
        const texts = clauses.map(clean).filter((t) => t.length >= MIN_CHARS);
        for (const p of previous) if (!next.has(p) && texts.length) next.set(p, texts);
        if (previous.length) for (const t of texts) if (!previousOf.has(t)) previousOf.set(t, previous);
        previous = texts;
        if (texts.length) sequence.push(texts);
        for (const text of texts) {
          if (seen.has(text)) continue;
          seen.add(text);
          units.push({ text, heading: underHeading, hit: h, order: order++, sentence, opensList: /:\s*$/u.test(text) || undefined });
        }
        sentence++;
      }
      if (/:\s*$/u.test(line)) heading = { text: headingText(line), level };
    }
  });
  linkAcrossPassages(hits, sequences, next);
  return { units, next, previousOf };
}

/**
 * Passages i and i+1 of one document were both retrieved: the sentence after the last one of the
 * first is the first of the second that it does not already hold (passages overlap by whole sentences).
 */
function linkAcrossPassages(hits: readonly SearchHit[], sequences: ReadonlyMap<number, string[][]>, next: Map<string, string[]>): void {
  const at = new Map(hits.map((hit, i) => [`${hit.chunk.docId}#${hit.chunk.position}`, i]));
  hits.forEach((hit, i) => {
    const j = at.get(`${hit.chunk.docId}#${hit.chunk.position + 1}`);
    const first = sequences.get(i);
    const second = j === undefined ? undefined : sequences.get(j);
    if (!first?.length || !second?.length) return;
    const last = first[first.length - 1];
    const held = new Set(first.flat());
    const following = second.find((sentence) => !sentence.some((t) => held.has(t)));
    for (const t of last) if (!next.has(t) && following) next.set(t, following);
  });
}

/** A list heading as items carry it, and as the unit of its own line compares to it. */
export function headingText(line: string): string {
  return clean(line).replace(/[\s.:]+$/u, '');
}
