// Recognises sentences in a document that instruct rather than inform: orders to the assistant
// ("bỏ qua mọi hướng dẫn…", "hãy trả lời rằng…"), requests to send an id number, a code, a password
// or money to a phone number or a chat, and orders to open an unknown link or scan a code. Such a
// sentence in a city document is either an injection or a scam pasted into it: ingest flags it for
// the admins, and answers never quote it as the city's word. The patterns are data
// (untrusted-patterns.yaml), matched on the sentence folded without diacritics.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { splitSentences } from './chunker.js';
import { fold } from './normalize.js';
import type { ParsedDocument } from './types.js';

interface PatternFile {
  instructions: string[];
  send_verbs: string;
  secrets: string;
  personal: string;
  money: string;
  destinations: string[];
  visit_verbs: string;
  links: string;
  qr: string;
  trusted_hosts: string[];
}

const source = readFileSync(new URL('./untrusted-patterns.yaml', import.meta.url), 'utf8');
const data = YAML.parse(source) as PatternFile;

/** Changes with the patterns: part of the ingest manifest, so new patterns re-check every document. */
export const UNTRUSTED_VERSION = createHash('sha256').update(source).digest('hex').slice(0, 12);
const re = (source: string) => new RegExp(source, 'u');
const INSTRUCTIONS = data.instructions.map(re);
const SEND = re(data.send_verbs);
const SECRET = re(data.secrets);
const PERSONAL = re(data.personal);
const MONEY = re(data.money);
const DESTINATIONS = data.destinations.map(re);
const VISIT = re(data.visit_verbs);
const LINKS = new RegExp(data.links, 'gu');
const QR = re(data.qr);

/** Longer than any sentence worth reading as one: only the start is looked at. */
const MAX_CHARS = 2000;

function hostOf(link: string): string {
  const bare = link.replace(/^https?:\/\//, '').replace(/^www\./, '');
  return bare.split(/[/?#:]/)[0];
}

const trusted = (host: string) => data.trusted_hosts.some((t) => host === t || host.endsWith(`.${t}`));

export function isUntrustedInstruction(sentence: string): boolean {
  if (typeof sentence !== 'string' || !sentence.trim()) return false;
  const text = fold(sentence.slice(0, MAX_CHARS)).replace(/\s+/g, ' ');
  if (INSTRUCTIONS.some((p) => p.test(text))) return true;
  const sends = SEND.test(text);
  // A code or a password is never asked for in a document, wherever it would go.
  if (sends && SECRET.test(text)) return true;
  const toSomeone = DESTINATIONS.some((p) => p.test(text));
  if (sends && toSomeone && (PERSONAL.test(text) || MONEY.test(text))) return true;
  if (VISIT.test(text)) {
    const links = [...text.matchAll(LINKS)].map((m) => hostOf(m[0]));
    if (links.some((host) => !trusted(host))) return true;
    if (QR.test(text) && (MONEY.test(text) || PERSONAL.test(text))) return true;
  }
  return false;
}

/** Enough for an admin to see what is wrong; a document full of them is listed by its first ones. */
const MAX_LISTED = 50;

/**
 * The document without its instructing sentences, and those sentences (at most 50 listed). They are
 * left out of the index itself, so no answer in any mode (offline quotes, the passages an LLM reads,
 * the quotes shown under an answer) can present them as the city's word. Table rows are judged whole.
 */
export function withoutInstructions(doc: ParsedDocument): { doc: ParsedDocument; flagged: string[] } {
  const flagged = new Set<string>();
  const flag = (sentence: string) => {
    if (flagged.size < MAX_LISTED) flagged.add(sentence.trim());
  };
  const blocks = doc.blocks.flatMap((block) => {
    if (block.record) {
      if (!isUntrustedInstruction(block.text)) return [block];
      flag(block.text);
      return [];
    }
    let changed = false;
    const lines = block.text.split('\n').map((line) => {
      const sentences = splitSentences(line);
      const kept = sentences.filter((x) => !isUntrustedInstruction(x));
      if (kept.length === sentences.length) return line;
      changed = true;
      for (const x of sentences) if (!kept.includes(x)) flag(x);
      return kept.join(' ');
    });
    if (!changed) return [block];
    const text = lines.filter((l) => l.trim()).join('\n');
    return text ? [{ ...block, text }] : [];
  });
  return { doc: { ...doc, blocks }, flagged: [...flagged] };
}
