// Obvious out-of-scope intents (weather, opinions, personal advice, markets, other places),
// recognised from a small phrase list. A phrase alone does not refuse: the question is refused
// only when the retrieved passages do not mention the phrase either, so a city announcement
// about a storm still answers "thời tiết" questions.
import type { RefusalKind } from '../../texts/answers.js';
import { fold, hasDiacritics } from '../normalize.js';
import type { SearchHit } from '../types.js';

const PHRASES: Record<Exclude<RefusalKind, 'unsafe'>, readonly string[]> = {
  weather: ['thời tiết', 'dự báo thời tiết', 'nhiệt độ', 'trời mưa', 'trời nắng', 'trời rét', 'độ ẩm', 'có mưa không'],
  opinion: [
    'bạn nghĩ gì',
    'bạn nghĩ sao',
    'bạn thấy sao',
    'bạn thấy thế nào',
    'ý kiến của bạn',
    'quan điểm của bạn',
    'bạn có ủng hộ',
    'bạn ủng hộ',
    'bạn đánh giá',
    'bạn thích',
    'nên bầu',
    'bầu cho ai',
  ],
  advice: [
    'tôi có nên',
    'có nên mua',
    'có nên đầu tư',
    'tư vấn cho tôi',
    'khuyên tôi',
    'lời khuyên',
    'tôi bị bệnh',
    'uống thuốc gì',
    'vay tiền',
  ],
  markets: ['giá vàng', 'tỷ giá', 'giá xăng', 'giá đô', 'chứng khoán', 'cổ phiếu', 'bitcoin', 'xổ số', 'giá vé máy bay'],
  elsewhere: [
    'hà nội',
    'hồ chí minh',
    'tphcm',
    'sài gòn',
    'đà nẵng',
    'hải phòng',
    'cần thơ',
    'nha trang',
    'đà lạt',
    'vũng tàu',
    'quảng ninh',
    'hạ long',
    'nghệ an',
    'thanh hóa',
    'bình dương',
    'đồng nai',
    'nước ngoài',
    'trung quốc',
    'hàn quốc',
    'nhật bản',
    'thái lan',
  ],
};

export interface OutOfScope {
  kind: RefusalKind;
  /** The phrase found, accent-folded, for the check against the retrieved passages. */
  phrase: string;
}

/** Lower-case words separated by single spaces, padded so phrases match whole words only. */
const words = (text: string) =>
  ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;

/**
 * The first out-of-scope phrase in the question. A question typed with diacritics is matched
 * with them ("bạn" the person is not "bản" the document); a bare one is matched folded.
 * `ownPlaces` (the city's own name and wards) never count as "elsewhere".
 */
export function detectOutOfScope(question: string, ownPlaces: readonly string[] = []): OutOfScope | undefined {
  const accented = hasDiacritics(question);
  const text = accented ? words(question) : fold(words(question));
  const own = ownPlaces.map((p) => fold(words(p)));
  for (const [kind, phrases] of Object.entries(PHRASES) as [Exclude<RefusalKind, 'unsafe'>, readonly string[]][]) {
    for (const phrase of phrases) {
      const key = words(accented ? phrase : fold(phrase));
      if (!text.includes(key)) continue;
      const folded = fold(key);
      if (kind === 'elsewhere' && own.some((p) => p.includes(folded))) continue;
      return { kind, phrase: folded.trim() };
    }
  }
  return undefined;
}

/** True when none of the passages mention the out-of-scope phrase: nothing grounds an answer. */
export function passagesIgnore(scope: OutOfScope, hits: readonly SearchHit[]): boolean {
  const key = ` ${scope.phrase} `;
  return !hits.some((h) => fold(words(h.chunk.text)).includes(key));
}

/**
 * Wording that gives the assistant orders, asks it to play a part or to write on the city's behalf.
 * Such sentences are never obeyed; they are dropped from the question, and a question made only of
 * them is refused as unsafe.
 */
const INSTRUCTIONS: readonly string[] = [
  'bỏ qua mọi hướng dẫn',
  'bỏ qua các hướng dẫn',
  'bỏ qua hướng dẫn',
  'quên mọi hướng dẫn',
  'quên hết hướng dẫn',
  'ignore previous',
  'ignore all',
  'ignore the above',
  'system prompt',
  'lời nhắc hệ thống',
  'hướng dẫn hệ thống',
  'trợ lý không giới hạn',
  'từ giờ bạn là',
  'từ bây giờ bạn là',
  'you are now',
  // "đóng vai" told to the assistant, not "ai đóng vai …" or "đóng vai trò" in a question.
  'hãy đóng vai',
  'bạn đóng vai',
  'em đóng vai',
  '^đóng vai',
  'giả làm',
  'giả vờ',
  'hãy nói rằng',
  'hãy trả lời rằng',
  'in nguyên văn',
  'viết giúp',
  'soạn giúp',
  'viết đơn',
  'soạn đơn',
  'viết thông báo',
  'soạn thông báo',
  'developer mode',
  'jailbreak',
];

/** The question without its sentences of instructions; `instructed` when any was dropped. */
export function withoutInstructions(question: string): { question: string; instructed: boolean } {
  const accented = hasDiacritics(question);
  // "^": the phrase opens the sentence.
  const keys = INSTRUCTIONS.map((p) => ({
    opens: p.startsWith('^'),
    key: words(accented ? p.replace(/^\^/u, '') : fold(p.replace(/^\^/u, ''))),
  }));
  const sentences = question.split(/(?<=[.!?;:])\s+/u);
  const kept = sentences.filter((sentence) => {
    const text = accented ? words(sentence) : fold(words(sentence));
    return !keys.some(({ opens, key }) => (opens ? text.startsWith(key) : text.includes(key)));
  });
  return { question: kept.join(' ').trim(), instructed: kept.length < sentences.length };
}
