// [tool.ml-pins]: reading it, and what it does to a real check.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkProject } from '../../../src/core/engine/check';
import { applySeverity, mergeSettings, readToolConfig } from '../../../src/core/engine/config';
import { check, findings, knowledge } from './helpers';

const project = (tool: string, deps = '"diffusers>=0.21.0"') =>
  `[project]\nname = "x"\nversion = "1"\ndependencies = [${deps}]\n\n[tool.ml-pins]\n${tool}\n`;

describe('readToolConfig', () => {
  test('reads every key', () => {
    const { settings, problems } = readToolConfig({
      disable: ['a'], admitted: 'information', 'target-python': '3.11', accelerator: 'rocm', 'rule-files': ['r.json'],
      models: ['sdxl-1.0'], 'install-command': 'python setup.py --x', rules: { b: 'error', c: { severity: 'hint', admitted: 'off' } },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      disabledRules: ['a'], admitted: 'information', targetPython: '3.11', accelerator: 'rocm', ruleFiles: ['r.json'],
      models: ['sdxl-1.0'], installCommand: ['python', 'setup.py', '--x'], severityOverrides: { b: 'error', c: 'hint' }, admittedOverrides: { c: 'off' },
    });
  });
  test('reports unknown keys and wrong types without failing', () => {
    const { problems } = readToolConfig({ disable: 'x', colour: 1, 'target-python': '3', rules: { a: 'loud' } });
    assert.equal(problems.length, 4);
  });
  test('project settings win over user settings; lists and maps merge', () => {
    const merged = mergeSettings({ targetPython: '3.10', disabledRules: ['a'], severityOverrides: { x: 'error' } },
      { targetPython: '3.12', disabledRules: ['b'], severityOverrides: { y: 'hint' } });
    assert.equal(merged.targetPython, '3.12');
    assert.deepEqual(merged.disabledRules, ['a', 'b']);
    assert.deepEqual(merged.severityOverrides, { x: 'error', y: 'hint' });
  });
  test('severity order: computed, admitted level, rule cap, user override', () => {
    assert.equal(applySeverity('r', 'warning', {}, true), 'warning');
    assert.equal(applySeverity('r', 'warning', { admitted: 'information' }, true), 'information');
    assert.equal(applySeverity('r', 'warning', { admitted: 'off' }, true), undefined);
    assert.equal(applySeverity('r', 'error', { admitted: 'off' }, false), 'error');
    assert.equal(applySeverity('r', 'warning', {}, true, 'information'), 'information');
    assert.equal(applySeverity('r', 'warning', { severityOverrides: { r: 'error' } }, true, 'information'), 'error');
    assert.equal(applySeverity('r', 'error', { disabledRules: ['r'] }, false), undefined);
    assert.equal(applySeverity('r', 'error', { severityOverrides: { r: 'off' } }, false), undefined);
  });
});

describe('[tool.ml-pins] in a check', () => {
  const codes = async (text: string) => findings(await check({ 'pyproject.toml': text })).map((f) => `${f.code}:${f.severity}`);

  test('without it, the admitted-only combination warns', async () => {
    assert.ok((await codes(project(''))).includes('hf-hub-cached-download:warning'));
  });
  test('disable', async () => {
    assert.ok(!(await codes(project('disable = ["hf-hub-cached-download"]'))).some((c) => c.startsWith('hf-hub-cached-download:')));
  });
  test('admitted = "information", globally and per rule', async () => {
    assert.ok((await codes(project('admitted = "information"'))).includes('hf-hub-cached-download:information'));
    assert.ok(!(await codes(project('[tool.ml-pins.rules]\nhf-hub-cached-download = { admitted = "off" }'))).some((c) => c.startsWith('hf-hub-cached-download:')));
  });
  test('re-level a rule', async () => {
    assert.ok((await codes(project('[tool.ml-pins.rules]\nhf-hub-cached-download = "error"'))).includes('hf-hub-cached-download:error'));
  });
  test('target-python evaluates markers', async () => {
    const deps = '"torch==2.2.0; python_version < \'3.10\'", "numpy>=2; python_version < \'3.10\'"';
    assert.ok((await codes(project('target-python = "3.9"', deps))).some((c) => c.startsWith('numpy2-abi-torch:')));
    assert.ok(!(await codes(project('target-python = "3.11"', deps))).some((c) => c.startsWith('numpy2-abi-torch:')));
  });
  test('a config problem is reported at the table', async () => {
    const result = await check({ 'pyproject.toml': project('colour = "red"') });
    const f = findings(result).find((x) => x.code === 'config-invalid');
    assert.ok(f);
    assert.equal(f.range.start.line, 5);
  });
  test('a project rule file adds rules; an invalid one is reported', async () => {
    const rule = {
      family: 'in-house', description: 'ours',
      rules: [{
        code: 'acme-old-torch', kind: 'incompatible', title: 'acme needs torch 2.3', failure: 'import', target: 'acme',
        when: { acme: { versions: '>=1.0' }, torch: { versions: '<2.3' } }, message: '{requirement:acme} needs torch 2.3',
        explanation: 'Our acme package uses torch 2.3 APIs.', sources: ['acme/acme CHANGELOG.md@0123456'],
        fixes: [{ kind: 'raise-floor', package: 'torch', version: '2.3.0', applicability: 'safe' }],
        examples: { fires: [{ files: { 'requirements.txt': 'acme\ntorch==2.2.0\n' }, severity: 'error' }], passes: [{ files: { 'requirements.txt': 'acme\n' } }] },
      }],
    };
    const files: Record<string, string> = {
      '/p/pyproject.toml': project('rule-files = ["rules.json", "broken.json"]', '"acme>=1.0", "torch==2.2.0"'),
      '/p/rules.json': JSON.stringify(rule),
      '/p/broken.json': '{"family": "x", "rules": [{"code": "Bad Code"}]}',
    };
    const result = await checkProject({
      files: [{ path: '/p/pyproject.toml', text: files['/p/pyproject.toml'] }], knowledge,
      loadRuleFile: async (p) => files[p],
    });
    const all = result.files.flatMap((f) => f.findings);
    const acme = all.find((f) => f.code === 'acme-old-torch');
    assert.ok(acme, JSON.stringify(all.map((f) => f.code)));
    assert.equal(acme.severity, 'error');
    assert.ok(all.some((f) => f.code === 'config-invalid' && /broken\.json/.test(f.message)));
    // Without a loader (an untrusted workspace), the rule file is not read, and the user is told.
    const untrusted = await checkProject({ files: [{ path: '/p/pyproject.toml', text: files['/p/pyproject.toml'] }], knowledge });
    assert.ok(!untrusted.files.flatMap((f) => f.findings).some((f) => f.code === 'acme-old-torch'));
  });
});
