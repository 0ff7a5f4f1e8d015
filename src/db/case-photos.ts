// The photos residents attach to field reports, as files under the data directory (private: 0600
// in a 0700 directory, whatever the umask). A photo is accepted by what its bytes are, never by its
// name or the type a client claims: file-type reads the magic numbers.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';

/** What a report may carry: still images browsers and phones make. */
export const PHOTO_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
};

export type PhotoCheck = { ok: true; mime: string } | { ok: false; reason: 'too-large' | 'empty' | 'not-a-photo' };

export class PhotoFiles {
  constructor(
    readonly dir: string,
    /** The largest photo accepted (CASE_PHOTO_MAX_MB). */
    readonly maxBytes: number,
  ) {}

  async check(bytes: Uint8Array): Promise<PhotoCheck> {
    if (!bytes.byteLength) return { ok: false, reason: 'empty' };
    if (bytes.byteLength > this.maxBytes) return { ok: false, reason: 'too-large' };
    const type = await fileTypeFromBuffer(bytes);
    return type && PHOTO_TYPES[type.mime] ? { ok: true, mime: type.mime } : { ok: false, reason: 'not-a-photo' };
  }

  /** Writes checked bytes under a random name; returns the name. */
  save(bytes: Uint8Array, mime: string): string {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = `${crypto.randomBytes(16).toString('hex')}.${PHOTO_TYPES[mime] ?? 'bin'}`;
    fs.writeFileSync(path.join(this.dir, file), bytes, { mode: 0o600, flag: 'wx' });
    return file;
  }

  /** The bytes of a stored photo, or undefined when the file is gone. */
  read(file: string): Buffer | undefined {
    // Names come from the database, but a name with a path in it must never reach outside the directory.
    if (path.basename(file) !== file) return undefined;
    try {
      return fs.readFileSync(path.join(this.dir, file));
    } catch {
      return undefined;
    }
  }

  /** Removes files older than `olderThanMs` that `isReferenced` does not claim; returns how many. */
  sweep(isReferenced: (file: string) => boolean, olderThanMs: number, now = Date.now()): number {
    let removed = 0;
    const names = fs.existsSync(this.dir) ? fs.readdirSync(this.dir) : [];
    for (const file of names) {
      const stat = fs.statSync(path.join(this.dir, file), { throwIfNoEntry: false });
      if (!stat?.isFile() || now - stat.mtimeMs < olderThanMs || isReferenced(file)) continue;
      fs.rmSync(path.join(this.dir, file), { force: true });
      removed++;
    }
    return removed;
  }

  remove(files: readonly string[]): void {
    for (const file of files) if (path.basename(file) === file) fs.rmSync(path.join(this.dir, file), { force: true });
  }
}
