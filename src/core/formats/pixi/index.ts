// The pixi.toml format: PyPI dependencies of the default feature and of each feature, installed by pixi (through
// uv). Each feature is an environment of its own: the default feature's packages plus the feature's.
import { groupBy } from '../../group';
import { lineIndexFor } from '../../text';
import { eolOf } from '../edits';
import { restyleTableConstraint } from '../pyproject/poetry';
import type { EnvironmentSpec, ManifestFormat, ScopeTraits } from '../types';
import { parsePixi, PIXI_SCOPE } from './parse';
import { oneFileName } from '../patterns';

export { elsewhereThan, parsePixi, PIXI_SCOPE, readPixiTables } from './parse';

/** `torch = ">=2.1"` or `torch = { version = ">=2.1", extras = [...] }`: a table entry with a PEP 440 version (in
 *  pixi.toml, and in a pyproject.toml's [tool.pixi]). */
export const PIXI_ENTRY: ScopeTraits = {
  crossFile: true,
  tableEntry: true,
  restyle: restyleTableConstraint,
  insertAfter(manifest, text, anchor, newRequirement) {
    const m = /^\s*([A-Za-z0-9._-]+)\s*([^;\[@]*)$/.exec(newRequirement);
    if (!m || /["\\]/.test(newRequirement)) return undefined; // extras, markers and URLs need a table: written by hand
    const index = lineIndexFor(text);
    if (text[index.offsetAt(anchor.range.start)] === '[') return undefined; // a sub-table: a line after it would join it
    const line = anchor.range.end.line;
    const end = index.offsetAt({ line, character: index.lineText(line).length });
    const indent = /^\s*/.exec(index.lineText(line))![0];
    return [{ path: manifest.path, range: index.range(end, end), newText: `${eolOf(text)}${indent}${m[1]} = "${m[2].trim() || '*'}"` }];
  },
};

export const pixiFormat: ManifestFormat = {
  kind: 'pixi',
  ...oneFileName('pixi.toml'),
  parse: parsePixi,
  environments(manifest, { name, ofKind, pin }) {
    const all = ofKind(PIXI_SCOPE);
    const base = all.filter((r) => r.scope.name === undefined).map((r) => pin(r));
    const baseIndexes = manifest.indexes.filter((i) => i.block === undefined);
    const envs: EnvironmentSpec[] = [];
    if (base.length) envs.push({ label: `${name} [pypi-dependencies]`, pins: base, indexes: baseIndexes });
    for (const [feature, reqs] of groupBy(all.filter((r) => r.scope.name !== undefined), (r) => r.scope.name!)) {
      const block = reqs[0].scope.block;
      envs.push({
        label: `${name} [pypi-dependencies] + feature "${feature}"`,
        pins: [...base, ...reqs.map((r) => pin(r))],
        indexes: manifest.indexes.filter((i) => i.block === undefined || i.block === block),
        addition: `feature "${feature}"`,
      });
    }
    return envs;
  },
  installer: () => ({ name: 'pixi', evidence: 'pixi.toml' }),
  crossFileRole: () => 'metadata',
  scopes: { [PIXI_SCOPE]: PIXI_ENTRY },
};
