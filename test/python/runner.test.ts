// python/ml_pins_runner.py (the entry of the python/ml_pins_runner package), end to end and offline: real python3, real venvs, real `pip install --no-index
// --find-links` of wheels built here by build_wheels.py (stand-ins for huggingface_hub 0.25.2/0.26.0, diffusers
// 0.21.0/0.29.0, torch +cpu/+cu121, transformers), and downloads from the loopback fake Hub (test/hub/fake-hub.ts)
// through HF_ENDPOINT. Three groups run concurrently, each with its own environment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { makeVenv as makeVenvIn } from '../support/python';
import { diffusersRepo, EXPECTED_SD_FILES, startFakeHub, transformersRepo, type FakeHub } from '../hub/fake-hub';
import { isValidRepoId, MODEL_ALIASES as TS_ALIASES } from '../../src/hub/aliases';
import { selectPipelineFiles } from '../../src/hub/files';
import { classifyHub } from '../../src/extension/testGeneration/hubUrl';
import { parseSummary, RUNNER_STEPS, SUMMARY_SCHEMA, validateSchema, type RunnerSummary } from '../../src/extension/testGeneration/protocol';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = join(ROOT, 'python', 'ml_pins_runner.py');
const BUILD_WHEELS = join(ROOT, 'test', 'python', 'build_wheels.py');
const PYTHON = process.env.ML_PINS_TEST_PYTHON ?? 'python3';
const TOKEN = `hf_${randomBytes(16).toString('hex')}`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string;
let wheels: string;
let hub: FakeHub;
/** Command lines of processes that held the token while the Hub served an authorized request. */
const tokenInArgv: string[] = [];
let argvScans = 0;

/** Async (the fake Hub answers from this process's event loop), never through a shell, killed after a deadline. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = work, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A hermetic environment: no pip config or index of this machine, no Hub token, PATH limited to `path`. */
function env(path: string[], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(PIP_|HF_|HUGGING|PYTHON|VIRTUAL_ENV)/.test(k)) base[k] = v;
  }
  return {
    ...base,
    PATH: path.join(':'),
    PIP_CONFIG_FILE: '/dev/null',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}

/** The summary file of `all`, read and checked against the protocol's schema by the extension's own reader. */
function readSummary(file: string): RunnerSummary {
  const parsed = parseSummary(readFileSync(file, 'utf8'));
  if ('error' in parsed) assert.fail(parsed.error);
  return parsed.summary;
}

/** In a terminal (no --json), `all` prints readable lines only: no JSON, and each ✗ line once. */
function assertReadableTerminal(r: Result): void {
  for (const line of (r.stdout + r.stderr).split('\n')) assert.ok(!/^\s*[{[]/.test(line), `raw JSON on the terminal: ${line}`);
  const crosses = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('✗'));
  assert.equal(new Set(crosses).size, crosses.length, `a ✗ line is printed twice:\n${crosses.join('\n')}`);
}

/** The last stdout line, parsed: the runner's JSON summary. */
function lastJson(r: Result): Record<string, unknown> {
  const lines = r.stdout.trim().split('\n');
  const last = lines[lines.length - 1];
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    assert.fail(`last stdout line is not JSON: ${last}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** A venv for these tests; a pip bootstrap runs in the hermetic environment. */
function makeVenv(dir: string, withPip: boolean): string {
  return makeVenvIn(dir, withPip, env([join(dir, 'bin')]));
}

function runner(py: string, args: string[], extra: Record<string, string> = {}, path?: string[]): Promise<Result> {
  return run(py, [RUNNER, ...args], env(path ?? [join(py, '..')], { HF_ENDPOINT: hub.url, ...extra }));
}

function pngInfo(file: string): { width: number; height: number; pixels: Buffer } {
  const data = readFileSync(file);
  assert.deepEqual([...data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(data.subarray(12, 16).toString('latin1'), 'IHDR');
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length; ) {
    const len = data.readUInt32BE(at);
    if (data.subarray(at + 4, at + 8).toString('latin1') === 'IDAT') idat.push(data.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), pixels: inflateSync(Buffer.concat(idat)) };
}

function scanArgvForToken(): void {
  if (!existsSync('/proc/self/cmdline')) return;
  argvScans++;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (cmdline.includes(TOKEN)) tokenInArgv.push(cmdline.replace(/\0/g, ' '));
    } catch {
      // the process ended meanwhile
    }
  }
}

const tinySd = diffusersRepo('test-org/tiny-sd', '0.29.0');

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ml-pins-runner-'));
  wheels = join(work, 'wheels');
  const built = spawnSync(PYTHON, [BUILD_WHEELS, wheels], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  hub = await startFakeHub({
    repos: [
      tinySd,
      diffusersRepo('test-org/newer-sd', '0.31.0.dev0'),
      diffusersRepo('test-org/gated-sd', '0.29.0', { gated: 'manual' }),
      diffusersRepo('test-org/interrupted-sd', '0.29.0'),
      transformersRepo('test-org/tiny-gpt', '4.41.2'),
    ],
    validToken: TOKEN,
    onAuthorizedRequest: scanArgvForToken,
  });
  writeFileSync(join(work, 'broken.txt'), 'diffusers==0.21.0\nhuggingface_hub==0.26.0\ntorch==2.3.0+cu121\n');
  writeFileSync(join(work, 'fixed.txt'), '# fixed pins\ndiffusers==0.29.0\nhuggingface_hub==0.26.0\ntorch==2.3.0+cpu\ntransformers==4.41.2\n');
  writeFileSync(join(work, 'missing.txt'), 'diffusers==0.99.0\n');
});

after(async () => {
  await hub?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const offline = () => ['--no-index', '--find-links', wheels];
const resolved = () => hub.requests.filter((r) => r.path.includes('/resolve/'));

test('python runner', { concurrency: true }, async (t) => {
  // (a) diffusers 0.21.0 with huggingface_hub 0.26.0: `import diffusers` dies on cached_download.
  const broken = t.test('broken pins: doctor and all report hf-hub-cached-download', async (t) => {
    const py = makeVenv(join(work, 'venv-broken'), true);

    await t.test('install reports each package as satisfied', async () => {
      const r = await runner(py, ['install', '--requirements', join(work, 'broken.txt'), ...offline()]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /✓ diffusers 0\.21\.0/);
      assert.match(r.stdout, /✓ huggingface-hub 0\.26\.0/);
      assert.match(r.stdout, /✓ torch 2\.3\.0\+cu121/);
    });

    await t.test('doctor --json: one JSON object, both versions named, exit 0', async () => {
      const r = await runner(py, ['doctor', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as {
        python: string;
        executable: string;
        hardware: { accelerator: string; count: number; source: string };
        packages: Record<string, string | null>;
        problems: { code: string; packages: string[]; message: string; versions?: Record<string, string> }[];
      };
      assert.match(report.python, /^3\.\d+\.\d+$/);
      assert.equal(realpathSync(report.executable), realpathSync(py));
      assert.equal(report.packages.diffusers, '0.21.0');
      assert.equal(report.packages['huggingface-hub'], '0.26.0');
      assert.equal(report.packages.numpy, null);
      const hubProblem = report.problems.find((p) => p.code === 'hf-hub-cached-download');
      assert.ok(hubProblem, JSON.stringify(report.problems));
      assert.deepEqual(hubProblem.packages, ['diffusers', 'huggingface-hub']);
      assert.deepEqual(hubProblem.versions, { diffusers: '0.21.0', 'huggingface-hub': '0.26.0' });
      assert.match(hubProblem.message, /0\.21\.0/);
      assert.match(hubProblem.message, /0\.26\.0/);
      // A +cu121 torch on a machine without an NVIDIA GPU (PATH has no nvidia-smi; the stand-in torch sees no GPU).
      assert.equal(report.hardware.accelerator, 'cpu');
      assert.ok(report.problems.some((p) => p.code === 'torch-accelerator-variant' && /CUDA build/.test(p.message)));
    });

    await t.test('doctor without --json prints the hardware line and the rule code', async () => {
      const r = await runner(py, ['doctor']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Detected hardware: no GPU found; running on CPU \(memory \d+\.\dGB\)$/m);
      assert.match(r.stdout, /\[hf-hub-cached-download\] diffusers 0\.21\.0/);
    });

    await t.test('all stops after install with the diagnosis, not a traceback, and downloads nothing', async () => {
      const summaryFile = join(work, 'broken-summary.json');
      const r = await runner(py, ['all', '--summary-file', summaryFile, '--requirements', join(work, 'broken.txt'), ...offline(), '--model', 'test-org/only-for-broken']);
      assert.notEqual(r.code, 0);
      const summary = readSummary(summaryFile) as RunnerSummary & { error: { versions: Record<string, string> } };
      assertReadableTerminal(r);
      assert.equal(summary.ok, false);
      assert.equal(summary.failed_step, 'install');
      assert.equal(summary.error.code, 'hf-hub-cached-download');
      assert.deepEqual(summary.error.versions, { diffusers: '0.21.0', 'huggingface-hub': '0.26.0' });
      assert.match(r.stdout, /=== Step 1\/4: Checking the environment \(doctor\) ===/);
      assert.match(r.stdout, /=== Step 2\/4: Installing the project's pins ===/);
      assert.match(r.stdout.trim().split('\n').pop()!, /^✗ install failed \[hf-hub-cached-download\]: diffusers 0\.21\.0/);
      assert.doesNotMatch(r.stdout + r.stderr, /Traceback/);
      assert.ok(!hub.requests.some((q) => q.path.includes('only-for-broken')), 'nothing was fetched');
    });

    await t.test('with huggingface_hub 0.25.2 (which still has cached_download) the problem is gone', async () => {
      const r = await runner(py, ['install', '--packages', 'huggingface_hub==0.25.2', ...offline()]);
      assert.equal(r.code, 0, r.stdout);
      const report = JSON.parse((await runner(py, ['doctor', '--json'])).stdout) as { problems: { code: string }[] };
      assert.deepEqual(report.problems.map((p) => p.code), ['torch-accelerator-variant']);
    });
  });

  // (b) diffusers 0.29.0 with hub 0.26.0, (c) gated models, (f) pip failures, installers, text models.
  const fixed = t.test('fixed pins: install, download, generate; gated models; pip failures', async (t) => {
    const py = makeVenv(join(work, 'venv-fixed'), true);
    const hfHome = join(work, 'hf-home-fixed');
    const out = join(work, 'out');
    const hfEnv = { HF_HOME: hfHome };

    let firstPng = '';
    await t.test('all: install, download from the loopback Hub, generate a PNG; last line is JSON', async () => {
      const before = resolved().length;
      const r = await runner(py, [
        'all', '--model', 'test-org/tiny-sd', '--output-dir', out, '--seed', '7', '--steps', '3',
        '--summary-file', join(out, 'last-run.json'), '--requirements', join(work, 'fixed.txt'), ...offline(),
      ], hfEnv);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      for (const step of ['1/4', '2/4', '3/4', '4/4']) assert.match(r.stdout, new RegExp(`=== Step ${step}`));
      assert.match(r.stdout, /✓ diffusers 0\.29\.0/);
      assertReadableTerminal(r);
      const summary = readSummary(join(out, 'last-run.json'));
      assert.equal(r.stdout.trim().split('\n').pop(), `✓ Test generation worked: ${summary.output} (${summary.seconds} s)`);
      assert.equal(summary.ok, true);
      assert.equal(summary.model, 'test-org/tiny-sd');
      assert.equal(typeof summary.seconds, 'number');
      assert.ok(summary.output?.startsWith(out + '/') && summary.output.endsWith('.png'), summary.output);
      const png = pngInfo(summary.output!);
      assert.deepEqual([png.width, png.height], [256, 256]);
      assert.equal(png.pixels.length, 256 * (1 + 256 * 3));
      firstPng = summary.output!;
      assert.deepEqual(Object.keys(summary.steps), ['doctor', 'install', 'download', 'generate']);
      assert.deepEqual(readdirSync(out).filter((f) => /tmp|partial/.test(f)), [], 'no temporary files left');
      // Only what the pipeline needs: fp16 safetensors, configs, tokenizer; no .bin/.ckpt/root checkpoint/README.
      const fetched = resolved().slice(before).map((q) => decodeURIComponent(q.path.replace(/^\/test-org\/tiny-sd\/resolve\/main\//, '')));
      assert.deepEqual([...new Set(fetched)].sort(), EXPECTED_SD_FILES);
    });

    await t.test('generate reuses the cached download without network and is deterministic in the seed', async () => {
      const before = hub.requests.length;
      const again = await runner(py, ['generate', '--model', 'test-org/tiny-sd', '--output-dir', join(out, 'again'), '--seed', '7', '--steps', '3'], hfEnv);
      assert.equal(again.code, 0, again.stderr);
      assert.ok(!hub.requests.slice(before).some((q) => q.path.includes('tiny-sd')), 'no Hub request');
      const same = lastJson(again) as { output: string };
      assert.ok(readFileSync(same.output).equals(readFileSync(firstPng)));
      const other = await runner(py, ['generate', '--model', 'test-org/tiny-sd', '--output-dir', join(out, 'other'), '--seed', '8', '--steps', '3', '--width', '128', '--height', '64'], hfEnv);
      assert.equal(other.code, 0, other.stderr);
      const png = pngInfo((lastJson(other) as { output: string }).output);
      assert.deepEqual([png.width, png.height], [128, 64]);
      assert.ok(!readFileSync((lastJson(other) as { output: string }).output).equals(readFileSync(firstPng)));
    });

    await t.test('generate of a model that was never downloaded says so', async () => {
      const r = await runner(py, ['generate', '--model', 'test-org/newer-sd'], { HF_HOME: join(work, 'hf-home-empty') });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\[model-not-downloaded\]/);
    });

    await t.test('download reports a model saved with a newer diffusers than installed', async () => {
      const r = await runner(py, ['download', '--model', 'test-org/newer-sd', '--json'], hfEnv);
      assert.equal(r.code, 0, r.stderr);
      const res = lastJson(r) as { library: { library: string; model_version: string; installed: string; needs_newer: boolean; code: string } };
      assert.deepEqual(
        { ...res.library, message: undefined },
        { library: 'diffusers', model_version: '0.31.0.dev0', installed: '0.29.0', needs_newer: true, code: 'model-needs-newer-library', message: undefined },
      );
      const ok = lastJson(await runner(py, ['download', '--model', 'test-org/tiny-sd', '--json'], hfEnv)) as { library: { needs_newer: boolean } };
      assert.equal(ok.library.needs_newer, false);
    });

    await t.test('a transformers model: download, then text generation to a .txt', async () => {
      const dl = await runner(py, ['download', '--model', 'test-org/tiny-gpt', '--json'], hfEnv);
      assert.equal(dl.code, 0, dl.stderr);
      assert.deepEqual((lastJson(dl) as { files: string[] }).files, ['config.json', 'merges.txt', 'model.safetensors', 'tokenizer_config.json', 'vocab.json']);
      const r = await runner(py, ['generate', '--model', 'test-org/tiny-gpt', '--output-dir', out, '--prompt', 'Hello there', '--max-new-tokens', '5'], hfEnv);
      assert.equal(r.code, 0, r.stderr);
      const summary = lastJson(r) as { ok: boolean; output: string; kind: string };
      assert.equal(summary.kind, 'text');
      const text = readFileSync(summary.output, 'utf8');
      assert.ok(text.startsWith('Hello there '), text);
      assert.equal(text.split(' ').length, 2 + 5);
    });

    await t.test('gated model without a token: a clear message and no file request', async () => {
      const before = resolved().length;
      const r = await runner(py, ['download', '--model', 'test-org/gated-sd'], hfEnv);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /\[model-gated\] test-org\/gated-sd is gated/);
      assert.match(r.stderr, /accept its license/);
      assert.match(r.stderr, /no Hugging Face token is set/);
      assert.equal(resolved().length, before);
    });

    await t.test('gated model with a token that has no access: the Hub 403 becomes the same message', async () => {
      const r = await runner(py, ['download', '--model', 'test-org/gated-sd', '--json'], { ...hfEnv, HF_TOKEN: 'hf_noAccessToThisOne' });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      const res = lastJson(r) as { ok: boolean; error: { code: string; message: string } };
      assert.equal(res.error.code, 'model-gated');
      assert.match(res.error.message, /HF_TOKEN is set but the account has no access/);
      assert.doesNotMatch(r.stdout + r.stderr, /hf_noAccessToThisOne/);
    });

    await t.test('gated model with HF_TOKEN: downloads; the token is in no output and no argv', async () => {
      const scans = argvScans;
      const hits = join(work, 'argv-hits.txt');
      const seen = join(work, 'argv-seen.txt');
      const r = await runner(py, ['all', '--json', '--model', 'test-org/gated-sd', '--output-dir', join(out, 'gated')], {
        ...hfEnv,
        HF_TOKEN: TOKEN,
        // sitecustomize.py audits the argv of every Python process of the run and of every process they start.
        PYTHONPATH: join(ROOT, 'test', 'python', 'argv_audit'),
        ML_PINS_ARGV_HITS: hits,
        ML_PINS_ARGV_SEEN: seen,
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal((lastJson(r) as { ok: boolean }).ok, true);
      assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), 'token printed');
      assert.ok(hub.requests.some((q) => q.authorized && q.path.startsWith('/test-org/gated-sd/resolve/')));
      if (existsSync('/proc/self/cmdline')) assert.ok(argvScans > scans, 'argv was scanned while the token was in use');
      assert.deepEqual(tokenInArgv, []);
      // The runner and its import-check subprocesses were all audited, and none carried the token in its argv.
      assert.ok(readFileSync(seen, 'utf8').trim().split('\n').length >= 3, 'the audit hook saw the processes');
      assert.equal(existsSync(hits) ? readFileSync(hits, 'utf8') : '', '');
    });

    await t.test('a model that does not exist: not-found (exit 4), not mistaken for a gated one', async () => {
      const r = await runner(py, ['download', '--model', 'test-org/does-not-exist', '--json'], hfEnv);
      assert.equal(r.code, 4, r.stdout + r.stderr);
      const res = lastJson(r) as { error: { code: string; message: string } };
      assert.equal(res.error.code, 'model-not-found');
      assert.match(res.error.message, /test-org\/does-not-exist was not found on http:\/\/127\.0\.0\.1:\d+/);
    });

    await t.test('pip failure: a missing package stops install with the reason', async () => {
      const r = await runner(py, ['install', '--packages', 'does-not-exist==1.0', ...offline(), '--json']);
      assert.equal(r.code, 1);
      const res = lastJson(r) as { ok: boolean; error: { code: string; package: string; message: string } };
      assert.equal(res.ok, false);
      assert.equal(res.error.code, 'pip-no-matching-distribution');
      assert.equal(res.error.package, 'does-not-exist');
      assert.match(r.stderr, /No matching distribution found for does-not-exist==1\.0/, 'pip output is streamed');

      const all = await runner(py, ['all', '--json', '--requirements', join(work, 'missing.txt'), ...offline(), '--model', 'test-org/only-for-pip-failure'], hfEnv);
      assert.equal(all.code, 1);
      const summary = lastJson(all) as { failed_step: string; error: { code: string; message: string; packages: string[] } };
      assert.deepEqual(validateSchema(summary, SUMMARY_SCHEMA), []);
      assert.equal(summary.failed_step, 'install');
      assert.deepEqual(summary.error.packages, ['diffusers'], 'the package is named so the editor can show its pin');
      assert.match(summary.error.message, /diffusers==0\.99\.0/);
      assert.ok(!hub.requests.some((q) => q.path.includes('only-for-pip-failure')), 'nothing was fetched');
    });

    await t.test("--command runs the project's own installer with the same interpreter", async () => {
      const marker = join(work, 'installer-ran.txt');
      const script = join(work, 'install_project.py');
      writeFileSync(script, `import sys\nopen(${JSON.stringify(marker)}, "w").write(sys.executable + " " + " ".join(sys.argv[1:]))\nsys.exit(int(sys.argv[-1]))\n`);
      const ok = await runner(py, ['install', '--command', 'python', script, '--flavor', 'cpu', '0']);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.equal(readFileSync(marker, 'utf8'), `${py} --flavor cpu 0`);
      const bad = await runner(py, ['install', '--command', script, '3']);
      assert.equal(bad.code, 1);
      assert.match(bad.stdout, /install failed \[installer-failed\]/);
    });

    await t.test('the Hub token reaches neither pip nor the project\'s installer', async () => {
      const dump = join(work, 'installer-env.json');
      const script = join(work, 'dump_env.py');
      writeFileSync(script, `import json, os, sys\nopen(${JSON.stringify(dump)}, "w").write(json.dumps(dict(os.environ)))\n`);
      const tokens = { HF_TOKEN: TOKEN, HUGGING_FACE_HUB_TOKEN: TOKEN };
      const r = await runner(py, ['install', '--command', 'python', script], tokens);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const seen = JSON.parse(readFileSync(dump, 'utf8')) as Record<string, string>;
      assert.ok(seen.PATH, 'the installer got an environment');
      assert.equal(seen.HF_TOKEN, undefined);
      assert.equal(seen.HUGGING_FACE_HUB_TOKEN, undefined);
      assert.ok(!Object.values(seen).some((v) => v.includes(TOKEN)), 'the token is in no variable');
      // pip, and the sdist build it runs (setup.py is the project's code): a source tree whose setup.py dumps its env.
      const hasSetuptools = spawnSync(py, ['-c', 'import setuptools']).status === 0;
      if (hasSetuptools) {
        const sdist = join(work, 'envdump-project');
        const pipDump = join(work, 'sdist-env.json');
        mkdirSync(sdist, { recursive: true });
        writeFileSync(join(sdist, 'setup.py'), `import json, os\nfrom setuptools import setup\nopen(${JSON.stringify(pipDump)}, "w").write(json.dumps(dict(os.environ)))\nsetup(name="envdump", version="0.1")\n`);
        const pip = await runner(py, ['install', '--packages', sdist, '--no-index', '--pip-arg=--no-build-isolation'], tokens);
        assert.ok(existsSync(pipDump), `the sdist build did not run:\n${pip.stdout}${pip.stderr}`);
        const built = JSON.parse(readFileSync(pipDump, 'utf8')) as Record<string, string>;
        assert.equal(built.HF_TOKEN, undefined);
        assert.ok(!Object.values(built).some((v) => v.includes(TOKEN)), 'the sdist build saw the token');
      }
    });

    await t.test('an interrupted download leaves a partial snapshot: generate detects it and downloads again', async () => {
      const env = { HF_HOME: join(work, 'hf-home-interrupted') };
      const weights = 'unet/diffusion_pytorch_model.fp16.safetensors';
      hub.interrupt(`test-org/interrupted-sd/${weights}`);
      const first = await runner(py, ['download', '--model', 'test-org/interrupted-sd', '--json'], env);
      assert.equal(first.code, 1, first.stdout + first.stderr);
      assert.equal((lastJson(first) as { error: { code: string } }).error.code, 'download-failed');
      const fetchedWeights = () => hub.requests.filter((q) => q.path === `/test-org/interrupted-sd/resolve/main/${weights}`).length;
      assert.equal(fetchedWeights(), 1);
      const r = await runner(py, ['generate', '--model', 'test-org/interrupted-sd', '--output-dir', join(out, 'interrupted'), '--steps', '2'], env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /! the downloaded copy of test-org\/interrupted-sd is incomplete \(.*(is missing|has no weights).*\); downloading it again/);
      assert.equal(fetchedWeights(), 2, 'the missing weights were fetched again');
      assert.ok(pngInfo((lastJson(r) as { output: string }).output).width > 0);
      // A complete snapshot is used as it is: no Hub request.
      const before = hub.requests.length;
      const again = await runner(py, ['generate', '--model', 'test-org/interrupted-sd', '--output-dir', join(out, 'interrupted'), '--steps', '2'], env);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(hub.requests.length, before);
    });

    await t.test('a full disk: the summary and the image are never left 0-byte, and the failure is one line', async (t) => {
      const disk = join(work, 'full-disk');
      mkdirSync(disk, { recursive: true });
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]).status !== 0) {
        t.skip('mounting a tmpfs needs root');
        return;
      }
      try {
        const previous = JSON.stringify({ previous: 'run' });
        writeFileSync(join(disk, 'last-run.json'), previous);
        try {
          writeFileSync(join(disk, 'filler'), Buffer.alloc(1 << 20));
        } catch {
          // ENOSPC: the disk is full now
        }
        const gen = await runner(py, ['generate', '--model', 'test-org/tiny-sd', '--output-dir', disk, '--steps', '2'], hfEnv);
        assert.equal(gen.code, 1, gen.stdout + gen.stderr);
        assert.doesNotMatch(gen.stdout + gen.stderr, /Traceback/);
        assert.match(gen.stderr, /^✗ \[output-write-failed\] could not write .*\.png: No space left on device$/m);
        assert.deepEqual(readdirSync(disk).sort(), ['filler', 'last-run.json'], 'no 0-byte or partial image');

        const all = await runner(py, ['all', '--model', 'test-org/tiny-sd', '--output-dir', join(out, 'full-disk'), '--steps', '2',
          '--summary-file', join(disk, 'last-run.json')], hfEnv);
        assert.equal(all.code, 1, all.stdout + all.stderr);
        assert.doesNotMatch(all.stdout + all.stderr, /Traceback/);
        assert.match(all.stdout, /^✗ could not write the summary .*last-run\.json: No space left on device$/m);
        assert.equal(readFileSync(join(disk, 'last-run.json'), 'utf8'), previous, 'the previous summary is intact');
        assert.deepEqual(readdirSync(disk).sort(), ['filler', 'last-run.json']);
      } finally {
        spawnSync('umount', [disk]);
      }
    });
  });

  // (d) hardware without torch, (e) model ids, and the tables the Python and TypeScript sides share.
  const bare = t.test('no torch: hardware from nvidia-smi / rocm-smi / meminfo; model ids; shared tables', async (t) => {
    const py = makeVenv(join(work, 'venv-bare'), false);
    const bin = (name: string, files: Record<string, string>): string => {
      const dir = join(work, name);
      mkdirSync(dir, { recursive: true });
      for (const [file, body] of Object.entries(files)) {
        writeFileSync(join(dir, file), body);
        chmodSync(join(dir, file), 0o755);
      }
      return dir;
    };
    // The fake tools answer only the exact arguments the runner must pass.
    const nvidia = bin('bin-nvidia', {
      'nvidia-smi': '#!/bin/sh\n[ "$*" = "--query-gpu=memory.total --format=csv,noheader,nounits" ] || exit 9\nprintf "24576\\n16384\\n"\n',
    });
    const rocm = bin('bin-rocm', {
      'rocm-smi':
        '#!/bin/sh\n[ "$*" = "--showmeminfo vram --json" ] || exit 9\n' +
        'echo "WARNING: AMD GPU device(s) is/are in a low-power state. Check power control/runtime_status"\n' +
        'echo \'{"card0": {"VRAM Total Memory (B)": "17163091968", "VRAM Total Used Memory (B)": "10637312"}}\'\n',
      // nvidia-smi exists but fails (driver not loaded): the AMD card must still be found.
      'nvidia-smi': '#!/bin/sh\necho "NVIDIA-SMI has failed" >&2\nexit 9\n',
    });
    const empty = bin('bin-empty', {});
    const doctor = async (path: string[]) => {
      const r = await run(py, [RUNNER, 'doctor', '--json'], env(path));
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { hardware: Record<string, unknown>; packages: Record<string, string | null>; problems: unknown[] };
    };

    await t.test('nvidia-smi -> cuda, memory of the largest GPU, GPU count', async () => {
      const report = await doctor([nvidia, '/bin', '/usr/bin']);
      assert.equal(report.packages.torch, null);
      assert.deepEqual(report.hardware, { accelerator: 'cuda', memory_gb: 24, count: 2, source: 'nvidia-smi', torch_build: null });
      assert.deepEqual(report.problems, []);
      const human = await run(py, [RUNNER, 'doctor'], env([nvidia, '/bin', '/usr/bin']));
      assert.match(human.stdout, /^Detected hardware: GPU=cuda, Memory=24\.0GB, Count=2$/m);
    });

    await t.test('rocm-smi JSON after a warning line -> rocm 16.0 GB', async () => {
      const report = await doctor([rocm, '/bin', '/usr/bin']);
      assert.deepEqual(report.hardware, { accelerator: 'rocm', memory_gb: 16, count: 1, source: 'rocm-smi', torch_build: null });
      const human = await run(py, [RUNNER, 'doctor'], env([rocm, '/bin', '/usr/bin']));
      assert.match(human.stdout, /^Detected hardware: GPU=rocm, Memory=16\.0GB, Count=1$/m);
    });

    await t.test('no GPU tools -> cpu with the memory of /proc/meminfo', async () => {
      const report = await doctor([empty]);
      assert.equal(report.hardware.accelerator, 'cpu');
      assert.equal(report.hardware.count, 0);
      if (existsSync('/proc/meminfo')) {
        const kb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
        assert.equal(report.hardware.memory_gb, Math.round((kb / 2 ** 20) * 10) / 10);
      }
    });

    await t.test('invalid model ids are rejected before anything is imported or fetched', async () => {
      const bads = ['../etc/passwd', 'no-slash', 'a/b c', 'https://huggingface.co/a/b', 'a/../b', '-x/y', 'a/b/c', 'a/.', 'a/-x', 'a/b.'];
      for (const bad of bads) {
        const r = await runner(py, ['download', `--model=${bad}`, '--json']);
        assert.equal(r.code, 2, bad);
        assert.equal((lastJson(r) as { error: { code: string } }).error.code, 'invalid-model-id', bad);
      }
      const all = await runner(py, ['all', '--model', 'bad id']);
      assert.equal(all.code, 2);
      assert.match(all.stderr, /invalid model id/);
      assert.ok(!hub.requests.some((q) => bads.some((b) => decodeURIComponent(q.path).includes(b))));
      // A valid id gets past validation and fails on the missing huggingface_hub instead.
      const missing = await runner(py, ['download', '--model', 'sd-1.5']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /\[missing-package\] huggingface-hub is not installed/);
    });

    await t.test('the alias table and the file selection match src/hub', async () => {
      const code = [
        'import json, sys',
        `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'python'))})`,
        'import ml_pins_runner as r',
        'cases = json.loads(sys.stdin.read())',
        'print(json.dumps({"aliases": r.MODEL_ALIASES, "selections": [r.select_pipeline_files(c["files"], c.get("components")) for c in cases]}))',
      ].join('\n');
      const cases = [
        { files: Object.keys(tinySd.files) },
        { files: Object.keys(tinySd.files), components: ['scheduler', 'text_encoder', 'tokenizer', 'unet', 'vae'] },
        { files: Object.keys(transformersRepo('x/y', '4.0.0').files) },
        { files: ['model_index.json', 'unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors', 'unet/diffusion_pytorch_model-00001-of-00002.safetensors', 'vae/diffusion_pytorch_model.bin', 'vae/diffusion_pytorch_model.ema.safetensors', 'onnx/model.onnx', 'text_encoder/spiece.model', 'LICENSE.txt'] },
        { files: ['config.json', 'pytorch_model.bin', 'tokenizer.json', 'README.md', 'flax_model.msgpack'] },
      ];
      const r = spawnSync(py, ['-B', '-c', code], { input: JSON.stringify(cases), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const fromPython = JSON.parse(r.stdout) as { aliases: Record<string, string>; selections: unknown[] };
      assert.deepEqual(fromPython.aliases, { ...TS_ALIASES });
      assert.deepEqual(fromPython.selections, cases.map((c) => selectPipelineFiles(c.files, c.components)));
    });
  });

  await Promise.all([broken, fixed, bare]);
});

/** Runs python code with ml_pins_runner importable; stdin/stdout JSON. */
function pyJson(code: string, input: unknown): unknown {
  const prelude = `import json, sys\nsys.path.insert(0, ${JSON.stringify(join(ROOT, 'python'))})\nimport ml_pins_runner as r\n`;
  const res = spawnSync(PYTHON, ['-B', '-c', prelude + code], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout) as unknown;
}

test('diagnosis of error texts the venv scenarios cannot produce', () => {
  const site = '/venv/lib/python3.11/site-packages';
  const cases = [
    {
      text: `Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "${site}/sentence_transformers/__init__.py", line 3, in <module>\n  File "${site}/sentence_transformers/util.py", line 10, in <module>\n    from huggingface_hub import snapshot_download, hf_hub_url, cached_download\nImportError: cannot import name 'cached_download' from 'huggingface_hub' (${site}/huggingface_hub/__init__.py)`,
      packages: { 'sentence-transformers': '2.2.2', 'huggingface-hub': '0.26.1' },
      hint: 'sentence-transformers',
    },
    {
      text: `A module that was compiled using NumPy 1.x cannot be run in\nNumPy 2.0.0 as it may crash. To support both 1.x and 2.x\nversions of NumPy, modules must be compiled with NumPy 2.0.\n  File "${site}/torch/__init__.py", line 1477, in <module>\n${site}/torch/nn/modules/transformer.py:20: UserWarning: Failed to initialize NumPy: _ARRAY_API not found`,
      packages: { torch: '2.2.2', numpy: '2.0.0' },
      hint: 'torch',
    },
    {
      text: `  File "${site}/torchvision/_meta_registrations.py", line 164, in <module>\n    @torch.library.register_fake("torchvision::nms")\nRuntimeError: operator torchvision::nms does not exist`,
      packages: { torch: '2.4.0', torchvision: '0.17.2' },
      hint: 'torchvision',
    },
    { text: "ImportError: cannot import name 'HfFolder' from 'huggingface_hub'", packages: { diffusers: '0.24.0', 'huggingface-hub': '1.0.0' }, hint: 'diffusers' },
    { text: 'ModuleNotFoundError: No module named foo', packages: {}, hint: 'foo' },
  ];
  const out = pyJson(
    'print(json.dumps([r.diagnose_text(c["text"], c["packages"], c["hint"]) for c in json.loads(sys.stdin.read())]))',
    cases,
  ) as ({ code: string; packages: string[]; versions: Record<string, string> } | null)[];
  assert.equal(out[0]?.code, 'hf-hub-cached-download-sentence-transformers');
  assert.deepEqual(out[0]?.versions, { 'sentence-transformers': '2.2.2', 'huggingface-hub': '0.26.1' });
  assert.equal(out[1]?.code, 'numpy2-abi-torch');
  assert.deepEqual(out[1]?.packages, ['torch', 'numpy']);
  assert.equal(out[2]?.code, 'torchvision-torch-mismatch');
  assert.deepEqual(out[2]?.versions, { torch: '2.4.0', torchvision: '0.17.2' });
  assert.equal(out[3]?.code, 'hf-hub1-hffolder-diffusers');
  assert.equal(out[4], null);
});

test('static torch companion pairing follows compat-tables.md', () => {
  const pairs = [
    { torch: '2.3.1+cu121', torchvision: '0.18.1+cu121', torchaudio: '2.3.1' }, // a matching triple
    { torch: '2.4.0', torchvision: '0.17.2' }, // torchvision for torch 2.2
    { torch: '1.13.1', torchvision: '0.14.1', torchaudio: '0.13.1' },
    { torch: '2.5.1', torchaudio: '2.4.0' },
    { torch: '2.12.0', torchaudio: '2.11.0' }, // stable ABI: torchaudio 2.11 works with later torch
  ];
  const out = pyJson('print(json.dumps([[p["code"] for p in r.companion_problems(c)] for c in json.loads(sys.stdin.read())]))', pairs);
  assert.deepEqual(out, [[], ['torchvision-torch-mismatch'], [], ['torchaudio-torch-mismatch'], []]);
});

test('every rule code the runner emits exists in rules/*.json (except the generic numpy2-abi fallback)', () => {
  const codes = new Set<string>();
  for (const f of readdirSync(join(ROOT, 'rules')).filter((n) => n.endsWith('.json'))) {
    const data = JSON.parse(readFileSync(join(ROOT, 'rules', f), 'utf8')) as { rules?: { code: string }[] } | { code: string }[];
    for (const rule of Array.isArray(data) ? data : (data.rules ?? [])) codes.add(rule.code);
  }
  const table = pyJson('print(json.dumps(r.RULE_CODES))', null) as Record<string, string>;
  const unknown = Object.entries(table).filter(([key, code]) => !codes.has(code) && key !== 'numpy2_abi');
  assert.deepEqual(unknown, []);
});

test('the summary schema: the runner and the extension check it alike', () => {
  const good: RunnerSummary = {
    protocol: 1, runner: '0.1.0', ok: false, steps: { doctor: { hardware: { accelerator: 'cpu', memory_gb: 1.5, count: 0 }, problems: [] } },
    failed_step: 'install', error: { code: 'pip-resolution-conflict', message: 'm', packages: ['transformers'] },
  };
  const cases: unknown[] = [
    good,
    { ...good, protocol: 2 },
    { ...good, ok: 'no' },
    { ...good, failed_step: 'upload' },
    { ...good, error: { code: 'x' } },
    { ...good, unexpected: 1 },
    { ...good, steps: { doctor: { hardware: { accelerator: 'tpu', count: 0 }, problems: [] } } },
    { ...good, seconds: '3' },
    [],
  ];
  const fromPython = pyJson(
    'from ml_pins_runner.schema import load_summary_schema, validate\nprint(json.dumps([validate(c, load_summary_schema()) for c in json.loads(sys.stdin.read())]))',
    cases,
  ) as string[][];
  const fromTs = cases.map((c) => validateSchema(c, SUMMARY_SCHEMA));
  assert.deepEqual(fromTs.map((e) => e.length > 0), [false, true, true, true, true, true, true, true, true]);
  assert.deepEqual(fromPython.map((e) => e.length > 0), fromTs.map((e) => e.length > 0));
  assert.match(fromTs[4].join(), /missing message/);
  assert.match(fromPython[4].join(), /missing message/);
  assert.ok('error' in parseSummary('{'));
  assert.ok('error' in parseSummary('{"ok": true}'));
});

test('the runner withholds the token from a plain-http Hub that is not loopback, as the extension does', () => {
  const urls = ['', 'https://huggingface.co', 'https://mirror.example', 'http://127.0.0.1:8080', 'http://localhost', 'http://[::1]:9', 'http://mirror.example', 'http://10.0.0.1', 'https://u:p@mirror.example'];
  const fromPython = pyJson('from ml_pins_runner.models import endpoint_allows_token\nprint(json.dumps([endpoint_allows_token(u) for u in json.loads(sys.stdin.read())]))', urls);
  assert.deepEqual(fromPython, urls.map((u) => classifyHub(u).kind !== 'plain-http' && classifyHub(u).kind !== 'invalid'));
  assert.deepEqual(fromPython, [true, true, true, true, true, true, false, false, false]);
});

test('model ids: the runner and the extension apply the Hub\'s repo-id rules alike', () => {
  const ids = ['a/b', 'Org_1/model.v2-fp16', '_a/b_', 'a/.', 'a/-x', '-x/y', 'a/b.', 'a./b', 'a/..', 'a--b/c', 'a/b.git', 'a/b/c', 'a', '', 'é/b',
    `a/${'x'.repeat(96)}`, `a/${'x'.repeat(97)}`, ...Object.values(TS_ALIASES)];
  const fromPython = pyJson('print(json.dumps([r.is_valid_repo_id(i) for i in json.loads(sys.stdin.read())]))', ids) as boolean[];
  assert.deepEqual(fromPython, ids.map(isValidRepoId));
  assert.deepEqual(fromPython.slice(0, 3), [true, true, true]);
  assert.ok(!fromPython[3] && !fromPython[4], 'a/. and a/-x are refused');
});

test('the runner is a package of small modules; `all` walks a list of steps', () => {
  const dir = join(ROOT, 'python', 'ml_pins_runner');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.py'))) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n').length;
    assert.ok(lines <= 500, `${f} has ${lines} lines`);
  }
  assert.ok(readFileSync(RUNNER, 'utf8').split('\n').length < 40, 'python/ml_pins_runner.py is only the entry point');
  const steps = pyJson('from ml_pins_runner.steps import STEPS\nprint(json.dumps([s.name for s in STEPS]))', null);
  assert.deepEqual(steps, ['doctor', 'install', 'download', 'generate']);
  // The protocol names the same steps: the TypeScript list, the schema's failed_step and its steps object.
  assert.deepEqual([...RUNNER_STEPS], steps);
  const props = SUMMARY_SCHEMA.properties!;
  assert.deepEqual(props.failed_step.enum, [...RUNNER_STEPS, 'summary']);
  assert.deepEqual(Object.keys(props.steps.properties!), steps);
});
