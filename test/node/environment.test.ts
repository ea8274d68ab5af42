// Installed environments read from disk without running them: fake prefixes with real metadata files, and a real venv
// with wheels installed by real pip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readInstalledEnvironment } from '../../src/node/environment';
import { buildTestWheels, makeVenv } from '../support/python';

let work: string;
before(() => { work = mkdtempSync(join(tmpdir(), 'ml-pins-env-')); });
after(() => rmSync(work, { recursive: true, force: true }));

function distInfo(site: string, name: string, version: string, requires: string[] = [], tag = 'py3-none-any'): void {
  const dir = join(site, `${name.replace(/-/g, '_')}-${version}.dist-info`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'METADATA'), ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`, ...requires.map((r) => `Requires-Dist: ${r}`), '', 'Body text'].join('\n'));
  writeFileSync(join(dir, 'WHEEL'), `Wheel-Version: 1.0\nRoot-Is-Purelib: false\nTag: ${tag}\n`);
}

describe('reading an installed environment', () => {
  test('a POSIX venv: Python from pyvenv.cfg, platform from a wheel tag, packages from dist-info and egg-info', async () => {
    const root = join(work, 'posix');
    const site = join(root, 'lib', 'python3.11', 'site-packages');
    mkdirSync(site, { recursive: true });
    writeFileSync(join(root, 'pyvenv.cfg'), 'home = /usr/local/bin\nversion = 3.11.7\n');
    distInfo(site, 'diffusers', '0.21.0', ['huggingface-hub>=0.13.2']);
    distInfo(site, 'torch', '2.2.0+rocm5.7', [], 'cp311-cp311-manylinux_2_17_x86_64');
    mkdirSync(join(site, 'old_pkg-1.0-py3.11.egg-info'));
    writeFileSync(join(site, 'old_pkg-1.0-py3.11.egg-info', 'PKG-INFO'), 'Metadata-Version: 1.0\nName: Old_Pkg\nVersion: 1.0\n');
    writeFileSync(join(site, 'flat-2.0.egg-info'), 'Metadata-Version: 1.0\nName: flat\nVersion: 2.0\n');
    mkdirSync(join(site, 'broken-1.0.dist-info'));
    const env = await readInstalledEnvironment('posix', work);
    assert.equal(env.label, 'posix');
    // Outside the project folder: named by its folder, not by a path of ../../
    assert.equal((await readInstalledEnvironment(root, join(work, 'project', 'sub'))).label, 'posix');
    assert.equal(env.python, '3.11');
    assert.equal(env.platform, 'linux');
    assert.deepEqual(Object.keys(env.packages).sort(), ['diffusers', 'flat', 'old-pkg', 'torch']);
    assert.deepEqual(env.packages.diffusers, { version: '0.21.0', requiresDist: ['huggingface-hub>=0.13.2'] });
    assert.equal(env.packages.torch.version, '2.2.0+rocm5.7');
  });
  test('the interpreter path and the site-packages folder lead to the same environment', async () => {
    const byPython = await readInstalledEnvironment(join(work, 'posix', 'bin', 'python'), work).catch((e) => e);
    // bin/python does not exist in the fake prefix: the error names the path.
    assert.match(String(byPython), /environment not found/);
    mkdirSync(join(work, 'posix', 'bin'));
    writeFileSync(join(work, 'posix', 'bin', 'python'), '');
    assert.equal((await readInstalledEnvironment('posix/bin/python', work)).packages.diffusers.version, '0.21.0');
    const site = await readInstalledEnvironment('posix/lib/python3.11/site-packages', work);
    assert.equal(site.python, '3.11');
    assert.equal(site.packages.torch.version, '2.2.0+rocm5.7');
  });
  test('a Windows venv layout (Lib/site-packages, Scripts) is Windows', async () => {
    const root = join(work, 'win');
    mkdirSync(join(root, 'Scripts'), { recursive: true });
    distInfo(join(root, 'Lib', 'site-packages'), 'numpy', '2.1.0');
    writeFileSync(join(root, 'pyvenv.cfg'), 'home = C:\\Python312\nversion_info = 3.12.4.final.0\n');
    const env = await readInstalledEnvironment(root);
    assert.equal(env.platform, 'windows');
    assert.equal(env.python, '3.12');
    assert.equal(env.packages.numpy.version, '2.1.0');
  });
  test('a folder that is no environment says so', async () => {
    mkdirSync(join(work, 'empty'));
    await assert.rejects(readInstalledEnvironment('empty', work), /no site-packages folder in empty/);
  });
});

describe('a real venv with wheels installed by pip', () => {
  test('the installed diffusers 0.21.0 and huggingface_hub 0.26.0 that fail at import are found on the pin', async () => {
    const wheels = join(work, 'wheels');
    buildTestWheels(wheels);
    const py = makeVenv(join(work, 'venv'), true);
    const pip = spawnSync(py, ['-m', 'pip', 'install', '-q', '--no-index', '--find-links', wheels, 'diffusers==0.21.0', 'huggingface-hub==0.26.0'], { encoding: 'utf8' });
    assert.equal(pip.status, 0, pip.stderr);
    // The failure is real: importing diffusers fails in that environment.
    const imp = spawnSync(py, ['-c', 'import diffusers'], { encoding: 'utf8' });
    assert.match(imp.stderr, /cannot import name 'cached_download' from 'huggingface_hub'/);
    const env = await readInstalledEnvironment('venv', work);
    assert.equal(env.python, spawnSync(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim());
    assert.equal(env.packages.diffusers.version, '0.21.0');
    assert.equal(env.packages['huggingface-hub'].version, '0.26.0');
    assert.deepEqual(env.packages.diffusers.requiresDist, ['huggingface-hub>=0.13.2']);
    // Pure-Python wheels and a POSIX layout do not tell Linux from macOS: unknown, unless the interpreter may run.
    assert.equal(env.platform, undefined);
    const ran = await readInstalledEnvironment(join('venv', 'bin', 'python'), work, undefined, { run: true });
    const sysPlatform = spawnSync(py, ['-c', 'import sys; print(sys.platform)'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(ran.platform, sysPlatform.startsWith('linux') ? 'linux' : sysPlatform === 'darwin' ? 'macos' : 'windows');
    assert.equal(ran.python, env.python);
    assert.deepEqual(Object.keys(ran.packages).sort(), Object.keys(env.packages).sort());
    // Not run when not allowed (an untrusted workspace), even for an interpreter.
    assert.equal((await readInstalledEnvironment(join('venv', 'bin', 'python'), work)).platform, undefined);
  });
  test('an interpreter whose files name no site-packages folder is asked for its own, when it may run', async () => {
    // A shim as pyenv installs them (a script that execs the real interpreter): its folder says nothing about where
    // the packages are; only running it does.
    const bare = join(work, 'shims', 'bin');
    mkdirSync(bare, { recursive: true });
    writeFileSync(join(bare, 'python'), `#!/bin/sh\nexec '${join(work, 'venv', 'bin', 'python')}' "$@"\n`, { mode: 0o755 });
    await assert.rejects(readInstalledEnvironment(join(bare, 'python'), work), /no site-packages folder/);
    const env = await readInstalledEnvironment(join(bare, 'python'), work, undefined, { run: true });
    assert.equal(env.packages.diffusers?.version, '0.21.0');
  });
});
