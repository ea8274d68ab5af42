// The extractors of the Hugging Face packages, each on a small tagged repository shaped like the real one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import hub from '../../../scripts/metadata/extractors/huggingface-hub';
import accelerate from '../../../scripts/metadata/extractors/accelerate';
import peft from '../../../scripts/metadata/extractors/peft';
import st from '../../../scripts/metadata/extractors/sentence-transformers';
import datasets from '../../../scripts/metadata/extractors/datasets';
import tokenizers from '../../../scripts/metadata/extractors/tokenizers';
import safetensors from '../../../scripts/metadata/extractors/safetensors';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);
const byVersion = <T extends { version: string }>(records: T[]) => new Map(records.map((r) => [r.version, r]));

test('huggingface_hub: version checked against __init__.py, a build-Python-dependent extra left out and said so', () => {
  const setup = (pins: string) => py(
    'import sys', 'from setuptools import find_packages, setup',
    `install_requires = [${pins}]`,
    'extras = {}', 'extras["torch"] = ["torch", "safetensors[torch]"]', 'extras["testing"] = ["pytest"]',
    'if sys.version_info >= (3, 10):', '    extras["gradio"] = ["gradio>=5.0.0"]',
    'setup(name="huggingface_hub", version=get_version(), install_requires=install_requires, extras_require=extras, python_requires=">=3.9.0")');
  const repo = makeRepo([
    { files: { 'setup.py': setup('"filelock", "httpx>=0.23.0,<1"'), 'src/huggingface_hub/__init__.py': '__version__ = "1.0.0"\n' }, tags: ['v1.0.0'] },
    { files: { 'src/huggingface_hub/__init__.py': '__version__ = "1.1.0.rc0"\n' }, tags: ['v1.1.0.rc0', 'v1.0.1' /* a mis-tag */] },
    { files: { 'setup.py': setup('"filelock"').replace('if sys.version_info >= (3, 10):\n    ', ''), 'src/huggingface_hub/__init__.py': '__version__ = "1.9.0"\n' }, tags: ['v1.9.0'] },
  ]);
  const r = byVersion(extractFromRepo(hub, repo));
  assert.deepEqual([...r.keys()].sort(), ['1.0.0', '1.1.0rc0', '1.9.0']);
  assert.deepEqual(r.get('1.0.0')!.requires_dist, ['filelock', 'httpx<1,>=0.23.0', 'torch; extra == "torch"', 'safetensors[torch]; extra == "torch"']);
  assert.equal(r.get('1.0.0')!.requires_python, '>=3.9.0');
  assert.equal(r.get('1.0.0')!.source, 'huggingface/huggingface_hub@v1.0.0:setup.py; extra gradio not read (set only when the build Python is 3.10+)');
  // Where the source writes the extra plainly, it is kept as the wheel publishes it.
  assert.deepEqual(r.get('1.9.0')!.requires_dist, ['filelock', 'gradio>=5.0.0; extra == "gradio"', 'torch; extra == "torch"', 'safetensors[torch]; extra == "torch"']);
  assert.equal(r.get('1.9.0')!.source, 'huggingface/huggingface_hub@v1.9.0:setup.py');
});

test('accelerate and peft: setup.py install_requires, extras and python_requires', () => {
  const repo = makeRepo([{ files: { 'setup.py': py(
    'from setuptools import setup',
    'extras = {"quality": ["ruff"], "test_prod": ["pytest"], "rich": ["rich"], "deepspeed": ["deepspeed"]}',
    'extras["dev"] = extras["quality"] + extras["test_prod"]',
    'setup(name="x", version="1.14.0", python_requires=">=3.10.0", extras_require=extras,',
    '      install_requires=["numpy>=1.17", "torch>=2.0.0", "huggingface_hub>=0.21.0"])') }, tags: ['v1.14.0', 'v1.14'] }]);
  for (const ex of [accelerate, peft]) {
    const records = extractFromRepo(ex, repo);
    assert.equal(records.length, 1, ex.package); // v1.14 declares 1.14.0: not that release
    // quality and dev are dropped; test_prod is published as test-prod (accelerate 1.15.0's wheel) and kept.
    assert.deepEqual(records[0].requires_dist, ['numpy>=1.17', 'torch>=2.0.0', 'huggingface_hub>=0.21.0', 'deepspeed; extra == "deepspeed"', 'rich; extra == "rich"', 'pytest; extra == "test-prod"']);
  }
});

test('sentence-transformers: requirements.txt that setup.py opens at the root, then pyproject.toml', () => {
  const repo = makeRepo([
    { files: { 'setup.py': py('from setuptools import setup', 'with open("README.md") as f:', '    readme = f.read()',
      "with open('requirements.txt', mode='r', encoding='utf-8') as req_file:", '    requirements = req_file.readlines()',
      'setup(name="sentence-transformers", version="0.2.6", long_description=readme, install_requires=requirements)'),
    'requirements.txt': 'transformers>=2.8.0\ntqdm\ntorch>=1.0.1\nnltk' }, tags: ['v0.2.6'] },
    { files: { 'setup.py': null, 'requirements.txt': null, 'pyproject.toml': [
      '[project]', 'name = "sentence-transformers"', 'version = "5.1.2"', 'requires-python = ">=3.9"',
      'dependencies = ["transformers>=4.41.0,<5.0.0", "torch>=1.11.0"]', '[project.optional-dependencies]',
      'train = ["datasets", "accelerate>=0.20.3"]', 'dev = ["pytest"]', ''].join('\n') }, tags: ['v5.1.2'] },
  ]);
  const r = byVersion(extractFromRepo(st, repo));
  assert.deepEqual(r.get('0.2.6')!.requires_dist, ['transformers>=2.8.0', 'tqdm', 'torch>=1.0.1', 'nltk']);
  assert.equal(r.get('0.2.6')!.requires_python, '');
  assert.deepEqual(r.get('5.1.2')!.requires_dist, ['transformers<5.0.0,>=4.41.0', 'torch>=1.11.0', 'datasets; extra == "train"', 'accelerate>=0.20.3; extra == "train"']);
  assert.equal(r.get('5.1.2')!.source, 'UKPLab/sentence-transformers@v5.1.2:pyproject.toml');
});

test('datasets: bare version tags; other tags skipped', () => {
  const repo = makeRepo([{ files: { 'setup.py': py('from setuptools import setup',
    'REQUIRED_PKGS = ["numpy>=1.17", "pyarrow>=15.0.0", "huggingface-hub>=0.24.0"]',
    'EXTRAS_REQUIRE = {"audio": ["soundfile>=0.12.1"], "tests": ["pytest"]}',
    'setup(name="datasets", version="3.0.0", python_requires=">=3.8.0", install_requires=REQUIRED_PKGS, extras_require=EXTRAS_REQUIRE)') },
  tags: ['3.0.0', 'alpha', 'delete'] }]);
  const records = extractFromRepo(datasets, repo);
  assert.deepEqual(records.map((r) => r.version), ['3.0.0']);
  assert.deepEqual(records[0].requires_dist, ['numpy>=1.17', 'pyarrow>=15.0.0', 'huggingface-hub>=0.24.0', 'soundfile>=0.12.1; extra == "audio"']);
});

test('tokenizers and safetensors: bindings/python at python-v / v tags whose Cargo.toml version is the tag', () => {
  const repo = makeRepo([
    // A setuptools-rust build takes its version from setup.py: tokenizers 0.11.1-0.12.1 kept Cargo.toml at 0.11.0.
    { files: { 'bindings/python/Cargo.toml': '[package]\nname = "tokenizers-python"\nversion = "0.11.0"\n',
      'bindings/python/setup.py': py('from setuptools import setup', 'setup(name="tokenizers", version="0.12.1", install_requires=[])') },
    tags: ['python-v0.12.1', 'python-v0.12.0' /* a mis-tag: setup.py says 0.12.1 */] },
    { files: { 'bindings/python/Cargo.toml': '[package]\nname = "tokenizers-python"\nversion = "0.13.3"\n',
      'bindings/python/setup.py': py('from setuptools import setup', 'setup(name="tokenizers", version="0.13.3", install_requires=[], extras_require={"testing": ["pytest"], "docs": ["sphinx"]})') },
    tags: ['python-v0.13.3', 'node-v0.13.3', 'v0.10.1' /* a Rust crate tag: Cargo.toml says 0.13.3 */] },
    { files: { 'bindings/python/setup.py': null, 'bindings/python/Cargo.toml': '[package]\nname = "tokenizers-python"\nversion = "0.21.0"\n[dependencies]\nx = { version = "1" }\n',
      'bindings/python/pyproject.toml': ['[project]', 'name = "tokenizers"', 'requires-python = ">=3.9"', 'dynamic = ["description", "license", "readme", "version"]',
        'dependencies = ["huggingface_hub>=0.16.4,<1.0"]', '[project.optional-dependencies]', 'testing = ["pytest"]', 'docs = ["sphinx"]', 'dev = ["tokenizers[testing]"]', ''].join('\n') },
    tags: ['v0.21.0'] },
  ]);
  const r = byVersion(extractFromRepo(tokenizers, repo));
  assert.deepEqual([...r.keys()].sort(), ['0.12.1', '0.13.3', '0.21.0']);
  assert.equal(r.get('0.12.1')!.source, 'huggingface/tokenizers@python-v0.12.1:bindings/python/setup.py');
  assert.deepEqual(r.get('0.13.3')!.requires_dist, []);
  assert.equal(r.get('0.13.3')!.source, 'huggingface/tokenizers@python-v0.13.3:bindings/python/setup.py');
  assert.deepEqual(r.get('0.21.0')!.requires_dist, ['huggingface_hub<1.0,>=0.16.4']);
  assert.equal(r.get('0.21.0')!.requires_python, '>=3.9');
  assert.deepEqual(extractFromRepo(safetensors, repo).map((x) => x.version).sort(), ['0.13.3', '0.21.0'], 'safetensors reads Cargo.toml at every tag');
});

test('a release tag whose sources still declare its pre-release: the release exists, its fields are unknown', () => {
  const repo = makeRepo([{ files: { 'bindings/python/Cargo.toml': '[package]\nname = "safetensors-python"\nversion = "0.6.0-dev.0"\n',
    'bindings/python/pyproject.toml': '[project]\nname = "safetensors"\nrequires-python = ">=3.9"\ndynamic = ["version"]\n' }, tags: ['v0.6.0', 'v0.5.9'] }]);
  assert.deepEqual(extractFromRepo(safetensors, repo), [{ version: '0.6.0', source: 'huggingface/safetensors@v0.6.0:bindings/python/pyproject.toml' }]);
});
