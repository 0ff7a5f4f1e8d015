// Shared by the fuzz tests: run a fast-check property, fail with its counterexample, and keep the
// number of inputs tried so the file can print them (the README reports these counts).
import fc from 'fast-check';
import { expect } from 'vitest';

export const tried: Record<string, number> = {};

export async function check<T>(name: string, property: fc.IAsyncProperty<T> | fc.IProperty<T>, numRuns: number): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<T>, { numRuns });
  expect(details.failed, fc.defaultReportMessage(details) ?? '').toBe(false);
  tried[name] = (tried[name] ?? 0) + details.numRuns;
}

export function report(file: string): void {
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  const lines = Object.entries(tried).map(([name, n]) => `  ${name}: ${n.toLocaleString('en-US')} inputs`);
  console.log(
    `${file}: ${Object.values(tried)
      .reduce((a, b) => a + b, 0)
      .toLocaleString('en-US')} inputs, no failure (RSS ${rss} MB)\n${lines.join('\n')}`,
  );
}

/** Byte mutations of a valid sample: flips, deletions, insertions, truncation, repeated slices. */
export function mutated(sample: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({
    kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate', 'repeat'),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
    length: fc.integer({ min: 1, max: 64 }),
  });
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let bytes = Buffer.from(sample);
    for (const e of edits) {
      const at = bytes.length ? e.at % bytes.length : 0;
      if (e.kind === 'flip' && bytes.length) bytes[at] ^= e.byte || 1;
      if (e.kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + e.length)]);
      if (e.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.alloc(e.length, e.byte), bytes.subarray(at)]);
      if (e.kind === 'truncate') bytes = bytes.subarray(0, at);
      if (e.kind === 'repeat') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + e.length), bytes.subarray(at)]);
    }
    return new Uint8Array(bytes);
  });
}

const LETTERS = [...'aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐÂƯ'];
const PIECES = [
  'Điều 1.',
  'Chương II',
  'Mục 3',
  'Khoản 2',
  'a)',
  'I.',
  '1.',
  ' ',
  ' ',
  '\n',
  '\n\n',
  '. ',
  ', ',
  ';',
  ':',
  '…',
  '"',
  '(',
  ')',
  '-',
  '–',
  '/',
  'https://x.vn/a?b=1',
  '0912345678',
  '12/2026',
  '\t',
  '\u00a0',
  '\u200b',
  'UBND',
  'NQ',
];

// fast-check keeps generated lengths small by default (a handful of items): each generator below is
// offered both small and up to its full length, so long inputs are tried as often as short ones.
type Size = 'small' | 'max';
const SIZES: Size[] = ['small', 'max'];

/** Text that looks like Vietnamese administrative prose, with structure markers and odd spacing. */
export const vietnameseText = (maxLength = 400) =>
  fc.oneof(
    ...SIZES.map((size) =>
      fc
        .array(fc.oneof(fc.constantFrom(...LETTERS), fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 3 })), {
          maxLength,
          size,
        })
        .map((parts) => parts.join('')),
    ),
  );

/** Any text: Vietnamese-like, arbitrary code points (lone surrogates included), or ASCII. */
export const anyText = (maxLength = 400) =>
  fc.oneof(
    vietnameseText(maxLength),
    ...SIZES.flatMap((size) => [
      fc.string({ unit: 'binary', maxLength, size }),
      fc.string({ unit: 'binary-ascii', maxLength, size }),
      fc.string({ maxLength, size }),
    ]),
  );

/** Random bytes, short and long. */
export const anyBytes = (maxLength = 2048) => fc.oneof(...SIZES.map((size) => fc.uint8Array({ maxLength, size })));
