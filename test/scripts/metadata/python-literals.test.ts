import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble, readBuildFile, tagVersion } from '../../../scripts/metadata/python-literals';
import { isDroppedExtra, keptRequirements } from '../../../src/core/metadata/index-formats';
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

test('setup.py: a file read `with open(…) as f` after an earlier failed `with … as f` is read (safetensors 0.2.4)', () => {
  const meta = readBuildFile('setup.py', 'setup.py', py(
    'from setuptools import setup',
    'with open("py_src/pkg/__init__.py", "r") as f:',
    '    version = f.readline().split("=")[-1].strip()',
    'with open("requirements-dev.txt", "r") as f:',
    '    testing = f.read().splitlines()',
    'extras = {}',
    'extras["testing"] = testing',
    'extras["torch"] = ["torch>=1.10"]',
    'setup(name="x", version=version, extras_require=extras)',
  ), { files: { 'requirements-dev.txt': 'pytest\nnumpy\n' } });
  assert.equal(meta.version, null, 'the version file is not there: unknown');
  assert.deepEqual(meta.extras, { testing: ['pytest; extra == "testing"', 'numpy; extra == "testing"'], torch: ['torch>=1.10; extra == "torch"'] });
  // A body that reads another unknown name still taints what it binds.
  const unknown = readBuildFile('setup.py', 'setup.py', py(
    'from setuptools import setup',
    'with open("missing.txt") as g:',
    '    base = g.read().splitlines()',
    'with open("requirements-dev.txt") as f:',
    '    testing = base + f.read().splitlines()',
    'setup(name="x", extras_require={"testing": testing})',
  ), { files: { 'requirements-dev.txt': 'pytest\n' } });
  assert.equal(unknown.extras, null);
});

test('pyproject.toml [project]: requires-python, dependencies and optional-dependencies', () => {
  const meta = readBuildFile('pyproject', 'pyproject.toml', [
    '[project]', 'name = "x"', 'requires-python = ">=3.11"', 'dependencies = ["numpy >= 1.25", "packaging"]',
    '[project.optional-dependencies]', 'torch = ["torch>=2.0; python_version<\'3.13\'"]', 'Dev_Tools = ["ruff"]', '',
  ].join('\n'));
  assert.equal(meta.python_requires, '>=3.11');
  assert.deepEqual(meta.install_requires, ['numpy>=1.25', 'packaging']);
  assert.deepEqual(meta.extras!.torch, ['torch>=2.0; python_version < "3.13" and extra == "torch"']);
  // One rule for both generators: the test, dev and docs extras are dropped, every other extra is kept as published.
  assert.ok(isDroppedExtra('Testing') && isDroppedExtra('doc') && !isDroppedExtra('dev-tools') && !isDroppedExtra('torch') && !isDroppedExtra('all'));
  const tests = readBuildFile('pyproject', 'pyproject.toml', '[project]\nname = "x"\n[project.optional-dependencies]\ntest = ["pytest"]\n');
  const all = [...meta.install_requires!, ...Object.values(meta.extras!).flat(), ...Object.values(tests.extras!).flat()];
  const kept = assemble({ ...meta, extras: { ...meta.extras!, ...tests.extras! } }).requires_dist!;
  assert.deepEqual([...kept].sort(), keptRequirements(all).sort());
  assert.ok(kept.includes('ruff; extra == "dev-tools"') && !kept.some((l) => l.includes('pytest')));
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

test('setup.py: setup(**name) where name is set only in branches not run is left out when none of its dicts sets a field read (basicsr 1.4.2)', () => {
  const setupPy = (branch: string) => py(
    'import os',
    'from setuptools import setup',
    'def get_requirements(filename="requirements.txt"):',
    '    with open(os.path.join(os.path.dirname(os.path.realpath(__file__)), filename), "r") as f:',
    '        return [line.replace("\\n", "") for line in f.readlines()]',
    'if __name__ == "__main__":',
    '    if os.getenv("BASICSR_EXT") == "True":',
    `        setup_kwargs = ${branch}`,
    '    else:',
    '        setup_kwargs = dict()',
    '    setup(name="basicsr", install_requires=get_requirements(), zip_safe=False, **setup_kwargs)',
  );
  const files = { 'requirements.txt': 'numpy>=1.17\ntorch>=1.7\ntorchvision\n' };
  const read = readBuildFile('setup.py', 'setup.py', setupPy('dict(cmdclass={"build_ext": object})'), { files, environ: { BASICSR_EXT: '' } });
  assert.deepEqual(read.install_requires, ['numpy>=1.17', 'torch>=1.7', 'torchvision']);
  assert.deepEqual(read.skipped, []);
  // A branch that may set what is read leaves the file unread, as before.
  const withField = readBuildFile('setup.py', 'setup.py', setupPy('dict(install_requires=["torch==2.0.0"])'), { files, environ: { BASICSR_EXT: '' } });
  assert.equal(withField.install_requires, null);
  const unknownKeys = readBuildFile('setup.py', 'setup.py', setupPy('{**other}'), { files, environ: { BASICSR_EXT: '' } });
  assert.equal(unknownKeys.install_requires, null);
});

test('setup.cfg is read as setuptools reads it: %(name)s refers to another option of the section (trl 0.18.0)', () => {
  const cfg = ['[metadata]', 'name = trl', 'version = 0.18.0', '[options]', 'python_requires = >=3.9', 'install_requires =',
    '    accelerate>=0.34.0', '    transformers>=4.50.0', '[options.extras_require]', 'bco =', '    scikit-learn', 'vllm =',
    '    # vLLM does not yet support Python 3.13', '    vllm>=0.8.3; python_version < "3.13"', 'dev =', '    %(bco)s', '    %(vllm)s', ''].join('\n');
  const meta = readBuildFile('setup.cfg', 'setup.cfg', cfg);
  assert.equal(meta.python_requires, '>=3.9');
  assert.deepEqual(meta.install_requires, ['accelerate>=0.34.0', 'transformers>=4.50.0']);
  assert.deepEqual(meta.extras?.vllm, ['vllm>=0.8.3; python_version < "3.13" and extra == "vllm"']);
  assert.deepEqual(meta.extras?.dev, ['scikit-learn; extra == "dev"', 'vllm>=0.8.3; python_version < "3.13" and extra == "dev"']);
  assert.equal(meta.version, '0.18.0');
});
