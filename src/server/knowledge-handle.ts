// What the HTTP server needs from the knowledge engine: the channel-facing service plus its status.
// KnowledgeBase satisfies it structurally; the server depends on no engine internals.

import type { IngestSummary } from '../domain/index.js';
import type { KnowledgeService } from '../engine/types.js';

export interface KnowledgeStatus {
  ready: boolean;
  chunks: number;
  documents: number;
  builtAt?: string;
  lastIngest?: IngestSummary;
}

export interface KnowledgeHandle extends KnowledgeService {
  status(): KnowledgeStatus;
}
