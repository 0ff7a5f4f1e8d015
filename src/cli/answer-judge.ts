// How the eval judges a reply against the question file's gold data (../shared/eval/README.md):
// `facts` are compared lower-cased and accent-folded, `answers` (SQuAD) after NFC, lower-casing,
// collapsed whitespace and punctuation stripped at both ends.
import { fold } from '../engine/normalize.js';

const squash = (text: string) => text.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();

/** Every group has at least one alternative in the reply. */
export function holdsFacts(reply: string, facts: readonly (readonly string[])[]): boolean {
  const text = fold(squash(reply));
  return facts.every((group) => group.some((alt) => text.includes(fold(squash(alt)))));
}

/** One of the gold answers is in the reply. */
export function holdsAnswer(reply: string, answers: readonly string[]): boolean {
  const text = squash(reply);
  return answers.some((a) => {
    const gold = squash(a).replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '');
    return gold.length > 0 && text.includes(gold);
  });
}
