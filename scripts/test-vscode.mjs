#!/usr/bin/env node
// Runs the extension's in-VS Code test suite (out/test/index.js, built from test/vscode/index.ts) inside a real
// VS Code 1.100.3, offline: the VS Code server shipped in the npm package code-server@4.100.3 (installed by
// scripts/vscode-server-setup.mjs) hosts the extension host, and Debian's /usr/bin/chromium, driven headless by
// playwright-core, runs the workbench. Recipe: CONTRIBUTING.md, "Tests inside a real VS Code".
//
// Usage:  npm run test:vscode                     (build + setup + this script)
//         node scripts/test-vscode.mjs [--tests out/test/index.js] [--vsix path.vsix] [--extension DIR]… [--keep] [--verbose]
//   --tests FILE  the test module to run (default out/test/index.js); must export run().
//   --vsix FILE   install FILE into the server's (fresh) extensions dir and run the tests against the INSTALLED
//                 extension (for the packaging test). VS Code runs tests only in development mode, so the
//                 extensionDevelopmentPath is then an empty temp folder rather than the repo.
//   --extension DIR  install the extension in folder DIR into the server's (fresh) extensions dir (repeatable): how
//                 the stand-in for the Python extension (test/vscode/fake-python-extension) joins its own run, with
//                 ML_PINS_TEST_SUITE=python-extension, so the other suites never see it. (Not a second
//                 extensionDevelopmentPath: the web workbench reads its payload into a Map, which keeps only one.)
//   --keep        keep the temp dir (server log, browser console, user data) even when the tests pass.
//   --verbose     echo the browser console and the server output as they come.
// Environment:
//   ML_PINS_TEST_WORKSPACE   folder to open (default examples/seed-project). It is COPIED into the temp dir
//                            first, so the tests may edit files; the copy's path is given to the tests as
//                            ML_PINS_TEST_WORKSPACE_COPY. A missing default folder gives an empty workspace.
//   ML_PINS_TEST_TIMEOUT     overall timeout in seconds (default 360).
//   ML_PINS_SCREENSHOT_OUT   where screenshots go (default docs/images/ in the repo).
//   ML_PINS_TEST_GREP        passed through to the tests (test/vscode/index.ts gives it to mocha.grep).
//   ML_PINS_CACHE            where the VS Code server is installed (see scripts/vscode-server-setup.mjs).
//
// Test output: the server (and so the extension host it forks) gets ML_PINS_TEST_LOG=<temp>/test-output.log;
// test/vscode/index.ts sends mocha's reporter there, and this script tails the file to stdout.
//
// Screenshots: the extension host gets ML_PINS_SCREENSHOT_REQUESTS=<temp>/screenshot-requests. To ask for one,
// a test writes `<id>.request.json` = {"name": "some/file.png"} there (write to .tmp, then rename) and waits for
// `<id>.done.json` = {"ok": true, "path": "/abs/written.png"} or {"ok": false, "error": "..."}. This script polls
// the directory every 200 ms and takes page.screenshot() of the 1280x800 viewport into
// $ML_PINS_SCREENSHOT_OUT/<name> (a relative .png/.jpg name; no `..`). test/vscode/harness.ts screenshot(name) does
// all of this; under @vscode/test-electron the variable is unset and screenshot() returns undefined.
//
// Exit code: 0 when run() resolved, 1 when tests failed, 2 on harness errors (server, browser, timeout).
// Everything started here (server process group, browser) is stopped on exit, also on SIGINT/SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, closeSync, rmSync,
  statSync, writeFileSync, renameSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverInstall } from './vscode-server-setup.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = '/usr/bin/chromium';
const HOST = '127.0.0.1';
const VIEWPORT = { width: 1280, height: 800 };

// ---------- arguments ----------
const argv = process.argv.slice(2);
const opt = { tests: 'out/test/index.js', vsix: undefined, extensions: [], keep: false, verbose: !!process.env.ML_PINS_TEST_VERBOSE };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--tests') opt.tests = argv[++i];
  else if (a === '--vsix') opt.vsix = argv[++i];
  else if (a === '--extension') opt.extensions.push(argv[++i]);
  else if (a === '--keep') opt.keep = true;
  else if (a === '--verbose') opt.verbose = true;
  else { console.error(`test-vscode: unknown argument ${a}`); process.exit(2); }
}
if (!opt.tests || (argv.includes('--vsix') && !opt.vsix) || opt.extensions.some((e) => !e)) { console.error('test-vscode: missing value after an option'); process.exit(2); }
const testsPath = resolve(ROOT, opt.tests);
const timeoutSec = Number(process.env.ML_PINS_TEST_TIMEOUT || 360);
const shotsOut = resolve(ROOT, process.env.ML_PINS_SCREENSHOT_OUT || 'docs/images');

const say = (msg) => console.log(`[test-vscode] ${msg}`);
class HarnessError extends Error {}

// ---------- preconditions ----------
const inst = serverInstall();
function preflight() {
  if (!inst.complete) throw new HarnessError(`VS Code server not installed in ${inst.dir}; run node scripts/vscode-server-setup.mjs`);
  if (!existsSync(CHROMIUM)) throw new HarnessError(`${CHROMIUM} not found; apt-get install -y chromium`);
  if (!existsSync(testsPath)) throw new HarnessError(`test module ${testsPath} not found; run npm run build first`);
  if (opt.vsix && !existsSync(resolve(opt.vsix))) throw new HarnessError(`vsix ${opt.vsix} not found`);
  for (const e of opt.extensions) {
    if (!existsSync(join(resolve(ROOT, e), 'package.json'))) throw new HarnessError(`--extension ${e}: no package.json there`);
  }
  if (!opt.vsix) {
    const main = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).main;
    if (main && !existsSync(resolve(ROOT, main))) throw new HarnessError(`extension entry ${main} not built; run npm run build first`);
  }
}

// ---------- state for cleanup ----------
let tmp; let server; let browser; let tailFd; let tailPos = 0; let cleaned = false;
const timers = [];

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, HOST, () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

function tail(final = false) {
  if (tailFd === undefined) return;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    const n = readSync(tailFd, buf, 0, buf.length, tailPos);
    if (n <= 0) break;
    tailPos += n;
    process.stdout.write(buf.subarray(0, n));
  }
  if (final) { closeSync(tailFd); tailFd = undefined; }
}

function lastLines(file, n) {
  if (!existsSync(file)) return '(none)';
  const lines = readFileSync(file, 'utf8').split('\n');
  return lines.slice(-n).join('\n');
}

async function handleScreenshots(page, reqDir) {
  for (const f of readdirSync(reqDir)) {
    if (!f.endsWith('.request.json')) continue;
    const id = f.slice(0, -'.request.json'.length);
    const reqFile = join(reqDir, f);
    let ack;
    try {
      const { name } = JSON.parse(readFileSync(reqFile, 'utf8'));
      if (typeof name !== 'string' || !/\.(png|jpe?g)$/i.test(name) || isAbsolute(name)) {
        throw new Error(`bad screenshot name ${JSON.stringify(name)}: want a relative .png/.jpg file name`);
      }
      const out = resolve(shotsOut, name);
      if (relative(shotsOut, out).split(sep).includes('..')) throw new Error(`screenshot name ${name} leaves ${shotsOut}`);
      mkdirSync(dirname(out), { recursive: true });
      await page.screenshot({ path: out });
      say(`screenshot -> ${relative(ROOT, out) || out}`);
      ack = { ok: true, path: out };
    } catch (err) {
      ack = { ok: false, error: String(err?.message ?? err) };
      say(`screenshot request ${id} failed: ${ack.error}`);
    }
    rmSync(reqFile, { force: true });
    writeFileSync(join(reqDir, `${id}.done.json.tmp`), JSON.stringify(ack));
    renameSync(join(reqDir, `${id}.done.json.tmp`), join(reqDir, `${id}.done.json`));
  }
}

function killServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } res(); }, 5000);
    server.once('exit', () => { clearTimeout(t); res(); });
    try { process.kill(-server.pid, 'SIGTERM'); } catch { clearTimeout(t); res(); }
  });
}

async function cleanup(keepTmp) {
  if (cleaned) return;
  cleaned = true;
  for (const t of timers) clearInterval(t);
  try { tail(true); } catch { /* ignore */ }
  if (browser) {
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  await killServer();
  if (tmp) {
    if (keepTmp) say(`kept ${tmp} (server.log, browser-console.log, test-output.log)`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

// Last resort (e.g. an uncaught error while exiting): never leave the server's process group behind.
process.on('exit', () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => { say(`${sig}: stopping`); cleanup(true).finally(() => process.exit(130)); });
}

async function main() {
  preflight();
  const t0 = Date.now();
  tmp = mkdtempSync(join(tmpdir(), 'ml-pins-vscode-'));
  const userData = join(tmp, 'user-data');
  const serverData = join(tmp, 'server-data');
  const extDir = join(tmp, 'extensions');
  const workspace = join(tmp, 'workspace');
  const logFile = join(tmp, 'test-output.log');
  const reqDir = join(tmp, 'screenshot-requests');
  const serverLog = join(tmp, 'server.log');
  const consoleLog = join(tmp, 'browser-console.log');
  for (const d of [join(userData, 'User'), serverData, extDir, reqDir]) mkdirSync(d, { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    // The web workbench saves dirty files after 1 s by default (desktop VS Code does not): the tests keep edits
    // unsaved on purpose (unsaved-text diagnostics, revert), so a slow step must not save them behind their back.
    'files.autoSave': 'off',
  }, null, 2));
  writeFileSync(logFile, '');

  // Workspace: a copy, so the tests may edit files.
  const wsSource = process.env.ML_PINS_TEST_WORKSPACE
    ? resolve(process.env.ML_PINS_TEST_WORKSPACE) : join(ROOT, 'examples', 'seed-project');
  if (existsSync(wsSource) && statSync(wsSource).isDirectory()) {
    cpSync(wsSource, workspace, { recursive: true });
  } else if (process.env.ML_PINS_TEST_WORKSPACE) {
    throw new HarnessError(`ML_PINS_TEST_WORKSPACE=${wsSource} is not a directory`);
  } else {
    say(`warning: ${relative(ROOT, wsSource)} does not exist; opening an empty workspace`);
    mkdirSync(workspace);
  }

  const serverArgs = ['--user-data-dir', userData, '--server-data-dir', serverData, '--extensions-dir', extDir];
  if (opt.vsix) {
    const vsix = resolve(opt.vsix);
    say(`installing ${vsix}`);
    const r = spawnSync(process.execPath, [inst.serverMain, '--install-extension', vsix, ...serverArgs,
      '--accept-server-license-terms'], { encoding: 'utf8', timeout: 120_000 });
    process.stdout.write(r.stdout ?? '');
    if (r.status !== 0) throw new HarnessError(`installing ${vsix} failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  }

  // A folder in the extensions dir is picked up when the server starts (it writes the dir's extensions.json then).
  for (const e of opt.extensions) {
    const { publisher, name, version } = JSON.parse(readFileSync(join(resolve(ROOT, e), 'package.json'), 'utf8'));
    cpSync(resolve(ROOT, e), join(extDir, `${publisher}.${name}-${version}`), { recursive: true });
    say(`installed ${publisher}.${name} ${version} from ${e}`);
  }

  const port = await freePort();
  const env = {
    ...process.env,
    ML_PINS_TEST_LOG: logFile,
    ML_PINS_SCREENSHOT_REQUESTS: reqDir,
    ML_PINS_TEST_WORKSPACE_COPY: workspace,
    VSCODE_TELEMETRY_LEVEL: 'off',
    // code-server's build defaults the extension gallery to open-vsx.org; '{}' turns the gallery off.
    EXTENSIONS_GALLERY: '{}',
  };
  const serverOut = openSync(serverLog, 'a');
  server = spawn(process.execPath, [inst.serverMain, '--host', HOST, '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--disable-telemetry', ...serverArgs], {
    cwd: inst.vscodeDir, env, detached: true, stdio: ['ignore', serverOut, serverOut],
  });
  closeSync(serverOut);
  const serverExited = new Promise((res) => server.once('exit', (code, sig) => res({ code, sig })));
  say(`VS Code server pid ${server.pid} on http://${HOST}:${port} (temp ${tmp})`);

  // Wait until it answers HTTP.
  const readyBy = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new HarnessError(`VS Code server exited early (code ${server.exitCode}):\n${lastLines(serverLog, 40)}`);
    try {
      const r = await fetch(`http://${HOST}:${port}/version`, { signal: AbortSignal.timeout(2000) });
      if (r.status < 500) break;
    } catch { /* not yet */ }
    if (Date.now() > readyBy) throw new HarnessError(`VS Code server did not answer within 60 s:\n${lastLines(serverLog, 40)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  say(`server ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const consoleLines = [];
  const noteConsole = (line) => {
    consoleLines.push(line);
    writeFileSync(consoleLog, line + '\n', { flag: 'a' });
    if (opt.verbose) console.log(`[browser] ${line}`);
  };
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Our own signal handlers stop the server too; Playwright's would exit before they run.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
      '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--no-default-browser-check',
      '--metrics-recording-only', '--disable-features=Translate,OptimizationHints,MediaRouter',
      '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: VIEWPORT });
  // Loopback only: anything else is refused here (and logged), never attempted.
  await context.route((u) => !['127.0.0.1', 'localhost'].includes(u.hostname), (route) => {
    noteConsole(`blocked non-loopback request: ${route.request().url()}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (m) => noteConsole(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => noteConsole(`pageerror: ${e.message}`));

  let resolveExit;
  const exitCode = new Promise((r) => { resolveExit = r; });
  await page.exposeFunction('codeAutomationExit', (code) => { resolveExit(Number(code)); });

  const remote = (p) => `vscode-remote://${HOST}:${port}${p}`;
  const payload = [['extensionTestsPath', remote(testsPath)], ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']];
  // VS Code only runs extensionTestsPath when some extensionDevelopmentPath is given. With --vsix it is an
  // empty folder, so the only ml-pins extension loaded is the installed one.
  const devPath = opt.vsix ? join(tmp, 'no-extension-under-development') : ROOT;
  if (opt.vsix) mkdirSync(devPath);
  payload.unshift(['extensionDevelopmentPath', remote(devPath)]);
  const url = `http://${HOST}:${port}/?folder=${encodeURIComponent(workspace)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  say(opt.vsix ? `running ${relative(ROOT, testsPath)} against the installed ${opt.vsix}`
    : `running ${relative(ROOT, testsPath)} with extensionDevelopmentPath=${ROOT}`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  tailFd = openSync(logFile, 'r');
  let busy = false;
  timers.push(setInterval(async () => {
    if (busy) return;
    busy = true;
    try { tail(); await handleScreenshots(page, reqDir); } catch (e) { say(`poll error: ${e.message}`); }
    finally { busy = false; }
  }, 200));

  const browserGone = new Promise((r) => browser.once('disconnected', () => r('browser')));
  let timer;
  const timedOut = new Promise((r) => { timer = setTimeout(() => r('timeout'), timeoutSec * 1000); });
  const outcome = await Promise.race([exitCode, serverExited.then(() => 'server'), browserGone, timedOut]);
  clearTimeout(timer);
  // Let the last screenshot requests and log lines through.
  await new Promise((r) => setTimeout(r, 300));
  tail();
  if (typeof outcome === 'number') {
    say(`tests finished with code ${outcome} after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    if (outcome !== 0) {
      const hostErrors = consoleLines.filter((l) => /^error:/.test(l)).slice(-15);
      if (hostErrors.length) say(`last browser console errors:\n${hostErrors.join('\n')}`);
    }
    return outcome === 0 ? 0 : 1;
  }
  const why = outcome === 'timeout' ? `timed out after ${timeoutSec}s (ML_PINS_TEST_TIMEOUT)`
    : outcome === 'server' ? 'the VS Code server exited' : 'the browser disconnected';
  throw new HarnessError(`${why} before the tests reported a result.\n--- server.log (tail) ---\n` +
    `${lastLines(serverLog, 30)}\n--- browser console (tail) ---\n${consoleLines.slice(-30).join('\n')}`);
}

let code;
try {
  code = await main();
  await cleanup(opt.keep || code !== 0);
} catch (err) {
  console.error(`[test-vscode] ERROR: ${err instanceof HarnessError ? err.message : err?.stack ?? err}`);
  await cleanup(true);
  code = 2;
}
process.exit(code);
