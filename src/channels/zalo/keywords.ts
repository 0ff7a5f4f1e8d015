// What a short typed message means. Zalo has no command menu, so actions are reached by keywords
// residents would type, with or without diacritics. Only a whole message matches: "huy" is the
// keyword, "huy động nguồn lực" is a question.

import { phraseKey } from '../../core/phrase-key.js';
import data from './keywords.json' with { type: 'json' };

export type Command = keyof typeof data.commands;
export type Reply = keyof typeof data.replies;

export const keyOf = phraseKey;

function table<K extends string>(source: Record<K, string[]>): Map<string, K> {
  const out = new Map<string, K>();
  for (const [name, phrases] of Object.entries(source) as [K, string[]][]) for (const p of phrases) out.set(keyOf(p), name);
  return out;
}

const commands = table(data.commands as Record<Command, string[]>);
const replies = table(data.replies as Record<Reply, string[]>);

/** The action a whole message names ("dang ky", "Đăng ký!", "👍"), or undefined for anything else. */
export function commandOf(text: string): Command | undefined {
  return commands.get(keyOf(text));
}

/** An answer inside a dialogue: send, cancel, confirm. */
export function replyOf(text: string): Reply | undefined {
  return replies.get(keyOf(text));
}

/**
 * Numbers picked from a numbered list: "1 3", "1,3", "1, 3", "2". Undefined when the message is not
 * a list of numbers (the person moved on and typed something else).
 */
export function numbersOf(text: string): number[] | undefined {
  const t = text.trim();
  if (!/^\d{1,3}([\s,;.]+\d{1,3})*$/.test(t)) return undefined;
  return [...new Set(t.split(/[\s,;.]+/).map(Number))];
}

/**
 * "dừng gửi 12", "dung gui so 12", "Dừng gửi #12" → 12: staff stopping an announcement. Not in
 * keywords.json, whose phrases are whole messages; this one carries a number.
 */
export function stopRequestOf(text: string): number | undefined {
  const m = /^dung gui (?:so )?#?(\d{1,9})$/.exec(keyOf(text));
  return m ? Number(m[1]) : undefined;
}
