// Following -r / -c: a requirement file and every file it includes, read once each, with include findings.

import { readFailureReason, ReadRefused } from '../../read';
import { clip } from '../../redact';
import type { Finding, ParsedManifest } from '../../types';
import { syntaxFinding } from '../requirement';
import { type RequirementsFileDetails, type RequirementsFileOptions, type UnnamedRequirement, parseRequirementsFileDetails } from './parse';
import { isArchive } from './interpret';

export function posixDirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '';
  return i === 0 ? '/' : path.slice(0, i);
}

/** Normalizes `.`/`..` and repeated slashes; keeps a leading `/` and leading `..` of relative paths. */
export function posixNormalize(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function posixJoin(dir: string, path: string): string {
  if (path.startsWith('/') || !dir) return posixNormalize(path);
  return posixNormalize(`${dir}/${path}`);
}

/** A finding about an include, with the path of the file it belongs in. */
export type TreeFinding = Finding & { path: string };

export interface RequirementTree {
  /** Root first, then each included file once, in the order pip reaches them. */
  manifests: ParsedManifest[];
  /** include-missing / include-cycle (and local-path-missing), each with the path of the file to show it in. */
  findings: TreeFinding[];
  /** Requirements that name no package (local projects, archives, plain URLs), with the file they are in. */
  unnamed: (UnnamedRequirement & { path: string })[];
}

/**
 * Follow -r/-c from a root file. readFile returns undefined for a missing file. Paths are POSIX-style, resolved
 * relative to the including file. Also checks that local project paths (`-e ./pkg`, `./pkg`) hold a project.
 */
export async function loadRequirementTree(
  rootPath: string,
  readFile: (path: string) => Promise<string | undefined>,
  opts: RequirementsFileOptions & { cache?: Map<string, RequirementsFileDetails> } = {},
): Promise<RequirementTree> {
  const tree: RequirementTree = { manifests: [], findings: [], unnamed: [] };
  const seen = new Set<string>();
  const root = posixNormalize(rootPath);
  const text = await safeRead(readFile, root);
  if (text === undefined) {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    tree.findings.push({ ...syntaxFinding('include-missing', `Cannot open requirements file ${root}`, range), path: root });
    return tree;
  }
  // The chain of files being read (for cycles): a list for the message, a set for the test. A deep chain
  // (thousands of -r) must not cost a copy of the chain per file.
  const stack: string[] = [root];
  const onStack = new Set(stack);
  const { cache, ...parseOpts } = opts;
  await visit(root, text, opts.constraint ?? false);
  return tree;

  async function visit(path: string, content: string, constraint: boolean): Promise<void> {
    seen.add(path);
    // Several roots of one project share their included files: each is parsed once (same text, same mode).
    const key = `${constraint ? 'c' : 'r'}\u0000${path}\u0000${content.length}`;
    let details = cache?.get(key);
    if (!details || details.manifest.path !== path) {
      details = parseRequirementsFileDetails(path, content, { ...parseOpts, constraint });
      cache?.set(key, details);
    }
    tree.manifests.push(details.manifest);
    tree.unnamed.push(...details.unnamed.map((item) => ({ ...item, path })));
    await checkLocalPaths(details, readFile, posixDirname(root), tree);
    for (const include of details.manifest.includes) {
      const target = include.resolvedPath;
      if (!target) continue; // a URL: pip would download it; we do not follow it
      if (onStack.has(target)) {
        const chain = [...stack, target].join(' -> ');
        const message = `${target} recursively references itself in ${path} (${chain})`;
        tree.findings.push({ ...syntaxFinding('include-cycle', message, include.range), path });
        continue;
      }
      if (seen.has(target)) continue;
      const read = await tryRead(readFile, target);
      if (!('text' in read)) {
        const kind = include.kind === 'constraint' ? 'constraints' : 'requirements';
        const message = `Cannot open ${kind} file "${clip(include.target)}" (${clip(target)}): ${read.reason}`;
        tree.findings.push({ ...syntaxFinding('include-missing', message, include.range, read.refused ? 'warning' : 'error'), path });
        continue;
      }
      const included = read.text;
      // As pip: -r inside a constraints file includes requirements, -c includes constraints.
      stack.push(target);
      onStack.add(target);
      await visit(target, included, include.kind === 'constraint');
      stack.pop();
      onStack.delete(target);
    }
  }
}

async function safeRead(readFile: (path: string) => Promise<string | undefined>, path: string): Promise<string | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** The text of a file, or why it was not read (`refused`: the reader would not read it, e.g. outside the folder). */
async function tryRead(readFile: (path: string) => Promise<string | undefined>, path: string): Promise<{ text: string } | { reason: string; refused: boolean }> {
  try {
    const text = await readFile(path);
    return text === undefined ? { reason: 'no such file', refused: false } : { text };
  } catch (e) {
    return { reason: readFailureReason(e), refused: e instanceof ReadRefused };
  }
}

/**
 * pip installs a local directory only when it holds pyproject.toml or setup.py. It resolves the path against the
 * working directory, which we do not know: the root file's directory and its ancestors are tried, and the including
 * file's directory, before warning.
 */
async function checkLocalPaths(
  details: RequirementsFileDetails, readFile: (path: string) => Promise<string | undefined>, rootDir: string, tree: RequirementTree,
): Promise<void> {
  for (const item of details.unnamed) {
    // Archives and Windows drive paths cannot be checked this way.
    if (item.kind !== 'path' || isArchive(item.target) || /^[A-Za-z]:[\\/]/.test(item.target)) continue;
    const target = item.target.replace(/^file:(\/\/)?/i, '');
    const bases = [...ancestors(rootDir), posixDirname(details.manifest.path)];
    let found = false;
    for (const base of new Set(bases)) {
      const dir = posixJoin(base, target);
      const pyproject = await tryRead(readFile, posixJoin(dir, 'pyproject.toml'));
      // A project outside the checked folder is not looked at, and so not reported missing either.
      if ('text' in pyproject || pyproject.refused) { found = true; break; }
      const setup = await tryRead(readFile, posixJoin(dir, 'setup.py'));
      if ('text' in setup || setup.refused) { found = true; break; }
    }
    if (found) continue;
    const what = item.editable ? 'editable requirement' : 'local project';
    const message = `${clip(item.target)} is not a valid ${what}: no pyproject.toml or setup.py found there (pip will fail)`;
    tree.findings.push({ ...syntaxFinding('local-path-missing', message, item.range, 'warning'), path: details.manifest.path });
  }
}

function ancestors(dir: string, limit = 5): string[] {
  const out = [dir];
  let current = dir;
  for (let i = 0; i < limit && current && current !== '/' && current !== '.'; i++) {
    const up = posixDirname(current);
    if (up === current) break;
    out.push(up || '.');
    current = up;
  }
  return out;
}
