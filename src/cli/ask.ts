// Asks the knowledge base one question from the terminal, as a resident would.
//   npm run ask -- "Cầu Đội Kỳ đã xong chưa?" [--json]
// Builds the index first if it is missing or out of date. Exit code 1 on a bad configuration.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfigOrReport } from '../config.js';
import { formatAnswerPlain } from '../core/format.js';
import { KnowledgeBase } from '../engine/knowledge-base.js';
import { createLogger, redact } from '../logger.js';
import { answerTexts } from '../texts/answers.js';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  } catch {
    console.error(answerTexts.cli.usage);
    return 1;
  }
  const question = args.positionals.join(' ');
  if (!question.trim()) {
    console.error(answerTexts.cli.usage);
    return 1;
  }
  const config = loadConfigOrReport();
  if (!config) return 1;
  // The answer goes to stdout; warnings (failed documents, LLM fallback) to stderr.
  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  let kb: KnowledgeBase | undefined;
  try {
    kb = await KnowledgeBase.open(config.engine, logger);
    const answer = await kb.ask(question);
    // The answer is rendered as the chat channels render it: one citation format everywhere.
    console.log(args.values.json ? JSON.stringify(answer, null, 2) : formatAnswerPlain(answer));
    return 0;
  } catch (err) {
    // An endpoint may echo the key it was sent ("Incorrect API key provided: sk-...").
    console.error(redact(answerTexts.cli.error((err as Error).message)));
    return 1;
  } finally {
    await kb?.close();
  }
}

process.exitCode = await main();
