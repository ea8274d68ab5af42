// The pyproject.toml format: PEP 621 [project], PEP 735 dependency groups, [build-system], Poetry, uv and pixi tables.
import { lineIndexFor } from '../../text';
import type { Requirement } from '../../types';
import { eolOf, insertIntoStringList } from '../edits';
import type { ManifestFormat, ScopeTraits } from '../types';
import { pyprojectEnvironments } from './environments';
import { pyprojectIndexFixes } from './indexes';
import { parsePyproject, type PyprojectManifest } from './parse';
import { restyleTableConstraint } from './poetry';
import { oneFileName } from '../patterns';
import { PIXI_ENTRY, PIXI_SCOPE } from '../pixi';

export { parsePyproject, type PyprojectManifest, type UvSource } from './parse';
export { poetryToPep440 } from './poetry';

/** The lock files that mark a pyproject's installer, in the order they are trusted. */
const LOCKS = [['uv.lock', 'uv'], ['poetry.lock', 'poetry'], ['pdm.lock', 'pdm']] as const;

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

const stringList: ScopeTraits['insertAfter'] = (manifest, text, anchor, req) => insertIntoStringList(text, manifest.path, anchor, req);

/** A PEP 508 string in a list that `pip install .` reads (and uv, Poetry 2 and PDM). */
const PROJECT: ScopeTraits = { projectMetadata: true, insertAfter: stringList, indexFixes: pyprojectIndexFixes };

/** `torch = "^2.1"` in [tool.poetry.dependencies] or a Poetry group: a table entry in Poetry's constraint syntax. */
const POETRY: ScopeTraits = {
  tableEntry: true,
  restyle: restyleTableConstraint,
  insertAfter(manifest, text, anchor: Requirement, newRequirement) {
    const index = lineIndexFor(text);
    const line = anchor.range.end.line;
    const name = newRequirement.match(/^[A-Za-z0-9._-]+/)?.[0];
    if (!name) return undefined;
    const spec = newRequirement.slice(name.length).trim() || '*';
    const end = index.offsetAt({ line, character: index.lineText(line).length });
    const indent = /^\s*/.exec(index.lineText(line))![0];
    return [{ path: manifest.path, range: index.range(end, end), newText: `${eolOf(text)}${indent}${name} = "${spec}"` }];
  },
  indexFixes: pyprojectIndexFixes,
};

export const pyprojectFormat: ManifestFormat = {
  kind: 'pyproject',
  ...oneFileName('pyproject.toml'),
  byExtension: (name) => name.endsWith('.toml'),
  parse: parsePyproject,
  environments: (manifest, ctx) => pyprojectEnvironments(manifest as PyprojectManifest, ctx),
  lockFileCandidates(manifest) {
    const dir = dirname(manifest.path);
    return LOCKS.map(([name]) => (dir ? `${dir}/${name}` : name));
  },
  /**
   * A lock file beside it (uv.lock, poetry.lock, pdm.lock), else its [tool.uv] / [tool.poetry] / [tool.pdm] /
   * [tool.pixi] table,
   * else pip (a setuptools, hatch or flit project is installed with `pip install .`).
   */
  installer(manifest, lockFiles) {
    const dir = dirname(manifest.path);
    for (const [name, installer] of LOCKS) {
      if (lockFiles.has(dir ? `${dir}/${name}` : name)) return { name: installer, evidence: `${name} beside it` };
    }
    const tools = (manifest as { tools?: string[] }).tools ?? [];
    for (const [table, installer] of [['uv', 'uv'], ['poetry', 'poetry'], ['pdm', 'pdm'], ['pixi', 'pixi']] as const) {
      if (tools.includes(table)) return { name: installer, evidence: `[tool.${table}]` };
    }
    const backend = (manifest as { buildBackend?: string }).buildBackend;
    const kind = backend ? /^(setuptools|hatchling|flit_core|pdm\.backend|poetry\.core|maturin|scikit_build_core|mesonpy)/.exec(backend)?.[1] : undefined;
    return { name: 'pip', evidence: kind ? `a ${kind.replace(/_core$|\.core$|\.backend$/, '')} project ("pip install .")` : '"pip install ."' };
  },
  crossFileRole: () => 'metadata',
  scopes: {
    project: { ...PROJECT, crossFile: true },
    optional: PROJECT,
    group: PROJECT,
    'uv-dev': PROJECT,
    build: { insertAfter: stringList },
    'uv-constraint': { insertAfter: stringList },
    'uv-override': { insertAfter: stringList },
    poetry: { ...POETRY, crossFile: true },
    'poetry-group': POETRY,
    [PIXI_SCOPE]: PIXI_ENTRY,
  },
};
