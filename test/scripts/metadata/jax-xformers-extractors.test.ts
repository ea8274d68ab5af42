// jax, jaxlib and xformers extractors on small tagged repositories shaped like the real ones.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import jax from '../../../scripts/metadata/extractors/jax';
import jaxlib from '../../../scripts/metadata/extractors/jaxlib';
import xformers from '../../../scripts/metadata/extractors/xformers';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);
const byVersion = <T extends { version: string }>(records: T[]) => new Map(records.map((r) => [r.version, r]));

const versionPy = (v: string, minJaxlib: string) => py(
  'import os, subprocess', `_version = "${v}"`, `_minimum_jaxlib_version = "${minJaxlib}"`,
  'def _get_version_for_build():', '    return _version + subprocess.check_output(["git", "rev-parse"]).decode()',
  '__version__ = _get_version_for_build()');
const loader = ['import importlib', 'import os', 'from setuptools import setup',
  'def load_version_module(pkg_path):', "  spec = importlib.util.spec_from_file_location('version', os.path.join(pkg_path, 'version.py'))",
  '  module = importlib.util.module_from_spec(spec)', '  spec.loader.exec_module(module)', '  return module'];

test('jax and jaxlib: bounds from the version.py setup.py loads; jaxlib from jax-v tags after its own tags end', () => {
  const jaxSetup = (cur: string) => py(...loader, "_version_module = load_version_module('jax')",
    '__version__ = _version_module._get_version_for_build()', '_jax_version = _version_module._version',
    '_minimum_jaxlib_version = _version_module._minimum_jaxlib_version', `_current_jaxlib_version = '${cur}'`,
    "setup(name='jax', version=__version__, python_requires='>=3.9',",
    "  install_requires=[f'jaxlib >={_minimum_jaxlib_version}, <={_jax_version}', 'numpy>=1.22'],",
    "  extras_require={'cuda12': [f'jaxlib=={_current_jaxlib_version}'], 'ci': ['jaxlib==0.4.29']})");
  const jaxlibSetup = py(...loader, "_version_module = load_version_module('jaxlib')",
    '__version__ = _version_module._get_version_for_build()',
    "setup(name='jaxlib', version=__version__, python_requires='>=3.9', install_requires=['scipy>=1.9', 'numpy>=1.22', 'ml_dtypes>=0.2.0'])");
  const repo = makeRepo([
    { files: { 'setup.py': jaxSetup('0.4.30'), 'jax/version.py': versionPy('0.4.30', '0.4.27'), 'jaxlib/setup.py': jaxlibSetup,
      'jaxlib/version.py': versionPy('0.4.30', '0.4.27') }, tags: ['jax-v0.4.30', 'jaxlib-v0.4.30', 'jax-v0.4.31-rc'] },
    { files: { 'setup.py': jaxSetup('0.5.0'), 'jax/version.py': versionPy('0.5.0', '0.5.0'), 'jaxlib/version.py': versionPy('0.5.0', '0.5.0') }, tags: ['jax-v0.5.0'] },
  ]);
  const j = byVersion(extractFromRepo(jax, repo));
  assert.deepEqual([...j.keys()].sort(), ['0.4.30', '0.5.0']);
  // The `ci` extra is published as any other (jax 0.10.2's wheel declares it): kept.
  assert.deepEqual(j.get('0.4.30')!.requires_dist, ['jaxlib<=0.4.30,>=0.4.27', 'numpy>=1.22', 'jaxlib==0.4.29; extra == "ci"', 'jaxlib==0.4.30; extra == "cuda12"']);
  assert.deepEqual(j.get('0.5.0')!.requires_dist, ['jaxlib<=0.5.0,>=0.5.0', 'numpy>=1.22', 'jaxlib==0.4.29; extra == "ci"', 'jaxlib==0.5.0; extra == "cuda12"']);
  const l = byVersion(extractFromRepo(jaxlib, repo));
  assert.deepEqual([...l.keys()].sort(), ['0.4.30', '0.5.0']);
  assert.deepEqual(l.get('0.4.30')!.requires_dist, ['scipy>=1.9', 'numpy>=1.22', 'ml_dtypes>=0.2.0']);
  assert.equal(l.get('0.5.0')!.source, 'jax-ml/jax@jax-v0.5.0:jaxlib/setup.py');
});

test('xformers: the torch pin of the PyPI wheel comes from the wheel workflow, unknown when it is not named', () => {
  const setup = py('from setuptools import setup', 'def fetch_requirements():', '    with open("requirements.txt") as f:',
    '        reqs = f.read().strip().split("\\n")', '    return reqs', 'setup(name="xformers", install_requires=fetch_requirements(), python_requires=">=3.9")');
  const rewrite = "      - run: |\n          sed -i '/torch/d' ./requirements.txt\n          echo \"torch == ${{ inputs.torch_version }}\" >> ./requirements.txt\n";
  const repo = makeRepo([
    { files: { 'setup.py': setup, 'requirements.txt': '# comment\ntorch >= 1.12\nnumpy\n', '.github/workflows/wheels_reusable.yml': rewrite,
      '.github/workflows/wheels.yml': 'jobs:\n  build:\n    strategy:\n      matrix:\n        torch_version:\n          - "2.0.1"\n          - "1.13.1"\n' }, tags: ['v0.0.20'] },
    { files: { '.github/workflows/wheels.yml': 'jobs:\n  build:\n    strategy:\n      matrix:\n        torch_version:\n          - "2.0.1"\n' }, tags: ['v0.0.22'] },
    { files: { '.github/workflows/wheels_reusable.yml': null, '.github/workflows/wheels_build.yml': rewrite, 'requirements.txt': 'torch >= 2.1\nnumpy\n',
      '.github/workflows/wheels.yml': 'jobs:\n  build:\n    uses: x\n  upload_pip:\n    with:\n      filter: "*torch2.1.1+cu121*"\n  upload_pt:\n    with:\n      filter: "*torch2.1.1+cu118*"\n' }, tags: ['v0.0.23', 'v0.03'] },
    { files: { '.github/workflows/wheels_build.yml': 'nothing rewritten\n', 'requirements.txt': 'torch >= 2.10\nnumpy\n' }, tags: ['v0.0.35'] },
  ]);
  const r = byVersion(extractFromRepo(xformers, repo));
  assert.deepEqual([...r.keys()].sort(), ['0.0.20', '0.0.22', '0.0.23', '0.0.35']);
  assert.equal(r.get('0.0.20')!.requires_dist, undefined, 'two torch builds, the upload names none: unknown');
  assert.equal(r.get('0.0.20')!.requires_python, '>=3.9');
  assert.deepEqual(r.get('0.0.22')!.requires_dist, ['numpy', 'torch==2.0.1']);
  assert.deepEqual(r.get('0.0.23')!.requires_dist, ['numpy', 'torch==2.1.1']);
  assert.match(r.get('0.0.23')!.source, /@v0\.0\.23:\.github\/workflows\/wheels_build\.yml/);
  assert.deepEqual(r.get('0.0.35')!.requires_dist, ['torch>=2.10', 'numpy']);
});

test('xformers 0.0.16–0.0.20: several torch builds, the one the matrix marks `publish: true` is the PyPI wheel\'s pin', () => {
  const setup = py('from setuptools import setup', 'def fetch_requirements():', '    with open("requirements.txt") as f:',
    '        reqs = f.read().strip().split("\\n")', '    return reqs', 'setup(name="xformers", install_requires=fetch_requirements(), python_requires=">=3.7")');
  const inline = "      - name: Setup proper pytorch dependency\n        run: |\n          sed -i '/torch/d' ./requirements.txt\n          echo \"torch == ${{ matrix.config.torch_version_constraint }}\" >> ./requirements.txt\n";
  const repo = makeRepo([
    // 0.0.16: `config` items, the build label in torch_version and the pin in torch_version_constraint.
    { files: { 'setup.py': setup, 'requirements.txt': 'torch >= 1.12\nnumpy\n', '.github/workflows/wheels.yml': ['jobs:', '  build_wheels:', '    strategy:', '      matrix:',
      '        config:', '          - torch_version: "1.13.1+cu117"', '            torch_version_constraint: "1.13.1"', '            publish: true # publish only latest version', '',
      '          - torch_version: "1.12.1+cu116"', '            torch_version_constraint: "1.12.1"', '            publish: false', '        include:', '          - os: ubuntu-22.04',
      '            sdist: true', inline].join('\n') }, tags: ['v0.0.16'] },
    // 0.0.20: a torch_version list, and an `include` item that publishes one of them.
    { files: { '.github/workflows/wheels_reusable.yml': "      - run: |\n          sed -i '/torch/d' ./requirements.txt\n          echo \"torch == ${{ inputs.torch_version }}\" >> ./requirements.txt\n",
      '.github/workflows/wheels.yml': ['jobs:', '  build:', '    strategy:', '      matrix:', '        torch_version:', '          - "2.0.1"', '          - "1.13.1"', '        include:',
        '          - sdist: false', '            publish: false', '          # Publish only for latest pytorch', '          - torch_version: "2.0.1"', '            publish: true', ''].join('\n') }, tags: ['v0.0.20'] },
    // Two builds marked for publishing: which one PyPI got is not stated.
    { files: { '.github/workflows/wheels.yml': ['jobs:', '  build:', '    strategy:', '      matrix:', '        include:', '          - torch_version: "2.0.1"', '            publish: true',
      '          - torch_version: "2.1.0"', '            publish: true', ''].join('\n') }, tags: ['v0.0.21'] },
  ]);
  const r = byVersion(extractFromRepo(xformers, repo));
  assert.deepEqual(r.get('0.0.16')!.requires_dist, ['numpy', 'torch==1.13.1']);
  assert.deepEqual(r.get('0.0.20')!.requires_dist, ['numpy', 'torch==2.0.1']);
  assert.match(r.get('0.0.20')!.source, /@v0\.0\.20:\.github\/workflows\/wheels\.yml/);
  assert.equal(r.get('0.0.21')!.requires_dist, undefined);
});

test('keras and tf-keras: the oss_setup.py template pip_build.py fills in; gradio: requirement files of hatch-requirements-txt', async () => {
  const { default: tfKeras } = await import('../../../scripts/metadata/extractors/tf-keras');
  const { default: gradio } = await import('../../../scripts/metadata/extractors/gradio');
  const template = py('import os', 'import setuptools', 'version = "{{VERSION}}".lower()', 'major_version, minor_version, *_ = version.split(".")',
    'next_minor_version = int(minor_version) + 1', 'if "nightly" in "{{PACKAGE}}":', '    install_requires = [f"tf-nightly~={version}.dev"]',
    'else:', '    install_requires = [f"tensorflow>={major_version}.{minor_version}, <{major_version}.{next_minor_version}"]',
    'setuptools.setup(name="{{PACKAGE}}", version="{{VERSION}}", install_requires=install_requires, python_requires=">=3.9")');
  const builder = py('def build(version, package):', '    setup_contents = setup_contents.replace("{{VERSION}}", version)', '    setup_contents = setup_contents.replace("{{PACKAGE}}", package)');
  const repo = makeRepo([
    { files: { 'tf_keras/tools/pip_package/setup.py': py('import setuptools', 'setuptools.setup(name="tf_keras", version="2.15.0", install_requires=[], python_requires=">=3.9")') }, tags: ['v2.15.0'] },
    { files: { 'oss_setup.py': template, 'pip_build.py': builder }, tags: ['v2.16.0'] },
  ]);
  const r = byVersion(extractFromRepo(tfKeras, repo));
  assert.deepEqual(r.get('2.15.0')!.requires_dist, []);
  assert.deepEqual(r.get('2.16.0')!.requires_dist, ['tensorflow<2.17,>=2.16']);
  assert.equal(r.get('2.16.0')!.source, 'keras-team/tf-keras@v2.16.0:oss_setup.py; keras-team/tf-keras@v2.16.0:pip_build.py');

  const g = makeRepo([{ files: {
    'pyproject.toml': ['[project]', 'name = "gradio"', 'dynamic = ["version", "dependencies", "optional-dependencies", "readme"]', 'requires-python = ">=3.10"',
      '[tool.hatch.metadata.hooks.requirements_txt]', 'filename = "requirements.txt"', '[tool.hatch.metadata.hooks.requirements_txt.optional-dependencies]',
      'oauth = ["requirements-oauth.txt"]', ''].join('\n'),
    'requirements.txt': 'numpy>=1.0,<3.0\n# comment\nhuggingface_hub>=0.25.1\n', 'requirements-oauth.txt': 'authlib\n' }, tags: ['gradio@5.0.0', 'gradio_client@1.4.0'] }]);
  const gr = extractFromRepo(gradio, g);
  assert.deepEqual(gr.map((x) => x.version), ['5.0.0']);
  assert.deepEqual(gr[0].requires_dist, ['numpy<3.0,>=1.0', 'huggingface_hub>=0.25.1', 'authlib; extra == "oauth"']);
  assert.equal(gr[0].requires_python, '>=3.10');
});

test('jax: a final release tag is read as a release build (no WHEEL_VERSION_SUFFIX, so no rc0 on the jaxlib bounds)', () => {
  const envVersionPy = (v: string) => py('import os', `_version = "${v}"`, `_minimum_jaxlib_version = "${v}"`,
    'def _get_version_for_build():', '    if os.getenv("WHEEL_VERSION_SUFFIX"):', '        return _version + os.getenv("WHEEL_VERSION_SUFFIX", "")',
    '    if os.getenv("JAX_RELEASE"):', '        return _version', '    return _version + ".dev0"',
    'def _is_prerelease():', '    return os.getenv("WHEEL_VERSION_SUFFIX", "").startswith("rc")');
  const setup = py(...loader, "_version_module = load_version_module('jax')", '__version__ = _version_module._get_version_for_build()',
    '_jax_version = _version_module._version', '_minimum_jaxlib_version = _version_module._minimum_jaxlib_version',
    'if _version_module._is_prerelease():', '    _minimum_jaxlib_version += "rc0"',
    "setup(name='jax', version=__version__, python_requires='>=3.10',",
    "  install_requires=[f'jaxlib >={_minimum_jaxlib_version}, <={_jax_version}'],",
    "  extras_require={'cuda12': [f'jaxlib >={_minimum_jaxlib_version}, <={_jax_version}']})");
  const repo = makeRepo([
    { files: { 'setup.py': setup, 'jax/version.py': envVersionPy('0.6.0') }, tags: ['jax-v0.6.0'] },
  ]);
  const j = byVersion(extractFromRepo(jax, repo));
  assert.deepEqual(j.get('0.6.0')!.requires_dist, ['jaxlib<=0.6.0,>=0.6.0', 'jaxlib<=0.6.0,>=0.6.0; extra == "cuda12"']);
});

test('chex: install_requires from the requirement file setup.py reads (cited with it), then pyproject.toml; complete from the first tag', async () => {
  const { default: chex } = await import('../../../scripts/metadata/extractors/chex');
  const { writeFromRepo } = await import('../../../scripts/metadata/from-source');
  const { readPackage } = await import('../../../scripts/metadata/snapshot');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const setup = (...file: string[]) => py('import os', 'from setuptools import setup', '_CURRENT_DIR = os.path.dirname(os.path.abspath(__file__))',
    'def _parse_requirements(path):', '  with open(os.path.join(_CURRENT_DIR, path)) as f:',
    "    return [line.rstrip() for line in f if not (line.isspace() or line.startswith('#'))]",
    'def _get_version():', "  with open(os.path.join(_CURRENT_DIR, 'chex', '__init__.py')) as fp:",
    "    return [l for l in fp if l.startswith('__version__')][0].split('=')[1].strip(' \\'\"\\n')",
    "setup(name='chex', version=_get_version(), python_requires='>=3.9',",
    `    install_requires=_parse_requirements(os.path.join(_CURRENT_DIR, ${file.map((f) => `'${f}'`).join(', ')})),`,
    `    tests_require=_parse_requirements(os.path.join(_CURRENT_DIR, ${file.map((f) => `'${f.replace('.txt', '-test.txt')}'`).join(', ')})))`);
  const init = (v: string) => `__version__ = "${v}"\n`;
  const repo = makeRepo([
    // An untagged release before the first tag: unknown, not non-existent.
    { files: { 'setup.py': setup('requirements.txt'), 'requirements.txt': 'jax>=0.1.55\njaxlib>=0.1.37\n', 'requirements-test.txt': 'pytest\n', 'chex/__init__.py': init('0.0.4') }, tags: [] },
    { files: { 'chex/__init__.py': init('0.0.5') }, tags: ['v0.0.5'] },
    { files: { 'requirements.txt': null, 'requirements-test.txt': null, 'setup.py': setup('requirements', 'requirements.txt'),
      'requirements/requirements.txt': '# runtime\nabsl-py>=0.9.0\njax>=0.4.16\njaxlib>=0.1.37\nsetuptools;python_version>="3.12"\n',
      'requirements/requirements-test.txt': 'pytest\n', 'chex/__init__.py': init('0.1.85') }, tags: ['v0.1.85'] },
    // A tag whose sources declare another version is not that release.
    { files: { 'chex/__init__.py': init('0.1.86.dev') }, tags: ['v0.1.99'] },
    { files: { 'setup.py': null, 'requirements/requirements.txt': null, 'requirements/requirements-test.txt': null, 'chex/__init__.py': init('0.1.91'),
      'pyproject.toml': ['[project]', 'name = "chex"', 'dynamic = ["version"]', 'requires-python = ">=3.11"', 'dependencies = ["jax>=0.7.0", "jaxlib>=0.7.0"]',
        '[project.optional-dependencies]', 'test = ["cloudpickle==3.1.0"]', ''].join('\n') }, tags: ['v0.1.91'] },
  ]);
  const r = byVersion(extractFromRepo(chex, repo));
  assert.deepEqual([...r.keys()].sort(), ['0.0.5', '0.1.85', '0.1.91']);
  assert.deepEqual(r.get('0.0.5')!.requires_dist, ['jax>=0.1.55', 'jaxlib>=0.1.37']);
  assert.equal(r.get('0.0.5')!.source, 'google-deepmind/chex@v0.0.5:setup.py; google-deepmind/chex@v0.0.5:requirements.txt');
  assert.deepEqual(r.get('0.1.85')!.requires_dist, ['absl-py>=0.9.0', 'jax>=0.4.16', 'jaxlib>=0.1.37', 'setuptools; python_version >= "3.12"']);
  assert.equal(r.get('0.1.85')!.requires_python, '>=3.9');
  assert.equal(r.get('0.1.85')!.source, 'google-deepmind/chex@v0.1.85:setup.py; google-deepmind/chex@v0.1.85:requirements/requirements.txt');
  assert.deepEqual(r.get('0.1.91')!.requires_dist, ['jax>=0.7.0', 'jaxlib>=0.7.0'], 'the test extra is dropped');
  assert.equal(r.get('0.1.91')!.source, 'google-deepmind/chex@v0.1.91:pyproject.toml');

  const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
  try {
    const written = writeFromRepo(chex, repo, { dir: out, registryNewest: '0.1.91', snapshotDate: '2026-12-06' });
    assert.equal(written?.records, 3);
    const pkg = readPackage(out, 'chex')!;
    assert.equal(pkg.complete_from, '0.0.5', '0.0.4 was released untagged, if at all: unknown');
    assert.equal(pkg.complete_through, '0.1.91');
    assert.equal(pkg.registry_newest, '0.1.91');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
