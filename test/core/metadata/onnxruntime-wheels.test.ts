// onnxruntime's CPython support per release, read from the wheel file names the published-files stores list
// (metadata/packages/onnxruntime.json; docs/metadata.md, "Wheel summaries from a store's listing"), on manifests
// written as projects write them: a finding only where the snapshot proves that no wheel (and no abi3 or pure wheel)
// exists for the Pythons the project allows, and silence where the listing only shows which Pythons have wheels.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckSettings } from '../../../src/core/engine/config';
import { check, findings } from '../engine/helpers';

const pyproject = (requiresPython: string, deps: string[]) =>
  `[project]\nname = "onnx-service"\nversion = "0.3.0"\nrequires-python = "${requiresPython}"\ndependencies = [\n${deps.map((d) => `    "${d}",\n`).join('')}]\n`;
const CODE = 'declared-python-unsupported';

async function pythonFindings(files: Record<string, string>, settings?: CheckSettings) {
  return findings(await check(files, settings)).filter((f) => f.code === CODE);
}

describe('onnxruntime wheels per CPython (from the stores\' listings)', () => {
  test('1.16.3 has wheels for 3.8–3.11 only: a project on 3.12 or later gets an error on the pin', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.12', ['onnxruntime==1.16.3', 'numpy>=1.26']) };
    const [f, ...rest] = await pythonFindings(files);
    assert.equal(rest.length, 0);
    assert.equal(f.severity, 'error');
    assert.match(f.message, /onnxruntime==1\.16\.3/);
    assert.match(f.message, /3\.12/);
    const line = files['pyproject.toml'].split('\n')[f.range.start.line];
    assert.equal(line.slice(f.range.start.character, f.range.end.character), 'onnxruntime==1.16.3');
  });

  test('requirements.txt checked for a target Python of 3.12: the same error', async () => {
    const [f] = await pythonFindings({ 'requirements.txt': 'onnxruntime==1.16.3\nnumpy<2\n' }, { targetPython: '3.12' });
    assert.equal(f?.severity, 'error');
    assert.match(f.message, /3\.12/);
  });

  test('clean: the Pythons 1.16.3 has wheels for, and 1.17.0 (its first release with cp312 wheels) on 3.12', async () => {
    assert.deepEqual(await pythonFindings({ 'pyproject.toml': pyproject('>=3.8,<3.12', ['onnxruntime==1.16.3']) }), []);
    assert.deepEqual(await pythonFindings({ 'pyproject.toml': pyproject('>=3.12,<3.13', ['onnxruntime==1.17.0', 'numpy>=1.26.3']) }), []);
    // A range that also allows a release the snapshot does not know (1.16.2, 1.17.1…) says nothing.
    assert.deepEqual(await pythonFindings({ 'pyproject.toml': pyproject('>=3.12', ['onnxruntime>=1.16,<1.18']) }), []);
  });

  test('a listing that misses a wheel proves no absence: 1.18.0 (its cp310 win_amd64 wheel is not in the store) on 3.13 stays silent', async () => {
    assert.deepEqual(await pythonFindings({ 'pyproject.toml': pyproject('>=3.13', ['onnxruntime==1.18.0']) }), []);
    // 1.20.0: cp313 has no win32 wheel in the listing while 3.10–3.12 have one.
    assert.deepEqual(await pythonFindings({ 'requirements.txt': 'onnxruntime==1.20.0\n' }, { targetPython: '3.14' }), []);
  });

  test('1.23.0 (Requires-Python >=3.10, wheels for 3.10–3.13): Python 3.14 and 3.9 are errors, 3.13 is clean', async () => {
    const [f] = await pythonFindings({ 'requirements.txt': 'onnxruntime==1.23.0\n' }, { targetPython: '3.14' });
    assert.equal(f?.severity, 'error');
    assert.equal((await pythonFindings({ 'requirements.txt': 'onnxruntime==1.23.0\n' }, { targetPython: '3.9' }))[0]?.severity, 'error');
    assert.deepEqual(await pythonFindings({ 'requirements.txt': 'onnxruntime==1.23.0\n' }, { targetPython: '3.13' }), []);
  });

  test('an open requires-python whose newest Pythons 1.17.0 has no wheels for: information, not a warning', async () => {
    const [f] = await pythonFindings({ 'pyproject.toml': pyproject('>=3.10', ['onnxruntime==1.17.0']) });
    assert.equal(f?.severity, 'information');
  });
});
