// One settings schema for the extension and the language server: package.json's contributes.configuration and
// src/core/settings.ts name the same settings with the same defaults, and malformed values fall back safely.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACCELERATORS, ADMITTED_LEVELS, SEVERITY_OVERRIDES } from '../../src/core/engine/config';
import { SETTINGS as SETTINGS_DOCS, SETTINGS_DEFAULTS, SETTINGS_SECTION, settingsFrom, settingsTable } from '../../src/core/settings';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'));

test('package.json contributes exactly the settings of the shared schema, with its defaults', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  const names = Object.keys(props).map((k) => k.replace(`${SETTINGS_SECTION}.`, '')).sort();
  assert.deepEqual(names, Object.keys(SETTINGS_DEFAULTS).sort());
  for (const [name, value] of Object.entries(SETTINGS_DEFAULTS)) assert.deepEqual(props[`${SETTINGS_SECTION}.${name}`].default, value, name);
});

test('package.json allows exactly the values the settings reader, [tool.ml-pins] and the CLI accept', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { enum?: string[]; additionalProperties?: { enum?: string[] } }>;
  assert.deepEqual(props[`${SETTINGS_SECTION}.accelerator`].enum, [...ACCELERATORS]);
  assert.deepEqual(props[`${SETTINGS_SECTION}.admittedCombinations`].enum, [...ADMITTED_LEVELS]);
  assert.deepEqual(props[`${SETTINGS_SECTION}.severityOverrides`].additionalProperties?.enum, [...SEVERITY_OVERRIDES]);
});

test('settingsFrom: defaults, validation, and trust', () => {
  const d = settingsFrom(undefined, true);
  assert.equal(d.enable, true);
  assert.equal(d.admitted, 'warning');
  assert.equal(d.targetPython, undefined);
  const s = settingsFrom({ enable: false, disabledRules: ['a', 3], severityOverrides: { x: 'error', y: 'loud' }, admittedCombinations: 'information',
    targetPython: ' 3.11 ', accelerator: 'tpu', ruleFiles: ['r.json'], installCommand: ['python', 'x.py'] }, false);
  assert.equal(s.enable, false);
  assert.deepEqual(s.disabledRules, ['a']);
  assert.deepEqual(s.severityOverrides, { x: 'error' });
  assert.equal(s.admitted, 'information');
  assert.equal(s.targetPython, '3.11');
  assert.equal(s.accelerator, 'auto');
  assert.deepEqual(s.ruleFiles, [], 'untrusted: no rule files');
  assert.deepEqual(s.installCommand, [], 'untrusted: no install command');
  assert.deepEqual(settingsFrom({ ruleFiles: ['r.json'] }, true).ruleFiles, ['r.json']);
  // Live index metadata: on when trusted, off with `offline`, and in an untrusted workspace only when allowed.
  assert.equal(d.liveIndexes, true);
  assert.equal(s.liveIndexes, false, 'untrusted: the snapshot only');
  assert.equal(settingsFrom({ indexesInUntrustedWorkspaces: true }, false).liveIndexes, true);
  assert.equal(settingsFrom({ offline: true, indexesInUntrustedWorkspaces: true }, false).liveIndexes, false);
  assert.equal(settingsFrom({ offline: true }, true).liveIndexes, false);
  assert.equal(settingsFrom({ offline: 'yes' }, true).liveIndexes, true, 'a malformed value is the default');
  for (const bad of [null, 42, 'x', [], { severityOverrides: [] }, { disabledRules: 'a' }]) assert.doesNotThrow(() => settingsFrom(bad, true));
});

test('docs/settings.md lists every setting once, its table as the schema writes it (npm run build regenerates it)', () => {
  const documented = SETTINGS_DOCS.flatMap((d) => (d.setting ? [d.setting] : []));
  assert.deepEqual([...documented].sort(), Object.keys(SETTINGS_DEFAULTS).sort());
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'settings.md'), 'utf8');
  assert.ok(doc.includes(`\n${settingsTable()}\n`), 'docs/settings.md is stale: run npm run build');
});
