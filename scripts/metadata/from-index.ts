// Fills metadata/ from a package index (docs/metadata.md):
//   npm run metadata:from-index -- <name> [--index URL] [--json-api URL] [--out DIR] [--snapshot-date YYYY-MM-DD]
//   npm run metadata:from-index -- <name> --index file:///… [--find-links DIR] [--registry-newest name=X]  (a mirror)
// PEP 691 JSON simple API (PEP 503 HTML when the index serves no JSON), PEP 658/714 metadata files for Requires-Dist
// and Requires-Python, PEP 592 yanked files, wheel tags summarised from the file names; the PyPI JSON API
// (`/pypi/<name>/<version>/json`) where an index has no metadata files. An index whose files all carry a local label
// (the PyTorch indexes: `torch-2.2.0+cu121-…whl`) adds its label to the releases already in the snapshot as a variant.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  keptRequirements, parseCoreMetadata, parseDistFilename, parseHtmlPage, parseJsonPage, summarizeWheels, type DistFile, type IndexFile,
} from '../../src/core/metadata/index-formats';
import { normalizeName, type ReleaseRecord } from '../../src/core/metadata/types';
import { compareVersions, parseVersion } from '../../src/core/pep440';
import { localCoreMetadata, localFolderFiles } from '../../src/node/index-client';
import { DEFAULT_METADATA_DIR, expand, mergeReleases, mergeSparse, readPackage } from './snapshot';

export const PYPI_SIMPLE = 'https://pypi.org/simple/';
const ACCEPT = 'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01';

export interface IndexReadOptions {
  /** The simple index URL (`…/simple/`). */
  index?: string;
  /** The JSON API root (`https://pypi.org/pypi/`); default: the index URL with /simple/ replaced by /pypi/. */
  jsonApi?: string | false;
  fetch?: typeof fetch;
  timeoutMs?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface IndexReadResult {
  name: string;
  records: ReleaseRecord[];
  /** The newest final release the index lists (the newest release when there is no final one). */
  registryNewest?: string;
  /** The records only add local variants (every file of the index carries a local label). */
  variantsOnly: boolean;
}

function withSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}

export function jsonApiRoot(index: string): string | undefined {
  const u = new URL(withSlash(index));
  if (!/\/simple\/$/.test(u.pathname)) return undefined;
  u.pathname = u.pathname.replace(/\/simple\/$/, '/pypi/');
  return u.toString();
}

async function get(url: string, o: IndexReadOptions, accept?: string): Promise<{ status: number; type: string; text: string; url: string }> {
  const f = o.fetch ?? fetch;
  const res = await f(url, { headers: accept ? { accept } : {}, redirect: 'follow', signal: AbortSignal.timeout(o.timeoutMs ?? 30000) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, url: res.url || url };
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]); }
  }));
  return out;
}

/** Reads every release of `name` from an index. */
export async function readFromIndex(rawName: string, o: IndexReadOptions = {}): Promise<IndexReadResult> {
  const name = normalizeName(rawName);
  const index = withSlash(o.index ?? PYPI_SIMPLE);
  const api = o.jsonApi === false ? undefined : o.jsonApi ? withSlash(o.jsonApi) : jsonApiRoot(index);
  const page = await get(`${index}${name}/`, o, ACCEPT);
  let files: IndexFile[] | undefined;
  if (page.status === 200) {
    files = /application\/vnd\.pypi\.simple\.v1\+json/.test(page.type) ? parseJsonPage(page.text, page.url) : parseHtmlPage(page.text, page.url);
  }
  // By version: the files, parsed.
  const byVersion = new Map<string, { files: { file: IndexFile; dist: DistFile }[] }>();
  if (files) {
    for (const file of files) {
      const dist = parseDistFilename(file.filename, name);
      if (!dist) continue;
      const group = byVersion.get(dist.publicVersion) ?? { files: [] };
      group.files.push({ file, dist });
      byVersion.set(dist.publicVersion, group);
    }
  } else if (api) {
    // No simple page: the JSON API alone.
    const all = await get(`${api}${name}/json`, o);
    if (all.status !== 200) throw new Error(`${name}: the index has no project page (${page.status}) and the JSON API answered ${all.status}`);
    const json = JSON.parse(all.text) as { releases?: Record<string, { filename: string; url: string; requires_python?: string | null; yanked?: boolean; yanked_reason?: string | null }[]> };
    for (const [, list] of Object.entries(json.releases ?? {})) {
      for (const f of list) {
        const dist = parseDistFilename(f.filename, name);
        if (!dist) continue;
        const file: IndexFile = { filename: f.filename, url: f.url, ...(f.requires_python ? { requiresPython: f.requires_python } : {}), yanked: f.yanked ? f.yanked_reason ?? '' : false, hasMetadata: false, hashes: {} };
        const group = byVersion.get(dist.publicVersion) ?? { files: [] };
        group.files.push({ file, dist });
        byVersion.set(dist.publicVersion, group);
      }
    }
  } else {
    throw new Error(`${name}: the index answered ${page.status} for its project page`);
  }
  if (!byVersion.size) throw new Error(`${name}: the index lists no files`);
  const allFiles = [...byVersion.values()].flatMap((g) => g.files);
  const variantsOnly = allFiles.every((f) => f.dist.local);
  const versions = [...byVersion.keys()].sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));

  const records = await pool(versions, o.concurrency ?? 6, async (version): Promise<ReleaseRecord> => {
    const group = byVersion.get(version)!.files;
    const variants: Record<string, string> = {};
    for (const f of group) if (f.dist.local) variants[f.dist.local] = index;
    const yankedFiles = group.filter((f) => f.file.yanked !== false);
    const yanked: false | string = yankedFiles.length === group.length ? (yankedFiles.map((f) => f.file.yanked).find((r) => r) || '') as string : false;
    // Metadata: a PEP 658 file of a wheel (a public one first), else the JSON API's release page.
    const order = [...group].sort((a, b) => Number(!!a.dist.local) - Number(!!b.dist.local) || Number(!b.dist.wheel) - Number(!a.dist.wheel));
    let requiresDist: string[] | undefined;
    let requiresPython: string | undefined = order.find((f) => f.file.requiresPython !== undefined)?.file.requiresPython;
    let source: string | undefined;
    const withMeta = order.find((f) => f.file.hasMetadata);
    if (withMeta) {
      const meta = await get(`${withMeta.file.url}.metadata`, o);
      if (meta.status === 200) {
        const parsed = parseCoreMetadata(meta.text);
        requiresDist = keptRequirements(parsed.requiresDist);
        requiresPython = parsed.requiresPython ?? requiresPython ?? '';
        source = `index:${index} (${withMeta.file.filename}.metadata)`;
      }
    }
    if (!requiresDist && api && !variantsOnly) {
      const rel = await get(`${api}${name}/${encodeURIComponent(version)}/json`, o);
      if (rel.status === 200) {
        const info = (JSON.parse(rel.text) as { info?: { requires_dist?: string[] | null; requires_python?: string | null } }).info;
        if (info) {
          requiresDist = keptRequirements(info.requires_dist ?? []);
          requiresPython = info.requires_python ?? requiresPython ?? '';
          source = `index:${api}${name}/${version}/json`;
        }
      }
    }
    const wheels = summarizeWheels(group.filter((f) => !f.dist.local || variantsOnly).map((f) => f.dist));
    return {
      version,
      ...(requiresPython !== undefined ? { requires_python: requiresPython } : {}),
      ...(requiresDist ? { requires_dist: requiresDist } : {}),
      ...(yanked !== false ? { yanked } : {}),
      ...(wheels ? { wheels } : {}),
      ...(Object.keys(variants).length ? { variants } : {}),
      source: source ?? `index:${index} (${group[0].file.filename})`,
    };
  });
  const finals = versions.filter((v) => { const p = parseVersion(v)!; return !p.pre && p.dev === undefined; });
  const registryNewest = (finals.length ? finals : versions)[(finals.length ? finals : versions).length - 1];
  o.log?.(`${name}: ${records.length} releases from ${index}${variantsOnly ? ' (local builds: variants)' : ''}`);
  return { name, records, registryNewest, variantsOnly };
}

/** Reads an index and writes the package through the merge step. Variants from an accelerator index join the
 *  releases already in the snapshot instead of replacing them. */
export async function updateFromIndex(rawName: string, o: IndexReadOptions & { out?: string; snapshotDate?: string } = {}) {
  const read = await readFromIndex(rawName, o);
  const dir = o.out ?? DEFAULT_METADATA_DIR;
  let records = read.records;
  let registryNewest = read.registryNewest;
  if (read.variantsOnly) {
    const old = readPackage(dir, read.name);
    const existing = new Map(old ? expand(old.releases).map((r) => [parseVersion(r.version)!.toString(), r]) : []);
    records = read.records.flatMap((r) => {
      const prev = existing.get(parseVersion(r.version)!.toString());
      if (!prev) return [];
      const added = Object.keys(r.variants ?? {}).filter((l) => !prev.variants?.[l]);
      const source = added.length ? `${prev.source}; ${added.map((l) => `+${l}`).join(' ')}: index:${withSlash(o.index ?? PYPI_SIMPLE)}` : prev.source;
      return [{ ...prev, variants: { ...(prev.variants ?? {}), ...(r.variants ?? {}) }, source }];
    });
    registryNewest = undefined;
    if (!records.length) throw new Error(`${read.name}: ${o.index} serves only local builds, and the snapshot has none of their releases yet (read the public index first)`);
  }
  return mergeReleases(read.name, records, { dir, registryNewest, snapshotDate: o.snapshotDate });
}

// ---- mirrors: `file:` indexes and find-links folders ----------------------------------------------------------

export interface MirrorReadOptions {
  /** Local PEP 503 indexes (`file:///opt/pypi/simple`), read in order. */
  indexes?: string[];
  /** pip's --find-links folders (paths or file: URLs), read after the indexes. */
  findLinks?: string[];
  log?: (line: string) => void;
}

export interface MirrorReadResult {
  name: string;
  /** One sparse record per release, from one wheel each. */
  records: ReleaseRecord[];
  /** Files a page lists that are not on disk (their releases are left out unless another wheel speaks for them). */
  missing: string[];
  /** Files left out on purpose (sdists, local builds such as `+cpu`), with why. */
  skipped: string[];
}

interface MirrorFile { filename: string; path: string; where: string; sha256?: string; yanked: false | string; dist: DistFile }

function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (d) => hash.update(d)).on('end', () => resolvePromise(hash.digest('hex')));
  });
}

/**
 * Reads the releases of `name` that a local mirror holds: the wheels its `file:` PEP 503 pages link and its find-links
 * folders hold, each wheel's METADATA read from the wheel itself. Every file's SHA-256 is checked against its link's
 * `#sha256=` fragment (a mismatch throws: the mirror does not hold what its index says). A mirror holds a few files
 * per release, so only Requires-Python and Requires-Dist are taken from it: no wheel summary (one cp311 manylinux
 * wheel says nothing of CPython 3.12 or Windows) and no "not yanked" claim; each record is sparse (docs/metadata.md).
 */
export async function readFromMirror(rawName: string, o: MirrorReadOptions): Promise<MirrorReadResult> {
  const name = normalizeName(rawName);
  const files: MirrorFile[] = [];
  const skipped: string[] = [];
  for (const index of o.indexes ?? []) {
    const root = withSlash(index);
    if (!/^file:/i.test(root)) throw new Error(`${index}: a mirror index is a file: URL (read an http index without --mirror)`);
    const pageUrl = new URL(`${name}/index.html`, root).href;
    let text: string;
    try { text = readFileSync(fileURLToPath(pageUrl), 'utf8'); } catch { continue; }
    for (const f of parseHtmlPage(text, pageUrl)) {
      const dist = parseDistFilename(f.filename, name);
      if (!dist) continue;
      files.push({ filename: f.filename, path: fileURLToPath(f.url), where: `index:${root}`, sha256: f.sha256, yanked: f.yanked, dist });
    }
  }
  for (const folder of o.findLinks ?? []) {
    for (const f of localFolderFiles(folder)) {
      const dist = parseDistFilename(f.filename, name);
      if (dist) files.push({ filename: f.filename, path: f.local, where: `find-links:${folder}`, yanked: false, dist });
    }
  }
  const byVersion = new Map<string, MirrorFile[]>();
  for (const f of files) {
    // A local build (+cpu, +cu121) declares what that build needs, not what the release on the registry declares.
    if (f.dist.local) { skipped.push(`${f.filename}: a local build (+${f.dist.local}), not the registry's release`); continue; }
    if (!f.dist.wheel) { skipped.push(`${f.filename}: an sdist (its PKG-INFO need not state Requires-Dist)`); continue; }
    byVersion.set(f.dist.publicVersion, [...(byVersion.get(f.dist.publicVersion) ?? []), f]);
  }
  const missing: string[] = [];
  const records: ReleaseRecord[] = [];
  for (const [version, group] of byVersion) {
    let record: ReleaseRecord | undefined;
    for (const f of group) {
      if (!existsSync(f.path)) { missing.push(`${f.filename} (${f.where})`); continue; }
      const digest = await sha256File(f.path);
      if (f.sha256 && f.sha256 !== digest) throw new Error(`${f.filename} (${f.where}): SHA-256 ${digest}, but the index states ${f.sha256}: refused`);
      if (record) continue;
      const text = localCoreMetadata(f.path);
      const meta = text === undefined ? undefined : parseCoreMetadata(text);
      if (!meta?.name || !meta.version) throw new Error(`${f.filename} (${f.where}): no readable METADATA in the wheel`);
      const metaVersion = parseVersion(meta.version);
      if (normalizeName(meta.name) !== name || !metaVersion || metaVersion.toString() !== parseVersion(version)!.toString()) {
        throw new Error(`${f.filename} (${f.where}): its METADATA names ${meta.name} ${meta.version}`);
      }
      record = {
        version,
        requires_python: meta.requiresPython ?? '',
        requires_dist: keptRequirements(meta.requiresDist),
        ...(f.yanked !== false ? { yanked: f.yanked } : {}),
        sparse: true,
        source: `${f.where} (${f.filename} sha256:${digest})`,
      };
    }
    if (record) records.push(record);
  }
  records.sort((a, b) => compareVersions(parseVersion(a.version)!, parseVersion(b.version)!));
  o.log?.(`${name}: ${records.length} releases from the mirror${missing.length ? `; missing: ${missing.join(', ')}` : ''}${skipped.length ? `; skipped: ${skipped.join('; ')}` : ''}`);
  return { name, records, missing, skipped };
}

/** Reads a mirror and merges its releases into the package as sparse entries (scripts/metadata/snapshot.ts mergeSparse). */
export async function updateFromMirror(rawName: string, o: MirrorReadOptions & { out?: string; snapshotDate?: string; registryNewest?: string }) {
  const read = await readFromMirror(rawName, o);
  if (!read.records.length) throw new Error(`${read.name}: the mirror holds no wheel of it${read.missing.length ? ` (missing: ${read.missing.join(', ')})` : ''}`);
  return { ...mergeSparse(read.name, read.records, { dir: o.out ?? DEFAULT_METADATA_DIR, snapshotDate: o.snapshotDate, registryNewest: o.registryNewest }), missing: read.missing, skipped: read.skipped };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      index: { type: 'string', multiple: true }, 'json-api': { type: 'string' }, 'find-links': { type: 'string', multiple: true },
      out: { type: 'string' }, 'snapshot-date': { type: 'string' }, 'registry-newest': { type: 'string' },
    },
  });
  if (!positionals.length) {
    console.error('usage: metadata:from-index -- <name> [<name>...] [--index URL]... [--find-links DIR]... [--json-api URL] [--out DIR] [--snapshot-date YYYY-MM-DD] [--registry-newest name=X,...]');
    process.exit(2);
  }
  const indexes = values.index ?? [];
  const registryNewest = Object.fromEntries((values['registry-newest'] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=', 2)));
  // A file: index or a find-links folder is a mirror: some releases, one wheel or a few each.
  const mirror = !!values['find-links']?.length || indexes.some((i) => /^file:/i.test(i));
  let failed = false;
  for (const name of positionals) {
    try {
      if (mirror) {
        const got = await updateFromMirror(name, {
          indexes, findLinks: values['find-links'], out: values.out, snapshotDate: values['snapshot-date'],
          registryNewest: registryNewest[normalizeName(name)], log: (l) => console.log(l),
        });
        console.log(`${got.pkg.name}: added ${got.added.join(', ') || 'nothing'}; agrees with the snapshot on ${got.confirmed.join(', ') || 'no release it already held'}`);
        if (got.missing.length) failed = true;
        continue;
      }
      if (indexes.length > 1) throw new Error('read one http index at a time');
      const pkg = await updateFromIndex(name, {
        index: indexes[0], jsonApi: values['json-api'], out: values.out, snapshotDate: values['snapshot-date'], log: (l) => console.log(l),
      });
      console.log(`${pkg.name}: ${pkg.releases.length} entries through ${pkg.complete_through}${pkg.registry_newest ? ` (registry newest ${pkg.registry_newest})` : ''}`);
    } catch (e) {
      failed = true;
      console.error(e instanceof Error ? e.message : e);
    }
  }
  if (failed) process.exit(1);
}

if (require.main === module) main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(2); });
