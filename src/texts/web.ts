// What the web chat and the HTTP API say to people: JSON error messages, and the strings the chat
// page shows (sent to the page by GET /api/info so no sentence lives in the page's script).
import { botTexts } from './bot.js';

export const webTexts = {
  errors: {
    invalidJson: 'Dữ liệu gửi lên không phải JSON hợp lệ.',
    emptyBody: 'Yêu cầu không có nội dung; hãy gửi JSON dạng {"question": "..."}.',
    bodyTooLarge: (kb: number) => `Dữ liệu gửi lên quá lớn (tối đa ${kb} KB).`,
    unsupportedMediaType: 'Kiểu dữ liệu không được hỗ trợ; hãy gửi JSON với tiêu đề Content-Type: application/json.',
    invalidAsk:
      'Yêu cầu không hợp lệ: cần JSON dạng {"question": "câu hỏi", "conversationId": "mã hội thoại (tùy chọn, 8–64 ký tự A-Z a-z 0-9 _ -)"}.',
    invalidFeedback: 'Đánh giá không hợp lệ: cần {"questionId": số, "conversationId": "...", "vote": "up" hoặc "down"}.',
    questionTooLong: (max: number) => `Câu hỏi dài quá (tối đa ${max} ký tự). Bạn vui lòng hỏi ngắn gọn trong một hai câu.`,
    rateLimited: (seconds: number) => `Bạn gửi quá nhiều yêu cầu. Vui lòng chờ khoảng ${seconds} giây rồi thử lại.`,
    notFound: 'Không tìm thấy địa chỉ này.',
    feedbackUnknown: 'Không tìm thấy câu trả lời này để đánh giá.',
    adminOff: 'API quản trị đang tắt (admin API is off): máy chủ chưa đặt biến ADMIN_TOKEN.',
    unauthorized: 'Cần mã quản trị hợp lệ trong tiêu đề Authorization: Bearer <ADMIN_TOKEN>.',
    tooManyFailures: (seconds: number) => `Sai mã xác thực quá nhiều lần từ địa chỉ này. Vui lòng thử lại sau ${seconds} giây.`,
    invalidRole: 'Quyền không hợp lệ: cần {"role": "staff" hoặc "admin"}; kênh là telegram hoặc zalo.',
    roleNotFound: 'Người này không có quyền nào được cấp qua API (quyền trong biến môi trường chỉ đổi được ở đó).',
    invalidReviewQuery: 'Tham số không hợp lệ: vote là "up" hoặc "down", limit từ 1 đến 500.',
    uploadMissing: 'Cần gửi một tệp: dạng multipart (trường "file") hoặc nội dung tệp với ?name=ten-tep.md.',
    documentRejected: (reason: string) => `Không nạp được tài liệu: ${reason}. Chưa có gì được lưu.`,
    internal: 'Đã có lỗi máy chủ. Bạn vui lòng thử lại sau ít phút.',
  },

  /** Strings of the chat page, filled in by chat.js. */
  ui: {
    title: (city: string) => (city ? `Hỏi đáp – thành phố ${city}` : 'Hỏi đáp với thành phố'),
    intro: (city: string, documents: number) =>
      `Hỏi về nghị quyết, chương trình, kế hoạch và dự án của ${city ? `thành phố ${city}` : 'thành phố'}. ` +
      `Câu trả lời dựa trên ${documents} tài liệu chính thức và luôn ghi nguồn. Có thể gõ có dấu hoặc không dấu.`,
    example: (question: string) => `Ví dụ: "${question}"`,
    placeholder: 'Nhập câu hỏi của bạn…',
    send: 'Gửi',
    newConversation: 'Cuộc trò chuyện mới',
    thinking: 'Đang tìm trong tài liệu…',
    sources: botTexts.sourcesLabel,
    openSource: 'Mở văn bản gốc',
    number: 'số',
    page: 'trang',
    issuer: 'của',
    author: 'tác giả',
    undated: botTexts.citationUndated,
    sourceLabel: 'nguồn:',
    helpful: 'Câu trả lời hữu ích',
    notHelpful: 'Câu trả lời chưa đúng',
    thanks: 'Cảm ơn bạn đã đánh giá!',
    thanksDown: 'Cảm ơn bạn! Cán bộ sẽ xem lại câu trả lời này.',
    reasonPrompt: 'Câu trả lời chưa đúng ở đâu? (không bắt buộc)',
    reasonPlaceholder: 'Ví dụ: thông tin đã cũ, không trả lời đúng câu hỏi…',
    reasonSend: 'Gửi góp ý',
    reasonThanks: 'Đã gửi góp ý. Cảm ơn bạn!',
    error: 'Xin lỗi, đã có lỗi khi xử lý câu hỏi. Bạn vui lòng thử lại sau ít phút.',
    you: 'Bạn',
    bot: 'Trợ lý',
  },
} as const;

export type WebUiTexts = { [K in keyof typeof webTexts.ui]: string };

/** The page's strings with the city filled in, as sent by GET /api/info. */
export function uiTexts(city: string, documents: number, exampleQuestion: string): WebUiTexts {
  const { title, intro, example, ...rest } = webTexts.ui;
  return { ...rest, title: title(city), intro: intro(city, documents), example: example(exampleQuestion) };
}
