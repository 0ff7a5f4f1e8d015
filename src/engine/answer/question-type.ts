// What a question asks for, read from its wording: the reply's first sentence answers that
// (a status, yes or no, a number, a list, a person, a time, a place), and sentence choice
// prefers the sentence that holds it. Patterns are matched accent-folded, on whole words.
import { fold, foldedWords } from '../normalize.js';

export type QuestionType =
  | 'obligation'
  | 'document'
  | 'status'
  | 'yesno'
  | 'count'
  | 'money'
  | 'time'
  | 'duration'
  | 'frequency'
  | 'date'
  | 'list'
  | 'who'
  | 'where'
  | 'phone'
  | 'measure';

/**
 * Phrases that mark each type, with their marks; "_" stands for one to four words. A word typed
 * with marks must match them ("máy tính" does not ask "mấy", "điện tích" is not "diện tích"); a
 * word typed without them matches folded, except a word written "=giá": bare, it is another word
 * ("gia đình"), so it must be typed with its marks.
 */
const MARKERS: Readonly<Record<QuestionType, readonly string[]>> = {
  obligation: [
    'phải làm gì',
    'phải làm sao',
    'phải làm như thế nào',
    'cần làm gì',
    'cần những gì',
    'cần giấy tờ gì',
    'giấy tờ gì',
    'hồ sơ gồm',
    'hồ sơ gì',
    'thủ tục gì',
    'thủ tục thế nào',
    'phải thế nào',
    'phải làm thế nào',
    'phải tuân thủ',
  ],
  document: [
    'văn bản nào',
    'nghị quyết nào',
    'quyết định nào',
    'chương trình nào',
    'kế hoạch nào',
    'văn bản gì',
    'nằm trong văn bản',
    'theo văn bản',
    'căn cứ vào đâu',
    'quy định ở đâu',
  ],
  status: [
    'đang ở giai đoạn',
    'đang ở bước',
    'xong chưa',
    'xong rồi',
    'đã xong',
    'hoàn thành chưa',
    'hoàn thiện chưa',
    'tiến độ',
    'đến đâu rồi',
    'tới đâu rồi',
    'ra sao rồi',
    'thế nào rồi',
    'làm chưa',
    'khởi công chưa',
    'bắt đầu chưa',
    'bắt đầu làm',
    'đang làm',
    'làm dở',
    'thông xe chưa',
    'khánh thành chưa',
    'xong',
    'hoàn thành',
    'triển khai chưa',
    'thông xe',
    'khánh thành',
    'khởi công',
    'đưa vào sử dụng',
  ],
  yesno: [
    'được không',
    'có được',
    'có bị',
    'có phải',
    'có cần',
    'bị cấm không',
    'có mất phí',
    'phải không',
    'không ạ',
    'được ko',
    'bị phạt không',
    'phải _ không',
    'được _ không',
    'có _ không',
  ],
  count: ['mấy', 'bao nhiêu', 'số lượng', 'có bao nhiêu'],
  money: [
    'bao nhiêu tiền',
    'phạt bao nhiêu',
    'mức phạt',
    'bị phạt',
    'phạt tiền',
    'lệ phí',
    'bao nhiêu phí',
    'tốn bao nhiêu',
    'mất bao nhiêu',
    'giá bao nhiêu',
    'hỗ trợ bao nhiêu',
    'thưởng bao nhiêu',
    'tổng vốn',
    'kinh phí',
    'hết bao nhiêu',
    '=giá _ bao nhiêu',
    'phí _ bao nhiêu',
    'phí bao nhiêu',
  ],
  time: ['mấy giờ', 'giờ nào', 'khung giờ', 'lúc mấy giờ', 'từ mấy giờ', 'đến mấy giờ', 'tới mấy giờ'],
  duration: ['bao lâu', 'mấy ngày', 'bao nhiêu ngày', 'trong bao lâu', 'tối đa bao lâu', 'bao nhiêu giờ', 'mấy tháng'],
  frequency: ['bao lâu một lần', 'bao lâu 1 lần', 'mấy lần', 'bao nhiêu lần', 'thường xuyên không', 'có định kỳ'],
  date: ['khi nào', 'bao giờ', 'năm nào', 'ngày nào', 'lúc nào', 'giai đoạn nào', 'thời hạn', 'đến năm nào', 'tháng nào', 'hiệu lực từ'],
  list: [
    'những _ nào',
    'các _ nào',
    'kể tên',
    'gồm những',
    'gồm gì',
    'là những',
    'liệt kê',
    'những gì',
    'những _ gì',
    'nào',
    'gồm những nhóm nào',
  ],
  who: ['ai', 'người nào', 'báo ai', 'với ai', 'cơ quan nào', 'đơn vị nào', 'ai là', 'là ai', 'ai phụ trách'],
  where: ['ở đâu', 'chỗ nào', 'nơi nào', 'tại đâu', 'địa điểm', 'đến đâu', 'vào đâu', 'đi đâu', 'đâu ạ', 'ở chỗ nào'],
  phone: ['số điện thoại', 'gọi số', 'số nào', 'hotline', 'đường dây nóng', 'gọi ai', 'liên hệ'],
  measure: [
    'dài bao nhiêu',
    'rộng bao nhiêu',
    'cao bao nhiêu',
    'cao tối đa bao nhiêu',
    'rộng tối đa bao nhiêu',
    'dài tối đa bao nhiêu',
    'rộng tối thiểu bao nhiêu',
    'bao nhiêu mét',
    'mấy mét',
    'bao xa',
    'diện tích',
    'bao nhiêu km',
  ],
};

/** Numerals as documents write them in words ("mười năm", "ba ngày làm việc", "vài tuần"). */
export const SPELLED = '(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi|vài|nửa)';
/** An amount before a unit: digits or numerals in words ("hai mươi lăm" too), not inside a word or a ratio. */
export const AMOUNT = `(?<![/\\d\\p{L}])(?:\\d+(?:[.,]\\d+)?|${SPELLED}(?:\\s+(?:${SPELLED}|lăm|mốt|tư|trăm|nghìn))*)`;

/** What a sentence must hold to answer each type; a type without one is answered by wording. */
const TARGETS: Partial<Record<QuestionType, RegExp>> = {
  obligation: /\bphải\b|\bcần\b|bắt buộc|có trách nhiệm/iu,
  document:
    /(?:nghị quyết|chương trình hành động|chương trình|quyết định|kế hoạch|chỉ thị|thông báo|quy chế|luật|nghị định|thông tư)\s+(?:số\s+)?\d+/iu,
  money: /\d[\d.,]*\s*(?:đồng|nghìn|ngàn|triệu|tỷ|vnđ|đ\b)/iu,
  time: /\b\d{1,2}\s*(?:giờ|h\b|:\d\d)/iu,
  // "24/24 giờ" is opening hours, not a duration.
  // "từ năm 1870 đến 1939" is how long something lasted, as much as "mười năm".
  duration: new RegExp(
    `${AMOUNT}\\s*(?:ngày|giờ|tháng|năm|phút|tuần|giây|thế kỷ)(?!\\s*\\/)|từ\\s+năm\\s+\\d{3,4}\\s+(?:đến|tới)\\s+(?:năm\\s+)?\\d{3,4}`,
    'iu',
  ),
  date: /\b(?:1\d|20)\d\d\b|ngày \d{1,2}|tháng \d{1,2}/iu,
  // "mỗi quý một lần", "hằng tháng", "2 lần một năm": how often.
  frequency:
    /\b(?:mỗi|hằng|hàng)\s+(?:ngày|tuần|tháng|quý|năm|kỳ|sáng|tối)|\d+\s+lần|(?:một|hai|ba|bốn)\s+lần|định kỳ|thường xuyên|hiếm khi/iu,
  // "năm 2009" is a year, not five.
  count: /\b\d+(?:\/\d+)?\b|(?<!\p{L})(?:một|hai|ba|bốn|năm(?!\s+\d)|sáu|bảy|tám|chín|mười)(?!\p{L})/iu,
  phone: /\b0\d{2,3}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b|\b1\d{2}\b/u,
  measure: /\b\d+(?:[.,]\d+)?\s*(?:mét|m\b|km|ki-lô-mét|m2|ha|héc-ta|cm)/iu,
  who: /(?:\p{Lu}\p{Ll}*\s){1,}\p{Lu}\p{Ll}*|(?<=[\p{Ll},]\s)\p{Lu}\p{Ll}+|trưởng|ủy ban|ubnd|công an|bộ phận|ban |phòng |tổ |chủ tịch|bí thư|đồng chí|ông |bà /u,
  where: /\btại\b|\bở\b|\bđến\b|trụ sở|nhà văn hóa|điểm|thùng|khu/u,
};

export interface QuestionShape {
  types: ReadonlySet<QuestionType>;
  /** How many things it asks ("chiếm bao nhiêu, và phải báo ai trước mấy ngày": three). */
  asks?: number;
  /** A status asked with a time ("bao giờ xong", "khi nào thông xe"). */
  when?: boolean;
}

/** Words that ask: each one in a question is one thing asked. */
const ASKING = ['ai', 'gì', 'nào', 'mấy', 'đâu', 'sao', 'bao nhiêu', 'bao giờ', 'bao lâu'];

function asked(q: { typed: string[]; folded: string[] }): number {
  let n = 0;
  for (let i = 0; i < q.typed.length; i++) {
    const two = ASKING.find(
      (w) =>
        w.includes(' ') &&
        sameWord(w.split(' ')[0], q.typed[i], q.folded[i]) &&
        i + 1 < q.typed.length &&
        sameWord(w.split(' ')[1], q.typed[i + 1], q.folded[i + 1]),
    );
    if (two) {
      n++;
      i++;
    } else if (ASKING.some((w) => !w.includes(' ') && sameWord(w, q.typed[i], q.folded[i]))) n++;
  }
  return n;
}

/** Lower-case words of a question, with their marks, and folded. */
function wordsOf(question: string): { typed: string[]; folded: string[] } {
  const typed = question
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return { typed, folded: typed.map(fold) };
}

/** A marker word against a question word: with marks when the resident typed them, folded when not. */
function sameWord(marker: string, typed: string, folded: string): boolean {
  return typed === folded ? fold(marker) === folded : marker === typed;
}

/** The marker's words, in order, somewhere in the question ("_": one to four words). */
function has(q: { typed: string[]; folded: string[] }, marker: string): boolean {
  const parts = marker.split(' ');
  const at = (p: number, i: number): boolean => {
    if (p === parts.length) return true;
    if (parts[p] === '_') {
      for (let skip = 1; skip <= 4 && i + skip <= q.typed.length; skip++) if (at(p + 1, i + skip)) return true;
      return false;
    }
    const word = parts[p];
    const same = word.startsWith('=') ? q.typed[i] === word.slice(1) : sameWord(word, q.typed[i], q.folded[i]);
    return i < q.typed.length && same && at(p + 1, i + 1);
  };
  for (let i = 0; i < q.typed.length; i++) if (at(0, i)) return true;
  return false;
}

/** Types whose "… nào" asks for one thing (a date, a person, a place, a document, a stage), not a list. */
const SINGLE_NAO: ReadonlySet<QuestionType> = new Set(['date', 'who', 'where', 'document', 'status']);

/** Words that ask for a time with a status: "giai đoạn nào" asks how far, not when. */
const WHEN = ['khi nào', 'bao giờ', 'lúc nào', 'năm nào', 'tháng nào', 'ngày nào'];

/** A "nào" that asks which, not the one of "thế nào" (how). */
function hasWhich(q: { typed: string[]; folded: string[] }): boolean {
  return q.typed.some((w, i) => sameWord('nào', w, q.folded[i]) && !(i > 0 && sameWord('thế', q.typed[i - 1], q.folded[i - 1])));
}

/** The types a question asks for (none: a "what" question answered by its best sentence). */
export function questionShape(question: string): QuestionShape {
  const text = wordsOf(question);
  const types = new Set<QuestionType>();
  for (const [type, markers] of Object.entries(MARKERS) as [QuestionType, readonly string[]][]) {
    if (markers.some((m) => has(text, m))) types.add(type);
  }
  // "giá trị … là bao nhiêu" asks a value, not a price.
  if (types.has('money') && has(text, 'giá trị') && !MARKERS.money.some((m) => m !== '=giá _ bao nhiêu' && has(text, m)))
    types.delete('money');
  // A money, time, length or duration question is not also a bare count.
  if (['money', 'time', 'duration', 'measure', 'phone'].some((t) => types.has(t as QuestionType))) types.delete('count');
  // "bao lâu một lần" asks how often, not how long; "mấy lần" is not a bare count.
  if (types.has('frequency')) {
    types.delete('duration');
    types.delete('count');
  }
  if (types.has('time') || types.has('duration')) types.delete('date');
  if (types.has('document')) types.delete('list');
  // "như thế nào" asks how, not which: its "nào" is no list; nor is the "nào" of "năm nào",
  // "người nào", "nơi nào", which another type's marker holds.
  const otherNao = (Object.entries(MARKERS) as [QuestionType, readonly string[]][]).some(
    ([type, markers]) => SINGLE_NAO.has(type) && markers.some((m) => m.split(' ').includes('nào') && has(text, m)),
  );
  if (types.has('list') && !MARKERS.list.some((m) => m !== 'nào' && has(text, m)) && (!hasWhich(text) || otherNao)) types.delete('list');
  // "bao giờ xong": a status asked with a time; the reply says whether the documents give one.
  const when = types.has('status') && types.has('date') && WHEN.some((m) => has(text, m));
  // "đang ở giai đoạn nào" asks how far it is, not for a period or a list.
  if (types.has('status') && !when) {
    types.delete('date');
    if (has(text, 'giai đoạn nào') || has(text, 'bước nào')) types.delete('list');
  }
  return when ? { types, asks: asked(text), when } : { types, asks: asked(text) };
}

/** A pattern that finds every mention (for `matchAll`), not only the first. */
export const everyMention = (r: RegExp): RegExp => new RegExp(r.source, `${r.flags.replace('g', '')}g`);

/** The target patterns of a question's types. */
export function targetsOf(shape: QuestionShape, question?: string): RegExp[] {
  return [...shape.types].map((t) => targetFor(t, question)).filter((r): r is RegExp => Boolean(r));
}

/** What a sentence must hold to answer `type`, narrowed by the question ("mấy ngày": days). */
export function targetFor(type: QuestionType, question?: string): RegExp | undefined {
  const unit = type === 'duration' && question !== undefined ? durationUnit(question) : undefined;
  return unit ? new RegExp(`${AMOUNT}\\s*${unit}`, 'iu') : TARGETS[type];
}

const DURATION_UNITS: Readonly<Record<string, string>> = {
  ngay: 'ngày',
  thang: 'tháng',
  nam: 'năm',
  tuan: 'tuần',
  phut: 'phút',
  gio: 'giờ',
  tieng: '(?:giờ|tiếng)',
};

/** "trước mấy ngày" asks for days: a duration in hours does not answer it. */
function durationUnit(question: string): string | undefined {
  const m = / (?:may|bao nhieu) (ngay|thang|nam|tuan|phut|gio|tieng) /u.exec(foldedWords(question));
  return m ? DURATION_UNITS[m[1]] : undefined;
}

/** Types whose answer is a value a document must state; without it the question is not answered. */
export const VALUE_TYPES: ReadonlySet<QuestionType> = new Set(['money', 'time', 'duration', 'measure', 'phone']);

/** Words after which the counted noun has ended. */
const NOUN_END = new Set([
  'thi',
  'vay',
  'roi',
  'a',
  'the',
  'nua',
  'gom',
  'la',
  've',
  'da',
  'duoc',
  'co',
  'nao',
  'dat',
  'can',
  'phai',
  'cua',
  'trong',
  'o',
  'tai',
]);
/** "bao nhiêu tiền", "mấy giờ" ask a value; "bao nhiêu một khối" a rate: no thing is counted. */
const NOT_COUNTED = new Set(['tien', 'gio', 'ngay', 'lau', 'met', 'phut', 'thang', 'nam', 'km', 'mot', '1', 'moi']);

/** "bao nhiêu chỉ tiêu", "mấy nhóm": the things counted, as typed and folded, in the order asked. */
export function countedNouns(question: string): { typed: string; folded: string }[] {
  const typed = question
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const folded = typed.map(fold);
  const nouns: { typed: string; folded: string }[] = [];
  for (let i = 0; i < folded.length; i++) {
    let at = -1;
    if (folded[i] === 'may') at = i + 1;
    else if (folded[i] === 'bao' && folded[i + 1] === 'nhieu') at = i + 2;
    if (at < 0) continue;
    const words: number[] = [];
    for (let j = at; j < typed.length && words.length < 2 && !NOUN_END.has(folded[j]); j++) words.push(j);
    if (!words.length || NOT_COUNTED.has(folded[words[0]])) continue;
    nouns.push({ typed: words.map((j) => typed[j]).join(' '), folded: words.map((j) => folded[j]).join(' ') });
  }
  return nouns;
}

/** The first thing counted, if the question names one. */
export function countedNoun(question: string): { typed: string; folded: string } | undefined {
  return countedNouns(question)[0];
}

/** Words a value of each type comes with in documents, searched with a question that asks for it. */
const HINTS: Partial<Record<QuestionType, string>> = {
  money: 'mức phạt tiền đồng',
  phone: 'số điện thoại đường dây nóng',
  duration: 'thời hạn ngày',
  time: 'giờ',
};

/** Extra words for a second search, for a question that asks for a value; undefined otherwise. */
export function searchHint(shape: QuestionShape): string | undefined {
  const words = [...shape.types].map((t) => HINTS[t]).filter(Boolean);
  return words.length ? words.join(' ') : undefined;
}
