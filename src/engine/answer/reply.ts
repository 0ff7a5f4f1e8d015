// The reply itself: a first sentence that answers in plain words, then the quoted units, each cut
// to the part that answers, with one citation number per document.

import { escapeRegExp } from '../../domain/index.js';
import { answerTexts } from '../../texts/answers.js';
import { fold, foldedWords } from '../normalize.js';
import type { Citation, SearchHit } from '../types.js';
import { toCitation } from './citations.js';
import { AMOUNT, countedNoun, everyMention, type QuestionShape, SPELLED, targetFor } from './question-type.js';
import { predicate, type Scored, sameFact } from './selection.js';
import { matchedWords } from './subject.js';
import { lowerFirst, match, type QueryTerm, termsOf, upperFirst } from './terms.js';
import { answerCandidates, answerWindow } from './window.js';

export interface ExtractiveQuestion {
  /** What the resident asked (cleaned of fillers). */
  question: string;
  /** Terms carried over from the previous question for a follow-up; they count for less. */
  carried?: string;
  /** Folded terms of the places the question names (placeTerms): they are not its subject. */
  places?: ReadonlySet<string>;
  /** What the question asks for; read from `question` when not given (a follow-up inherits it). */
  shape?: QuestionShape;
}

export interface ExtractiveAnswer {
  text: string;
  citations: Citation[];
  confidence: number;
  /** How strongly the first quoted unit answers: its share of the question's terms, and whether it holds the value asked for. */
  evidence: { coverage: number; holdsTarget: boolean; matched: number };
}

/** The passages hold the subject but not the value asked for (a length, a fee): not answered. */
export interface Unsettled {
  unsettled: true;
}

export const STATUS = {
  done: /hoàn thiện|hoàn thành|đã xong|xây xong|đưa vào sử dụng|khánh thành|thông xe|đi vào hoạt động/iu,
  started: /đang triển khai|đang thi công|đang thực hiện|bước đầu|đang xây dựng|chưa hoàn thành|đang làm/iu,
  notStarted: /chưa triển khai|chưa khởi công|chưa thực hiện|chưa bắt đầu|chuẩn bị đầu tư/iu,
};

/** Whether a text states how far some work is, done or not. */
export const mentionsStatus = (text: string): boolean =>
  STATUS.done.test(text) || STATUS.started.test(text) || STATUS.notStarted.test(text);

/** Each status with a pattern for every mention of it, compiled once. */
const STATUS_MENTIONS = [
  ['done', everyMention(STATUS.done)],
  ['started', everyMention(STATUS.started)],
  ['notStarted', everyMention(STATUS.notStarted)],
] as const;

/** Where a document states a place: a preposition of place ("tại", "trụ sở"…). */
const PLACE_WORDS = targetFor('where') ?? /$^/u;
/** A named place (a capital inside a sentence) or a kind of place, unless the question already names it. */
const PLACE_NAMES: readonly RegExp[] = [
  /(?<=[\p{Ll},]\s)\p{Lu}\p{Ll}+/gu,
  /(?<!\p{L})(?:phường|xã|tổ|thôn|bản|đường|phố|ngõ|số nhà)(?!\p{L})/giu,
];

function statesPlace(text: string, asked: string): boolean {
  if (PLACE_WORDS.test(text)) return true;
  return PLACE_NAMES.some((r) => [...text.matchAll(r)].some((m) => !asked.includes(fold(m[0]))));
}

type Status = 'done' | 'notDone' | 'started' | 'notStarted';

/** Words before a "done" phrase that deny it: "chưa hoàn thành" is not done. */
const DENIED = /(?:chưa|không|chưa được|không được)\s+$/iu;

/**
 * How far the work is, by the last status the text states: a table row names its fields first
 * ("thời gian hoàn thành: quý IV") and its status last ("đang thi công"); a denied "done" ("chưa
 * hoàn thành") is not done.
 */
export function statusOf(text: string): Status | undefined {
  let last: { at: number; status: Status } | undefined;
  for (const [status, pattern] of STATUS_MENTIONS) {
    for (const m of text.matchAll(pattern)) {
      const said: Status = status === 'done' && DENIED.test(text.slice(0, m.index)) ? 'notDone' : status;
      if (!last || m.index >= last.at) last = { at: m.index, status: said };
    }
  }
  return last?.status;
}

/** A date a document states: a year, a day, a month. */
const DATE = targetFor('date') ?? /$^/u;

const PROHIBITION = /nghiêm cấm|bị cấm|\bcấm\b|không được|\bkhông\s+(?!chỉ|quá|vượt|dưới|ít)\p{L}+/iu;

/** "từ 500.000 đồng đến 1.000.000 đồng", "từ 18 giờ đến 20 giờ": the value as the document states it. */
const SPANS: Partial<Record<string, RegExp>> = {
  money:
    /(?:từ\s+)?\d[\d.,]*\s*(?:đồng|triệu đồng|nghìn đồng|tỷ đồng|tỷ)(?:\s+đến\s+\d[\d.,]*\s*(?:đồng|triệu đồng|nghìn đồng|tỷ đồng|tỷ))?/iu,
  time: /(?:từ\s+)?\d{1,2}\s*giờ(?:\s*\d{2})?(?:\s+(?:sáng|trưa|chiều|tối|đêm))?(?:\s+(?:đến|tới)\s+\d{1,2}\s*giờ(?:\s*\d{2})?(?:\s+(?:sáng|trưa|chiều|tối|đêm))?)?/iu,
  duration: new RegExp(
    `(?:(?:không quá|tối đa|trong vòng|trong thời hạn|trước ít nhất|ít nhất)\\s*)?${AMOUNT}\\s*(?:ngày làm việc|ngày|giờ|tháng|năm|tuần)|từ\\s+năm\\s+\\d{3,4}\\s+(?:đến|tới)\\s+(?:năm\\s+)?\\d{3,4}`,
    'iu',
  ),
  phone: /\b0\d{2,3}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b/u,
  frequency:
    /(?:mỗi|hằng|hàng)\s+(?:ngày|tuần|tháng|quý|năm|kỳ)(?:\s+(?:một|hai|ba|\d+)\s+lần)?|(?:một|hai|ba|bốn|\d+)\s+lần(?:\s+(?:mỗi|một|trong)\s+(?:ngày|tuần|tháng|quý|năm))?/iu,
};

/** The best unit is quoted whole up to this length; longer, the part around the question's words. */
const FIRST_QUOTE_CHARS = 400;
/** A unit quoted after the best one: the part of it that answers, up to this length. */
const MORE_QUOTE_CHARS = 250;
/** Holding a value of the kind asked for counts like this share of the question's words, in a cut. */
const CANDIDATE_WEIGHT = 0.5;

export function compose(
  q: ExtractiveQuestion,
  shape: QuestionShape,
  chosen: readonly Scored[],
  scored: readonly Scored[],
  hits: readonly SearchHit[],
  terms: readonly QueryTerm[],
  best: Scored,
): ExtractiveAnswer {
  // One citation per document, numbered in order of first use.
  const numberOf = new Map<string, number>();
  const quotesOf = new Map<string, string[]>();
  const citations: Citation[] = [];
  const cite = (s: Scored): number => {
    const chunk = hits[s.u.hit].chunk;
    let num = numberOf.get(chunk.docId);
    if (num === undefined) {
      num = numberOf.size + 1;
      numberOf.set(chunk.docId, num);
      citations.push(toCitation(num, chunk));
      quotesOf.set(chunk.docId, []);
    }
    quotesOf.get(chunk.docId)!.push(s.u.text);
    return num;
  };

  const candidates = answerCandidates(shape, q.question);
  const parts: { text: string; marks: number[] }[] = [];
  const asList = chosen.length > 1 && chosen.every((c) => c.u.heading && c.u.heading === chosen[0].u.heading);
  // The items of a list answer are quoted whole, like the first unit: a cut one loses its name.
  const listed = (shape.types.has('list') || shape.types.has('count')) && chosen.length > 2;
  if (asList) {
    const items = chosen.map((c) => c.u.text.replace(/[\s.;,:]+$/u, ''));
    const marks = [...new Set(chosen.map(cite))];
    parts.push({ text: `${chosen[0].u.heading}: ${items.map(lowerFirst).join('; ')}`, marks });
  } else if (chosen.length > 1 && chosen.every((c) => c.u.row && predicate(c.u) === predicate(chosen[0].u))) {
    // Rows that say the same of their subjects: the subjects listed once, then what is said of them.
    const subjects = chosen.map((c) => c.u.text.slice(0, c.u.text.length - predicate(c.u).length).trim());
    const marks = [...new Set(chosen.map(cite))];
    parts.push({ text: `${subjects.join('; ')}: ${predicate(chosen[0].u)}`, marks });
  } else {
    for (const c of chosen) {
      const marks = [cite(c)];
      // The same fact in another document (the article a table row was taken from): cited, not repeated.
      for (const other of scored) {
        if (other === c || hits[other.u.hit].chunk.docId === hits[c.u.hit].chunk.docId || !sameFact(other.u, c.u)) continue;
        if (other.coverage < 0.5 * c.coverage) continue;
        const num = cite(other);
        if (!marks.includes(num)) marks.push(num);
        break;
      }
      // The best unit is cut only when very long; one that adds to it, to the part that adds.
      const budget = c === chosen[0] || listed ? FIRST_QUOTE_CHARS : MORE_QUOTE_CHARS;
      const body = answerWindow(c.u.text, { terms, candidates, budget, candidateWeight: CANDIDATE_WEIGHT });
      // "Nghiêm cấm các hành vi sau: vứt rác…": the heading is what makes an item an answer.
      const text = c.u.heading && chosen.length === 1 ? `${c.u.heading}: ${lowerFirst(body)}` : body;
      parts.push({ text, marks });
    }
  }
  // Consecutive parts with the same marks share one, after the last of them.
  const rendered = parts.map((p, i) => {
    const next = parts[i + 1];
    const same = next && next.marks.join() === p.marks.join();
    return withMarker(p.text, same ? [] : p.marks);
  });
  for (const c of citations) c.quote = (quotesOf.get(c.docId) ?? []).join(' … ');

  // Each quoted unit read with the list heading that makes it an answer.
  const texts = chosen.map((c) => `${c.u.heading ?? ''} ${c.u.text}`);
  const first = [
    notGiven(q.question, shape, texts),
    directAnswer(q.question, shape, chosen, texts, namesSubject(terms, chosen[0], q.places)),
  ]
    .filter(Boolean)
    .join(' ');
  const body = `${answerTexts.leadIn} ${rendered.join(' ')}`;
  const confidence = Math.min(1, best.coverage * (0.5 + 0.5 * hits[0].relevance));
  return {
    text: first ? `${first} ${body}` : body,
    citations,
    confidence: Math.round(confidence * 100) / 100,
    evidence: { coverage: best.coverage, holdsTarget: chosen.some((c) => c.holdsTarget), matched: matchedWords(terms, best.u, q.places) },
  };
}

/**
 * What was asked and the quoted units do not state, said before anything else: the time of
 * "bao giờ xong" without a date, the place of "ở đâu" without one. Said only of a quote that holds
 * none at all, so a place or date written another way is never denied.
 */
function notGiven(question: string, shape: QuestionShape, texts: readonly string[]): string | undefined {
  const asked = fold(question);
  const gaps = [
    shape.when && !texts.some((x) => DATE.test(x)) ? answerTexts.direct.noDate : '',
    shape.types.has('where') && !texts.some((x) => statesPlace(x, asked)) ? answerTexts.direct.noPlace : '',
  ];
  return gaps.filter(Boolean).join(' ') || undefined;
}

/**
 * Whether the unit holds a word of what the question is about, not only its place or the status it
 * asks ("chợ Sông Cầu khi nào xong" typed bare loses "chợ": a row of Sông Cầu that is done is not
 * the market's answer).
 */
function namesSubject(terms: readonly QueryTerm[], lead: Scored, places: ReadonlySet<string> = new Set()): boolean {
  const held = termsOf(lead.u.text);
  return terms.some(
    (t) => !places.has(t.folded) && !isStatusConcept(t) && match(t, held) > 0 && !t.folded.split(' ').every((w) => places.has(w)),
  );
}

/** A synonym concept of a status ("≈hoàn_thiện" for "xong", "thông xe"…): it asks how far, it names nothing. */
function isStatusConcept(t: QueryTerm): boolean {
  if (!t.folded.startsWith('≈')) return false;
  const words = t.exact.replace(/^≈/u, '').replace(/_/gu, ' ');
  return mentionsStatus(words);
}

/** The first sentence: the answer in plain words, read off the quoted units; none when they do not settle it. */
function directAnswer(
  question: string,
  shape: QuestionShape,
  chosen: readonly Scored[],
  texts: readonly string[],
  subjectNamed: boolean,
): string | undefined {
  const t = shape.types;
  // "công trình nào đã xong": the list is the answer, not one status.
  if (t.has('status') && subjectNamed && !((t.has('list') || t.has('count')) && chosen.length > 1)) {
    const lead = texts[0];
    const status = statusOf(lead);
    if (status) return answerTexts.direct[status];
  }
  const noun = countedNoun(question);
  if ((t.has('list') || t.has('count')) && chosen.length > 2 && chosen.every((c) => c.u.heading && c.u.heading === chosen[0].u.heading)) {
    // "Có 3 nhóm" only of a list of what was counted: its heading names it ("… thành 03 nhóm:").
    const ofNoun = noun && fold(chosen[0].u.heading ?? '').includes(noun.folded.split(' ')[0]);
    return ofNoun ? answerTexts.direct.count(chosen.length, noun.typed) : undefined;
  }
  for (const type of ['money', 'time', 'duration', 'frequency', 'phone'] as const) {
    if (!t.has(type)) continue;
    // The value from the unit that holds one, not from any quoted text.
    const m = chosen
      .filter((c) => c.holdsTarget)
      .map((c) => SPANS[type]?.exec(c.u.text))
      .find(Boolean);
    if (m) {
      const value = upperFirst(m[0].trim());
      return t.has('yesno') && type === 'money' ? answerTexts.direct.fined(lowerFirst(value)) : `${value}.`;
    }
  }
  if (t.has('yesno')) {
    const lead = texts[0];
    if (PROHIBITION.test(lead)) return answerTexts.direct.no;
    if (/\bđược\b/iu.test(lead) && /\bđược\b|\bduoc\b/iu.test(question)) return answerTexts.direct.yesAllowed;
    if (/\bphải\b|\bcần\b/iu.test(lead)) return answerTexts.direct.yesMust;
  }
  if (t.has('count') && noun) {
    const count = countPhrase(texts[0], question, noun.folded);
    if (count) return `${upperFirst(count)}.`;
  }
  return undefined;
}

/**
 * "18/30 chỉ tiêu", "chín tổ dân phố": the number and the thing counted as the text writes them,
 * with one word between at most ("4 chương trình hành động"), and the counted noun's words only
 * as far as the question goes on with them.
 */
function countPhrase(text: string, question: string, noun: string): string | undefined {
  const folded = fold(text);
  // Folding keeps one letter per letter of NFC text, so an offset in one is an offset in the other.
  if (folded.length !== text.length) return undefined;
  const asked = foldedWords(question).trim().split(' ');
  const head = noun.split(' ')[0];
  const at = asked.indexOf(head);
  // Each word after the head only when the one before it matched: "(?:\s+dân(?:\s+phố)?)?".
  const after = at < 0 ? [] : asked.slice(at + 1, at + 1 + MAX_NOUN_WORDS);
  const tail = after.reduceRight((inner, w) => `(?:\\s+${escapeRegExp(w)}${inner})?`, '');
  const m = new RegExp(
    `(?<![\\p{L}\\d])(\\d+(?:[.,/]\\d+)*|${fold(SPELLED)})\\s+(?:\\p{L}+\\s+)?${escapeRegExp(head)}${tail}(?!\\p{L})`,
    'u',
  ).exec(folded);
  if (!m) return undefined;
  // Folded, "nam" is also the south: a number in words must be one with its marks.
  const number = text.slice(m.index, m.index + m[1].length);
  if (!/^\d/u.test(number) && !new RegExp(`^${SPELLED}$`, 'iu').test(number)) return undefined;
  return text.slice(m.index, m.index + m[0].length);
}

/** Words of the counted noun a count answer repeats after its first. */
const MAX_NOUN_WORDS = 3;

/** "… dự án." → "… dự án [1]."; a closing quote, "?" or "…" stays before the marker. */
function withMarker(sentence: string, marks: readonly number[]): string {
  const trimmed = sentence.replace(/[\s.;:,]+$/u, '');
  const body = upperFirst(trimmed);
  const marker = marks.length ? ` ${marks.map((m) => `[${m}]`).join('')}` : '';
  return /[?!”"»)…]$/u.test(body) ? `${body}${marker}` : `${body}${marker}.`;
}
