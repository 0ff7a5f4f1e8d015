// The seed questions against the real knowledge folder: every answerable one is answered from
// the passage holding its reference text, typed with and without diacritics; the two
// unanswerable ones are refused or not found.

import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { fold, hasDiacritics, normalizeText } from '../src/engine/normalize.js';
import { createLogger } from '../src/logger.js';

interface SeedQuestion {
  id: string;
  question: string;
  relevant_text: string[];
  answerable: boolean;
}

const root = path.resolve(import.meta.dirname, '..');
const seedFile = path.resolve(root, '..', 'shared', 'eval', 'seed-questions.jsonl');
const seeds: SeedQuestion[] = readFileSync(seedFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as SeedQuestion);

/** Each question as typed, plus its diacritic-free twin when it has diacritics. */
const cases = seeds.flatMap((s) => [
  { ...s, variant: 'as typed' },
  ...(hasDiacritics(s.question) ? [{ ...s, question: fold(s.question), variant: 'without diacritics' }] : []),
]);

const same = (text: string) => normalizeText(text).toLowerCase();

let kb: KnowledgeBase;
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-seed-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, KNOWLEDGE_DIR: path.join(root, 'knowledge') }, root).engine;
  kb = await KnowledgeBase.open(config, createLogger({ level: 'silent' }));
});
afterAll(async () => {
  await kb.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('seed questions', () => {
  it('has the set the issue describes', () => {
    expect(seeds).toHaveLength(16);
    expect(seeds.filter((s) => !s.answerable).map((s) => s.id)).toEqual(['s15', 's16']);
  });

  it.each(cases.filter((c) => c.answerable).map((c) => [c.id, c.variant, c] as const))(
    '%s (%s) is answered from the passage holding its reference text',
    async (_id, _variant, c) => {
      const a = await kb.ask(c.question);
      expect(a.status).toBe('answered');
      expect(a.citations.length).toBeGreaterThan(0);
      const quotes = a.citations.map((x) => same(x.quote));
      expect(c.relevant_text.some((r) => quotes.some((q) => q.includes(same(r))))).toBe(true);
      // Every number in the reply points to a listed citation, and every citation is used.
      const used = new Set([...a.text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
      expect(used).toEqual(new Set(a.citations.map((x) => x.n)));
    },
  );

  it.each(cases.filter((c) => !c.answerable).map((c) => [c.id, c.variant, c] as const))(
    '%s (%s) is not answered',
    async (_id, _variant, c) => {
      const a = await kb.ask(c.question);
      expect(['refused', 'not_found']).toContain(a.status);
      expect(a.citations).toEqual([]);
    },
  );
});
