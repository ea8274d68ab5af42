// Helpers shared by the in-VS Code suites and the runners (scripts/test-vscode.mjs, scripts/test-electron.mjs).
// They talk to the runner through environment variables it sets on the VS Code server / Electron process:
//   ML_PINS_TEST_LOG            file the test output is appended to; the runner tails it to its stdout.
//   ML_PINS_SCREENSHOT_REQUESTS directory for screenshot requests (only under scripts/test-vscode.mjs).
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';

/** Writes a line of test output to the runner's log (when set) and to the extension host console. */
export function log(line: string): void {
  const file = process.env.ML_PINS_TEST_LOG;
  if (file) appendFileSync(file, line + '\n');
  else console.log(line);
}

let seq = 0;
/**
 * Asks the runner for a screenshot of the whole VS Code window (viewport 1280x800) and waits until it is taken.
 * `name` is a file name like `diagnostics.png` (sub-folders allowed, no `..`); the runner writes it under
 * docs/images/ or under $ML_PINS_SCREENSHOT_OUT. Returns the absolute path written, or undefined when the
 * runner cannot take screenshots (e.g. under @vscode/test-electron), so suites can call it unconditionally.
 * Give the UI a moment to settle before calling (e.g. after opening a document, wait for the diagnostics).
 */
export async function screenshot(name: string, timeoutMs = 30_000): Promise<string | undefined> {
  const dir = process.env.ML_PINS_SCREENSHOT_REQUESTS;
  if (!dir || !existsSync(dir)) return undefined;
  const id = `${process.pid}-${Date.now()}-${seq++}`;
  const request = join(dir, `${id}.request.json`);
  const done = join(dir, `${id}.done.json`);
  // Write then rename, so the runner never reads a half-written request.
  writeFileSync(request + '.tmp', JSON.stringify({ name }));
  renameSync(request + '.tmp', request);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(done)) {
      const ack = JSON.parse(readFileSync(done, 'utf8')) as { ok: boolean; path?: string; error?: string };
      if (!ack.ok) throw new Error(`screenshot ${name} failed: ${ack.error}`);
      return ack.path;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`screenshot ${name}: the runner did not answer within ${timeoutMs} ms`);
}

/** A venv with pip (python3 -m venv); Debian's python may lack ensurepip, then pip's own wheel bootstraps it. */
export function makeVenv(dir: string): string {
  const py = join(dir, 'bin', 'python');
  if (spawnSync('python3', ['-m', 'venv', dir]).status === 0 && spawnSync(py, ['-m', 'pip', '--version']).status === 0) return py;
  assert.equal(spawnSync('python3', ['-m', 'venv', '--clear', '--without-pip', dir]).status, 0, 'python3 -m venv failed');
  const wheel = existsSync('/usr/share/python-wheels') ? readdirSync('/usr/share/python-wheels').find((f) => /^pip-.*\.whl$/.test(f)) : undefined;
  assert.ok(wheel, 'no pip for the venv');
  const full = join('/usr/share/python-wheels', wheel);
  assert.equal(spawnSync(py, [`${full}/pip`, 'install', '--no-index', full]).status, 0);
  return py;
}


/**
 * A venv holding `requirements`, installed by pip from the local `wheels` folder (--no-index). Faster than makeVenv
 * plus pip: the venv gets no pip of its own, and python3's pip installs into it (--python, pip >= 22.3); an older
 * pip gets the slow way.
 */
export function venvWith(dir: string, wheels: string, requirements: string[]): string {
  const py = join(dir, 'bin', 'python');
  const venv = spawnSync('python3', ['-m', 'venv', '--without-pip', dir], { encoding: 'utf8' });
  assert.equal(venv.status, 0, `python3 -m venv failed: ${venv.stderr}`);
  if (!requirements.length) return py;
  const args = ['install', '-q', '--no-index', '--find-links', wheels, ...requirements];
  let pip = spawnSync('python3', ['-m', 'pip', '--python', py, ...args], { encoding: 'utf8' });
  if (pip.status !== 0 && /no such option: --python/.test(pip.stderr)) pip = spawnSync(makeVenv(dir), ['-m', 'pip', ...args], { encoding: 'utf8' });
  assert.equal(pip.status, 0, `pip install ${requirements.join(' ')} failed: ${pip.stderr}`);
  return py;
}
