// Telegram rendering of an answer: the shared plain text (formatAnswerPlain) with entities on top —
// a bold "Nguồn:" label and a link on each source title that has an address. Text is never parsed
// as HTML or Markdown, so "<b>", "&" or "*_[" in a document arrive verbatim.
import { FormattedString } from '@grammyjs/parse-mode';
import type { MessageEntity } from 'grammy/types';
import { citationLine, splitMessage } from '../../core/format.js';
import type { Answer } from '../../engine/types.js';
import { botTexts } from '../../texts/bot.js';

export const TELEGRAM_TEXT_LIMIT = 4096;

export function formatAnswer(answer: Answer): FormattedString {
  if (!answer.citations.length) return new FormattedString(answer.text);
  let text = `${answer.text}\n\n`;
  const entities: MessageEntity[] = [{ type: 'bold', offset: text.length, length: botTexts.sourcesLabel.length }];
  text += botTexts.sourcesLabel;
  for (const c of answer.citations) {
    const line = citationLine(c);
    // citationLine starts "[n] <title>"; the link goes on the title.
    const titleAt = line.indexOf(c.title);
    if (c.sourceUrl && titleAt >= 0)
      entities.push({ type: 'text_link', offset: text.length + 1 + titleAt, length: c.title.length, url: c.sourceUrl });
    text += `\n${line}`;
  }
  return new FormattedString(text, entities);
}

/** Splits at paragraph boundaries (splitMessage) and carries each entity into the part it falls in. */
export function splitFormatted(message: FormattedString, limit = TELEGRAM_TEXT_LIMIT): FormattedString[] {
  const raw = message.rawText;
  let cursor = 0;
  return splitMessage(raw, limit).map((part) => {
    const start = raw.indexOf(part, cursor);
    cursor = start + part.length;
    return message.slice(start, cursor);
  });
}
