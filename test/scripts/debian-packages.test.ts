// What `npm test` does about the Debian packages of the real-VS-Code suite (scripts/debian-packages.mjs): the
// decision driven through a simulated dpkg/apt-get, and the real dpkg-query of this machine.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  DEBIAN_PACKAGES, ensureDebianPackages, installCommand, missingPackages, systemRunner, type SystemRunner,
} from '../../scripts/debian-packages.mjs';

/** A Debian system in memory: dpkg-query answers from `installed`, apt-get install adds to it (unless it fails). */
function fakeSystem(o: { installed: string[]; root: boolean; apt?: boolean; dpkg?: boolean; failInstall?: boolean; files?: string[] }) {
  const installed = new Set(o.installed);
  const calls: string[] = [];
  const logs: string[] = [];
  const sys: SystemRunner = {
    run(cmd, args) {
      calls.push([cmd, ...args].join(' '));
      if (cmd === 'dpkg-query') {
        if (o.dpkg === false) return { status: null, error: new Error('spawnSync dpkg-query ENOENT') };
        const names = args.slice(2);
        const known = names.filter((n) => installed.has(n));
        return { status: known.length === names.length ? 0 : 1, stdout: known.map((n) => `${n} install ok installed\n`).join(''),
          stderr: names.filter((n) => !installed.has(n)).map((n) => `dpkg-query: no packages found matching ${n}\n`).join('') };
      }
      if (cmd === 'apt-get') {
        if (o.apt === false) return { status: null, error: new Error('spawnSync apt-get ENOENT') };
        if (args[0] === 'install') {
          if (o.failInstall) return { status: 100, stderr: 'E: Unable to locate package chromium\n' };
          for (const a of args.slice(1)) if (!a.startsWith('-')) installed.add(a);
        }
        return { status: 0, stdout: '' };
      }
      throw new Error(`unexpected command ${cmd}`);
    },
    isRoot: () => o.root,
    exists: (path) => (o.files ?? []).includes(path),
    log: (line) => logs.push(line),
  };
  return { sys, calls, logs, installed };
}

describe('Debian packages before the real-VS-Code suite', () => {
  test('nothing missing: no apt-get at all', () => {
    const f = fakeSystem({ installed: ['chromium', 'ripgrep', 'libkrb5-dev', 'bash'], root: true });
    assert.deepEqual(ensureDebianPackages(DEBIAN_PACKAGES, f.sys), { installed: [] });
    assert.deepEqual(f.calls.filter((c) => c.startsWith('apt-get')), []);
    assert.deepEqual(f.logs, []);
  });

  test('as root: installs exactly the missing ones with apt-get, announced in one line, and checks again', () => {
    const f = fakeSystem({ installed: ['ripgrep'], root: true });
    assert.deepEqual(ensureDebianPackages(DEBIAN_PACKAGES, f.sys, '[t]'), { installed: ['chromium', 'libkrb5-dev'] });
    assert.deepEqual(f.calls.filter((c) => c.startsWith('apt-get') && !c.endsWith('--version')),
      ['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends chromium libkrb5-dev']);
    assert.equal(f.logs.length, 1);
    assert.match(f.logs[0], /^\[t\] installing missing Debian packages .*: apt-get install -y chromium libkrb5-dev$/);
    assert.equal(f.calls.filter((c) => c.startsWith('dpkg-query')).length, 2, 'probed again after installing');
    assert.ok(f.installed.has('chromium'));
  });

  test('not root: stops with the exact command and installs nothing', () => {
    const f = fakeSystem({ installed: ['chromium', 'libkrb5-dev'], root: false });
    assert.throws(() => ensureDebianPackages(DEBIAN_PACKAGES, f.sys), (e: Error) => {
      assert.match(e.message, /missing Debian packages for the real-VS-Code tests: ripgrep;/);
      assert.ok(e.message.endsWith('\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ripgrep'), e.message);
      return true;
    });
    assert.deepEqual(f.calls.filter((c) => c.startsWith('apt-get update') || c.startsWith('apt-get install')), []);
  });

  test('root without apt-get: the same stop with the command', () => {
    const f = fakeSystem({ installed: [], root: true, apt: false });
    assert.throws(() => ensureDebianPackages(DEBIAN_PACKAGES, f.sys), new RegExp(`\\n  ${installCommand(DEBIAN_PACKAGES).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  test('a failing apt-get install stops with its message and the command', () => {
    const f = fakeSystem({ installed: ['ripgrep', 'libkrb5-dev'], root: true, failInstall: true });
    assert.throws(() => ensureDebianPackages(DEBIAN_PACKAGES, f.sys),
      /apt-get install -y -qq --no-install-recommends chromium failed \(exit 100\):\n {2}E: Unable to locate package chromium\ninstall them yourself with:\n {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium$/);
  });

  test('no dpkg (not Debian): looks for the binaries the suite runs, installs nothing', () => {
    const ok = fakeSystem({ installed: [], root: true, dpkg: false, files: ['/usr/bin/chromium', '/usr/bin/rg'] });
    assert.deepEqual(ensureDebianPackages(DEBIAN_PACKAGES, ok.sys), { installed: [] });
    const bad = fakeSystem({ installed: [], root: true, dpkg: false, files: ['/usr/bin/rg'] });
    assert.throws(() => ensureDebianPackages(DEBIAN_PACKAGES, bad.sys), /^Error: chromium not found and this system has no dpkg/);
    assert.deepEqual(bad.calls.filter((c) => c.startsWith('apt-get')), []);
  });

  test('the real dpkg-query of this machine: an installed package and an unknown name', (t) => {
    if (spawnSync('dpkg-query', ['--version']).error) return t.skip('no dpkg-query on this machine');
    const r = missingPackages(['dpkg', 'ml-pins-no-such-package'], systemRunner);
    assert.deepEqual(r, { dpkg: true, missing: ['ml-pins-no-such-package'] });
    // Not root, so nothing is installed and the command is given (whatever user runs the tests).
    const notRoot = { ...systemRunner, isRoot: () => false };
    assert.throws(() => ensureDebianPackages(['dpkg', 'ml-pins-no-such-package'], notRoot),
      /\n {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends ml-pins-no-such-package$/);
  });
});
