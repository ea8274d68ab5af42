// The product's reason to exist: the seed project and its naive fix, read from examples/ as they are on disk.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fixProject } from '../../../src/core/engine/apply';
import { checkProject } from '../../../src/core/engine/check';
import { check, knowledge, ROOT } from './helpers';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples');

function load(name: string) {
  const dir = join(examples, name);
  const files = readdirSync(dir).filter((f) => f !== 'README.md').map((f) => ({ path: `/${name}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return { files, readFile: async (p: string) => byPath.get(p), knowledge };
}

const at = (result: Awaited<ReturnType<typeof checkProject>>, file: string) =>
  result.files.find((f) => f.path.endsWith(`/${file}`))?.findings ?? [];

describe('examples/seed-project', () => {
  test('warns that diffusers>=0.21.0 admits releases importing cached_download, naming huggingface_hub 0.26', async () => {
    const result = await checkProject(load('seed-project'));
    for (const file of ['pyproject.toml', 'requirements.txt', 'setup_ai_models.py']) {
      const f = at(result, file).find((x) => x.code === 'hf-hub-cached-download');
      assert.ok(f, `no hf-hub-cached-download in ${file}`);
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /diffusers>=0\.21\.0/);
      assert.match(f.message, /0\.26/);
      assert.ok(f.fixes.some((x) => x.applicability === 'safe' && x.edits.some((e) => e.newText.includes('0.29.0'))), 'the preferred fix raises diffusers to 0.29.0');
    }
  });

  test('reports the ROCm pin that PyPI cannot serve without its index (pyproject), but not where the index is given', async () => {
    const result = await checkProject(load('seed-project'));
    assert.ok(at(result, 'pyproject.toml').some((x) => x.code === 'torch-variant-no-index' && x.severity === 'error'));
    assert.ok(!at(result, 'requirements.txt').some((x) => x.code === 'torch-variant-no-index'));
    assert.ok(!at(result, 'server-setup.sh').some((x) => x.code === 'torch-variant-no-index'));
  });

  test('reports pins that differ across files at both places, each pointing at the other', async () => {
    const result = await checkProject(load('seed-project'));
    const inPy = at(result, 'setup_ai_models.py').find((x) => x.code === 'inconsistent-pins' && x.packages.includes('transformers'));
    const inToml = at(result, 'pyproject.toml').find((x) => x.code === 'inconsistent-pins' && x.packages.includes('transformers'));
    assert.ok(inPy && inToml, 'both places reported');
    assert.ok(inPy.related?.some((r) => r.path.endsWith('pyproject.toml')));
    assert.ok(inToml.related?.some((r) => r.path.endsWith('setup_ai_models.py')));
    // pyproject.toml states the intent: its preferred fix edits the other file, the other file's fix follows it.
    const fromToml = inToml.fixes.find((f) => f.applicability === 'safe')!;
    assert.deepEqual(fromToml.edits.map((e) => [e.path.split('/').pop(), e.newText]), [['setup_ai_models.py', '>=4.35.0']]);
    const fromPy = inPy.fixes.find((f) => f.applicability === 'safe')!;
    assert.deepEqual(fromPy.edits.map((e) => [e.path.split('/').pop(), e.newText]), [['setup_ai_models.py', '>=4.35.0']]);
  });
});

describe('examples/seed-project-after-naive-fix', () => {
  test('still gets the cached_download warning, now on diffusers>=0.25.0', async () => {
    const result = await checkProject(load('seed-project-after-naive-fix'));
    const f = at(result, 'pyproject.toml').find((x) => x.code === 'hf-hub-cached-download');
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /diffusers>=0\.25\.0/);
  });
});

for (const name of ['seed-project', 'seed-project-after-naive-fix']) {
  test(`fix makes examples/${name} clean`, async () => {
    const { result, changed } = await fixProject(load(name));
    const left = result.files.flatMap((f) => f.findings.map((x) => `${f.path}:${x.range.start.line + 1} ${x.code} ${x.message}`));
    assert.deepEqual(left, []);
    assert.ok(changed.size >= 3);
  });
}

describe('inconsistent-pins: what counts as one project', () => {
  const codes = async (files: Record<string, string>) =>
    (await check(files)).files.flatMap((f) => f.findings.filter((x) => x.code === 'inconsistent-pins').map(() => f.path.slice(ROOT.length + 1)));
  const contradicting = async (files: Record<string, string>) => {
    const found = (await check(files)).files.flatMap((f) => f.findings.map((x) => [f.path.slice(ROOT.length + 1), x.code]));
    assert.deepEqual(found.filter(([, c]) => c === 'inconsistent-pins'), []);
    return found.filter(([, c]) => c === 'conflicting-pins').map(([p]) => p);
  };
  test('the package metadata is compared with install files in its folder and scripts below it', async () => {
    assert.deepEqual((await codes({ 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch==2.2.0"]\n', 'docker/install.sh': 'pip install torch==2.1.0\n' })).sort(),
      ['docker/install.sh', 'pyproject.toml']);
  });
  test('a sub-app\'s own requirement file is not the package\'s pin', async () => {
    assert.deepEqual(await codes({ 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\ndependencies = ["transformers==4.44.0"]\n', 'tools/caption/requirements.txt': 'transformers==4.42.4\n' }), []);
  });
  test('standalone requirement files are compared only when one includes the other', async () => {
    assert.deepEqual(await codes({ 'requirements.txt': 'torch==2.5.0\n', 'requirements-pllava.txt': 'torch==2.2.1\n' }), []);
    // A file and the one it includes are one environment: pins there that do not meet make pip refuse the install,
    // reported once as that (conflicting-pins, an error) at both pins rather than again as inconsistent pins.
    assert.deepEqual((await contradicting({ 'requirements.txt': 'torch==2.5.0\n', 'requirements-dev.txt': '-r requirements.txt\ntorch==2.4.1\n' })).sort(),
      ['requirements-dev.txt', 'requirements.txt']);
  });
  test('sibling folders are separate projects', async () => {
    assert.deepEqual(await codes({ 'examples/a/requirements.txt': 'torch==2.2.0\n', 'examples/b/requirements.txt': 'torch==2.1.0\n' }), []);
  });
  test('files for alternative installs (per accelerator, OS, platform) are not compared', async () => {
    assert.deepEqual(await codes({
      'requirements_linux.txt': 'torch==2.5.0\nonnxruntime-gpu==1.19.0\n',
      'requirements_linux_rocm.txt': 'torch==2.4.1\n',
      'requirements_windows.txt': 'torch==2.3.1\n',
      'requirements-cu118.txt': 'onnxruntime-gpu==1.18.0\n',
    }), []);
    // ...while a file and the one it includes still are (as one environment whose pins contradict each other).
    assert.deepEqual((await contradicting({ 'requirements.txt': 'torch==2.5.0\n', 'requirements-dev.txt': '-r requirements.txt\ntorch==2.4.1\n' })).sort(),
      ['requirements-dev.txt', 'requirements.txt']);
  });
  test('the same release built for two accelerators is not a disagreement', async () => {
    assert.deepEqual(await codes({
      'requirements-cpu.txt': '--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.1.0+cpu\n',
      'requirements-gpu.txt': '--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.1.0+cu121\n',
    }), []);
  });
});
