// Fills metadata/ from a package index (docs/metadata.md):
//   npm run metadata:from-index -- <name> [--index URL] [--json-api URL] [--out DIR] [--snapshot-date YYYY-MM-DD]
// PEP 691 JSON simple API (PEP 503 HTML when the index serves no JSON), PEP 658/714 metadata files for Requires-Dist
// and Requires-Python, PEP 592 yanked files, wheel tags summarised from the file names; the PyPI JSON API
// (`/pypi/<name>/<version>/json`) where an index has no metadata files. An index whose files all carry a local label
// (the PyTorch indexes: `torch-2.2.0+cu121-…whl`) adds its label to the releases already in the snapshot as a variant.
import { parseArgs } from 'node:util';
import {
  keptRequirements, parseCoreMetadata, parseDistFilename, parseHtmlPage, parseJsonPage, summarizeWheels, type DistFile, type IndexFile,
} from '../../src/core/metadata/index-formats';
import { normalizeName, type ReleaseRecord } from '../../src/core/metadata/types';
import { compareVersions, parseVersion } from '../../src/core/pep440';
import { DEFAULT_METADATA_DIR, expand, mergeReleases, readPackage } from './snapshot';

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
        const file: IndexFile = { filename: f.filename, url: f.url, ...(f.requires_python ? { requiresPython: f.requires_python } : {}), yanked: f.yanked ? f.yanked_reason ?? '' : false, hasMetadata: false };
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

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { index: { type: 'string' }, 'json-api': { type: 'string' }, out: { type: 'string' }, 'snapshot-date': { type: 'string' } },
  });
  if (!positionals.length) {
    console.error('usage: metadata:from-index -- <name> [<name>...] [--index URL] [--json-api URL] [--out DIR] [--snapshot-date YYYY-MM-DD]');
    process.exit(2);
  }
  for (const name of positionals) {
    const pkg = await updateFromIndex(name, {
      index: values.index, jsonApi: values['json-api'], out: values.out, snapshotDate: values['snapshot-date'], log: (l) => console.log(l),
    });
    console.log(`${pkg.name}: ${pkg.releases.length} entries through ${pkg.complete_through}${pkg.registry_newest ? ` (registry newest ${pkg.registry_newest})` : ''}`);
  }
}

if (require.main === module) main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(2); });
