// The Debian packages the real-VS-Code suite needs, and what `npm test` does when some are missing: as root with
// apt-get (CI, containers, these machines) it installs them, announced in one line; otherwise it stops with the exact
// command to run. The decision is separate from the system calls so that a unit test can drive it
// (test/scripts/debian-packages.test.ts) with its own dpkg-query and apt-get.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Chromium drives the VS Code workbench; ripgrep and libkrb5-dev are what the server's native modules need. */
export const DEBIAN_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];

/** The command a user without root runs (also printed when an install as root failed). */
export function installCommand(packages) {
  return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/** The system as the decision sees it: real dpkg-query / apt-get / uid. Tests pass their own. */
export const systemRunner = {
  /** spawnSync-like: { status, stdout, error }. */
  run(cmd, args, options = {}) {
    return spawnSync(cmd, args, { encoding: 'utf8', ...options });
  },
  isRoot: () => typeof process.getuid === 'function' && process.getuid() === 0,
  exists: (path) => existsSync(path),
  log: (line) => console.log(line),
};

/**
 * Which of `packages` are not installed. dpkg-query answers on Debian; elsewhere (no dpkg) only the binaries the
 * suite really runs are looked for, and undefined in `dpkg` says the packages cannot be managed here.
 */
export function missingPackages(packages = DEBIAN_PACKAGES, sys = systemRunner) {
  const probe = sys.run('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...packages]);
  if (probe.error) {
    const missing = [];
    if (packages.includes('chromium') && !sys.exists('/usr/bin/chromium')) missing.push('chromium');
    if (packages.includes('ripgrep') && !sys.exists('/usr/bin/rg')) missing.push('ripgrep');
    return { dpkg: false, missing };
  }
  const ok = new Set(String(probe.stdout ?? '').split('\n')
    .filter((l) => l.endsWith('install ok installed')).map((l) => l.split(' ')[0]));
  return { dpkg: true, missing: packages.filter((p) => !ok.has(p)) };
}

/**
 * Makes sure `packages` are installed. Returns { installed: [...] } (empty when nothing was missing) or throws an
 * Error whose message ends with the exact command to run.
 */
export function ensureDebianPackages(packages = DEBIAN_PACKAGES, sys = systemRunner, tag = '[debian-packages]',
  purpose = 'the real-VS-Code tests') {
  const { dpkg, missing } = missingPackages(packages, sys);
  if (!missing.length) return { installed: [] };
  if (!dpkg) {
    throw new Error(`${missing.join(', ')} not found and this system has no dpkg: install the equivalent of the ` +
      `Debian packages ${missing.join(' ')} (Chromium at /usr/bin/chromium, ripgrep at /usr/bin/rg)`);
  }
  const aptGet = sys.run('apt-get', ['--version']);
  if (!sys.isRoot() || aptGet.error || aptGet.status !== 0) {
    throw new Error(`missing Debian packages for ${purpose}: ${missing.join(' ')}; install them with:\n  ` +
      installCommand(missing));
  }
  sys.log(`${tag} installing missing Debian packages for ${purpose}: apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps = [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...missing],
  ];
  for (const args of steps) {
    const r = sys.run('apt-get', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error || r.status !== 0) {
      const detail = String(r.stderr ?? r.error?.message ?? '').trim().split('\n').slice(-3).join('\n  ');
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.error?.message})${detail ? `:\n  ${detail}` : ''}\n` +
        `install them yourself with:\n  ${installCommand(missing)}`);
    }
  }
  const still = missingPackages(packages, sys).missing;
  if (still.length) {
    throw new Error(`apt-get reported success but ${still.join(' ')} is still not installed; install with:\n  ${installCommand(still)}`);
  }
  return { installed: missing };
}
