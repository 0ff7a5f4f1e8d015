// What one document may cost. An uploaded or dropped-in file is untrusted: a 52 KB DOCX can inflate
// to 50 MB of text, and a 1 MB one to a gigabyte. Each limit answers one way of making a small file
// expensive; every one is configurable (DOC_* and PARSE_* variables) and documented in the README.

export interface DocumentLimits {
  /** Bytes of the file as stored or uploaded. */
  maxFileBytes: number;
  /** Bytes the parts of a zip container (DOCX) that are read inflate to, in all: the zip bomb. */
  maxUnzippedBytes: number;
  /** Entries in a zip container: a million empty entries cost memory and time too. */
  maxZipEntries: number;
  /** Characters of text a document may yield: the bomb that inflates to text. */
  maxTextChars: number;
  /** Passages (chunks) a document may add to the index. */
  maxPassages: number;
  /** How long parsing one file may take in the parse worker before it is stopped. */
  parseTimeoutMs: number;
  /** Heap of the parse worker (MB); a file that needs more is refused and the memory given back. */
  parseMemoryMb: number;
}

export const DEFAULT_DOCUMENT_LIMITS: Readonly<DocumentLimits> = {
  maxFileBytes: 30 * 1024 * 1024,
  maxUnzippedBytes: 10 * 1024 * 1024,
  maxZipEntries: 2_000,
  maxTextChars: 3_000_000,
  maxPassages: 6_000,
  parseTimeoutMs: 60_000,
  parseMemoryMb: 512,
};
