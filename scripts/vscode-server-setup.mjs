#!/usr/bin/env node
// Installs the VS Code server that `npm run test:vscode` runs the extension's tests in, offline-friendly:
// the npm package code-server@4.100.3 ships a full VS Code 1.100.3 build (lib/vscode/out/server-main.js).
// Recipe: CONTRIBUTING.md, "Tests inside a real VS Code". Only the npm registry and Debian packages are needed.
//
// Where: $ML_PINS_CACHE/code-server-4.100.3 when ML_PINS_CACHE is set, else ~/.cache/ml-pins/code-server-4.100.3.
// Never inside the repo. Idempotent: a marker file is written last; when it is present the script is a no-op.
// A directory without the marker (an interrupted install) is wiped and installed again; a marker from another
// Node ABI (process.versions.modules) triggers `npm rebuild` of the native modules only. Cold install: ~35 s.
//
// Debian packages the suite needs (chromium, ripgrep, libkrb5-dev; scripts/debian-packages.mjs): checked on every run;
// missing ones are installed with apt-get when this process is root, else it stops with the exact command to run.
// (The C/C++ toolchain and python3 for node-gyp must already be present: make, g++.)
//
// Other scripts import { serverInstall } from here to find the installed server.
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, symlinkSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { DEBIAN_PACKAGES, ensureDebianPackages } from './debian-packages.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export { DEBIAN_PACKAGES };
const MARKER = '.ml-pins-setup-complete';

/** Paths of the cached install (whether or not it is complete). */
export function serverInstall() {
  const base = process.env.ML_PINS_CACHE || join(homedir(), '.cache', 'ml-pins');
  const dir = join(base, `code-server-${CODE_SERVER_VERSION}`);
  const vscodeDir = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  return {
    dir,
    vscodeDir,
    serverMain: join(vscodeDir, 'out', 'server-main.js'),
    marker: join(dir, MARKER),
    complete: existsSync(join(dir, MARKER)) && existsSync(join(vscodeDir, 'out', 'server-main.js')),
  };
}

function run(cmd, args, cwd, extraEnv = {}) {
  const t0 = Date.now();
  console.log(`[vscode-server-setup] (${cwd}) ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.error) throw new Error(`could not start ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal})`);
  console.log(`[vscode-server-setup]   done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/**
 * The headers of the running Node when its installation ships them (Debian's nodejs, the official tarballs, nvm):
 * node-gyp then builds against them instead of downloading them from nodejs.org into ~/.cache/node-gyp, so a
 * machine with an empty home and no route to nodejs.org still builds the native modules. Undefined when absent or
 * for another version.
 */
export function localNodeDir(execPath = process.execPath, version = process.versions.node) {
  const prefix = dirname(dirname(execPath));
  const header = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(header) || !existsSync(join(prefix, 'include', 'node', 'common.gypi'))) return undefined;
  const text = readFileSync(header, 'utf8');
  const part = (name) => text.match(new RegExp(`#define\\s+NODE_${name}_VERSION\\s+(\\d+)`))?.[1];
  return [part('MAJOR'), part('MINOR'), part('PATCH')].join('.') === version ? prefix : undefined;
}

/** Environment for `npm rebuild`: npx without prompting, and local Node headers when there are some. */
function rebuildEnv() {
  const nodedir = process.env.npm_config_nodedir ? undefined : localNodeDir();
  return { npm_config_yes: 'true', ...(nodedir ? { npm_config_nodedir: nodedir } : {}) };
}

function linkIfAbsent(target, path) {
  try { lstatSync(path); return; } catch { /* absent */ }
  symlinkSync(target, path);
}

// The native modules the server needs at start-up must load in this Node.
function checkNativeModules(inst) {
  const check = spawnSync(process.execPath, ['-e',
    "for (const m of ['node-pty', '@vscode/spdlog', 'kerberos']) require(m);"], { cwd: inst.vscodeDir, encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`native modules do not load after npm rebuild:\n${check.stderr}`);
}

function writeMarker(inst, data) {
  writeFileSync(inst.marker, JSON.stringify(data, null, 2) + '\n');
}

export function setup() {
  // Chromium is needed even when the server is already installed.
  ensureDebianPackages(DEBIAN_PACKAGES, undefined, '[vscode-server-setup]');
  const inst = serverInstall();
  if (inst.complete) {
    const marker = JSON.parse(readFileSync(inst.marker, 'utf8'));
    if (marker.modules === process.versions.modules) {
      console.log(`[vscode-server-setup] code-server ${CODE_SERVER_VERSION} already installed in ${inst.dir}`);
      return inst;
    }
    // Another Node ABI than the one the native modules were built for: rebuild them only.
    console.log(`[vscode-server-setup] built for Node ${marker.node}, running ${process.version}: rebuilding native modules`);
    run('npm', ['rebuild', '--no-audit', '--no-fund', '--loglevel=error'], inst.vscodeDir, rebuildEnv());
    checkNativeModules(inst);
    writeMarker(inst, { ...marker, node: process.version, modules: process.versions.modules });
    return inst;
  }
  const t0 = Date.now();
  if (existsSync(inst.dir)) {
    console.log(`[vscode-server-setup] removing incomplete install in ${inst.dir}`);
    rmSync(inst.dir, { recursive: true, force: true });
  }
  mkdirSync(inst.dir, { recursive: true });
  writeFileSync(join(inst.dir, 'package.json'), JSON.stringify({ name: 'ml-pins-vscode-server', private: true }, null, 2));
  const npm = 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  // 1. code-server itself, without its postinstall (refuses root, downloads ripgrep).
  run(npm, ['install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts', ...quiet], inst.dir);
  // 2. VS Code's own runtime dependencies.
  run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], inst.vscodeDir);
  // 3. Debian's rg instead of @vscode/ripgrep's download (its postinstall skips when bin/ exists).
  const rgBin = join(inst.vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  linkIfAbsent('/usr/bin/rg', join(rgBin, 'rg'));
  // 4. Native modules (node-pty, spdlog, kerberos, ...) against this Node. One package runs `npx node-gyp`.
  run(npm, ['rebuild', ...quiet], inst.vscodeDir, rebuildEnv());
  // 5. The server looks for node_modules.asar; built-in extensions have their own dependencies.
  linkIfAbsent('node_modules', join(inst.vscodeDir, 'node_modules.asar'));
  run(npm, ['install', '--omit=dev', '--ignore-scripts', ...quiet], join(inst.vscodeDir, 'extensions'));
  checkNativeModules(inst);
  writeMarker(inst, {
    codeServer: CODE_SERVER_VERSION, vscode: VSCODE_VERSION, node: process.version, modules: process.versions.modules,
    installedAt: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000),
  });
  console.log(`[vscode-server-setup] installed code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}) in ` +
    `${inst.dir} in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  return serverInstall();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    setup();
  } catch (err) {
    console.error(`[vscode-server-setup] ERROR: ${err.message}`);
    process.exit(1);
  }
}
