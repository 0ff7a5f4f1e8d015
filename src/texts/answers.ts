// Every sentence the knowledge engine says to a resident, in one place. Channels add their own
// greetings and menus; these are the replies to a question.
import type { Citation } from '../domain/index.js';
import { formatDate } from './bot.js';

export type InvalidReason = 'empty' | 'too_long' | 'no_words' | 'garbage' | 'foreign_script';

export type RefusalKind = 'weather' | 'opinion' | 'advice' | 'elsewhere' | 'markets' | 'unsafe';

/** What the bot can answer, listed after a refusal or a not-found so the resident can rephrase. */
// No list of topics here: a refusal must not name as covered the topic it has just failed on.
const SCOPE_HINT = 'Tôi trả lời các câu hỏi về nghị quyết, quy định, chương trình, kế hoạch, dự án và thông báo của thành phố.';

/** Where else to ask: the office that handles the matter when the directory knows one, else what the bot covers. */
function elsewhere(office: OfficeContact | undefined): string {
  return office ? answerTexts.askOffice(office) : SCOPE_HINT;
}

export interface OfficeContact {
  name: string;
  address?: string;
  hours?: string;
  phone?: string;
  email?: string;
  url?: string;
}

export const answerTexts = {
  /** Opens an extractive answer, so the resident knows the words come from the documents. */
  leadIn: 'Theo tài liệu:',

  /** The first sentence of an offline answer, when the quoted words settle the question. */
  direct: {
    done: 'Đã hoàn thành.',
    started: 'Chưa xong: đang triển khai.',
    notStarted: 'Chưa bắt đầu.',
    notDone: 'Chưa xong.',
    noDate: 'Tài liệu không nêu thời điểm.',
    noPlace: 'Tài liệu không nêu địa điểm.',
    no: 'Không được.',
    yesAllowed: 'Được.',
    yesMust: 'Có.',
    fined: (amount: string) => `Có, bị phạt ${amount}.`,
    count: (n: number, noun: string) => `Có ${n} ${noun}.`,
  },

  /** What a document's front matter says of it, asked of the document itself ("bài viết này của ai"). */
  documentFacts: {
    issued: (title: string, iso: string) => `Tài liệu "${title}" ghi ngày ${formatDate(iso)}`,
    undated: (title: string) => `Tài liệu "${title}" không ghi ngày ban hành hay ngày đăng`,
    madeBy: (title: string, issuer?: string, author?: string) =>
      [`Tài liệu "${title}"`, issuer && `do ${issuer} ban hành`, author && `tác giả ${author}`].filter(Boolean).join(', '),
    unsigned: (title: string, source?: string) =>
      `Tài liệu "${title}" không ghi tác giả hay cơ quan ban hành${source ? `; nguồn: ${source}` : ''}`,
  },

  /** The documents name the subject but do not give the value asked for (a length, a fee). */
  unsettled(office?: OfficeContact): string {
    return `Tài liệu của thành phố có nhắc đến nội dung này nhưng không nêu cụ thể điều bạn hỏi, nên tôi không đoán. ${elsewhere(office)}`;
  },

  notFound(office?: OfficeContact): string {
    return `Xin lỗi, tôi không tìm thấy thông tin này trong tài liệu của thành phố. ${elsewhere(office)} Bạn có thể hỏi lại cụ thể hơn, ví dụ nêu tên dự án hoặc số văn bản.`;
  },

  /** After a refusal or a not-found: the office that handles the matter, with what is known of it. */
  askOffice(office: OfficeContact): string {
    const details = [
      office.address && `địa chỉ: ${office.address}`,
      office.hours && `giờ làm việc: ${office.hours}`,
      office.phone && `điện thoại: ${office.phone}`,
      office.email && `email: ${office.email}`,
      office.url,
    ].filter(Boolean);
    return `Việc này bạn có thể hỏi ${office.name}${details.length ? ` (${details.join('; ')})` : ''}.`;
  },

  /** Shown while no index is loaded yet (first start, or the index is being rebuilt). */
  notReady: 'Hệ thống đang cập nhật tài liệu, bạn vui lòng hỏi lại sau ít phút.',

  refused(kind: RefusalKind, office?: OfficeContact): string {
    const why: Record<RefusalKind, string> = {
      weather: 'Tôi không cung cấp thông tin thời tiết; bạn vui lòng xem bản tin dự báo của cơ quan khí tượng.',
      opinion: 'Tôi không đưa ra ý kiến hay quan điểm cá nhân, chỉ trích dẫn nội dung tài liệu chính thức của thành phố.',
      advice: 'Tôi không tư vấn cho trường hợp cá nhân; bạn vui lòng liên hệ bộ phận một cửa của phường hoặc cơ quan chuyên môn.',
      elsewhere: 'Câu hỏi này nằm ngoài phạm vi tài liệu của thành phố nên tôi không trả lời được.',
      markets: 'Tôi không cung cấp thông tin giá cả thị trường, tỷ giá hay chứng khoán.',
      unsafe:
        'Tôi không làm theo yêu cầu đổi vai, tiết lộ hướng dẫn nội bộ hay soạn văn bản thay cơ quan nhà nước; tôi chỉ trả lời câu hỏi bằng nội dung tài liệu chính thức của thành phố.',
    };
    return `${why[kind]} ${kind === 'unsafe' ? SCOPE_HINT : elsewhere(office)}`;
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
      obligation: 'hỏi phải làm gì',
      document: 'hỏi văn bản nào',
      status: 'hỏi tình trạng (xong chưa, đang làm hay chưa bắt đầu)',
      yesno: 'hỏi có hay không, được hay không',
      count: 'hỏi số lượng',
      money: 'hỏi số tiền, mức phạt',
      time: 'hỏi giờ',
      duration: 'hỏi bao lâu',
      frequency: 'hỏi bao lâu một lần, mấy lần',
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
