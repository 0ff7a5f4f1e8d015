// The LLM prompts, kept as editable templates in the prompts folder. Passages, history and the
// question are inserted as delimited data; anything inside them that looks like a tag is
// neutralised so a document or a question cannot close the data block and speak as the system.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ChatPromptTemplate, PromptTemplate } from '@langchain/core/prompts';
import { answerTexts } from '../../texts/answers.js';
import type { Chunk, Turn } from '../types.js';
import type { ChatMessage } from './llm.js';

export interface Prompts {
  /** system.txt + answer.txt: {refusal}, {history}, {passages}, {question}. */
  answer: ChatPromptTemplate;
  /** rewrite.txt: {history}, {question}. */
  rewrite: PromptTemplate;
  /** refusal.txt: the one sentence the model says when the passages do not answer. */
  refusal: string;
}

export const PROMPT_FILES = { system: 'system.txt', answer: 'answer.txt', rewrite: 'rewrite.txt', refusal: 'refusal.txt' } as const;

export async function loadPrompts(dir: string): Promise<Prompts> {
  const read = (name: string) => readFile(path.join(dir, name), 'utf8');
  const [system, answer, rewrite, refusal] = await Promise.all([
    read(PROMPT_FILES.system),
    read(PROMPT_FILES.answer),
    read(PROMPT_FILES.rewrite),
    read(PROMPT_FILES.refusal),
  ]);
  return {
    answer: ChatPromptTemplate.fromMessages([
      ['system', system],
      ['human', answer],
    ]),
    rewrite: PromptTemplate.fromTemplate(rewrite),
    refusal: refusal.trim(),
  };
}

/** Data never carries a tag: "<" and ">" become look-alikes that read the same to a model. */
export function asData(text: string): string {
  return text.replace(/</g, '‹').replace(/>/g, '›');
}

const HISTORY_TURN_CHARS = 500;

const labels = answerTexts.prompt;

export function formatHistory(history: readonly Turn[]): string {
  if (!history.length) return labels.noHistory;
  return (
    history
      // Earlier answers' [n] point to earlier passages; left in, the model could copy them.
      .map(
        (t) =>
          `${t.role === 'user' ? labels.resident : labels.assistant}: ${asData(t.text.replace(/\s*\[\d+\]/g, '').slice(0, HISTORY_TURN_CHARS))}`,
      )
      .join('\n')
  );
}

export function formatPassages(passages: readonly Chunk[]): string {
  return passages
    .map((c, i) => {
      const source = [c.title, c.number, c.section.join(' › '), c.page !== undefined ? labels.page(c.page) : '']
        .filter(Boolean)
        .join(' · ');
      return `[${i + 1}] (${asData(source)})\n${asData(c.text)}`;
    })
    .join('\n\n');
}

export async function answerMessages(
  prompts: Prompts,
  input: { question: string; passages: readonly Chunk[]; history: readonly Turn[]; questionType?: string },
): Promise<ChatMessage[]> {
  const messages = await prompts.answer.formatMessages({
    refusal: prompts.refusal,
    questionType: input.questionType ?? answerTexts.prompt.anyType,
    history: formatHistory(input.history),
    passages: formatPassages(input.passages),
    question: asData(input.question),
  });
  return messages.map((m) => ({
    role: m.type === 'system' ? 'system' : m.type === 'ai' ? 'assistant' : 'user',
    content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
  }));
}

export async function rewriteMessages(prompts: Prompts, input: { question: string; history: readonly Turn[] }): Promise<ChatMessage[]> {
  const content = await prompts.rewrite.format({ history: formatHistory(input.history), question: asData(input.question) });
  return [{ role: 'user', content }];
}
