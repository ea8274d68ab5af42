// Reads a project from disk for the CLI: finds the manifests, decodes them, and runs the engine.
import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { checkProject, type CheckResult } from '../core/engine/check';
import type { CheckSettings } from '../core/engine/config';
import type { Knowledge } from '../core/engine/knowledge';
import { decodeManifest } from '../core/manifests';
import { discoverManifests } from './discover';

export interface DiskCheckOptions {
  cwd: string;
  settings?: CheckSettings;
  knowledge: Knowledge;
  /** Text overrides (path -> text) used instead of the disk: the fix loop checks its edited texts this way. */
  overrides?: Map<string, string>;
}

/** Engine paths are POSIX-style; on Windows the separators are converted at this boundary. */
export const toEnginePath = (p: string) => (sep === '\\' ? p.split(sep).join('/') : p);

export async function checkPaths(paths: string[], options: DiskCheckOptions): Promise<CheckResult> {
  const found = await discoverManifests(paths.length ? paths : ['.'], options.cwd);
  const files = await Promise.all(found.map(async (abs) => {
    const path = toEnginePath(abs);
    const override = options.overrides?.get(path);
    if (override !== undefined) return { path, text: override };
    const bytes = await readFile(abs);
    const decoded = decodeManifest(path, bytes);
    return 'text' in decoded ? { path, text: decoded.text } : { path, text: '', unreadable: decoded.finding };
  }));
  const readText = async (path: string) => {
    const override = options.overrides?.get(path);
    if (override !== undefined) return override;
    try {
      const decoded = decodeManifest(path, await readFile(path));
      return 'text' in decoded ? decoded.text : undefined;
    } catch {
      return undefined;
    }
  };
  return checkProject({ files, readFile: readText, settings: options.settings, knowledge: options.knowledge, loadRuleFile: readText });
}

export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(path));
  return toEnginePath(rel === '' ? '.' : rel);
}
