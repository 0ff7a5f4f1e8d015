// Messenger limits, used when no sender of that channel is configured in this process.
import type { BroadcastChannel } from '../domain/index.js';

export const DEFAULT_LIMITS: Record<BroadcastChannel, { text: number; caption: number }> = {
  telegram: { text: 4096, caption: 1024 },
  zalo: { text: 2000, caption: 2000 },
};
