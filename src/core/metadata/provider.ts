// Access to the metadata snapshot (docs/metadata.md) and the pure questions asked of it. The core never reads files:
// a provider hands it package files (src/node/metadata.ts reads metadata/ on demand; the web build preloads them).
import { compareVersions, parseVersion, type Version } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { evaluateMarker, markerVariables, parseRequirement, type Marker, type MarkerEnvironment, type MarkerNode } from '../pep508';
import { normalizeName, type PackageMetadata, type ReleaseEntry, type ReleaseRecord, type WheelSummary } from './types';

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
  if (p.complete_from !== undefined && (typeof p.complete_from !== 'string' || !parseVersion(p.complete_from))) return false;
  const through = parseVersion(p.complete_through)!;
  return p.releases.every((e) => !!e && typeof e === 'object' && isStrArray(e.versions) && e.versions.length > 0 &&
    e.versions.every((v) => !!parseVersion(v)) && typeof e.source === 'string' &&
    // A sparse entry lies outside the complete listing, and a release newer than the listing is listed sparse only.
    (e.sparse === undefined ? e.versions.every((v) => compareVersions(parseVersion(v)!, through) <= 0)
      : e.sparse === true && e.versions.every((v) => outsideCompleteListing(p, parseVersion(v)!))) &&
    (e.requires_dist === undefined || isStrArray(e.requires_dist)) &&
    (e.requires_dist_partial === undefined || e.requires_dist_partial === true) &&
    (e.requires_dist_invalid === undefined || isStrArray(e.requires_dist_invalid)) &&
    (e.requires_python === undefined || typeof e.requires_python === 'string') &&
    (e.wheels === undefined || (typeof e.wheels === 'object' && isStrArray(e.wheels.python) &&
      (e.wheels.absence === undefined || e.wheels.absence === 'newer' || e.wheels.absence === 'none'))) &&
    (e.variants === undefined || (typeof e.variants === 'object' && Object.values(e.variants).every((u) => typeof u === 'string'))));
}

/** A release entry's `yanked` says the release is yanked (with its reason, or true when the reason is not known). */
export function isYanked(yanked: ReleaseEntry['yanked']): yanked is string | true {
  return typeof yanked === 'string' || yanked === true;
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

/** `known`: the snapshot describes the release (in its complete listing or in a sparse entry); `unknown`: outside the
 *  complete listing (newer than `complete_through`, or older than the `complete_from` of a file that lists some releases
 *  only) and not listed, never extrapolated to; `nonexistent`: absent where the file lists every release, so the
 *  registry has no such release. */
export function versionStatus(pkg: PackageMetadata, version: string | Version): VersionStatus {
  const want = publicVersion(version);
  if (!want || !parseVersion(pkg.complete_through)) return 'unknown';
  if (releaseOf(pkg, want)) return 'known';
  return outsideCompleteListing(pkg, want) ? 'unknown' : 'nonexistent';
}

/** Whether `version` lies outside the part of the version line where the file lists every release: newer than
 *  `complete_through`, or older than `complete_from`. There a release the file does not list is unknown, and a listed
 *  one speaks for itself only. */
export function outsideCompleteListing(pkg: PackageMetadata, version: Version): boolean {
  const through = parseVersion(pkg.complete_through);
  if (through && compareVersions(version, through) > 0) return true;
  const from = pkg.complete_from === undefined ? undefined : parseVersion(pkg.complete_from);
  return !!from && compareVersions(version, from) < 0;
}

/** The releases of sparse entries newer than `complete_through` (ascending): listed, with the versions between them unknown. */
export function sparseNewer(pkg: PackageMetadata): string[] {
  const through = parseVersion(pkg.complete_through);
  return pkg.releases.filter((e) => e.sparse).flatMap((e) => e.versions)
    .filter((v) => { const pv = parseVersion(v); return !!pv && !!through && compareVersions(pv, through) > 0; });
}

/** Every version the file speaks for: those at or below `complete_through`, and the releases of sparse entries. */
export function describedSet(pkg: PackageMetadata): VersionSet {
  return sparseNewer(pkg).reduce((u, v) => u.union(VersionSet.fromSpecifierSet(`==${v}`)), VersionSet.fromSpecifierSet(`<=${pkg.complete_through}`));
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

/** One Requires-Dist line, read once: releases repeat the same lines thousands of times, and every Python minor and
 *  every check asks again. */
export interface RequirementLine {
  /** PEP 503 normalized. */
  name: string;
  specifier: string;
  /** Made on first use. */
  readonly set: VersionSet;
  text: string;
  marker?: Marker;
  /** The extras its marker names (`extra == "torch"`), normalized and distinct; empty for a base requirement. */
  extras: string[];
  /** Its marker reads the Python version: its answer may differ from one minor to the next. */
  pythonDependent: boolean;
  /** A direct URL (`name @ url`): never a declared version requirement. */
  url: boolean;
}

// Bounded: a hostile snapshot cannot grow them without limit.
const LINES = new Map<string, RequirementLine | null>();
const SETS = new Map<string, VersionSet>();
function specifierSet(specifier: string): VersionSet {
  let set = SETS.get(specifier);
  if (!set) {
    if (SETS.size > 50_000) SETS.clear();
    SETS.set(specifier, (set = VersionSet.fromSpecifierSet(specifier)));
  }
  return set;
}

/** A Requires-Dist line parsed (null when it does not parse), cached by its text. */
export function requirementLine(text: string): RequirementLine | null {
  let line = LINES.get(text);
  if (line !== undefined) return line;
  const parsed = parseRequirement(text);
  if (!parsed.ok) line = null;
  else {
    const r = parsed.value;
    const vars = r.marker ? markerVariables(r.marker) : undefined;
    let set: VersionSet | undefined;
    line = {
      name: normalizeName(r.name), specifier: r.specifier, text, marker: r.marker,
      get set() { return (set ??= specifierSet(r.specifier)); },
      extras: r.marker ? [...new Set(extrasIn(r.marker))] : [],
      pythonDependent: !!vars && (vars.has('python_version') || vars.has('python_full_version')),
      url: !!r.url,
    };
  }
  if (LINES.size > 20_000) LINES.clear();
  LINES.set(text, line);
  return line;
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

/** Whether a requirement line applies in a marker environment, for its base (`extra` undefined) or one of its extras:
 *  undecidable is "no", as it is not known to apply. */
export function lineApplies(line: RequirementLine, env: Partial<MarkerEnvironment>, extra?: string): boolean {
  if (!line.marker) return true;
  return evaluateMarker(line.marker, { ...env, extra: extra ?? '' }) === true;
}

/**
 * A release's requirements for a marker environment: base requirements whose marker holds, and requirements of any
 * extra whose marker holds with that extra selected (each carrying `extra`). A marker that cannot be decided with what
 * is known (`platform_system` when the platform is open) leaves the requirement out: it is not known to apply.
 * `extras` limits the extras read (undefined: all).
 */
export function declaredRequirements(record: Pick<ReleaseEntry, 'requires_dist'>, env: Partial<MarkerEnvironment> = {},
  extras?: ReadonlySet<string>): DeclaredRequirement[] | undefined {
  if (!record.requires_dist) return undefined;
  const out: DeclaredRequirement[] = [];
  for (const text of record.requires_dist) {
    const line = requirementLine(text);
    if (!line || line.url) continue;
    const base = { name: line.name, specifier: line.specifier, set: line.set, text };
    if (!line.extras.length) {
      if (lineApplies(line, env)) out.push(base);
      continue;
    }
    for (const extra of line.extras) {
      if (extras && !extras.has(extra)) continue;
      if (lineApplies(line, env, extra)) out.push({ ...base, extra });
    }
  }
  return out;
}

/** The names a release's Requires-Dist mentions, whatever their markers (what a preload must fetch). */
export function declaredNames(record: Pick<ReleaseEntry, 'requires_dist'>): string[] {
  const out: string[] = [];
  for (const text of record.requires_dist ?? []) {
    const line = requirementLine(text);
    if (line) out.push(line.name);
  }
  return out;
}

const MINORS = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** The wheel summary lists every CPython with wheels (an index's whole file list, or a listing that proves every
 *  absence): the Pythons it leaves out have none. */
export function provesEveryAbsence(record: Pick<ReleaseEntry, 'wheels'>): boolean {
  return !!record.wheels && record.wheels.absence === undefined;
}

/** The wheel summary when it proves some absence (`absence` is not `none`): a lower bound is no wheel data. */
export function provingWheels(record: Pick<ReleaseEntry, 'wheels'>): WheelSummary | undefined {
  return record.wheels && record.wheels.absence !== 'none' ? record.wheels : undefined;
}

/**
 * The CPython minor versions ("3.11") a release installs on: the wheels' Pythons (all later ones for an abi3 wheel,
 * every Python for a pure wheel; every one older than the newest listed when the summary proves only the newer
 * absences), within Requires-Python. undefined when neither is known. Without a wheel summary that proves an absence,
 * Requires-Python alone decides.
 */
export function pythonsOf(record: Pick<ReleaseEntry, 'requires_python' | 'wheels'>): string[] | undefined {
  const w = provingWheels(record);
  if (record.requires_python === undefined && !w) return undefined;
  const admitted = minorsAdmittedBy(record.requires_python ?? '');
  if (!w || w.pure) return admitted.slice();
  const minors = w.python.map((p) => Number(p.split('.')[1])).filter((n) => Number.isFinite(n));
  const lowest = Math.min(...minors);
  const highest = Math.max(...minors);
  return admitted.filter((v) => {
    const m = Number(v.slice(2));
    return minors.includes(m) || (minors.length > 0 && ((!!w.abi3 && m >= lowest) || (w.absence === 'newer' && m < highest)));
  });
}

// Releases share a handful of Requires-Python strings: each is compared with the minors once.
const ADMITTED = new Map<string, string[]>();
let minorSets: VersionSet[] | undefined;
function minorsAdmittedBy(requiresPython: string): string[] {
  let out = ADMITTED.get(requiresPython);
  if (!out) {
    const rp = requiresPython ? VersionSet.fromSpecifierSet(requiresPython) : VersionSet.all();
    minorSets ??= MINORS.map((m) => VersionSet.fromSpecifierSet(`==3.${m}.*`));
    out = MINORS.filter((_, i) => rp.intersects(minorSets![i])).map((m) => `3.${m}`);
    if (ADMITTED.size > 5_000) ADMITTED.clear();
    ADMITTED.set(requiresPython, out);
  }
  return out;
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
