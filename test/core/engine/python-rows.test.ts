// Requires rows that hold on some Pythons only (opencv-python 4.12.0.88 declares numpy>=2,<2.3.0 on Python >=3.9 and
// numpy<2.0 below): such a row applies only when every Python the project admits is on its side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, findings } from './helpers';

const codes = async (files: Record<string, string>, targetPython?: string) =>
  findings(await check(files, targetPython ? { targetPython } : undefined)).map((f) => `${f.code} ${f.severity}`);

const pyproject = (python: string, ...deps: string[]) =>
  `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = "${python}"\ndependencies = [\n${deps.map((d) => `    "${d}",`).join('\n')}\n]\n`;

test('opencv-python 4.12.0.88 with numpy 1.26 errs where the project admits only Python 3.9+', async () => {
  assert.deepEqual(await codes({ 'pyproject.toml': pyproject('>=3.10', 'opencv-python==4.12.0.88', 'numpy==1.26.4') }), ['opencv-python-installs-numpy error']);
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-python-headless==4.12.0.88\nnumpy==1.26.4\n' }, '3.11'), ['opencv-python-headless-installs-numpy error']);
});

test('the Python 3.9+ row stays out where Python 3.8 is admitted or the Python is not known; the cap on every Python holds', async () => {
  assert.deepEqual(await codes({ 'pyproject.toml': pyproject('>=3.8', 'opencv-python==4.12.0.88', 'numpy==1.24.4') }), []);
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==1.24.4\n' }), []);
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-contrib-python==4.12.0.88\nnumpy>=2.3\n' }), ['opencv-contrib-python-installs-numpy error']);
});

test('on Python 3.8 the release declares numpy<2.0', async () => {
  // (numpy 2.0.2 has no Python 3.8 build either: numpy-python-unsupported says so too.)
  assert.ok((await codes({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==2.0.2\n' }, '3.8')).includes('opencv-python-installs-numpy error'));
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==1.24.4\n' }, '3.8'), []);
});

test('no Python named: the Pythons the pins have builds for decide the row (numpy 1.26.4 has none below 3.9)', async () => {
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==1.26.4\n' }), ['opencv-python-installs-numpy error']);
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-python-headless==4.12.0.88\nnumpy>=1.26,<2\n' }), ['opencv-python-headless-installs-numpy error']);
  // numpy 1.24.4 has Python 3.8 builds, where 4.12.0.88 declares numpy<2.0; a pin under a marker says nothing.
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==1.24.4\n' }), []);
  assert.deepEqual(await codes({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==1.26.4; sys_platform == "linux"\n' }), []);
});
