// `npm run bench`: performance figures for the project, one section per subsystem.
import { runBroadcastBench } from './bench-broadcast.js';
import { runRetrievalBench } from './bench-retrieval.js';

await runRetrievalBench();
console.log('\n== Broadcast: 10,000 subscribers, fake Telegram Bot API on 127.0.0.1, limit 1,000 msg/s ==');
await runBroadcastBench();
