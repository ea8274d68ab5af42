import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, isDevExtra, readBuildFile, tagVersion } from '../../../scripts/metadata/python-literals';
import { py } from './git-repo';

test('setup.py: _deps table, deps_list extras, install_requires and python_requires as setuptools writes them', () => {
  const meta = readBuildFile('setup.py', 'setup.py', py(
    'import os, re, sys',
    'from distutils.core import Command',
    'from setuptools import find_packages, setup',
    '_deps = ["Pillow", "torch>=1.4,<2.2.0", "torchvision<0.17", "pytest", "huggingface-hub>=0.20.2", "python>=3.8.0"]',
    'deps = {b: a for a, b in (re.findall(r"^(([^!=<>~ ]+)(?:[!=<>~ ].*)?$)", x)[0] for x in _deps)}',
    'def deps_list(*pkgs):',
    '    return [deps[pkg] for pkg in pkgs]',
    'class DepsTableUpdateCommand(Command):',
    '    user_options = []',
    'extras = {}',
    'extras["test"] = deps_list("pytest", "torchvision")',
    'extras["torch"] = deps_list("torch")',
    'extras["torch_vision:python_version<\'3.12\'"] = ["torchvision<0.17; sys_platform == \'linux\'"]',
    'install_requires = [deps["huggingface-hub"], deps["Pillow"]]',
    'setup(name="x", long_description=open("README.md").read(), python_requires=">=3.8.0",',
    '      install_requires=list(install_requires), extras_require=extras, cmdclass={"deps": DepsTableUpdateCommand})',
  ));
  assert.equal(meta.python_requires, '>=3.8.0');
  assert.deepEqual(meta.install_requires, ['huggingface-hub>=0.20.2', 'Pillow']);
  assert.deepEqual(meta.extras!.torch, ['torch<2.2.0,>=1.4; extra == "torch"']);
  assert.deepEqual(meta.extras!['torch-vision'],
    ['torchvision<0.17; sys_platform == "linux" and python_version < "3.12" and extra == "torch-vision"']);
  const a = assemble(meta);
  assert.ok(!a.requires_dist!.some((r) => r.includes('pytest')), 'the test extra is dropped');
});

test('setup.py: a statement that cannot be evaluated makes what it changes unknown, never guessed', () => {
  const meta = readBuildFile('setup.py', 'setup.py', py(
    'import sys',
    'from setuptools import setup',
    'install_requires = ["numpy>=1.17"]',
    'if sys.version_info < (3, 7):',
    '    install_requires.append("dataclasses")',
    'extras = {"torch": ["torch"]}',
    'setup(install_requires=install_requires, extras_require=extras, python_requires=PYREQ)',
  ));
  assert.equal(meta.install_requires, null);
  assert.equal(meta.python_requires, null);
  assert.deepEqual(meta.extras, { torch: ['torch; extra == "torch"'] });
  assert.deepEqual(assemble(meta), {});
});

test('setup.py: requirement files it opens are read from the tag; absent setup() keywords mean none declared', () => {
  const meta = readBuildFile('setup.py', 'pkg/setup.py', py(
    'import os',
    'from setuptools import setup',
    'here = os.path.dirname(os.path.abspath(__file__))',
    'with open(os.path.join(here, "requirements.txt")) as f:',
    '    reqs = [l.strip() for l in f if l.strip() and not l.startswith("#")]',
    'setup(install_requires=reqs)',
  ), { files: { 'pkg/requirements.txt': '# core\nnumpy>=1.21,<2  # pinned\nscipy\n' } });
  assert.deepEqual(meta.install_requires, ['numpy<2,>=1.21', 'scipy']);
  assert.equal(meta.python_requires, '');
  assert.deepEqual(meta.extras, {});
});

test('pyproject.toml [project]: requires-python, dependencies and optional-dependencies', () => {
  const meta = readBuildFile('pyproject', 'pyproject.toml', [
    '[project]', 'name = "x"', 'requires-python = ">=3.11"', 'dependencies = ["numpy >= 1.25", "packaging"]',
    '[project.optional-dependencies]', 'torch = ["torch>=2.0; python_version<\'3.13\'"]', 'Dev_Tools = ["ruff"]', '',
  ].join('\n'));
  assert.equal(meta.python_requires, '>=3.11');
  assert.deepEqual(meta.install_requires, ['numpy>=1.25', 'packaging']);
  assert.deepEqual(meta.extras!.torch, ['torch>=2.0; python_version < "3.13" and extra == "torch"']);
  assert.ok(isDevExtra('dev-tools') && isDevExtra('testing') && !isDevExtra('torch') && !isDevExtra('all'));
});

test('tag versions', () => {
  assert.equal(tagVersion('v4.40.0'), '4.40.0');
  assert.equal(tagVersion('v1.27.0.rc0'), '1.27.0rc0');
  assert.equal(tagVersion('v0.7.0-rc1'), '0.7.0rc1');
  assert.equal(tagVersion('v20241101-00-lfs-pointers'), undefined);
  assert.equal(tagVersion('python-v0.2.0', /^python-v/), '0.2.0');
  assert.equal(tagVersion('node-v0.2.3', /^python-v/), undefined);
});

test('setup.py: a requirement computed from the build environment is unknown, not read as if the variable were unset', () => {
  const meta = readBuildFile('setup.py', 'setup.py', py(
    'import os', 'from setuptools import setup',
    'pytorch_package_dep = "torch"',
    'if os.getenv("PYTORCH_VERSION"):', '    pytorch_package_dep += "==" + os.getenv("PYTORCH_VERSION")',
    'cuda = os.environ.get("CUDA_HOME")',
    'setup(install_requires=["tqdm", pytorch_package_dep], python_requires=">=3.8")'));
  assert.equal(meta.install_requires, null);
  assert.equal(meta.python_requires, '>=3.8');
});
