// The one merge step both metadata generators write through (docs/metadata.md): expand entries to one per release,
// replace the releases a generator produced, sort by PEP 440, collapse identical consecutive releases, and rewrite
// metadata/packages/<name>.json and metadata/snapshot.json.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outsideCompleteListing } from '../../src/core/metadata/provider';
import { compareVersions, parseVersion } from '../../src/core/pep440';
import { VersionSet } from '../../src/core/pep440/intervals';
import { parseRequirement } from '../../src/core/pep508';
import {
  normalizeName, type PackageMetadata, type ReleaseEntry, type ReleaseRecord, type SnapshotIndex, type WheelSummary,
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
    // A sparse entry speaks for exactly its own release, with its own provenance: never joined.
    if (last && !r.sparse && sameMetadata(last, r)) out[out.length - 1].versions.push(version);
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

function withoutSparse({ sparse: _sparse, ...rest }: ReleaseRecord): ReleaseRecord {
  return rest;
}

export function readPackage(dir: string, name: string): PackageMetadata | undefined {
  const file = join(dir, 'packages', `${normalizeName(name)}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageMetadata) : undefined;
}

/** A complete listing the records make: every release from `from` to `through` is among them (the claim of the
 *  sources that list the releases; docs/metadata.md "From published metadata files"). */
export interface Listing { from: string; through: string }

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
  const listed = [...kept.filter((r) => !r.sparse), ...fresh.values()].sort(byVersion);
  if (!listed.length) throw new Error(`no releases for ${normalized}`);
  const through = listed[listed.length - 1].version;
  // Sparse entries (read from a mirror) stay sparse above the new complete listing; within it they are listed.
  const all = [...kept.map((r) => (r.sparse && byVersion(r, { version: through }) <= 0 ? withoutSparse(r) : r)), ...fresh.values()].sort(byVersion);
  const snapshotDate = options.snapshotDate ?? new Date().toISOString().slice(0, 10);
  const pkg: PackageMetadata = {
    format: 1,
    name: normalized,
    snapshot_date: snapshotDate,
    ...(options.registryNewest ?? old?.registry_newest ? { registry_newest: options.registryNewest ?? old?.registry_newest } : {}),
    complete_through: through,
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
    const sparse = pkg.releases.reduce((n, e) => n + (e.sparse ? e.versions.length : 0), 0);
    if (sparse) packages[pkg.name].sparse = sparse;
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

/** A requirement line as a comparable key: normalized name, extras, the marker without spacing or quote style; with
 *  its version set. */
function requirementKey(line: string): { key: string; set: VersionSet; extraOnly: boolean } | undefined {
  const r = parseRequirement(line);
  if (!r.ok) return undefined;
  const marker = (r.value.markerText ?? '').replace(/\s+/g, '').replace(/"/g, "'");
  return {
    key: `${normalizeName(r.value.name)}[${[...r.value.extras].map(normalizeName).sort().join(',')}];${marker}`,
    set: VersionSet.fromSpecifierSet(r.value.url ? '' : r.value.specifier), extraOnly: /\bextra\s*==/.test(r.value.markerText ?? ''),
  };
}

/**
 * Why a row the snapshot holds and a row read from a wheel of the same release disagree (undefined: they agree).
 * They agree when Requires-Python admits the same versions, the requirements a plain install takes are the same, and
 * every extra's requirement the snapshot holds is in the wheel (sources at tags may leave extras out; docs/metadata.md).
 * A partial Requires-Dist is compared line by line with the wheel's.
 */
export function disagreement(held: Omit<ReleaseRecord, 'version'>, wheel: Omit<ReleaseRecord, 'version'>): string | undefined {
  if (held.requires_python !== undefined && wheel.requires_python !== undefined &&
    !VersionSet.fromSpecifierSet(held.requires_python).equals(VersionSet.fromSpecifierSet(wheel.requires_python))) {
    return `Requires-Python ${JSON.stringify(held.requires_python)} against the wheel's ${JSON.stringify(wheel.requires_python)}`;
  }
  if (!held.requires_dist || !wheel.requires_dist) return undefined;
  const theirs = wheel.requires_dist.map(requirementKey);
  const inWheel = (line: string) => { const k = requirementKey(line); return !!k && theirs.some((t) => !!t && t.key === k.key && t.set.equals(k.set)); };
  const missing = held.requires_dist.filter((l) => !inWheel(l));
  if (missing.length) return `the wheel does not declare ${missing.join(', ')}`;
  if (!held.requires_dist_partial) {
    const plain = (lines: string[]) => lines.filter((l) => requirementKey(l)?.extraOnly === false);
    const ours = plain(held.requires_dist).map(requirementKey);
    const extra = plain(wheel.requires_dist).filter((l) => { const k = requirementKey(l)!; return !ours.some((o) => !!o && o.key === k.key && o.set.equals(k.set)); });
    if (extra.length) return `the wheel also declares ${extra.join(', ')}`;
  }
  return undefined;
}

export interface SparseMergeResult {
  pkg: PackageMetadata;
  /** Releases the file already held whose row agrees with the wheel (kept as they were). */
  confirmed: string[];
  /** Releases added as sparse entries. */
  added: string[];
  /** Releases the file already held that gained (or widened) their wheel summary. */
  wheelsAdded: string[];
}

/** Whether a wheel summary shows at least what another shows (a wider listing of the same release). */
function widens(wider: WheelSummary, narrower: WheelSummary): boolean {
  const covers = (a: string[] | undefined, b: string[] | undefined) => (b ?? []).every((x) => (a ?? []).includes(x));
  return covers(wider.python, narrower.python) && covers(wider.platforms, narrower.platforms) &&
    (!narrower.abi3 || !!wider.abi3) && (!narrower.pure || !!wider.pure);
}

/**
 * Merges releases read from a mirror that holds some releases only (docs/metadata.md, "Sparse entries"): a release the
 * file holds must agree with it and keeps its row; a release newer than `complete_through` or older than `complete_from`
 * joins as a sparse entry; a release the complete listing says does not exist is an error, as is a disagreement
 * (nothing is written then). A new file lists its newest release as its complete listing (`complete_from` =
 * `complete_through`) and the others as sparse entries.
 */
export function mergeSparse(name: string, records: readonly ReleaseRecord[], options: Omit<MergeOptions, 'completeFrom'> & { listing?: Listing } = {}): SparseMergeResult {
  const dir = options.dir ?? DEFAULT_METADATA_DIR;
  const normalized = normalizeName(name);
  if (!records.length) throw new Error(`no releases for ${normalized}`);
  const old = readPackage(dir, normalized);
  const sorted = [...records].sort(byVersion);
  const newest = sorted[sorted.length - 1].version;
  const { listing } = options;
  if (listing && old) throw new Error(`${normalized}: a release listing starts a file, and the snapshot has one already`);
  const base: PackageMetadata = old ?? { format: 1, name: normalized, snapshot_date: '', complete_through: listing?.through ?? newest, complete_from: listing?.from ?? newest, releases: [] };
  if (listing) {
    for (const end of [listing.from, listing.through]) {
      if (!sorted.some((r) => byVersion(r, { version: end }) === 0)) throw new Error(`${normalized}: the listing from ${listing.from} to ${listing.through} names no record of ${end}`);
    }
  }
  const held = new Map(expand(base.releases).map((r) => [parseVersion(r.version)!.toString(), r]));
  const problems: string[] = [];
  const confirmed: string[] = [];
  const wheelsAdded: string[] = [];
  const added: ReleaseRecord[] = [];
  for (const r of sorted) {
    const v = parseVersion(r.version)!;
    const mine = held.get(v.toString());
    if (mine) {
      const why = disagreement(mine, r) ??
        (r.wheels && mine.wheels && !widens(r.wheels, mine.wheels) && !widens(mine.wheels, r.wheels) ? `its wheels ${stableJson(r.wheels)} against the snapshot's ${stableJson(mine.wheels)}` : undefined);
      if (why) problems.push(`${normalized} ${r.version}: the snapshot (${mine.source}) and ${r.source} disagree: ${why}`);
      else confirmed.push(r.version);
      // A release the file holds gains the wheel summary it lacked, or a wider one, with the provenance it adds; a
      // narrower listing (a smaller sample of the same wheels) changes nothing.
      if (!why && r.wheels && stableJson(r.wheels) !== stableJson(mine.wheels) && (!mine.wheels || !widens(mine.wheels, r.wheels))) {
        const more = r.source.split('; ').filter((part) => !mine.source.split('; ').includes(part));
        held.set(v.toString(), { ...mine, wheels: r.wheels, source: [mine.source, ...more].join('; ') });
        wheelsAdded.push(r.version);
      }
    } else if (!old && (listing ? !outsideCompleteListing(base, v) : r.version === newest)) {
      added.push(withoutSparse(r));
    } else if (outsideCompleteListing(base, v)) {
      added.push({ ...r, sparse: true });
    } else {
      problems.push(`${normalized} ${r.version}: ${r.source} lists it, but the snapshot lists every release from ${base.complete_from ?? 'the first'} to ${base.complete_through} without it`);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
  const all = [...held.values(), ...added].sort(byVersion);
  const snapshotDate = options.snapshotDate ?? new Date().toISOString().slice(0, 10);
  const registryNewest = [options.registryNewest, old?.registry_newest, newest].filter((x): x is string => !!x)
    .sort((a, b) => byVersion({ version: a }, { version: b })).pop();
  const pkg: PackageMetadata = {
    format: 1,
    name: normalized,
    snapshot_date: snapshotDate,
    ...(registryNewest ? { registry_newest: registryNewest } : {}),
    complete_through: base.complete_through,
    ...(base.complete_from ? { complete_from: base.complete_from } : {}),
    releases: collapse(all),
  };
  mkdirSync(join(dir, 'packages'), { recursive: true });
  writeAtomic(join(dir, 'packages', `${normalized}.json`), formatPackage(pkg));
  writeIndex(dir, snapshotDate);
  return { pkg, confirmed, added: added.map((r) => r.version), wheelsAdded };
}
