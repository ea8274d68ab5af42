// Reads a project from disk for the CLI: finds the manifests, decodes them, and hands them to the engine.
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { CheckInput } from '../core/engine/check';
import type { CheckSettings } from '../core/engine/config';
import type { Knowledge } from '../core/engine/knowledge';
import { decodeManifest } from '../core/manifests';
import { discoverManifests } from './discover';

/** Engine paths are POSIX-style; on Windows the separators are converted at this boundary. */
export const toEnginePath = (p: string) => (sep === '\\' ? p.split(sep).join('/') : p);

async function readText(path: string): Promise<string | undefined> {
  try {
    const decoded = decodeManifest(path, await readFile(path));
    return 'text' in decoded ? decoded.text : undefined;
  } catch {
    return undefined;
  }
}

export async function loadProject(paths: string[], cwd: string, knowledge: Knowledge, settings?: CheckSettings): Promise<CheckInput> {
  const found = await discoverManifests(paths.length ? paths : ['.'], cwd);
  const files = await Promise.all(found.map(async (abs: string) => {
    const path = toEnginePath(abs);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(abs);
    } catch (e) {
      throw new Error(`cannot read ${abs}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const decoded = decodeManifest(path, bytes);
    return 'text' in decoded ? { path, text: decoded.text } : { path, text: '', unreadable: decoded.finding };
  }));
  const fileExists = (path: string) => stat(path).then((s) => s.isFile(), () => false);
  return { files, readFile: readText, fileExists, loadRuleFile: readText, knowledge, settings };
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(path));
  return toEnginePath(rel === '' ? '.' : rel);
}
