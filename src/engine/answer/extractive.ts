// The offline answer: the units (sentences, list items, table rows) of the retrieved passages
// that answer the question, chosen for what the question asks (a status, a number, a list…),
// with a first sentence that answers in plain words, then the quotes, numbered by the document
// they come from. Every word after the first sentence is the documents' own; the first sentence
// only restates what the quotes say. No model, no network.
import { answerTexts } from '../../texts/answers.js';
import { fold } from '../normalize.js';
import { lexicalTerms, questionTerms } from '../tokenize.js';
import type { Citation, SearchHit } from '../types.js';
import { toCitation } from './citations.js';
import { countedNoun, countedNouns, type QuestionShape, questionShape, targetFor, targetsOf, VALUE_TYPES } from './question-type.js';
import { headingText, type Unit, unitsWithNeighbours } from './units.js';

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

interface QueryTerm {
  exact: string;
  folded: string;
  /** Typed without diacritics: only the folded form can be compared. */
  bare: boolean;
  weight: number;
}

interface TermSets {
  exact: Set<string>;
  folded: Set<string>;
}

interface Scored {
  u: Unit;
  coverage: number;
  score: number;
  /** The unit holds a value of the type asked for. */
  holdsTarget: boolean;
}

/** A sentence joins the best one only when it scores at least this share of it. */
const KEEP_RATIO = 0.6;
const MAX_UNITS = 2;
const MAX_LIST_ITEMS = 12;
/** Tone-mark mismatch ("ban" typed as "bàn" for "bản"): probably another word, counts a little. */
const TONE_MISMATCH = 0.3;
const CARRIED_WEIGHT = 0.5;
/** A word of the list heading or section title above a unit counts this much. */
const CONTEXT_WEIGHT = 0.6;
/** Holding the value asked for (a fine, an hour) lifts a unit this much. */
const TARGET_BONUS = 0.8;
/**
 * A unit stating the value asked for completes the answer when it holds this share of what the
 * best unit holds: the article on fines words the act differently from the article forbidding it.
 */
const VALUE_SHARE = 0.15;
/** Weight of an ambiguous function word typed without marks ("cho": "cho" or "chó"). */
const WORDING_WEIGHT = 0.5;
/** Weight of a question word that no retrieved unit holds. */
const ABSENT_WEIGHT = 0.5;
/** A unit in a list of at least LIST_MIN items lifts a list question's score this much. */
const LIST_BONUS = 0.6;
const LIST_MIN = 3;
/** A number right before the thing counted ("18/30 chỉ tiêu") lifts a count question's score this much. */
const COUNTED_BONUS = 1.2;
/** A quoted unit longer than this is cut to its best-matching run of clauses. */
const MAX_QUOTE_CHARS = 300;

const STATUS = {
  done: /hoàn thiện|hoàn thành|đã xong|xây xong|đưa vào sử dụng|khánh thành|thông xe|đi vào hoạt động/iu,
  started: /đang triển khai|đang thi công|đang thực hiện|bước đầu|đang xây dựng|chưa hoàn thành|đang làm/iu,
  notStarted: /chưa triển khai|chưa khởi công|chưa thực hiện|chưa bắt đầu|chuẩn bị đầu tư/iu,
};
const PROHIBITION = /nghiêm cấm|bị cấm|\bcấm\b|không được|\bkhông\s+(?!chỉ|quá|vượt|dưới|ít)\p{L}+/iu;
/** "từ 500.000 đồng đến 1.000.000 đồng", "từ 18 giờ đến 20 giờ": the value as the document states it. */
const SPANS: Partial<Record<string, RegExp>> = {
  money: /(?:từ\s+)?\d[\d.,]*\s*(?:đồng|triệu đồng|nghìn đồng)(?:\s+đến\s+\d[\d.,]*\s*(?:đồng|triệu đồng|nghìn đồng))?/iu,
  time: /(?:từ\s+)?\d{1,2}\s*giờ(?:\s*\d{2})?(?:\s+(?:sáng|trưa|chiều|tối|đêm))?(?:\s+(?:đến|tới)\s+\d{1,2}\s*giờ(?:\s*\d{2})?(?:\s+(?:sáng|trưa|chiều|tối|đêm))?)?/iu,
  duration: /(?:không quá|tối đa|trong vòng|trong thời hạn|trước ít nhất|ít nhất)?\s*\d+\s*(?:ngày làm việc|ngày|giờ|tháng|năm|tuần)/iu,
  phone: /\b0\d{2,3}[\s.-]?\d{3,4}[\s.-]?\d{3,4}\b/u,
};

/** Term sets of the units and passages seen lately: the same passages answer many questions. */
const termCache = new Map<string, TermSets>();
const TERM_CACHE_SIZE = 20_000;

function termsOf(text: string): TermSets {
  let sets = termCache.get(text);
  if (!sets) {
    const t = lexicalTerms(text);
    sets = { exact: new Set(t.exact), folded: new Set(t.folded) };
    if (termCache.size >= TERM_CACHE_SIZE) termCache.clear();
    termCache.set(text, sets);
  }
  return sets;
}

function queryTerms(text: string, weight: number): QueryTerm[] {
  const { exact, folded, wording } = questionTerms(text);
  // Wording ("mấy giờ", a bare "cho") says how the resident asks more than what a sentence must hold.
  return exact
    .map((e, i) => ({
      exact: e,
      folded: folded[i],
      bare: e === folded[i],
      weight: wording.has(folded[i]) ? weight * WORDING_WEIGHT : weight,
    }))
    .filter((t) => !(wording.has(t.folded) && t.folded.includes(' ')));
}

function match(term: QueryTerm, s: TermSets): number {
  if (term.bare) return s.folded.has(term.folded) ? 1 : 0;
  if (s.exact.has(term.exact)) return 1;
  return s.folded.has(term.folded) ? TONE_MISMATCH : 0;
}

/** Distinct terms, the resident's own first: a carried term never outweighs a typed one. */
function distinct(terms: QueryTerm[]): QueryTerm[] {
  const seen = new Map<string, QueryTerm>();
  for (const t of terms) if (!seen.has(t.folded)) seen.set(t.folded, t);
  return [...seen.values()];
}

const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s.charAt(0).toLocaleLowerCase('vi') + s.slice(1) : s);
const upperFirst = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);

/** True when a value of the shape's types is in `text` and is not just repeated from the question. */
function holdsTarget(text: string, targets: readonly RegExp[], question: string): boolean {
  const asked = fold(question);
  return targets.some((r) => {
    for (const m of text.matchAll(new RegExp(r.source, `${r.flags.replace('g', '')}g`)))
      if (!asked.includes(fold(m[0]).trim())) return true;
    return false;
  });
}

export function extractiveAnswer(q: ExtractiveQuestion, hits: readonly SearchHit[]): ExtractiveAnswer | Unsettled | undefined {
  const { units, next, previousOf } = unitsWithNeighbours(hits);
  if (!units.length) return undefined;
  const shape = q.shape ?? questionShape(q.question);
  const targets = targetsOf(shape, q.question);

  const terms = distinct([...queryTerms(q.question, 1), ...(q.carried ? queryTerms(q.carried, CARRIED_WEIGHT) : [])]);
  const own = units.map((u) => termsOf(u.text));
  const context = units.map((u) => termsOf([u.heading ?? '', u.row?.columns ?? '', ...hits[u.hit].chunk.section].join('\n')));
  // Inverse unit frequency: "thành phố" in every sentence tells nothing about which to quote.
  const n = units.length;
  for (const t of terms) {
    const df = own.reduce((sum, s) => sum + (match(t, s) > 0 ? 1 : 0), 0);
    // A word no retrieved unit has ("sân sau", "nhà bên") is the resident's wording more often than
    // the subject: it counts, but less than one the units do have.
    const absent = df === 0 && !context.some((c) => match(t, c) > 0) ? ABSENT_WEIGHT : 1;
    t.weight *= Math.log(1 + (n + 1) / (df + 0.5)) * (t.exact.includes(' ') ? 1.5 : 1) * absent;
  }
  const total = terms.reduce((sum, t) => sum + t.weight, 0);
  if (total === 0) return undefined;

  const asksList = shape.types.has('list') || shape.types.has('count');
  const listSize = listSizes(units);
  const counted = countedNouns(q.question).map(
    (noun) => new RegExp(`\\b\\d+(?:/\\d+)?\\s+${noun.folded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'u'),
  );
  const scored: Scored[] = units.map((u, i) => {
    const covered = terms.reduce((sum, t) => sum + t.weight * Math.max(match(t, own[i]), CONTEXT_WEIGHT * match(t, context[i])), 0);
    const coverage = covered / total;
    const hit = hits[u.hit];
    const prior = (1 / (1 + 0.15 * u.hit)) * (0.6 + 0.4 * hit.relevance);
    const target = targets.length > 0 && holdsTarget(u.text, targets, q.question) && rightMoney(u, shape, q.question);
    const status = shape.types.has('status') && (STATUS.done.test(u.text) || STATUS.started.test(u.text) || STATUS.notStarted.test(u.text));
    const list = asksList && listSize(u) >= LIST_MIN ? LIST_BONUS : 0;
    const count = counted.some((r) => r.test(fold(u.text.toLowerCase()))) ? COUNTED_BONUS : 0;
    const lift = (target ? TARGET_BONUS : 0) + (status ? TARGET_BONUS / 2 : 0) + list + count;
    return { u, coverage, score: coverage * prior * (1 + lift), holdsTarget: target };
  });
  const ranked = [...scored].sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (best.coverage === 0) return undefined;

  // A value the documents must state (a fee, a length, an hour) and no unit about the subject has it.
  const valueTypes = [...shape.types].filter((t) => VALUE_TYPES.has(t));
  if (valueTypes.length && !ranked.some((s) => s.holdsTarget && s.coverage >= VALUE_SHARE * best.coverage)) return { unsettled: true };

  const picked = withCounts(
    withValues(choose(ranked, best, shape, next.get(best.u.text) ?? []), ranked, shape, best, q.question),
    ranked,
    counted,
    best,
  );
  const chosen = withAntecedents(picked, scored, previousOf);
  const quotedPassages = [...new Set(chosen.map((s) => s.u.hit))].map((i) => hits[i].chunk.text);
  if (!aboutSubject(terms, q.places ?? new Set(), quotedPassages)) return undefined;
  // "quốc lộ 1A", "trường THPT Chu Văn An": a named thing the passages never name is another subject.
  // Compared by terms, so "Ban Thường vụ" is found in a passage that writes "BTV".
  // A name counts as absent only when none of its words is there: translated names are spelled many ways.
  const names = namedThings(q.question);
  const passageTerms = names.length ? hits.map((h) => termsOf(h.chunk.text).folded) : [];
  if (names.some((name) => !name.some((syllable) => passageTerms.some((t) => t.has(syllable))))) return undefined;

  return compose(q, shape, chosen, scored, hits, terms, best);
}

/** The units to quote: a whole list for a list question, else the best and what completes it. */
function choose(ranked: readonly Scored[], best: Scored, shape: QuestionShape, following: readonly string[]): Scored[] {
  const asksList = shape.types.has('list') || shape.types.has('count');
  const heading = best.u.heading ?? (best.u.opensList ? headingText(best.u.text) : undefined);
  if (asksList && heading) {
    const items = ranked.filter((s) => s.u.heading === heading).sort((a, b) => a.u.hit - b.u.hit || a.u.order - b.u.order);
    if (items.length > 1) return items.slice(0, MAX_LIST_ITEMS);
  }
  if (asksList && ranked.filter((s) => s.u.sentence === best.u.sentence && s.u.hit === best.u.hit).length > 1) {
    // A list written as one long sentence cut at ";": all of its clauses.
    return ranked.filter((s) => s.u.sentence === best.u.sentence && s.u.hit === best.u.hit).sort((a, b) => a.u.order - b.u.order);
  }
  // "… cụ thể hóa bằng các Nghị quyết chuyên đề. Đó là các Nghị quyết số 04 …; số 06 …; …": the list
  // is the next sentence.
  if (asksList && following.length >= LIST_MIN) {
    const next = following.map((t) => ranked.find((s) => s.u.text === t)).filter((s): s is Scored => Boolean(s));
    if (next.length >= LIST_MIN) return [best, ...next];
  }
  if (asksList && best.u.row) {
    // Table rows that answer alike (the same status asked for): every one of them.
    // Rows that say the same of their subject as the best one ("… được xây dựng và hoàn thiện").
    const rows = ranked.filter(
      (s) =>
        s.u.row &&
        ((predicate(s.u) === predicate(best.u) && s.coverage >= 0.5 * best.coverage) ||
          (s.coverage >= 0.85 * best.coverage && s.score >= 0.6 * best.score)),
    );
    if (rows.length > 1) return rows.slice(0, MAX_LIST_ITEMS);
  }
  const chosen = [best];
  const needsValue = [...shape.types].some((t) => VALUE_TYPES.has(t) || t === 'count');
  for (const c of ranked.slice(1)) {
    if (chosen.length >= MAX_UNITS) break;
    // The value asked for from a second place (the fine of an act, in the article on fines).
    const completes =
      needsValue && !best.holdsTarget && !chosen.some((x) => x.holdsTarget) && c.holdsTarget && c.coverage >= VALUE_SHARE * best.coverage;
    if (completes || (c.score >= KEEP_RATIO * best.score && !sameFact(c.u, best.u))) chosen.push(c);
  }
  return chosen;
}

/**
 * A question that asks for two things ("gọi số nào, bao lâu thì có trả lời"): each value type the
 * chosen units do not hold is added from the best unit that does.
 */
function withValues(chosen: Scored[], ranked: readonly Scored[], shape: QuestionShape, best: Scored, question: string): Scored[] {
  const out = [...chosen];
  for (const type of shape.types) {
    const target = VALUE_TYPES.has(type) ? targetFor(type, question) : undefined;
    if (!target || out.some((c) => target.test(c.u.text))) continue;
    const add = ranked.find((c) => target.test(c.u.text) && c.coverage >= VALUE_SHARE * best.coverage && !out.includes(c));
    if (add) out.push(add);
  }
  return out;
}

/** Openers that point back to the sentence before ("Anh ấy cũng là…", "Điều này…"). */
const POINTS_BACK = /^(?:anh ấy|ông ấy|bà ấy|cô ấy|chị ấy|họ|nó|ông|bà|đây|điều này|việc này|những người này|sau đó|khi đó|lúc đó)\b/iu;

/** A unit that starts by pointing back is quoted after the sentence it points to. */
function withAntecedents(chosen: Scored[], scored: readonly Scored[], previousOf: ReadonlyMap<string, string[]>): Scored[] {
  const out: Scored[] = [];
  for (const c of chosen) {
    if (POINTS_BACK.test(c.u.text)) {
      const before = (previousOf.get(c.u.text) ?? []).map((t) => scored.find((s) => s.u.text === t)).filter((s): s is Scored => Boolean(s));
      for (const b of before) if (!out.includes(b) && !chosen.includes(b)) out.push(b);
    }
    out.push(c);
  }
  return out;
}

/** Each thing counted ("bao nhiêu chỉ tiêu …, mấy chương trình …") from the best unit that gives its number. */
function withCounts(chosen: Scored[], ranked: readonly Scored[], counted: readonly RegExp[], best: Scored): Scored[] {
  const out = [...chosen];
  for (const r of counted) {
    const holds = (c: Scored) => r.test(fold(c.u.text.toLowerCase()));
    if (out.some(holds)) continue;
    const add = ranked.find((c) => holds(c) && c.coverage >= VALUE_SHARE * best.coverage);
    if (add) out.push(add);
  }
  return out;
}

/**
 * A money question about a fine wants a unit about fines; one about a fee or a charge wants one that
 * is not about fines or rewards ("phí thu gom rác" is not answered by the fine for dumping rubbish).
 */
function rightMoney(u: Unit, shape: QuestionShape, question: string): boolean {
  if (!shape.types.has('money')) return true;
  const q = ` ${fold(question.toLowerCase())} `;
  const text = fold(`${u.heading ?? ''} ${u.text}`.toLowerCase());
  const aboutFines = /phat|vi pham/.test(text);
  if (/ phat /.test(q)) return aboutFines;
  return !aboutFines && !/thuong/.test(text);
}

/** What a table row says of its subject: the words after the subject and its bracketed fields. */
function predicate(u: Unit): string {
  if (!u.row) return u.text;
  return u.text
    .slice(u.row.subject.length)
    .replace(/^\s*\([^)]*\)/u, '')
    .trim();
}

/** Two units that say the same thing (a table row and the article sentence it was taken from). */
function sameFact(a: Unit, b: Unit): boolean {
  const row = a.row ?? b.row;
  if (!row) return false;
  const other = a.row ? b : a;
  return fold(other.text).includes(fold(row.subject).split(' ').slice(-3).join(' '));
}

function compose(
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

  const parts: { text: string; marks: number[] }[] = [];
  const asList = chosen.length > 1 && chosen.every((c) => c.u.heading && c.u.heading === chosen[0].u.heading);
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
      const body = excerpt(c.u.text, terms, targetsOf(shape, q.question));
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

  const first = directAnswer(q.question, shape, chosen);
  const body = `${answerTexts.leadIn} ${rendered.join(' ')}`;
  const confidence = Math.min(1, best.coverage * (0.5 + 0.5 * hits[0].relevance));
  return {
    text: first ? `${first} ${body}` : body,
    citations,
    confidence: Math.round(confidence * 100) / 100,
    evidence: { coverage: best.coverage, holdsTarget: chosen.some((c) => c.holdsTarget), matched: matchedWords(terms, best.u, q.places) },
  };
}

/** The first sentence: the answer in plain words, read off the quoted units; none when they do not settle it. */
function directAnswer(question: string, shape: QuestionShape, chosen: readonly Scored[]): string | undefined {
  const texts = chosen.map((c) => `${c.u.heading ?? ''} ${c.u.text}`);
  const t = shape.types;
  // "công trình nào đã xong": the list is the answer, not one status.
  if (t.has('status') && !((t.has('list') || t.has('count')) && chosen.length > 1)) {
    const lead = texts[0];
    if (STATUS.done.test(lead)) return answerTexts.direct.done;
    if (STATUS.started.test(lead)) return answerTexts.direct.started;
    if (STATUS.notStarted.test(lead)) return answerTexts.direct.notStarted;
  }
  const noun = countedNoun(question);
  if ((t.has('list') || t.has('count')) && chosen.length > 2 && chosen.every((c) => c.u.heading && c.u.heading === chosen[0].u.heading)) {
    return noun ? answerTexts.direct.count(chosen.length, noun.typed) : undefined;
  }
  for (const type of ['money', 'time', 'duration', 'phone'] as const) {
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
    const m = /\b\d+(?:\/\d+)?\s+(?:\p{L}+\s+){0,1}\p{L}+/u.exec(texts[0]);
    if (m && fold(m[0].toLowerCase()).includes(noun.folded.split(' ')[0])) return `${upperFirst(m[0])}.`;
  }
  return undefined;
}

/** Distinct question words (syllables and synonym concepts, places aside) that a unit holds as written. */
function matchedWords(terms: readonly QueryTerm[], u: Unit, places: ReadonlySet<string> = new Set()): number {
  const sets = termsOf(u.text);
  return terms.filter((t) => (!t.folded.includes(' ') || t.folded.startsWith('≈')) && !places.has(t.folded) && match(t, sets) === 1).length;
}

/** This many of the question's own words (places aside) in the quoted passages ground an answer. */
const SUBJECT_WORDS = 3;
const SUBJECT_WORDS_SHARE = 0.35;

/** Share of the subject's syllables (by weight: rare ones count more) that grounds an answer without any of its words. */
const SUBJECT_SYLLABLES_SHARE = 0.5;

/**
 * Whether the quoted passages speak of the question's subject, not only of the places it names:
 * one of its two-syllable words ("căn cước") is in them, or most of its syllables (weighted) are.
 * A few syllables of those words are weak evidence: "công" and "dân" of "công dân" are also in
 * "công trình" and "dân cư". A subject without two-syllable words needs one of its syllables; a
 * question naming a place and nothing else is about that place.
 */
function aboutSubject(terms: readonly QueryTerm[], places: ReadonlySet<string>, passages: readonly string[]): boolean {
  const syllables = terms.filter((t) => !t.folded.includes(' ') && !t.folded.startsWith('≈') && !places.has(t.folded));
  if (!syllables.length) return true;
  const own = new Set(syllables.map((t) => t.folded));
  // A bigram with a function word ("dân ở") or a place in it ("phường đức") is not a subject word.
  // A synonym concept ("≈karaoke") is a subject word like a two-syllable one.
  const words = terms.filter((t) => t.folded.startsWith('≈') || (t.folded.includes(' ') && t.folded.split(' ').every((s) => own.has(s))));
  const found = passages.map(termsOf);
  const present = (t: QueryTerm) => found.some((f) => match(t, f) === 1);
  // Scattered one-syllable words ("Chợ ... xong chưa?"): any of them will do.
  if (!words.length) return syllables.some(present);
  const weight = (list: QueryTerm[]) => list.reduce((sum, t) => sum + t.weight, 0);
  // Several of its words, not places, are there ("nuôi", "con", "gà"): the passage speaks of it.
  const share = weight(syllables.filter(present)) / weight(syllables);
  if (syllables.filter(present).length >= SUBJECT_WORDS && share >= SUBJECT_WORDS_SHARE) return true;
  return words.some(present) || share >= SUBJECT_SYLLABLES_SHARE;
}

/**
 * A long unit cut to the run of clauses (split after "," ";" ":") that matches the question
 * best, with "…" where it was cut: a resident reads the part that answers.
 */
function excerpt(text: string, terms: readonly QueryTerm[], targets: readonly RegExp[]): string {
  if (text.length <= MAX_QUOTE_CHARS) return text;
  const total = terms.reduce((sum, q) => sum + q.weight, 0);
  const pieces = text.split(/(?<=[,;:])\s+/u);
  const scores = pieces.map((p) => {
    const sets = termsOf(p);
    const words = terms.reduce((sum, q) => sum + q.weight * match(q, sets), 0);
    // The clause holding the value asked for is the one to keep.
    return targets.some((r) => r.test(p)) ? words + total : words;
  });
  let best = { from: 0, to: 0, score: -1 };
  for (let from = 0; from < pieces.length; from++) {
    let length = 0;
    let score = 0;
    for (let to = from; to < pieces.length; to++) {
      length += pieces[to].length + 1;
      if (length > MAX_QUOTE_CHARS && to > from) break;
      score += scores[to];
      if (score > best.score) best = { from, to, score };
    }
  }
  const body = pieces.slice(best.from, best.to + 1).join(' ');
  const head = best.from > 0 ? '… ' : '';
  const tail = best.to < pieces.length - 1 ? `${body.replace(/[,;:]$/u, '')}…` : body;
  return head + tail;
}

/** "… dự án." → "… dự án [1]."; a closing quote, "?" or "…" stays before the marker. */
function withMarker(sentence: string, marks: readonly number[]): string {
  const trimmed = sentence.replace(/[\s.;:,]+$/u, '');
  const body = upperFirst(trimmed);
  const marker = marks.length ? ` ${marks.map((m) => `[${m}]`).join('')}` : '';
  return /[?!”"»)…]$/u.test(body) ? `${body}${marker}` : `${body}${marker}.`;
}

/** How many items the list a unit belongs to has: its heading's items, or the clauses of its sentence. */
function listSizes(units: readonly Unit[]): (u: Unit) => number {
  const byHeading = new Map<string, number>();
  const bySentence = new Map<string, number>();
  for (const u of units) {
    if (u.heading) byHeading.set(u.heading, (byHeading.get(u.heading) ?? 0) + 1);
    const key = `${u.hit}:${u.sentence}`;
    bySentence.set(key, (bySentence.get(key) ?? 0) + 1);
  }
  return (u) =>
    Math.max(
      u.heading ? (byHeading.get(u.heading) ?? 0) : 0,
      u.opensList ? (byHeading.get(headingText(u.text)) ?? 0) : 0,
      bySentence.get(`${u.hit}:${u.sentence}`) ?? 0,
    );
}

/** "3m", "11h", "500k": amounts with a unit, not codes. */
const UNIT_SUFFIX = /\d(?:m|km|cm|mm|h|g|kg|k|tr|ha|đ|d|p|s|l)$/iu;

/** Word runs that start with a capital (not a sentence's first word) and codes like "1A", "11B": their folded syllables. */
function namedThings(question: string): string[][] {
  const names: string[][] = [];
  for (const sentence of question.split(/[.!?:;]\s+/u)) {
    const words = sentence.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    let run: string[] = [];
    const flush = () => {
      if (run.length) names.push(run.map((w) => fold(w.toLowerCase())));
      run = [];
    };
    words.forEach((w, i) => {
      if (i > 0 && /^\p{Lu}\p{Ll}+$/u.test(w)) run.push(w);
      else {
        // One capitalised word is too often a foreign name spelled another way; two or more name a thing.
        if (run.length === 1) run = [];
        flush();
      }
      if (/^\d+\p{L}{1,2}$/u.test(w) && !UNIT_SUFFIX.test(w)) names.push([fold(w.toLowerCase())]);
    });
    if (run.length === 1) run = [];
    flush();
  }
  return names;
}
