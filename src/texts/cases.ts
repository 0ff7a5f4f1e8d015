// What residents and staff read about cases (ask a person, field reports), on every channel.
import type { CaseStatus, WorkingHours } from '../domain/index.js';
import { formatCityTime } from '../domain/index.js';

export const CASE_STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  new: 'mới',
  accepted: 'đã tiếp nhận',
  in_progress: 'đang xử lý',
  resolved: 'đã xử lý',
  closed: 'đã đóng',
  out_of_scope: 'không thuộc thẩm quyền',
};

const DAY_NAMES = ['', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ nhật'];

/** "Thứ Hai–Thứ Sáu, 07:30–17:00". */
export function workingHoursText(h: WorkingHours): string {
  const days = [...h.days].sort((a, b) => a - b);
  const consecutive = days.every((d, i) => i === 0 || d === days[i - 1] + 1);
  const dayText =
    days.length > 2 && consecutive ? `${DAY_NAMES[days[0]]}–${DAY_NAMES[days.at(-1) ?? 0]}` : days.map((d) => DAY_NAMES[d]).join(', ');
  return `${dayText}, ${h.start}–${h.end}`;
}

const hoursText = (hours: number) => (hours % 24 === 0 && hours >= 48 ? `${hours / 24} ngày` : `${hours} giờ`);

export const caseTexts = {
  statusLabel: (s: CaseStatus) => CASE_STATUS_LABELS[s],
  kindLabel: (kind: 'question' | 'report') => (kind === 'report' ? 'Phản ánh' : 'Câu hỏi'),

  /** When to expect a reply, said when a case is opened. */
  expectation: (inHours: boolean, hours: WorkingHours, targetHours: number, nextStart?: number) =>
    inHours
      ? `Cán bộ sẽ trả lời trong giờ làm việc, chậm nhất khoảng ${hoursText(targetHours)}.`
      : `Hiện đang ngoài giờ làm việc (${workingHoursText(hours)}). ${
          nextStart ? `Cán bộ sẽ xem từ ${formatCityTime(nextStart)}` : 'Cán bộ sẽ xem trong giờ làm việc tới'
        }, chậm nhất khoảng ${hoursText(targetHours)} sau đó.`,
  questionOpened: (number: string, expectation: string) =>
    `Đã chuyển câu hỏi của bạn tới cán bộ. Mã hồ sơ: ${number}.\n${expectation}\nĐể xem tiến độ, nhắn "${number}" hoặc "theo dõi".`,
  reportOpened: (number: string, expectation: string) =>
    `Đã nhận phản ánh của bạn. Mã phản ánh: ${number}.\n${expectation}\nĐể xem tiến độ, nhắn "${number}" hoặc "theo dõi".`,

  limitReached: (limit: number) =>
    `Bạn đã gửi ${limit} yêu cầu trong 24 giờ qua, là mức tối đa. Bạn vui lòng gửi tiếp sau, hoặc liên hệ trực tiếp bộ phận một cửa.`,
  emptyText: 'Bạn vui lòng viết nội dung cần gửi cán bộ.',
  tooLong: (max: number) => `Nội dung dài quá ${max} ký tự. Bạn vui lòng viết ngắn gọn hơn.`,
  unknownCase: (number?: string) =>
    number ? `Không tìm thấy hồ sơ ${number} của bạn. Bạn kiểm tra lại mã hồ sơ nhé.` : 'Bạn chưa có hồ sơ nào gửi cán bộ.',
  caseClosedForReplies: (number: string) =>
    `Hồ sơ ${number} đã đóng nên không nhận thêm tin. Nếu còn vấn đề, bạn vui lòng gửi yêu cầu mới.`,
  residentMessageAdded: (number: string) => `Đã gửi thêm nội dung vào hồ sơ ${number}. Cán bộ sẽ xem và trả lời.`,

  /** The resident's view of a case (status query). */
  status: (v: {
    number: string;
    kind: 'question' | 'report';
    status: CaseStatus;
    updatedAt: number;
    lastReply?: string;
    category?: string;
  }) =>
    [
      `${v.kind === 'report' ? 'Phản ánh' : 'Hồ sơ'} ${v.number}${v.category ? ` (${v.category})` : ''}: ${CASE_STATUS_LABELS[v.status]}.`,
      `Cập nhật lần cuối: ${formatCityTime(v.updatedAt)}.`,
      ...(v.lastReply ? [`Trả lời gần nhất của cán bộ: ${v.lastReply}`] : []),
    ].join('\n'),
  statusList: (lines: string[]) => ['Các hồ sơ gần đây của bạn:', ...lines].join('\n'),
  statusLine: (number: string, status: CaseStatus, text: string) => `• ${number}: ${CASE_STATUS_LABELS[status]} — ${text}`,

  /** Pushed to the resident through the outbox. */
  staffReplied: (number: string, city: string, text: string) =>
    `💬 Cán bộ ${city ? `thành phố ${city}` : 'thành phố'} trả lời hồ sơ ${number}:\n${text}\n\nĐể trả lời, nhắn: ${number} <nội dung>`,
  statusChanged: (number: string, status: CaseStatus) => `🔔 Hồ sơ ${number} đã chuyển sang trạng thái: ${CASE_STATUS_LABELS[status]}.`,
  askRating: (number: string) =>
    `Bạn hài lòng thế nào với cách xử lý hồ sơ ${number}? Chọn từ 1 (rất không hài lòng) đến 5 (rất hài lòng), hoặc nhắn "${number} đánh giá 5".`,
  ratingThanks: (rating: number) => `Cảm ơn bạn đã đánh giá ${rating}/5.`,
  ratingRefused: 'Hồ sơ này đã được đánh giá, hoặc chưa đóng.',

  /** To the staff group. */
  staffNew: (v: {
    number: string;
    kind: 'question' | 'report';
    category?: string;
    ward?: string;
    text: string;
    place?: string;
    photos: number;
  }) =>
    [
      `📥 ${v.kind === 'report' ? 'Phản ánh' : 'Câu hỏi'} mới ${v.number}${v.category ? ` · ${v.category}` : ''}${v.ward ? ` · ${v.ward}` : ''}`,
      v.text,
      ...(v.place ? [`Vị trí: ${v.place}`] : []),
      ...(v.photos ? [`Ảnh: ${v.photos} (xem trong trang quản trị)`] : []),
      'Trả lời tin này để nhắn người dân.',
    ].join('\n'),
  staffResidentWrote: (number: string, text: string) => `✉️ Người dân viết thêm vào ${number}:\n${text}\nTrả lời tin này để nhắn người dân.`,
  staffReplySent: (number: string) => `Đã gửi trả lời tới người dân (${number}).`,
  staffUnknownCase: 'Không xác định được hồ sơ: hãy trả lời đúng tin báo hồ sơ (có mã hồ sơ).',

  photoTooLarge: (maxMb: number) => `Ảnh lớn quá ${maxMb} MB. Bạn vui lòng gửi ảnh nhỏ hơn.`,
  photoNotAPhoto: 'Tệp này không phải ảnh (chỉ nhận JPEG, PNG, WebP, HEIC).',
  photoEmpty: 'Ảnh trống, bạn vui lòng gửi lại.',
  tooManyPhotos: (max: number) => `Mỗi phản ánh gửi tối đa ${max} ảnh.`,
  badStatusChange: 'Trạng thái không hợp lệ.',
  caseNotFound: 'Không tìm thấy hồ sơ.',
  unknownCategory: 'Loại phản ánh không có trong danh sách.',
  unknownWard: 'Phường/xã không có trong danh sách.',
};
