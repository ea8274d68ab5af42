// Environments: the sets of requirements that get installed together. A finding is always about one environment
// (a pyproject's base dependencies, base plus one extra, one requirement file with its includes, one `pip install`
// command, one Python list), because only packages installed together can break each other.
import { VersionSet } from '../pep440/intervals';
import { evaluateMarker, parseMarker } from '../pep508';
import type { MarkerEnvironment } from '../pep508';
import { formatOf } from '../formats';
import type { EnvironmentContext, EnvironmentSpec, PinnedRequirement } from '../formats/types';
import { groupBy } from '../group';
import { fileName } from '../paths';
import type { PackageIndex, ParsedManifest, Requirement } from '../types';
import type { Platform } from './config';
import { installerOf, readsIndex, type Installer } from './installer';

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
  const make = ({ label, pins, indexes = manifest.indexes, addition }: EnvironmentSpec): Environment => ({
    label,
    ...(addition ? { addition } : {}),
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

interface PackageEntry {
  pins: PinnedRequirement[];
  always: VersionSet;
  branches?: Map<string, VersionSet>;
  installs: boolean;
}

function collectPackages(pins: PinnedRequirement[], markerEnv: Partial<MarkerEnvironment>):
  { packages: Map<string, EnvironmentPackage>; constraints: Map<string, VersionSet> } {
  // Per package: unconditional pins intersect; pins under undecidable markers form branches that are united.
  const byName = new Map<string, PackageEntry | EnvironmentPackage>();
  // Projects repeat the same few markers; each is evaluated once here (the environment is the same for all pins).
  const applyCache = new Map<string, boolean | undefined>();
  for (const p of pins) {
    const r = p.requirement;
    let applies: boolean | undefined = true;
    if (r.marker) {
      applies = applyCache.get(r.marker);
      if (applies === undefined && !applyCache.has(r.marker)) applyCache.set(r.marker, (applies = markerApplies(r.marker, markerEnv)));
    }
    if (applies === false) continue;
    let entry = byName.get(r.normalizedName) as PackageEntry | undefined;
    if (!entry) byName.set(r.normalizedName, (entry = { pins: [p], always: VersionSet.all(), installs: false }));
    else entry.pins.push(p);
    if (!p.constraintOnly) entry.installs = true;
    // A wheel URL names its version (`torch @ …/torch-2.1.0%2Bcu121-cp310-…whl`); other URLs could be any version.
    const set = r.url && !r.specifier ? wheelVersionSet(r.url) : VersionSet.fromSpecifierSet(r.specifier);
    if (applies === true) entry.always = entry.always.intersect(set);
    else {
      const key = r.marker ?? '';
      entry.branches ??= new Map();
      entry.branches.set(key, (entry.branches.get(key) ?? VersionSet.all()).intersect(set));
    }
  }
  // The same map becomes the packages map: each entry is replaced in place (the order stays) and constraint-only
  // names leave it, rather than filling a second map with thousands of names.
  const constraints = new Map<string, VersionSet>();
  for (const [name, value] of byName) {
    const e = value as PackageEntry;
    let admitted = e.always;
    if (e.branches?.size) {
      let union = VersionSet.empty();
      for (const b of e.branches.values()) union = union.union(b);
      admitted = admitted.intersect(union);
    }
    if (e.installs) byName.set(name, { name, admitted, pins: e.pins });
    else {
      constraints.set(name, admitted); // a constraint alone installs nothing
      byName.delete(name);
    }
  }
  return { packages: byName as Map<string, EnvironmentPackage>, constraints };
}

const markerCache = new Map<string, ReturnType<typeof parseMarker>>();
function markerApplies(marker: string | undefined, env: Partial<MarkerEnvironment>): boolean | undefined {
  if (!marker) return true;
  let parsed = markerCache.get(marker);
  if (!parsed) markerCache.set(marker, (parsed = parseMarker(marker)));
  if (!parsed.ok) return undefined;
  return evaluateMarker(parsed.value, env);
}

const PLATFORM_MARKERS: Record<Platform, Partial<MarkerEnvironment>> = {
  linux: { sys_platform: 'linux', platform_system: 'Linux', os_name: 'posix' },
  windows: { sys_platform: 'win32', platform_system: 'Windows', os_name: 'nt' },
  macos: { sys_platform: 'darwin', platform_system: 'Darwin', os_name: 'posix' },
};

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
