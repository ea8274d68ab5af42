// The CLI as CI uses it: a real process on the example projects.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { buildTestWheels, makeVenv } from '../support/python';

const root = join(import.meta.dirname, '..', '..');
// The tsx loader by absolute URL, so the CLI also starts from a temporary folder outside the repo.
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
function cli(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ml-pins check', () => {
  test('JSON follows the contract', () => {
    const r = cli(['check', 'examples/seed-project', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 1);
    const paths = out.files.map((f: { path: string }) => f.path).sort();
    assert.deepEqual(paths, ['examples/seed-project/pyproject.toml', 'examples/seed-project/requirements.txt',
      'examples/seed-project/server-setup.sh', 'examples/seed-project/setup_ai_models.py']);
    for (const f of out.files) {
      assert.match(f.kind, /^(requirements|pyproject|script|python|setup-cfg|conda)$/);
      assert.equal(typeof f.requirements, 'number');
      for (const x of f.findings) {
        assert.deepEqual(Object.keys(x).slice(0, 6), ['code', 'severity', 'message', 'packages', 'range', 'fixes']);
        assert.match(x.severity, /^(error|warning|information|hint)$/);
        for (const fix of x.fixes) for (const e of fix.edits) assert.ok(e.path.startsWith('examples/seed-project/'));
      }
    }
    const errors = out.files.reduce((n: number, f: { findings: { severity: string }[] }) => n + f.findings.filter((x) => x.severity === 'error').length, 0);
    assert.equal(out.summary.errors, errors);
    assert.equal(out.summary.files, 4);
  });

  test('text lines are path:line:col severity code message', () => {
    const r = cli(['check', 'examples/seed-project-after-naive-fix']);
    const lines = r.stdout.split('\n').filter((l) => /^examples\//.test(l));
    assert.ok(lines.length > 0);
    for (const l of lines) assert.match(l, /^examples\/[^:]+:\d+:\d+ (error|warning|information|hint) [a-z0-9-]+ .+/);
    assert.ok(lines.some((l) => /pyproject\.toml:14:6 warning hf-hub-cached-download .*diffusers>=0\.25\.0/.test(l)), r.stdout);
  });

  test('SARIF 2.1.0 with rules and results', () => {
    const r = cli(['check', 'examples/seed-project', '--format', 'sarif']);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'ML Pins');
    assert.ok(run.results.length > 0);
    for (const res of run.results) {
      assert.equal(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
    }
  });

  test('--fail-on decides the exit code', () => {
    assert.equal(cli(['check', 'examples/seed-project', '--fail-on', 'never']).code, 0);
    assert.equal(cli(['check', 'examples/seed-project-after-naive-fix', '--fail-on', 'warning', '--format', 'json']).code, 1);
  });

  test('--accelerator flags builds for another accelerator', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-'));
    writeFileSync(join(dir, 'requirements.txt'), '--index-url https://download.pytorch.org/whl/cu121\ntorch==2.2.0+cu121\n');
    const codes = (args: string[]) => JSON.parse(cli(['check', '.', '--format', 'json', ...args], dir).stdout).files.flatMap((f: { findings: { code: string }[] }) => f.findings.map((x) => x.code));
    assert.deepEqual(codes([]), []);
    assert.deepEqual(codes(['--accelerator', 'rocm']), ['torch-variant-accelerator']);
    assert.deepEqual(codes(['--accelerator', 'cuda']), []);
  });

  test('usage and I/O errors exit 2 with one line and no stack', () => {
    for (const args of [['check', '--format', 'xml'], ['check', 'no/such/path'], ['frobnicate'], ['check', '--bogus'],
      ['check', '--platform', 'beos'], ['check', '--environment', 'no/such/venv'], ['check', '--environment', 'examples']]) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });
});

describe('ml-pins fix', () => {
  test('--dry-run prints a unified diff and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-'));
    cpSync(join(root, 'examples/seed-project-after-naive-fix'), dir, { recursive: true });
    const before = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
    const r = cli(['fix', '.', '--dry-run'], dir);
    assert.match(r.stdout, /^--- a\/pyproject\.toml/m);
    assert.match(r.stdout, /^-    "diffusers>=0\.25\.0",$/m);
    assert.match(r.stdout, /^\+    "diffusers>=0\.29\.0",$/m);
    assert.equal(readFileSync(join(dir, 'pyproject.toml'), 'utf8'), before);
  });

  test('fixes the seed project in place, and check is then clean', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-'));
    cpSync(join(root, 'examples/seed-project'), dir, { recursive: true });
    const r = cli(['fix', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    const after = cli(['check', '.', '--format', 'json'], dir);
    assert.equal(after.code, 0, after.stdout);
    assert.deepEqual(JSON.parse(after.stdout).files.flatMap((f: { findings: unknown[] }) => f.findings), []);
    assert.match(readFileSync(join(dir, 'pyproject.toml'), 'utf8'), /"diffusers>=0\.29\.0",\n/);
  });
});

describe('ml-pins check --environment', () => {
  test('the seed project\'s situation: the installed diffusers 0.21.0 and huggingface_hub 0.26.2 are an error on the diffusers pins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-'));
    cpSync(join(root, 'examples/seed-project'), join(dir, 'project'), { recursive: true });
    buildTestWheels(join(dir, 'wheels'));
    const py = makeVenv(join(dir, 'project', '.venv'), true);
    const pip = spawnSync(py, ['-m', 'pip', 'install', '-q', '--no-index', '--find-links', join(dir, 'wheels'), 'diffusers==0.21.0', 'huggingface-hub==0.26.2'], { encoding: 'utf8' });
    assert.equal(pip.status, 0, pip.stderr);
    // The failure is real: importing diffusers fails in that environment.
    assert.match(spawnSync(py, ['-c', 'import diffusers'], { encoding: 'utf8' }).stderr, /cannot import name 'cached_download'/);
    const r = cli(['check', '.', '--environment', '.venv', '--format', 'json'], join(dir, 'project'));
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    const hub = out.files.flatMap((f: { path: string; findings: { code: string; severity: string; message: string; range: { start: { line: number } } }[] }) =>
      f.findings.filter((x) => x.code === 'hf-hub-cached-download').map((x) => [f.path, x.range.start.line, x.severity, /In \.venv, the installed diffusers 0\.21\.0 and huggingface_hub 0\.26\.2/.test(x.message)]));
    assert.deepEqual(hub, [['pyproject.toml', 13, 'error', true], ['requirements.txt', 7, 'error', true], ['setup_ai_models.py', 12, 'error', true]]);
    // The virtual environment is read, never checked as part of the project.
    assert.ok(out.files.every((f: { path: string }) => !f.path.startsWith('.venv')));
  });
  test('--target-python and --platform win over the environment\'s own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-'));
    writeFileSync(join(dir, 'requirements.txt'), 'torch==2.2.0; sys_platform == "win32"\ntorch==2.3.0; sys_platform != "win32"\nnumpy>=2\n');
    const linux = JSON.parse(cli(['check', '.', '--platform', 'linux', '--format', 'json'], dir).stdout);
    assert.deepEqual(linux.files.flatMap((f: { findings: { code: string }[] }) => f.findings.map((x) => x.code)), []);
    const windows = JSON.parse(cli(['check', '.', '--platform', 'windows', '--target-python', '3.11', '--format', 'json'], dir).stdout);
    assert.deepEqual(windows.files.flatMap((f: { findings: { code: string }[] }) => f.findings.map((x) => x.code)), ['numpy2-abi-torch']);
  });
});

describe('ml-pins output into a closed pipe', () => {
  test('a reader that stops early (| head) ends the output: exit 0, no EPIPE stack trace', () => {
    // A real shell pipe (a 64 KiB buffer; numpy's JSON is larger), with pipefail so that the CLI's own status counts.
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = `set -o pipefail; ${[process.execPath, '--import', tsx, join(root, 'src/cli/main.ts'), 'metadata', 'numpy', '--format', 'json'].map(quote).join(' ')} | head -c 10 >/dev/null`;
    const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|Unhandled/);
  });
});
