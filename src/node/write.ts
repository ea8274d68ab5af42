// How `fix` writes: every target is checked first (writable, unchanged since it was read, inside the paths named),
// and nothing is written when one fails that check; each file is then replaced atomically (a temporary file beside
// it, fsync, rename, with the original's mode and, where allowed, owner), so a full disk or a kill leaves either the
// old file or the new one, never a truncated one.
import { constants, promises as nodeFs } from 'node:fs';
import * as path from 'node:path';
import { decodeManifest, hasOwnEncoding } from '../core/formats';
import { readFailureReason } from '../core/read';
import { encodeLike } from './encoding';
import { insideAny, readRegularFile } from './files';

/** The file operations `fix` uses; tests pass one that fails (ENOSPC) to prove nothing is lost. */
export interface WriteFs {
  stat(p: string): Promise<{ mode: number; uid: number; gid: number; isFile(): boolean }>;
  access(p: string, mode: number): Promise<void>;
  open(p: string, flags: string, mode: number): Promise<{ write(data: Uint8Array): Promise<unknown>; sync(): Promise<void>; close(): Promise<void> }>;
  chown(p: string, uid: number, gid: number): Promise<void>;
  chmod(p: string, mode: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(p: string): Promise<void>;
}

export const nodeWriteFs: WriteFs = {
  stat: (p) => nodeFs.stat(p),
  access: (p, mode) => nodeFs.access(p, mode),
  open: async (p, flags, mode) => {
    const h = await nodeFs.open(p, flags, mode);
    return { write: async (data: Uint8Array) => { let off = 0; while (off < data.length) off += (await h.write(data, off)).bytesWritten; }, sync: () => h.sync(), close: () => h.close() };
  },
  chown: (p, uid, gid) => nodeFs.chown(p, uid, gid),
  chmod: (p, mode) => nodeFs.chmod(p, mode),
  rename: (a, b) => nodeFs.rename(a, b),
  unlink: (p) => nodeFs.unlink(p),
};

export interface PlannedWrite {
  /** The file (absolute, as the engine named it). */
  path: string;
  /** The text it had when read: the file is skipped when the disk no longer holds it. */
  before: string;
  after: string;
  /** The bytes read at the start, for the encoding. */
  bytes?: Uint8Array;
}

export interface WriteReport {
  written: string[];
  /** Files left alone, each with the reason, in one line. */
  skipped: { path: string; reason: string }[];
  /** Set when nothing was written because a target failed the checks. */
  aborted?: string;
}

/** Realpaths inside which fixes may write (the folders named, or the folders of the files named). */
export async function writableRoots(roots: string[]): Promise<string[]> {
  return Promise.all(roots.map(async (r) => { try { return await nodeFs.realpath(r); } catch { return path.resolve(r); } }));
}

export async function writeFixes(plans: PlannedWrite[], o: { roots?: string[]; allowOutside?: boolean; fs?: WriteFs; maxFileBytes?: number; display?: (p: string) => string } = {}): Promise<WriteReport> {
  const fs = o.fs ?? nodeWriteFs;
  const show = o.display ?? ((p: string) => p);
  const report: WriteReport = { written: [], skipped: [] };
  const ready: { plan: PlannedWrite; real: string; bytes: Uint8Array }[] = [];
  const realRoots = o.roots ? await writableRoots(o.roots) : undefined;
  for (const plan of plans) {
    // The file itself, not a link: a fix through a symlink replaces its target (and keeps the link).
    let real: string;
    try { real = await nodeFs.realpath(plan.path); } catch (e) { report.skipped.push({ path: plan.path, reason: `cannot open it: ${readFailureReason(e)}` }); continue; }
    if (realRoots && !o.allowOutside && !insideAny(real, realRoots)) {
      report.skipped.push({ path: plan.path, reason: `not written: ${real === path.resolve(plan.path) ? 'it is' : `it links to ${real}, which is`} outside the paths named (name it, or pass --allow-outside)` });
      continue;
    }
    // Unchanged since it was read? An edit made while fix ran must not be lost.
    let now: Uint8Array;
    try { now = await readRegularFile(real, o.maxFileBytes); } catch (e) { report.skipped.push({ path: plan.path, reason: `cannot read it again: ${readFailureReason(e)}` }); continue; }
    const decoded = decodeManifest(plan.path, now);
    if (!('text' in decoded) || decoded.text !== plan.before) {
      report.skipped.push({ path: plan.path, reason: 'not written: it changed since it was read (run fix again)' });
      continue;
    }
    const encoded = encodeLike(plan.bytes ?? now, plan.after, hasOwnEncoding(plan.path));
    if ('error' in encoded) { report.skipped.push({ path: plan.path, reason: `not written: ${encoded.error}` }); continue; }
    ready.push({ plan, real, bytes: encoded.bytes });
  }
  // All or nothing: every target and its folder must be writable before the first write.
  for (const { plan, real } of ready) {
    for (const [target, what] of [[real, 'the file'], [path.dirname(real), 'its folder']] as const) {
      try { await fs.access(target, constants.W_OK); } catch (e) {
        report.aborted = `${show(plan.path)}: ${what} is not writable (${readFailureReason(e)}); no file was changed`;
        return report;
      }
    }
  }
  for (const { plan, real, bytes } of ready) {
    try {
      await atomicWrite(fs, real, bytes);
      report.written.push(plan.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      report.skipped.push({ path: plan.path, reason: `not written: ${code === 'ENOSPC' ? 'no space left on the device' : readFailureReason(e)}; the file is unchanged` });
    }
  }
  return report;
}

/** Replaces `file` with `bytes`: temporary file in the same folder, fsync, same mode (and owner), rename. */
export async function atomicWrite(fs: WriteFs, file: string, bytes: Uint8Array): Promise<void> {
  const st = await fs.stat(file);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.ml-pins-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`);
  const handle = await fs.open(tmp, 'wx', st.mode & 0o7777);
  try {
    try {
      await handle.write(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.chmod(tmp, st.mode & 0o7777); // the umask must not change the file's mode
    if (process.getuid && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) await fs.chown(tmp, st.uid, st.gid).catch(() => undefined);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
  // The rename itself survives a crash once the folder is synced (not possible everywhere: best effort).
  try {
    const dir = await nodeFs.open(path.dirname(file), 'r');
    try { await dir.sync(); } finally { await dir.close(); }
  } catch { /* folders cannot be opened on some systems */ }
}
