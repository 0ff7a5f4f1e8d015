// Do curated answers capture questions they were not written for? Matches every question of the
// shared eval sets (none of them is about these entries) and every other entry's paraphrases
// against the curated answers of a data file, and reports what was captured; also how many of
// each entry's own paraphrases it answers, with and without diacritics.
//   npm run eval:curated [-- --curated eval/curated-answers.json] [--questions FILE.jsonl ...] [--json]
// Exit code 1 when any unrelated question is captured. Kept apart from `npm run eval` (retrieval
// and answers) because it needs no index: it runs the matcher alone, in milliseconds.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CURATED_MIN_SIMILARITY, type CuratedEntry, CuratedMatcher } from '../engine/curated.js';
import { fold } from '../engine/normalize.js';

const SHARED_SETS = [
  'seed-questions.jsonl',
  'resident-dev.jsonl',
  'rules-dev/questions.jsonl',
  'xquad-vi/questions.jsonl',
  'alqac22/questions-dev.jsonl',
];

interface DataEntry {
  answer: string;
  variants: string[];
  paraphrases: string[];
}

export interface CuratedEvalReport {
  threshold: number;
  entries: number;
  unrelated: { questions: number; captured: { question: string; by: number; variant: string; similarity: number }[] };
  paraphrases: { asked: number; answered: number; withoutDiacritics: { asked: number; answered: number }; missed: string[] };
}

/** Diacritics off, as residents on a bare keyboard type: "Cầu Đội Kỳ" → "Cau Doi Ky". */
function strip(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

export function evaluateCurated(data: DataEntry[], unrelatedQuestions: string[]): CuratedEvalReport {
  const entries: CuratedEntry[] = data.map((e, i) => ({ id: i + 1, version: 1, answer: e.answer, variants: e.variants, sources: [] }));
  const matcher = new CuratedMatcher(entries);
  const captured: CuratedEvalReport['unrelated']['captured'] = [];
  const check = (question: string, allowed?: number) => {
    const m = matcher.match(question);
    if (m && m.entry.id !== allowed)
      captured.push({ question, by: m.entry.id, variant: m.variant, similarity: Number(m.similarity.toFixed(3)) });
    return m?.entry.id;
  };
  let asked = 0;
  let answered = 0;
  let bareAsked = 0;
  let bareAnswered = 0;
  const missed: string[] = [];
  for (const q of unrelatedQuestions) check(q);
  data.forEach((e, i) => {
    for (const p of e.paraphrases) {
      for (const [q, bare] of [
        [p, false],
        [strip(p), true],
      ] as const) {
        if (bare && fold(q) === fold(p) && q === p) continue;
        const hit = check(q, i + 1) === i + 1;
        if (bare) {
          bareAsked++;
          if (hit) bareAnswered++;
        } else {
          asked++;
          if (hit) answered++;
        }
        if (!hit) missed.push(q);
      }
    }
  });
  return {
    threshold: CURATED_MIN_SIMILARITY,
    entries: entries.length,
    unrelated: { questions: unrelatedQuestions.length, captured },
    paraphrases: { asked, answered, withoutDiacritics: { asked: bareAsked, answered: bareAnswered }, missed },
  };
}

function readQuestions(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => String((JSON.parse(l) as { question: string }).question));
}

function main(): number {
  const args = parseArgs({
    options: {
      curated: { type: 'string', default: 'eval/curated-answers.json' },
      questions: { type: 'string', multiple: true },
      shared: { type: 'string', default: '../shared/eval' },
      json: { type: 'boolean', default: false },
    },
  });
  const data = (JSON.parse(fs.readFileSync(args.values.curated, 'utf8')) as { entries: DataEntry[] }).entries;
  const files = args.values.questions ?? SHARED_SETS.map((f) => path.join(args.values.shared, f)).filter((f) => fs.existsSync(f));
  const questions = files.flatMap(readQuestions);
  // Each question also as typed without diacritics.
  const unrelated = [...questions, ...questions.map(strip)];
  const report = evaluateCurated(data, unrelated);
  if (args.values.json) console.log(JSON.stringify({ files, ...report }, null, 2));
  else {
    const p = report.paraphrases;
    console.log(`curated answers: ${report.entries} entries, threshold ${report.threshold}`);
    console.log(`question files: ${files.join(', ') || '(none found)'}`);
    console.log(
      `unrelated questions captured: ${report.unrelated.captured.length} of ${report.unrelated.questions} (with and without diacritics)`,
    );
    for (const c of report.unrelated.captured) console.log(`  ✗ "${c.question}" → entry ${c.by} ("${c.variant}", ${c.similarity})`);
    console.log(
      `own paraphrases answered: ${p.answered}/${p.asked} with diacritics, ${p.withoutDiacritics.answered}/${p.withoutDiacritics.asked} without`,
    );
    for (const m of p.missed) console.log(`  missed: "${m}"`);
  }
  return report.unrelated.captured.length ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main();
