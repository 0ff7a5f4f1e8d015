// Every sentence the knowledge engine says to a resident, in one place. Channels add their own
// greetings and menus; these are the replies to a question.
import type { Citation } from '../domain/index.js';

export type InvalidReason = 'empty' | 'too_long' | 'no_words' | 'garbage' | 'foreign_script';

export type RefusalKind = 'weather' | 'opinion' | 'advice' | 'elsewhere' | 'markets';

/** What the bot can answer, listed after a refusal or a not-found so the resident can rephrase. */
function scopeHint(topics: readonly string[]): string {
  const list = topics.length ? ` (${topics.join(', ')})` : '';
  return `Tôi có thể trả lời các câu hỏi về nghị quyết, chương trình, kế hoạch, dự án và thông báo của thành phố${list}.`;
}

export const answerTexts = {
  /** Opens an extractive answer, so the resident knows the words come from the documents. */
  leadIn: 'Theo tài liệu của thành phố:',

  /** The first sentence of an offline answer, when the quoted words settle the question. */
  direct: {
    done: 'Đã hoàn thành.',
    started: 'Chưa xong: đang triển khai.',
    notStarted: 'Chưa bắt đầu.',
    no: 'Không được.',
    yesAllowed: 'Được.',
    yesMust: 'Có.',
    fined: (amount: string) => `Có, bị phạt ${amount}.`,
    count: (n: number, noun: string) => `Có ${n} ${noun}.`,
  },

  /** The documents name the subject but do not give the value asked for (a length, a fee). */
  unsettled: 'Tài liệu của thành phố có nhắc đến nội dung này nhưng không nêu cụ thể điều bạn hỏi, nên tôi không đoán.',

  notFound(topics: readonly string[]): string {
    return `Xin lỗi, tôi không tìm thấy thông tin này trong tài liệu của thành phố. ${scopeHint(topics)} Bạn có thể hỏi lại cụ thể hơn, ví dụ nêu tên dự án hoặc số nghị quyết.`;
  },

  /** Shown while no index is loaded yet (first start, or the index is being rebuilt). */
  notReady: 'Hệ thống đang cập nhật tài liệu, bạn vui lòng hỏi lại sau ít phút.',

  refused(kind: RefusalKind, topics: readonly string[]): string {
    const why: Record<RefusalKind, string> = {
      weather: 'Tôi không cung cấp thông tin thời tiết; bạn vui lòng xem bản tin dự báo của cơ quan khí tượng.',
      opinion: 'Tôi không đưa ra ý kiến hay quan điểm cá nhân, chỉ trích dẫn nội dung tài liệu chính thức của thành phố.',
      advice: 'Tôi không tư vấn cho trường hợp cá nhân; bạn vui lòng liên hệ bộ phận một cửa của phường hoặc cơ quan chuyên môn.',
      elsewhere: 'Câu hỏi này nằm ngoài phạm vi tài liệu của thành phố nên tôi không trả lời được.',
      markets: 'Tôi không cung cấp thông tin giá cả thị trường, tỷ giá hay chứng khoán.',
    };
    return `${why[kind]} ${scopeHint(topics)}`;
  },

  invalid(reason: InvalidReason, maxChars: number, example: string): string {
    const why: Record<InvalidReason, string> = {
      empty: `Bạn chưa nhập câu hỏi. Hãy gõ câu hỏi bằng tiếng Việt, ví dụ: "${example}"`,
      too_long: `Câu hỏi dài quá (tối đa ${maxChars} ký tự). Bạn vui lòng hỏi ngắn gọn trong một hai câu.`,
      no_words: `Tôi chưa đọc được câu hỏi nào trong tin nhắn. Hãy gõ câu hỏi bằng chữ, ví dụ: "${example}"`,
      garbage: 'Tin nhắn có ký tự không đọc được. Bạn vui lòng gõ lại câu hỏi bằng tiếng Việt.',
      foreign_script:
        'Tôi chỉ trả lời câu hỏi bằng tiếng Việt. Bạn vui lòng gõ lại câu hỏi bằng tiếng Việt (có dấu hoặc không dấu đều được).',
    };
    return why[reason];
  },

  /** "[1] Nghị quyết số 07 · Chương II › Điều 5 · trang 3 · https://..." */

  /** Labels inside the LLM prompt: who said what in the history, and where a passage is from. */
  prompt: {
    resident: 'Người dân',
    assistant: 'Trợ lý',
    noHistory: '(chưa có)',
    /** What the question asks for, told to the model so its first sentence answers that. */
    anyType: 'câu hỏi chung',
    questionTypes: {
      document: 'hỏi văn bản nào',
      status: 'hỏi tình trạng (xong chưa, đang làm hay chưa bắt đầu)',
      yesno: 'hỏi có hay không, được hay không',
      count: 'hỏi số lượng',
      money: 'hỏi số tiền, mức phạt',
      time: 'hỏi giờ',
      duration: 'hỏi bao lâu',
      date: 'hỏi khi nào, năm nào',
      list: 'hỏi danh sách: kể đủ các mục',
      who: 'hỏi ai, cơ quan nào',
      where: 'hỏi ở đâu',
      phone: 'hỏi số điện thoại',
      measure: 'hỏi kích thước, khoảng cách',
    } as Record<string, string>,
    page: (page: number) => `trang ${page}`,
  },

  /** `npm run ask` */
  cli: {
    usage: 'Cách dùng: npm run ask -- "Câu hỏi của bạn?" [--json]',
    error: (message: string) => `Lỗi: ${message}`,
  },
};
