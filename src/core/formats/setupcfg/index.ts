// The setup.cfg format: [options] install_requires and [options.extras_require], read by setuptools.
import { groupBy } from '../../group';
import { lineIndexFor } from '../../text';
import { eolOf } from '../edits';
import type { EnvironmentSpec, ManifestFormat, ScopeTraits } from '../types';
import { parseSetupCfg } from './parse';
import { oneFileName } from '../patterns';

export { parseSetupCfg } from './parse';

/** A line-per-entry list (`install_requires =` lines, a YAML `- ` list): the new entry gets the anchor's prefix. */
export const lineListInsert: ScopeTraits['insertAfter'] = (manifest, text, anchor, newRequirement) => {
  const index = lineIndexFor(text);
  const prefix = index.lineText(anchor.range.start.line).slice(0, anchor.range.start.character);
  if (prefix.trim() && !/^\s*-\s*$/.test(prefix)) return undefined;
  const line = anchor.range.end.line;
  const end = index.offsetAt({ line, character: index.lineText(line).length });
  return [{ path: manifest.path, range: index.range(end, end), newText: `${eolOf(text)}${prefix}${newRequirement}` }];
};

export const setupCfgFormat: ManifestFormat = {
  kind: 'setup-cfg',
  ...oneFileName('setup.cfg'),
  byExtension: (name) => name.endsWith('.cfg'),
  parse: parseSetupCfg,
  environments(manifest, { name, pin }) {
    const envs: EnvironmentSpec[] = [];
    const base = manifest.requirements.filter((r) => r.scope.name === undefined).map((r) => pin(r));
    if (base.length) envs.push({ label: `${name} install_requires`, pins: base });
    for (const [extra, reqs] of groupBy(manifest.requirements.filter((r) => r.scope.name !== undefined), (r) => r.scope.name ?? '')) {
      envs.push({ label: `${name} install_requires + extra "${extra}"`, pins: [...base, ...reqs.map((r) => pin(r))], addition: `extra "${extra}"` });
    }
    return envs;
  },
  installer: () => ({ name: 'pip', evidence: 'pip requirement file' }),
  crossFileRole: () => 'metadata',
  scopes: { 'setup-cfg': { crossFile: true, insertAfter: lineListInsert } },
};
