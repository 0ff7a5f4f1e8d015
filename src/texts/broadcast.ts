// Every word staff see about announcements: validation, progress, reports. Telegram, Zalo, the
// CLI and the HTTP API all show these same lines.

import type { AnnouncementStatus, BroadcastChannel, BroadcastProgress } from '../domain/index.js';
import { TIME_FORMATS } from '../domain/index.js';

const number = new Intl.NumberFormat('vi-VN');
const decimal = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });

export const channelLabel: Record<BroadcastChannel, string> = { telegram: 'Telegram', zalo: 'Zalo' };

export const statusLabel: Record<AnnouncementStatus, string> = {
  draft: 'bản nháp',
  scheduled: 'đã hẹn giờ',
  sending: 'đang gửi',
  done: 'đã gửi xong',
  cancelled: 'đã hủy',
};

function duration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} giây`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} phút`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} giờ ${m % 60} phút` : `${h} giờ`;
}

export const broadcastTexts = {
  invalidTitle: 'Thông báo có lỗi, chưa lưu:',
  emptyTitle: 'Thiếu tiêu đề.',
  emptyBody: 'Thiếu nội dung.',
  tooLong: (channel: BroadcastChannel, length: number, limit: number, asCaption: boolean) =>
    `Quá dài cho một tin ${channelLabel[channel]}${asCaption ? ' (chú thích kèm tệp)' : ''}: ${number.format(length)} ký tự, tối đa ${number.format(limit)}.`,
  unknownTopic: (slug: string, known: string[]) => `Không có chủ đề "${slug}". Các chủ đề: ${known.join(', ') || '(chưa cấu hình)'}.`,
  unknownWard: (ward: string, known: string[]) => `Không có phường/xã "${ward}". Danh sách: ${known.join(', ') || '(chưa cấu hình)'}.`,
  unknownChannel: (channel: string) => `Không có kênh "${channel}" (chỉ telegram hoặc zalo).`,
  scheduledInPast: (at: string) => `Giờ gửi ${at} đã qua.`,
  expiresBeforeSend: 'Ngày hết hạn phải sau thời điểm gửi.',
  badDate: (field: string, value: string) =>
    `${field}: không đọc được "${value}" (giờ Việt Nam, dạng ${TIME_FORMATS.join(', ')}; ngày hết hạn: dd/mm/yyyy hoặc YYYY-MM-DD).`,
  attachmentSource: 'Tệp đính kèm cần đúng một trong hai: đường dẫn tệp (path) hoặc địa chỉ (url).',
  attachmentMissing: (file: string) => `Không tìm thấy tệp đính kèm ${file}.`,
  attachmentPathNotAllowed: 'Qua API chỉ được đính kèm bằng địa chỉ (url), không bằng đường dẫn trên máy chủ.',
  emptyFile: 'Tệp thông báo trống.',
  frontMatterUnclosed: 'Phần đầu (front matter) mở bằng "---" nhưng không có dòng "---" đóng lại.',
  frontMatterBroken: (line: number, reason: string) => `Phần đầu (front matter) lỗi ở dòng ${line}: ${reason}`,
  /** The YAML parser's error codes in plain words; its English message follows in brackets. */
  yamlProblem: {
    BAD_INDENT: 'thụt lề sai, hoặc thiếu dấu đóng ] hay }',
    MISSING_CHAR: 'thiếu dấu đóng (ngoặc hoặc nháy)',
    MULTILINE_IMPLICIT_KEY: 'mỗi dòng phải có dạng "khóa: giá trị"',
    DUPLICATE_KEY: 'một khóa xuất hiện hai lần',
    TAB_AS_INDENT: 'thụt lề bằng phím Tab (hãy dùng dấu cách)',
    UNEXPECTED_TOKEN: 'có ký tự không đúng chỗ',
    BLOCK_AS_IMPLICIT_KEY: 'mỗi dòng phải có dạng "khóa: giá trị"',
  } as Record<string, string>,
  frontMatterNotMap: 'Phần đầu (front matter) phải là các dòng "khóa: giá trị".',
  frontMatterField: (field: string, expected: string) => `Phần đầu: "${field}" phải là ${expected}.`,
  frontMatterUnknown: (field: string, known: string[]) => `Phần đầu: không hiểu khóa "${field}" (dùng được: ${known.join(', ')}).`,
  aText: 'một dòng chữ',
  aList: 'một danh sách hoặc một dòng chữ',

  notFound: (id: number) => `Không có thông báo số ${id}.`,
  cannotSend: (id: number, status: AnnouncementStatus) => `Thông báo số ${id} ${statusLabel[status]}, không gửi được nữa.`,
  cannotSchedule: (id: number, status: AnnouncementStatus) => `Thông báo số ${id} ${statusLabel[status]}, không hẹn giờ được.`,
  cannotCancel: (id: number, status: AnnouncementStatus) => `Thông báo số ${id} ${statusLabel[status]}, không hủy được.`,

  recipients: (counts: Partial<Record<BroadcastChannel, number>>, total: number) =>
    `Sẽ gửi tới ${number.format(total)} người (${Object.entries(counts)
      .map(([c, n]) => `${channelLabel[c as BroadcastChannel]}: ${number.format(n ?? 0)}`)
      .join(', ')}).`,
  progress: (p: BroadcastProgress) => {
    const done = p.sent + p.failed + p.blocked + p.skipped;
    const parts = [`Đã gửi ${number.format(p.sent)}/${number.format(p.total)}`, `lỗi ${number.format(p.failed)}`];
    if (p.blocked) parts.push(`chặn bot ${number.format(p.blocked)}`);
    parts.push(`chờ ${number.format(p.total - done)}`);
    if (p.ratePerSecond > 0) parts.push(`${decimal.format(p.ratePerSecond)} tin/giây`);
    if (p.etaSeconds !== undefined && p.total - done > 0) parts.push(`còn khoảng ${duration(p.etaSeconds)}`);
    return parts.join(' · ');
  },
  finalReport: (p: BroadcastProgress, title: string) =>
    [
      `Thông báo số ${p.id} «${title}» ${statusLabel[p.status]}.`,
      `Đã gửi: ${number.format(p.sent)}/${number.format(p.total)}`,
      `Lỗi: ${number.format(p.failed)}`,
      `Đã chặn bot (ngừng gửi cho họ): ${number.format(p.blocked)}`,
      ...(p.skipped ? [`Bỏ qua do hủy: ${number.format(p.skipped)}`] : []),
    ].join('\n'),
  zaloAttachmentDropped: 'Người nhận qua Zalo sẽ chỉ nhận phần chữ (Zalo không gửi được tệp đính kèm từ máy chủ).',
  warning: (text: string) => `Lưu ý: ${text}`,
  statusLine: (id: number, title: string, status: AnnouncementStatus) => `Thông báo số ${id} «${title}»: ${statusLabel[status]}.`,
  cancelled: (id: number) => `Đã hủy thông báo số ${id}; những tin chưa gửi sẽ không gửi nữa.`,
  queuedForService: (id: number) =>
    `Dịch vụ đang chạy sẽ gửi thông báo số ${id} (nó đang đảm nhận việc gửi trên các kênh này). Xem tiến độ: npm run broadcast -- --progress ${id}`,
  badId: (flag: string, value: string) => `${flag}: "${value}" không phải số thông báo.`,
  scheduled: (id: number, at: string) => `Đã hẹn gửi thông báo số ${id} lúc ${at} (giờ Việt Nam).`,
  created: (id: number) => `Đã tạo thông báo số ${id}.`,
  dryRun: 'Chạy thử: không lưu, không gửi.',
  channelOff: (channel: BroadcastChannel) => `${channelLabel[channel]}: chưa cấu hình, không gửi.`,
  noChannels: 'Chưa cấu hình kênh nào để gửi (TELEGRAM_BOT_TOKEN / ZALO_BOT_TOKEN).',
  cliUsage: [
    'Cách dùng: npm run broadcast -- --file thong-bao.md [--topic giao-thong] [--ward "Đức Xuân"] [--channel telegram] [--at "2026-12-01 07:00"] [--expires 2026-12-31] [--author "Tên"] [--dry-run]',
    '           npm run broadcast -- --progress SỐ   (xem tiến độ hoặc báo cáo cuối của thông báo số SỐ)',
    '           npm run broadcast -- --cancel SỐ     (hủy thông báo số SỐ; tin chưa gửi sẽ không gửi nữa)',
  ].join('\n'),
  cliFileUnreadable: (file: string) => `Không đọc được tệp ${file}.`,
  apiOff: 'API phát thông báo đang tắt (chưa đặt STAFF_TOKEN).',
  apiUnauthorized: 'Cần mã nhân viên hợp lệ (Authorization: Bearer <STAFF_TOKEN>).',
};
