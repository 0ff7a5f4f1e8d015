// `npm run bench`: performance figures for the project, one section per subsystem.
import { runRetrievalBench } from './bench-retrieval.js';

await runRetrievalBench();

// Broadcast section: scripts/bench-broadcast.ts exports runBroadcastBench(); call it here.
