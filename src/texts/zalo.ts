// What the bot says only on Zalo: keyword hints (Zalo has no command menu or buttons) and numbered
// lists answered with numbers. Everything said on every channel is in ./bot.ts.
import type { ActionNames } from './bot.js';
import { botTexts } from './bot.js';

/** How residents reach each action on Zalo: by typing the keyword. */
export const zaloActions: ActionNames = {
  subscribe: 'gõ "đăng ký"',
  unsubscribe: 'gõ "hủy"',
  sources: 'gõ "nguồn"',
  forget: 'gõ "xóa dữ liệu"',
  help: 'gõ "hướng dẫn"',
};

const numbered = (items: string[], zero: string) => [`0. ${zero}`, ...items.map((label, i) => `${i + 1}. ${label}`)].join('\n');

const STATUS: Record<string, string> = {
  draft: 'bản nháp',
  scheduled: 'đã hẹn giờ',
  sending: 'đang gửi',
  done: 'đã gửi xong',
  cancelled: 'đã hủy',
};

export interface ProgressView {
  id: number;
  title: string;
  status: string;
  total: number;
  sent: number;
  failed: number;
  blocked: number;
  pending: number;
  etaSeconds?: number;
}

export const zaloTexts = {
  feedbackHint: 'Trả lời 👍 hoặc 👎 để đánh giá',

  subscribeTopics: (labels: string[]) =>
    `Chọn chủ đề bạn muốn nhận thông báo: trả lời bằng các số, ví dụ "1 3".\n${numbered(labels, botTexts.allTopics)}\nGõ "hủy" để thôi.`,
  subscribeWard: (wards: string[]) =>
    `Chọn phường/xã nơi bạn sống: trả lời bằng một số.\n${numbered(wards, botTexts.wholeCity)}\nGõ "hủy" để thôi.`,
  pickNumbers: (max: number) => `Xin trả lời bằng các số từ 0 đến ${max}, ví dụ "1 3", hoặc gõ "hủy" để thôi.`,
  pickOne: (max: number) => `Xin trả lời bằng một số từ 0 đến ${max}, hoặc gõ "hủy" để thôi.`,
  forgetConfirm: `${botTexts.forgetConfirm}\nGõ "xóa" để xác nhận hoặc "hủy" để thôi.`,

  announceAskText:
    'Gửi nội dung thông báo trong một tin nhắn: dòng đầu là tiêu đề, các dòng sau là nội dung. Gõ "hủy" để thôi.',
  announceNeedsBody: 'Thông báo cần có tiêu đề (dòng đầu) và nội dung (từ dòng thứ hai). Xin gửi lại, hoặc gõ "hủy" để thôi.',
  announceTopics: (labels: string[]) =>
    `Thông báo thuộc chủ đề nào? Trả lời bằng các số, ví dụ "1 3".\n${numbered(labels, 'Mọi chủ đề (gửi cho mọi người đăng ký)')}`,
  announceWards: (wards: string[]) =>
    `Gửi cho phường/xã nào? Trả lời bằng các số, ví dụ "2 5".\n${numbered(wards, botTexts.wholeCity)}`,
  announcePreview: (text: string, recipients: Record<string, number>, total: number) =>
    [
      'Xem trước — người nhận sẽ thấy đúng như sau:',
      '────────',
      text,
      '────────',
      `Sẽ gửi tới ${total} người (Telegram: ${recipients.telegram ?? 0}, Zalo: ${recipients.zalo ?? 0}).`,
    ].join('\n'),
  announceConfirm: 'Gõ "gửi" để gửi ngay, hoặc "hủy" để hủy thông báo này.',
  announceRejected: (problems: string[]) => `Không tạo được thông báo:\n${problems.map((p) => `• ${p}`).join('\n')}`,
  /** Sending or cancelling refused, e.g. the announcement changed state meanwhile. */
  announceRefused: (problems: string[]) => `Không thực hiện được:\n${problems.map((p) => `• ${p}`).join('\n')}`,
  announceSending: (id: number, total: number) => `Đang gửi thông báo #${id} tới ${total} người. Gõ "tiến độ" để xem tiến độ.`,
  announceCancelled: 'Đã hủy thông báo, chưa gửi cho ai.',

  /** Zalo's Bot API sends photos by URL only: other attachments go as a link under the text. */
  attachmentLink: (url: string) => `Tệp đính kèm: ${url}`,

  progressEmpty: 'Chưa có thông báo nào.',
  progressHeader: 'Các thông báo gần đây:',
  progressLine: (p: ProgressView) =>
    `#${p.id} ${p.title} — ${STATUS[p.status] ?? p.status}: đã gửi ${p.sent}/${p.total}, lỗi ${p.failed}, bị chặn ${p.blocked}, đang chờ ${p.pending}` +
    (p.pending && p.etaSeconds !== undefined ? `, còn khoảng ${Math.ceil(p.etaSeconds)} giây` : ''),
} as const;
