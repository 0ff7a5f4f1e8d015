// The text residents see, identical on every channel and in the preview.
import type { BroadcastChannel } from './types.js';

export function renderAnnouncement(a: { title: string; body: string }): string {
  return `${a.title.trim()}\n\n${a.body.trim()}`;
}

/** Messenger limits, used when no sender of that channel is configured in this process. */
export const DEFAULT_LIMITS: Record<BroadcastChannel, { text: number; caption: number }> = {
  telegram: { text: 4096, caption: 1024 },
  zalo: { text: 2000, caption: 2000 },
};
