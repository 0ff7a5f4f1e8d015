// The curated-answer capture check that `npm run eval:curated` prints: over the shared eval sets
// (with and without diacritics) no question is captured by the repo's curated eval entries, and
// the entries answer their own paraphrases.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCurated } from '../src/cli/eval-curated.js';
import { REPO_ROOT } from './helpers/test-env.js';

const SHARED = path.resolve(REPO_ROOT, '../shared/eval');
const questions = ['seed-questions.jsonl', 'resident-dev.jsonl', 'rules-dev/questions.jsonl', 'alqac22/questions-dev.jsonl']
  .map((f) => path.join(SHARED, f))
  .filter((f) => fs.existsSync(f))
  .flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).question as string),
  );
const data = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'eval/curated-answers.json'), 'utf8')).entries;

describe('curated answers capture check', () => {
  it('captures no unrelated question and answers most of the entries’ own paraphrases', () => {
    expect(questions.length).toBeGreaterThan(300);
    const report = evaluateCurated(data, questions);
    expect(report.unrelated.captured).toEqual([]);
    expect(report.paraphrases.answered / report.paraphrases.asked).toBeGreaterThanOrEqual(0.9);
    expect(report.paraphrases.withoutDiacritics.answered / report.paraphrases.withoutDiacritics.asked).toBeGreaterThanOrEqual(0.9);
  });

  it('reports a capture when an entry is written too broadly', () => {
    const broad = [{ answer: 'x', variants: ['cầu Đội Kỳ'], paraphrases: [] }];
    const report = evaluateCurated(broad, ['cau doi ky', 'Cầu Đội Kỳ?']);
    expect(report.unrelated.captured.map((c) => c.question)).toEqual(['cau doi ky', 'Cầu Đội Kỳ?']);
  });
});
