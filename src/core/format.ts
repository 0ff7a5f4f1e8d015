// Plain-text rendering shared by the messaging channels. Telegram adds entities on top of the same
// text; Zalo sends it as is.
import type { AnnouncementStatus, BroadcastProgress, Citation, DocumentInfo } from '../domain/index.js';
import type { Answer } from '../engine/types.js';
import { botTexts, formatDate } from '../texts/bot.js';
import { broadcastTexts, statusLabel } from '../texts/broadcast.js';

export function citationLine(c: Citation): string {
  const parts = [c.title];
  if (c.number) parts.push(botTexts.citationNumber(c.number));
  // Who speaks and when: an undated or unofficial source is shown as such, not passed off as a resolution.
  if (c.issuer) parts.push(botTexts.citationIssuer(c.issuer));
  if (c.author) parts.push(botTexts.citationAuthor(c.author));
  parts.push(c.issued ? formatDate(c.issued) : botTexts.citationUndated);
  if (c.section) parts.push(c.section);
  if (c.page) parts.push(botTexts.citationPage(c.page));
  const where = c.sourceUrl ?? (c.source && botTexts.citationSource(c.source));
  return `[${c.n}] ${parts.join(', ')}${where ? ` — ${where}` : ''}`;
}

/** The documents the bot answers from, one numbered line each (the "nguồn" / /nguon reply). */
export function formatSources(documents: DocumentInfo[]): string {
  return [botTexts.sourcesHeader(documents.length), ...documents.map(botTexts.sourceLine)].join('\n');
}

/** The answer followed by its numbered sources, as plain text. */
export function formatAnswerPlain(answer: Answer): string {
  if (!answer.citations.length) return answer.text;
  return `${answer.text}\n\n${botTexts.sourcesLabel}\n${answer.citations.map(citationLine).join('\n')}`;
}

/** Recent announcements with their delivery progress, for staff ("tiến độ" / /tiendo). */
export function formatRecentAnnouncements(
  recent: { id: number; title: string; status: AnnouncementStatus; progress: BroadcastProgress }[],
): string {
  if (!recent.length) return botTexts.progressNone;
  const lines = recent.map((a) => botTexts.progressLine(a.id, a.title, statusLabel[a.status], broadcastTexts.progress(a.progress)));
  return [botTexts.progressHeader, ...lines].join('\n\n');
}

/**
 * Splits a message under a channel's length limit, preferring paragraph breaks, then line breaks,
 * then sentence ends, then spaces; a cut mid-word happens only for a single overlong word.
 */
export function splitMessage(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const cut =
      lastBreak(window, /\n\s*\n/g) ??
      lastBreak(window, /\n/g) ??
      lastBreak(window, /[.!?…](?=\s)/g, 1) ??
      lastBreak(window, /\s/g) ??
      limit;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Index just after the last match inside `window` (but never at 0), or undefined. */
function lastBreak(window: string, pattern: RegExp, keep = 0): number | undefined {
  let best: number | undefined;
  for (const m of window.matchAll(pattern)) {
    const at = m.index! + keep;
    if (at > 0 && at <= window.length - 1) best = at;
  }
  // A break in the first fifth would leave tiny fragments; a later, weaker break is better.
  return best !== undefined && best > window.length / 5 ? best : undefined;
}
