// The declared metadata every CLI command reads (check, fix, resolve), one path for all: what the project's own
// package indexes declare (the indexes its manifests name, else PIP_INDEX_URL / PIP_EXTRA_INDEX_URL / pip.conf, else
// PyPI), layered over the bundled snapshot, through the on-disk cache of src/node/index-client.ts. An index that
// cannot be reached is asked once, then left to its cache and the snapshot, and named to the user (redacted); the
// whole wait is bounded. `--offline` (or ML_PINS_OFFLINE=1) reads the snapshot only and creates no client.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CheckInput } from '../core/engine/check';
import type { Environment } from '../core/engine/environment';
import type { IndexedFile, IndexedFilesLookup } from '../core/engine/hashes';
import { declaredMetadataHooks, resolutionPythons } from '../core/engine/resolution';
import type { MetadataProvider } from '../core/metadata/provider';
import type { PackageMetadata } from '../core/metadata/types';
import { resolve, targetEnvironment, type MetadataSource, type ResolveOptions, type ResolveResult, type RootRequirement } from '../core/resolver';
import { MAX_RESOLVED_ROOTS, rootCount, rootsOf } from '../core/resolver/environment';
import { indexSetKey, indexSources, type IndexDefaults, type IndexSources } from '../core/resolver/indexes';
import { cacheDir, IndexClient, LiveMetadata, redactUrl } from '../node/index-client';
import { bundledMetadata, NodeMetadata } from '../node/metadata';

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

/** What the indexes of an environment are read from: its index options, and its packages' bindings to an index. */
type IndexedEnvironment = Pick<Environment, 'indexes' | 'path'> & Partial<Pick<Environment, 'packages'>>;

/** The indexes pip would read for this environment, primary first: the manifest's, then PIP_* variables, pip.conf. */
export function indexesOf(env: IndexedEnvironment, vars: Record<string, string | undefined>, read: Pick<IndexDefaults, 'roots' | 'allowOutside'> = {},
  conf: { indexUrl?: string; extra: string[] } = pipConfig(vars)): IndexSources {
  const primary = vars.PIP_INDEX_URL || conf.indexUrl || undefined;
  const extra = vars.PIP_EXTRA_INDEX_URL !== undefined ? vars.PIP_EXTRA_INDEX_URL.split(/\s+/).filter(Boolean) : [...conf.extra];
  return indexSources(env, { primary, extra, ...read });
}

/** A snapshot folder's packages, read on demand through the one loader (src/node/metadata.ts). */
export function snapshotSource(dir?: string): (name: string) => PackageMetadata | undefined {
  const metadata = dir ? new NodeMetadata(dir) : bundledMetadata();
  return (name) => metadata.get(name);
}

/** ML_PINS_OFFLINE=1 (or true/yes): as `--offline`, for CI without network and for the project's own tests. */
export function offlineByEnvironment(vars: Record<string, string | undefined>): boolean {
  return /^(1|true|yes)$/i.test(vars.ML_PINS_OFFLINE ?? '');
}

export interface CliMetadataOptions {
  /** The snapshot only: no index is asked, no client is made. */
  offline: boolean;
  vars: Record<string, string | undefined>;
  /** The snapshot's folder; default ML_PINS_METADATA_DIR, else the bundled one. */
  metadataDir?: string;
  /** Local find-links folders are read only inside these (the paths checked) unless `allowOutside`. */
  roots?: string[];
  allowOutside?: boolean;
  /** The files come from someone not trusted: the indexes and find-links their manifests name are not used (the
   *  user's own PIP_INDEX_URL, pip.conf or PyPI are). */
  untrusted?: boolean;
  /** Per request. */
  timeoutMs: number;
  /** The whole wait for indexes in one run; after it, what has not arrived is taken from the snapshot. */
  budgetMs: number;
}

/** The time allowed for indexes: `check` and `fix` must stay quick, `resolve` is asked for exactly this. */
export const CHECK_INDEX_WAIT = { timeoutMs: 4_000, budgetMs: 15_000 };
/** How long an index that could not be reached is not asked again, by any run (its cached pages still answer). */
const UNREACHABLE_PAUSE_MS = 10 * 60_000;
export const RESOLVE_INDEX_WAIT = { timeoutMs: 8_000, budgetMs: 60_000 };

export class CliMetadata {
  /** Indexes (redacted) that could not be reached in this run, with why. */
  readonly unreachable = new Map<string, string>();
  private readonly snapshotProvider: NodeMetadata;
  readonly snapshot: MetadataSource;
  /** One set of answers per set of indexes (a package may differ between indexes). */
  private readonly live = new Map<string, LiveMetadata>();
  private readonly stop = new AbortController();
  private timer?: ReturnType<typeof setTimeout>;
  private conf?: { indexUrl?: string; extra: string[] };
  /** Indexes found unreachable by an earlier run (redacted URL -> when, why), from the cache folder. */
  private remembered?: Record<string, { at: number; reason: string }>;

  constructor(private readonly o: CliMetadataOptions) {
    const dir = o.metadataDir ?? o.vars.ML_PINS_METADATA_DIR;
    this.snapshotProvider = dir ? new NodeMetadata(dir) : bundledMetadata();
    this.snapshot = (name) => this.snapshotProvider.get(name);
  }

  get offline(): boolean {
    return this.o.offline;
  }

  /** The indexes and find-links locations pip would read for this environment (none offline). */
  sourcesOf(env: IndexedEnvironment): IndexSources {
    if (this.o.offline) return { indexes: [], findLinks: [], refused: [] };
    return indexesOf(this.o.untrusted ? { ...env, indexes: [] } : env, this.o.vars, { roots: this.o.roots, allowOutside: this.o.allowOutside }, (this.conf ??= pipConfig(this.o.vars)));
  }

  /** The live answers for this environment's indexes; undefined when it reads none (offline, `--no-index`). */
  private liveFor(env: IndexedEnvironment): LiveMetadata | undefined {
    const sources = this.sourcesOf(env);
    if (!sources.indexes.length && !sources.findLinks.length) return undefined;
    const key = indexSetKey(sources);
    let live = this.live.get(key);
    if (!live) {
      // Every index of the set found unreachable by an earlier run, within the pause: the snapshot, with no client.
      this.remember();
      const asked = [...sources.indexes, ...Object.values(sources.bound ?? {}).flat()];
      if (!sources.findLinks.length && asked.every((i) => this.remembered?.[redactUrl(i.replace(/\/+$/, ''))])) return undefined;
      // The clock for the whole wait starts with the first client; unref'd, it never keeps the process alive.
      this.timer ??= setTimeout(() => this.stop.abort(), this.o.budgetMs);
      this.timer.unref?.();
      const client = new IndexClient({ indexes: sources.indexes, findLinks: sources.findLinks, bound: sources.bound, timeoutMs: this.o.timeoutMs,
        cacheDir: cacheDir(this.o.vars), listCacheOnce: true, signal: this.stop.signal, unreachable: this.unreachable });
      this.live.set(key, (live = new LiveMetadata(client, this.snapshot)));
    }
    return live;
  }

  /** The metadata an environment is resolved from: its indexes' answers over the snapshot. */
  sourceFor(env: IndexedEnvironment): MetadataSource {
    return this.liveFor(env)?.get ?? this.snapshot;
  }

  /** What pip would install for these roots, fetching what the resolution reaches from the environment's indexes. */
  async resolve(env: IndexedEnvironment, roots: readonly RootRequirement[], options: ResolveOptions): Promise<ResolveResult> {
    const live = this.liveFor(env);
    return live ? live.resolve(roots, options) : resolve(roots, this.snapshot, options);
  }

  /**
   * Fetches what a check of these environments will ask (their packages, and everything their resolution reaches on
   * the Pythons the check tries), so that the check itself, which is synchronous, reads live answers.
   */
  async prefetch(envs: Environment[], settings: { targetPython?: string }): Promise<void> {
    await Promise.all(envs.map(async (env) => {
      const live = this.liveFor(env);
      if (!live) return;
      await live.fetch(env.packages.keys());
      const count = rootCount(env);
      if (!count || count > MAX_RESOLVED_ROOTS) return;
      const roots = rootsOf(env);
      for (const python of resolutionPythons(env, settings)) {
        const result = await live.resolve(roots, { environment: targetEnvironment(python), maxSteps: 5000 });
        if (result.ok || result.reason !== 'conflict') break;
      }
    }));
  }

  /** Every index's answers over the snapshot (the knowledge's metadata; the first index set that knows a package). */
  provider(): MetadataProvider {
    return {
      get snapshotDate() { return undefined; },
      get: (name) => {
        for (const live of this.live.values()) { const answer = live.answered(name); if (answer) return answer; }
        return this.snapshotProvider.get(name);
      },
    };
  }

  /** Whether any index answered anything (else the snapshot alone speaks, as offline). */
  get answered(): boolean {
    return [...this.live.values()].some((l) => l.answeredAny);
  }

  /** The check's resolution hooks, each environment read from its own indexes. */
  hooks(): Pick<CheckInput, 'environmentFindings' | 'freshVersions'> {
    const bySource = new Map<MetadataSource, ReturnType<typeof declaredMetadataHooks>>();
    const of = (env: Environment) => {
      const source = this.sourceFor(env);
      let hooks = bySource.get(source);
      if (!hooks) bySource.set(source, (hooks = declaredMetadataHooks(source)));
      return hooks;
    };
    return {
      environmentFindings: (env, c) => of(env).environmentFindings!(env, c),
      freshVersions: (env, c) => of(env).freshVersions!(env, c),
    };
  }

  private get memoryFile(): string | undefined {
    const dir = cacheDir(this.o.vars);
    return dir ? join(dir, 'unreachable.json') : undefined;
  }

  /** Indexes an earlier run could not reach within the pause are not asked again: pre-commit hooks and CI loops pay
   *  the wait for a dead index once, not on every run. */
  private remember(): void {
    if (this.remembered) return;
    this.remembered = {};
    const file = this.memoryFile;
    let data: unknown;
    try { data = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined; } catch { data = undefined; }
    const now = Date.now();
    for (const [url, v] of Object.entries(data && typeof data === 'object' ? data : {})) {
      const at = (v as { at?: unknown })?.at;
      const reason = (v as { reason?: unknown })?.reason;
      if (typeof at !== 'number' || typeof reason !== 'string' || now - at >= UNREACHABLE_PAUSE_MS || now < at) continue;
      this.remembered[url] = { at, reason };
      this.unreachable.set(url, `${reason} when last asked; asked again in ${Math.max(1, Math.ceil((at + UNREACHABLE_PAUSE_MS - now) / 60_000))} min`);
    }
  }

  /** Stops the clock and any request still running; remembers the indexes found unreachable in this run. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    const stopped = this.stop.signal.aborted;
    this.stop.abort();
    if (!this.remembered || !this.memoryFile) return;
    const now = Date.now();
    let added = false;
    for (const [url, reason] of this.unreachable) {
      // A slow index that the time allowed cut short is not "unreachable"; one that did not answer at all is.
      if (this.remembered[url] || (stopped && reason.startsWith('stopped waiting'))) continue;
      this.remembered[url] = { at: now, reason };
      added = true;
    }
    if (!added) return;
    try {
      mkdirSync(dirname(this.memoryFile), { recursive: true });
      const tmp = `${this.memoryFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.remembered));
      renameSync(tmp, this.memoryFile);
    } catch {
      // Not remembered: the next run asks again.
    }
  }

  /** One line per index that could not be reached, for stderr. */
  report(): string[] {
    return [...this.unreachable].map(([url, why]) => `ml-pins: could not read the package index ${url} (${why}); the bundled metadata snapshot stands in for it`);
  }
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
  const conf = pipConfig(vars);
  // A manifest's indexes, read once: it is asked about each of its (possibly thousands of) packages.
  const indexesByManifest = new WeakMap<object, string[]>();
  return (name, manifest) => {
    let indexes = indexesByManifest.get(manifest);
    if (!indexes) indexesByManifest.set(manifest, (indexes = indexesOf(manifest, vars, {}, conf).indexes));
    if (!indexes.length) return Promise.resolve(undefined);
    const key = indexes.join('\n');
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new IndexClient({ indexes, timeoutMs: 8000, cacheDir: dir, offline: !o.online, listCacheOnce: true })));
    let answer = answers.get(`${key}\n${name}`);
    if (!answer) answers.set(`${key}\n${name}`, (answer = client.files(name)));
    return answer;
  };
}
