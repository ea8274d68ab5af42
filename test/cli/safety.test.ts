// Hostile and unlucky inputs on the command line: what is read, what is echoed, what is written (issue "Safe with
// any input"). A real CLI process on real files in a temporary folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';

const repo = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, ['--import', tsx, join(repo, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const base = realpathSync(mkdtempSync(join(tmpdir(), 'ml-pins-safety-')));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function project(files: Record<string, string | Buffer>): string {
  const dir = join(base, `p${n++}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}
const SECRET = 'AKIAEXAMPLESECRETKEY0123456789';

describe('includes outside the checked folder', () => {
  test('-r to a file outside is not read, in text, JSON and SARIF; --allow-outside reads it', () => {
    const dir = project({
      'secret/credentials': `[default]\naws_secret_access_key = ${SECRET}\n`,
      'secret/notes.txt': './no-project-here\n',
      'proj/requirements.txt': '-r ../secret/credentials\n-c ../secret/credentials\n-r ../secret/notes.txt\ntorch==2.2.0\n',
    });
    for (const format of ['text', 'json', 'sarif']) {
      const r = cli(['check', 'proj', '--format', format], dir);
      assert.ok(!r.stdout.includes(SECRET), `${format} leaks the secret:\n${r.stdout}`);
      assert.ok(!r.stdout.includes('aws_secret_access_key'), r.stdout);
      assert.match(r.stdout, /outside the checked folder/);
    }
    const allowed = cli(['check', 'proj', '--allow-outside'], dir);
    assert.match(allowed.stdout, /secret\/notes\.txt:1:1 warning local-path-missing \.\/no-project-here/); // read when asked
  });

  test('a symlink inside the folder that leads out of it is refused like a path', () => {
    const dir = project({ 'outside/base.txt': 'numpy<2\n', 'proj/requirements.txt': '-r base-link.txt\n' });
    symlinkSync(join(dir, 'outside/base.txt'), join(dir, 'proj/base-link.txt'));
    const r = cli(['check', 'proj'], dir);
    assert.match(r.stdout, /base-link\.txt.*outside the checked folder/);
  });

  test('[tool.ml-pins] allow-includes-outside lets the project read its shared files', () => {
    const dir = project({
      'shared/base.txt': './no-project-here\n',
      'proj/requirements.txt': '-r ../shared/base.txt\n',
      'proj/pyproject.toml': '[project]\nname = "x"\nversion = "1"\n[tool.ml-pins]\nallow-includes-outside = true\n',
    });
    const r = cli(['check', 'proj'], dir);
    assert.match(r.stdout, /shared\/base\.txt:1:1 warning local-path-missing/);
  });

  test('an unparsable line is quoted at most 80 characters, with credentials redacted', () => {
    const long = `https://user:${SECRET}@example.com/x ${'word '.repeat(60)}`;
    const dir = project({ 'requirements.txt': `${long}\nthis is not valid at all ${'x'.repeat(200)}\n` });
    for (const format of ['text', 'json', 'sarif']) {
      const r = cli(['check', '.', '--format', format], dir);
      assert.ok(!r.stdout.includes(SECRET), r.stdout);
      assert.ok(!r.stdout.includes('x'.repeat(100)), r.stdout);
    }
  });
});

describe('credentials in URLs', () => {
  test('user-info of a direct URL is redacted in text, JSON and SARIF', () => {
    const dir = project({ 'requirements.txt': 'torch @ https://bob:hunter2@host.example/torch-2.2.0-cp311-cp311-linux_x86_64.whl\nnumpy>=2\n' });
    for (const format of ['text', 'json', 'sarif']) {
      const r = cli(['check', '.', '--format', format], dir);
      assert.match(r.stdout, /bob:\*\*\*\*@host\.example/, `${format}: ${r.stdout}`);
      assert.ok(!r.stdout.includes('hunter2'), `${format} leaks the password`);
    }
  });
});

describe('discovery and reading', () => {
  test('folder symlinks that leave the root are not followed', () => {
    const dir = project({ 'elsewhere/requirements.txt': 'numpy==1.26.0\n', 'proj/requirements.txt': 'numpy==2.0.0\n', 'proj/sub/requirements.txt': 'torch\n' });
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'proj', 'linked'));
    symlinkSync(join(dir, 'proj', 'sub'), join(dir, 'proj', 'inner-link'));
    const r = cli(['check', 'proj', '--format', 'json'], dir);
    const paths = JSON.parse(r.stdout).files.map((f: { path: string }) => f.path).sort();
    assert.deepEqual(paths, ['proj/requirements.txt', 'proj/sub/requirements.txt']);
  });

  test('a FIFO and /dev/zero are refused, not read; the rest is checked', () => {
    const dir = project({ 'requirements.txt': '-r /dev/zero\n-r pipe-requirements.txt\ntorch==2.2.0\n' });
    const mk = spawnSync('mkfifo', [join(dir, 'pipe-requirements.txt')]);
    assert.equal(mk.status, 0);
    const r = cli(['check', '.', '--allow-outside'], dir);
    assert.match(r.stdout, /\/dev\/zero.*a device/);
    assert.match(r.stdout, /pipe-requirements\.txt.*a FIFO/);
    const named = cli(['check', 'pipe-requirements.txt', 'requirements.txt'], dir);
    assert.match(named.stdout, /pipe-requirements\.txt:1:1 error unreadable-file .*a FIFO/);
  });

  test('files above the size cap get a finding; the cap is configurable', () => {
    const dir = project({ 'requirements.txt': `torch==2.2.0\n${'# padding\n'.repeat(120_000)}` });
    const r = cli(['check', '.', '--max-file-size', '1'], dir);
    assert.match(r.stdout, /unreadable-file .*larger than the 1 MB limit/);
    const ok = cli(['check', '.'], dir);
    assert.doesNotMatch(ok.stdout, /unreadable-file/);
  });

  test('an unreadable include says permission denied; an unreadable manifest does not stop the run', { skip: process.getuid?.() === 0 }, () => {
    const dir = project({ 'requirements.txt': '-r locked.txt\n', 'locked.txt': 'torch\n', 'sub/requirements.txt': 'numpy\n', 'zz/requirements.txt': 'diffusers>=0.21.0\n' });
    chmodSync(join(dir, 'locked.txt'), 0);
    chmodSync(join(dir, 'sub/requirements.txt'), 0);
    const r = cli(['check', '.'], dir);
    assert.match(r.stdout, /locked\.txt.*permission denied/);
    assert.match(r.stdout, /sub\/requirements\.txt:1:1 error unreadable-file Cannot read this file: permission denied/);
    assert.match(r.stdout, /zz\/requirements\.txt:1:1 warning hf-hub-cached-download/);
  });

  test('1,100 manifests under ulimit -n 256: no EMFILE', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1100; i++) files[`d${i % 50}/requirements-${i}.txt`] = `numpy==1.26.${i % 5}\n`;
    const dir = project(files);
    const dist = join(repo, 'dist', 'cli.js');
    assert.ok(existsSync(dist), 'npm run build first');
    const r = spawnSync('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${dist}" check . --format json`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.stderr, '');
    assert.equal(JSON.parse(r.stdout).summary.files, 1100);
    void statSync; void readFileSync;
  });
});
