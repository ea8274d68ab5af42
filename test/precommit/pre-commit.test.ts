// The pre-commit hook (.pre-commit-hooks.yaml): its `files` regex, evaluated by Python's `re` as pre-commit does,
// agrees with detectManifestKind; and a real pre-commit installs the hook from a git snapshot of this repository
// (language node: `npm install`, `npm pack`, `npm install -g`) and runs it on a fixture repository through real
// `git commit`s. When pre-commit is not installed and cannot be (Debian packages it; root installs it with apt-get),
// the second test falls back to running the hook's entry as pre-commit would (entry + the matching staged files)
// and says so in its diagnostics.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { detectManifestKind } from '../../src/core/formats';
import { ensureDebianPackages, systemRunner } from '../../scripts/debian-packages.mjs';

const root = join(import.meta.dirname, '..', '..');
interface Hook { id: string; entry: string; language: string; files: string; require_serial?: boolean; pass_filenames?: boolean }
const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((h) => h.id === 'ml-pins')!;

/** re.search(files, path) for each path, by Python itself. */
function pythonMatches(regex: string, paths: string[]): boolean[] {
  const r = spawnSync('python3', ['-c', 'import json, re, sys\nd = json.load(sys.stdin)\nprint(json.dumps([bool(re.search(d["re"], p)) for p in d["paths"]]))'],
    { input: JSON.stringify({ re: regex, paths }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out); else out.push(full);
  }
  return out;
}

const SYNTHETIC = ['pyproject.toml', 'sub/PyProject.toml', 'pyproject.toml.orig', 'Pipfile', 'Pipfile.lock', 'setup.cfg', 'setup.py',
  'environment.yml', 'environment-gpu.yaml', 'gpu_environment.yml', 'my.environment.yml', 'myenvironment.yml', 'conda.yaml',
  'conda-env.yml', 'envs.yml', 'environment.yml.bak', 'run.sh', 'x.bash', 'x.shell', 'Dockerfile', 'Dockerfile.gpu',
  'Dockerfile.md', 'dockerfile.yml', 'Dockerfile.py', 'app.dockerfile', 'GPUDockerfile', 'Containerfile', 'Containerfile.txt',
  'setup_ai_models.py', 'install_gpu.py', 'get_deps.py', 'requirements.py', 'test_setup.py', 'setup_test.py', 'conftest.py',
  'x/test_install.py', 'tests/deps_test.py', 'main.py', 'installer.pyc', 'requirements.txt', 'requirements-dev.in',
  'requirments_cu118.txt', 'constraints.txt', 'constraint.in', 'dev-requirements.txt', 'REQUIREMENTS.TXT', 'requirement.txt',
  'requirements.txt.bak', 'requirements/base.txt', 'requirements/gpu/extra.txt', 'requirements/a/b/c.txt', 'a/requirements/x.in',
  'Requirements/X.TXT', 'pixi.toml', 'envs/pixi.toml', 'pixi.lock', 'notes.txt', 'docs/requirements.md', 'my-requirements/base.txt', 'requirements', 'deps/', 'README.md'];

test('the hook definition: node, serial, and files exactly the manifests detectManifestKind reads', () => {
  assert.equal(hook.language, 'node');
  assert.equal(hook.entry, 'ml-pins check');
  assert.equal(hook.require_serial, true, 'one process sees every file, so cross-file findings work');
  assert.notEqual(hook.pass_filenames, false);
  const corpus = [...walk(join(root, 'examples')), ...walk(join(root, 'test/fixtures')).filter((f) => !f.includes('/conformance/'))]
    .map((f) => relative(root, f));
  const paths = [...SYNTHETIC, ...corpus];
  const matched = pythonMatches(hook.files, paths);
  const disagree = paths.filter((p, i) => matched[i] !== (detectManifestKind(p) !== undefined));
  assert.deepEqual(disagree, []);
  assert.ok(matched.filter(Boolean).length > 40 && matched.filter((m) => !m).length > 20);
});

/** pre-commit on PATH, or installed with apt-get when this process can (root, Debian packages it). */
function preCommit(): string | undefined {
  if (!spawnSync('pre-commit', ['--version']).error) return 'pre-commit';
  if (!systemRunner.isRoot() || spawnSync('apt-get', ['--version']).error) return undefined;
  try {
    // apt-get update first, so a machine whose package lists are empty still finds it.
    ensureDebianPackages(['pre-commit'], systemRunner, '[pre-commit test]', 'the pre-commit test');
  } catch {
    return undefined; // not packaged here, or no network to Debian's mirrors
  }
  return spawnSync('pre-commit', ['--version']).error ? undefined : 'pre-commit';
}

test('a real git commit runs the hook: blocked on an error, passes when clean, skipped when no manifest changed', { timeout: 600_000 }, (t) => {
  const work = mkdtempSync(join(tmpdir(), 'ml-pins-pre-commit-'));
  const git = (cwd: string, ...args: string[]) => spawnSync('git', ['-c', 'user.name=ML Pins test', '-c', 'user.email=test@ml-pins.invalid',
    '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', env: gitEnv });
  const gitEnv = { ...process.env, PRE_COMMIT_HOME: join(work, 'pre-commit-home'), npm_config_prefer_offline: 'true',
    npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };

  // The hook repository: this working tree as it is (tracked and untracked files, not ignored ones), committed.
  const hookRepo = join(work, 'hook-repo');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    try { statSync(join(root, f)); } catch { continue; } // deleted but not yet staged
    mkdirSync(dirname(join(hookRepo, f)), { recursive: true });
    cpSync(join(root, f), join(hookRepo, f));
  }
  assert.equal(git(hookRepo, 'init', '-q').status, 0);
  git(hookRepo, 'add', '-A');
  assert.equal(git(hookRepo, 'commit', '-qm', 'snapshot').status, 0);
  const rev = git(hookRepo, 'rev-parse', 'HEAD').stdout.trim();

  // The project: the seed project (one error) under version control, with the hook configured.
  const project = join(work, 'project');
  cpSync(join(root, 'examples/seed-project'), project, { recursive: true });
  writeFileSync(join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: ml-pins\n`);
  assert.equal(git(project, 'init', '-q').status, 0);
  git(project, 'add', '-A');

  const tool = preCommit();
  if (!tool) {
    t.diagnostic('pre-commit is not installed and cannot be installed here: running the hook entry as pre-commit would instead');
    const staged = git(project, 'diff', '--cached', '--name-only', '-z').stdout.split('\0').filter(Boolean);
    const flags = pythonMatches(hook.files, staged);
    const selected = staged.filter((_, i) => flags[i]);
    const [cmd, ...args] = hook.entry.split(' ');
    assert.equal(cmd, 'ml-pins');
    const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args, ...selected], { cwd: project, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /pyproject\.toml:11:6 error torch-variant-no-index/);
    return;
  }
  t.diagnostic(`using ${execFileSync(tool, ['--version'], { encoding: 'utf8' }).trim()}`);
  assert.equal(spawnSync(tool, ['install'], { cwd: project, encoding: 'utf8', env: gitEnv }).status, 0);

  const blocked = git(project, 'commit', '-m', 'seed');
  assert.equal(blocked.status, 1, blocked.stdout + blocked.stderr);
  const out = blocked.stdout + blocked.stderr;
  assert.match(out, /ML Pins\.+Failed/);
  assert.match(out, /pyproject\.toml:11:6 error torch-variant-no-index/);
  assert.match(out, /setup_ai_models\.py:12:6 warning inconsistent-pins/);
  assert.notEqual(git(project, 'rev-parse', '--verify', '-q', 'HEAD').status, 0, 'nothing was committed');

  // Clean pins pass.
  git(project, 'rm', '-rqf', '--cached', '.');
  for (const f of readdirSync(project)) if (f !== '.git' && f !== '.pre-commit-config.yaml') rmSync(join(project, f), { recursive: true });
  writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "clean"\nversion = "1.0"\nrequires-python = ">=3.10,<3.13"\ndependencies = ["diffusers>=0.29.0", "huggingface_hub>=0.26.0"]\n');
  git(project, 'add', 'pyproject.toml', '.pre-commit-config.yaml');
  const clean = git(project, 'commit', '-m', 'clean pins');
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout + clean.stderr, /ML Pins\.+Passed/);

  // A commit that touches no manifest does not run the checker.
  writeFileSync(join(project, 'README.md'), '# clean\n');
  git(project, 'add', 'README.md');
  const docs = git(project, 'commit', '-m', 'docs');
  assert.equal(docs.status, 0, docs.stdout + docs.stderr);
  assert.match(docs.stdout + docs.stderr, /ML Pins\.+\(no files to check\)Skipped/);
  assert.equal(git(project, 'rev-list', '--count', 'HEAD').stdout.trim(), '2');
});
