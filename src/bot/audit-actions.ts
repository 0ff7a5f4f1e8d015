// The names privileged chat actions are audited under (store.access.audit), the same on every
// channel: the channel itself is recorded beside the action.
export const AUDIT = {
  /** Starting to compose an announcement. */
  announce: 'announce',
  /** Confirming a composed announcement: checked again, the role may have changed meanwhile. */
  send: 'send',
  progress: 'progress',
  cancel: 'cancel',
  refresh: 'refresh',
  upload: 'upload',
} as const;
