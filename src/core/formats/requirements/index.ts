// The pip requirement file format (requirements.txt, constraints.txt, *.in, files in a requirements/ folder).
import { lineIndexFor } from '../../text';
import type { Fix, ParsedManifest, TextEdit } from '../../types';
import { eolOf, insertAt } from '../edits';
import type { EnvironmentSpec, ManifestFormat, PinnedRequirement, ScopeTraits } from '../types';
import { decodeRequirementsFile } from './decode';
import { parseRequirementsFile } from './parse';
import { pipIndexes } from './pip-settings';

export * from './decode';
export * from './parse';
export * from './pip-settings';
export * from './tree';
export { readSimpleLine } from './simple';

/** `--extra-index-url` on a line of its own: at the top (pip reads options anywhere in the file), unless the file names
 *  an --index-url or includes others. pip's last --index-url replaces every index read before it, so the new line
 *  goes after that one, and after the includes (which may name one). */
export function requirementFileEdit(manifest: ParsedManifest, text: string, url: string): TextEdit {
  let after = -1;
  for (const index of manifest.indexes) if (index.kind === 'index-url') after = Math.max(after, index.range.end.line);
  for (const include of manifest.includes) after = Math.max(after, include.range.end.line);
  const line = `--extra-index-url ${url}`;
  if (after < 0) return insertAt(manifest.path, 0, 0, `${line}${eolOf(text)}`);
  const lines = lineIndexFor(text);
  // The last line, without a line break after it: the new line starts with one.
  if (after + 1 >= lines.lineCount) return insertAt(manifest.path, after, lines.lineText(after).length, `${eolOf(text)}${line}`);
  return insertAt(manifest.path, after + 1, 0, `${line}${eolOf(text)}`);
}

export function requirementFileFix(manifest: ParsedManifest, text: string, url: string): Fix {
  return { title: `Add --extra-index-url ${url}`, applicability: 'safe', edits: [requirementFileEdit(manifest, text, url)] };
}

/** A requirement line and a line of a file read through `-c`: a new requirement goes on the next line. */
const LINE: ScopeTraits = {
  insertAfter(manifest, text, anchor, newRequirement) {
    const index = lineIndexFor(text);
    let line = anchor.range.end.line;
    while (index.lineText(line).endsWith('\\') && line + 1 < index.lineCount) line++;
    const end = index.offsetAt({ line, character: index.lineText(line).length });
    return [{ path: manifest.path, range: index.range(end, end), newText: `${eolOf(text)}${newRequirement}` }];
  },
  indexFixes: (c) => [requirementFileFix(c.manifest, c.text, c.url)],
};

/** `*requirements*.txt|.in`, `*constraints*.txt|.in`, any `.txt`/`.in` in a `requirements/` folder (or one below). */
export const requirementsFormat: ManifestFormat = {
  kind: 'requirements',
  matches(name, parts) {
    if (!name.endsWith('.txt') && !name.endsWith('.in')) return false;
    if (/requir(?:e)?ments?|constraints?/.test(name)) return true; // requirments_cu118.txt is real
    return parts.slice(-3, -1).includes('requirements');
  },
  globs: ['**/*requir*ment*.txt', '**/*requir*ment*.in', '**/*constraint*.txt', '**/*constraint*.in',
    '**/requirements/*.txt', '**/requirements/*.in', '**/requirements/*/*.txt', '**/requirements/*/*.in'],
  activation: ['**/requirements*.txt', '**/requirements/*.txt', '**/constraints*.txt'],
  pathPattern: '[^/]*(requir(e)?ments?|constraints?)[^/]*\\.(txt|in)|requirements/([^/]*/)?[^/]*\\.(txt|in)',
  label: 'requirement files',
  parse: (path, text) => parseRequirementsFile(path, text),
  decode: decodeRequirementsFile,
  includes: 'tree',
  environments(manifest, ctx) {
    const tree = ctx.includeTrees?.get(manifest.path) ?? [manifest];
    const pins: PinnedRequirement[] = [];
    const indexes: ParsedManifest['indexes'] = [];
    // A constraints file (constraints.txt, reqs_constraints.txt) installs nothing: it narrows what others install.
    const constraintsFile = /constraints?(?:[^a-z/][^/]*)?\.(?:txt|in)$/i.test(ctx.name);
    for (const m of tree) {
      for (const r of m.requirements) pins.push(ctx.pin(r, constraintsFile || r.scope.kind === 'constraint', m.path));
      indexes.push(...m.indexes);
    }
    const envs: EnvironmentSpec[] = [];
    // The indexes pip reads, not every one written: a later --index-url replaces those before it.
    if (pins.length) {
      const { read, dropped } = tree.length === 1 && indexes.length < 2 ? { read: indexes, dropped: [] } : pipIndexes(manifest.path, new Map(tree.map((m) => [m.path, m])));
      envs.push({ label: ctx.name, pins, indexes: read, ...(dropped.length ? { droppedIndexes: dropped } : {}) });
    }
    return envs;
  },
  installer: () => ({ name: 'pip', evidence: 'pip requirement file' }),
  crossFileRole: () => 'plain',
  scopes: { requirements: { ...LINE, crossFile: true }, constraint: LINE },
  projectInstallIndexEdit: (manifest, text, _install, url) => requirementFileEdit(manifest, text, url),
};
