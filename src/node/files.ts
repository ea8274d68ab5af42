// Reading files from disk safely: only regular files (a FIFO or /dev/zero named by an include would hang or grow
// without end), at most `maxBytes` of them, a bounded number open at once (a folder of thousands of manifests must
// not exhaust file descriptors), and only inside the checked folders when asked.

import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ReadRefused } from '../core/read';

/** The default size cap of a manifest: 20 MB (the largest real manifests are a few hundred KB). */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Files open at once. Far below the usual descriptor limits (256 on macOS, 1024 on Linux). */
export const MAX_OPEN_FILES = 32;

/** Runs at most `limit` tasks at once, in order of arrival. */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = () => {
    if (active >= limit) return;
    const run = queue.shift();
    if (run) { active++; run(); }
  };
  return <T>(task: () => Promise<T>) => new Promise<T>((resolve, reject) => {
    queue.push(() => { task().then(resolve, reject).finally(() => { active--; next(); }); });
    next();
  });
}

const sharedLimit = limiter(MAX_OPEN_FILES);

function megabytes(n: number): string {
  const mb = n / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/**
 * The bytes of a regular file of at most `maxBytes`. Throws a ReadRefused for anything else (its reason says why)
 * and the fs error (with its `code`) when the file cannot be opened.
 */
export function readRegularFile(file: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<Buffer> {
  return sharedLimit(async () => {
    const before = await fs.stat(file);
    if (!before.isFile()) throw notRegular(before);
    if (before.size > maxBytes) throw tooLarge(before.size, maxBytes);
    // O_NONBLOCK: should the file have been replaced by a FIFO since the stat, opening it does not wait for a writer.
    const handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const st = await handle.stat();
      if (!st.isFile()) throw notRegular(st);
      if (st.size > maxBytes) throw tooLarge(st.size, maxBytes);
      // Read at most maxBytes + 1: a file that grows while read is still cut off.
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const buf = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - total));
        const { bytesRead } = await handle.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        chunks.push(buf.subarray(0, bytesRead));
        total += bytesRead;
        if (total > maxBytes) throw tooLarge(total, maxBytes);
      }
      return Buffer.concat(chunks, total);
    } finally {
      await handle.close();
    }
  });
}

function notRegular(st: import('node:fs').Stats): ReadRefused {
  const what = st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : st.isDirectory() ? 'a folder' : 'not a regular file';
  return new ReadRefused('ENOTREG', `not read: it is ${what}, and only regular files are read`);
}

function tooLarge(size: number, max: number): ReadRefused {
  void size;
  return new ReadRefused('EFBIG', `not read: it is larger than the ${megabytes(max)} limit (raise it with --max-file-size)`);
}

/** Real paths of the checked folders, to tell whether a symlink leads out of them. */
export async function realRoots(roots: string[]): Promise<string[]> {
  return Promise.all(roots.map(async (r) => { try { return await fs.realpath(r); } catch { return path.resolve(r); } }));
}

export function insideAny(file: string, roots: readonly string[]): boolean {
  return roots.some((r) => file === r || file.startsWith(r.endsWith(path.sep) ? r : `${r}${path.sep}`));
}
