// An ABI break between a release and another package is not reported for a pair that the release's declared
// requirements rule out: pip never installs that pair, and the requires rule reports the conflict itself. Real
// manifests, the shipped rules and metadata snapshot, through the engine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, findings } from './helpers';

const codes = async (files: Record<string, string>, targetPython?: string) =>
  findings(await check(files, targetPython ? { targetPython } : undefined)).map((f) => `${f.code} ${f.severity}`).sort();

const pyproject = (python: string, ...deps: string[]) =>
  `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = "${python}"\ndependencies = [\n${deps.map((d) => `    "${d}",`).join('\n')}\n]\n`;

describe('a declared range that rules out numpy 2 is a resolver conflict, not an ABI break', () => {
  test('tensorflow 2.17.0 declares numpy<2.0.0: numpy 2 next to it is the range error alone', async () => {
    assert.deepEqual(await codes({ 'requirements.txt': 'tensorflow==2.17.0\nnumpy>=2.0\n' }), ['tensorflow-numpy-range error']);
  });

  test('tensorflow 2.13.0 declares numpy<=1.24.3: the range error alone, on every Python the project allows', async () => {
    assert.deepEqual(await codes({ 'pyproject.toml': pyproject('>=3.9,<3.12', 'tensorflow==2.13.0', 'numpy==2.0.0') }), ['tensorflow-numpy-range error']);
    assert.deepEqual(await codes({ 'requirements.txt': 'tensorflow==2.13.0\nnumpy==2.0.0\n' }, '3.11'), ['tensorflow-numpy-range error']);
  });

  test('the releases whose range is known are left out of the message; the others are still reported', async () => {
    // 2.14.1 and 2.15.x declare numpy<2; 2.14.0 declares no cap.
    const all = findings(await check({ 'requirements.txt': 'tensorflow>=2.14,<2.15\nnumpy>=2\n' }));
    const abi = all.find((f) => f.code === 'numpy2-abi-tensorflow');
    assert.ok(abi, JSON.stringify(all.map((f) => f.code)));
    assert.match(abi.message, /allows tensorflow >=2\.14, <2\.15, !=2\.14\.1, built/);
  });

  test('a yanked release is passed over: 2.16.1 to 2.17.1 declare numpy<2.0.0, and 2.16.0, whose range is not known, is yanked', async () => {
    // Before the snapshot listed 2.16.0 as yanked, this range was reported for it ("allows tensorflow >=2.16, <2.16.1").
    assert.deepEqual(await codes({ 'requirements.txt': 'tensorflow>=2.16,<2.18\nnumpy>=2\n' }), []);
    assert.deepEqual(await codes({ 'requirements.txt': 'tensorflow>=2.16\nnumpy>=1.26\n' }), []);
  });

  test('true positives stay: tensorflow 2.14.0 declares no numpy cap, so numpy 2 installs next to it and breaks', async () => {
    assert.deepEqual(await codes({ 'requirements.txt': 'tensorflow==2.14.0\nnumpy>=2\n' }), ['numpy2-abi-tensorflow warning']);
    assert.deepEqual(await codes({ 'requirements.txt': 'tensorflow==2.14.0\n' }), ['numpy2-abi-tensorflow warning']);
  });

  test('a release whose declared numpy range is not known is still reported (nothing is guessed for it), yanked or not', async () => {
    assert.deepEqual(await codes({ 'requirements.txt': 'tensorflow==2.16.0\nnumpy>=2\n' }), ['numpy2-abi-tensorflow warning']);
  });

  test('2.15.0.post1 to 2.17.1 declare numpy below 2: numpy 2 next to them is the range error alone', async () => {
    // setuptools kept below 82: the tensorboard these releases install imports pkg_resources (another finding).
    for (const tf of ['2.15.0.post1', '2.15.1', '2.16.1', '2.17.1']) {
      assert.deepEqual(await codes({ 'requirements.txt': `tensorflow==${tf}\nnumpy>=2\nsetuptools<82\n` }), ['tensorflow-numpy-range error'], tf);
    }
  });
});
