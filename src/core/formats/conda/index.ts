// The conda environment file format (environment.yml): conda dependencies, and the `pip:` list pip installs.
import type { Fix } from '../../types';
import { eolOf, insertAt } from '../edits';
import { lineListInsert } from '../setupcfg';
import type { IndexFixContext, ManifestFormat } from '../types';
import { parseCondaEnvironment } from './parse';

export * from './parse';

/** environment.yml: the `pip:` list is a requirement file for pip, so the option goes in it, above the pin. */
function condaPipFix(c: IndexFixContext): Fix[] {
  const line = c.text.split(/\r\n|\r|\n/)[c.pin.requirement.range.start.line] ?? '';
  const m = /^(\s*-\s*)/.exec(line);
  if (!m) return [];
  return [{ title: `Add --extra-index-url ${c.url} to the pip list`, applicability: 'safe',
    edits: [insertAt(c.pin.path, c.pin.requirement.range.start.line, 0, `${m[1]}--extra-index-url ${c.url}${eolOf(c.text)}`)] }];
}

/** `environment*.yml|.yaml` (also `gpu_environment.yml`), `conda*.yml|.yaml`. */
export const condaFormat: ManifestFormat = {
  kind: 'conda',
  matches: (name) => /^(?:[^/]*[-_.])?environment[^/]*\.ya?ml$/.test(name) || /^conda[^/]*\.ya?ml$/.test(name),
  byExtension: (name) => name.endsWith('.yml') || name.endsWith('.yaml'),
  globs: ['**/*environment*.yml', '**/*environment*.yaml', '**/conda*.yml', '**/conda*.yaml'],
  activation: ['**/environment.yml'],
  pathPattern: '([^/]*[-_.])?environment[^/]*\\.ya?ml|conda[^/]*\\.ya?ml',
  label: 'conda environment files',
  parse: parseCondaEnvironment,
  environments: (manifest, { name, pin }) => (manifest.requirements.length ? [{ label: name, pins: manifest.requirements.map((r) => pin(r)) }] : []),
  installer: () => ({ name: 'conda', evidence: 'conda environment file' }),
  crossFileRole: () => 'installer',
  scopes: {
    conda: { notPip: true },
    'conda-pip': { crossFile: true, insertAfter: lineListInsert, indexFixes: condaPipFix },
  },
};
