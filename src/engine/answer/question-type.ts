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
  | 'date'
  | 'list'
  | 'who'
  | 'where'
  | 'phone'
  | 'measure';

/** Folded phrases that mark each type; "_" stands for any one word. */
const MARKERS: Readonly<Record<QuestionType, readonly string[]>> = {
  obligation: [
    'phai lam gi',
    'phai lam sao',
    'phai lam nhu the nao',
    'can lam gi',
    'can nhung gi',
    'can giay to gi',
    'phai the nao',
    'phai lam the nao',
    'phai tuan thu',
  ],
  document: [
    'van ban nao',
    'nghi quyet nao',
    'quyet dinh nao',
    'chuong trinh nao',
    'ke hoach nao',
    'van ban gi',
    'nam trong van ban',
    'theo van ban',
    'can cu vao dau',
    'quy dinh o dau',
  ],
  status: [
    'dang o giai doan',
    'dang o buoc',
    'xong chua',
    'xong roi',
    'da xong',
    'hoan thanh chua',
    'hoan thien chua',
    'tien do',
    'den dau roi',
    'toi dau roi',
    'ra sao roi',
    'the nao roi',
    'lam chua',
    'khoi cong chua',
    'bat dau chua',
    'bat dau lam',
    'dang lam',
    'lam do',
    'thong xe chua',
    'khanh thanh chua',
    'xong',
    'hoan thanh',
    'trien khai chua',
  ],
  yesno: [
    'duoc khong',
    'co duoc',
    'co bi',
    'co phai',
    'co can',
    'bi cam khong',
    'co mat phi',
    'phai khong',
    'khong a',
    'duoc ko',
    'bi phat khong',
    'phai _ khong',
    'duoc _ khong',
    'co _ khong',
  ],
  count: ['may', 'bao nhieu', 'so luong', 'co bao nhieu'],
  money: [
    'bao nhieu tien',
    'phat bao nhieu',
    'muc phat',
    'bi phat',
    'phat tien',
    'le phi',
    'bao nhieu phi',
    'ton bao nhieu',
    'mat bao nhieu',
    'gia bao nhieu',
    'phi bao nhieu',
  ],
  time: ['may gio', 'gio nao', 'khung gio', 'luc may gio', 'tu may gio', 'den may gio', 'toi may gio'],
  duration: ['bao lau', 'may ngay', 'bao nhieu ngay', 'trong bao lau', 'toi da bao lau', 'bao nhieu gio', 'may thang'],
  date: ['khi nao', 'bao gio', 'nam nao', 'ngay nao', 'luc nao', 'giai doan nao', 'thoi han', 'den nam nao', 'thang nao', 'hieu luc tu'],
  list: ['nhung _ nao', 'cac _ nao', 'ke ten', 'gom nhung', 'gom gi', 'la nhung', 'liet ke', 'nhung gi', 'nao', 'gom nhung nhom nao'],
  who: ['ai', 'nguoi nao', 'bao ai', 'voi ai', 'co quan nao', 'don vi nao', 'ai la', 'la ai', 'ai phu trach'],
  where: ['o dau', 'cho nao', 'noi nao', 'tai dau', 'dia diem', 'den dau', 'vao dau', 'di dau', 'dau a', 'o cho nao'],
  phone: ['so dien thoai', 'goi so', 'so nao', 'hotline', 'duong day nong', 'goi ai', 'lien he'],
  measure: ['dai bao nhieu', 'rong bao nhieu', 'cao bao nhieu', 'bao nhieu met', 'may met', 'bao xa', 'dien tich', 'bao nhieu km'],
};

/** What a sentence must hold to answer each type; a type without one is answered by wording. */
const TARGETS: Partial<Record<QuestionType, RegExp>> = {
  obligation: /\bphải\b|\bcần\b|bắt buộc|có trách nhiệm/iu,
  document:
    /(?:nghị quyết|chương trình hành động|chương trình|quyết định|kế hoạch|chỉ thị|thông báo|quy chế|luật|nghị định|thông tư)\s+(?:số\s+)?\d+/iu,
  money: /\d[\d.,]*\s*(?:đồng|nghìn|ngàn|triệu|tỷ|vnđ|đ\b)/iu,
  time: /\b\d{1,2}\s*(?:giờ|h\b|:\d\d)/iu,
  // "24/24 giờ" is opening hours, not a duration.
  duration: /(?<![/\d])\d+(?:[.,]\d+)?\s*(?:ngày|giờ|tháng|năm|phút|tuần|giây|thế kỷ)(?!\s*\/)/iu,
  date: /\b(?:19|20)\d\d\b|ngày \d{1,2}|tháng \d{1,2}/iu,
  count: /\b\d+(?:\/\d+)?\b|\b(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\b/iu,
  phone: /\b0\d{2,3}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b|\b1\d{2}\b/u,
  measure: /\b\d+(?:[.,]\d+)?\s*(?:mét|m\b|km|ki-lô-mét|m2|ha|héc-ta|cm)/iu,
  who: /(?:\p{Lu}\p{Ll}*\s){1,}\p{Lu}\p{Ll}*|trưởng|ủy ban|ubnd|công an|bộ phận|ban |phòng |tổ |chủ tịch|bí thư|đồng chí|ông |bà /u,
  where: /\btại\b|\bở\b|\bđến\b|trụ sở|nhà văn hóa|điểm|thùng|khu/u,
};

export interface QuestionShape {
  types: ReadonlySet<QuestionType>;
}

function has(text: string, marker: string): boolean {
  if (!marker.includes('_')) return text.includes(` ${marker} `);
  // "_" is one or more words between the parts.
  const pattern = marker
    .split(' ')
    .map((w) => (w === '_' ? '(?:\\S+ ){1,4}' : `${w} `))
    .join('');
  return new RegExp(` ${pattern}`).test(text);
}

/** The types a question asks for (none: a "what" question answered by its best sentence). */
export function questionShape(question: string): QuestionShape {
  const text = foldedWords(question);
  const types = new Set<QuestionType>();
  for (const [type, markers] of Object.entries(MARKERS) as [QuestionType, readonly string[]][]) {
    if (markers.some((m) => has(text, m))) types.add(type);
  }
  // A money, time, length or duration question is not also a bare count.
  if (['money', 'time', 'duration', 'measure', 'phone'].some((t) => types.has(t as QuestionType))) types.delete('count');
  if (types.has('time') || types.has('duration')) types.delete('date');
  if (types.has('document')) types.delete('list');
  // "đang ở giai đoạn nào" asks how far it is, not for a period or a list.
  if (types.has('status')) {
    types.delete('date');
    if (has(text, 'giai doan nao') || has(text, 'buoc nao')) types.delete('list');
  }
  // "đang ở giai đoạn nào" asks how far it is, not for a period.
  if (types.has('status')) types.delete('date');
  return { types };
}

/** The target patterns of a question's types. */
export function targetsOf(shape: QuestionShape, question?: string): RegExp[] {
  return [...shape.types].map((t) => targetFor(t, question)).filter((r): r is RegExp => Boolean(r));
}

/** What a sentence must hold to answer `type`, narrowed by the question ("mấy ngày": days). */
export function targetFor(type: QuestionType, question?: string): RegExp | undefined {
  const unit = type === 'duration' && question !== undefined ? durationUnit(question) : undefined;
  return unit ? new RegExp(`(?<![/\\d])\\d+\\s*${unit}`, 'iu') : TARGETS[type];
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
const NOT_COUNTED = new Set(['tien', 'gio', 'ngay', 'lau', 'met', 'phut', 'thang', 'nam', 'km']);

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
