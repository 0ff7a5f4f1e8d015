// A resident's verdict on one answer.
export const VOTES = ['up', 'down'] as const;
export type Vote = (typeof VOTES)[number];
