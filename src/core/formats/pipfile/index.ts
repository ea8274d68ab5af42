// The Pipfile format: [packages] and [dev-packages] tables, [[source]] indexes, installed by Pipenv.
import { displayName } from '../../engine/messages';
import { lineIndexFor } from '../../text';
import type { Fix, TextEdit } from '../../types';
import { addKeyToTableEntry, appendTable, eolOf, insertAt } from '../edits';
import { indexName } from '../pyproject/indexes';
import { restyleTableConstraint } from '../pyproject/poetry';
import type { EnvironmentSpec, IndexFixContext, ManifestFormat, ScopeTraits } from '../types';
import { parsePipfile } from './parse';
import { oneFileName } from '../patterns';

export { parsePipfile } from './parse';

/** Pipenv: a [[source]] and `index =` on the package (Pipenv takes a package from another source only when named). */
export function pipenvFix(c: IndexFixContext): Fix[] {
  const name = indexName(c.label);
  const r = c.pin.requirement;
  const lines = c.text.split(/\r\n|\r|\n/);
  const entry = addKeyToTableEntry(c.pin.path, lines, r, 'index', name);
  if (!entry) return [];
  const edits: TextEdit[] = [entry];
  if (c.manifest.indexes.some((i) => i.name === name)) return [{ title: `Take ${displayName(r.normalizedName)} from the ${c.label} index (index = "${name}")`, applicability: 'safe', edits }];
  // [[source]] tables go before the first other table, so they stay together at the top.
  const first = lines.findIndex((l) => /^\s*\[(?!\[source\]\])/.test(l));
  const eol = eolOf(c.text);
  const block = `[[source]]${eol}name = "${name}"${eol}url = "${c.url}"${eol}verify_ssl = true${eol}${eol}`;
  edits.push(first >= 0 ? insertAt(c.pin.path, first, 0, block) : appendTable(c.pin.path, c.text, block.trimEnd().split(eol)));
  return [{ title: `Add the ${c.label} index for Pipenv ([[source]] and index = "${name}")`, applicability: 'safe', edits }];
}

/** `torch = "==2.1.0"` or `torch = {version = "...", index = "..."}`: a table entry, constraints as Pipenv writes them. */
const ENTRY: ScopeTraits = {
  tableEntry: true,
  restyle: restyleTableConstraint,
  insertAfter(manifest, text, anchor, newRequirement) {
    const index = lineIndexFor(text);
    if (text[index.offsetAt(anchor.range.start)] === '[') return undefined; // a `[packages.torch]` sub-table: a line after it would join it
    const m = /^\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?\s*([^;]*?)\s*(?:;\s*(.*?)\s*)?$/.exec(newRequirement);
    if (!m || /["\\@]/.test(newRequirement)) return undefined;
    const [, name, extras, spec, marker] = m;
    const version = `"${spec || '*'}"`;
    const list = (extras ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    const value = !list.length && !marker ? version : `{version = ${version}${list.length ? `, extras = [${list.map((e) => `"${e}"`).join(', ')}]` : ''}${marker ? `, markers = "${marker}"` : ''}}`;
    const line = anchor.range.end.line;
    const end = index.offsetAt({ line, character: index.lineText(line).length });
    const indent = /^\s*/.exec(index.lineText(line))![0];
    return [{ path: manifest.path, range: index.range(end, end), newText: `${eolOf(text)}${indent}${name} = ${value}` }];
  },
  indexFixes: pipenvFix,
};

export const pipfileFormat: ManifestFormat = {
  kind: 'pipfile',
  ...oneFileName('Pipfile'),
  parse: parsePipfile,
  environments(_manifest, { name, ofKind, pin }) {
    // `pipenv install` installs [packages]; `pipenv install --dev` installs [dev-packages] on top of them.
    const base = ofKind('pipfile').map((r) => pin(r));
    const dev = ofKind('pipfile-dev').map((r) => pin(r));
    const envs: EnvironmentSpec[] = [];
    if (base.length) envs.push({ label: `${name} [packages]`, pins: base });
    if (dev.length) envs.push({ label: `${name} [packages] + [dev-packages]`, pins: [...base, ...dev], addition: '[dev-packages]' });
    return envs;
  },
  installer: () => ({ name: 'pipenv', evidence: 'Pipfile' }),
  crossFileRole: () => 'metadata',
  scopes: { pipfile: { ...ENTRY, crossFile: true }, 'pipfile-dev': ENTRY },
};
