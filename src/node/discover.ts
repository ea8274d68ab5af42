// Finds the manifests to check under the paths given on the command line. A file is taken whatever its name; a
// folder is searched for every manifest kind, skipping tool and environment folders (which hold other projects'
// pins). Symlinks are followed once: each real folder is read at most once, so link loops end.

import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { detectManifestKind } from '../core/formats';
import { SKIPPED_FOLDERS } from '../core/paths';

const SKIPPED = new Set(SKIPPED_FOLDERS);

interface Candidate {
  /** Absolute path as reached (through links, if any). */
  path: string;
  /** The real file it names, to count each file once. */
  real: string;
}

async function realpathOrSelf(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    return p;
  }
}

function describeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ?? String(e);
}

/** Folders read at once while searching: the walk waits on the file system, one round trip at a time per folder, not
 *  on the CPU (a workspace of 1,000 folders was 3,000 look-ups made one after another). */
const CONCURRENT_FOLDERS = 16;

interface Folder {
  dir: string;
  /** Its real path: its parent's real path and its name, unless it was reached through a link. */
  real: string;
  isRoot: boolean;
}

/** Every manifest under `root` (its own subfolders included, skipped ones excluded). Links that lead out of `root`
 *  (a link to /usr, to a home folder) are not followed: only the project named is read. The real folders are read
 *  first, then the folders reached through links, in path order: a folder reached both ways is found at its own path,
 *  whatever order the file system lists entries in, and each real folder is read once. */
async function searchFolder(root: string, out: Candidate[], visited: Set<string>): Promise<void> {
  const realRoot = await realpathOrSelf(root);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot.endsWith(path.sep) ? realRoot : `${realRoot}${path.sep}`);
  const pending: Folder[] = [{ dir: root, real: realRoot, isRoot: true }];
  const linked: Folder[] = [];
  const readFolder = async ({ dir, real, isRoot }: Folder): Promise<void> => {
    if (visited.has(real)) return;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable subfolder: nothing to check there
    }
    // A virtual environment (found by its marker, whatever its name) holds installed packages, not the project's.
    if (!isRoot && entries.some((e) => e.name === 'pyvenv.cfg' && !e.isDirectory())) return;
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        let st;
        try {
          st = await fs.stat(full);
        } catch {
          continue; // a dangling link
        }
        if (!st.isDirectory() && !st.isFile()) continue;
        const target = await realpathOrSelf(full);
        if (!inside(target)) continue; // leads out of the folder named
        if (st.isDirectory()) {
          if (!SKIPPED.has(entry.name)) linked.push({ dir: full, real: target, isRoot: false });
        } else if (detectManifestKind(full) !== undefined) {
          out.push({ path: full, real: target });
        }
      } else if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) pending.push({ dir: full, real: path.join(real, entry.name), isRoot: false });
      } else if (entry.isFile() && detectManifestKind(full) !== undefined) {
        out.push({ path: full, real: path.join(real, entry.name) });
      }
    }
  };
  for (;;) {
    await drain(pending, CONCURRENT_FOLDERS, readFolder);
    if (!linked.length) return;
    // One linked folder at a time, the first in path order, with what it holds; links found there wait their turn.
    linked.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
    pending.push(linked.shift()!);
  }
}

/** Runs `work` on the items of `pending` (taken from its end), `limit` at a time, until none is left or running. Items
 *  the tasks push onto `pending` are taken too. Rejects with the first task that fails (the others run on). */
function drain<T>(pending: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let running = 0;
    const next = (): void => {
      if (!pending.length && !running) return resolve();
      while (running < limit && pending.length) {
        running++;
        work(pending.pop()!).then(() => { running--; next(); }, reject);
      }
    };
    next();
  });
}

/**
 * The manifests named by `paths` (resolved against `cwd`): files as given, folders searched recursively. Returns
 * absolute paths, sorted, each real file once. Throws an Error with a one-line message when a path does not exist.
 */
export async function discoverManifests(paths: string[], cwd: string): Promise<string[]> {
  const candidates: Candidate[] = [];
  const visited = new Set<string>();
  for (const given of paths) {
    const full = path.resolve(cwd, given);
    let stat;
    try {
      stat = await fs.stat(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException)?.code;
      throw new Error(code === 'ENOENT' || code === 'ENOTDIR' ? `No such file or folder: ${given}` : `Cannot read ${given}: ${describeError(e)}`);
    }
    if (stat.isDirectory()) await searchFolder(full, candidates, visited);
    else candidates.push({ path: full, real: await realpathOrSelf(full) });
  }
  candidates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const seen = new Set<string>();
  const result: string[] = [];
  for (const c of candidates) {
    if (seen.has(c.real)) continue;
    seen.add(c.real);
    result.push(c.path);
  }
  return result;
}

/** Whether a path names a folder (following links); false when it does not exist. */
export async function isFolder(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
