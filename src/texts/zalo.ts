// What the bot says only on Zalo: keyword hints (Zalo has no command menu or buttons) and numbered
// lists answered with numbers. Everything said on every channel is in ./bot.ts.
import type { BroadcastChannel } from '../domain/index.js';
import { announceTexts } from './announce.js';
import type { ActionNames } from './bot.js';
import { botTexts } from './bot.js';
import { broadcastTexts } from './broadcast.js';

const announce = announceTexts({ cancel: 'gõ "hủy"', restart: 'gõ "thông báo"' });

/** How residents reach each action on Zalo: by typing the keyword. */
export const zaloActions: ActionNames = {
  subscribe: 'gõ "đăng ký"',
  unsubscribe: 'gõ "hủy"',
  sources: 'gõ "nguồn"',
  forget: 'gõ "xóa dữ liệu"',
  help: 'gõ "hướng dẫn"',
  handoff: 'gõ "gặp cán bộ"',
  report: 'gõ "phản ánh"',
  follow: 'gõ "theo dõi"',
};

const numbered = (items: string[], zero: string) => [`0. ${zero}`, ...items.map((label, i) => `${i + 1}. ${label}`)].join('\n');

export const zaloTexts = {
  feedbackHint: 'Trả lời 👍 hoặc 👎 để đánh giá',

  subscribeTopics: (labels: string[]) =>
    `Chọn chủ đề bạn muốn nhận thông báo: trả lời bằng các số, ví dụ "1 3".\n${numbered(labels, botTexts.allTopics)}\nGõ "hủy" để thôi.`,
  subscribeWard: (wards: string[]) =>
    `Chọn phường/xã bạn muốn nhận thông báo: trả lời bằng các số, ví dụ "1 3".\n${numbered(wards, botTexts.wholeCity)}\nGõ "hủy" để thôi.`,
  subscribeConfirm: (topics: string[], wards: string[]) =>
    `${botTexts.subscribeConfirm(topics, wards)}\nGõ "đồng ý" để xác nhận hoặc "hủy" để thôi.`,
  pickNumbers: (max: number) => `Xin trả lời bằng các số từ 0 đến ${max}, ví dụ "1 3", hoặc gõ "hủy" để thôi.`,
  forgetConfirm: `${botTexts.forgetConfirm}\nGõ "xóa" để xác nhận hoặc "hủy" để thôi.`,

  announceAskText:
    'Gửi nội dung thông báo trong một tin nhắn: dòng đầu là tiêu đề, các dòng sau là nội dung. Có thể gửi kèm một ảnh (viết tiêu đề và nội dung ở phần chú thích). Gõ "hủy" để thôi.',
  announceNeedsBody: announce.needsBody,
  announceAskTime: announce.askTime,
  announceBadTime: announce.badTime,
  announceTopics: (labels: string[]) =>
    `Thông báo thuộc chủ đề nào? Trả lời bằng các số, ví dụ "1 3".\n${numbered(labels, 'Mọi chủ đề (gửi cho mọi người đăng ký)')}`,
  announceWards: (wards: string[]) => `Gửi cho phường/xã nào? Trả lời bằng các số, ví dụ "2 5".\n${numbered(wards, botTexts.wholeCity)}`,
  announcePreview: (text: string, recipients: Partial<Record<BroadcastChannel, number>>, total: number) =>
    ['Xem trước — người nhận sẽ thấy đúng như sau:', '────────', text, '────────', broadcastTexts.recipients(recipients, total)].join('\n'),
  announceConfirm: 'Gõ "gửi" để gửi ngay, "hẹn giờ" để chọn giờ gửi, hoặc "hủy" để hủy thông báo này.',
  announceRejected: announce.rejected,
  announceRefused: announce.refused,
  announceSending: (id: number, total: number) =>
    `Đang gửi thông báo số ${id} tới ${total} người. Khi xong tôi sẽ gửi báo cáo. Gõ "tiến độ" để xem tiến độ, "dừng gửi ${id}" để dừng.`,
  announceCancelled: announce.cancelled,

  /** Zalo's Bot API sends photos by URL only: other attachments go as a link under the text. */
  attachmentLink: (url: string) => `Tệp đính kèm: ${url}`,

  /** Under the progress list when some announcement can still be stopped. */
  stopHint: 'Gõ "dừng gửi <số>" để dừng một thông báo đang gửi hoặc đã hẹn giờ.',
} as const;
