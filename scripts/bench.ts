// `npm run bench`: performance figures for the project, one section per subsystem.
// `npm run bench -- hostile` (or another section's name) runs one section only.
import { runBroadcastBench } from './bench-broadcast.js';
import { runCasesBench } from './bench-cases.js';
import { runHostileBench } from './bench-hostile.js';
import { runNoticesBench } from './bench-notices.js';
import { runRefreshBench } from './bench-refresh.js';
import { runRetrievalBench } from './bench-retrieval.js';
import { runSoakBench } from './bench-soak.js';

const only = process.argv[2];
// The soak runs only when asked for (10 minutes by default): `npm run bench -- soak [MINUTES]`.
if (only === 'soak') {
  console.log('\n== Soak: the service under questions from many addresses, a refresh every minute, a broadcast ==');
  await runSoakBench(Number(process.argv[3] ?? 10));
  process.exit(0);
}
if (!only || only === 'retrieval') await runRetrievalBench();
if (!only || only === 'broadcast') {
  console.log('\n== Broadcast: 10,000 subscribers, fake Telegram Bot API on 127.0.0.1, limit 1,000 msg/s ==');
  await runBroadcastBench();
}
if (!only || only === 'notices') {
  console.log('\n== Direct notices: 10,000 written at 500/s during a broadcast to 10,000, limit 1,000 msg/s ==');
  await runNoticesBench();
}
if (!only || only === 'cases') {
  console.log('\n== Cases: 10,000 opened, 3 status changes each, notices through the outbox at 1,000 msg/s ==');
  const [cases, perChatMs, deadlineMinutes] = only === 'cases' ? process.argv.slice(3).map(Number) : [];
  await runCasesBench({ cases: cases || undefined, perChatMs, deadlineMinutes });
}
if (!only || only === 'hostile') {
  console.log('\n== Hostile documents: DOCX bombs uploaded to the running knowledge base ==');
  await runHostileBench();
}
if (!only || only === 'refresh') {
  console.log('\n== Questions during a refresh (ingest in a worker thread), 100,000 passages ==');
  await runRefreshBench();
}
