// What the configuration check says to the administrator starting the service or a command:
// one line per bad variable, naming it and what is expected.

export const configTexts = {
  header: 'Cấu hình không hợp lệ:',
  /** The problem of a variable zod could not name (the whole environment). */
  environment: '(môi trường)',
  currentValue: (value: string) => ` (đang là "${value}")`,
  badUrl: 'phải là một URL đầy đủ, ví dụ https://example.org',
  telegramSecretRequired: 'TELEGRAM_WEBHOOK_SECRET: bắt buộc khi đặt TELEGRAM_WEBHOOK_URL (chuỗi bí mật 1–256 ký tự A-Z a-z 0-9 _ -)',
  telegramSecretFormat: 'TELEGRAM_WEBHOOK_SECRET: chỉ gồm A-Z a-z 0-9 _ - và dài 1–256 ký tự',
  zaloSecretRequired: 'ZALO_WEBHOOK_SECRET: bắt buộc khi đặt ZALO_WEBHOOK_URL (chuỗi bí mật 8–256 ký tự)',
  zaloSecretLength: 'ZALO_WEBHOOK_SECRET: phải dài 8–256 ký tự',
  weakSecret: (name: string, problem: 'too_short' | 'whitespace' | 'low_variety') =>
    `${name}: ${
      {
        too_short: 'quá ngắn, cần ít nhất 32 ký tự',
        whitespace: 'có khoảng trắng (sẽ không bao giờ khớp)',
        low_variety: 'quá đơn điệu (lặp ký tự), dễ đoán',
      }[problem]
    }. Tạo một chuỗi ngẫu nhiên bằng: npm run token`,
  openAiEmbeddingsNeedEndpoint: 'EMBEDDING_PROVIDER: "openai" cần OPENAI_API_KEY hoặc OPENAI_BASE_URL',
  overlapTooLarge: 'CHUNK_OVERLAP_CHARS: phải nhỏ hơn CHUNK_TARGET_CHARS',
  telegramIds: (name: string, bad: string[]) =>
    `${name}: mã người dùng Telegram là số (ví dụ 123456789), không phải tên @; không hợp lệ: ${bad.map((b) => `"${b}"`).join(', ')}`,
  cityFileMissing: (file: string) => `CITY_FILE: không đọc được tệp thông tin thành phố "${file}"`,
  cityFileYaml: (file: string, detail: string) => `${file}: YAML không hợp lệ: ${detail}`,
  topicSlug: 'mã chỉ gồm a-z 0-9 - (ví dụ giao-thong)',
  badClock: 'giờ theo dạng HH:mm (ví dụ 07:30)',
  clockOrder: 'giờ kết thúc phải sau giờ bắt đầu',
  casePrefix: 'tiền tố số hồ sơ gồm 1–6 chữ cái in hoa (ví dụ BK)',
  repeated: (names: string[]) => `bị lặp: ${[...new Set(names)].map((n) => `"${n}"`).join(', ')}`,
  trustProxy: (bad: string) =>
    `TRUST_PROXY: "${bad}" không hợp lệ; dùng false, true, số lớp proxy (ví dụ 1) hoặc danh sách địa chỉ IP/CIDR của proxy cách nhau bởi dấu phẩy (ví dụ 10.0.0.1,192.168.0.0/16)`,
} as const;
