// The retrieval evaluation on a tiny corpus and question set in a temp directory: recall and MRR
// by rank, refusals as ask() gives them, and the knowledge folder brought up to date first when
// no corpus is given.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvalQuestion, runEval } from '../src/cli/eval.js';
import { type Config, loadConfig } from '../src/config.js';
import { readIndexMeta } from '../src/engine/index-store.js';
import { percentile } from '../src/engine/stats.js';
import { REPO_ROOT } from './helpers/test-env.js';

let root: string;
let config: Config;

const CORPUS = [
  { id: 'cau', title: 'Cầu Đội Kỳ', text: 'Công trình cầu Đội Kỳ đã được xây dựng và hoàn thiện, thông xe từ tháng 9.' },
  { id: 'cho', title: 'Chợ phiên', text: 'Chợ phiên nông sản họp tại quảng trường thành phố vào sáng thứ Bảy hằng tuần.' },
  { id: 'thu-vien', title: 'Thư viện tỉnh', text: 'Thư viện tỉnh mở cửa phục vụ bạn đọc từ 7 giờ 30 đến 17 giờ, nghỉ thứ Hai.' },
  { id: 'be-boi', title: 'Bể bơi', text: 'Bể bơi thành phố mở cửa từ 6 giờ đến 20 giờ hằng ngày từ tháng 5.' },
];

const QUESTIONS: EvalQuestion[] = [
  { id: 'q1', question: 'Cầu Đội Kỳ đã xây xong chưa?', relevant_docs: ['cau'], answerable: true },
  { id: 'q2', question: 'Chợ phiên nông sản họp vào hôm nào?', relevant_docs: ['cho'], answerable: true },
  { id: 'q3', question: 'Thư viện tỉnh nghỉ ngày nào?', relevant_text: ['nghỉ thứ Hai'], answerable: true },
  // Ranks second at best: the library passage shares more of its words.
  { id: 'q4', question: 'Thư viện tỉnh và bể bơi mở cửa từ mấy giờ?', relevant_docs: ['be-boi'], answerable: true },
  { id: 'q5', question: 'Giá vàng hôm nay bao nhiêu?', answerable: false },
  { id: 'q6', question: 'Thời tiết ngày mai có mưa không?', answerable: false },
];

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-eval-test-'));
  await fs.writeFile(path.join(root, 'corpus.jsonl'), jsonl(CORPUS));
  await fs.writeFile(path.join(root, 'questions.jsonl'), jsonl(QUESTIONS));
  await fs.mkdir(path.join(root, 'knowledge'));
  for (const d of CORPUS)
    await fs.writeFile(path.join(root, 'knowledge', `${d.id}.md`), `---\ntitle: ${d.title}\nkind: news\n---\n\n${d.text}\n`);
  config = loadConfig(
    {
      DATA_DIR: path.join(root, 'data'),
      KNOWLEDGE_DIR: path.join(root, 'knowledge'),
      PROMPTS_DIR: path.join(REPO_ROOT, 'prompts'),
      EMBEDDING_DIMENSIONS: '64',
    },
    root,
  );
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

const questionsFile = () => path.join(root, 'questions.jsonl');

describe('runEval', () => {
  it('measures recall, MRR and refusals over a corpus', async () => {
    const { label, report } = await runEval({ config, questionsFile: questionsFile(), corpus: path.join(root, 'corpus.jsonl') });
    expect(label).toBe('questions.jsonl, local:v2');
    expect(report).toMatchObject({ questions: 6, answerable: 4, recallAt5: 1, recallAt10: 1, relevanceFloor: 0.2 });
    // q1–q3 first, q4 second.
    expect(report.recallAt1).toBe(0.75);
    expect(report.mrrAt10).toBeCloseTo((1 + 1 + 1 + 0.5) / 4);
    expect(report.refusedUnanswerable).toBe(1);
    expect(report.refusedUnanswerableByFloor).toBe(1);
    expect(report.refusedAnswerable).toBe(0);
    expect(report.latencyMs.p95).toBeGreaterThanOrEqual(report.latencyMs.p50);
    expect(report.askLatencyMs.p95).toBeGreaterThanOrEqual(report.askLatencyMs.p50);
    // A throwaway index: nothing written to the configured data folder.
    expect(await readIndexMeta(config.paths.index)).toBeUndefined();
  });

  it('finds the same passages with the diacritics stripped from the questions', async () => {
    const { label, report } = await runEval({
      config,
      questionsFile: questionsFile(),
      corpus: path.join(root, 'corpus.jsonl'),
      stripDiacritics: true,
    });
    expect(label).toContain('(bỏ dấu)');
    expect(report.recallAt5).toBe(1);
    expect(report.refusedUnanswerable).toBe(1);
  });

  it('counts every question as one to refuse with --out-of-domain', async () => {
    const { report } = await runEval({
      config,
      questionsFile: questionsFile(),
      corpus: path.join(root, 'corpus.jsonl'),
      outOfDomain: true,
    });
    expect(report).toMatchObject({ questions: 6, answerable: 0, recallAt1: 0 });
    // The four questions about the corpus are answered: refused are the two off-topic ones.
    expect(report.refusedUnanswerable).toBeCloseTo(2 / 6);
  });

  it('brings the knowledge index up to date with the knowledge folder when given no corpus', async () => {
    const { report } = await runEval({ config, questionsFile: questionsFile() });
    expect(await readIndexMeta(config.paths.index)).toMatchObject({ chunkCount: 4 });
    expect(report).toMatchObject({ answerable: 4, recallAt5: 1, refusedUnanswerable: 1, refusedAnswerable: 0 });

    // A document added since: evaluated without a separate ingest.
    await fs.writeFile(path.join(root, 'knowledge', 'nha-van-hoa.md'), '# Nhà văn hóa\n\nNhà văn hóa tổ 5 khánh thành ngày 2 tháng 9.');
    await fs.writeFile(
      path.join(root, 'more.jsonl'),
      jsonl([{ id: 'n', question: 'Nhà văn hóa tổ 5 khánh thành khi nào?', relevant_docs: ['nha-van-hoa'], answerable: true }]),
    );
    const again = await runEval({ config, questionsFile: path.join(root, 'more.jsonl') });
    expect(again.report.recallAt1).toBe(1);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(10);
    expect(percentile(sorted, 95)).toBe(19);
    expect(percentile(sorted, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});
