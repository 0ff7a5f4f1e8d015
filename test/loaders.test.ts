import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DocumentParseError, parseDocumentFile, SUPPORTED_EXTENSIONS } from '../src/engine/loaders/index.js';
import { loadMarkdown } from '../src/engine/loaders/markdown.js';
import { metaFromRecord } from '../src/engine/loaders/meta.js';
import { makeDocx } from './fixtures/make-docx.js';
import { makePdf } from './fixtures/make-pdf.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

async function parseError(relPath: string, bytes: Uint8Array): Promise<string> {
  const err = await parseDocumentFile(relPath, bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentParseError);
  return (err as Error).message;
}

describe('parseDocumentFile', () => {
  it('lists the supported extensions', () => {
    expect([...SUPPORTED_EXTENSIONS].sort()).toEqual([
      '.csv',
      '.docx',
      '.htm',
      '.html',
      '.markdown',
      '.md',
      '.pdf',
      '.txt',
      '.yaml',
      '.yml',
    ]);
  });

  it('reads Markdown front matter, headings and pipe tables', async () => {
    const md = [
      '---',
      'title: Nghị quyết về phát triển đô thị',
      'kind: resolution',
      'number: 12/NQ-HĐND',
      'issued: 15/03/2024',
      'issuer: HĐND thành phố',
      'url: https://example.org/nq-12',
      'expires: 2099-12-31',
      'author: Ban biên tập',
      '---',
      '# Nghị quyết về phát triển đô thị',
      '',
      '## Điều 1. Phạm vi',
      'Nghị quyết này áp dụng cho **toàn thành phố**, xem [trang chủ](https://example.org).',
      '',
      '| Công trình | Tình trạng |',
      '|---|---|',
      '| Cầu A | đã xong |',
      '| Đường B | |',
    ].join('\n');
    const doc = await parseDocumentFile('nghi-quyet/nq-12.md', utf8(md));
    expect(doc.meta).toEqual({
      id: 'nghi-quyet/nq-12',
      title: 'Nghị quyết về phát triển đô thị',
      kind: 'resolution',
      number: '12/NQ-HĐND',
      issued: '2024-03-15',
      issuer: 'HĐND thành phố',
      author: 'Ban biên tập',
      sourceUrl: 'https://example.org/nq-12',
      expires: '2099-12-31',
    });
    expect(doc.path).toBe('nghi-quyet/nq-12.md');
    expect(doc.blocks).toEqual([
      { text: 'Nghị quyết về phát triển đô thị', heading: 1 },
      { text: 'Điều 1. Phạm vi', heading: 2 },
      { text: 'Nghị quyết này áp dụng cho toàn thành phố, xem trang chủ.' },
      { text: 'Công trình: Cầu A; Tình trạng: đã xong', record: true },
      { text: 'Công trình: Đường B', record: true },
    ]);
  });

  it('accepts source and source_url as the source address', async () => {
    for (const key of ['source', 'source_url']) {
      const doc = await parseDocumentFile('a.md', utf8(`---\ntitle: A\n${key}: https://example.org/a\n---\nNội dung.`));
      expect(doc.meta.sourceUrl).toBe('https://example.org/a');
    }
  });

  it('keeps a source given in words as provenance; source_url and url must be addresses', async () => {
    const front = (yaml: string) => loadMarkdown(utf8(`---\n${yaml}\n---\nNội dung.`)).meta;
    expect(front('title: A\nsource: Bài viết của tác giả Minh Cường (nguồn chưa rõ)')).toEqual({
      title: 'A',
      source: 'Bài viết của tác giả Minh Cường (nguồn chưa rõ)',
    });
    expect(front('title: B\nsource: Cổng thông tin thành phố\nsource_url: https://example.org/b')).toEqual({
      title: 'B',
      source: 'Cổng thông tin thành phố',
      sourceUrl: 'https://example.org/b',
    });
    expect(metaFromRecord({ source: 'https://example.org/c' })).toEqual({ sourceUrl: 'https://example.org/c' });
    for (const key of ['source_url', 'url']) {
      expect(await parseError('c.md', utf8(`---\n${key}: Cổng thông tin\n---\nX.`))).toContain('không phải URL');
    }
  });

  it('the seed article names its author as its source and invents no address or date', () => {
    const file = new URL('../knowledge/bac-kan-chuong-trinh-trong-tam-dai-hoi.md', import.meta.url);
    const { meta } = loadMarkdown(readFileSync(file));
    expect(meta.kind).toBe('news');
    expect(meta.source).toBe('Bài viết của tác giả Minh Cường (nguồn gốc trang đăng chưa rõ)');
    expect(meta.sourceUrl).toBeUndefined();
    expect(meta.issued).toBeUndefined();
  });

  it('reports the line of a front matter YAML error', async () => {
    const message = await parseError('a.md', utf8('---\ntitle: A\nkind: [news\n---\nNội dung.'));
    expect(message).toMatch(/^front matter YAML lỗi ở dòng \d+/);
  });

  it('rejects an unknown kind and a malformed date in words', async () => {
    expect(await parseError('a.md', utf8('---\nkind: tin-tuc\n---\nX.'))).toContain('kind "tin-tuc" không hợp lệ');
    expect(await parseError('a.md', utf8('---\nissued: 31/02/2024\n---\nX.'))).toContain('ngày issued "31/02/2024" không hợp lệ');
  });

  it('normalizes plain text and takes the first line as title', async () => {
    const doc = await parseDocumentFile(
      'tin/a.txt',
      utf8('Thông báo lịch tiếp dân\r\n\r\nTiếp công dân vào thứ Năm; phòng hoà giải.'.normalize('NFD')),
    );
    expect(doc.meta).toEqual({ id: 'tin/a', title: 'Thông báo lịch tiếp dân', kind: 'announcement' });
    expect(doc.blocks.map((b) => b.text)).toEqual(['Thông báo lịch tiếp dân', 'Tiếp công dân vào thứ Năm; phòng hòa giải.']);
  });

  it('falls back to the Windows Vietnamese code page for text that is not UTF-8', async () => {
    const doc = await parseDocumentFile('cu.txt', new Uint8Array([0x48, 0xe0, 0x20, 0x4e, 0xf4, 0x69, 0x2e]));
    expect(doc.blocks[0].text).toBe('Hà Nôi.');
  });

  it('guesses title, number and date of an administrative text without front matter', async () => {
    const text = [
      'ỦY BAN NHÂN DÂN',
      'THÀNH PHỐ X',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 45/KH-UBND',
      'X, ngày 5 tháng 4 năm 2024',
      'KẾ HOẠCH',
      'Cải tạo vỉa hè năm 2024',
      '',
      'I. MỤC ĐÍCH',
    ].join('\n');
    const doc = await parseDocumentFile('kh-45.txt', utf8(text));
    expect(doc.meta).toMatchObject({ title: 'Kế hoạch Cải tạo vỉa hè năm 2024', kind: 'plan', number: '45/KH-UBND', issued: '2024-04-05' });
  });

  it('reads PDF pages with their numbers and drops running headers and page numbers', async () => {
    const pdf = makePdf([
      [
        'UBND THANH PHO X',
        'KE HOACH',
        'Phat trien do thi',
        'Dieu 1. Muc tieu',
        'Nang cap cac tuyen duong noi',
        'thi trong nam.',
        'Trang 1',
      ],
      ['UBND THANH PHO X', 'Dieu 2. Nhiem vu', 'Xay dung cong vien.', '- 2 -'],
      ['UBND THANH PHO X', 'Dieu 3. To chuc thuc hien', 'Giao cac phong ban.', '3/3'],
    ]);
    const doc = await parseDocumentFile('ke-hoach.pdf', pdf);
    expect(doc.meta).toMatchObject({ id: 'ke-hoach', title: 'Ke hoach Phat trien do thi', kind: 'plan' });
    expect(doc.blocks).toEqual([
      { text: 'KE HOACH\nPhat trien do thi\nDieu 1. Muc tieu\nNang cap cac tuyen duong noi\nthi trong nam.', page: 1 },
      { text: 'Dieu 2. Nhiem vu\nXay dung cong vien.', page: 2 },
      { text: 'Dieu 3. To chuc thuc hien\nGiao cac phong ban.', page: 3 },
    ]);
  });

  it('reports a corrupt PDF, an empty file and an unsupported type with the reason', async () => {
    const pdf = makePdf([['Dieu 1. Muc tieu']]);
    expect(await parseError('hong.pdf', pdf.slice(0, 120))).toBe('tệp PDF bị hỏng hoặc không đọc được');
    expect(await parseError('gia.pdf', utf8('không phải PDF'))).toBe('tệp PDF bị hỏng hoặc không đọc được');
    expect(await parseError('rong.md', new Uint8Array())).toBe('tệp rỗng');
    expect(await parseError('trang.txt', utf8('  \n\n  '))).toBe('tệp không có nội dung văn bản');
    expect(await parseError('anh.xyz', utf8('abc'))).toBe('định dạng .xyz không được hỗ trợ');
  });

  it('reads DOCX keeping Word headings, and reports a broken one', async () => {
    const docx = makeDocx([
      { text: 'Kế hoạch cải tạo chợ', heading: 1 },
      { text: 'Mục tiêu', heading: 2 },
      { text: 'Cải tạo chợ trung tâm trong năm 2025 & mở rộng bãi xe.' },
    ]);
    const doc = await parseDocumentFile('ke-hoach-cho.docx', docx);
    expect(doc.meta).toMatchObject({ id: 'ke-hoach-cho', title: 'Kế hoạch cải tạo chợ', kind: 'plan' });
    expect(doc.blocks).toEqual([
      { text: 'Kế hoạch cải tạo chợ', heading: 1 },
      { text: 'Mục tiêu', heading: 2 },
      { text: 'Cải tạo chợ trung tâm trong năm 2025 & mở rộng bãi xe.' },
    ]);
    expect(await parseError('hong.docx', docx.slice(0, 200))).toBe('tệp DOCX bị hỏng hoặc không đọc được');
  });

  it('reads HTML without scripts, styles and navigation; title from <title>; tables as records', async () => {
    const html = `<!doctype html><html><head><title>Thông báo nghỉ lễ</title><style>p{color:red}</style></head>
      <body><nav><a href="/">Trang chủ</a></nav><script>alert("x")</script>
      <main><h1>Thông báo nghỉ lễ</h1><p>Các cơ quan nghỉ lễ từ ngày&nbsp;30/4.</p>
      <h2>Lịch trực</h2><ul><li>Phòng Tư pháp: trực sáng.</li></ul>
      <table><tr><th>Đơn vị</th><th>Ngày trực</th></tr><tr><td>Phường A</td><td>30/4</td></tr></table></main>
      <footer>Bản quyền</footer></body></html>`;
    const doc = await parseDocumentFile('tb.html', utf8(html));
    expect(doc.meta).toMatchObject({ title: 'Thông báo nghỉ lễ', kind: 'announcement' });
    expect(doc.blocks).toEqual([
      { text: 'Thông báo nghỉ lễ', heading: 1 },
      { text: 'Các cơ quan nghỉ lễ từ ngày 30/4.' },
      { text: 'Lịch trực', heading: 2 },
      { text: 'Phòng Tư pháp: trực sáng.' },
      { text: 'Đơn vị: Phường A; Ngày trực: 30/4', record: true },
    ]);
  });

  it('reads a CSV table (";"-separated) with "# key: value" metadata as one record per row', async () => {
    const csv = '# title: Tiến độ dự án\n# Ghi chú cho người biên tập\nCông trình;Tình trạng\nCầu A;đã xong\n\nĐường B;đang thi công\n';
    const doc = await parseDocumentFile('bang/tien-do.csv', utf8(csv));
    expect(doc.meta).toEqual({ id: 'bang/tien-do', title: 'Tiến độ dự án', kind: 'news' });
    expect(doc.blocks).toEqual([
      { text: 'Công trình: Cầu A; Tình trạng: đã xong', record: true },
      { text: 'Công trình: Đường B; Tình trạng: đang thi công', record: true },
    ]);
  });

  it('titles a CSV without metadata from its file name and reports a malformed one', async () => {
    const doc = await parseDocumentFile('du-an_2024.csv', utf8('a,b\n1,2\n'));
    expect(doc.meta.title).toBe('du an 2024');
    expect(await parseError('x.csv', utf8('a,b\n"1,2\n'))).toBe('tệp CSV lỗi ở dòng 2: dấu ngoặc kép mở nhưng không đóng');
    expect(await parseError('y.csv', utf8('a,b\n'))).toBe('bảng không có dòng dữ liệu nào');
  });

  it('reads a YAML table with title and rows', async () => {
    const yaml =
      'title: Điểm thu gom rác\nkind: announcement\nrows:\n  - Điểm: Chợ A\n    Giờ: 18h-20h\n  - Điểm: Công viên B\n    Giờ: [6h, 17h]\n';
    const doc = await parseDocumentFile('rac.yaml', utf8(yaml));
    expect(doc.meta).toEqual({ id: 'rac', title: 'Điểm thu gom rác', kind: 'announcement' });
    expect(doc.blocks.map((b) => b.text)).toEqual(['Điểm: Chợ A; Giờ: 18h-20h', 'Điểm: Công viên B; Giờ: 6h, 17h']);
    expect(await parseError('z.yml', utf8('title: X\n'))).toContain('rows:');
  });

  it('parses the shipped knowledge documents', async () => {
    const article = await parseDocumentFile(
      'bac-kan-chuong-trinh-trong-tam-dai-hoi.md',
      readFileSync(new URL('../knowledge/bac-kan-chuong-trinh-trong-tam-dai-hoi.md', import.meta.url)),
    );
    expect(article.meta).toEqual({
      id: 'bac-kan-chuong-trinh-trong-tam-dai-hoi',
      title: 'Thực hiện chương trình trọng tâm Đại hội Đảng bộ thành phố Bắc Kạn',
      kind: 'news',
      author: 'Minh Cường',
      source: 'Bài viết của tác giả Minh Cường (nguồn gốc trang đăng chưa rõ)',
    });
    const table = await parseDocumentFile(
      'bac-kan-cong-trinh-trong-diem.csv',
      readFileSync(new URL('../knowledge/bac-kan-cong-trinh-trong-diem.csv', import.meta.url)),
    );
    expect(table.blocks).toHaveLength(6);
    expect(table.blocks.every((b) => b.record)).toBe(true);
    expect(table.blocks[0].text).toBe('Công trình: Công trình cầu Đội Kỳ; Tình trạng: được xây dựng và hoàn thiện');
  });
});
