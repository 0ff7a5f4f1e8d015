// Markdown with optional YAML front matter. Headings become heading blocks, pipe tables become
// one record per row, inline markup is reduced to its text.
import type { TextBlock } from '../types.js';
import { DocumentParseError, reasons } from './errors.js';
import type { LoadedDocument } from './loaded.js';
import { type MetaFields, parseFrontMatter } from './meta.js';
import { renderRecord } from './table.js';
import { decodeText } from './text.js';

export function loadMarkdown(bytes: Uint8Array): LoadedDocument {
  const lines = decodeText(bytes)
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  let meta: MetaFields = {};
  let start = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (end < 0) throw new DocumentParseError(reasons.frontMatterUnclosed);
    meta = parseFrontMatter(lines.slice(1, end).join('\n'), 2);
    start = end + 1;
  }
  const blocks = markdownBlocks(lines.slice(start));
  if (!meta.title) {
    const h1 = blocks.find((b) => b.heading === 1);
    const first = h1 ?? blocks.find((b) => b.text.trim());
    if (first) meta.title = first.text.split('\n')[0];
  }
  return { meta, blocks };
}

function markdownBlocks(lines: string[]): TextBlock[] {
  const blocks: TextBlock[] = [];
  let para: string[] = [];
  let inFence = false;
  const flush = () => {
    if (para.length) blocks.push({ text: para.join('\n') });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      para.push(line);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      if (heading[2]) blocks.push({ text: inline(heading[2]), heading: heading[1].length });
      continue;
    }
    if (isTableRow(line) && i + 1 < lines.length && /^\s*\|?\s*:?-{2,}/.test(lines[i + 1])) {
      flush();
      const header = cells(line);
      i += 2;
      for (; i < lines.length && isTableRow(lines[i]); i++) {
        const row = cells(lines[i]);
        blocks.push({ text: renderRecord(header.map((h, c) => [h, row[c] ?? ''])), record: true });
      }
      i--;
      continue;
    }
    if (!line.trim()) flush();
    else para.push(inline(line.replace(/^\s*>\s?/, '')));
  }
  flush();
  return blocks;
}

function isTableRow(line: string): boolean {
  return /^\s*\|.*\|\s*$/.test(line);
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => inline(c.trim()));
}

/** Inline markup → text: links and images keep their words, emphasis and code marks go. */
function inline(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/^(\s*)[*+]\s+/, '$1- ');
}
