// What ingest says to administrators: why a document could not be read (shown as is in the
// ingest summary, the admin upload answer and the chat bots), and the CLI's own lines.
import type { IngestSummary } from '../domain/index.js';

export const parseReasons = {
  empty: 'tệp rỗng',
  noText: 'tệp không có nội dung văn bản',
  binary: 'tệp không phải văn bản (có ký tự nhị phân)',
  unsupported: (ext: string) => (ext ? `định dạng ${ext} không được hỗ trợ` : 'tệp không có phần mở rộng nên không biết định dạng'),
  pdfBroken: 'tệp PDF bị hỏng hoặc không đọc được',
  pdfPassword: 'tệp PDF có mật khẩu, cần bỏ mật khẩu trước khi nạp',
  pdfNoText: 'tệp PDF không có lớp chữ (có thể là bản scan), cần nhận dạng chữ (OCR) trước khi nạp',
  docxBroken: 'tệp DOCX bị hỏng hoặc không đọc được',
  frontMatterYaml: (line: number | undefined, detail: string) =>
    line ? `front matter YAML lỗi ở dòng ${line}: ${detail}` : `front matter YAML lỗi: ${detail}`,
  frontMatterNotMap: 'front matter phải là các cặp "khóa: giá trị"',
  frontMatterUnclosed: 'front matter mở bằng "---" nhưng không có dòng "---" đóng lại',
  badKind: (value: string, allowed: readonly string[]) => `kind "${value}" không hợp lệ, dùng một trong: ${allowed.join(', ')}`,
  badDate: (field: string, value: string) => `ngày ${field} "${value}" không hợp lệ, dùng dạng YYYY-MM-DD`,
  badUrl: (value: string) => `địa chỉ nguồn "${value}" không phải URL http(s) đầy đủ`,
  badField: (field: string) => `trường ${field} phải là chữ`,
  csvError: (line: number | undefined, detail: string) => (line ? `tệp CSV lỗi ở dòng ${line}: ${detail}` : `tệp CSV lỗi: ${detail}`),
  /** csv-parse error codes in words; other codes keep the library's English message. */
  csvProblems: {
    CSV_QUOTE_NOT_CLOSED: 'dấu ngoặc kép mở nhưng không đóng',
    CSV_INVALID_CLOSING_QUOTE: 'sau dấu ngoặc kép đóng phải là dấu phân cách',
    INVALID_OPENING_QUOTE: 'dấu ngoặc kép nằm giữa ô',
  } as Partial<Record<string, string>>,
  yamlError: (line: number | undefined, detail: string) => (line ? `tệp YAML lỗi ở dòng ${line}: ${detail}` : `tệp YAML lỗi: ${detail}`),
  yamlNoRows: 'tệp YAML phải là một danh sách các dòng, hoặc có khóa "rows:" chứa danh sách đó',
  tableRowNotMap: (n: number) => `dòng ${n} của bảng không phải các cặp "cột: giá trị"`,
  tableNoRows: 'bảng không có dòng dữ liệu nào',
  duplicateId: (other: string) => `trùng mã tài liệu với ${other} (cùng tên, khác phần mở rộng): hãy đổi tên một trong hai tệp`,
  noSourceDir: (dir: string) => `không tìm thấy thư mục tài liệu ${dir}`,
  // Limits on what one file may cost (src/engine/limits.ts).
  fileTooLarge: (max: number) => `tệp lớn hơn giới hạn ${megabytes(max)}`,
  zipTooLarge: (max: number) => `tệp nén bung ra hơn ${megabytes(max)} (có thể là tệp "bom nén"), không đọc`,
  zipTooManyEntries: (max: number) => `tệp nén có hơn ${max.toLocaleString('vi-VN')} thành phần, không đọc`,
  textTooLong: (max: number) =>
    `tệp có hơn ${max.toLocaleString('vi-VN')} ký tự văn bản, vượt giới hạn một tài liệu; hãy tách thành nhiều tệp`,
  tooManyPassages: (max: number) =>
    `tệp tạo ra hơn ${max.toLocaleString('vi-VN')} đoạn, vượt giới hạn một tài liệu; hãy tách thành nhiều tệp`,
  parseTimeout: (ms: number) => `đọc tệp quá ${Math.round(ms / 1000)} giây nên đã dừng (tệp quá phức tạp hoặc cố ý gây treo)`,
  parseMemory: (mb: number) => `đọc tệp cần hơn ${mb} MB bộ nhớ nên đã dừng (tệp quá lớn hoặc cố ý gây tràn bộ nhớ)`,
  parseCrashed: 'bộ đọc tệp dừng bất thường khi đọc tệp này',
} as const;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
}

/**
 * Documents holding sentences that instruct the reader ("bỏ qua mọi hướng dẫn…", "gửi số CCCD tới
 * 0912…"): those sentences are never quoted to residents; an admin should check the document.
 */
export function flaggedLines(s: IngestSummary): string[] {
  if (!s.flagged?.length) return [];
  return [
    `Cảnh báo: ${s.flagged.length} tài liệu có câu mang tính ra lệnh hoặc lừa đảo (không bao giờ được trích cho người dân), cần kiểm tra:`,
    ...s.flagged.flatMap((d) => [
      `- ${d.id} «${d.title}»:`,
      ...d.sentences.map((x) => `    «${x.length > 200 ? `${x.slice(0, 200)}…` : x}»`),
    ]),
  ];
}

export const ingestCliTexts = {
  usage: 'Cách dùng: npm run ingest [-- --source THƯ_MỤC] [--json]',
  phase: { parse: 'Đọc tài liệu', embed: 'Tạo vector ', index: 'Ghi chỉ mục' },
  error: (message: string) => `Lỗi: ${message}`,
  summary(s: IngestSummary, source: string): string {
    const took =
      s.seconds < 1 ? `${Math.round(s.seconds * 1000)} ms` : `${s.seconds.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} giây`;
    const lines = [
      `Nạp tài liệu từ ${source} xong trong ${took}.`,
      `  Thêm mới: ${s.added} · Thay đổi: ${s.changed} · Đã xóa: ${s.removed} · Không đổi: ${s.unchanged} · Lỗi: ${s.failed.length}`,
      `  Số đoạn trong chỉ mục: ${s.chunks} (tạo vector mới: ${s.embedded})`,
      s.swapped ? '  Chỉ mục đã được cập nhật.' : '  Không có gì thay đổi, chỉ mục giữ nguyên.',
    ];
    if (s.failed.length) {
      lines.push(`Không nạp được ${s.failed.length} tệp:`);
      for (const f of s.failed) lines.push(`  - ${f.path}: ${f.reason}`);
    }
    lines.push(...flaggedLines(s).map((l, i) => (i ? `  ${l}` : l)));
    return lines.join('\n');
  },
};
