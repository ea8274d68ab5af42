// Environments: the sets of requirements that get installed together. A finding is always about one environment
// (a pyproject's base dependencies, base plus one extra, one requirement file with its includes, one `pip install`
// command, one Python list), because only packages installed together can break each other.
import { VersionSet } from '../pep440/intervals';
import { markerTextHolds } from '../pep508';
import type { MarkerEnvironment } from '../pep508';
import { formatOf } from '../formats';
import type { DroppedIndex, EnvironmentContext, EnvironmentSpec, PinnedRequirement } from '../formats/types';
import { groupBy } from '../group';
import { fileName } from '../paths';
import type { PackageIndex, ParsedManifest, Requirement } from '../types';
import type { Platform } from './config';
import { installerOf, readsIndex, type Installer } from './installer';
import { PLATFORM_MARKERS } from '../settings';

export type { PinnedRequirement } from '../formats/types';

export interface EnvironmentPackage {
  name: string;
  /** What the environment admits for it: the intersection of its specifiers (markers: undecidable branches united). */
  admitted: VersionSet;
  /** The requirements that name it; empty when another package installs it. */
  pins: PinnedRequirement[];
}

export interface Environment {
  /** e.g. `pyproject.toml [project] dependencies`, `requirements.txt`, `server-setup.sh: pip install (line 9)`. */
  label: string;
  /** What this environment adds on top of the base dependencies (`extra "dev"`), named in its findings' messages. */
  addition?: string;
  /** The manifest the environment is built from (where new requirements are added). */
  path: string;
  packages: Map<string, EnvironmentPackage>;
  /** Constraint-only sets (`-c` files, uv constraint-dependencies) of packages nothing here names: they still narrow
   *  a package that another one installs (a `-c` pin of huggingface_hub under diffusers). */
  constraints: Map<string, VersionSet>;
  /** The indexes its installer reads (pip reads none from a pyproject; uv only its [[tool.uv.index]] tables). */
  indexes: PackageIndex[];
  /** What installs it: uv, Poetry, PDM, pip, Pipenv or conda, and why we think so. */
  installer: Installer;
  /** Pythons the project declares (requires-python, poetry's python, setup.cfg python_requires). */
  python?: VersionSet;
  /** Index options written for it that pip never reads (formats/requirements/pip-settings.ts, pipIndexes). */
  droppedIndexes?: DroppedIndex[];
  /** Where the Python range comes from, for messages and fixes. */
  pythonSource?: { path: string; requirement: { specifier: string; range: Requirement['range'] } };
}

export interface BuildOptions {
  targetPython?: string;
  platform?: Platform;
  /** requirement-file path -> the manifests read through -r / -c from it, root first (from loadRequirementTree). */
  includeTrees?: Map<string, ParsedManifest[]>;
  /** A file a script's `pip install -r/-c` names -> its manifests (the file and what it includes). */
  includedFiles?: Map<string, ParsedManifest[]>;
  /** Lock files that exist (uv.lock, poetry.lock, pdm.lock beside a pyproject): they decide its installer. */
  lockFiles?: ReadonlySet<string>;
}

/** All environments of one manifest, as its format defines them. */
export function environmentsOf(manifest: ParsedManifest, options: BuildOptions = {}): Environment[] {
  const markerEnv = markerEnvironment(options.targetPython, options.platform);
  const python = pythonRange(manifest);
  const installer = installerOf(manifest, options.lockFiles);
  const make = ({ label, pins, indexes = manifest.indexes, addition, droppedIndexes }: EnvironmentSpec): Environment => ({
    label,
    ...(addition ? { addition } : {}),
    ...(droppedIndexes?.length ? { droppedIndexes } : {}),
    path: manifest.path,
    ...collectPackages(pins, markerEnv),
    indexes: indexes.filter((i) => readsIndex(installer, i)),
    installer,
    python: python?.set ?? wheelPython(pins),
    pythonSource: python?.source,
  });
  // A pyproject asks for its requirements by scope kind many times: group them once (document order is kept).
  let kinds: Map<string, Requirement[]> | undefined;
  const ctx: EnvironmentContext = {
    name: fileName(manifest.path),
    ofKind: (kind) => (kinds ??= groupBy(manifest.requirements, (r) => r.scope.kind)).get(kind) ?? [],
    pin: (requirement, constraintOnly = false, path = manifest.path) => ({ requirement, path, constraintOnly }),
    includeTrees: options.includeTrees,
    includedFiles: options.includedFiles,
  };
  return formatOf(manifest).environments(manifest, ctx).map(make);
}

/** Wheels pinned by URL for one CPython (`…-cp37-cp37m-…whl`) tell which Python the environment is for. */
function wheelPython(pins: PinnedRequirement[]): VersionSet | undefined {
  let minor: string | undefined;
  for (const p of pins) {
    const m = p.requirement.url && /-cp(\d)(\d+)-[^-/]+-[^-/]+\.whl(?:[?#].*)?$/i.exec(p.requirement.url);
    if (!m) continue;
    const v = `${m[1]}.${m[2]}`;
    if (minor && minor !== v) return undefined; // wheels for several Pythons: no single answer
    minor = v;
  }
  return minor ? VersionSet.fromSpecifierSet(`==${minor}.*`) : undefined;
}

/** PEP 427: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`; the version, percent-decoded. */
export function wheelVersionSet(url: string): VersionSet {
  const file = url.split(/[?#]/)[0].split('/').pop() ?? '';
  const m = /^[^-]+-([^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i.exec(file);
  if (!m) return VersionSet.all();
  let version: string;
  try { version = decodeURIComponent(m[1]); } catch { return VersionSet.all(); }
  return VersionSet.fromSpecifierSet(`==${version}`);
}

/**
 * A package while an environment's pins are collected, and then the environment's package itself: what the engine
 * reads is `name`, `admitted` and `pins`; the collecting state is private (not seen by reflection or JSON). One
 * object per package, in one map: collecting a 10,000-requirement project used to allocate an entry, a Map of
 * marker branches and the package for each name.
 */
class CollectedPackage implements EnvironmentPackage {
  /** The unconditional pins' intersection while collecting; what the environment admits after finish(). */
  admitted = VersionSet.all();
  readonly pins: PinnedRequirement[];
  #installs = false;
  /** The pins under the first undecidable marker, intersected; #more holds those under other markers (rare). */
  #branchKey: string | undefined = undefined;
  #branch: VersionSet | undefined = undefined;
  #more: Map<string, VersionSet> | undefined = undefined;

  constructor(readonly name: string, first: PinnedRequirement) {
    this.pins = [first]; // sized for the one pin most packages have (an empty array grows to room for 17)
  }

  /** One pin of the package (the first was given to the constructor, and is added here too). */
  add(p: PinnedRequirement, set: VersionSet, applies: true | undefined): void {
    if (p !== this.pins[0]) this.pins.push(p);
    if (!p.constraintOnly) this.#installs = true;
    if (applies === true) {
      this.admitted = this.admitted.intersect(set);
      return;
    }
    const key = p.requirement.marker ?? '';
    if (this.#branch === undefined) {
      this.#branchKey = key;
      this.#branch = set;
    } else if (this.#branchKey === key) {
      this.#branch = this.#branch.intersect(set);
    } else {
      this.#more ??= new Map();
      this.#more.set(key, (this.#more.get(key) ?? VersionSet.all()).intersect(set));
    }
  }

  /** Unites the marker branches into `admitted`; whether anything installs the package (a constraint alone does not). */
  finish(): boolean {
    if (this.#branch) {
      let union = this.#branch;
      if (this.#more) for (const b of this.#more.values()) union = union.union(b);
      this.admitted = this.admitted.intersect(union);
    }
    return this.#installs;
  }
}

function collectPackages(pins: PinnedRequirement[], markerEnv: Partial<MarkerEnvironment>):
  { packages: Map<string, EnvironmentPackage>; constraints: Map<string, VersionSet> } {
  // Per package: unconditional pins intersect; pins under undecidable markers form branches that are united.
  const packages = new Map<string, CollectedPackage>();
  // Projects repeat the same few markers; each is evaluated once here (the environment is the same for all pins),
  // and the last one is asked again without a lookup (neighbouring pins often share their marker).
  const applyCache = new Map<string, boolean | undefined>();
  let lastMarker: string | undefined;
  let lastApplies: boolean | undefined;
  for (const p of pins) {
    const r = p.requirement;
    let applies: boolean | undefined = true;
    if (r.marker) {
      if (r.marker === lastMarker) applies = lastApplies;
      else {
        applies = applyCache.get(r.marker);
        if (applies === undefined && !applyCache.has(r.marker)) applyCache.set(r.marker, (applies = markerTextHolds(r.marker, markerEnv)));
        lastMarker = r.marker;
        lastApplies = applies;
      }
    }
    if (applies === false) continue;
    let entry = packages.get(r.normalizedName);
    if (!entry) packages.set(r.normalizedName, (entry = new CollectedPackage(r.normalizedName, p)));
    // A wheel URL names its version (`torch @ …/torch-2.1.0%2Bcu121-cp310-…whl`); other URLs could be any version.
    entry.add(p, r.url && !r.specifier ? wheelVersionSet(r.url) : VersionSet.fromSpecifierSet(r.specifier), applies);
  }
  // Constraint-only names leave the map (the order of the others stays).
  const constraints = new Map<string, VersionSet>();
  for (const entry of packages.values()) { // values(), not entries(): no [name, entry] pair per package
    if (entry.finish()) continue;
    constraints.set(entry.name, entry.admitted); // a constraint alone installs nothing
    packages.delete(entry.name);
  }
  return { packages, constraints };
}

/** The marker variables known for a target Python and platform; the others stay unknown (both branches count). */
export function markerEnvironment(targetPython?: string, platform?: Platform): Partial<MarkerEnvironment> {
  return {
    ...(targetPython ? { python_version: targetPython, implementation_name: 'cpython', platform_python_implementation: 'CPython' } : {}),
    ...(platform ? PLATFORM_MARKERS[platform] : {}),
  } as Partial<MarkerEnvironment>;
}

function pythonRange(manifest: ParsedManifest): { set: VersionSet; source?: Environment['pythonSource'] } | undefined {
  if (!manifest.requiresPython) return undefined;
  const { specifier, range } = manifest.requiresPython;
  return { set: VersionSet.fromSpecifierSet(specifier), source: { path: manifest.path, requirement: { specifier, range } } };
}
