// Where to ask instead: a refused or not-found question is matched against the city's office
// directory (city file, `offices`), so "làm căn cước ở đâu" is pointed to the office that handles
// it without pretending the documents answer it. Matched on whole words, accent-folded, the
// longest keyword first counting most.
import type { Office } from '../../domain/city.js';
import { foldedWords } from '../normalize.js';

/** The office whose keywords or handled matters the question names most; undefined when none. */
export function officeFor(question: string, offices: readonly Office[]): Office | undefined {
  const q = foldedWords(question);
  let best: { office: Office; score: number } | undefined;
  for (const office of offices) {
    let score = 0;
    for (const phrase of [...office.keywords, ...office.handles]) {
      const p = foldedWords(phrase);
      if (p.trim() && q.includes(p)) score += p.trim().split(' ').length;
    }
    if (score > 0 && (!best || score > best.score)) best = { office, score };
  }
  return best?.office;
}
