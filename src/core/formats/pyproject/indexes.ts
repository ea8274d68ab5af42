// How a pyproject's installer is given an index: uv an explicit [[tool.uv.index]] bound in [tool.uv.sources],
// Poetry an explicit [[tool.poetry.source]] named by the dependency, PDM a [[tool.pdm.source]] for the PyTorch
// packages. (pip reads no index from a pyproject: the engine's public-version fix handles that case.)
import { displayName } from '../../engine/messages';
import type { Fix, ParsedManifest, PackageIndex, TextEdit } from '../../types';
import { addKeyToTableEntry, appendTable, eolOf, insertAt } from '../edits';
import type { IndexFixContext } from '../types';

export function indexName(label: string): string {
  return `pytorch-${label}`;
}

/** The index fixes for a pin of a pyproject, by the installer that reads it. */
export function pyprojectIndexFixes(c: IndexFixContext): Fix[] {
  switch (c.installer.name) {
    case 'uv': return uvFix(c);
    case 'poetry': return poetryFix(c);
    case 'pdm': return pdmFix(c);
    default: return [];
  }
}

/** The fix's index or source is there already (an earlier round of fixes, another package's fix): bind only. */
function hasNamedIndex(manifest: ParsedManifest, kind: PackageIndex['kind'], name: string): boolean {
  return manifest.indexes.some((i) => i.kind === kind && i.name === name);
}

/** uv: an explicit [[tool.uv.index]] and the package bound to it in [tool.uv.sources]. */
function uvFix(c: IndexFixContext): Fix[] {
  const pkg = c.pin.requirement.normalizedName;
  const name = indexName(c.label);
  const index = hasNamedIndex(c.manifest, 'uv-index', name) ? [] : ['[[tool.uv.index]]', `name = "${name}"`, `url = "${c.url}"`, 'explicit = true'];
  const header = /^[ \t]*\[tool\.uv\.sources\][ \t]*(?:#.*)?$/m.exec(c.text);
  const edits: TextEdit[] = [];
  if (header) {
    // Add the package to the existing table (right under its header), and the index at the end.
    const line = c.text.slice(0, header.index).split(/\r\n|\r|\n/).length - 1;
    const eol = eolOf(c.text);
    if (new RegExp(`^[ \\t]*["']?${pkg}["']?[ \\t]*=`, 'm').test(c.text.slice(header.index))) return []; // already has a source
    edits.push(insertAt(c.pin.path, line + 1, 0, `${pkg} = { index = "${name}" }${eol}`));
    if (index.length) edits.push(appendTable(c.pin.path, c.text, index));
  } else {
    edits.push(appendTable(c.pin.path, c.text, [...index, ...(index.length ? [''] : []), '[tool.uv.sources]', `${pkg} = { index = "${name}" }`]));
  }
  return [{ title: `Add the ${c.label} index for uv ([[tool.uv.index]] and [tool.uv.sources])`, applicability: 'safe', edits }];
}

/**
 * Poetry: an explicit [[tool.poetry.source]] and `source =` on the dependency (in [tool.poetry.dependencies]; for a
 * [project] dependency, Poetry 2 reads the source from a [tool.poetry.dependencies] entry of the same name).
 */
function poetryFix(c: IndexFixContext): Fix[] {
  const name = indexName(c.label);
  const r = c.pin.requirement;
  const source = hasNamedIndex(c.manifest, 'poetry-source', name) ? [] : ['[[tool.poetry.source]]', `name = "${name}"`, `url = "${c.url}"`, 'priority = "explicit"'];
  const edits: TextEdit[] = [];
  const lines = c.text.split(/\r\n|\r|\n/);
  if (r.scope.kind === 'poetry' || r.scope.kind === 'poetry-group') {
    const entry = addKeyToTableEntry(c.pin.path, lines, r, 'source', name);
    if (!entry) return [];
    edits.push(entry);
    if (source.length) edits.push(appendTable(c.pin.path, c.text, source));
  } else {
    const header = /^[ \t]*\[tool\.poetry\.dependencies\][ \t]*(?:#.*)?$/m.exec(c.text);
    if (header) {
      const line = c.text.slice(0, header.index).split(/\r\n|\r|\n/).length;
      if (new RegExp(`^[ \\t]*["']?${r.normalizedName}["']?[ \\t]*=`, 'm').test(c.text.slice(header.index))) return []; // an entry to edit by hand
      edits.push(insertAt(c.pin.path, line, 0, `${r.normalizedName} = { source = "${name}" }${eolOf(c.text)}`));
      if (source.length) edits.push(appendTable(c.pin.path, c.text, source));
    } else {
      edits.push(appendTable(c.pin.path, c.text, [...source, ...(source.length ? [''] : []), '[tool.poetry.dependencies]', `${r.normalizedName} = { source = "${name}" }`]));
    }
  }
  return [{ title: `Add the ${c.label} source for Poetry ([[tool.poetry.source]], priority "explicit", and source = "${name}" on ${displayName(r.normalizedName)})`, applicability: 'safe', edits }];
}

/** PDM: a [[tool.pdm.source]] that only the PyTorch packages are taken from (include_packages). */
function pdmFix(c: IndexFixContext): Fix[] {
  const name = indexName(c.label);
  if (hasNamedIndex(c.manifest, 'pdm-source', name)) return [];
  const pkgs = ['torch', 'torchvision', 'torchaudio'];
  return [{ title: `Add the ${c.label} source for PDM ([[tool.pdm.source]] with include_packages)`, applicability: 'safe',
    edits: [appendTable(c.pin.path, c.text, ['[[tool.pdm.source]]', `name = "${name}"`, `url = "${c.url}"`, 'verify_ssl = true',
      `include_packages = [${pkgs.map((p) => `"${p}"`).join(', ')}]`])] }];
}
