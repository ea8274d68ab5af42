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

/** Every manifest under `root` (its own subfolders included, skipped ones excluded). Links that lead out of `root`
 *  (a link to /usr, to a home folder) are not followed: only the project named is read. */
async function searchFolder(root: string, out: Candidate[], visited: Set<string>): Promise<void> {
  const realRoot = await realpathOrSelf(root);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot.endsWith(path.sep) ? realRoot : `${realRoot}${path.sep}`);
  // An explicit stack rather than recursion: trees can be deep.
  const pending: { dir: string; isRoot: boolean }[] = [{ dir: root, isRoot: true }];
  while (pending.length) {
    const { dir, isRoot } = pending.pop()!;
    const real = await realpathOrSelf(dir);
    if (visited.has(real)) continue;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable subfolder: nothing to check there
    }
    // A virtual environment (found by its marker, whatever its name) holds installed packages, not the project's.
    if (!isRoot && entries.some((e) => e.name === 'pyvenv.cfg' && !e.isDirectory())) continue;
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = await fs.stat(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // a dangling link
        }
        if ((isDir || isFile) && !inside(await realpathOrSelf(full))) continue; // leads out of the folder named
      }
      if (isDir) {
        if (!SKIPPED.has(entry.name)) pending.push({ dir: full, isRoot: false });
      } else if (isFile && detectManifestKind(full) !== undefined) {
        out.push({ path: full, real: await realpathOrSelf(full) });
      }
    }
  }
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
