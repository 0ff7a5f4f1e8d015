// HTML (saved web pages) and the HTML that mammoth makes from DOCX: headings become heading
// blocks, paragraphs and list items text blocks, table rows records; page chrome is dropped.
import { type HTMLElement, NodeType, parse } from 'node-html-parser';
import type { TextBlock } from '../types.js';
import type { LoadedDocument } from './loaded.js';
import { renderRecord } from './table.js';
import { decodeText } from './text.js';

const DROPPED = new Set(['script', 'style', 'nav', 'noscript', 'template', 'svg', 'iframe', 'form', 'button', 'head', 'footer', 'aside']);
const LEAF_BLOCKS = new Set(['p', 'li', 'pre', 'blockquote', 'dt', 'dd', 'figcaption', 'caption', 'address']);

export function loadHtml(bytes: Uint8Array): LoadedDocument {
  const root = parse(decodeText(bytes), { comment: false });
  const blocks = htmlBlocks(root);
  const title = root.querySelector('title')?.text.trim() || root.querySelector('h1')?.text.trim() || undefined;
  return { meta: title ? { title: collapse(title) } : {}, blocks };
}

export function htmlBlocks(root: HTMLElement): TextBlock[] {
  const blocks: TextBlock[] = [];
  const body = root.querySelector('main') ?? root.querySelector('article') ?? root.querySelector('body') ?? root;
  walk(body, blocks);
  return blocks;
}

function walk(el: HTMLElement, out: TextBlock[]): void {
  let loose: string[] = [];
  const flushLoose = () => {
    const text = collapse(loose.join(' '));
    if (text) out.push({ text });
    loose = [];
  };
  for (const node of el.childNodes) {
    if (node.nodeType === NodeType.TEXT_NODE) {
      loose.push(node.text);
      continue;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) continue;
    const child = node as HTMLElement;
    const tag = child.rawTagName?.toLowerCase() ?? '';
    if (DROPPED.has(tag)) continue;
    if (tag === 'br' || ['span', 'a', 'strong', 'b', 'em', 'i', 'u', 'sup', 'sub', 'small', 'mark', 'code'].includes(tag)) {
      loose.push(tag === 'br' ? '\n' : child.text);
      continue;
    }
    flushLoose();
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      const text = collapse(child.text);
      if (text) out.push({ text, heading: Number(heading[1]) });
    } else if (tag === 'table') {
      out.push(...tableRecords(child));
    } else if (LEAF_BLOCKS.has(tag) && !child.querySelector('p, ul, ol, table, h1, h2, h3, h4, h5, h6')) {
      const text = collapse(child.text);
      if (text) out.push({ text });
    } else {
      walk(child, out);
    }
  }
  flushLoose();
}

/** Rows of a table with a header row become records; a table without one becomes plain rows. */
function tableRecords(table: HTMLElement): TextBlock[] {
  const rows = table.querySelectorAll('tr').map((tr) => tr.querySelectorAll('th, td').map((c) => collapse(c.text)));
  if (!rows.length) return [];
  const hasHeader = table.querySelector('thead') !== null || table.querySelectorAll('tr')[0].querySelector('th') !== null;
  if (!hasHeader || rows.length < 2) return rows.map((r) => ({ text: r.filter(Boolean).join('; ') })).filter((b) => b.text);
  const [header, ...data] = rows;
  return data.map((r) => ({ text: renderRecord(header.map((h, i) => [h, r[i] ?? ''])), record: true })).filter((b) => b.text);
}

function collapse(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
