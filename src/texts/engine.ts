// What the retrieval engine says when it cannot serve: the index is missing or was built by
// another embedder, the embedding server answers with vectors that do not fit, another process
// is ingesting, or an upload duplicates a document already there. Administrators read these in
// logs, the ingest CLI and the admin page.
type Embedder = { id: string; dimensions?: number };

const described = (e: Embedder) => (e.dimensions ? `"${e.id}" (${e.dimensions} chiều)` : `"${e.id}"`);

export const engineTexts = {
  indexMissing: (dir: string) => `Chưa có chỉ mục tri thức tại ${dir}. Hãy chạy npm run ingest để xây chỉ mục từ thư mục tài liệu.`,
  indexBuildingSoon: (dir: string) =>
    `Chưa có chỉ mục tri thức dùng được tại ${dir}; dịch vụ sẽ tự xây chỉ mục từ thư mục tài liệu ngay sau khi khởi động.`,
  indexMismatch: (built: Embedder, configured: Embedder) =>
    `Chỉ mục tri thức được xây bằng bộ nhúng ${described(built)}, ` +
    `nhưng cấu hình hiện tại dùng ${described(configured)}. ` +
    `Hai loại vector không dùng chung được: hãy chạy lại npm run ingest để xây lại chỉ mục ` +
    `(hoặc trả EMBEDDING_PROVIDER/EMBEDDING_MODEL/EMBEDDING_DIMENSIONS về như cũ).`,
  embeddingCountMismatch: (got: number, sent: number) => `Máy chủ embeddings trả về ${got} vector cho ${sent} đoạn văn.`,
  embeddingDimensionMismatch: (model: string, got: number, configured: number) =>
    `Mô hình ${model} trả về vector ${got} chiều, nhưng EMBEDDING_DIMENSIONS=${configured}. ` +
    `Hãy đặt EMBEDDING_DIMENSIONS=${got} rồi chạy lại npm run ingest.`,
  embeddingDimensionChanged: (model: string, got: number, expected: number) =>
    `Mô hình ${model} trả về vector ${got} chiều, nhưng chỉ mục hiện có được xây với vector ${expected} chiều ` +
    `(máy chủ đã đổi mô hình dưới cùng một tên?). Hãy xoá thư mục chỉ mục (DATA_DIR/index) rồi chạy lại npm run ingest.`,
  ingestLocked: (owner: { pid: number; startedAt: string; command: string }, waitedSeconds: number, lockFile: string) =>
    `Một tiến trình khác đang nạp tài liệu vào chỉ mục: pid ${owner.pid} (${owner.command || 'không rõ lệnh'}), ` +
    `bắt đầu lúc ${new Date(owner.startedAt).toLocaleString('vi-VN')}. Đã chờ ${waitedSeconds} giây mà chưa xong; ` +
    `hãy chạy lại sau khi tiến trình đó kết thúc. Nếu chắc chắn không còn tiến trình nào đang nạp, hãy xoá tệp ${lockFile}.`,
} as const;
