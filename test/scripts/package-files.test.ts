// The generated parts of package.json and .pre-commit-hooks.yaml come from the sources (scripts/package-files.ts,
// written by `npm run build`): the committed files are what the generator makes, a new manifest format reaches the
// activation events, the hook's `files` and the CLI's usage through its own module and one entry in the format list,
// and every setting's allowed values are checked by the schema alone, wherever the value comes from.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { FORMATS } from '../../src/core/formats';
import { oneFileName, searchedFor } from '../../src/core/formats/patterns';
import { pixiFormat } from '../../src/core/formats/pixi';
import { formatRegistry } from '../../src/core/formats/registry';
import type { ManifestFormat } from '../../src/core/formats/types';
import { readToolConfig, SETTINGS, SETTINGS_SECTION, settingFlags, settingsFrom, settingsFromFlags, valueOf } from '../../src/core/settings';
import { packageJsonText, preCommitHooksText, reportedRuleCodes } from '../../scripts/package-files';

const root = join(import.meta.dirname, '..', '..');
const packageJson = readFileSync(join(root, 'package.json'), 'utf8');
const hooks = readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8');
const hookFiles = (text: string) => (parse(text) as { files: string }[])[0].files;

/** re.search(files, path) for each path, by Python itself (as pre-commit matches). */
function pythonMatches(regex: string, paths: string[]): boolean[] {
  const r = spawnSync('python3', ['-c', 'import json, re, sys\nd = json.load(sys.stdin)\nprint(json.dumps([bool(re.search(d["re"], p)) for p in d["paths"]]))'],
    { input: JSON.stringify({ re: regex, paths }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('package.json and .pre-commit-hooks.yaml are what the build makes from the formats, the settings schema and the rule codes', () => {
  const hint = 'npm run build writes them (scripts/gen-package.ts): commit the result';
  assert.equal(packageJsonText(packageJson, { formats: FORMATS, ruleCodes: reportedRuleCodes() }), packageJson, hint);
  assert.equal(preCommitHooksText(hooks, FORMATS), hooks, hint);
});

test('a new format is its module and one list entry: activation events, the hook\'s files and the CLI usage follow', () => {
  // A real format (pixi's parser) under another name, placed before the fallback as formats/index.ts would list it.
  const lockFormat: ManifestFormat = { ...pixiFormat, kind: 'fake-lock', ...oneFileName('Fake.lock') };
  const formats = [...FORMATS.slice(0, -1), lockFormat, FORMATS[FORMATS.length - 1]];
  const registry = formatRegistry(formats, 'requirements');
  assert.equal(registry.detectManifestKind('sub/fake.lock'), 'fake-lock');
  assert.equal(registry.parseManifest('Fake.lock', '[pypi-dependencies]\ntorch = "==2.2.0"\n').requirements[0].normalizedName, 'torch');

  const codes = reportedRuleCodes();
  const before = JSON.parse(packageJsonText(packageJson, { formats: FORMATS, ruleCodes: codes }));
  const after = JSON.parse(packageJsonText(packageJson, { formats, ruleCodes: codes }));
  assert.deepEqual(after.activationEvents.filter((e: string) => !before.activationEvents.includes(e)), ['workspaceContains:**/Fake.lock']);
  assert.deepEqual({ ...after, activationEvents: [] }, { ...before, activationEvents: [] }, 'nothing else changes');

  const paths = ['Fake.lock', 'sub/fake.LOCK', 'fake.lock.bak', 'notfake.lock', 'requirements.txt', 'pyproject.toml', 'README.md'];
  const was = pythonMatches(hookFiles(hooks), paths);
  const now = pythonMatches(hookFiles(preCommitHooksText(hooks, formats)), paths);
  assert.deepEqual(now, paths.map((p) => registry.detectManifestKind(p) !== undefined), 'the hook reads what the formats read');
  assert.deepEqual(paths.filter((_, i) => now[i] !== was[i]), ['Fake.lock', 'sub/fake.LOCK']);

  assert.ok(searchedFor(formats).includes(', Fake.lock and requirement files'), searchedFor(formats));
  assert.ok(!searchedFor(FORMATS).includes('Fake.lock'));
});

test('each setting\'s allowed values are checked in one place: editor settings, [tool.ml-pins] and CLI flags agree with package.json', () => {
  const props = JSON.parse(packageJson).contributes.configuration.properties as Record<string, { enum?: string[]; pattern?: string }>;
  const flags = settingFlags();
  let checked = 0;
  for (const spec of SETTINGS) {
    const value = valueOf(spec);
    if (value?.type !== 'choice' && !(value?.type === 'string' && value.pattern)) continue;
    const good = value.type === 'choice' ? [...value.values] : [value.like!];
    const bad = 'not-a-value';
    if (spec.setting) {
      const prop = props[`${SETTINGS_SECTION}.${spec.setting}`];
      if (value.type === 'choice') assert.deepEqual(prop.enum, good, spec.setting);
      else for (const v of [...good, '']) assert.match(v, new RegExp(prop.pattern!), spec.setting);
      if (value.type === 'string') assert.doesNotMatch(bad, new RegExp(prop.pattern!));
    }
    if (spec.toml) {
      for (const v of good) assert.deepEqual(readToolConfig({ [spec.toml]: v }).problems, [], `${spec.toml} = ${v}`);
      assert.equal(readToolConfig({ [spec.toml]: bad }).problems.length, 1, spec.toml);
    }
    if (spec.cli) {
      const flag = spec.cli.flag;
      assert.equal(flags[flag].type, 'string');
      const fail = (m: string) => new Error(m);
      for (const v of good) {
        const { values } = parseArgs({ args: [`--${flag}`, v], options: flags, strict: true });
        assert.doesNotThrow(() => settingsFromFlags(values, fail), `--${flag} ${v}`);
      }
      const { values } = parseArgs({ args: [`--${flag}`, bad], options: flags, strict: true });
      assert.throws(() => settingsFromFlags(values, fail), new RegExp(`^Error: --${flag} must`));
    }
    checked++;
  }
  assert.ok(checked >= 4, `${checked} settings with allowed values`);
  // The editor reader takes the same values and falls back to the default on others.
  assert.equal(settingsFrom({ accelerator: 'rocm', admittedCombinations: 'off', targetPython: ' 3.12 ' }, true).accelerator, 'rocm');
  assert.equal(settingsFrom({ accelerator: 'not-a-value' }, true).accelerator, 'auto');
  assert.equal(settingsFrom({ admittedCombinations: 'off' }, true).admitted, 'off');
  assert.equal(settingsFrom({ targetPython: '3' }, true).targetPython, undefined);
});

test('the CLI takes every setting flag the schema names, and refuses a value the schema does not allow', () => {
  const cli = join(root, 'dist', 'cli.js');
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  for (const spec of SETTINGS) if (spec.cli) assert.match(help.stdout, new RegExp(`^  --${spec.cli.flag}\\b`, 'm'), spec.cli.flag);
  assert.match(help.stdout.replace(/\s+/g, ' '), new RegExp(`searched for ${searchedFor(FORMATS).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const bad = spawnSync(process.execPath, [cli, 'check', '--accelerator', 'tpu', join(root, 'examples', 'seed-project')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'ml-pins: --accelerator must be auto, cpu, cuda, rocm or mps\n');
});
