// `ml-pins resolve`: per environment, the versions pip would install, or the explained conflict. Metadata comes from
// the indexes the manifest names (`--index-url` in a requirement file, uv / Poetry sources), else PIP_INDEX_URL or
// PyPI, with the bundled snapshot underneath; `--offline` uses the snapshot only.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../core/engine/environment';
import type { IndexedFile, IndexedFilesLookup } from '../core/engine/hashes';
import type { PackageMetadata } from '../core/metadata/types';
import { parsePlatform, resolve, targetEnvironment, type Platform, type ResolveResult } from '../core/resolver';
import { normalizeName } from '../core/text';
import { rootsOf } from '../core/resolver/environment';
import { IndexClient, LiveMetadata, redactUrl } from '../node/index-client';
import { bundledMetadata, NodeMetadata } from '../node/metadata';

export { rootsOf };

export interface ResolveCommandOptions {
  targetPython?: string;
  platform?: string;
  offline: boolean;
  format: 'text' | 'json';
  display: (path: string) => string;
  env?: Record<string, string | undefined>;
  /** The snapshot's folder (metadata/); default: next to the CLI bundle, or ML_PINS_METADATA_DIR. */
  metadataDir?: string;
  maxSteps?: number;
}

export interface EnvironmentResolution {
  path: string;
  environment: string;
  python: string;
  resolution: Record<string, string> | null;
  conflict: { message: string; packages: string[] } | null;
  /** Why there is neither (the step budget ran out). */
  note?: string;
  /** Text output only: yanked releases that a pin selects (with the reason), releases newer than the snapshot. */
  notes?: Record<string, string>;
}

const CPYTHONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];
const PYPI = 'https://pypi.org/simple';

/** The oldest CPython the environment's requires-python admits (as uv resolves), else 3.12. */
export function defaultPython(env: Environment): string {
  if (!env.python) return '3.12';
  return CPYTHONS.find((v) => env.python!.contains(v)) ?? '3.12';
}

/** A snapshot folder's packages, read on demand through the one loader (src/node/metadata.ts). */
export function snapshotSource(dir?: string): (name: string) => PackageMetadata | undefined {
  const metadata = dir ? new NodeMetadata(dir) : bundledMetadata();
  return (name) => metadata.get(name);
}

/** ML_PINS_CACHE_DIR, else $XDG_CACHE_HOME/ml-pins/index, else ~/.cache/ml-pins/index. */
export function cacheDir(vars: Record<string, string | undefined>): string | undefined {
  if (vars.ML_PINS_CACHE_DIR) return vars.ML_PINS_CACHE_DIR;
  const base = vars.XDG_CACHE_HOME || (vars.HOME ? join(vars.HOME, '.cache') : vars.LOCALAPPDATA);
  return base ? join(base, 'ml-pins', 'index') : undefined;
}

/**
 * `index-url` / `extra-index-url` of the pip configuration files pip reads (PIP_CONFIG_FILE, else the site-wide,
 * user and legacy user files; later files override earlier ones; `[install]` over `[global]`).
 */
export function pipConfig(vars: Record<string, string | undefined>): { indexUrl?: string; extra: string[] } {
  const files = vars.PIP_CONFIG_FILE !== undefined
    ? [vars.PIP_CONFIG_FILE]
    : ['/etc/xdg/pip/pip.conf', '/etc/pip.conf',
      ...(vars.HOME ? [join(vars.HOME, '.pip', 'pip.conf'), join(vars.XDG_CONFIG_HOME || join(vars.HOME, '.config'), 'pip', 'pip.conf')] : []),
      ...(vars.APPDATA ? [join(vars.APPDATA, 'pip', 'pip.ini')] : [])];
  const out: { indexUrl?: string; extra: string[] } = { extra: [] };
  for (const file of files) {
    if (!file || file === '/dev/null' || file === 'os.devnull') continue;
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    const sections = new Map<string, Map<string, string>>();
    let section = '';
    let key = '';
    for (const raw of text.split(/\r?\n/)) {
      if (/^\s*[#;]/.test(raw) || !raw.trim()) continue;
      const head = /^\s*\[([^\]]+)\]\s*$/.exec(raw);
      if (head) { section = head[1].trim().toLowerCase(); continue; }
      const kv = /^([A-Za-z0-9_-]+)\s*[=:]\s*(.*)$/.exec(raw);
      const values = sections.get(section) ?? new Map<string, string>();
      sections.set(section, values);
      if (kv) { key = kv[1].toLowerCase().replace(/_/g, '-'); values.set(key, kv[2].trim()); } else if (/^\s/.test(raw) && key) values.set(key, `${values.get(key) ?? ''} ${raw.trim()}`.trim());
    }
    for (const name of ['global', 'install']) {
      const values = sections.get(name);
      if (values?.get('index-url')) out.indexUrl = values.get('index-url');
      if (values?.get('extra-index-url')) out.extra = values.get('extra-index-url')!.split(/\s+/).filter(Boolean);
    }
  }
  return out;
}

/** The indexes pip would read for this environment, primary first: the manifest's, then PIP_* variables, pip.conf. */
export function indexesOf(env: Pick<Environment, 'indexes'>, vars: Record<string, string | undefined>): string[] {
  const conf = pipConfig(vars);
  let primary: string | undefined = vars.PIP_INDEX_URL || conf.indexUrl || undefined;
  const extra = vars.PIP_EXTRA_INDEX_URL !== undefined ? vars.PIP_EXTRA_INDEX_URL.split(/\s+/).filter(Boolean) : [...conf.extra];
  let noIndex = false;
  for (const i of env.indexes) {
    if (i.kind === 'index-url') primary = i.url;
    else if (i.kind === 'extra-index-url' || i.kind === 'uv-index' || i.kind === 'poetry-source') extra.push(i.url);
    else if (i.kind === 'no-index') noIndex = true;
  }
  if (noIndex) return [];
  return [primary ?? PYPI, ...extra.filter((u) => u !== primary)];
}

/**
 * What `check` compares `--hash` values with: the files the indexes a requirement file names (else PIP_INDEX_URL,
 * pip.conf, PyPI) list for a package. From the index cache only, unless `online` (`check --verify-hashes`); undefined
 * when there is neither a cache nor leave to ask.
 */
export function indexedFiles(o: { online: boolean; env?: Record<string, string | undefined> }): IndexedFilesLookup | undefined {
  const vars = o.env ?? process.env;
  const dir = cacheDir(vars);
  if (!o.online && (!dir || !existsSync(dir))) return undefined;
  const clients = new Map<string, IndexClient>();
  const answers = new Map<string, Promise<{ index: string; files: IndexedFile[] } | undefined>>();
  return (name, manifest) => {
    const indexes = indexesOf(manifest, vars);
    if (!indexes.length) return Promise.resolve(undefined);
    const key = indexes.join('\n');
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new IndexClient({ indexes, timeoutMs: 8000, cacheDir: dir, offline: !o.online })));
    let answer = answers.get(`${key}\n${name}`);
    if (!answer) answers.set(`${key}\n${name}`, (answer = client.files(name)));
    return answer;
  };
}

export async function resolveEnvironments(envs: Environment[], o: ResolveCommandOptions): Promise<EnvironmentResolution[]> {
  const vars = o.env ?? process.env;
  const snapshot = snapshotSource(o.metadataDir ?? vars.ML_PINS_METADATA_DIR);
  const platform: Platform = (o.platform && parsePlatform(o.platform)) || 'linux';
  const live = new Map<string, LiveMetadata>();
  const out: EnvironmentResolution[] = [];
  for (const env of envs) {
    const python = o.targetPython ?? defaultPython(env);
    const options = { environment: targetEnvironment(python, platform), maxSteps: o.maxSteps };
    const roots = rootsOf(env, o.display);
    const indexes = o.offline ? [] : indexesOf(env, vars);
    let result: ResolveResult;
    if (!indexes.length) result = resolve(roots, snapshot, options);
    else {
      const key = indexes.join('\n');
      let metadata = live.get(key);
      if (!metadata) live.set(key, (metadata = new LiveMetadata(new IndexClient({ indexes, timeoutMs: 8000, cacheDir: cacheDir(vars) }), snapshot)));
      result = await metadata.resolve(roots, options);
    }
    out.push(toEntry(env, python, result, o.display));
  }
  return out;
}

function toEntry(env: Environment, python: string, result: ResolveResult, display: (p: string) => string): EnvironmentResolution {
  const base = { path: display(env.path), environment: env.label, python };
  if (result.ok) {
    const resolution: Record<string, string> = {};
    const notes: Record<string, string> = {};
    for (const p of [...result.packages.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const name = normalizeName(p.name);
      resolution[name] = p.version ?? '*';
      if (p.yanked !== undefined) notes[name] = `yanked${p.yanked ? `: ${p.yanked}` : ''}`;
      else if (p.newerUnknown) notes[name] = p.newerUnknown;
    }
    return { ...base, resolution, conflict: null, ...(Object.keys(notes).length ? { notes } : {}) };
  }
  if (result.reason === 'conflict') {
    return { ...base, resolution: null, conflict: { message: result.conflict.message, packages: result.conflict.packages } };
  }
  return { ...base, resolution: null, conflict: null, note: redactUrl(result.message) };
}

export function resolutionText(entries: EnvironmentResolution[]): string {
  const blocks = entries.map((e) => {
    const head = `${e.path}: ${e.environment} (Python ${e.python})`;
    if (e.resolution) {
      const names = Object.keys(e.resolution);
      const width = Math.max(0, ...names.map((n) => n.length));
      return [head, ...names.map((n) => {
        const v = e.resolution![n] === '*' ? 'any (not in the metadata)' : e.resolution![n];
        return `  ${n.padEnd(width)}  ${v}${e.notes?.[n] ? `  (${e.notes[n]})` : ''}`;
      })].join('\n');
    }
    if (e.conflict) return [head, ...e.conflict.message.split('\n').map((l) => `  ${l}`)].join('\n');
    return `${head}\n  not resolved: ${e.note ?? 'unknown'}`;
  });
  return blocks.join('\n\n');
}
