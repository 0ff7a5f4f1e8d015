// Every loader with random and mutated files: a file is parsed or refused with a DocumentParseError,
// never anything else (no crash, no hang). Run in-process (the fastest way to try thousands);
// the parse worker adds time and memory limits on top for real uploads.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { IsolatedParser } from '../../src/engine/isolated-parser.js';
import { DEFAULT_DOCUMENT_LIMITS } from '../../src/engine/limits.js';
import { DocumentParseError, parseDocumentFile } from '../../src/engine/loaders/index.js';
import { parseReasons } from '../../src/texts/ingest.js';
import { makeDocx } from '../fixtures/make-docx.js';
import { makePdf } from '../fixtures/make-pdf.js';
import { anyBytes, anyText, check, mutated, report } from './fuzz-helpers.js';

const utf8 = (s: string) => new Uint8Array(Buffer.from(s));

const SAMPLES: Record<string, Uint8Array> = {
  '.md': utf8(
    '---\ntitle: Nghị quyết số 07\nkind: resolution\nnumber: 07-NQ/TU\nissued: 2021-06-15\nsource: https://backan.example/nq07\n---\n\n# Chương I\n\n## Điều 1\n\nNgười dân thực hiện nếp sống văn minh.\n\n- a) Giữ gìn vệ sinh;\n- b) Không lấn chiếm vỉa hè.\n',
  ),
  '.txt': utf8(
    'ỦY BAN NHÂN DÂN\nTHÀNH PHỐ BẮC KẠN\n\nSố: 12/TB-UBND\n\nTHÔNG BÁO\nLịch tiếp công dân\n\nNgày 5 tháng 3 năm 2025, lãnh đạo tiếp công dân.',
  ),
  '.html': utf8(
    '<!doctype html><html><head><title>Thông báo</title></head><body><h1>Thông báo</h1><p>Đường Trường Chinh <b>tạm cấm</b> xe.</p><table><tr><th>Dự án</th><th>Tình trạng</th></tr><tr><td>Cầu Đội Kỳ</td><td>Xong</td></tr></table><script>alert(1)</script></body></html>',
  ),
  '.csv': utf8(
    '# title: Công trình trọng điểm\n# kind: news\nDự án,Tình trạng,Ghi chú\nCầu Đội Kỳ,Hoàn thành,"Đã thông xe, ""sớm"""\nSân vận động,Đang triển khai,\n',
  ),
  '.yaml': utf8(
    'title: Công trình\nkind: news\nrows:\n  - dự án: Cầu Đội Kỳ\n    tình trạng: Hoàn thành\n  - dự án: Chợ\n    tình trạng: Đang xây\n',
  ),
  '.docx': makeDocx([
    { text: 'Nghị quyết về nếp sống văn minh', heading: 1 },
    { text: 'Điều 1. Phạm vi điều chỉnh', heading: 2 },
    { text: 'Người dân giữ gìn vệ sinh chung nơi công cộng.' },
  ]),
  '.pdf': makePdf([
    ['Trang 1', 'Nghị quyết về nếp sống văn minh', 'Điều 1. Người dân giữ gìn vệ sinh.'],
    ['Điều 2. Không lấn chiếm vỉa hè.', '2'],
  ]),
};

/** Random and mutated inputs per loader: the text formats are cheap, DOCX and PDF cost more each. */
const RUNS: Record<string, number> = { '.md': 3000, '.txt': 3000, '.html': 3000, '.csv': 3000, '.yaml': 3000, '.docx': 2000, '.pdf': 1500 };

// PDF goes through the parse worker, as uploads do: pdf.js leaves internal promises rejected
// without a handler on some broken files, which the worker absorbs (in this process they would be
// reported as unhandled rejections). The worker also proves it survives thousands of bad files.
const worker = new IsolatedParser(DEFAULT_DOCUMENT_LIMITS, { targetChars: 900, overlapChars: 150 });
const IN_WORKER = new Set(['.pdf']);

async function parsesOrRefuses(ext: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const doc = IN_WORKER.has(ext) ? (await worker.parse(`fuzz${ext}`, bytes)).doc : await parseDocumentFile(`fuzz${ext}`, bytes);
    if (IN_WORKER.has(ext)) expect(doc.blocks.length).toBeGreaterThan(0);
    return doc.blocks.length > 0 && doc.blocks.every((b) => typeof b.text === 'string' && b.text.length > 0) && Boolean(doc.meta.title);
  } catch (err) {
    // A crash of the worker is refused too, but it must not happen: it would mean a parser died.
    if (err instanceof DocumentParseError) return err.message !== parseReasons.parseCrashed;
    throw err;
  }
}

afterAll(async () => {
  await worker.close();
  report('loader fuzz');
});

describe('loaders under random and mutated files', () => {
  for (const [ext, sample] of Object.entries(SAMPLES)) {
    it(`${ext}: parses or refuses with a reason, ${RUNS[ext]} inputs`, async () => {
      const inputs = fc.oneof(
        { weight: 3, arbitrary: mutated(sample) },
        { weight: 1, arbitrary: anyBytes(4096) },
        { weight: 1, arbitrary: anyText(600).map(utf8) },
      );
      await check(
        `loader ${ext}`,
        fc.asyncProperty(inputs, (bytes) => parsesOrRefuses(ext, bytes)),
        RUNS[ext],
      );
    }, 120_000);
  }
});
