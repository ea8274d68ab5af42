// Reads an installed Python environment without running it: a virtual environment (pyvenv.cfg), a conda-style prefix,
// or a site-packages folder. Installed packages come from their *.dist-info/METADATA and *.egg-info/PKG-INFO files,
// which works in untrusted workspaces too: nothing of the environment is executed.
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { InstalledEnvironment, InstalledPackage, Platform } from '../core/engine/config';
import { parseCoreMetadata } from '../core/metadata/core-metadata';
import { normalizeName } from '../core/text';

/** A site-packages folder holds tens of thousands of entries at most; metadata headers are small. */
const MAX_ENTRIES = 50_000;
const MAX_METADATA_BYTES = 256 * 1024;

export class EnvironmentError extends Error {}

export interface ReadOptions {
  /** The interpreter may be run (a trusted workspace) for what its files do not say. */
  run?: boolean;
  /** Its Python X.Y when the caller knows it (the Python extension does), used when the files do not say. */
  python?: string;
}

const PROBE = 'import json, sys, sysconfig; p = sysconfig.get_paths(); '
  + 'print(json.dumps({"python": "%d.%d" % sys.version_info[:2], "platform": sys.platform, "site": [p["purelib"], p["platlib"]]}))';

/** Runs the interpreter (isolated mode, 10 s at most) for its Python, platform and site-packages folders. */
export async function probeInterpreter(executable: string): Promise<{ python: string; platform?: Platform; sitePackages: string[] } | undefined> {
  // Required here, not at start-up (the CLI rarely runs an interpreter). A require, not import(): the CLI's code cache
  // (src/cli/bin.ts) is only used for a bundle without dynamic imports.
  const { execFile } = require('node:child_process') as typeof import('node:child_process');
  const out = await new Promise<string | undefined>((done) => {
    execFile(executable, ['-I', '-c', PROBE], { timeout: 10_000, maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout) => done(error ? undefined : stdout));
  });
  try {
    const r = JSON.parse(out ?? '') as { python?: unknown; platform?: unknown; site?: unknown };
    if (typeof r.python !== 'string' || !/^3\.\d+$/.test(r.python)) return undefined;
    const platform = r.platform === 'win32' ? 'windows' : r.platform === 'darwin' ? 'macos' : typeof r.platform === 'string' && r.platform.startsWith('linux') ? 'linux' : undefined;
    const sitePackages = Array.isArray(r.site) ? [...new Set(r.site.filter((d): d is string => typeof d === 'string'))] : [];
    return { python: r.python, ...(platform ? { platform } : {}), sitePackages };
  } catch {
    return undefined;
  }
}

/**
 * Reads the environment at `path`: a venv or prefix folder, its interpreter (`.venv/bin/python`), or a site-packages
 * folder. `label` is how messages name it (default: the path relative to `cwd`).
 */
export async function readInstalledEnvironment(path: string, cwd = process.cwd(), label?: string, options: ReadOptions = {}): Promise<InstalledEnvironment> {
  const abs = resolve(cwd, path);
  const info = await stat(abs).catch(() => undefined);
  if (!info) throw new EnvironmentError(`environment not found: ${path}`);
  // An interpreter: its prefix is the folder above bin/ or Scripts/.
  let root = info.isFile() ? dirname(dirname(abs)) : abs;
  if (info.isFile() && basename(dirname(abs)).toLowerCase() !== 'bin' && basename(dirname(abs)).toLowerCase() !== 'scripts') root = dirname(abs);
  const cfg = await readFile(join(root, 'pyvenv.cfg'), 'utf8').catch(() => undefined);
  const sitePackages = await findSitePackages(root);
  // What the files do not say (a system or conda interpreter's site folders, a Linux venv's platform), the
  // interpreter says when it may be run.
  let probed: Promise<Awaited<ReturnType<typeof probeInterpreter>>> | undefined;
  const probe = () => (probed ??= info.isFile() && options.run ? probeInterpreter(abs) : Promise.resolve(undefined));
  if (!sitePackages.length) {
    const dirs = (await probe())?.sitePackages ?? [];
    for (const d of dirs) if (await isDir(d)) sitePackages.push(d);
  }
  if (!sitePackages.length) throw new EnvironmentError(`no site-packages folder in ${path} (expected a virtual environment, a Python prefix or a site-packages folder)`);
  const python = pythonOf(cfg, sitePackages[0]) ?? options.python ?? (await probe())?.python;
  const packages: Record<string, InstalledPackage> = {};
  let tagged: Platform | undefined;
  for (const dir of sitePackages) {
    const found = await readPackages(dir);
    for (const [name, pkg] of Object.entries(found.packages)) packages[name] ??= pkg;
    tagged ??= found.platform;
  }
  const platform = tagged ?? (await platformOf(root, cfg)) ?? (await probe())?.platform;
  return {
    label: label ?? labelOf(cwd, root),
    ...(python ? { python } : {}),
    ...(platform ? { platform } : {}),
    packages,
  };
}

/** `.venv` inside the project; an environment elsewhere by its folder's name (`sd-env`), as environment pickers show it. */
function labelOf(cwd: string, root: string): string {
  const rel = relative(cwd, root);
  return !rel ? '.' : rel.startsWith('..') || isAbsolute(rel) ? basename(root) : rel;
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() === true;
}

/** site-packages folders of a prefix (POSIX lib/pythonX.Y, lib64, Windows Lib), or the folder itself. */
async function findSitePackages(root: string): Promise<string[]> {
  if (basename(root) === 'site-packages' || basename(root) === 'dist-packages') return [root];
  const out: string[] = [];
  for (const lib of ['lib', 'lib64']) {
    for (const name of (await readdir(join(root, lib)).catch(() => [] as string[])).sort()) {
      if (/^python3\.\d+t?$/.test(name) && (await isDir(join(root, lib, name, 'site-packages')))) out.push(join(root, lib, name, 'site-packages'));
    }
  }
  if (await isDir(join(root, 'Lib', 'site-packages'))) out.push(join(root, 'Lib', 'site-packages'));
  // A folder of installed distributions that is not named site-packages (a --target folder).
  if (!out.length && (await readdir(root).catch(() => [] as string[])).some((n) => n.endsWith('.dist-info'))) out.push(root);
  return [...new Set(out)];
}

/** "3.11" from pyvenv.cfg (`version = 3.11.7`, `version_info = 3.11.7.final.0`), else from lib/python3.11. */
function pythonOf(cfg: string | undefined, sitePackages: string): string | undefined {
  const m = cfg && /^\s*version(?:_info)?\s*=\s*(3\.\d+)/m.exec(cfg);
  if (m) return m[1];
  const p = /python(3\.\d+)t?[\\/]site-packages$/.exec(sitePackages);
  return p?.[1];
}

/** The platform from the layout and the base interpreter's home, when no installed wheel's tags said it. */
async function platformOf(root: string, cfg: string | undefined): Promise<Platform | undefined> {
  const home = cfg && /^\s*home\s*=\s*(.+)$/m.exec(cfg)?.[1].trim();
  if (home && /^[A-Za-z]:[\\/]/.test(home)) return 'windows';
  if ((await isDir(join(root, 'Scripts'))) && (await isDir(join(root, 'Lib')))) return 'windows';
  if (home && /^\/(?:Library|Applications|opt\/homebrew)\//.test(home)) return 'macos';
  return undefined;
}

/** A platform wheel's tag (`Tag: cp311-cp311-manylinux_2_17_x86_64`) names the platform it was installed on. */
export function platformOfWheelTags(wheelFile: string): Platform | undefined {
  for (const m of wheelFile.matchAll(/^Tag:\s*\S+-\S+-(\S+)\s*$/gm)) {
    const tag = m[1];
    if (/linux/.test(tag)) return 'linux';
    if (/^macosx/.test(tag)) return 'macos';
    if (/^win/.test(tag)) return 'windows';
  }
  return undefined;
}

async function readHead(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    if (!(await handle.stat()).isFile()) return undefined;
    const buf = Buffer.alloc(MAX_METADATA_BYTES);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** name -> installed package, from *.dist-info/METADATA and *.egg-info (a folder with PKG-INFO, or the file itself). */
async function readPackages(dir: string): Promise<{ packages: Record<string, InstalledPackage>; platform?: Platform }> {
  const names = (await readdir(dir).catch(() => [] as string[])).slice(0, MAX_ENTRIES).sort();
  const packages: Record<string, InstalledPackage> = {};
  let platform: Platform | undefined;
  for (const name of names) {
    let file: string | undefined;
    if (name.endsWith('.dist-info')) file = join(dir, name, 'METADATA');
    else if (name.endsWith('.egg-info')) file = (await isDir(join(dir, name))) ? join(dir, name, 'PKG-INFO') : join(dir, name);
    if (!file) continue;
    const text = await readHead(file);
    const meta = text === undefined ? undefined : parseCoreMetadata(text);
    if (!meta) continue;
    const key = normalizeName(meta.name);
    // A stale egg-info beside a dist-info of the same name: the dist-info is what pip installed last.
    if (packages[key] && name.endsWith('.egg-info')) continue;
    packages[key] = { version: meta.version, requiresDist: meta.requiresDist };
    if (!platform && name.endsWith('.dist-info')) {
      const wheel = await readHead(join(dir, name, 'WHEEL'));
      if (wheel) platform = platformOfWheelTags(wheel);
    }
  }
  return { packages, ...(platform ? { platform } : {}) };
}
