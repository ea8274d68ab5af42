// The one merge step both metadata generators write through (docs/metadata.md): expand entries to one per release,
// replace the releases a generator produced, sort by PEP 440, collapse identical consecutive releases, and rewrite
// metadata/packages/<name>.json and metadata/snapshot.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, parseVersion } from '../../src/core/pep440';
import {
  normalizeName, type PackageMetadata, type ReleaseEntry, type ReleaseRecord, type SnapshotIndex,
} from '../../src/core/metadata/types';

export const DEFAULT_METADATA_DIR = join(__dirname, '..', '..', 'metadata');

export function expand(entries: readonly ReleaseEntry[]): ReleaseRecord[] {
  return entries.flatMap(({ versions, ...rest }) => versions.map((version) => ({ version, ...rest })));
}

/** JSON with object keys sorted at every level (an array replacer would drop nested keys: wheels, variants). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).filter((k) => obj[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function sameMetadata(a: ReleaseRecord, b: ReleaseRecord): boolean {
  const strip = ({ version: _v, source: _s, ...rest }: ReleaseRecord) => stableJson(rest);
  return strip(a) === strip(b);
}

/** Sorts by PEP 440 and joins consecutive releases whose declared metadata is identical (the first one's source). */
export function collapse(records: readonly ReleaseRecord[]): ReleaseEntry[] {
  const sorted = [...records].sort(byVersion);
  const out: ReleaseEntry[] = [];
  let last: ReleaseRecord | undefined;
  for (const r of sorted) {
    const { version, ...rest } = r;
    if (last && sameMetadata(last, r)) out[out.length - 1].versions.push(version);
    else out.push({ versions: [version], ...rest });
    last = r;
  }
  return out;
}

export function byVersion(a: { version: string }, b: { version: string }): number {
  const va = parseVersion(a.version), vb = parseVersion(b.version);
  if (!va || !vb) throw new Error(`not a PEP 440 version: ${!va ? a.version : b.version}`);
  return compareVersions(va, vb);
}

export function readPackage(dir: string, name: string): PackageMetadata | undefined {
  const file = join(dir, 'packages', `${normalizeName(name)}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageMetadata) : undefined;
}

export interface MergeOptions {
  dir?: string;
  snapshotDate?: string;
  registryNewest?: string;
  /** The records list some releases only: the file lists every release from this version on (`complete_from`).
   *  Without it the merged file is a complete listing. */
  completeFrom?: string;
}

/** Writes `records` into the package's file, replacing releases of the same version, and updates snapshot.json. */
export function mergeReleases(name: string, records: readonly ReleaseRecord[], options: MergeOptions = {}): PackageMetadata {
  const dir = options.dir ?? DEFAULT_METADATA_DIR;
  const normalized = normalizeName(name);
  const old = readPackage(dir, normalized);
  const fresh = new Map(records.map((r) => [parseVersion(r.version)!.toString(), r]));
  const kept = old ? expand(old.releases).filter((r) => !fresh.has(parseVersion(r.version)!.toString())) : [];
  const all = [...kept, ...fresh.values()].sort(byVersion);
  if (!all.length) throw new Error(`no releases for ${normalized}`);
  const snapshotDate = options.snapshotDate ?? new Date().toISOString().slice(0, 10);
  const pkg: PackageMetadata = {
    format: 1,
    name: normalized,
    snapshot_date: snapshotDate,
    ...(options.registryNewest ?? old?.registry_newest ? { registry_newest: options.registryNewest ?? old?.registry_newest } : {}),
    complete_through: all[all.length - 1].version,
    ...(options.completeFrom ? { complete_from: options.completeFrom } : {}),
    releases: collapse(all),
  };
  mkdirSync(join(dir, 'packages'), { recursive: true });
  writeAtomic(join(dir, 'packages', `${normalized}.json`), formatPackage(pkg));
  writeIndex(dir, snapshotDate);
  return pkg;
}

/** One release entry a line: small files whose diffs show which releases changed. */
export function formatPackage(pkg: PackageMetadata): string {
  const { releases, ...head } = pkg;
  const lines = releases.map((e) => JSON.stringify(e));
  return `${JSON.stringify(head).slice(0, -1)},"releases":[\n${lines.join(',\n')}\n]}\n`;
}

/** Rebuilds snapshot.json from the package files. */
export function writeIndex(dir: string, snapshotDate: string): SnapshotIndex {
  const packages: SnapshotIndex['packages'] = {};
  for (const file of readdirSync(join(dir, 'packages')).filter((f) => f.endsWith('.json')).sort()) {
    const pkg = JSON.parse(readFileSync(join(dir, 'packages', file), 'utf8')) as PackageMetadata;
    packages[pkg.name] = {
      complete_through: pkg.complete_through,
      ...(pkg.complete_from ? { complete_from: pkg.complete_from } : {}),
      ...(pkg.registry_newest ? { registry_newest: pkg.registry_newest } : {}),
      releases: pkg.releases.reduce((n, e) => n + e.versions.length, 0),
    };
  }
  const index: SnapshotIndex = { format: 1, snapshot_date: snapshotDate, packages };
  const rows = Object.entries(packages).map(([name, row]) => `${JSON.stringify(name)}:${JSON.stringify(row)}`);
  writeAtomic(join(dir, 'snapshot.json'), `{"format":1,"snapshot_date":${JSON.stringify(snapshotDate)},"packages":{\n${rows.join(',\n')}\n}}\n`);
  return index;
}

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
