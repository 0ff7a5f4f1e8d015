// What the retrieval engine says when it cannot serve: the index is missing or was built by
// another embedder, or the embedding server answers with vectors that do not fit. Administrators
// read these in logs, the ingest CLI and the admin page.
type Embedder = { id: string; dimensions: number };

export const engineTexts = {
  indexMissing: (dir: string) =>
    `Chưa có chỉ mục tri thức tại ${dir}. Hãy chạy npm run ingest để xây chỉ mục từ thư mục tài liệu.`,
  indexMismatch: (built: Embedder, configured: Embedder) =>
    `Chỉ mục tri thức được xây bằng bộ nhúng "${built.id}" (${built.dimensions} chiều), ` +
    `nhưng cấu hình hiện tại dùng "${configured.id}" (${configured.dimensions} chiều). ` +
    `Hai loại vector không dùng chung được: hãy chạy lại npm run ingest để xây lại chỉ mục ` +
    `(hoặc trả EMBEDDING_PROVIDER/EMBEDDING_MODEL/EMBEDDING_DIMENSIONS về như cũ).`,
  embeddingCountMismatch: (got: number, sent: number) => `Máy chủ embeddings trả về ${got} vector cho ${sent} đoạn văn.`,
  embeddingDimensionMismatch: (model: string, got: number, configured: number) =>
    `Mô hình ${model} trả về vector ${got} chiều, nhưng EMBEDDING_DIMENSIONS=${configured}. ` +
    `Hãy đặt EMBEDDING_DIMENSIONS=${got} rồi chạy lại npm run ingest.`,
} as const;
