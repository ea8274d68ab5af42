// What the resolver (pip.ts) and the conflict explainer (explain.ts) read of a package's metadata: its releases,
// parsed and in ascending order, with what each declares, and the versions the metadata does not speak for. Parsed
// once per metadata object and target Python and shared: a check tries several Pythons, explains a conflict and tries
// upgrades, each a new resolver or explainer over the same packages.
import { compareVersions, parseSpecifierSet, parseVersion, type Specifier, type SpecifierSet, type Version } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import type { PackageMetadata } from '../metadata/types';
import type { AdmittedReleases, MetadataSource } from './types';
import { normalizeName } from '../text';
import { keptPer } from '../kept';

export interface Release {
  version: Version;
  text: string;
  requiresPython?: string;
  requiresDist?: string[];
  /** requiresDist holds some of the release's requirements only (docs/metadata.md). */
  requiresDistPartial?: boolean;
  /** The local builds (`2.2.0+rocm5.7`) accelerator indexes serve of this release, which declare what it declares. */
  locals?: Version[];
  yanked?: string;
  pythonOk: boolean;
  /** A requirement it declares that PEP 508 rejects (`torch>=1.7.*`): pip 24.1 and later never take the release. */
  invalidMetadata?: string;
}

export interface Pkg {
  name: string;
  covered: boolean;
  /** Ascending. */
  releases: Release[];
  hasFinal: boolean;
  /** Versions above the snapshot that the registry lists (unknown releases), when there are any. */
  newer?: VersionSet;
  newestText?: string;
  /** The metadata lists some releases only (below its complete_from, or sparse ones above complete_through): `newer`
   *  also holds the unlisted versions around them. */
  partialListing?: boolean;
}

/** pip may take the release on this Python: its Requires-Python admits it, and its metadata is valid (pip 24.1 and later
 *  ignore a release that declares a requirement PEP 508 rejects, "has invalid metadata", as pip.ts does). */
export function installable(r: Release): boolean {
  return r.pythonOk && r.invalidMetadata === undefined;
}

/** A package's metadata from a source, or undefined: a source that throws or answers something else says nothing. */
export function safeSource(source: MetadataSource, name: string): PackageMetadata | undefined {
  try {
    const m = source(name);
    return m && typeof m === 'object' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** Parsed releases per metadata object and target Python. */
const parsedCache = new WeakMap<PackageMetadata, Map<string, Pkg>>();

/**
 * The versions a package's metadata does not speak for: above `complete_through` when the registry lists newer
 * releases (less the sparse releases listed there), and below `complete_from` the ones it does not list. The resolver
 * tries them as one unknown candidate; the conflict explainer leaves requirements on them out.
 */
function unknownVersions(meta: PackageMetadata, releases: readonly { version: Version; text: string }[]): Pick<Pkg, 'newer' | 'newestText' | 'partialListing'> {
  const out: Pick<Pkg, 'newer' | 'newestText' | 'partialListing'> = {};
  const complete = typeof meta.complete_through === 'string' ? parseVersion(meta.complete_through) : null;
  const newest = typeof meta.registry_newest === 'string' ? parseVersion(meta.registry_newest) : null;
  // Sparse releases newer than the complete listing (read from a mirror) are known; the versions around them are not.
  const sparse = complete ? releases.filter((r) => compareVersions(r.version, complete) > 0) : [];
  if (complete && ((newest && compareVersions(newest, complete) > 0) || sparse.length)) {
    // Above complete_through but for its local builds (`==5.18.0` admits 5.18.0+cu121): those are the release itself.
    const above = VersionSet.range({ version: complete, inclusive: false }).minus(VersionSet.fromSpecifierSet(`==${String(complete)}`));
    out.newer = sparse.reduce((u, r) => u.minus(VersionSet.fromSpecifierSet(`==${r.text}`)), above);
    if (newest && compareVersions(newest, complete) > 0) out.newestText = String(newest);
    if (sparse.length) out.partialListing = true;
  }
  // A file that lists some releases only (complete_from): the versions below it that it does not list are unknown
  // too, one candidate like the newer ones, so that a pin on an unlisted release is never a false conflict.
  const from = typeof meta.complete_from === 'string' ? parseVersion(meta.complete_from) : null;
  if (from) {
    const listed = VersionSet.unionAll(releases.filter((r) => compareVersions(r.version, from) < 0).map((r) => VersionSet.fromSpecifierSet(`==${r.text}`)));
    const older = VersionSet.range(undefined, { version: from, inclusive: false }).minus(listed);
    out.newer = out.newer ? out.newer.union(older) : older;
    out.partialListing = true;
  }
  return out;
}

/** A package's releases as its metadata lists them for a target Python, ascending: parsed once per metadata object
 *  and Python (parsedCache), for every resolution and conflict explanation that reads the same data. */
export function parsedPackage(meta: PackageMetadata, name: string, python: string): Pkg {
  let byPython = parsedCache.get(meta);
  if (!byPython) parsedCache.set(meta, (byPython = new Map()));
  let p = byPython.get(python);
  if (!p || p.name !== name) byPython.set(python, (p = fromMetadata(name, meta, python)));
  return p;
}

function fromMetadata(name: string, meta: PackageMetadata, python: string): Pkg {
  const releases: Release[] = [];
  const seen = new Set<string>();
  for (const entry of Array.isArray(meta.releases) ? meta.releases : []) {
    for (const text of Array.isArray(entry?.versions) ? entry.versions : []) {
      const version = typeof text === 'string' ? parseVersion(text) : null;
      if (!version || seen.has(String(version))) continue;
      seen.add(String(version));
      const rp = typeof entry.requires_python === 'string' ? entry.requires_python : undefined;
      let pythonOk = true;
      if (rp) {
        const set = parseSpecifierSet(rp);
        // pip skips a link whose data-requires-python it cannot parse (it logs and keeps it): keep it.
        if (set) pythonOk = set.contains(python, { prereleases: true });
      }
      releases.push({
        version, text: String(version), requiresPython: rp, pythonOk,
        requiresDist: Array.isArray(entry.requires_dist) ? entry.requires_dist.filter((r) => typeof r === 'string') : undefined,
        requiresDistPartial: entry.requires_dist_partial === true,
        locals: entry.variants && typeof entry.variants === 'object'
          ? Object.keys(entry.variants).map((label) => parseVersion(`${text}+${label}`)).filter((l): l is Version => !!l) : undefined,
        // A yank whose reason is not known (true) is a yank with no reason to quote.
        yanked: typeof entry.yanked === 'string' ? entry.yanked : entry.yanked === true ? '' : undefined,
        invalidMetadata: Array.isArray(entry.requires_dist_invalid) && typeof entry.requires_dist_invalid[0] === 'string' ? entry.requires_dist_invalid[0] : undefined,
      });
    }
  }
  releases.sort((a, b) => compareVersions(a.version, b.version));
  const p: Pkg = { name, covered: true, releases, hasFinal: releases.some((r) => installable(r) && !r.version.isPrerelease) };
  Object.assign(p, unknownVersions(meta, releases));
  return p;
}

/** A parsed package's releases by version text and the extras their requirements provide (the explainer's view),
 *  once per parsed package. */
const RELEASE_INDEX = new WeakMap<Pkg, { byText: ReadonlyMap<string, Release>; provided: ReadonlySet<string> }>();

export function releaseIndex(pkg: Pkg): { byText: ReadonlyMap<string, Release>; provided: ReadonlySet<string> } {
  let index = RELEASE_INDEX.get(pkg);
  if (!index) {
    const byText = new Map(pkg.releases.map((r) => [r.text, r]));
    const provided = new Set<string>();
    for (const r of pkg.releases) for (const req of r.requiresDist ?? []) {
      for (const m of req.matchAll(/\bextra\s*==\s*["']([^"']+)["']/g)) provided.add(normalizeName(m[1]));
    }
    RELEASE_INDEX.set(pkg, (index = { byText, provided }));
  }
  return index;
}

/** Packages some of whose listed versions carry a local label (`==2.2.0` admits `2.2.0+cu121` too). */
const LOCAL_LISTED = new WeakMap<Pkg, boolean>();

/**
 * The releases an exact `==V` clause leaves to test, found by bisection (a pip-compile file pins every package, and
 * numpy lists hundreds of releases): those whose version equals V's public version (admitsRelease, below, takes a
 * local build as its release, and tests each). undefined when no clause is one, or when a listed version has a local
 * label of its own.
 */
export function exactlyPinned(pkg: Pkg, clauses: readonly Specifier[]): readonly Release[] | undefined {
  const exact = clauses.find((s) => s.operator === '==' && !s.version.endsWith('.*') && s.parsed);
  if (!exact?.parsed) return undefined;
  let local = LOCAL_LISTED.get(pkg);
  if (local === undefined) LOCAL_LISTED.set(pkg, (local = pkg.releases.some((r) => r.version.local !== undefined)));
  if (local) return undefined;
  const target = exact.parsed.local ? parseVersion(exact.parsed.public) : exact.parsed;
  if (!target) return undefined;
  const list = pkg.releases;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareVersions(list[mid].version, target) < 0) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < list.length && compareVersions(list[end].version, target) === 0) end++;
  return list.slice(lo, end);
}

/** Whether the snapshot holds a release's requirements. A partial list counts: what it states holds, and a requirement
 *  it lacks could only refuse more, never make an environment install. */
export function describes(r: Release): boolean {
  return r.requiresDist !== undefined;
}

/** A parsed package -> the same package with only the releases the snapshot describes. */
const DESCRIBED = new WeakMap<Pkg, Pkg>();

/**
 * A package as far as the snapshot describes it (ResolveOptions.describedOnly): the releases it lists with their
 * requirements (some of them, for a partial list), and no unknown candidate: neither the versions it does not list
 * nor listed releases whose requirements it does not hold. Once per parsed package.
 */
export function describedOnly(pkg: Pkg): Pkg {
  let p = DESCRIBED.get(pkg);
  if (!p) {
    const releases = pkg.releases.filter(describes);
    p = { name: pkg.name, covered: pkg.covered, releases, hasFinal: releases.some((r) => installable(r) && !r.version.isPrerelease) };
    if (pkg.newestText) p.newestText = pkg.newestText;
    DESCRIBED.set(pkg, p);
  }
  return p;
}

/** Whether `spec` admits the release: its version, one of its local builds, or (when which builds serve it is not
 *  known) the local build the specifier names. */
export function admitsRelease(spec: SpecifierSet, release: Release): boolean {
  if (spec.admits(release.version)) return true;
  if (release.locals) return release.locals.some((l) => spec.admits(l));
  // Which builds serve the release is not known (torchvision on the ROCm index): the build the specifier names is taken
  // to be one, declaring what the release declares.
  return spec.specifiers.some((s) => {
    const l = s.version.includes('+') ? parseVersion(s.version) : null;
    return !!l && l.public === release.text && spec.admits(l);
  });
}

/** The releases of `pkg`, in order, that `spec` admits (admitsRelease): remembered per package and specifier text (one
 *  clause list per text, shared by every set parsed from it), since each resolution of a check adds the same
 *  requirements again and a package lists hundreds of releases. */
export function admittedBy(pkg: Pkg, spec: SpecifierSet): readonly Release[] {
  if (spec.prereleases !== undefined) return pkg.releases.filter((r) => admitsRelease(spec, r));
  let byPkg = ADMITTED.get(spec.specifiers);
  if (!byPkg) ADMITTED.set(spec.specifiers, (byPkg = new WeakMap()));
  let admitted = byPkg.get(pkg);
  if (!admitted) byPkg.set(pkg, (admitted = pkg.releases.filter((r) => admitsRelease(spec, r))));
  return admitted;
}

const ADMITTED = new WeakMap<readonly Specifier[], WeakMap<Pkg, readonly Release[]>>();

/** What `set` (every requirement on a package, and its constraints) admits of its releases, as far as the snapshot
 *  describes them (resolution-conflict-known): the releases it describes, those it lists without requirements, the
 *  gaps between described ones, and whether unknown releases lie below, among or above them. Remembered per package
 *  and set (read-only): every resolution that installs asks it of each pick the snapshot does not describe, a keystroke
 *  changes one package's, and the set of a package required once is that specifier's one set object. */
export function admittedOf(pkg: Pkg, set: VersionSet, prereleases: boolean): AdmittedReleases {
  return prereleases ? keptPer(ADMITTED_PRE, pkg, set, admittedWithPre) : keptPer(ADMITTED_FINAL, pkg, set, admittedFinal);
}

const ADMITTED_FINAL = new WeakMap<Pkg, WeakMap<VersionSet, AdmittedReleases>>();
const ADMITTED_PRE = new WeakMap<Pkg, WeakMap<VersionSet, AdmittedReleases>>();
const admittedFinal = (pkg: Pkg, set: VersionSet) => admittedOfUncached(pkg, set, false);
const admittedWithPre = (pkg: Pkg, set: VersionSet) => admittedOfUncached(pkg, set, true);

function admittedOfUncached(pkg: Pkg, set: VersionSet, prereleases: boolean): AdmittedReleases {
  const all: Release[] = [];
  const without: Version[] = [];
  for (const r of pkg.releases) {
    if (!installable(r) || r.yanked !== undefined || (r.version.isPrerelease && !prereleases)) continue;
    if (describes(r)) all.push(r);
    else if (set.contains(r.version)) without.push(r.version);
  }
  const unknown = pkg.newer ? pkg.newer.intersect(set) : VersionSet.empty();
  /** Something undescribed is admitted strictly between lo and hi (either end open when absent). */
  const undescribed = (lo?: Version, hi?: Version) =>
    unknown.intersects(VersionSet.range(lo && { version: lo, inclusive: false }, hi && { version: hi, inclusive: false })) ||
    without.some((v) => (!lo || compareVersions(v, lo) > 0) && (!hi || compareVersions(v, hi) < 0));
  const gaps: string[][] = [];
  for (let i = 1; i < all.length; i++) {
    if (undescribed(all[i - 1].version, all[i].version)) gaps.push([all[i - 1], all[i]].filter((r) => set.contains(r.version)).map((r) => r.text));
  }
  const newest = all[all.length - 1]?.version;
  const described = all.filter((r) => set.contains(r.version));
  const top = described[described.length - 1]?.version;
  return {
    described: described.map((r) => r.text),
    withoutRequirements: without.map(String),
    unlisted: !!top && unknown.intersects(VersionSet.range(undefined, { version: top, inclusive: false })),
    ...(newest && undescribed(newest, undefined) ? { newerThan: String(newest) } : {}),
    gaps,
    belowAll: undescribed(undefined, all[0]?.version),
  };
}

const INCLUSIVE = new Set(['==', '>=', '<=', '~=', '===']);

/** packaging 21.3's `Specifier.prereleases`: an inclusive operator naming a pre-release. */
export function namesPrerelease(op: string, version: string): boolean {
  if (!INCLUSIVE.has(op)) return false;
  const v = parseVersion(op === '==' && version.endsWith('.*') ? version.slice(0, -2) : version);
  return v !== null && v.isPrerelease;
}

/** What pip's preference and pre-release filter read of a specifier: whether it has clauses, whether one is an `==`;
 *  undefined when a clause names a pre-release (a resumed resolution keeps the kind of a root it changes, pip.ts). */
export function specifierKind(specifier: string): string | undefined {
  const spec = parseSpecifierSet(specifier);
  if (!spec || spec.specifiers.some((c) => namesPrerelease(c.operator, c.version))) return undefined;
  return `${spec.specifiers.length ? 1 : 0}${spec.specifiers.some((c) => c.operator.startsWith('==')) ? 1 : 0}`;
}
