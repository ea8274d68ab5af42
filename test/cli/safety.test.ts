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
function cli(args: string[], cwd: string, asUser = false) {
  // Permissions do not stop root: the permission tests run the CLI as nobody when the suite runs as root.
  const argv = [process.execPath, '--import', tsx, join(repo, 'src/cli/main.ts'), ...args];
  const cmd = asUser && process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** Whether the permission tests can run: as a normal user, or as root through setpriv. */
const canDropPrivileges = process.getuid?.() !== 0 || spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;
/** A folder nobody may read and write (the permission tests run as nobody when root runs the suite). */
function openToAll(dir: string): void {
  if (process.getuid?.() !== 0) return;
  spawnSync('chmod', ['-R', 'a+rwX', dir]);
  for (let p = dir; p !== '/' && p.length > 1; p = join(p, '..')) { try { chmodSync(p, statSync(p).mode | 0o005); } catch { break; } }
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
      'common/base.txt': './no-project-here\n',
      'proj/requirements.txt': '-r ../common/base.txt\n',
      'proj/pyproject.toml': '[project]\nname = "x"\nversion = "1"\n[tool.ml-pins]\nallow-includes-outside = true\n',
    });
    const r = cli(['check', 'proj'], dir);
    assert.match(r.stdout, /common\/base\.txt:1:1 warning local-path-missing/);
  });

  test('--untrusted ignores the project\'s own allow-includes-outside (a pull request cannot opt itself in)', () => {
    const dir = project({
      'common/base.txt': './no-project-here\n',
      'proj/requirements.txt': '-r ../common/base.txt\ntorch==2.2.0\n',
      'proj/pyproject.toml': '[project]\nname = "x"\nversion = "1"\n[tool.ml-pins]\nallow-includes-outside = true\n',
    });
    const trusting = cli(['check', 'proj', '--format', 'sarif'], dir);
    assert.match(trusting.stdout, /no-project-here/, 'without --untrusted the project opts itself in (what the flag is for)');
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const r = cli(['check', 'proj', '--untrusted', '--format', format], dir);
      assert.ok(!r.stdout.includes('no-project-here'), `${format} read the file outside:\n${r.stdout}`);
      assert.match(r.stdout, /outside the checked folder/, format);
    }
    const both = cli(['check', 'proj', '--untrusted', '--allow-outside'], dir);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--untrusted and --allow-outside cannot be used together/);
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

  test('an unreadable include says permission denied; an unreadable manifest does not stop the run', { skip: !canDropPrivileges }, () => {
    const dir = project({ 'requirements.txt': '-r locked.txt\n', 'locked.txt': 'torch\n', 'sub/requirements.txt': 'numpy\n', 'zz/requirements.txt': 'diffusers>=0.21.0\n' });
    openToAll(dir);
    chmodSync(join(dir, 'locked.txt'), 0);
    chmodSync(join(dir, 'sub/requirements.txt'), 0);
    const r = cli(['check', '.'], dir, true);
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

describe('ml-pins fix writes what it should, how it should', () => {
  test('encodings, BOMs and line ends are kept; a second run changes nothing', () => {
    const dir = project({
      'bom/requirements.txt': Buffer.from('\ufeffdiffusers>=0.21.0\n'),
      'u16/requirements.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('diffusers>=0.21.0\r\n', 'utf16le')]),
      'lat/requirements.txt': Buffer.from('# -*- coding: latin-1 -*-\n# café\ndiffusers>=0.21.0\n', 'latin1'),
    });
    const r = cli(['fix', '.'], dir);
    assert.match(r.stderr, /Changed 3 files/, r.stderr);
    assert.deepEqual([...readFileSync(join(dir, 'bom/requirements.txt'))].slice(0, 4), [0xef, 0xbb, 0xbf, 0x64]);
    assert.equal(readFileSync(join(dir, 'u16/requirements.txt')).toString('hex'), `fffe${Buffer.from('diffusers>=0.29.0\r\n', 'utf16le').toString('hex')}`);
    assert.equal(readFileSync(join(dir, 'lat/requirements.txt')).toString('latin1'), '# -*- coding: latin-1 -*-\n# café\ndiffusers>=0.29.0\n');
    const again = cli(['fix', '.'], dir);
    assert.match(again.stderr, /Changed 0 files/);
  });

  test('fix does not write a file outside the named folder reached through -r or a link', () => {
    const dir = project({
      'common/base.txt': 'diffusers>=0.21.0\n',
      'proj/requirements.txt': '-r ../common/base.txt\n-r link.txt\n',
      'proj/pyproject.toml': '[project]\nname = "x"\nversion = "1"\n[tool.ml-pins]\nallow-includes-outside = true\n',
      'other/linked.txt': 'transformers>=4.0\nnumpy==1.26.4\n',
    });
    symlinkSync(join(dir, 'other/linked.txt'), join(dir, 'proj/link.txt'));
    const r = cli(['fix', 'proj'], dir);
    assert.equal(readFileSync(join(dir, 'common/base.txt'), 'utf8'), 'diffusers>=0.21.0\n');
    assert.match(r.stderr, /common\/base\.txt: not written: it is outside the paths named/, r.stderr);
    assert.equal(r.code, 2);
    const asked = cli(['fix', 'proj', '--allow-outside'], dir);
    assert.equal(readFileSync(join(dir, 'common/base.txt'), 'utf8'), 'diffusers>=0.29.0\n', asked.stderr);
  });

  test('one read-only manifest among three: nothing is written, exit 2, the file is named', { skip: !canDropPrivileges }, () => {
    const dir = project({ 'a/requirements.txt': 'diffusers>=0.21.0\n', 'b/requirements.txt': 'diffusers>=0.21.0\n', 'c/requirements.txt': 'diffusers>=0.21.0\n' });
    openToAll(dir);
    chmodSync(join(dir, 'b/requirements.txt'), 0o444);
    const r = cli(['fix', '.'], dir, true);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^ml-pins: b\/requirements\.txt: the file is not writable \(permission denied\); no file was changed$/m);
    for (const x of ['a', 'b', 'c']) assert.equal(readFileSync(join(dir, `${x}/requirements.txt`), 'utf8'), 'diffusers>=0.21.0\n');
  });
});
