// Vectors already paid for, keyed by the sha256 of the embedded text, one cache per embedder
// (id and dimensions). An append-only binary file of fixed-size records [32-byte key][float32 × d]:
// appending is one write, loading 100k vectors is one read, and a record torn by a crash is cut
// off on the next open.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const KEY_BYTES = 32;
const FILE = 'vectors.bin';

export function embeddingKey(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class EmbeddingCache {
  private constructor(
    private readonly file: string,
    private readonly dimensions: number,
    private readonly vectors: Map<string, Float32Array>,
    /** Records in the file: more than `vectors` holds when a key was written twice. */
    private records: number,
  ) {}

  /** Opens (or creates) the cache of one embedder under `<dataDir>/embedding-cache/`. */
  static async open(dataDir: string, embedder: { id: string; dimensions: number }): Promise<EmbeddingCache> {
    const dir = path.join(dataDir, 'embedding-cache', `${embedder.id.replace(/[^A-Za-z0-9._-]+/g, '_')}-${embedder.dimensions}`);
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, FILE);
    const recordBytes = KEY_BYTES + embedder.dimensions * 4;
    const vectors = new Map<string, Float32Array>();
    let raw: Buffer;
    try {
      raw = await fs.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      raw = Buffer.alloc(0);
    }
    const whole = raw.length - (raw.length % recordBytes);
    if (whole !== raw.length) await fs.truncate(file, whole);
    // Float32Array views need 4-byte alignment.
    const buf = raw.byteOffset % 4 === 0 ? raw : Buffer.from(raw);
    for (let at = 0; at < whole; at += recordBytes) {
      const key = buf.toString('hex', at, at + KEY_BYTES);
      vectors.set(key, new Float32Array(buf.buffer, buf.byteOffset + at + KEY_BYTES, embedder.dimensions));
    }
    return new EmbeddingCache(file, embedder.dimensions, vectors, whole / recordBytes);
  }

  get size(): number {
    return this.vectors.size;
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  async add(entries: [key: string, vector: Float32Array][]): Promise<void> {
    if (!entries.length) return;
    for (const [key, vector] of entries) {
      if (vector.length !== this.dimensions) throw new Error(`embedding has ${vector.length} dimensions, expected ${this.dimensions}`);
      this.vectors.set(key, vector);
    }
    await fs.appendFile(this.file, this.encode(entries));
    this.records += entries.length;
  }

  /**
   * Rewrites the file with only the given keys once it holds mostly text no longer indexed (or
   * records written twice, by ingests that once ran at the same time), so the cache does not
   * grow without bound as documents are edited.
   */
  async compact(keep: Set<string>): Promise<void> {
    if (this.records <= 2 * keep.size + 1000) return;
    const entries = [...this.vectors].filter(([key]) => keep.has(key));
    const tmp = `${this.file}.tmp-${process.pid}`;
    await fs.writeFile(tmp, this.encode(entries));
    await fs.rename(tmp, this.file);
    this.vectors.clear();
    for (const [key, vector] of entries) this.vectors.set(key, vector);
    this.records = entries.length;
  }

  private encode(entries: [string, Float32Array][]): Buffer {
    const recordBytes = KEY_BYTES + this.dimensions * 4;
    const out = Buffer.alloc(entries.length * recordBytes);
    entries.forEach(([key, vector], i) => {
      const at = i * recordBytes;
      out.write(key, at, KEY_BYTES, 'hex');
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(out, at + KEY_BYTES);
    });
    return out;
  }
}
