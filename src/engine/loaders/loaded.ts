import type { TextBlock } from '../types.js';
import type { MetaFields } from './meta.js';

/** What a format loader hands back: metadata it found (maybe none) and raw text blocks. */
export interface LoadedDocument {
  meta: MetaFields;
  blocks: TextBlock[];
}
