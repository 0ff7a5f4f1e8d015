// Structure-aware chunking. Vietnamese administrative texts are cited by their structure
// ("Chương II, Điều 5, khoản 2"), so chunks follow it: a chunk never spans two Điều, carries its
// section path, and starts with the heading lines above it so it can be found on its own.
// Inside a section text is packed by whole sentences up to the target size; consecutive chunks
// of one section overlap by whole trailing sentences.
import { createHash } from 'node:crypto';
import type { Chunk, ParsedDocument } from './types.js';

export interface ChunkOptions {
  targetChars: number;
  overlapChars: number;
}

/** Bumped when chunking changes, so that ingest re-chunks documents whose bytes did not change. */
// 2: passages carry issuer, author and provenance for citations.
// 3: the front matter's author reaches the passages (it was read but not passed on).
export const CHUNKER_VERSION = 3;

// Ranks order section markers from outermost to innermost; Markdown/HTML heading levels 1..6
// sit above the legal structure. Items (rank >= ITEM_RANK) may share a chunk with siblings.
const RANK = { part: 10, chapter: 11, mucLegal: 12, roman: 13, article: 14, numbered: 15, subNumbered: 16, lettered: 17 } as const;
const ITEM_RANK = RANK.numbered;
const HEADER_LINE_MAX = 120;
const LABEL_MAX = 60;

interface Marker {
  rank: number;
  label: string;
  /** The full heading line, repeated as context at the top of chunks below it. */
  line: string;
}

interface Line {
  text: string;
  page?: number;
}

interface Segment {
  path: Marker[];
  /** How many of the first lines are the segment's own heading (0: no heading of its own). */
  headingLines: number;
  lines: Line[];
  record?: boolean;
}

const PATTERNS: [RegExp, number, (m: RegExpExecArray, inArticle: boolean, line: string) => string][] = [
  [/^(?:Phần|PHẦN)\s+(thứ\s+\S+|THỨ\s+\S+|[IVXLC]+|\d+)(?=[\s.:]|$)/u, RANK.part, (m) => `Phần ${m[1]}`],
  [/^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)(?=[\s.:]|$)/u, RANK.chapter, (m) => `Chương ${m[1]}`],
  [/^(?:Mục|MỤC)\s+(\d+|[IVXLC]+)(?=[\s.:]|$)/u, RANK.mucLegal, (m) => `Mục ${m[1]}`],
  [/^(?:Điều|ĐIỀU)\s+(\d+[a-z]?)\s*(?:[.:]|$)/u, RANK.article, (m) => `Điều ${m[1]}`],
  [/^([IVXLC]+)[.)]\s+\S/u, RANK.roman, (_m, _a, line) => shortLabel(line)],
  [/^Khoản\s+(\d+)(?=[\s.:]|$)/u, RANK.numbered, (m) => `Khoản ${m[1]}`],
  [/^(\d{1,2})[.)]\s+\S/u, RANK.numbered, (m, inArticle, line) => (inArticle ? `Khoản ${m[1]}` : shortLabel(line))],
  [/^(\d{1,2}\.\d{1,2})\.?\s+\S/u, RANK.subNumbered, (_m, _a, line) => shortLabel(line)],
  [/^([a-zđ])\)\s+\S/u, RANK.lettered, (m, inArticle) => (inArticle ? `Điểm ${m[1]}` : `${m[1]})`)],
];

function truncate(line: string, max: number): string {
  return line.length <= max ? line : `${line.slice(0, max).replace(/\s+\S*$/, '')}…`;
}

function shortLabel(line: string): string {
  return truncate(line, LABEL_MAX).replace(/[.:;,]$/, '');
}

function detectMarker(line: string, stack: Marker[]): Marker | undefined {
  const inArticle = stack.some((m) => m.rank === RANK.article);
  for (const [re, rank, label] of PATTERNS) {
    const m = re.exec(line);
    if (m) return { rank, label: label(m, inArticle, line), line: truncate(line, HEADER_LINE_MAX) };
  }
  return undefined;
}

/**
 * Joins lines that a layout wrapped in the middle of a sentence (PDF, hard-wrapped text): the next
 * line continues when it starts in lower case and the previous one did not end a sentence.
 */
function continues(prev: string | undefined, line: string): boolean {
  return (
    prev !== undefined &&
    /^\p{Ll}/u.test(line) &&
    !/[.!?…:;"”)]$/u.test(prev) &&
    !detectMarker(line, [{ rank: RANK.article, label: '', line: '' }])
  );
}

function reflow(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (continues(out[out.length - 1], line)) out[out.length - 1] += ` ${line}`;
    else out.push(line);
  }
  return out;
}

// "Chương I" / "QUY ĐỊNH CHUNG" on two lines: the name under a bare marker belongs to the heading.
const BARE_UPPER_MARKER = /^(?:Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)\s+\S+$/u;
const isUpperCase = (line: string) => /\p{Lu}/u.test(line) && !/\p{Ll}/u.test(line);

function segmentsOf(doc: ParsedDocument): Segment[] {
  const segments: Segment[] = [];
  const stack: Marker[] = [];
  let current: Segment | undefined;
  const add = (seg: Segment) => {
    segments.push(seg);
    return seg;
  };
  for (const block of doc.blocks) {
    if (block.record) {
      add({ path: [...stack], headingLines: 0, lines: [{ text: block.text, page: block.page }], record: true });
      current = undefined;
      continue;
    }
    const lines = block.heading ? [block.text.replace(/\n/g, ' ')] : reflow(block.text);
    // A sentence running over a PDF page break continues the last line of the previous page.
    const last = current?.lines[current.lines.length - 1];
    if (block.page !== undefined && last && continues(last.text, lines[0])) last.text += ` ${lines.shift()}`;
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i];
      const page = block.page;
      const isTitle = block.heading && text === doc.meta.title;
      const marker = isTitle
        ? undefined
        : (detectMarker(text, stack) ??
          (block.heading ? { rank: block.heading, label: shortLabel(text), line: truncate(text, HEADER_LINE_MAX) } : undefined));
      if (!marker) {
        (current ??= add({ path: [...stack], headingLines: 0, lines: [] })).lines.push({ text, page });
        continue;
      }
      while (stack.length && stack[stack.length - 1].rank >= marker.rank) stack.pop();
      stack.push(marker);
      current = add({ path: [...stack], headingLines: 1, lines: [{ text, page }] });
      const name = lines[i + 1];
      if (BARE_UPPER_MARKER.test(text) && name && isUpperCase(name)) {
        marker.line = `${text}\n${truncate(name, HEADER_LINE_MAX)}`;
        current.lines.push({ text: name, page });
        current.headingLines = 2;
        i++;
      }
    }
  }
  return segments;
}

interface Group {
  /** Section path of the whole group: shortened to the parent when item siblings are merged. */
  path: Marker[];
  /** Heading lines above the group (ancestors of its first segment). */
  context: string[];
  /** The group's own heading line, repeated on its continuation chunks. */
  ownHeading?: string;
  segments: Segment[];
  size: number;
  /** Room for text in each chunk of the group, after the repeated heading lines. */
  budget: number;
  record?: boolean;
}

/** A heading (not an item: "2." and "a)" lines are text) with nothing of its own under it. */
const isHeadingOnly = (seg: Segment) =>
  seg.headingLines > 0 && seg.lines.length === seg.headingLines && seg.path[seg.path.length - 1].rank < ITEM_RANK;
const isPrefix = (a: Marker[], b: Marker[]) => a.length <= b.length && a.every((m, i) => m === b[i]);
const sizeOf = (s: Segment) => s.lines.reduce((n, l) => n + l.text.length + 1, 0);

/**
 * Groups segments into sections that are packed together: a heading alone is folded into the
 * section below it (its line is repeated there as context), small items join their parent or
 * their siblings, and anything from Điều upwards starts a new group.
 */
function groupsOf(segments: Segment[], targetChars: number): Group[] {
  const groups: Group[] = [];
  let group: Group | undefined;
  for (const seg of segments) {
    const size = sizeOf(seg);
    const last = seg.path[seg.path.length - 1];
    if (group && !group.record && !seg.record && last && last.rank >= ITEM_RANK && group.size + size <= group.budget) {
      if (isPrefix(group.path, seg.path)) {
        group.segments.push(seg);
        group.size += size;
        continue;
      }
      const parent = seg.path.slice(0, -1);
      if (group.path.length === seg.path.length && isPrefix(parent, group.path)) {
        group.path = parent;
        group.ownHeading = undefined;
        group.segments.push(seg);
        group.size += size;
        continue;
      }
    }
    const ancestors = seg.headingLines ? seg.path.slice(0, -1) : seg.path;
    const context = contextLines(ancestors, targetChars / 3);
    // Items ("2.", "a)") are text, not headings: only real headings are repeated on continuations.
    const ownHeading = seg.headingLines && last.rank < ITEM_RANK ? last.line : undefined;
    const reserved = [...context, ...(ownHeading ? [ownHeading] : [])].reduce((n, l) => n + l.length + 1, 0);
    group = {
      path: seg.path,
      context,
      ownHeading,
      segments: [seg],
      size,
      budget: Math.max(targetChars - reserved, Math.floor(targetChars / 3)),
      record: seg.record,
    };
    groups.push(group);
  }
  // A heading with nothing under it but deeper sections is not a chunk of its own: the sections
  // below repeat its line as context.
  return groups.filter((g, i) => {
    const only = g.segments.length === 1 ? g.segments[0] : undefined;
    const next = groups[i + 1]?.segments[0];
    return !(only && isHeadingOnly(only) && next && next.path.length > only.path.length && isPrefix(only.path, next.path));
  });
}

/** The heading lines above a section, innermost kept first when they do not all fit. */
function contextLines(ancestors: Marker[], maxChars: number): string[] {
  const lines: string[] = [];
  let size = 0;
  for (const m of [...ancestors].reverse()) {
    if (lines.length && size + m.line.length + 1 > maxChars) break;
    lines.unshift(m.line);
    size += m.line.length + 1;
  }
  return lines;
}

interface Sentence {
  text: string;
  page?: number;
  path: Marker[];
  /** A heading line with nothing of its own under it: context, not content, for the section path. */
  heading: boolean;
  /** Starts a new line (a new paragraph or structural item) rather than continuing one. */
  lineStart: boolean;
}

// Words that end in a dot without ending a sentence.
const ABBREVIATIONS = new Set([
  'tp',
  'tt',
  'ths',
  'ts',
  'pgs',
  'gs',
  'bs',
  'ks',
  'q',
  'p',
  'x',
  'h',
  'tx',
  'st',
  'nxb',
  'v.v',
  'vv',
  'ng',
  'tr',
  'ông',
  'bà',
  'mr',
  'ms',
  'dr',
  'no',
  'số',
]);
const SENTENCE_END = /[.!?…]+["”’)\]]*\s+(?=["“‘([]?[\p{Lu}\d])/gu;
const MARKER_ONLY = /^(?:(?:Phần|Chương|Mục|Điều|Khoản|Điểm)\s+)?(?:\d+|[IVXLC]+|[a-zđ])$/iu;

/** Splits at sentence ends, not after abbreviations ("TP. Bắc Kạn"), initials or "Điều 5.". */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    const piece = text.slice(start, m.index).trim();
    const lastWord = /(\S+)$/.exec(piece)?.[1] ?? '';
    if (m[0].startsWith('.') && (ABBREVIATIONS.has(lastWord.toLowerCase()) || /^\p{Lu}$/u.test(lastWord) || MARKER_ONLY.test(piece)))
      continue;
    out.push(text.slice(start, end).trim());
    start = end;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/** A sentence longer than the budget is cut at clause ends (";", ",") — the least bad place. */
function splitLong(sentence: string, budget: number): string[] {
  if (sentence.length <= budget) return [sentence];
  const pieces: string[] = [];
  let rest = sentence;
  while (rest.length > budget) {
    const window = rest.slice(0, budget);
    const cut = ['; ', ', ', ' '].map((sep) => window.lastIndexOf(sep)).find((i) => i > budget / 3);
    const at = cut !== undefined ? cut + 1 : budget;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

function sentencesOf(group: Group, budget: number): Sentence[] {
  return group.segments.flatMap((seg) => {
    const heading = isHeadingOnly(seg);
    return seg.lines.flatMap((line) =>
      (seg.record ? [line.text] : splitSentences(line.text))
        .flatMap((s) => (seg.record ? [s] : splitLong(s, budget)))
        .map((text, i) => ({ text, page: line.page, path: seg.path, heading, lineStart: i === 0 })),
    );
  });
}

/** The deepest section all the sentences share: a chunk spanning Khoản 1 and 2 is cited as the Điều. */
function commonPath(all: Sentence[]): Marker[] {
  const content = all.filter((s) => !s.heading);
  const sentences = content.length ? content : all;
  let path = sentences[0].path;
  for (const s of sentences) {
    let n = 0;
    while (n < path.length && n < s.path.length && path[n] === s.path[n]) n++;
    path = path.slice(0, n);
  }
  return path;
}

function join(sentences: Sentence[]): string {
  return sentences.map((s, i) => (i === 0 ? '' : s.lineStart ? '\n' : ' ') + s.text).join('');
}

export function chunkDocument(doc: ParsedDocument, options: ChunkOptions): Chunk[] {
  const { targetChars, overlapChars } = options;
  const meta = doc.meta;
  const chunks: Chunk[] = [];
  const emit = (text: string, section: string[], page: number | undefined) => {
    // Loaders drop blank blocks; a caller that did not must not get a passage of nothing.
    if (!text.trim()) return;
    const position = chunks.length;
    chunks.push({
      id: `${meta.id}#${position}`,
      docId: meta.id,
      title: meta.title,
      kind: meta.kind,
      ...(meta.number && { number: meta.number }),
      ...(meta.issued && { issued: meta.issued }),
      ...(meta.sourceUrl && { sourceUrl: meta.sourceUrl }),
      ...(meta.issuer && { issuer: meta.issuer }),
      ...(meta.author && { author: meta.author }),
      ...(meta.source && { source: meta.source }),
      section,
      ...(page !== undefined && { page }),
      position,
      text,
      hash: createHash('sha256').update(text).digest('hex'),
    });
  };

  for (const group of groupsOf(segmentsOf(doc), targetChars)) {
    if (group.record) {
      const section = group.path.map((m) => m.label);
      // A row keeps the headings above it; the table's title is added by the index itself.
      const line = group.segments[0].lines[0];
      emit([...group.context, line.text].join('\n'), section, line.page);
      continue;
    }
    const budget = group.budget;
    const sentences = sentencesOf(group, budget);
    let start = 0;
    let fresh = 0;
    let first = true;
    while (start < sentences.length) {
      let end = start;
      let size = 0;
      while (end < sentences.length && (end === start || size + sentences[end].text.length + 1 <= budget)) {
        size += sentences[end].text.length + 1;
        end++;
      }
      const body = join(sentences.slice(start, end));
      const section = commonPath(sentences.slice(start, end)).map((m) => m.label);
      const header = [...group.context, ...(!first && group.ownHeading ? [group.ownHeading] : [])];
      const page = sentences[fresh].page;
      emit(header.length ? `${header.join('\n')}\n${body}` : body, section, page);
      if (end >= sentences.length) break;
      // Overlap: whole trailing sentences of this chunk, as many as fit in overlapChars and
      // still leave room for the next sentence; never the whole chunk (that would not advance).
      let next = end;
      let overlap = 0;
      while (
        next - 1 > start &&
        overlap + sentences[next - 1].text.length + 1 <= overlapChars &&
        overlap + sentences[next - 1].text.length + sentences[end].text.length + 2 <= budget
      ) {
        next--;
        overlap += sentences[next].text.length + 1;
      }
      start = next;
      fresh = end;
      first = false;
    }
  }
  return chunks;
}
