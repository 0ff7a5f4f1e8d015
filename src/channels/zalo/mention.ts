// Zalo has no mention entities: in a group the bot knows it is addressed when a message names it,
// "@bot.civic …" or "Bot Civic ơi …", with or without diacritics.
import { fold, normalizeVietnamese } from '../../engine/normalize.js';

/** The message without the bot's name when it names the bot; undefined when it does not. */
export function withoutMention(text: string, names: string[]): string | undefined {
  // Folding NFC text maps each character to one character, so positions carry over.
  const nfc = normalizeVietnamese(text);
  const folded = fold(nfc);
  for (const name of names) {
    const key = fold(normalizeVietnamese(name)).trim();
    if (key.length < 2) continue;
    const at = folded.indexOf(key);
    if (at < 0) continue;
    const start = at > 0 && nfc[at - 1] === '@' ? at - 1 : at;
    return `${nfc.slice(0, start)} ${nfc.slice(at + key.length)}`
      .replace(/\s+/g, ' ')
      .replace(/^[\s,:;.!-]+/, '')
      .trim();
  }
  return undefined;
}
