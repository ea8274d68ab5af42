// torchtext and torchdata: release candidates skipped; a torch pin taken from the build environment stays unknown.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import torchtext from '../../../scripts/metadata/extractors/torchtext';
import torchdata from '../../../scripts/metadata/extractors/torchdata';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);

test('torchtext / torchdata: literal requirements are read, PYTORCH_VERSION pins are unknown, rc tags are not releases', () => {
  const repo = makeRepo([
    { files: { 'setup.py': py('from setuptools import setup', "setup(name='torchtext', install_requires=['tqdm', 'requests', 'torch', 'numpy'])") }, tags: ['0.6.0'] },
    { files: { 'setup.py': py('import os', 'from setuptools import setup', 'pytorch_package_version = os.getenv("PYTORCH_VERSION")',
      'pytorch_package_dep = "torch"', 'if pytorch_package_version is not None:', '    pytorch_package_dep += "==" + pytorch_package_version',
      "setup(name='torchtext', install_requires=['tqdm', pytorch_package_dep], python_requires='>=3.8')") }, tags: ['v0.15.1', 'v0.16.0-rc1'] },
  ]);
  for (const ex of [torchtext, torchdata]) {
    const records = extractFromRepo(ex, repo).sort((a, b) => a.version.localeCompare(b.version));
    assert.deepEqual(records.map((r) => r.version), ['0.15.1', '0.6.0']);
    assert.deepEqual(records[0], { version: '0.15.1', requires_python: '>=3.8', source: `${ex.repository}@v0.15.1:setup.py` });
    assert.deepEqual(records[1].requires_dist, ['tqdm', 'requests', 'torch', 'numpy']);
  }
});
