// Curated answers for the knowledge base: the matcher is rebuilt only when the stored answers
// change (checked with one cheap query per question), so every process sharing the database
// (web, Telegram, Zalo) answers with the latest curated answers without a restart.
import type { CuratedAnswerStore } from '../../db/curated-answers.js';
import { CuratedMatcher } from '../../engine/curated.js';
import type { CuratedAnswers } from '../../engine/knowledge-base.js';
import { consoleTexts } from '../../texts/console.js';

/** Expired answers drop out within this time even when nothing else changes. */
const RECHECK_MS = 60_000;

export function curatedAnswersFrom(store: CuratedAnswerStore): CuratedAnswers {
  let revision = '';
  let builtAt = 0;
  let matcher = new CuratedMatcher([]);
  return {
    mark: consoleTexts.curatedMark,
    matcher() {
      const now = Date.now();
      const current = store.revision();
      if (current !== revision || now - builtAt > RECHECK_MS) {
        matcher = new CuratedMatcher(store.inForce(now));
        revision = current;
        builtAt = now;
      }
      return matcher;
    },
  };
}
