// Follow-up questions without a model: "còn dự án sân vận động thì sao?" means little alone,
// so the previous question's key terms are searched with it.
import { answerTexts } from '../../texts/answers.js';
import { fold, foldedWords, hasDiacritics } from '../normalize.js';
import { isStopword, syllables } from '../tokenize.js';
import type { Turn } from '../types.js';
import { type QuestionShape, questionShape } from './question-type.js';

/** Folded openings that ask the same of another subject ("thế còn cầu X?"). */
const CONTRAST = ['con', 'the con', 'vay con', 'con ve'];
// Folded openings and endings that mark a question leaning on the previous one.
const OPENINGS = [...CONTRAST, 'the', 'vay', 'va', 'nhung', 'cai do', 'no'];
const ENDINGS = ['thi sao', 'the nao', 'ra sao', 'nua khong', 'nua', 'do', 'kia'];

const opensWith = (question: string, openings: readonly string[]) => {
  const words = foldedWords(question);
  return openings.some((o) => words.startsWith(` ${o} `));
};

const turnsAway = (question: string) => opensWith(question, CONTRAST);

/** A question with this few topic syllables rarely stands alone. */
const SHORT_TOPIC = 3;

/** Topic syllables of a text: no function words, no punctuation. */
function topicSyllables(text: string): string[] {
  return syllables(text).filter((s) => !isStopword(s));
}

export function looksLikeFollowUp(question: string): boolean {
  if (opensWith(question, OPENINGS)) return true;
  const words = foldedWords(question);
  if (ENDINGS.some((e) => words.endsWith(` ${e} `))) return true;
  return topicSyllables(question).length <= SHORT_TOPIC;
}

/** The last thing the resident asked before this question. */
export function previousQuestion(history: readonly Turn[], current: string): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const t = history[i];
    if (t.role === 'user' && t.text.trim() && t.text.trim() !== current.trim()) return t.text;
  }
  return undefined;
}

/**
 * Key terms of the previous question not already in this one, or undefined when the question
 * stands alone. The caller searches `${question} ${carried}`.
 */
export function carriedTerms(question: string, history: readonly Turn[]): string | undefined {
  const previous = previousQuestion(history, question);
  if (!previous || !looksLikeFollowUp(question)) return undefined;
  // Compared with their marks when the resident typed them: "thì" is not the "thi" of "thi công".
  const key = hasDiacritics(question) ? (w: string) => w.toLowerCase() : fold;
  const own = new Set(syllables(question).map(key));
  // "thế còn cầu Đội Kỳ?" names its own subject: only what was asked of the last one carries
  // over, not the last one's name. "nó", "bà ấy" name nothing: everything carries over.
  const namesOwn = capitalised(question).size > 0;
  const names = namesOwn ? capitalised(previous) : new Set<string>();
  // What the last answer was about, as the documents name it ("khoan đục" asked, "thi công" quoted):
  // "làm sai giờ thì bị phạt bao nhiêu" goes on about it; "còn mấy cái kia thì sao" turns away from it.
  const said = namesOwn || turnsAway(question) ? [] : answeredSubject(history);
  const carried = [...new Set([...topicSyllables(previous), ...said])].filter((s) => !own.has(key(s)) && !names.has(fold(s)));
  return carried.length ? carried.join(' ') : undefined;
}

/** Topic syllables of the subject the last answer quoted: the words before its first clause break. */
const SUBJECT_SYLLABLES = 8;

function answeredSubject(history: readonly Turn[]): string[] {
  const last = history.at(-1);
  if (last?.role !== 'assistant') return [];
  const at = last.text.indexOf(answerTexts.leadIn);
  if (at < 0) return [];
  const quote = last.text.slice(at + answerTexts.leadIn.length).split(/[,;:([…]/u)[0];
  return topicSyllables(quote).slice(0, SUBJECT_SYLLABLES);
}

/** Folded syllables written with a capital, except the first word (a sentence starts with one). */
function capitalised(text: string): Set<string> {
  const words = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return new Set(
    words
      .slice(1)
      .filter((w) => /^\p{Lu}/u.test(w))
      .map((w) => fold(w.toLowerCase())),
  );
}

/** What a question asks for; a follow-up that does not say ("thế còn cầu X?") asks what the last one did. */
export function shapeFor(question: string, history: readonly Turn[]): QuestionShape {
  const shape = questionShape(question);
  if (shape.types.size || !history.length || !looksLikeFollowUp(question)) return shape;
  const previous = previousQuestion(history, question);
  return previous ? questionShape(previous) : shape;
}
