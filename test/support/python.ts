// Real Python environments for tests: python3 -m venv, with pip where this machine's Python can provide it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const PYTHON = process.env.ML_PINS_TEST_PYTHON ?? 'python3';

/** The wheels test/python/build_wheels.py builds (stand-ins for diffusers, huggingface_hub, torch, transformers). */
export function buildTestWheels(out: string): void {
  const built = spawnSync(PYTHON, [join(import.meta.dirname, '..', 'python', 'build_wheels.py'), out], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
}

/**
 * python3 -m venv; where ensurepip is missing, a pip-less venv bootstrapped from the system's pip wheel. `bootEnv`:
 * the environment of that bootstrap (default: this process's, with the venv's bin first on PATH).
 */
export function makeVenv(dir: string, withPip: boolean, bootEnv?: NodeJS.ProcessEnv): string {
  const py = join(dir, 'bin', 'python');
  if (withPip) {
    const r = spawnSync(PYTHON, ['-m', 'venv', dir], { encoding: 'utf8' });
    if (r.status === 0 && spawnSync(py, ['-m', 'pip', '--version']).status === 0) return py;
    rmSync(dir, { recursive: true, force: true });
  }
  const r = spawnSync(PYTHON, ['-m', 'venv', '--without-pip', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `venv --without-pip failed: ${r.stderr}`);
  if (withPip) {
    // Debian's python3-venv may lack ensurepip; the pip wheel can install itself: python pip.whl/pip install pip.whl
    const wheelDirs = ['/usr/share/python-wheels'];
    const wheel = wheelDirs.flatMap((d) => (existsSync(d) ? readdirSync(d).map((f) => join(d, f)) : [])).find((f) => /\/pip-.*\.whl$/.test(f));
    assert.ok(wheel, 'no way to get pip into a venv: ensurepip is missing and there is no pip wheel');
    const boot = spawnSync(py, [`${wheel}/pip`, 'install', '--no-index', wheel], {
      encoding: 'utf8', env: bootEnv ?? { ...process.env, PATH: `${join(dir, 'bin')}${delimiter}${process.env.PATH ?? ''}` },
    });
    assert.equal(boot.status, 0, boot.stderr);
  }
  return py;
}
