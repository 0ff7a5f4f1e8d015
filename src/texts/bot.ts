// What the bot says to residents, staff and admins on every messaging channel. Channels pass their
// own way of naming an action (Telegram "/dangky", Zalo "đăng ký") so the wording stays one.
import type { DocumentInfo, IngestSummary } from '../domain/index.js';
import { flaggedLines } from './ingest.js';

export interface ActionNames {
  subscribe: string;
  unsubscribe: string;
  sources: string;
  forget: string;
  help: string;
  /** Cases: send a question to staff, report a problem, follow one's cases. */
  handoff: string;
  report: string;
  follow: string;
}

const cityOf = (city: string) => (city ? `thành phố ${city}` : 'thành phố');

export const botTexts = {
  greeting: (city: string, a: ActionNames, example: string) =>
    [
      `Xin chào! Tôi là trợ lý hỏi đáp của ${cityOf(city)}.`,
      `Tôi trả lời các câu hỏi về nghị quyết, chương trình, kế hoạch và tiến độ các công trình, dự án của ${cityOf(city)}, dựa trên văn bản chính thức và luôn ghi rõ nguồn.`,
      '',
      `Cách hỏi: gõ câu hỏi bằng tiếng Việt, có dấu hoặc không dấu. Ví dụ: "${example}"`,
      `Cần cán bộ trả lời: ${a.handoff}. Phản ánh hiện trường (rác, vỉa hè, đèn đường…): ${a.report}.`,
      `Nhận thông báo của thành phố: ${a.subscribe}. Xem hướng dẫn: ${a.help}.`,
    ].join('\n'),
  help: (a: ActionNames) =>
    [
      'Tôi có thể giúp bạn:',
      '• Hỏi về nghị quyết, chương trình, dự án: gõ câu hỏi, có dấu hoặc không dấu.',
      `• ${a.subscribe}: đăng ký nhận thông báo theo chủ đề và phường/xã.`,
      `• ${a.unsubscribe}: hủy nhận thông báo.`,
      `• ${a.sources}: xem các tài liệu tôi đang dùng để trả lời.`,
      `• ${a.handoff}: gửi câu hỏi tới cán bộ khi tôi chưa trả lời được.`,
      `• ${a.report}: phản ánh hiện trường (rác thải, vỉa hè, đèn đường…) kèm ảnh và vị trí.`,
      `• ${a.follow}: xem tiến độ câu hỏi, phản ánh đã gửi; nhắn "<mã hồ sơ> <nội dung>" để viết thêm vào hồ sơ.`,
      `• ${a.forget}: xóa mọi dữ liệu về bạn (hội thoại, đăng ký, đánh giá, hồ sơ gửi cán bộ).`,
    ].join('\n'),
  sourcesHeader: (count: number) =>
    count ? `Tôi đang trả lời dựa trên ${count} tài liệu:` : 'Hiện chưa có tài liệu nào trong kho dữ liệu.',
  sourceLine: (d: DocumentInfo, i: number) =>
    `${i + 1}. ${d.title}${d.number ? ` (số ${d.number})` : ''}${d.issued ? `, ngày ${formatDate(d.issued)}` : ', chưa rõ ngày ban hành'}`,
  sourcesLabel: 'Nguồn:',
  citationNumber: (number: string) => `số ${number}`,
  citationPage: (page: number) => `trang ${page}`,
  citationIssuer: (issuer: string) => `của ${issuer}`,
  citationAuthor: (author: string) => `tác giả ${author}`,
  citationUndated: 'không ghi ngày',
  citationSource: (source: string) => `nguồn: ${source}`,
  nonText:
    'Xin lỗi, tôi chỉ đọc được tin nhắn chữ. Bạn hãy gõ câu hỏi về nghị quyết, chương trình hoặc dự án của thành phố, tôi sẽ trả lời kèm nguồn.',
  rateLimited: 'Bạn gửi hơi nhanh, xin chờ vài giây rồi hỏi tiếp nhé.',
  busy: 'Tôi đang xử lý câu hỏi trước của bạn, xin chờ giây lát.',
  error: 'Xin lỗi, đã có lỗi khi xử lý câu hỏi. Bạn vui lòng thử lại sau ít phút.',
  feedbackThanks: 'Cảm ơn bạn đã đánh giá!',
  feedbackDownThanks: 'Cảm ơn bạn! Cán bộ sẽ xem lại câu trả lời này. Nếu muốn, nhắn "góp ý: …" để cho biết chưa đúng ở đâu.',
  reasonThanks: 'Đã ghi nhận góp ý của bạn. Cảm ơn bạn!',
  feedbackUnknown: 'Không tìm thấy câu trả lời này để đánh giá.',
  notAllowed: 'Xin lỗi, bạn không có quyền dùng chức năng này.',

  subscribeChooseTopics: 'Chọn chủ đề bạn muốn nhận thông báo (có thể chọn nhiều), rồi bấm "Tiếp tục":',
  subscribeChooseWard: 'Chọn phường/xã bạn muốn nhận thông báo (có thể chọn nhiều), rồi bấm "Tiếp tục"; hoặc chọn "Toàn thành phố":',
  allTopics: 'Tất cả chủ đề',
  wholeCity: 'Toàn thành phố',
  next: 'Tiếp tục',
  cancel: 'Hủy',
  cancelled: 'Đã hủy.',
  subscribeConfirm: (topics: string[], wards: string[]) => `Bạn sẽ nhận thông báo:\n${choiceLines(topics, wards)}\nXác nhận đăng ký?`,
  confirmSubscribe: 'Đăng ký',
  subscribed: (topics: string[], wards: string[]) => `Đã đăng ký nhận thông báo.\n${choiceLines(topics, wards)}`,
  unsubscribed: 'Đã hủy đăng ký. Bạn sẽ không nhận thông báo nữa.',
  notSubscribed: 'Bạn chưa đăng ký nhận thông báo.',
  forgotten:
    'Đã xóa toàn bộ dữ liệu của bạn: hội thoại, câu hỏi, đánh giá, đăng ký nhận thông báo, và thông tin cá nhân, ảnh trong các hồ sơ gửi cán bộ.',
  forgetConfirm:
    'Bạn có chắc muốn xóa toàn bộ dữ liệu của mình (hội thoại, đăng ký, đánh giá, thông tin và ảnh trong hồ sơ gửi cán bộ)? Việc này không thể hoàn tác.',
  yesDelete: 'Xóa',

  refreshStarted: 'Đang cập nhật kho dữ liệu…',
  refreshDone: (s: IngestSummary) =>
    [
      `Đã cập nhật kho dữ liệu trong ${s.seconds.toFixed(1)} giây.`,
      `Thêm ${s.added} · sửa ${s.changed} · xóa ${s.removed} · không đổi ${s.unchanged} · ${s.chunks} đoạn.`,
      ...(s.failed.length ? ['Không đọc được:', ...s.failed.map((f) => `• ${f.path}: ${f.reason}`)] : []),
      ...flaggedLines(s),
    ].join('\n'),
  refreshFailed: (reason: string) => `Không cập nhật được kho dữ liệu: ${reason}. Kho dữ liệu cũ vẫn đang được dùng.`,
  uploadRejected: (name: string, reason: string) => `Không thêm được tệp "${name}": ${reason}. Kho dữ liệu cũ vẫn đang được dùng.`,
  uploadUnsupported: (name: string) => `Tệp "${name}" không được hỗ trợ. Hãy gửi PDF, DOCX, MD, TXT, HTML, CSV hoặc YAML.`,
  /** In place of a library or system error, which stays in the server log. */
  internalReason: 'lỗi hệ thống, chi tiết đã được ghi vào nhật ký máy chủ',

  progressHeader: 'Tiến độ các thông báo gần đây:',
  progressNone: 'Chưa có thông báo nào.',
  progressLine: (id: number, title: string, status: string, line: string) => `Số ${id} «${title}» (${status})\n${line}`,
  /** The author's live status of an announcement being sent (edited in place on Telegram). */
  sendingStatus: (id: number, status: string, line: string) => `Thông báo số ${id}: ${status}\n${line}`,
  stopSending: (id: number) => `Dừng gửi số ${id}`,
  stopped: (id: number) => `Đã dừng gửi thông báo số ${id}. Những người chưa nhận sẽ không nhận nữa.`,
  stopRefused: (problems: string[]) => `Không dừng được:\n${problems.map((p) => `• ${p}`).join('\n')}`,
} as const;

/** "2025-03-07" → "07/03/2025"; anything else is shown as given. */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** What a subscription covers, as the resident chose it; nothing chosen means all. */
function choiceLines(topics: string[], wards: string[]): string {
  return `Chủ đề: ${topics.length ? topics.join(', ') : 'tất cả'}\nKhu vực: ${wards.length ? wards.join(', ') : 'toàn thành phố'}`;
}
