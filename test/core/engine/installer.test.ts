// Each environment's installer, and the index fix that works for it: after `ml-pins fix`, the project is checked again
// with the real parsers, and the installer's own tables bind the package to the index. (pip's fixes also run through
// the real pip: test/installer/pip.test.ts.)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixProject } from '../../../src/core/engine/apply';
import { checkProject, type CheckInput } from '../../../src/core/engine/check';
import { installArgv } from '../../../src/core/engine/installer';
import { parsePyproject } from '../../../src/core/formats/pyproject';
import { knowledge, ROOT } from './helpers';

const CODE = 'torch-variant-no-index';

/** Manifests plus other files that only exist (lock files): the engine asks fileExists about those. */
function input(files: Record<string, string>, others: string[] = []): CheckInput {
  return {
    files: Object.entries(files).map(([p, text]) => ({ path: `${ROOT}/${p}`, text })),
    readFile: async (p) => files[p.slice(ROOT.length + 1)],
    fileExists: async (p) => others.includes(p.slice(ROOT.length + 1)) || p.slice(ROOT.length + 1) in files,
    knowledge,
  };
}

async function run(files: Record<string, string>, others: string[] = []) {
  const result = await checkProject(input(files, others));
  const all = result.files.flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path.slice(ROOT.length + 1) })));
  return { result, all, noIndex: all.filter((x) => x.code === CODE) };
}

async function fixed(files: Record<string, string>, others: string[] = []) {
  const { changed, result } = await fixProject(input(files, others), { only: (f) => f.code === CODE });
  const text = (name: string) => changed.get(`${ROOT}/${name}`) ?? files[name];
  return { text, remaining: result.files.flatMap((f) => f.findings.filter((x) => x.code === CODE)) };
}

const PROJECT = '[project]\nname = "app"\nversion = "1.0"\ndependencies = [\n    "torch==2.2.0+rocm5.7",\n    "numpy<2",\n]\n';
const SETUPTOOLS = `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n${PROJECT}`;

describe('which installer reads each environment', () => {
  const cases: [string, Record<string, string>, string[], string, string][] = [
    ['a setuptools pyproject', { 'pyproject.toml': SETUPTOOLS }, [], 'pip', 'a setuptools project ("pip install .")'],
    ['a pyproject with uv.lock beside it', { 'pyproject.toml': PROJECT }, ['uv.lock'], 'uv', 'uv.lock beside it'],
    ['a pyproject with [tool.uv]', { 'pyproject.toml': `${PROJECT}\n[tool.uv]\npackage = true\n` }, [], 'uv', '[tool.uv]'],
    ['a Poetry project', { 'pyproject.toml': '[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\ntorch = "2.2.0+rocm5.7"\n' }, ['poetry.lock'], 'poetry', 'poetry.lock beside it'],
    ['a PDM project', { 'pyproject.toml': `${PROJECT}\n[tool.pdm]\ndistribution = false\n` }, [], 'pdm', '[tool.pdm]'],
    ['a requirement file', { 'requirements.txt': 'torch==2.2.0+rocm5.7\n' }, [], 'pip', 'pip requirement file'],
    ['a pip line in a script', { 'install.sh': 'pip install torch==2.2.0+rocm5.7\n' }, [], 'pip', '"pip install" command'],
    ['a Pipfile', { Pipfile: '[packages]\ntorch = "==2.2.0+rocm5.7"\n' }, [], 'pipenv', 'Pipfile'],
    ['a conda environment', { 'environment.yml': 'dependencies:\n  - python=3.11\n  - pip:\n    - torch==2.2.0+rocm5.7\n' }, [], 'conda', 'conda environment file'],
  ];
  for (const [what, files, others, name, evidence] of cases) {
    test(`${what}: ${name}`, async () => {
      const { result } = await run(files, others);
      assert.ok(result.environments.length > 0);
      for (const env of result.environments) assert.deepEqual(env.installer, { name, evidence });
    });
  }

  test('the lock file wins over another tool\'s table, and pip reads no uv or Poetry index', async () => {
    const text = `${PROJECT}\n[tool.poetry]\nname = "app"\n\n[[tool.uv.index]]\nname = "rocm"\nurl = "https://download.pytorch.org/whl/rocm5.7"\n`;
    const { result } = await run({ 'pyproject.toml': text }, ['poetry.lock']);
    const env = result.environments[0];
    assert.equal(env.installer.name, 'poetry');
    assert.deepEqual(env.indexes, [], 'Poetry does not read [[tool.uv.index]]');
  });
});

describe('index fixes per installer', () => {
  test('pip (setuptools pyproject): the public version, no uv tables, and the finding says where the index belongs', async () => {
    const { noIndex } = await run({ 'pyproject.toml': SETUPTOOLS });
    assert.equal(noIndex.length, 1);
    assert.match(noIndex[0].message, /^pyproject\.toml pins the rocm5\.7 build \(torch==2\.2\.0\+rocm5\.7\), but "pip install \." reads no index/);
    assert.match(noIndex[0].message, /nothing in this project installs it from there\.$/);
    assert.equal(noIndex[0].fixes.length, 1);
    const { text, remaining } = await fixed({ 'pyproject.toml': SETUPTOOLS });
    assert.equal(text('pyproject.toml'), SETUPTOOLS.replace('"torch==2.2.0+rocm5.7"', '"torch==2.2.0"'));
    assert.deepEqual(remaining, []);
  });

  test('pip: a requirement file that installs the project (-e .) with the index: nothing to report', async () => {
    const files = { 'pyproject.toml': SETUPTOOLS, 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/rocm5.7\n-e .\n' };
    assert.deepEqual((await run(files)).noIndex, []);
    const without = { ...files, 'requirements.txt': '-e .\n' };
    const { noIndex } = await run(without);
    assert.match(noIndex[0].message, /requirements\.txt:1 installs the project without that index/);
    const { text, remaining } = await fixed(without);
    assert.equal(text('requirements.txt'), '--extra-index-url https://download.pytorch.org/whl/rocm5.7\n-e .\n');
    assert.match(text('pyproject.toml'), /"torch==2\.2\.0",/);
    assert.deepEqual(remaining, []);
  });

  test('pip from Python: the option joins the argument list as two more strings', async () => {
    const files = { 'pyproject.toml': SETUPTOOLS, 'setup_env.py': 'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", "install", "."])\n' };
    const { noIndex } = await run(files);
    assert.match(noIndex[0].message, /setup_env\.py:2 installs the project without that index/);
    const { text } = await fixed(files);
    assert.equal(text('setup_env.py'), 'import subprocess, sys\nsubprocess.check_call([sys.executable, "-m", "pip", "install", ".", "--extra-index-url", "https://download.pytorch.org/whl/rocm5.7"])\n');
  });

  test('uv: [[tool.uv.index]] and [tool.uv.sources], offered only because uv is in use', async () => {
    const { noIndex } = await run({ 'pyproject.toml': PROJECT }, ['uv.lock']);
    assert.match(noIndex[0].message, /so uv will find no matching distribution/);
    assert.match(noIndex[0].fixes[0].title, /for uv/);
    const { text, remaining } = await fixed({ 'pyproject.toml': PROJECT }, ['uv.lock']);
    const after = text('pyproject.toml');
    assert.equal(after, `${PROJECT}\n[[tool.uv.index]]\nname = "pytorch-rocm5.7"\nurl = "https://download.pytorch.org/whl/rocm5.7"\nexplicit = true\n\n[tool.uv.sources]\ntorch = { index = "pytorch-rocm5.7" }\n`);
    assert.deepEqual(remaining, []);
    const parsed = parsePyproject('pyproject.toml', after);
    assert.equal(parsed.requirements.find((r) => r.name === 'torch')?.source, 'pytorch-rocm5.7');
    assert.deepEqual(parsed.findings, []);
  });

  test('uv: an explicit index no source names does not serve torch; an existing [tool.uv.sources] gets the entry', async () => {
    const text = `${PROJECT}\n[[tool.uv.index]]\nname = "rocm"\nurl = "https://download.pytorch.org/whl/rocm5.7"\nexplicit = true\n\n[tool.uv.sources]\nnumpy = { index = "rocm" }\n`;
    const { noIndex } = await run({ 'pyproject.toml': text });
    assert.equal(noIndex.length, 1);
    const { text: after, remaining } = await fixed({ 'pyproject.toml': text });
    assert.match(after('pyproject.toml'), /\[tool\.uv\.sources\]\ntorch = \{ index = "pytorch-rocm5\.7" \}\nnumpy = \{ index = "rocm" \}\n/);
    assert.deepEqual(remaining, []);
    // Bound to the explicit index already: served.
    assert.deepEqual((await run({ 'pyproject.toml': text.replace('numpy = { index = "rocm" }', 'torch = { index = "rocm" }') })).noIndex, []);
  });

  test('Poetry: an explicit [[tool.poetry.source]] and source = on the dependency', async () => {
    const poetry = '[tool.poetry]\nname = "app"\nversion = "1.0"\n\n[tool.poetry.dependencies]\npython = "^3.10"\ntorch = "2.2.0+rocm5.7"\ntorchvision = { version = "0.17.0+rocm5.7", optional = true }\n';
    const { noIndex } = await run({ 'pyproject.toml': poetry }, ['poetry.lock']);
    assert.equal(noIndex.length, 2);
    assert.match(noIndex[0].message, /so Poetry will find no matching distribution/);
    const { text, remaining } = await fixed({ 'pyproject.toml': poetry }, ['poetry.lock']);
    const after = text('pyproject.toml');
    assert.match(after, /^torch = \{ version = "2\.2\.0\+rocm5\.7", source = "pytorch-rocm5\.7" \}$/m);
    assert.match(after, /^torchvision = \{ source = "pytorch-rocm5\.7", version = "0\.17\.0\+rocm5\.7", optional = true \}$/m);
    assert.equal(after.match(/\[\[tool\.poetry\.source\]\]\nname = "pytorch-rocm5\.7"\nurl = "https:\/\/download\.pytorch\.org\/whl\/rocm5\.7"\npriority = "explicit"\n/g)?.length, 1);
    assert.deepEqual(remaining, []);
    assert.deepEqual(parsePyproject('pyproject.toml', after).findings, []);
  });

  test('Poetry 2 with [project] dependencies: the source goes in a [tool.poetry.dependencies] entry', async () => {
    const text = `${PROJECT}\n[tool.poetry]\npackage-mode = false\n`;
    const { text: after, remaining } = await fixed({ 'pyproject.toml': text });
    assert.match(after('pyproject.toml'), /\[tool\.poetry\.dependencies\]\ntorch = \{ source = "pytorch-rocm5\.7" \}\n$/);
    assert.deepEqual(remaining, []);
  });

  test('PDM: a [[tool.pdm.source]] that the PyTorch packages come from', async () => {
    const text = `${PROJECT}\n[tool.pdm]\ndistribution = false\n`;
    const { noIndex } = await run({ 'pyproject.toml': text });
    assert.match(noIndex[0].message, /so PDM will find no matching distribution/);
    const { text: after, remaining } = await fixed({ 'pyproject.toml': text });
    assert.match(after('pyproject.toml'), /\[\[tool\.pdm\.source\]\]\nname = "pytorch-rocm5\.7"\nurl = "https:\/\/download\.pytorch\.org\/whl\/rocm5\.7"\nverify_ssl = true\ninclude_packages = \["torch", "torchvision", "torchaudio"\]\n$/);
    assert.deepEqual(remaining, []);
  });

  test('Pipenv: a second [[source]] serves only packages that name it; the fix adds the source and index =', async () => {
    const pipfile = '[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\nverify_ssl = true\n\n[[source]]\nname = "rocm"\nurl = "https://download.pytorch.org/whl/rocm5.7"\nverify_ssl = true\n\n[packages]\ntorch = "==2.2.0+rocm5.7"\n';
    const { noIndex } = await run({ Pipfile: pipfile });
    assert.match(noIndex[0].message, /so Pipenv will find no matching distribution/);
    assert.deepEqual((await run({ Pipfile: pipfile.replace('torch = "==2.2.0+rocm5.7"', 'torch = {version = "==2.2.0+rocm5.7", index = "rocm"}') })).noIndex, []);
    const { text, remaining } = await fixed({ Pipfile: pipfile });
    assert.match(text('Pipfile'), /^torch = \{ version = "==2\.2\.0\+rocm5\.7", index = "pytorch-rocm5\.7" \}$/m);
    assert.match(text('Pipfile'), /\[\[source\]\]\nname = "pytorch-rocm5\.7"\nurl = "https:\/\/download\.pytorch\.org\/whl\/rocm5\.7"\nverify_ssl = true\n\n\[packages\]/);
    assert.deepEqual(remaining, []);
  });

  test('conda: the pip list gets --extra-index-url (pip installs that list)', async () => {
    const env = 'name: app\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - torch==2.2.0+rocm5.7\n';
    const { text, remaining } = await fixed({ 'environment.yml': env });
    assert.equal(text('environment.yml'), env.replace('    - torch', '    - --extra-index-url https://download.pytorch.org/whl/rocm5.7\n    - torch'));
    assert.deepEqual(remaining, []);
  });
});

describe('installing a fixed requirement into the selected environment ("…, and install it")', () => {
  test('pip through the environment\'s interpreter; uv pip for uv projects, whose environments have no pip', () => {
    assert.deepEqual(installArgv('pip', '/p/.venv/bin/python', ['diffusers>=0.29.0']), ['/p/.venv/bin/python', ['-m', 'pip', 'install', 'diffusers>=0.29.0']]);
    assert.deepEqual(installArgv('poetry', '/p/.venv/bin/python', ['torch>=2.4.1']), ['/p/.venv/bin/python', ['-m', 'pip', 'install', 'torch>=2.4.1']]);
    assert.deepEqual(installArgv('uv', '/p/.venv/bin/python', ['diffusers>=0.29.0']), ['uv', ['pip', 'install', '--python', '/p/.venv/bin/python', 'diffusers>=0.29.0']]);
  });
});
