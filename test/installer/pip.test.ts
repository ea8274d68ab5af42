// Proof by the installer: the real pip resolves against a loopback index (PEP 503/691) serving small wheels built here,
// before a fix (it fails as the finding says) and after (it succeeds, with the build the pin asks for).
//
// `pip install --dry-run --ignore-installed --report` resolves without installing. Dependencies are resolved (no
// --no-deps): every name the projects pin is served, and the wheels declare no dependencies of their own. pip's
// configuration and PIP_* variables of this machine are shut out (PIP_CONFIG_FILE=/dev/null).
//
// `pip install .` needs the project built: setuptools' bdist_wheel needs the `wheel` package, which no offline index
// here serves, so the project's own wheel is made from its [project] table (the metadata setuptools writes for a
// PEP 621 project: name, version, dependencies as Requires-Dist) by wheels.py, and pip installs that wheel.
//
// uv, Poetry and PDM cannot run here (no uv on the npm registry or in Debian's archive; Poetry and PDM come only from
// PyPI): their fixes are checked by the engine in test/core/engine/installer.test.ts.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixProject } from '../../src/core/engine/apply';
import { checkProject } from '../../src/core/engine/check';
import { knowledgeFrom } from '../../src/core/engine/check';
import { bundledFamilies } from '../../src/core/rules/bundled';
import { loadProject } from '../../src/node/project';
import { startIndex, type IndexServer } from './simple-index';

const root = join(import.meta.dirname, '..', '..');
const knowledge = knowledgeFrom(bundledFamilies);
const CODE = 'torch-variant-no-index';

// What the loopback "PyPI" serves (no local versions, as PyPI refuses them) and what each PyTorch index serves.
const PYPI: [string, string][] = [
  ['torch', '2.2.0'], ['torchvision', '0.17.0'], ['transformers', '4.35.0'], ['diffusers', '0.21.0'], ['diffusers', '0.25.0'],
  ['diffusers', '0.29.0'], ['huggingface_hub', '0.20.0'], ['accelerate', '0.21.0'], ['pillow', '10.0.0'],
  ['requests', '2.31.0'], ['httpx', '0.24.0'], ['psutil', '5.9.0'], ['numpy', '1.26.4'],
];
const LABELS = ['rocm5.7', 'cu121'];

let work: string;
let index: IndexServer;
let pypi: string;
const whl = (label: string) => `${index.base}/whl/${label}`;

function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: options.cwd, env: options.env, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** As run, without blocking: the loopback index answers from this same process while pip runs. */
function runAsync(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

function buildWheels(dir: string, spec: [string, string][]): void {
  const r = run('python3', [join(import.meta.dirname, 'wheels.py'), dir, JSON.stringify(spec.map(([d, v]) => [d, v, []]))]);
  assert.equal(r.status, 0, r.stderr);
}

/** The project's wheel, with the metadata `pip install .` reads from its [project] table. */
function projectWheel(dir: string): string {
  const out = mkdtempSync(join(work, 'project-wheel-'));
  const r = run('python3', [join(import.meta.dirname, 'wheels.py'), '--project', out, join(dir, 'pyproject.toml')]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** This machine's pip settings, shut out: only the indexes a test names are read. */
function pipEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_')) env[k] = v;
  return { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', PYTHONNOUSERSITE: '1', ...extra };
}

const PIP_FLAGS = ['--dry-run', '--ignore-installed', '--no-cache-dir', '--only-binary', ':all:'];

interface PipResult { ok: boolean; stderr: string; installed: Map<string, string> }

function readReport(path: string): Map<string, string> {
  const installed = new Map<string, string>();
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as { install: { metadata: { name: string; version: string } }[] };
    for (const item of report.install) installed.set(item.metadata.name.toLowerCase().replace(/[-_.]+/g, '-'), item.metadata.version);
  } catch { /* no report: pip failed before resolving */ }
  return installed;
}

/** `python3 -m pip install --dry-run --report …` with the loopback PyPI as the default index (the args can replace it). */
async function pip(args: string[], cwd: string): Promise<PipResult> {
  const report = join(mkdtempSync(join(work, 'report-')), 'report.json');
  const r = await runAsync('python3', ['-m', 'pip', 'install', ...PIP_FLAGS, '--report', report, '--index-url', pypi, ...args], { cwd, env: pipEnv() });
  return { ok: r.status === 0, stderr: r.stderr, installed: readReport(report) };
}

/**
 * Runs lines of a shell script as the shell does, with `pip` the real pip in dry-run mode (the loopback PyPI first, so
 * the script's own --index-url replaces it) and `.` standing for the project's wheel.
 */
async function scriptLines(dir: string, script: string, lines: number[], projectWheelPath = ''): Promise<PipResult> {
  const report = join(mkdtempSync(join(work, 'report-')), 'report.json');
  const text = readFileSync(join(dir, script), 'utf8').split('\n');
  const shim = [
    'pip() {',
    '  local args=() a',
    '  for a in "$@"; do if [ "$a" = . ] && [ -n "$PROJECT_WHEEL" ]; then a="$PROJECT_WHEEL"; fi; args+=("$a"); done',
    `  python3 -m pip "\${args[0]}" ${PIP_FLAGS.join(' ')} --report "$REPORT" --index-url "$PYPI" "\${args[@]:1}"`,
    '}',
    'set -e',
  ].join('\n');
  const body = lines.map((n) => text[n - 1]).join('\n');
  const r = await runAsync('bash', ['-c', `${shim}\n${body}`], { cwd: dir, env: pipEnv({ REPORT: report, PYPI: pypi, PROJECT_WHEEL: projectWheelPath }) });
  return { ok: r.status === 0, stderr: r.stderr, installed: readReport(report) };
}

/** The index URLs of the manifests, pointed at the loopback server (pip must not reach the internet). */
function toLoopback(dir: string): void {
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch { continue; }
    const next = text.replaceAll('https://download.pytorch.org/whl/', `${index.base}/whl/`).replaceAll('https://pypi.org/simple', pypi);
    if (next !== text) writeFileSync(path, next);
  }
}

/** A copy of a project folder (examples/… or files given inline). */
function project(from: string | Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'project-'));
  if (typeof from === 'string') cpSync(join(root, from), dir, { recursive: true });
  else for (const [name, text] of Object.entries(from)) writeFileSync(join(dir, name), text);
  return dir;
}

async function check(dir: string) {
  return checkProject(await loadProject([dir], dir, knowledge));
}

/** `ml-pins fix` on the folder: every preferred fix, written to disk. */
async function fix(dir: string) {
  const { changed, result } = await fixProject(await loadProject([dir], dir, knowledge));
  for (const [path, text] of changed) writeFileSync(path, text);
  return result;
}

function findingsOf(result: Awaited<ReturnType<typeof check>>, file: string, code = CODE) {
  return result.files.filter((f) => f.path.endsWith(`/${file}`)).flatMap((f) => f.findings.filter((x) => x.code === code));
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'ml-pins-installer-'));
  buildWheels(join(work, 'pypi'), PYPI);
  for (const label of LABELS) buildWheels(join(work, 'whl', label), [['torch', `2.2.0+${label}`], ['torchvision', `0.17.0+${label}`]]);
});

before(async () => {
  index = await startIndex({ '/pypi/simple': join(work, 'pypi'), ...Object.fromEntries(LABELS.map((l) => [`/whl/${l}`, join(work, 'whl', l)])) });
  pypi = `${index.base}/pypi/simple`;
});

after(async () => {
  await index?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the loopback index', () => {
  test('pip reads it: a public pin resolves from "PyPI", a local build only from its PyTorch index', async () => {
    const dir = project({});
    assert.equal((await pip(['torch==2.2.0'], dir)).installed.get('torch'), '2.2.0');
    const missing = await pip(['torch==2.2.0+rocm5.7'], dir);
    assert.equal(missing.ok, false);
    assert.match(missing.stderr, /No matching distribution found for torch==2\.2\.0\+rocm5\.7/);
    assert.equal((await pip(['torch==2.2.0+rocm5.7', '--extra-index-url', whl('rocm5.7')], dir)).installed.get('torch'), '2.2.0+rocm5.7');
    assert.ok(index.requests.some((p) => p.startsWith('/whl/rocm5.7/torch')), index.requests.join(' '));
  });
});

for (const example of ['examples/seed-project', 'examples/seed-project-after-naive-fix']) {
  describe(`${example}: pyproject.toml, installed with pip`, () => {
    test('the finding names the project\'s install paths; pip fails as it says before the fix and succeeds after', async () => {
      const dir = project(example);
      const result = await check(dir);
      const env = result.environments.find((e) => e.path.endsWith('/pyproject.toml'))!;
      assert.equal(env.installer.name, 'pip');
      const [finding] = findingsOf(result, 'pyproject.toml');
      assert.ok(finding, 'the pyproject pin of torch==2.2.0+rocm5.7 is reported');
      assert.match(finding.message, /"pip install \." reads no index/);
      assert.match(finding.message, /requirements\.txt:5 and server-setup\.sh:9 install it from https:\/\/download\.pytorch\.org\/whl\/rocm5\.7/);
      assert.deepEqual(finding.related?.map((r) => `${r.path.slice(dir.length + 1)}:${r.range.start.line + 1}`), ['requirements.txt:5', 'server-setup.sh:9']);
      assert.deepEqual(findingsOf(result, 'requirements.txt'), []);
      assert.deepEqual(findingsOf(result, 'server-setup.sh'), []);

      const runnable = project(example);
      toLoopback(runnable);
      // Before: `pip install .` reads no index, so pip finds no +rocm5.7 torch.
      const before = await pip([projectWheel(runnable)], runnable);
      assert.equal(before.ok, false);
      assert.match(before.stderr, /No matching distribution found for torch==2\.2\.0\+rocm5\.7/);
      // The install paths the finding names do install it from the rocm5.7 index.
      assert.equal((await pip(['-r', 'requirements.txt'], runnable)).installed.get('torch'), '2.2.0+rocm5.7');
      const line9 = await scriptLines(runnable, 'server-setup.sh', [9]);
      assert.ok(line9.ok, line9.stderr);
      assert.equal(line9.installed.get('torch'), '2.2.0+rocm5.7');
      assert.equal(line9.installed.get('torchvision'), '0.17.0+rocm5.7');

      // ml-pins fix: the public version in pyproject.toml, no uv tables in a project that does not use uv.
      const fixed = await fix(dir);
      const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
      assert.doesNotMatch(pyproject, /tool\.uv/);
      assert.match(pyproject, /^ {4}"torch==2\.2\.0",$/m);
      assert.deepEqual(fixed.files.flatMap((f) => f.findings.filter((x) => x.code === CODE)), []);

      // After: pip resolves the project; with the index its install paths give, it takes the rocm5.7 build, since
      // `==2.2.0` (no local label) matches 2.2.0+rocm5.7 and the local version sorts above the public one.
      cpSync(join(dir, 'pyproject.toml'), join(runnable, 'pyproject.toml'));
      toLoopback(runnable);
      const wheel = projectWheel(runnable);
      const plain = await pip([wheel], runnable);
      assert.ok(plain.ok, plain.stderr);
      assert.equal(plain.installed.get('torch'), '2.2.0');
      const withIndex = await pip([wheel, '--extra-index-url', whl('rocm5.7')], runnable);
      assert.ok(withIndex.ok, withIndex.stderr);
      assert.equal(withIndex.installed.get('torch'), '2.2.0+rocm5.7');
      // The project after requirements.txt, as server-setup.sh runs them: what is installed satisfies the new pin.
      const afterRequirements = await pip(['-r', 'requirements.txt', wheel], runnable);
      assert.ok(afterRequirements.ok, afterRequirements.stderr);
      assert.equal(afterRequirements.installed.get('torch'), '2.2.0+rocm5.7');
    });
  });
}

describe('index fixes pip can exercise', () => {
  test('a requirement file gets --extra-index-url: pip fails before, takes the cu121 builds after', async () => {
    const files = { 'requirements.txt': 'torch==2.2.0+cu121\ntorchvision==0.17.0+cu121\nnumpy>=1.24,<2\n' };
    const dir = project(files);
    assert.equal(findingsOf(await check(dir), 'requirements.txt').length, 2);
    const runnable = project(files);
    toLoopback(runnable);
    const before = await pip(['-r', 'requirements.txt'], runnable);
    assert.equal(before.ok, false);
    assert.match(before.stderr, /No matching distribution found for torch==2\.2\.0\+cu121/);
    const fixed = await fix(dir);
    assert.deepEqual(fixed.files.flatMap((f) => f.findings.filter((x) => x.code === CODE)), []);
    const text = readFileSync(join(dir, 'requirements.txt'), 'utf8');
    assert.equal(text, `--extra-index-url https://download.pytorch.org/whl/cu121\n${files['requirements.txt']}`);
    cpSync(join(dir, 'requirements.txt'), join(runnable, 'requirements.txt'));
    toLoopback(runnable);
    const afterFix = await pip(['-r', 'requirements.txt'], runnable);
    assert.ok(afterFix.ok, afterFix.stderr);
    assert.equal(afterFix.installed.get('torch'), '2.2.0+cu121');
    assert.equal(afterFix.installed.get('torchvision'), '0.17.0+cu121');
    assert.equal(afterFix.installed.get('numpy'), '1.26.4');
  });

  test('a script\'s pip line gets --extra-index-url on its command line: the shell runs it, pip fails before and succeeds after', async () => {
    const files = { 'install.sh': '#!/usr/bin/env bash\nset -euo pipefail\npip install torch==2.2.0+rocm5.7 torchvision==0.17.0+rocm5.7 "numpy<2"\n' };
    const dir = project(files);
    assert.equal(findingsOf(await check(dir), 'install.sh').length, 2);
    const runnable = project(files);
    toLoopback(runnable);
    const before = await scriptLines(runnable, 'install.sh', [3]);
    assert.equal(before.ok, false);
    assert.match(before.stderr, /No matching distribution found for torch==2\.2\.0\+rocm5\.7/);
    await fix(dir);
    assert.equal(readFileSync(join(dir, 'install.sh'), 'utf8').split('\n')[2],
      'pip install torch==2.2.0+rocm5.7 torchvision==0.17.0+rocm5.7 "numpy<2" --extra-index-url https://download.pytorch.org/whl/rocm5.7');
    cpSync(join(dir, 'install.sh'), join(runnable, 'install.sh'));
    toLoopback(runnable);
    const afterFix = await scriptLines(runnable, 'install.sh', [3]);
    assert.ok(afterFix.ok, afterFix.stderr);
    assert.equal(afterFix.installed.get('torch'), '2.2.0+rocm5.7');
  });

  const pyprojectText = '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n' +
    '[project]\nname = "gpu-app"\nversion = "1.0.0"\ndependencies = [\n    "torch==2.2.0+rocm5.7",\n    "numpy>=1.24,<2",\n]\n';

  test('a pyproject installed by a script\'s `pip install .`: the public version there, the index on that command line', async () => {
    const files = { 'pyproject.toml': pyprojectText, 'install.sh': '#!/usr/bin/env bash\nset -e\npip install .\n' };
    const dir = project(files);
    const [finding] = findingsOf(await check(dir), 'pyproject.toml');
    assert.match(finding.message, /install\.sh:3 installs the project without that index/);
    assert.deepEqual(finding.related?.map((r) => r.message), ['installs this project (.) without https://download.pytorch.org/whl/rocm5.7']);
    const runnable = project(files);
    toLoopback(runnable);
    const before = await scriptLines(runnable, 'install.sh', [3], projectWheel(runnable));
    assert.equal(before.ok, false);
    assert.match(before.stderr, /No matching distribution found for torch==2\.2\.0\+rocm5\.7/);
    const fixed = await fix(dir);
    assert.deepEqual(fixed.files.flatMap((f) => f.findings.filter((x) => x.code === CODE)), []);
    assert.equal(readFileSync(join(dir, 'install.sh'), 'utf8').split('\n')[2], 'pip install . --extra-index-url https://download.pytorch.org/whl/rocm5.7');
    assert.match(readFileSync(join(dir, 'pyproject.toml'), 'utf8'), /"torch==2\.2\.0",/);
    for (const name of ['pyproject.toml', 'install.sh']) cpSync(join(dir, name), join(runnable, name));
    toLoopback(runnable);
    const afterFix = await scriptLines(runnable, 'install.sh', [3], projectWheel(runnable));
    assert.ok(afterFix.ok, afterFix.stderr);
    assert.equal(afterFix.installed.get('torch'), '2.2.0+rocm5.7');
    assert.equal(afterFix.installed.get('gpu-app'), '1.0.0');
  });

  test('a pyproject whose every install reads the index is not reported, and pip takes the build there', async () => {
    const files = { 'pyproject.toml': pyprojectText, 'install.sh': 'pip install . --extra-index-url https://download.pytorch.org/whl/rocm5.7\n' };
    const dir = project(files);
    assert.deepEqual(findingsOf(await check(dir), 'pyproject.toml'), []);
    toLoopback(dir);
    const r = await scriptLines(dir, 'install.sh', [1], projectWheel(dir));
    assert.ok(r.ok, r.stderr);
    assert.equal(r.installed.get('torch'), '2.2.0+rocm5.7');
  });
});
