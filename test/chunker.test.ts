import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkDocument, splitSentences } from '../src/engine/chunker.js';
import { parseDocumentFile } from '../src/engine/loaders/index.js';
import type { ParsedDocument, TextBlock } from '../src/engine/types.js';

const doc = (blocks: TextBlock[], title = 'Tài liệu thử'): ParsedDocument => ({
  meta: { id: 'thu/tai-lieu', title, kind: 'resolution', number: '12/NQ-HĐND', issued: '2024-03-15', sourceUrl: 'https://example.org/nq' },
  path: 'thu/tai-lieu.txt',
  blocks,
});

const RESOLUTION = [
  'Chương I',
  'QUY ĐỊNH CHUNG',
  'Điều 1. Phạm vi điều chỉnh',
  'Nghị quyết này quy định việc phát triển đô thị trên địa bàn thành phố.',
  'Chương II',
  'QUY HOẠCH VÀ ĐẦU TƯ',
  'Điều 5. Quy hoạch đô thị',
  '1. Ủy ban nhân dân thành phố tổ chức lập quy hoạch chung. Quy hoạch phải được công bố công khai tại trụ sở và trên cổng thông tin điện tử của thành phố.',
  '2. Các dự án ưu tiên đầu tư trong giai đoạn 2024-2030 gồm các hạng mục sau đây, được bố trí vốn theo thứ tự ưu tiên:',
  'a) Cải tạo hệ thống thoát nước khu trung tâm, chống ngập úng tại các tuyến phố chính trong mùa mưa bão;',
  'b) Mở rộng đường Trường Chinh đoạn qua phường Đức Xuân, bao gồm vỉa hè, cây xanh và chiếu sáng;',
  'c) Xây dựng công viên cây xanh phía nam thành phố.',
  '3. Kinh phí thực hiện từ ngân sách thành phố và các nguồn vốn hợp pháp khác.',
  'Điều 6. Tổ chức thực hiện',
  'Giao Ủy ban nhân dân thành phố tổ chức thực hiện Nghị quyết này.',
].join('\n');

describe('chunkDocument', () => {
  it('follows Chương / Điều / Khoản / điểm and carries the section path and heading lines', () => {
    const chunks = chunkDocument(doc([{ text: RESOLUTION }]), { targetChars: 300, overlapChars: 0 });
    const sections = chunks.map((c) => c.section.join(' › '));
    expect(sections).toEqual([
      'Chương I › Điều 1',
      'Chương II › Điều 5 › Khoản 1',
      'Chương II › Điều 5 › Khoản 2',
      'Chương II › Điều 5 › Khoản 2',
      'Chương II › Điều 5 › Khoản 3',
      'Chương II › Điều 6',
    ]);
    // The chapter name under a bare "Chương II" belongs to its heading; chunks repeat the headings above them.
    expect(chunks[2].text.startsWith('Chương II\nQUY HOẠCH VÀ ĐẦU TƯ\nĐiều 5. Quy hoạch đô thị\n2. Các dự án')).toBe(true);
    expect(chunks[2].text).toContain('a) Cải tạo hệ thống thoát nước');
    expect(chunks[0].text).toBe(
      'Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\nNghị quyết này quy định việc phát triển đô thị trên địa bàn thành phố.',
    );
    // The second chunk of Khoản 2 repeats the Khoản's opening line, so its points keep their meaning.
    expect(chunks[3].text).toMatch(/^2\. Các dự án[^\n]*\nb\) Mở rộng[^\n]*\nc\) Xây dựng/);
    // Heading-only sections ("Chương I" alone) are not chunks of their own.
    expect(chunks.some((c) => c.text === 'Chương I\nQUY ĐỊNH CHUNG')).toBe(false);
    for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(300);
  });

  it('cites a lettered point inside an Điều as "Điểm"', () => {
    const chunks = chunkDocument(doc([{ text: RESOLUTION }]), { targetChars: 200, overlapChars: 0 });
    const pointA = chunks.find((c) => c.text.includes('a) Cải tạo') && !c.text.includes('b) Mở rộng'));
    expect(pointA?.section).toEqual(['Chương II', 'Điều 5', 'Khoản 2', 'Điểm a']);
  });

  it('keeps a whole Điều together when it fits, cited at the Điều', () => {
    const chunks = chunkDocument(doc([{ text: RESOLUTION }]), { targetChars: 900, overlapChars: 150 });
    expect(chunks.map((c) => c.section.join(' › '))).toEqual(['Chương I › Điều 1', 'Chương II › Điều 5', 'Chương II › Điều 6']);
    expect(chunks[1].text).toContain('3. Kinh phí thực hiện');
  });

  it('labels items outside an Điều by their own heading (I., 1., a))', () => {
    const text = [
      'I. MỤC ĐÍCH, YÊU CẦU',
      '1. Mục đích',
      'Nâng cao chất lượng dịch vụ công.',
      'II. NHIỆM VỤ',
      'a) Rà soát thủ tục hành chính.',
    ].join('\n');
    const chunks = chunkDocument(doc([{ text }]), { targetChars: 200, overlapChars: 0 });
    expect(chunks.map((c) => c.section)).toEqual([
      ['I. MỤC ĐÍCH, YÊU CẦU', '1. Mục đích'],
      ['II. NHIỆM VỤ', 'a)'],
    ]);
  });

  it('uses Markdown headings as sections, not the document title', () => {
    const chunks = chunkDocument(
      doc(
        [
          { text: 'Tài liệu thử', heading: 1 },
          { text: 'Mở đầu của tài liệu.' },
          { text: 'Lịch tiếp dân', heading: 2 },
          { text: 'Thứ Năm hằng tuần.' },
        ],
        'Tài liệu thử',
      ),
      { targetChars: 200, overlapChars: 0 },
    );
    expect(chunks.map((c) => [c.section, c.text])).toEqual([
      [[], 'Tài liệu thử\nMở đầu của tài liệu.'],
      [['Lịch tiếp dân'], 'Lịch tiếp dân\nThứ Năm hằng tuần.'],
    ]);
  });

  const sentences = Array.from(
    { length: 30 },
    (_, i) => `Câu số ${i + 1} nói về việc cải tạo tuyến phố thứ ${i + 1} của thành phố trong năm nay.`,
  );

  it('never splits a sentence, respects the target and overlaps by whole trailing sentences', () => {
    const chunks = chunkDocument(doc([{ text: sentences.join(' ') }]), { targetChars: 400, overlapChars: 150 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(400);
      const parts = splitSentences(c.text);
      for (const p of parts) expect(sentences).toContain(p);
    }
    for (let i = 1; i < chunks.length; i++) {
      const previous = splitSentences(chunks[i - 1].text);
      const current = splitSentences(chunks[i].text);
      const from = previous.indexOf(current[0]);
      expect(from).toBeGreaterThan(0);
      const overlap = previous.slice(from);
      expect(current.slice(0, overlap.length)).toEqual(overlap);
      expect(overlap.join(' ').length).toBeLessThanOrEqual(150);
    }
    // Every sentence is in some chunk.
    for (const s of sentences) expect(chunks.some((c) => c.text.includes(s))).toBe(true);
  });

  it('joins lines wrapped in the middle of a sentence before chunking', () => {
    const chunks = chunkDocument(doc([{ text: 'Nâng cấp các tuyến đường nội\nthị trong năm.\nXây dựng công viên.' }]), {
      targetChars: 200,
      overlapChars: 0,
    });
    expect(chunks[0].text).toBe('Nâng cấp các tuyến đường nội thị trong năm.\nXây dựng công viên.');
  });

  it('joins a sentence that runs over a PDF page break, citing the page it starts on', () => {
    const chunks = chunkDocument(
      doc([
        { text: 'Điều 1. Mục tiêu\nNâng cấp các tuyến đường', page: 1 },
        { text: 'nội thị trong năm.\nĐiều 2. Nhiệm vụ\nXây công viên.', page: 2 },
      ]),
      { targetChars: 200, overlapChars: 0 },
    );
    expect(chunks.map((c) => [c.text, c.page])).toEqual([
      ['Điều 1. Mục tiêu\nNâng cấp các tuyến đường nội thị trong năm.', 1],
      ['Điều 2. Nhiệm vụ\nXây công viên.', 2],
    ]);
  });

  it('fills id, metadata, page, position and the sha256 of the text', () => {
    const chunks = chunkDocument(
      doc([
        { text: 'Điều 1. Mục tiêu\nNâng cấp đường.', page: 1 },
        { text: 'Điều 2. Nhiệm vụ\nXây công viên.', page: 2 },
      ]),
      { targetChars: 200, overlapChars: 0 },
    );
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toEqual({
      id: 'thu/tai-lieu#1',
      docId: 'thu/tai-lieu',
      title: 'Tài liệu thử',
      kind: 'resolution',
      number: '12/NQ-HĐND',
      issued: '2024-03-15',
      sourceUrl: 'https://example.org/nq',
      section: ['Điều 2'],
      page: 2,
      position: 1,
      text: 'Điều 2. Nhiệm vụ\nXây công viên.',
      hash: createHash('sha256').update('Điều 2. Nhiệm vụ\nXây công viên.').digest('hex'),
    });
  });

  it('makes every table row its own chunk', async () => {
    const parsed = await parseDocumentFile('bang.csv', new TextEncoder().encode('Công trình,Tình trạng\nCầu A,xong\nĐường B,đang làm\n'));
    const chunks = chunkDocument(parsed, { targetChars: 900, overlapChars: 150 });
    expect(chunks.map((c) => c.text)).toEqual(['Công trình: Cầu A; Tình trạng: xong', 'Công trình: Đường B; Tình trạng: đang làm']);
  });

  it('cuts a sentence longer than the target at a clause boundary rather than mid-word', () => {
    const long = Array.from({ length: 40 }, (_, i) => `hạng mục ${i + 1}`).join(', ') + '.';
    const chunks = chunkDocument(doc([{ text: long }]), { targetChars: 200, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.text).toMatch(/^hạng mục \d+/);
  });
});

describe('splitSentences', () => {
  it('does not split after abbreviations, initials or a bare Điều number', () => {
    expect(splitSentences('Trụ sở ở TP. Bắc Kạn. Ông Nguyễn V. A. phát biểu.')).toEqual([
      'Trụ sở ở TP. Bắc Kạn.',
      'Ông Nguyễn V. A. phát biểu.',
    ]);
    expect(splitSentences('Điều 5. Quy hoạch đô thị')).toEqual(['Điều 5. Quy hoạch đô thị']);
    expect(splitSentences('Hoàn thành 18/30 chỉ tiêu. Còn lại 1.200 hộ chưa có nước sạch!')).toEqual([
      'Hoàn thành 18/30 chỉ tiêu.',
      'Còn lại 1.200 hộ chưa có nước sạch!',
    ]);
  });
});
