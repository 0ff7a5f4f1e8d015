// What the index in a directory was built from: the content hash of every source file, the
// chunking settings and the embedder. It lives inside the index directory, so it is swapped in
// together with the index it describes.
import fs from 'node:fs/promises';
import path from 'node:path';

export const MANIFEST_FILE = 'ingest-manifest.json';

export interface ManifestEntry {
  /** sha256 of the file's bytes. */
  hash: string;
  docId: string;
  expires?: string;
}

export interface Manifest {
  version: 1;
  chunker: { version: number; targetChars: number; overlapChars: number };
  embedding: { id: string; dimensions: number };
  /** Keyed by path relative to the knowledge folder ('/'-separated). */
  files: Record<string, ManifestEntry>;
}

export async function readManifest(indexDir: string): Promise<Manifest | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(path.join(indexDir, MANIFEST_FILE), 'utf8')) as Manifest;
    return data.version === 1 ? data : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export async function writeManifest(indexDir: string, manifest: Manifest): Promise<void> {
  await fs.writeFile(path.join(indexDir, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
}
