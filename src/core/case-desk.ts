// What a resident's typed message means for their cases, the same on every channel, read before
// it is taken as a question: "gặp cán bộ" / "phản ánh" start a flow; "theo dõi", a case number
// alone or with "tới đâu rồi" asks for the status; a message starting with a case number and more
// text ("BK-000123 cảm ơn, …") goes into that case; "BK-000123 đánh giá 5", or a bare "5" while a
// closed case waits for its rating, rates it. The replies are CaseService's.
import type { CaseStatus, ChatRef } from '../domain/index.js';
import { CASE_STATUSES, caseNumberPattern, isFinal, PersonError } from '../domain/index.js';
import { CASE_STATUS_LABELS } from '../texts/cases.js';
import type { CaseService } from './case-service.js';
import { phraseKey } from './phrase-key.js';

export type CaseMessage =
  | { kind: 'handoff' }
  | { kind: 'report' }
  | { kind: 'follow'; text: string }
  | { kind: 'write'; caseId: number; text: string }
  | { kind: 'rate'; caseId: number; rating: number };

/** Whole messages that name an action, compared by phraseKey (diacritics optional). */
const KEYWORDS: Record<'handoff' | 'report' | 'follow', string[]> = {
  handoff: ['gặp cán bộ', 'gặp người', 'hỏi cán bộ', 'chuyển cán bộ', 'gửi cán bộ', 'nói chuyện với cán bộ', 'canbo', '/canbo'],
  report: ['phản ánh', 'gửi phản ánh', 'phản ánh hiện trường', 'báo sự cố', 'phananh', '/phananh'],
  follow: ['theo dõi', 'theo dõi hồ sơ', 'tra cứu hồ sơ', 'hồ sơ của tôi', 'theodoi', '/theodoi'],
};
const KEYWORD_OF = new Map(Object.entries(KEYWORDS).flatMap(([kind, phrases]) => phrases.map((p) => [phraseKey(p), kind] as const)));

/** Words that ask where a case stands (accent-folded). */
const STATUS_WORDS = /\b(toi dau|den dau|the nao|ra sao|trang thai|tien do|xu ly chua|xong chua|sao roi|da xu ly|theo doi)\b/;
const RATING_WORDS = /^(?:danh gia|cham|rating)\s*:?\s*([1-5])(?:\s*(?:sao|\/\s*5|⭐))?$/;
const BARE_RATING = /^([1-5])(?:\s*(?:sao|\/\s*5|⭐))?$/;
/** How long after closing a bare number is taken as the rating. */
const RATING_WINDOW_MS = 7 * 86_400_000;

export class CaseDesk {
  private readonly leading: RegExp;

  constructor(
    private readonly cases: Pick<CaseService, 'statusText' | 'residentWrites' | 'rate' | 'forResident' | 'idIn' | 'number'>,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    // The case number first, then what is said: "BK-000123: cảm ơn", "bk 123 đánh giá 5".
    this.leading = new RegExp(`^\\s*${caseNumberPattern(prefix)}\\s*[:,.\\-–]?\\s*([\\s\\S]*)$`, 'iu');
  }

  /** The case action a whole message names ("gặp cán bộ", "phan anh", "theo dõi"), if any. */
  keyword(text: string): 'handoff' | 'report' | 'follow' | undefined {
    return KEYWORD_OF.get(phraseKey(text)) as 'handoff' | 'report' | 'follow' | undefined;
  }

  /** What the message means for the resident's cases; undefined when it is something else (a question). */
  read(ref: ChatRef, text: string): CaseMessage | undefined {
    const keyword = this.keyword(text);
    if (keyword === 'follow') return { kind: 'follow', text: '' };
    if (keyword) return { kind: keyword };
    const lead = this.leading.exec(text.normalize('NFC'));
    if (lead) {
      const caseId = Number(lead[1]);
      const rest = lead[2].trim();
      const folded = phraseKey(rest);
      const rating = RATING_WORDS.exec(folded);
      if (rating) return { kind: 'rate', caseId, rating: Number(rating[1]) };
      if (!rest || STATUS_WORDS.test(folded)) return { kind: 'follow', text };
      return caseId > 0 ? { kind: 'write', caseId, text: rest } : undefined;
    }
    if (this.cases.idIn(text) !== undefined && STATUS_WORDS.test(phraseKey(text))) return { kind: 'follow', text };
    const bare = BARE_RATING.exec(phraseKey(text));
    const waiting = bare ? this.awaitingRating(ref) : undefined;
    if (waiting !== undefined) return { kind: 'rate', caseId: waiting, rating: Number(bare?.[1]) };
    return undefined;
  }

  /** The reply to a follow, write or rate message. */
  reply(ref: ChatRef, message: Extract<CaseMessage, { kind: 'follow' | 'write' | 'rate' }>): string {
    try {
      switch (message.kind) {
        case 'follow':
          return this.cases.statusText(ref, message.text);
        case 'write':
          return this.cases.residentWrites(ref, message.caseId, message.text);
        case 'rate':
          return this.cases.rate(ref, message.caseId, message.rating);
      }
    } catch (err) {
      if (err instanceof PersonError) return err.message;
      throw err;
    }
  }

  /** The resident's latest case that is closed and not rated yet, when it closed lately. */
  private awaitingRating(ref: ChatRef): number | undefined {
    const [latest] = this.cases.forResident(ref, 1);
    if (!latest || !isFinal(latest.status) || latest.rating !== undefined) return undefined;
    return (latest.closedAt ?? latest.updatedAt) > this.now() - RATING_WINDOW_MS ? latest.id : undefined;
  }
}

/** A status named by its Vietnamese label ("đang xử lý", "da xu ly") or its code, for staff commands. */
export function statusNamed(text: string): CaseStatus | undefined {
  const key = ` ${phraseKey(text)} `;
  return CASE_STATUSES.find((s) => key.includes(` ${phraseKey(CASE_STATUS_LABELS[s])} `) || key.includes(` ${s} `));
}
