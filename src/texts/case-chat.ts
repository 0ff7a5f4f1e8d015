// What residents and the staff group read in the chat flows of cases (ask a person, report a
// problem, follow, rate) on Telegram and Zalo. The service's own wording (case opened, status,
// notices) is in ./cases.ts; this is the conversation around it. Channels pass their own way of
// naming an action (ActionNames in ./bot.ts) so the wording stays one.
import type { CaseStatus } from '../domain/index.js';
import { CASE_STATUS_LABELS } from './cases.js';

export const caseChatTexts = {
  /** Under a not-found or refused answer (Telegram: a button; Zalo: this line). */
  handoffButton: 'Gặp cán bộ',
  handoffHint: 'Chưa có câu trả lời bạn cần? Nhắn "gặp cán bộ" để chuyển câu hỏi tới cán bộ thành phố.',
  handoffConfirm: (question: string) => `Gửi câu hỏi này tới cán bộ thành phố?\n«${question}»`,
  handoffAsk: 'Bạn muốn hỏi cán bộ điều gì? Gõ nội dung trong một tin nhắn.',
  handoffSend: 'Gửi cán bộ',

  reportChooseCategory: 'Phản ánh hiện trường: bạn phản ánh về việc gì?',
  reportAskPlace: 'Sự việc ở đâu? Gõ địa chỉ (số nhà, đường, tổ/thôn).',
  reportAskPlaceOrLocation: 'Sự việc ở đâu? Bấm "📍 Gửi vị trí" để gửi vị trí hiện tại, hoặc gõ địa chỉ (số nhà, đường, tổ/thôn).',
  reportChooseWard: 'Thuộc phường/xã nào? Nếu không rõ, bạn có thể bỏ qua.',
  reportAskPhotos: (max: number) => `Gửi ảnh hiện trường (tối đa ${max} ảnh). Gửi xong thì chọn "Xong"; không có ảnh thì chọn "Bỏ qua".`,
  reportPhotoKept: (count: number, max: number) =>
    count < max ? `Đã nhận ảnh ${count}/${max}. Gửi thêm ảnh, hoặc chọn "Xong".` : `Đã nhận ảnh ${count}/${max}.`,
  reportPhotoRefused: (reason: string) => `${reason} Ảnh này không được lưu; bạn gửi ảnh khác hoặc chọn "Xong".`,
  reportAskDescription: 'Mô tả ngắn sự việc: điều gì, từ khi nào, ảnh hưởng ra sao.',
  reportPreview: (v: { category: string; place?: string; ward?: string; photos: number; description: string }) =>
    [
      'Xem lại phản ánh trước khi gửi:',
      `• Loại: ${v.category}`,
      `• Địa điểm: ${v.place ?? 'không ghi'}`,
      ...(v.ward ? [`• Phường/xã: ${v.ward}`] : []),
      `• Ảnh: ${v.photos}`,
      `• Mô tả: ${v.description}`,
    ].join('\n'),
  reportSharedLocation: 'vị trí đã gửi',
  placeNoted: (location: boolean) => (location ? '📍 Đã nhận vị trí.' : '📍 Đã ghi địa chỉ.'),
  reportSend: 'Gửi phản ánh',
  locationButton: '📍 Gửi vị trí',
  skip: 'Bỏ qua',
  done: 'Xong',
  photoUnavailable: 'Không tải được ảnh (lỗi mạng, hoặc ảnh không còn).',
  photoNotReceived: (reason: string) => `Không nhận được ảnh: ${reason}.`,

  /** Cases are opened in a private chat only: a group is not one person. */
  privateOnly: 'Để gửi cán bộ hoặc phản ánh, bạn vui lòng nhắn riêng cho tôi.',

  /** In the staff group. */
  staffStatusChanged: (number: string, status: CaseStatus) => `Đã chuyển ${number} sang «${CASE_STATUS_LABELS[status]}».`,
  staffStatusUsage: `Cú pháp: /xuly <mã hồ sơ> <trạng thái>, trạng thái là một trong: ${Object.values(CASE_STATUS_LABELS).join(', ')}.`,
};

/** Zalo has no buttons: each step says what to type. */
export const zaloCaseTexts = {
  handoffConfirm: (question: string) =>
    `${caseChatTexts.handoffConfirm(question)}\nGõ "gửi" để gửi câu này, gõ nội dung khác để gửi nội dung đó, hoặc "hủy" để thôi.`,
  handoffAsk: `${caseChatTexts.handoffAsk} Gõ "hủy" để thôi.`,
  reportAskPlace: `${caseChatTexts.reportAskPlace} Gõ "hủy" để thôi.`,
  numbered: (title: string, labels: string[], skippable: boolean) =>
    [
      title,
      ...labels.map((l, i) => `${i + 1}. ${l}`),
      `Trả lời bằng một số${skippable ? ', "bỏ qua" để bỏ qua' : ''}, hoặc "hủy" để thôi.`,
    ].join('\n'),
  reportAskPhotos: (max: number) =>
    `Gửi ảnh hiện trường (tối đa ${max} ảnh). Gửi xong thì gõ "xong"; không có ảnh thì gõ "bỏ qua". Gõ "hủy" để thôi.`,
  reportPhotoKept: (count: number, max: number) =>
    count < max ? `Đã nhận ảnh ${count}/${max}. Gửi thêm ảnh, hoặc gõ "xong".` : `Đã nhận ảnh ${count}/${max}.`,
  reportPhotoRefused: (reason: string) => `${reason} Ảnh này không được lưu; bạn gửi ảnh khác hoặc gõ "xong".`,
  reportConfirm: 'Gõ "gửi" để gửi phản ánh, hoặc "hủy" để thôi.',
};
