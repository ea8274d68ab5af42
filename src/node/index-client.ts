// Declared metadata read live from a package index: the PEP 691 JSON simple API (or the PEP 503 HTML page), each
// release's core metadata from its PEP 658/714 `.metadata` file, in the snapshot's format (docs/metadata.md) so the
// resolver reads it like the bundled data. Short timeouts; credentials in an index URL go into an Authorization
// header and never into a message.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IndexedFile } from '../core/engine/hashes';
import type { PackageMetadata, ReleaseEntry } from '../core/metadata/types';
import { resolve, type MetadataSource, type ResolveOptions, type ResolveResult, type RootRequirement } from '../core/resolver';
import { compareVersions, parseVersion } from '../core/pep440';
import { normalizeName } from '../core/text';
import { wheelMetadata } from './wheel-metadata';
import { limiter } from './files';
import { coreMetadataFields } from '../core/metadata/core-metadata';
import { parseHtmlPage, parseJsonPage, withInvalidRequires } from '../core/metadata/index-formats';

// node:crypto takes milliseconds to load, and most CLI runs never ask an index: loaded on first use.
const sha256 = () => process.getBuiltinModule('node:crypto').createHash('sha256');

interface Fetched {
  status: number;
  type: string;
  text: string;
  url: string;
  fetchedAt: number;
  etag?: string;
  lastModified?: string;
}

function readCache(path: string): Fetched | undefined {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8'));
    return data && typeof data.text === 'string' && typeof data.fetchedAt === 'number' ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether it was written. */
function writeCache(path: string, value: Fetched): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, path);
    return true;
  } catch {
    // A cache that cannot be written is no cache.
    return false;
  }
}

/** A cache file's name: the SHA-256 of the URL and the Accept header. */
const CACHE_FILE = /^[0-9a-f]{64}\.json$/;

/** ML_PINS_CACHE_DIR, else $XDG_CACHE_HOME/ml-pins/index, else ~/.cache/ml-pins/index. */
export function cacheDir(vars: Record<string, string | undefined>): string | undefined {
  if (vars.ML_PINS_CACHE_DIR) return vars.ML_PINS_CACHE_DIR;
  const base = vars.XDG_CACHE_HOME || (vars.HOME ? join(vars.HOME, '.cache') : vars.LOCALAPPDATA);
  return base ? join(base, 'ml-pins', 'index') : undefined;
}

export interface IndexClientOptions {
  /** On-disk HTTP cache (pages revalidated with ETag / Last-Modified after `ttlMs`; metadata files kept). */
  cacheDir?: string;
  /** Default 10 minutes. */
  ttlMs?: number;
  /** Simple-API roots, primary first (`https://pypi.org/simple`). */
  indexes: string[];
  /** Packages read from their own index only (normalized name -> roots): uv sources and Poetry `source =`. */
  bound?: Record<string, string[]>;
  /** pip's `--find-links`: flat HTML pages (http(s) URLs) and local folders (absolute paths or file: URLs), read
   *  after the indexes. Whoever builds the list decides which folders may be read. */
  findLinks?: string[];
  timeoutMs?: number;
  /** Metadata files fetched at once. */
  concurrency?: number;
  /** List the cache folder once, at the first lookup, and read only the files listed (and those this client writes):
   *  for a short-lived process (the CLI), where a check asks about thousands of packages that are mostly not cached.
   *  A file another process writes meanwhile is read by the next run. Default: every lookup tries the file. */
  listCacheOnce?: boolean;
  /** Never ask the network: answer from the cache, however old (`check` without --verify-hashes). */
  offline?: boolean;
  fetch?: typeof fetch;
  /** Aborts every request when the caller stops waiting (the CLI's time allowed for indexes). */
  signal?: AbortSignal;
  /** Indexes (redacted) that could not be reached, with why: shared by the clients of one run, so that an index found
   *  down is not asked again (its cached pages still answer), and reported to the user. */
  unreachable?: Map<string, string>;
}

interface FileInfo {
  /** The simple-API root that lists it. */
  index?: string;
  filename: string;
  url: string;
  requiresPython?: string;
  yanked?: string;
  metadata: boolean;
  /** Algorithm -> lowercase hex digest (PEP 691 `hashes`, or the `#sha256=` fragment of a PEP 503 link). */
  hashes: Record<string, string>;
  /** A file in a local find-links folder. */
  local?: string;
}

/** The URL without user:password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) { u.username = ''; u.password = ''; }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
}

function authOf(url: string): { url: string; headers: Record<string, string> } {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return { url, headers: {} };
    const token = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64');
    u.username = '';
    u.password = '';
    return { url: u.toString(), headers: { authorization: `Basic ${token}` } };
  } catch {
    return { url, headers: {} };
  }
}

/** Release version from a wheel or sdist file name of `name`. */
export function versionFromFilename(filename: string, name: string): string | undefined {
  const wheel = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i.exec(filename);
  if (wheel) return normalizeName(wheel[1]) === name ? wheel[2] : undefined;
  const sdist = /^(.+)-([^-]+)\.(?:tar\.gz|zip|tar\.bz2|tgz)$/i.exec(filename);
  if (sdist && normalizeName(sdist[1]) === name) return sdist[2];
  return undefined;
}

/** The header fields of a METADATA file (RFC 822 style; continuation lines joined). */
export const parseCoreMetadata = coreMetadataFields;

/** The distributions in a local find-links folder (an absolute path or a file: URL): wheels and sdists, by file name;
 *  none when it cannot be read. Whoever passes the folder decides that it may be read. */
export function localFolderFiles(location: string): { filename: string; url: string; local: string }[] {
  let folder = location;
  try { if (/^file:/i.test(location)) folder = fileURLToPath(location); } catch { return []; }
  let names: string[];
  try { names = readdirSync(folder); } catch { return []; }
  return names.filter((n) => /\.(whl|tar\.gz|zip)$/i.test(n)).slice(0, 100_000).map((filename) => {
    const local = join(folder, filename);
    return { filename, url: pathToFileURL(local).href, local };
  });
}

/** The core metadata of a distribution file on disk: the PEP 658 `.metadata` file beside it, else a wheel's own
 *  METADATA; undefined when neither can be read. */
export function localCoreMetadata(path: string): string | undefined {
  try {
    if (existsSync(`${path}.metadata`)) return readFileSync(`${path}.metadata`, 'utf8');
  } catch { /* unreadable: the wheel itself next */ }
  return path.endsWith('.whl') ? wheelMetadata(path) : undefined;
}

export class IndexClient {
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly doFetch: typeof fetch;
  /** URLs fetched from the network, redacted: for tests and `--verbose`. */
  readonly log: string[] = [];
  cacheHits = 0;

  constructor(private readonly options: IndexClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10000;
    this.concurrency = options.concurrency ?? 8;
    this.doFetch = options.fetch ?? fetch;
    for (const index of [...options.indexes, ...Object.values(options.bound ?? {}).flat()]) this.credentials(index);
  }

  /** Credentials per origin, from the index URLs: files on the same host get them too (as pip does). */
  private readonly auth = new Map<string, Record<string, string>>();

  private credentials(url: string): { url: string; headers: Record<string, string> } {
    const own = authOf(url);
    if (Object.keys(own.headers).length) {
      try { this.auth.set(new URL(own.url).origin, own.headers); } catch { /* unparsable: no reuse */ }
      return own;
    }
    try { return { url, headers: this.auth.get(new URL(url).origin) ?? {} }; } catch { return own; }
  }

  /** Why a request failed, in words without the URL (which may carry credentials). */
  private failure(e: unknown): string {
    if (this.options.signal?.aborted) return 'stopped waiting: the time allowed for package indexes ran out';
    const err = e as { name?: string; cause?: { code?: string } };
    if (err?.name === 'NotHttp') return 'only http and https indexes are read';
    if (err?.name === 'TimeoutError') return `no answer within ${this.timeoutMs / 1000} s`;
    const code = err?.cause?.code;
    return code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found'
      : code === 'ECONNRESET' ? 'connection reset' : code ? `network error ${code}` : 'network error';
  }

  /** The page files in the cache folder (`listCacheOnce`), listed at the first lookup. */
  private listing?: Set<string>;

  /** Requests on the network at once, at most: a lock file names thousands of packages. 50 is uv's default for
   *  concurrent downloads (`Concurrency::DEFAULT_DOWNLOADS`, crates/uv-configuration/src/concurrency.rs). An index
   *  that cannot be reached is found so by its first request, sent alone (`probes`): the others are not sent (each
   *  would wait for a DNS look-up that cannot be taken back, and the process for all of them). */
  private readonly slots = limiter(50);

  /** `index`: the redacted index the URL belongs to, when its failure marks it unreachable (`options.unreachable`):
   *  then only the cache answers for it, read when the request's turn comes. */
  private async get(url: string, accept: string, immutable = false, o: { index?: string } = {}): Promise<Fetched | undefined> {
    const dir = this.options.cacheDir;
    if (dir !== undefined && this.options.listCacheOnce && !this.listing) {
      try { this.listing = new Set(readdirSync(dir).filter((n) => CACHE_FILE.test(n))); } catch { this.listing = new Set(); }
    }
    const down = this.options.unreachable;
    const cacheOnly = () => o.index !== undefined && !!down?.has(o.index);
    // Not to be asked and nothing cached: no answer, without hashing the URL.
    if ((this.options.offline || cacheOnly()) && this.listing?.size === 0) return undefined;
    const { url: plain, headers } = this.credentials(url);
    const file = dir !== undefined ? `${sha256().update(`${plain}\n${accept}`).digest('hex')}.json` : undefined;
    const cache = dir !== undefined && file !== undefined ? join(dir, file) : undefined;
    const cached = cache && (!this.listing || this.listing.has(file!)) ? readCache(cache) : undefined;
    const now = Date.now();
    if (cached && (immutable || this.options.offline || now - cached.fetchedAt < (this.options.ttlMs ?? 10 * 60_000))) {
      this.cacheHits++;
      return cached;
    }
    if (this.options.offline || cacheOnly()) return cacheOnly() ? cached : undefined;
    /** Sent when a slot is free, unless its index was found unreachable, or the time allowed ran out, meanwhile. */
    const send = () => this.slots(async (): Promise<Fetched | undefined> =>
      cacheOnly() || this.options.signal?.aborted ? cached : this.fetched(url, plain, accept, headers, cached, cache, now, o.index));
    // The first request to an index goes alone: when it fails, the index is unreachable and the others are not sent.
    const probe = o.index === undefined ? undefined : this.probes.get(o.index);
    if (probe) await probe;
    if (o.index === undefined || probe) return send();
    let settle!: () => void;
    this.probes.set(o.index, new Promise<void>((resolve) => (settle = resolve)));
    try {
      return await send();
    } finally {
      settle();
    }
  }

  /** Per index: its first request, until it is answered or fails (the others wait for it). */
  private readonly probes = new Map<string, Promise<void>>();

  /** The network part of `get`. */
  private async fetched(url: string, plain: string, accept: string, headers: Record<string, string>, cached: Fetched | undefined,
    cache: string | undefined, now: number, index: string | undefined): Promise<Fetched | undefined> {
    this.log.push(redactUrl(url));
    const conditional: Record<string, string> = {};
    if (cached?.etag) conditional['if-none-match'] = cached.etag;
    if (cached?.lastModified) conditional['if-modified-since'] = cached.lastModified;
    try {
      if (!/^https?:/i.test(plain)) throw Object.assign(new Error('not http'), { name: 'NotHttp' });
      const timeout = AbortSignal.timeout(this.timeoutMs);
      const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
      const res = await this.doFetch(plain, { headers: { accept, ...headers, ...conditional }, signal, redirect: 'follow' });
      // 404 is an answer (not on this index); 401, 403 and 5xx are not: the index is unreachable, said before the
      // requests waiting for this one go on.
      if (index !== undefined && res.status >= 400 && res.status !== 404 && !this.options.unreachable?.has(index)) {
        this.options.unreachable?.set(index, `answered HTTP ${res.status}`);
      }
      if (res.status === 304 && cached) {
        await res.body?.cancel();
        const fresh = { ...cached, fetchedAt: now };
        if (cache) this.store(cache, fresh);
        return fresh;
      }
      const text = await res.text();
      const out: Fetched = { status: res.status, type: res.headers.get('content-type') ?? '', text, url: res.url || plain, fetchedAt: now };
      const etag = res.headers.get('etag');
      const lastModified = res.headers.get('last-modified');
      if (etag) out.etag = etag;
      if (lastModified) out.lastModified = lastModified;
      if (cache && (res.status === 200 || res.status === 404)) this.store(cache, out);
      return out;
    } catch (e) {
      // Offline, slow or failing index: what was cached before, however old, beats nothing.
      if (index !== undefined) this.options.unreachable?.set(index, this.failure(e));
      return cached;
    }
  }


  private store(path: string, value: Fetched): void {
    if (writeCache(path, value)) this.listing?.add(basename(path));
  }

  /** What the indexes declare for one package; undefined when no index knows it (or none answers). */
  async package(rawName: string): Promise<PackageMetadata | undefined> {
    return (await this.lookup(rawName)).metadata;
  }

  /** As `package`, and whether an index could not be reached (no answer, nothing cached): then "unknown" is not final. */
  async lookup(rawName: string): Promise<{ metadata?: PackageMetadata; unavailable: boolean }> {
    const name = normalizeName(rawName);
    const { files, unavailable } = await this.listFiles(name);
    if (!files.size) return { unavailable };
    const versions = [...files.keys()].sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));
    const releases: ReleaseEntry[] = new Array(versions.length);
    let next = 0;
    const worker = async () => {
      while (next < versions.length) {
        const k = next++;
        const list = files.get(versions[k])!;
        releases[k] = withInvalidRequires(await this.release(name, versions[k], list, list[0].index ?? ''));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, versions.length) }, worker));
    return {
      unavailable,
      metadata: { format: 1, name, snapshot_date: new Date().toISOString().slice(0, 10), complete_through: versions[versions.length - 1], releases },
    };
  }

  /** Every file the indexes and find-links locations list for a package, by version (normalized), each with the index
   *  that lists it; `unavailable` when an index could not be reached. */
  private async listFiles(name: string): Promise<{ files: Map<string, FileInfo[]>; unavailable: boolean }> {
    const files = new Map<string, FileInfo[]>();
    let unavailable = false;
    for (const index of this.options.bound?.[name] ?? this.options.indexes) {
      const { base, shown } = this.root(index);
      const page = await this.get(`${base}/${name}/`, 'application/vnd.pypi.simple.v1+json, text/html;q=0.1', false, { index: shown });
      // 404 is an answer (not on this index); 401, 403 and 5xx are not (the index is then unreachable: `get`).
      if (!page || (page.status >= 400 && page.status !== 404)) unavailable = true;
      if (!page || page.status !== 200) continue;
      const list = filesOf(page);
      for (const f of list) {
        const v = versionFromFilename(f.filename, name);
        const parsed = v ? parseVersion(v) : null;
        if (!parsed) continue;
        const key = String(parsed);
        const at = files.get(key) ?? [];
        at.push({ ...f, index: base });
        files.set(key, at);
      }
    }
    for (const location of this.options.findLinks ?? []) {
      for (const f of await this.flatFiles(location)) {
        const v = versionFromFilename(f.filename, name);
        const parsed = v ? parseVersion(v) : null;
        if (!parsed) continue;
        const key = String(parsed);
        files.set(key, [...(files.get(key) ?? []), f]);
      }
    }
    return { files, unavailable };
  }

  /** An index root without its trailing slashes, and that redacted: asked for every package (thousands in a lock file). */
  private readonly roots = new Map<string, { base: string; shown: string }>();
  private root(index: string): { base: string; shown: string } {
    let r = this.roots.get(index);
    if (!r) {
      const base = index.replace(/\/+$/, '');
      this.roots.set(index, (r = { base, shown: redactUrl(base) }));
    }
    return r;
  }

  private readonly flat = new Map<string, Promise<FileInfo[]>>();

  /** Every file a find-links location lists (read once per client: a flat page names every package). */
  private flatFiles(location: string): Promise<FileInfo[]> {
    let p = this.flat.get(location);
    if (!p) {
      p = (async (): Promise<FileInfo[]> => {
        if (/^https?:/i.test(location)) {
          const page = await this.get(location, 'text/html', false, { index: redactUrl(location) });
          return page && page.status === 200 ? filesOf({ ...page, type: 'text/html' }) : [];
        }
        return localFolderFiles(location).map((f) => ({ ...f, metadata: false, hashes: {} }));
      })();
      this.flat.set(location, p);
    }
    return p;
  }

  /** Core metadata of a file in a local folder: its `.metadata` file beside it, else the wheel's own METADATA. */
  private localMetadata(file: FileInfo): ReleaseEntry | undefined {
    if (!file.local) return undefined;
    const text = localCoreMetadata(file.local);
    if (text === undefined) return undefined;
    const fields = parseCoreMetadata(text);
    const rp = fields.get('requires-python')?.[0];
    return { versions: [], requires_dist: fields.get('requires-dist') ?? [], ...(rp !== undefined ? { requires_python: rp } : {}), source: `find-links:${file.filename}` };
  }

  /** The files the indexes list for a package with their hashes (what `check` compares `--hash` values with);
   *  undefined when no index lists the package. */
  async files(rawName: string): Promise<{ index: string; files: IndexedFile[] } | undefined> {
    const { files: byVersion } = await this.listFiles(normalizeName(rawName));
    if (!byVersion.size) return undefined;
    const files = [...byVersion].flatMap(([version, list]) => list.map((f) => ({ version, filename: f.filename, hashes: f.hashes })));
    const indexes = [...new Set([...byVersion.values()].flat().map((f) => redactUrl(f.index ?? '')))];
    return { index: indexes.join(', '), files };
  }

  private async release(name: string, version: string, files: FileInfo[], index: string): Promise<ReleaseEntry> {
    const usable = files.filter((f) => !f.yanked);
    const yanked = usable.length ? undefined : files[0].yanked;
    const pick = [...(usable.length ? usable : files)].sort((a, b) => Number(b.metadata) - Number(a.metadata) || Number(b.filename.endsWith('.whl')) - Number(a.filename.endsWith('.whl')))[0];
    const entry: ReleaseEntry = { versions: [version], source: `index:${redactUrl(pick.url)}` };
    if (pick.requiresPython !== undefined) entry.requires_python = pick.requiresPython;
    if (yanked !== undefined) entry.yanked = yanked;
    const local = this.localMetadata(pick);
    if (local) return { ...local, versions: [version], ...(yanked !== undefined ? { yanked } : {}) };
    if (pick.local) { entry.source = `find-links:${pick.filename}`; return entry; }
    if (pick.metadata) {
      const res = await this.get(`${pick.url}.metadata`, '*/*', true);
      if (res && res.status === 200) {
        const fields = parseCoreMetadata(res.text);
        entry.requires_dist = fields.get('requires-dist') ?? [];
        const rp = fields.get('requires-python')?.[0];
        if (rp !== undefined) entry.requires_python = rp;
        entry.source = `index:${redactUrl(pick.url)}.metadata`;
        return entry;
      }
    }
    // No PEP 658 file: the PyPI JSON API next to the simple index (`…/simple` -> `…/pypi/<name>/<version>/json`).
    const api = index.replace(/\/simple\/?$/, '') + `/pypi/${name}/${version}/json`;
    if (index && api !== index) {
      const res = await this.get(api, 'application/json', true);
      let info: { requires_dist?: unknown; requires_python?: unknown } | undefined;
      try { info = res && res.status === 200 ? JSON.parse(res.text)?.info : undefined; } catch { info = undefined; }
      if (info) {
        // PyPI writes null when the uploaded metadata declares no Requires-Dist.
        entry.requires_dist = Array.isArray(info.requires_dist) ? info.requires_dist.filter((r): r is string => typeof r === 'string') : [];
        if (typeof info.requires_python === 'string' && info.requires_python) entry.requires_python = info.requires_python;
        entry.source = `index:${redactUrl(api)}`;
      }
    }
    return entry;
  }
}

/** A project page's files as the client keeps them: read by the index formats' parsers (one reader of PEP 503/691). */
function filesOf(page: { type: string; text: string; url: string }): FileInfo[] {
  const list = page.type.includes('json') ? parseJsonPage(page.text, page.url) : parseHtmlPage(page.text, page.url);
  return list.map((f) => ({
    filename: f.filename, url: f.url, metadata: f.hasMetadata, hashes: f.hashes,
    ...(f.requiresPython !== undefined ? { requiresPython: f.requiresPython } : {}),
    ...(f.yanked !== false ? { yanked: f.yanked } : {}),
  }));
}

/** Answers already fetched from one set of indexes, shared by every resolution against them. */
export class LiveMetadata {
  private readonly pending = new Map<string, Promise<PackageMetadata | undefined>>();
  private readonly known = new Map<string, PackageMetadata | undefined>();

  constructor(readonly client: IndexClient, private readonly fallback: MetadataSource = () => undefined) {}

  /** What the indexes answered for a package, else the fallback (the snapshot). */
  readonly get: MetadataSource = (name) => this.known.get(name) ?? this.fallback(name);

  /** What the indexes answered for a package (undefined: not asked, or no index knows it). */
  answered(name: string): PackageMetadata | undefined {
    return this.known.get(name);
  }

  /** Whether any index answered about any package. */
  get answeredAny(): boolean {
    for (const v of this.known.values()) if (v) return true;
    return false;
  }

  /** Asks the indexes about the packages not asked about yet. */
  async fetch(names: Iterable<string>): Promise<void> {
    await Promise.all([...new Set(names)].filter((n) => !this.known.has(n)).map(async (name) => {
      let p = this.pending.get(name);
      if (!p) this.pending.set(name, (p = this.client.package(name)));
      this.known.set(name, await p);
    }));
  }

  /**
   * Resolves with what the indexes declare: resolve, fetch every package the resolution asked for that the indexes have
   * not answered yet, and again, until nothing is missing (the resolver itself stays synchronous and pure). A package
   * no index knows falls back to the snapshot.
   */
  async resolve(roots: readonly RootRequirement[], options: ResolveOptions): Promise<ResolveResult> {
    for (let round = 0; ; round++) {
      const missing = new Set<string>();
      const result = resolve(roots, (name) => { if (!this.known.has(name)) missing.add(name); return this.get(name); }, options);
      if (!missing.size || round >= 100) return result;
      await this.fetch(missing);
    }
  }
}
