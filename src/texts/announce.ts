// The announcement draft's sentences, the same on every channel; each channel passes how a person
// cancels there (Telegram "/huy", Zalo "gõ "hủy"").
import { TIME_FORMATS } from '../domain/index.js';
import { broadcastTexts } from './broadcast.js';

const example = '01/12/2026 07:00';

export const announceTexts = (how: { cancel: string; restart: string }) =>
  ({
    needsBody: `${broadcastTexts.emptyBody} Thông báo cần tiêu đề (dòng đầu) và nội dung (từ dòng thứ hai). Xin gửi lại, hoặc ${how.cancel} để thôi.`,
    askTime: `Nhập giờ gửi theo giờ Việt Nam, dạng ${TIME_FORMATS.join(', ')} (ví dụ ${example}). ${capital(how.cancel)} để thôi.`,
    badTime: `Không đọc được giờ này. Hãy nhập dạng ${TIME_FORMATS.join(', ')}, ví dụ ${example}:`,
    /** The draft could not be stored: nothing was saved. */
    rejected: (problems: string[]) =>
      ['Thông báo chưa hợp lệ, chưa lưu:', ...problems.map((p) => `• ${p}`), `${capital(how.restart)} để soạn lại.`].join('\n'),
    /** Sending, scheduling or cancelling refused, e.g. the announcement changed state meanwhile. */
    refused: (problems: string[]) => ['Không thực hiện được:', ...problems.map((p) => `• ${p}`)].join('\n'),
    /** The author cancelled before anything was sent. */
    cancelled: 'Đã hủy thông báo, chưa gửi cho ai.',
  }) as const;

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
