import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import extractor from '../../../scripts/metadata/extractors/diffusers';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);

const setupPy = (deps: string[], torchExtra: string) => py(
  'import os, re',
  'from distutils.core import Command',
  'from setuptools import find_packages, setup',
  `_deps = [${deps.map((d) => JSON.stringify(d)).join(', ')}]`,
  'deps = {b: a for a, b in (re.findall(r"^(([^!=<>~ ]+)(?:[!=<>~ ].*)?$)", x)[0] for x in _deps)}',
  'def deps_list(*pkgs):',
  '    return [deps[pkg] for pkg in pkgs]',
  'extras = {}',
  'extras["docs"] = deps_list("hf-doc-builder")',
  'extras["test"] = deps_list("torchvision", "pytest")',
  `extras["torch"] = deps_list(${torchExtra})`,
  'if os.name == "nt":',
  '    extras["flax"] = []',
  'else:',
  '    extras["flax"] = deps_list("jax")',
  'extras["dev"] = extras["docs"] + extras["test"] + extras["torch"]',
  'install_requires = [deps["filelock"], deps["huggingface-hub"], deps["numpy"]]',
  'setup(name="diffusers", long_description=open("README.md", encoding="utf-8").read(),',
  '      python_requires=">=3.8.0", install_requires=list(install_requires), extras_require=extras)',
);

test('diffusers: the torch extra is read from setup.py, the test extra (torchvision) is not published', () => {
  const repo = makeRepo([
    { files: { 'setup.py': setupPy(['filelock', 'huggingface-hub>=0.20.2', 'numpy', 'torch>=1.4,<2.2.0', 'torchvision<0.17', 'pytest', 'hf-doc-builder>=0.3.0', 'jax>=0.4.1', 'accelerate>=0.11.0'], '"torch", "accelerate"') }, tags: ['v0.26.0', 'v0.26.0-docs-fix'] },
    { files: { 'setup.py': setupPy(['filelock', 'huggingface-hub>=0.20.2', 'numpy', 'torch>=1.4', 'torchvision', 'pytest', 'hf-doc-builder>=0.3.0', 'jax>=0.4.1', 'accelerate>=0.11.0'], '"torch", "accelerate"') }, tags: ['v0.27.0', 'nightly'] },
  ]);
  const records = extractFromRepo(extractor, repo);
  assert.deepEqual(records.map((r) => r.version).sort(), ['0.26.0', '0.27.0']);
  const r = records.find((x) => x.version === '0.26.0')!;
  assert.equal(r.requires_python, '>=3.8.0');
  assert.deepEqual(r.requires_dist, [
    'filelock', 'huggingface-hub>=0.20.2', 'numpy',
    'jax>=0.4.1; extra == "flax"',
    'torch<2.2.0,>=1.4; extra == "torch"', 'accelerate>=0.11.0; extra == "torch"',
  ]);
  assert.equal(r.source, 'huggingface/diffusers@v0.26.0:setup.py');
  assert.ok(records.find((x) => x.version === '0.27.0')!.requires_dist!.includes('torch>=1.4; extra == "torch"'));
});
