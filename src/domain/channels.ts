// The places a resident talks to the city from, and the ones announcements are delivered to.

export const CHANNELS = ['telegram', 'zalo', 'web'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Channels with a push API: announcements and case updates go out on these. */
export type BroadcastChannel = Extract<ChannelName, 'telegram' | 'zalo'>;
export const BROADCAST_CHANNELS: readonly BroadcastChannel[] = ['telegram', 'zalo'];

export const isBroadcastChannel = (name: string): name is BroadcastChannel => (BROADCAST_CHANNELS as readonly string[]).includes(name);
