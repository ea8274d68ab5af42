// Access to the metadata snapshot (docs/metadata.md) and the pure questions asked of it. The core never reads files:
// a provider hands it package files (src/node/metadata.ts reads metadata/ on demand; the web build preloads them).
import { compareVersions, parseVersion, type Version } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { evaluateMarker, parseRequirement, type Marker, type MarkerEnvironment, type MarkerNode } from '../pep508';
import { normalizeName, type PackageMetadata, type ReleaseEntry, type ReleaseRecord } from './types';

export interface MetadataProvider {
  /** The snapshot's date (YYYY-MM-DD), when a snapshot is present. */
  readonly snapshotDate: string | undefined;
  /** The package's file, or undefined when the snapshot does not cover it (or it is not loaded yet). Never throws. */
  get(name: string): PackageMetadata | undefined;
  /** Loads what `get` will be asked for, when loading is asynchronous (the web build): the packages named and what
   *  they declare, two levels deep. Synchronous providers leave it out. */
  preload?(names: Iterable<string>): Promise<void>;
}

const isStrArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** A package file the engine can trust the shape of (any hand-edited or truncated file is treated as absent): every
 *  version parses, lists are lists of strings. */
export function validPackage(pkg: unknown, name?: string): pkg is PackageMetadata {
  const p = pkg as PackageMetadata;
  if (!p || typeof p !== 'object' || p.format !== 1 || typeof p.name !== 'string' || (name !== undefined && p.name !== name)) return false;
  if (typeof p.complete_through !== 'string' || !parseVersion(p.complete_through) || !Array.isArray(p.releases)) return false;
  if (p.registry_newest !== undefined && (typeof p.registry_newest !== 'string' || !parseVersion(p.registry_newest))) return false;
  return p.releases.every((e) => !!e && typeof e === 'object' && isStrArray(e.versions) && e.versions.length > 0 &&
    e.versions.every((v) => !!parseVersion(v)) && typeof e.source === 'string' &&
    (e.requires_dist === undefined || isStrArray(e.requires_dist)) &&
    (e.requires_python === undefined || typeof e.requires_python === 'string') &&
    (e.wheels === undefined || (typeof e.wheels === 'object' && isStrArray(e.wheels.python))) &&
    (e.variants === undefined || (typeof e.variants === 'object' && Object.values(e.variants).every((u) => typeof u === 'string'))));
}

/** A provider over packages already in memory (tests, the web loader's cache). */
export function memoryProvider(packages: Iterable<PackageMetadata>, snapshotDate?: string): MetadataProvider {
  const byName = new Map<string, PackageMetadata>();
  for (const p of packages) byName.set(normalizeName(p.name), p);
  const date = snapshotDate ?? [...byName.values()][0]?.snapshot_date;
  return { snapshotDate: date, get: (name) => byName.get(normalizeName(name)) };
}

/** One record per release, ascending. */
export function expandEntries(pkg: PackageMetadata): ReleaseRecord[] {
  return pkg.releases.flatMap(({ versions, ...rest }) => versions.map((version) => ({ version, ...rest })));
}

function publicVersion(version: string | Version): Version | null {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  if (!v) return null;
  return v.local ? parseVersion(v.toString().replace(/\+.*$/, '')) : v;
}

/** The release's entry and record (a local label such as +cu121 is looked up as its public release). */
export function releaseOf(pkg: PackageMetadata, version: string | Version): ReleaseRecord | undefined {
  const want = publicVersion(version);
  if (!want) return undefined;
  for (const entry of pkg.releases) {
    for (const v of entry.versions) {
      const pv = parseVersion(v);
      if (pv && compareVersions(pv, want) === 0) {
        const { versions: _versions, ...rest } = entry;
        return { version: v, ...rest };
      }
    }
  }
  return undefined;
}

export type VersionStatus = 'known' | 'unknown' | 'nonexistent';

/** `known`: the snapshot describes the release; `unknown`: newer than `complete_through` (never extrapolated to);
 *  `nonexistent`: at or below `complete_through` and absent, so the registry has no such release. */
export function versionStatus(pkg: PackageMetadata, version: string | Version): VersionStatus {
  const want = publicVersion(version);
  const through = parseVersion(pkg.complete_through);
  if (!want || !through) return 'unknown';
  if (compareVersions(want, through) > 0) return 'unknown';
  return releaseOf(pkg, want) ? 'known' : 'nonexistent';
}

/** Every version at or below `complete_through`: the part of the version line the file speaks for. */
export function describedSet(pkg: PackageMetadata): VersionSet {
  return VersionSet.fromSpecifierSet(`<=${pkg.complete_through}`);
}

/** Releases the registry lists that are newer than the snapshot describes (only the newest is named). */
export function unknownNewer(pkg: PackageMetadata): string | undefined {
  const newest = pkg.registry_newest && parseVersion(pkg.registry_newest);
  const through = parseVersion(pkg.complete_through);
  return newest && through && compareVersions(newest, through) > 0 ? pkg.registry_newest : undefined;
}

/** A version set no version of which the snapshot describes: `>=X` where X is newer than `complete_through`. */
export function isBeyondSnapshot(pkg: PackageMetadata, set: VersionSet): boolean {
  return !set.isEmpty() && !set.intersects(describedSet(pkg));
}

export interface DeclaredRequirement {
  /** PEP 503 normalized. */
  name: string;
  /** The specifier as published ('' for any version). */
  specifier: string;
  set: VersionSet;
  /** The extra this requirement belongs to (`extra == "torch"`), normalized; undefined for a base requirement. */
  extra?: string;
  /** The Requires-Dist line as published. */
  text: string;
}

const parsedCache = new Map<string, ReturnType<typeof parseRequirement>>();
function parseCached(text: string): ReturnType<typeof parseRequirement> {
  let p = parsedCache.get(text);
  if (!p) {
    if (parsedCache.size > 20000) parsedCache.clear();
    parsedCache.set(text, (p = parseRequirement(text)));
  }
  return p;
}

function extrasIn(marker: Marker): string[] {
  const out: string[] = [];
  const visit = (node: MarkerNode): void => {
    if (node.kind === 'expression') return node.items.forEach(visit);
    const [v, s] = node.left.kind === 'variable' ? [node.left, node.right] : [node.right, node.left];
    if (v.kind === 'variable' && v.name === 'extra' && s.kind === 'string') out.push(normalizeName(s.value));
  };
  visit(marker);
  return out;
}

/**
 * A release's requirements for a marker environment: base requirements whose marker holds, and requirements of any
 * extra whose marker holds with that extra selected (each carrying `extra`). A marker that cannot be decided with what
 * is known (`platform_system` when the platform is open) leaves the requirement out: it is not known to apply.
 * `extras` limits the extras read (undefined: all).
 */
// Releases repeat the same few specifiers thousands of times (and every Python minor asks again): each is made once.
const SETS = new Map<string, VersionSet>();
function specifierSet(specifier: string): VersionSet {
  let set = SETS.get(specifier);
  if (!set) {
    if (SETS.size > 50_000) SETS.clear();
    SETS.set(specifier, (set = VersionSet.fromSpecifierSet(specifier)));
  }
  return set;
}

export function declaredRequirements(record: Pick<ReleaseEntry, 'requires_dist'>, env: Partial<MarkerEnvironment> = {},
  extras?: ReadonlySet<string>): DeclaredRequirement[] | undefined {
  if (!record.requires_dist) return undefined;
  const out: DeclaredRequirement[] = [];
  for (const text of record.requires_dist) {
    const parsed = parseCached(text);
    if (!parsed.ok || parsed.value.url) continue;
    const r = parsed.value;
    const base = { name: normalizeName(r.name), specifier: r.specifier, set: specifierSet(r.specifier), text };
    if (!r.marker) { out.push(base); continue; }
    const named = extrasIn(r.marker);
    if (!named.length) {
      if (evaluateMarker(r.marker, { ...env, extra: '' }) === true) out.push(base);
      continue;
    }
    for (const extra of new Set(named)) {
      if (extras && !extras.has(extra)) continue;
      if (evaluateMarker(r.marker, { ...env, extra }) === true) out.push({ ...base, extra });
    }
  }
  return out;
}

/** The names a release's Requires-Dist mentions, whatever their markers (what a preload must fetch). */
export function declaredNames(record: Pick<ReleaseEntry, 'requires_dist'>): string[] {
  const out: string[] = [];
  for (const text of record.requires_dist ?? []) {
    const parsed = parseCached(text);
    if (parsed.ok) out.push(normalizeName(parsed.value.name));
  }
  return out;
}

const MINORS = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * The CPython minor versions ("3.11") a release installs on: the wheels' Pythons (all later ones for an abi3 wheel,
 * every Python for a pure wheel), within Requires-Python. undefined when neither is known. Without a wheel summary,
 * Requires-Python alone decides.
 */
export function pythonsOf(record: Pick<ReleaseEntry, 'requires_python' | 'wheels'>): string[] | undefined {
  if (record.requires_python === undefined && !record.wheels) return undefined;
  const rp = record.requires_python ? VersionSet.fromSpecifierSet(record.requires_python) : VersionSet.all();
  const admitsMinor = (m: number) => rp.intersects(VersionSet.fromSpecifierSet(`==3.${m}.*`));
  const w = record.wheels;
  const fromWheels = (m: number): boolean => {
    if (!w || w.pure) return true;
    const minors = w.python.map((p) => Number(p.split('.')[1])).filter((n) => Number.isFinite(n));
    if (minors.includes(m)) return true;
    return !!w.abi3 && minors.length > 0 && m >= Math.min(...minors);
  };
  return MINORS.filter((m) => admitsMinor(m) && fromWheels(m)).map((m) => `3.${m}`);
}

/** Local version label -> the index that serves that build, for one release (empty when none is known). */
export function variantsOf(record: Pick<ReleaseEntry, 'variants'>): Record<string, string> {
  return record.variants ?? {};
}

/** Sorted distinct versions of a package's releases. */
export function releaseVersions(pkg: PackageMetadata): string[] {
  return pkg.releases.flatMap((e) => e.versions);
}

/** What the hover says of a pin the snapshot cannot speak for: every admitted version is newer than it. */
export function snapshotNote(provider: MetadataProvider | undefined, name: string, admitted: VersionSet): string | undefined {
  const pkg = provider?.get(name);
  if (!pkg || !isBeyondSnapshot(pkg, admitted)) return undefined;
  return `newer than the knowledge snapshot (${pkg.snapshot_date}): ML Pins knows what ${pkg.name} declares up to ${pkg.complete_through}, and builds no finding on later releases`;
}
