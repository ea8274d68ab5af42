// The CLI on a project whose TensorFlow pin declares numpy below 2 next to a numpy 2 pin: pip refuses the pair, so the
// report is the declared-range conflict, not an ABI break pip would never install.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

function checkJson(files: Record<string, string>): { code: string; severity: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-declared-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'check', dir, '--format', 'json'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout).files.flatMap((f: { findings: { code: string; severity: string }[] }) => f.findings);
}

test('ml-pins check: tensorflow 2.17.0 with numpy 2 is the tensorflow-numpy-range error alone', () => {
  const found = checkJson({ 'requirements.txt': 'tensorflow==2.17.0\nnumpy>=2.0\n' });
  assert.deepEqual(found.map((f) => `${f.code} ${f.severity}`), ['tensorflow-numpy-range error']);
});

test('ml-pins check: tensorflow 2.14.0 declares no numpy cap, so numpy 2 next to it is still an ABI break', () => {
  const found = checkJson({ 'requirements.txt': 'tensorflow==2.14.0\nnumpy>=2.0\n' });
  assert.deepEqual(found.map((f) => `${f.code} ${f.severity}`), ['numpy2-abi-tensorflow warning']);
});
