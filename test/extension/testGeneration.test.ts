// The test-generation feature's pure parts: where the Hub token may go, the runner's argv per command, the mapping
// of runtime codes to rules, and the command table against package.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyHub } from '../../src/extension/testGeneration/hubUrl';
import { commandNeedsToken, findingMatchesRuntimeCode, problemPackages, runnerArgv, RUNNER_COMMANDS } from '../../src/extension/testGeneration/protocol';

const root = join(import.meta.dirname, '..', '..');

test('the token goes to huggingface.co; plain http only to loopback; other hosts are asked about', () => {
  const kinds = Object.fromEntries([
    '', 'https://huggingface.co', 'https://huggingface.co/', 'https://HuggingFace.co:443',
    'http://huggingface.co', 'https://huggingface.co.evil.example', 'https://mirror.example:8443/hf', 'http://mirror.example',
    'http://127.0.0.1:8080', 'http://localhost:9', 'http://[::1]:80', 'http://127.1.2.3', 'http://10.0.0.1',
    'https://user:pw@mirror.example', 'ftp://mirror.example', 'not a url',
  ].map((u) => [u, classifyHub(u).kind]));
  assert.deepEqual(kinds, {
    '': 'default', 'https://huggingface.co': 'default', 'https://huggingface.co/': 'default', 'https://HuggingFace.co:443': 'default',
    'http://huggingface.co': 'plain-http', 'https://huggingface.co.evil.example': 'other', 'https://mirror.example:8443/hf': 'other',
    'http://mirror.example': 'plain-http', 'http://127.0.0.1:8080': 'loopback', 'http://localhost:9': 'loopback', 'http://[::1]:80': 'loopback',
    'http://127.1.2.3': 'loopback', 'http://10.0.0.1': 'plain-http', 'https://user:pw@mirror.example': 'invalid', 'ftp://mirror.example': 'invalid',
    'not a url': 'invalid',
  });
  assert.deepEqual(classifyHub('https://mirror.example:8443/hf'), { kind: 'other', host: 'mirror.example:8443' });
});

test('runner argv per command: install arguments last, the token only for the steps that download', () => {
  const base = { runner: '/ext/python/ml_pins_runner.py', model: 'sd-1.5', prompt: 'p', outputDir: '/w/.ml-pins', summaryFile: '/w/.ml-pins/last-run.json',
    extra: ['--steps', '2'], install: ['--install-command', 'python', 'setup.py', '--model', 'x'] };
  assert.deepEqual(runnerArgv({ ...base, command: 'all' }), ['/ext/python/ml_pins_runner.py', 'all', '--model', 'sd-1.5', '--prompt', 'p',
    '--output-dir', '/w/.ml-pins', '--summary-file', '/w/.ml-pins/last-run.json', '--steps', '2', '--install-command', 'python', 'setup.py', '--model', 'x']);
  assert.deepEqual(runnerArgv({ ...base, command: 'install' }), ['/ext/python/ml_pins_runner.py', 'install', '--steps', '2', '--install-command', 'python', 'setup.py', '--model', 'x']);
  assert.deepEqual(runnerArgv({ ...base, command: 'doctor', extra: [] }), ['/ext/python/ml_pins_runner.py', 'doctor']);
  assert.deepEqual(runnerArgv({ ...base, command: 'download', extra: [] }), ['/ext/python/ml_pins_runner.py', 'download', '--model', 'sd-1.5']);
  assert.deepEqual(RUNNER_COMMANDS.filter(commandNeedsToken), ['all', 'download', 'generate']);
  // package.json's task definition offers exactly the protocol's commands.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { taskDefinitions: { properties: { command: { enum: string[] } } }[] } };
  assert.deepEqual(pkg.contributes.taskDefinitions[0].properties.command.enum, [...RUNNER_COMMANDS]);
});

test('runtime codes lead to rules; problems name their packages', () => {
  assert.ok(findingMatchesRuntimeCode('numpy2-abi-torch', 'numpy2-abi'));
  assert.ok(findingMatchesRuntimeCode('torch-variant-cuda-on-rocm', 'torch-accelerator-variant'));
  assert.ok(!findingMatchesRuntimeCode('hf-hub-cached-download', 'pip-failed'));
  assert.deepEqual(problemPackages({ code: 'pip-resolution-conflict', message: 'm', packages: ['transformers', 'sentence-transformers'] }), ['transformers', 'sentence-transformers']);
  assert.deepEqual(problemPackages({ code: 'pip-no-matching-distribution', message: 'm', package: 'Diffusers', versions: { huggingface_hub: '0.26.0' } }), ['diffusers', 'huggingface-hub']);
  assert.deepEqual(problemPackages(undefined), []);
});

test('the command table and package.json agree', () => {
  const table = readFileSync(join(root, 'src', 'extension', 'commands.ts'), 'utf8');
  const rows = [...table.matchAll(/'(mlPins\.\w+)': \{ entry: '(\w+)', palette: (true|false) \}/g)].map((m) => ({ id: m[1], palette: m[3] === 'true' }));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
  assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), rows.filter((r) => r.palette).map((r) => r.id).sort());
  // No command is registered outside the table.
  for (const dir of ['src/extension', 'src/extension/testGeneration']) {
    for (const name of ['activate.ts', 'extension.ts', 'commands.ts']) {
      let text = '';
      try { text = readFileSync(join(root, dir, name), 'utf8'); } catch { continue; }
      assert.equal((text.match(/vscode\.commands\.registerCommand\(/g) ?? []).length, dir === 'src/extension' && name === 'commands.ts' ? 1 : 0, `${dir}/${name}`);
    }
  }
});

test('an untrusted workspace cannot point the Hub elsewhere or name an installer', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } } };
  const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of ['mlPins.hubUrl', 'mlPins.installCommand', 'mlPins.ruleFiles']) assert.ok(restricted.includes(key), key);
});
