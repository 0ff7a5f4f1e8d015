// Which units a reply quotes: the best one and what completes it (the value asked for from another
// article, each thing counted, the sentence a pronoun points back to), or a whole list.
import { fold } from '../normalize.js';
import { type QuestionShape, targetFor, VALUE_TYPES } from './question-type.js';
import { headingText, type Unit } from './units.js';

export interface Scored {
  u: Unit;
  coverage: number;
  score: number;
  /** The unit holds a value of the type asked for. */
  holdsTarget: boolean;
  /** The question's terms the unit holds (folded), each with its share of the question's weight. */
  matched?: ReadonlyMap<string, number>;
}

/** A sentence joins the best one only when it scores at least this share of it. */
const KEEP_RATIO = 0.7;

const MAX_UNITS = 2;

const MAX_LIST_ITEMS = 12;

/**
 * A unit stating the value asked for completes the answer when it holds this share of what the
 * best unit holds: the article on fines words the act differently from the article forbidding it.
 */
export const VALUE_SHARE = 0.15;

export const LIST_MIN = 3;

/** The units to quote: a whole list for a list question, else the best and what completes it. */
export function choose(ranked: readonly Scored[], best: Scored, shape: QuestionShape, following: readonly string[]): Scored[] {
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
  const severalAsked = (shape.asks ?? 1) > 1;
  const needsValue = [...shape.types].some((t) => VALUE_TYPES.has(t) || t === 'count');
  for (const c of ranked.slice(1)) {
    if (chosen.length >= MAX_UNITS) break;
    // The value asked for from a second place (the fine of an act, in the article on fines).
    const completes =
      needsValue && !best.holdsTarget && !chosen.some((x) => x.holdsTarget) && c.holdsTarget && c.coverage >= VALUE_SHARE * best.coverage;
    if (completes || ((c.score >= KEEP_RATIO * best.score || complements(c, chosen, best, severalAsked)) && !sameFact(c.u, best.u)))
      chosen.push(c);
  }
  return chosen;
}

/**
 * A question asking several things ("chiếm bao nhiêu đường, và phải báo ai trước mấy ngày") also
 * quotes a unit whose question words are mostly ones the chosen units lack (this share of them),
 * when it scores at least COMPLEMENT_RATIO of the best.
 */
const COMPLEMENT_SHARE = 0.6;
const COMPLEMENT_RATIO = 0.5;

function complements(c: Scored, chosen: readonly Scored[], best: Scored, severalAsked: boolean): boolean {
  if (!severalAsked || !c.matched || c.score < COMPLEMENT_RATIO * best.score) return false;
  let fresh = 0;
  let held = 0;
  for (const [term, share] of c.matched) {
    held += share;
    if (!chosen.some((x) => x.matched?.has(term))) fresh += share;
  }
  return held > 0 && fresh >= COMPLEMENT_SHARE * held;
}

/**
 * A question that asks for two things ("gọi số nào, bao lâu thì có trả lời"): each value type the
 * chosen units do not hold is added from the best unit that does.
 */
export function withValues(chosen: Scored[], ranked: readonly Scored[], shape: QuestionShape, best: Scored, question: string): Scored[] {
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
export function withAntecedents(chosen: Scored[], scored: readonly Scored[], previousOf: ReadonlyMap<string, string[]>): Scored[] {
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
export function withCounts(chosen: Scored[], ranked: readonly Scored[], counted: readonly RegExp[], best: Scored): Scored[] {
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
export function rightMoney(u: Unit, shape: QuestionShape, question: string): boolean {
  if (!shape.types.has('money')) return true;
  const q = ` ${fold(question.toLowerCase())} `;
  const text = fold(`${u.heading ?? ''} ${u.text}`.toLowerCase());
  const aboutFines = /phat|vi pham/.test(text);
  if (/ phat /.test(q)) return aboutFines;
  // "thưởng bao nhiêu" wants the reward; any other amount is neither a fine nor a reward.
  if (/ thuong /.test(q)) return /thuong/.test(text);
  return !aboutFines && !/thuong/.test(text);
}

/** What a table row says of its subject: the words after the subject and its bracketed fields. */
export function predicate(u: Unit): string {
  if (!u.row) return u.text;
  return u.text
    .slice(u.row.subject.length)
    .replace(/^\s*\([^)]*\)/u, '')
    .trim();
}

/** Two units that say the same thing (a table row and the article sentence it was taken from). */
export function sameFact(a: Unit, b: Unit): boolean {
  const row = a.row ?? b.row;
  if (!row) return false;
  const other = a.row ? b : a;
  return fold(other.text).includes(fold(row.subject).split(' ').slice(-3).join(' '));
}
