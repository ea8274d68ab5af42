// Reads a project from disk for the CLI: finds the manifests, decodes them, and hands them to the engine.
import { realpath, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import type { CheckInput } from '../core/engine/check';
import type { CheckSettings } from '../core/engine/config';
import type { Knowledge } from '../core/engine/knowledge';
import { decodeManifest } from '../core/formats';
import { OUTSIDE_REASON, readFailureReason, ReadRefused } from '../core/read';
import { discoverManifests, isFolder } from './discover';
import { DEFAULT_MAX_FILE_BYTES, insideAny, readRegularFile, realRoots } from './files';

/** Engine paths are POSIX-style; on Windows the separators are converted at this boundary. */
export const toEnginePath = (p: string) => (sep === '\\' ? p.split(sep).join('/') : p);

export interface LoadOptions {
  /** Read includes outside the checked folders (--allow-outside). */
  allowOutside?: boolean;
  /** Size cap of every file read (bytes). */
  maxFileBytes?: number;
  /** The files come from someone not trusted (a pull request in CI, --untrusted): the project's own opt-in to reading
   *  outside (`allow-includes-outside` in [tool.ml-pins]) is ignored, as in an untrusted VS Code workspace. */
  untrusted?: boolean;
}

/** A decoded file, or the finding that says why it could not be read. */
export type LoadedText = { text: string; bytes: Uint8Array } | { finding: import('../core/types').Finding };

export async function loadProject(paths: string[], cwd: string, knowledge: Knowledge, settings?: CheckSettings, options: LoadOptions = {}): Promise<CheckInput & { roots: string[] }> {
  const given = paths.length ? paths : ['.'];
  const found = await discoverManifests(given, cwd);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // The checked roots: each folder named, or the folder of each file named.
  const rootsAbs = await Promise.all(given.map(async (g) => {
    const abs = resolve(cwd, g);
    return (await isFolder(abs)) ? abs : dirname(abs);
  }));
  const real = await realRoots(rootsAbs);
  const allowOutside = options.allowOutside === true || (!options.untrusted && settings?.allowIncludesOutside === true);
  /** Reads a file an include names: a symlink inside the folder that leads out of it is refused like a path. */
  const readOther = async (enginePath: string, opts?: { allowOutside?: boolean }): Promise<string | undefined> => {
    if (!allowOutside && !opts?.allowOutside) {
      let target: string;
      try { target = await realpath(enginePath); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      if (!insideAny(target, real)) throw new ReadRefused('EOUTSIDE', OUTSIDE_REASON);
    }
    let bytes: Uint8Array;
    try { bytes = await readRegularFile(enginePath, maxBytes); } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
    const decoded = decodeManifest(enginePath, bytes);
    return 'text' in decoded ? decoded.text : undefined;
  };
  const files = await Promise.all(found.map(async (abs: string) => {
    const path = toEnginePath(abs);
    let bytes: Uint8Array;
    try {
      bytes = await readRegularFile(abs, maxBytes);
    } catch (e) {
      // One unreadable file is reported where it is; the others are still checked.
      const zero = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      return { path, text: '', unreadable: { code: 'unreadable-file', severity: 'error' as const, message: `Cannot read this file: ${readFailureReason(e)}`, packages: [], range: zero, fixes: [] } };
    }
    const decoded = decodeManifest(path, bytes);
    return 'text' in decoded ? { path, text: decoded.text, bytes } : { path, text: '', unreadable: decoded.finding };
  }));
  const fileExists = (path: string) => stat(path).then((s) => s.isFile(), () => false);
  return {
    files, readFile: readOther, fileExists, loadRuleFile: (p: string) => readOther(p), knowledge,
    settings: { ...settings, allowIncludesOutside: allowOutside || undefined },
    roots: rootsAbs.map(toEnginePath), trusted: !options.untrusted,
  };
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(path));
  return toEnginePath(rel === '' ? '.' : rel);
}
