// Wording only the Telegram channel uses: command names and descriptions, buttons, and the staff
// announcement flow. Shared wording (answers, subscriptions, refusals) is in ./bot.ts.
import { announceTexts } from './announce.js';
import type { ActionNames } from './bot.js';

const announce = announceTexts({ cancel: 'gõ /huy', restart: 'gõ /thongbao' });

/** How Telegram names each resident action inside the shared texts. */
export const telegramActions: ActionNames = {
  subscribe: '/dangky',
  unsubscribe: '/huy',
  sources: '/nguon',
  forget: '/xoadulieu',
  help: '/help',
  handoff: '/canbo',
  report: '/phananh',
  follow: '/theodoi',
};

/** Shown in Telegram's command menu (setMyCommands); at most 256 characters each. */
export const commandDescriptions = {
  start: 'Bắt đầu: giới thiệu và cách hỏi',
  help: 'Hướng dẫn sử dụng',
  dangky: 'Đăng ký nhận thông báo theo chủ đề, phường/xã',
  huy: 'Hủy nhận thông báo',
  nguon: 'Các tài liệu bot đang dùng để trả lời',
  canbo: 'Gửi câu hỏi tới cán bộ',
  phananh: 'Phản ánh hiện trường (ảnh, vị trí)',
  theodoi: 'Xem tiến độ hồ sơ đã gửi',
  xoadulieu: 'Xóa mọi dữ liệu của tôi',
  thongbao: 'Cán bộ: soạn và gửi thông báo',
  tiendo: 'Cán bộ: tiến độ gửi thông báo',
  xuly: 'Cán bộ: đổi trạng thái hồ sơ (/xuly BK-000123 đang xử lý)',
  capnhat: 'Quản trị: cập nhật kho dữ liệu',
} as const;

export const telegramTexts = {
  voteUp: '👍',
  voteDown: '👎',
  checked: (label: string) => `✅ ${label}`,
  /** A button of a step that is over (done, cancelled or timed out): nothing is done. */
  buttonExpired: 'Nút này đã hết hạn. Bạn gõ lại lệnh để bắt đầu lại nhé.',
  forgetKeep: 'Không xóa',

  announceAskText:
    'Soạn thông báo: gửi một tin nhắn, dòng đầu là tiêu đề, các dòng sau là nội dung. Có thể gửi kèm một ảnh hoặc tệp (khi đó viết tiêu đề và nội dung ở phần chú thích). Gõ /huy để thôi.',
  announceNeedText: 'Tôi cần một tin nhắn chữ, hoặc một ảnh/tệp có chú thích. Gõ /huy để thôi.',
  announceChooseTopic: 'Gửi cho người đăng ký chủ đề nào? Bấm chọn một hoặc nhiều chủ đề rồi bấm "Tiếp tục".',
  announceChooseWard: 'Gửi cho phường/xã nào? Bấm chọn một hoặc nhiều phường/xã rồi bấm "Tiếp tục".',
  announceProblems: announce.rejected,
  announceRefused: announce.refused,
  announceCancelled: announce.cancelled,
  announcePreviewHeader: 'Xem trước, đúng như người dân sẽ nhận:',
  sendNow: 'Gửi ngay',
  schedule: 'Hẹn giờ gửi',
  announceAskTime: announce.askTime,
  announceBadTime: announce.badTime,
  announceNeedsBody: announce.needsBody,
  announceStarted: (id: number) =>
    `Đang gửi thông báo số ${id}. Tiến độ hiện ngay bên dưới và tự cập nhật; khi xong tôi sẽ gửi báo cáo. Muốn dừng: /tiendo.`,
  announceAttachmentFailed: (reason: string) =>
    `Không nhận được ảnh/tệp: ${reason}. Hãy gửi lại (ảnh hoặc tệp dưới 20 MB), hoặc chỉ gửi chữ. Gõ /huy để thôi.`,
  fileTooBig: 'tệp lớn hơn 20 MB, Telegram không cho bot tải về',
  fileUnavailable: 'không tải được tệp từ Telegram (lỗi mạng, hoặc tệp không còn)',
  fileTimeout: 'tải tệp từ Telegram quá lâu nên đã dừng',
  uploadReceived: (name: string) => `Đã nhận tệp «${name}», đang thêm vào kho dữ liệu…`,
} as const;
