// Text helpers every layer needs. One line each: a dependency for them would weigh more than they do.

/** `s` as a literal inside a regular expression ("BK.1" matches only "BK.1"). */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
