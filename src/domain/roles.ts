// Who may do what: residents ask and subscribe, staff also announce, admins also manage documents.

export const ROLES = ['resident', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** A role that is granted (a resident needs no grant). */
export type GrantedRole = Exclude<Role, 'resident'>;

const RANK: Record<Role, number> = { resident: 0, staff: 1, admin: 2 };

/** True when `role` includes everything `needed` may do. */
export const hasRole = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

// The names privileged actions are audited under, the same on every channel (the channel itself is
// recorded beside the action).
export const AUDIT = {
  /** Starting to compose an announcement. */
  announce: 'announce',
  /** Confirming a composed announcement: checked again, the role may have changed meanwhile. */
  send: 'send',
  schedule: 'schedule',
  progress: 'progress',
  cancel: 'cancel',
  refresh: 'refresh',
  upload: 'upload',
} as const;
export type AuditAction = (typeof AUDIT)[keyof typeof AUDIT];
