// One channel-agnostic question → answer pipeline:
// input guard → follow-up rewrite → retrieve → relevance floor → scope check → LLM or extractive answer.
import { performance } from 'node:perf_hooks';
import type { EngineConfig } from '../config.js';
import { placeNames } from '../domain/index.js';
import type { Logger } from '../logger.js';
import { answerTexts, type InvalidReason, type RefusalKind } from '../texts/answers.js';
import { validateCitations } from './answer/citations.js';
import { officeFor } from './answer/directory.js';
import { askedDocumentFact, documentFactAnswer, pointedPassage } from './answer/document-facts.js';
import { extractiveAnswer } from './answer/extractive.js';
import { carriedTerms, looksLikeFollowUp, shapeFor } from './answer/follow-up.js';
import { checkInput } from './answer/input-guard.js';
import { type ChatLlm, LlmError } from './answer/llm.js';
import { placeTerms } from './answer/places.js';
import { answerMessages, loadPrompts, type Prompts, rewriteMessages } from './answer/prompts.js';
import { type QuestionShape, searchHint } from './answer/question-type.js';
import { detectOutOfScope, passagesIgnore, withoutInstructions } from './answer/scope.js';
import { cleanQuestion } from './language/clean.js';
import { fold } from './normalize.js';
import type { Answer, AnswerStatus, Citation, SearchHit, Turn } from './types.js';

export interface AskOptions {
  history?: Turn[];
}

export type Retrieve = (query: string, k: number) => Promise<SearchHit[]>;

export type Ask = (question: string, options?: AskOptions) => Promise<Answer>;

/** Below the floor, passages down to this share of it may still answer a value question… */
const RESCUE_SHARE = 0.5;
/** …when one unit holds at least this share of the question's terms (less when it states the value asked for). */
const RESCUE_COVERAGE = 0.5;
const RESCUE_COVERAGE_WITH_VALUE = 0.4;
const RESCUE_WORDS = 3;
const RESCUE_COVERAGE_WITH_WORDS = 0.2;

/** Passages searched per question; the LLM sees at most LLM_PASSAGES of those over the floor. */
const SEARCH_K = 6;
const LLM_PASSAGES = 5;

interface Draft {
  text: string;
  status: AnswerStatus;
  citations?: Citation[];
  confidence?: number;
  mode?: Answer['mode'];
}

/** The pure pipeline. Never throws for bad input; returns status 'invalid'. */
export function createAsk(deps: { retrieve: Retrieve; config: EngineConfig; logger?: Logger; llm?: ChatLlm }): Ask {
  const { retrieve, config, logger, llm } = deps;
  const ownPlaces = placeNames(config.city);
  let prompts: Promise<Prompts> | undefined;
  const getPrompts = () => {
    prompts ??= loadPrompts(config.paths.prompts).catch((err: unknown) => {
      prompts = undefined; // a fixed prompts folder is picked up on the next question
      throw err;
    });
    return prompts;
  };

  const invalid = (reason: InvalidReason): Draft => ({
    status: 'invalid',
    text: answerTexts.invalid(reason, config.askMaxChars, config.city.exampleQuestion),
  });
  // A refusal points to the office that handles the matter, when the city's directory names one.
  const office = (question: string) => officeFor(question, config.city.offices);
  const refused = (kind: RefusalKind, question: string): Draft => ({
    status: 'refused',
    text: answerTexts.refused(kind, office(question)),
  });
  const notFound = (question: string): Draft => ({ status: 'not_found', text: answerTexts.notFound(office(question)) });

  /** A standalone question for retrieval, plus the carried terms when the heuristic made it. */
  async function standalone(
    question: string,
    history: Turn[],
    deadline: AbortSignal | undefined,
  ): Promise<{ searched: string; carried?: string; llmFailed: boolean }> {
    // A question that stands alone is searched as typed: no model round-trip for it.
    if (!history.length || !looksLikeFollowUp(question)) return { searched: question, llmFailed: false };
    if (llm) {
      try {
        const messages = await rewriteMessages(await getPrompts(), { question, history });
        const rewritten = cleanRewrite(await llm.complete(messages, { signal: deadline }), question);
        if (rewritten) return { searched: rewritten, llmFailed: false };
      } catch (err) {
        logger?.warn({ err: describe(err) }, 'follow-up rewrite failed; using the offline heuristic');
      }
    }
    // Offline, or the model's rewrite failed or was unusable.
    const carried = carriedTerms(question, history);
    return { searched: carried ? `${question} ${carried}` : question, carried, llmFailed: Boolean(llm) };
  }

  async function llmAnswer(
    question: string,
    history: Turn[],
    hits: SearchHit[],
    deadline: AbortSignal | undefined,
    questionType: string,
  ): Promise<Draft> {
    const passages = hits.slice(0, LLM_PASSAGES).map((h) => h.chunk);
    const p = await getPrompts();
    const reply = await llm!.complete(await answerMessages(p, { question, passages, history, questionType }), { signal: deadline });
    if (fold(reply).includes(fold(p.refusal))) return { ...notFound(question), mode: 'llm' };
    const cited = validateCitations(reply, passages);
    // A reply that cites nothing it was given is not grounded: treat it like a broken reply.
    if (!cited.citations.length) throw new LlmError('the reply cites no given passage', 'malformed');
    const relevance = Math.max(...cited.citations.map((c) => hits.find((h) => h.chunk.id === c.chunkId)?.relevance ?? 0));
    return { status: 'answered', text: cited.text, citations: cited.citations, confidence: Math.round(relevance * 100) / 100, mode: 'llm' };
  }

  return async function ask(question, options = {}) {
    const started = performance.now();
    const timings = { retrievalMs: 0, generationMs: 0, totalMs: 0 };
    // Invalid input is not echoed back (it may be 10,000 characters of garbage).
    let searchedQuestion = '';
    let llmFailed = false;
    let answerStart: number | undefined;

    const finish = (d: Draft): Answer => {
      const now = performance.now();
      if (answerStart !== undefined) timings.generationMs += now - answerStart;
      timings.generationMs = round(timings.generationMs);
      timings.totalMs = round(now - started);
      const answered = d.status === 'answered';
      const answer: Answer = {
        text: d.text,
        citations: answered ? (d.citations ?? []) : [],
        status: d.status,
        confidence: answered ? (d.confidence ?? 0) : 0,
        mode: d.mode ?? 'offline',
        llmFallback: Boolean(llm) && llmFailed && d.mode !== 'llm',
        searchedQuestion,
        timings,
      };
      logger?.debug(
        { status: answer.status, mode: answer.mode, llmFallback: answer.llmFallback, citations: answer.citations.length, timings },
        'answered',
      );
      return answer;
    };

    const guard = checkInput(question, config.askMaxChars);
    if (!guard.ok) return finish(invalid(guard.reason));
    // Fillers and chat words are gone before search, scope check and sentence choice look at it.
    const cleaned = cleanQuestion(guard.question);
    // Orders to the assistant are dropped; a message made only of them is refused.
    const { question: q } = withoutInstructions(cleaned);
    if (!q) return finish(refused('unsafe', cleaned));
    searchedQuestion = q;
    // HISTORY_TURNS=0 turns history off (slice(-0) would keep all of it).
    const history = config.historyTurns > 0 ? (options.history ?? []).slice(-config.historyTurns) : [];

    // One deadline for all the model calls of this question (rewrite and answer, retries
    // included): LLM_TIMEOUT_MS is the most a resident waits before the offline answer.
    const deadline = llm ? AbortSignal.timeout(config.llmTimeoutMs) : undefined;
    const genStart = performance.now();
    const rewrite = await standalone(q, history, deadline);
    llmFailed ||= rewrite.llmFailed;
    searchedQuestion = rewrite.searched;
    timings.generationMs += performance.now() - genStart;

    const retrievalStart = performance.now();
    let hits: SearchHit[] | undefined;
    try {
      hits = await retrieve(searchedQuestion, SEARCH_K);
    } catch (err) {
      logger?.error({ err: describe(err) }, 'retrieval failed');
    }
    timings.retrievalMs = round(performance.now() - retrievalStart);
    if (!hits) return finish({ status: 'not_found', text: answerTexts.notReady });

    const scope = detectOutOfScope(q, ownPlaces);
    const floor = config.relevanceFloor;
    const passing = hits.filter((h) => h.relevance >= floor);
    if (scope && passagesIgnore(scope, passing)) return finish(refused(scope.kind, q));
    const shape = shapeFor(q, history);
    // A question that asks for a value (a fine, an hour) is also searched with the words that
    // value comes with: the fine of an act is often in another article than the act.
    const hint = searchHint(shape);
    if (hint) {
      try {
        const more = await retrieve(`${searchedQuestion} ${hint}`, SEARCH_K);
        // Its relevance is against the question plus the hint: a lower bar, and it only adds.
        for (const h of more) if (h.relevance >= floor * RESCUE_SHARE && !passing.some((p) => p.chunk.id === h.chunk.id)) passing.push(h);
      } catch {
        // The first search answered; the second is a bonus.
      }
    }
    // Nothing over the floor, but a near passage has a sentence that holds most of the question:
    // resident wording lowered the passage's score, not the documents. Answered only on strong evidence.
    const rescue = !passing.length;
    const near = hits.filter((h) => h.relevance >= floor * RESCUE_SHARE);
    // For a list question, a passage continuing one that passed (the list after its lead-in) is
    // read with it when it was found at all.
    const asksList = shape.types.has('list') || shape.types.has('count');
    const continuing = (h: SearchHit) =>
      asksList &&
      !passing.includes(h) &&
      passing.some((p) => p.chunk.docId === h.chunk.docId && Math.abs(p.chunk.position - h.chunk.position) === 1);
    const evidence = rescue ? near : [...passing, ...near.filter(continuing)];
    if (!evidence.length) return finish(notFound(q));

    // "Văn bản này do ai ban hành?": the document's own record answers, in either mode. "Này" is the
    // document the search found for the question, or, in a conversation, the one just discussed
    // (the search carried the last question's words).
    const asked = askedDocumentFact(q);
    const candidates = rescue && history.length ? near : passing;
    const pointed = asked && pointedPassage(candidates, asked.kinds);
    if (asked && pointed) return finish({ status: 'answered', confidence: pointed.relevance, ...documentFactAnswer(asked.fact, pointed) });

    // A heuristic follow-up is answered for the resident's own words (carried terms count less); a
    // model-rewritten one for the standalone question.
    const quotedFor = rewrite.carried ? q : searchedQuestion;
    answerStart = performance.now();
    // Below the floor only the offline answer, with its stricter evidence check, may answer.
    if (llm && !rescue) {
      try {
        return finish(await llmAnswer(quotedFor, history, passing, deadline, describeShape(shape)));
      } catch (err) {
        llmFailed = true;
        logger?.warn({ err: describe(err) }, 'LLM answer failed; answering offline');
      }
    }
    const places = placeTerms(quotedFor, ownPlaces);
    const offline = extractiveAnswer({ question: quotedFor, carried: rewrite.carried, places, shape }, evidence);
    if (offline && 'unsettled' in offline) return finish({ status: 'not_found', text: answerTexts.unsettled(office(q)) });
    const strong = offline && isStrong(offline.evidence);
    if (!offline || (rescue && !strong)) return finish(notFound(q));
    const { evidence: _, ...answer } = offline;
    return finish({ status: 'answered', ...answer });
  };
}

/** The model's rewrite, if usable: one line, not empty, not absurdly long. */
function cleanRewrite(reply: string, question: string): string | undefined {
  const line = reply
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean)
    ?.replace(/^["“'«]+|["”'»]+$/g, '')
    .trim();
  if (!line || line.length > question.length * 3 + 200) return undefined;
  return line;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Evidence strong enough to answer below the floor: one unit holds most of the question, or states
 * the value asked for, or holds several of its words ("nệm cũ", "tủ", "điểm tập kết", "rác").
 */
function isStrong(e: { coverage: number; holdsTarget: boolean; matched: number }): boolean {
  if (e.coverage >= RESCUE_COVERAGE) return true;
  if (e.holdsTarget && e.coverage >= RESCUE_COVERAGE_WITH_VALUE) return true;
  // A unit stating the value asked for needs one word fewer.
  return e.matched >= RESCUE_WORDS - (e.holdsTarget ? 1 : 0) && e.coverage >= RESCUE_COVERAGE_WITH_WORDS;
}

/** The question's types in words, for the model. */
function describeShape(shape: QuestionShape): string {
  const labels = [...shape.types].map((t) => answerTexts.prompt.questionTypes[t]).filter(Boolean);
  return labels.length ? labels.join('; ') : answerTexts.prompt.anyType;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
