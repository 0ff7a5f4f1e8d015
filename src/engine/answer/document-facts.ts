// Questions about a document itself ("bài viết này của ai", "quy chế này ban hành ngày nào") are
// answered from what the knowledge folder says of the document (its front matter: issuer, author,
// source, date), not from its sentences, which rarely say who wrote them. A field the front matter
// does not give is said to be missing, never guessed.
import { answerTexts } from '../../texts/answers.js';
import { foldedWords } from '../normalize.js';
import type { Citation, DocKind, SearchHit } from '../types.js';
import { toCitation } from './citations.js';

export type DocumentFact = 'author' | 'issued';

/**
 * Folded words naming a document, with the kinds of document each names; followed by "này" / "đó"
 * they point at the one being discussed.
 */
const DOCUMENT_WORDS: Readonly<Record<string, readonly DocKind[]>> = {
  'bai viet': ['news'],
  'bai bao': ['news'],
  'van ban': ['resolution', 'plan', 'programme', 'announcement'],
  'quy che': ['resolution'],
  'quy dinh': ['resolution'],
  'nghi quyet': ['resolution'],
  'quyet dinh': ['resolution'],
  'thong bao': ['announcement'],
  'tai lieu': [],
  'ke hoach': ['plan'],
  'chi thi': ['resolution'],
  'chuong trinh': ['programme', 'plan'],
};
const POINTING = ['nay', 'do', 'ay', 'tren'];

const ASKS: Readonly<Record<DocumentFact, readonly string[]>> = {
  author: ['ai viet', 'tac gia', 'cua ai', 'ai ban hanh', 'do ai', 'co quan nao ban hanh', 'don vi nao ban hanh', 'ai ky', 'nguon o dau'],
  issued: [
    'ban hanh ngay nao',
    'ban hanh khi nao',
    'ban hanh nam nao',
    'ngay ban hanh',
    'dang ngay nao',
    'dang khi nao',
    'viet khi nao',
    'viet ngay nao',
    'ngay nao',
    'khi nao',
  ],
};

/**
 * What a question asks of the document it points at ("văn bản này", "bài viết đó"), if anything.
 * "Nghị quyết 29 của ai" asks of a resolution the text names, not of the text: not this.
 * "… có hiệu lực khi nào" is answered by the document's words ("có hiệu lực từ ngày …").
 */
export function askedDocumentFact(question: string): { fact: DocumentFact; kinds: readonly DocKind[] } | undefined {
  const q = foldedWords(question);
  const named = Object.keys(DOCUMENT_WORDS).find((d) => POINTING.some((p) => q.includes(` ${d} ${p} `)));
  if (!named || q.includes(' hieu luc ')) return undefined;
  const fact = (Object.keys(ASKS) as DocumentFact[]).find((f) => ASKS[f].some((a) => q.includes(` ${a} `)));
  return fact && { fact, kinds: DOCUMENT_WORDS[named] };
}

/** The passage of the document pointed at: the first of the kind the question names ("bài viết": news), else the first. */
export function pointedPassage(hits: readonly SearchHit[], kinds: readonly DocKind[]): SearchHit | undefined {
  return hits.find((h) => kinds.includes(h.chunk.kind)) ?? hits[0];
}

/** The fact from the document of the best passage, cited, or said to be missing. */
export function documentFactAnswer(fact: DocumentFact, hit: SearchHit): { text: string; citations: Citation[] } {
  const c = hit.chunk;
  const t = answerTexts.documentFacts;
  const text =
    fact === 'issued'
      ? c.issued
        ? t.issued(c.title, c.issued)
        : t.undated(c.title)
      : c.issuer || c.author
        ? t.madeBy(c.title, c.issuer, c.author)
        : t.unsigned(c.title, c.source);
  return { text: `${text} [1].`, citations: [{ ...toCitation(1, c), quote: c.title }] };
}
