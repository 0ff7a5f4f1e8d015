// Prometheus metrics (prom-client), one registry for the process. Counted where the event happens
// (the resident service for questions, the delivery workers for broadcasts) so every channel is
// measured the same way.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    questions: new Counter({
      name: 'civicbot_questions_total',
      help: 'Questions handled, by channel and outcome (answered, not_found, refused, invalid)',
      labelNames: ['channel', 'status'] as const,
      registers: [registry],
    }),
    answerLatency: new Histogram({
      name: 'civicbot_answer_seconds',
      help: 'Time to produce an answer',
      labelNames: ['mode'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    llmFallbacks: new Counter({
      name: 'civicbot_llm_fallbacks_total',
      help: 'Answers where the LLM failed and the offline answer was used',
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'civicbot_broadcast_deliveries_total',
      help: 'Broadcast delivery attempts by channel and outcome',
      labelNames: ['channel', 'status'] as const,
      registers: [registry],
    }),
    notices: new Counter({
      name: 'civicbot_notice_deliveries_total',
      help: 'Direct notice (one message to one chat) delivery attempts by channel and outcome',
      labelNames: ['channel', 'status'] as const,
      registers: [registry],
    }),
    indexChunks: new Gauge({ name: 'civicbot_index_chunks', help: 'Chunks in the serving index', registers: [registry] }),
    indexDocuments: new Gauge({ name: 'civicbot_index_documents', help: 'Documents in the serving index', registers: [registry] }),
    indexAge: new Gauge({ name: 'civicbot_index_age_seconds', help: 'Seconds since the serving index was built', registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
