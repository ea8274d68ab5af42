// numpy, scipy and numba extractors on small tagged repositories shaped like the real ones.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import numpy from '../../../scripts/metadata/extractors/numpy';
import scipy from '../../../scripts/metadata/extractors/scipy';
import numba from '../../../scripts/metadata/extractors/numba';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);
const byVersion = <T extends { version: string }>(records: T[]) => new Map(records.map((r) => [r.version, r]));

test('numpy: python_requires inside setup_package(), then pyproject [project]; dev tags are not releases', () => {
  const repo = makeRepo([
    { files: { 'setup.py': py('import sys', 'def setup_package():', '    metadata = dict(name="numpy",', "        python_requires='>=3.6',", '    )', '    setup(**metadata)') }, tags: ['v1.19.5', 'v1.20.0.dev0'] },
    { files: { 'pyproject.toml': '[project]\nname = "numpy"\nversion = "2.4.0"\nrequires-python = ">=3.11"\n' }, tags: ['v2.4.0'] },
    { files: { 'pyproject.toml': '[project]\nname = "numpy"\nversion = "2.5.0"\nrequires-python = ">=3.12"\n' }, tags: ['v2.5.0'] },
  ]);
  const r = byVersion(extractFromRepo(numpy, repo));
  assert.deepEqual([...r.keys()].sort(), ['1.19.5', '2.4.0', '2.5.0']);
  assert.equal(r.get('1.19.5')!.requires_python, '>=3.6');
  assert.equal(r.get('2.4.0')!.requires_python, '>=3.11');
  assert.equal(r.get('2.5.0')!.requires_python, '>=3.12');
  assert.deepEqual(r.get('2.5.0')!.requires_dist, []);
});

test('scipy: release-branch literals in setup.py, numpy range from pyproject later', () => {
  const repo = makeRepo([
    { files: { 'setup.py': py('IS_RELEASE_BRANCH = True', 'def setup_package():', "    np_minversion = '1.17.3'", "    np_maxversion = '1.25.0'",
      "    python_minversion = '3.8'", "    python_maxversion = '3.11'", '    if IS_RELEASE_BRANCH:',
      "        req_np = 'numpy>={},<{}'.format(np_minversion, np_maxversion)") }, tags: ['v1.8.0'] },
    { files: { 'setup.py': py('IS_RELEASE_BRANCH = False', 'def setup_package():', "    np_minversion = '1.18.5'", "    np_maxversion = '1.26.0'",
      "    python_minversion = '3.8'", "    python_maxversion = '3.11'") }, tags: ['v1.8.1'] },
    { files: { 'setup.py': null, 'pyproject.toml': '[project]\nname = "scipy"\nrequires-python = ">=3.11"\ndependencies = ["numpy>=1.25.2,<2.6"]\n' }, tags: ['v1.16.0'] },
  ]);
  const r = byVersion(extractFromRepo(scipy, repo));
  assert.deepEqual(r.get('1.8.0'), { version: '1.8.0', requires_python: '<3.11,>=3.8', requires_dist: ['numpy<1.25.0,>=1.17.3'], source: 'scipy/scipy@v1.8.0:setup.py' });
  assert.deepEqual(r.get('1.8.1'), { version: '1.8.1', source: 'scipy/scipy@v1.8.1:setup.py' }, 'not a release branch: unknown, not guessed');
  assert.deepEqual(r.get('1.16.0')!.requires_dist, ['numpy<2.6,>=1.25.2']);
});

test('numba: setup(**metadata) whose dict cannot be built as a whole is read item by item', () => {
  const repo = makeRepo([{ files: { 'setup.py': py(
    'import versioneer', 'from setuptools import setup',
    'min_python_version = "3.9"', 'min_numpy_run_version = "1.22"', 'max_numpy_run_version = "2.1"',
    'install_requires = [', "    'llvmlite >=0.43.0dev0,<0.44',", "    'numpy >={},<{}'.format(min_numpy_run_version, max_numpy_run_version),", ']',
    'metadata = dict(name="numba", version=versioneer.get_version(), cmdclass=versioneer.get_cmdclass(),',
    '    install_requires=install_requires, python_requires=">={}".format(min_python_version))',
    'setup(**metadata)') }, tags: ['0.60.0', 'v0.1'] }]);
  const records = extractFromRepo(numba, repo);
  assert.deepEqual(records.map((r) => r.version), ['0.60.0']);
  assert.deepEqual(records[0].requires_dist, ['llvmlite<0.44,>=0.43.0dev0', 'numpy<2.1,>=1.22']);
  assert.equal(records[0].requires_python, '>=3.9');
});
