// Environments: the sets of requirements that get installed together. A finding is always about one environment
// (a pyproject's base dependencies, base plus one extra, one requirement file with its includes, one `pip install`
// command, one Python list), because only packages installed together can break each other.
import { VersionSet } from '../pep440/intervals';
import { evaluateMarker, parseMarker } from '../pep508';
import type { MarkerEnvironment } from '../pep508';
import { isDockerfilePath } from '../manifests/script';
import { groupBy } from '../collections';
import { fileName } from '../paths';
import type { PackageIndex, ParsedManifest, Requirement } from '../types';
import type { Platform } from './config';
import { installerOf, readsIndex, type Installer } from './installer';

export interface PinnedRequirement {
  requirement: Requirement;
  /** The manifest that holds it. */
  path: string;
  /** Constraint-only (`-c` files, uv constraint-dependencies): narrows, but does not install. */
  constraintOnly: boolean;
}

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

/** All environments of one manifest. */
export function environmentsOf(manifest: ParsedManifest, options: BuildOptions = {}): Environment[] {
  const markerEnv = markerEnvironment(options.targetPython, options.platform);
  const python = pythonRange(manifest);
  const installer = installerOf(manifest, options.lockFiles);
  const make = (label: string, reqs: PinnedRequirement[], indexes: PackageIndex[] = manifest.indexes, addition?: string): Environment => ({
    label,
    ...(addition ? { addition } : {}),
    path: manifest.path,
    ...collectPackages(reqs, markerEnv),
    indexes: indexes.filter((i) => readsIndex(installer, i)),
    installer,
    python: python?.set ?? wheelPython(reqs),
    pythonSource: python?.source,
  });
  const pin = (requirement: Requirement, constraintOnly = false, path = manifest.path): PinnedRequirement =>
    ({ requirement, path, constraintOnly });
  const by = (pred: (r: Requirement) => boolean) => manifest.requirements.filter(pred);
  // A pyproject asks for its requirements by scope kind many times: group them once (document order is kept).
  let kinds: Map<string, Requirement[]> | undefined;
  const ofKind = (kind: Requirement['scope']['kind']) =>
    (kinds ??= groupBy(manifest.requirements, (r) => r.scope.kind)).get(kind) ?? [];
  const name = fileName(manifest.path);
  const envs: Environment[] = [];

  switch (manifest.kind) {
    case 'pyproject': {
      const constraints = by((r) => r.scope.kind === 'uv-constraint' || r.scope.kind === 'uv-override').map((r) => pin(r, true));
      const base = ofKind('project').map((r) => pin(r));
      const poetry = ofKind('poetry').map((r) => pin(r));
      if (base.length) envs.push(make(`${name} [project] dependencies`, [...base, ...constraints]));
      for (const [extra, reqs] of groupBy(ofKind('optional'), (r) => r.scope.name ?? '')) {
        envs.push(make(`${name} [project] dependencies + extra "${extra}"`, [...base, ...reqs.map((r) => pin(r)), ...constraints], undefined, `extra "${extra}"`));
      }
      const groups = groupBy(ofKind('group'), (r) => r.scope.name ?? '');
      const includes = (manifest as { groupIncludes?: { group: string; include: string }[] }).groupIncludes ?? [];
      const includesOf = new Map<string, string[]>();
      for (const i of includes) includesOf.set(i.group, [...(includesOf.get(i.group) ?? []), i.include]);
      // Groups that expand to the same requirements (a ring of groups including each other) share one environment.
      const expanded = new Set<string>();
      const requirementIds = new Map<Requirement, number>();
      // Groups that include each other (directly or around a ring) expand to the same requirements: one of them is
      // expanded, so a ring of a thousand groups costs a thousand, not a million.
      const cycleOf = groupCycles(includesOf);
      const cyclesDone = new Set<number>();
      for (const group of new Set([...groups.keys(), ...includes.map((i) => i.group)])) {
        const cycle = cycleOf.get(group);
        if (cycle !== undefined) {
          if (cyclesDone.has(cycle)) continue;
          cyclesDone.add(cycle);
        }
        const found = expandGroup(group, groups, includesOf);
        const ids = found.map((r) => requirementIds.get(r) ?? requirementIds.set(r, requirementIds.size).get(r)!).sort((x, y) => x - y).join(',');
        if (expanded.has(ids)) continue;
        expanded.add(ids);
        const reqs = found.map((r) => pin(r));
        if (reqs.length) envs.push(make(`${name} dependency group "${group}"`, [...reqs, ...constraints]));
      }
      const uvDev = ofKind('uv-dev').map((r) => pin(r));
      if (uvDev.length) envs.push(make(`${name} [tool.uv] dev-dependencies`, [...base, ...uvDev, ...constraints], undefined, 'the uv dev-dependencies'));
      const build = ofKind('build').map((r) => pin(r));
      if (build.length) envs.push(make(`${name} [build-system] requires`, build));
      if (poetry.length) envs.push(make(`${name} [tool.poetry.dependencies]`, poetry));
      for (const [group, reqs] of groupBy(ofKind('poetry-group'), (r) => r.scope.name ?? '')) {
        envs.push(make(`${name} poetry group "${group}"`, [...poetry, ...reqs.map((r) => pin(r))], undefined, `poetry group "${group}"`));
      }
      break;
    }
    case 'pipfile': {
      // `pipenv install` installs [packages]; `pipenv install --dev` installs [dev-packages] on top of them.
      const base = ofKind('pipfile').map((r) => pin(r));
      const dev = ofKind('pipfile-dev').map((r) => pin(r));
      if (base.length) envs.push(make(`${name} [packages]`, base));
      if (dev.length) envs.push(make(`${name} [packages] + [dev-packages]`, [...base, ...dev], undefined, '[dev-packages]'));
      break;
    }
    case 'requirements': {
      const tree = options.includeTrees?.get(manifest.path) ?? [manifest];
      const reqs: PinnedRequirement[] = [];
      const indexes: PackageIndex[] = [];
      // A constraints file (constraints.txt, reqs_constraints.txt) installs nothing: it narrows what others install.
      const constraintsFile = /constraints?(?:[^a-z/][^/]*)?\.(?:txt|in)$/i.test(name);
      for (const m of tree) {
        for (const r of m.requirements) reqs.push(pin(r, constraintsFile || r.scope.kind === 'constraint', m.path));
        indexes.push(...m.indexes);
      }
      if (reqs.length) envs.push(make(name, reqs, indexes));
      break;
    }
    case 'setup-cfg': {
      const base = by((r) => r.scope.name === undefined).map((r) => pin(r));
      if (base.length) envs.push(make(`${name} install_requires`, base));
      for (const [extra, reqs] of groupBy(by((r) => r.scope.name !== undefined), (r) => r.scope.name ?? '')) {
        envs.push(make(`${name} install_requires + extra "${extra}"`, [...base, ...reqs.map((r) => pin(r))], undefined, `extra "${extra}"`));
      }
      break;
    }
    case 'conda': {
      if (manifest.requirements.length) envs.push(make(name, manifest.requirements.map((r) => pin(r))));
      break;
    }
    case 'script':
    case 'python': {
      // The files a command installs with -r (and narrows with -c) belong to that command's environment.
      const includedPins = (block: number | undefined): PinnedRequirement[] => manifest.includes
        .filter((i) => i.block === block && i.resolvedPath)
        .flatMap((i) => (options.includedFiles?.get(i.resolvedPath!) ?? []).flatMap((m) =>
          m.requirements.map((r) => pin(r, i.kind === 'constraint' || r.scope.kind === 'constraint', m.path))));
      for (const reqs of groupBy(manifest.requirements, (r) => `${r.scope.kind}:${r.scope.block ?? 0}`).values()) {
        const first = reqs[0];
        const blockNo = first.scope.block;
        const indexes = manifest.indexes.filter((i) => i.block === undefined || i.block === blockNo);
        const where = first.scope.kind === 'pip-install'
          ? `pip install (line ${first.range.start.line + 1})`
          : `${first.scope.name ?? 'list'} (line ${first.range.start.line + 1})`;
        const included = first.scope.kind === 'pip-install' ? includedPins(blockNo) : [];
        envs.push(make(`${name}: ${where}`, [...included, ...reqs.map((r) => pin(r))], indexes));
      }
      if (manifest.kind === 'script' && isDockerfilePath(manifest.path)) {
        // One image per build stage (a FROM starts a fresh one).
        const stages = new Set([...manifest.requirements.map((r) => r.scope.stage ?? 0), ...manifest.includes.map((i) => i.stage ?? 0)]);
        for (const stage of [...stages].sort((a, b) => a - b)) {
          const files = manifest.includes.filter((i) => (i.stage ?? 0) === stage)
            .flatMap((i) => (i.kind === 'requirement' && i.resolvedPath ? options.includedFiles?.get(i.resolvedPath) ?? [] : []));
          const stageManifest = { ...manifest, requirements: manifest.requirements.filter((r) => (r.scope.stage ?? 0) === stage) };
          const image = imageEnvironment(stageManifest, files);
          if (image) envs.push(make(`${name}: the image${stages.size > 1 ? ` (stage ${stage + 1})` : ''}`, image.pins, image.indexes));
        }
      }
      break;
    }
  }
  return envs;
}

/**
 * Everything a Dockerfile installs ends up in one image: each RUN's pip install adds to what the earlier ones left
 * (a later pin of a package replaces an earlier one). Files installed with `-r` come first. Shell scripts are not
 * combined: their installs often sit in alternative branches (`if nvidia ... else rocm`).
 */
function imageEnvironment(manifest: ParsedManifest, included: ParsedManifest[]): { pins: PinnedRequirement[]; indexes: PackageIndex[] } | undefined {
  const blocks = new Set(manifest.requirements.map((r) => r.scope.block ?? 0));
  if (blocks.size + (included.length ? 1 : 0) < 2) return undefined;
  const last = new Map<string, PinnedRequirement[]>();
  for (const m of included) {
    for (const r of m.requirements) last.set(r.normalizedName, [{ requirement: r, path: m.path, constraintOnly: r.scope.kind === 'constraint' }]);
  }
  const byBlock = groupBy(manifest.requirements, (r) => String(r.scope.block ?? 0));
  for (const block of [...byBlock.keys()].sort((a, b) => Number(a) - Number(b))) {
    const fresh = new Map<string, PinnedRequirement[]>();
    for (const r of byBlock.get(block)!) fresh.set(r.normalizedName, [...(fresh.get(r.normalizedName) ?? []), { requirement: r, path: manifest.path, constraintOnly: false }]);
    for (const [k, v] of fresh) last.set(k, v);
  }
  return { pins: [...last.values()].flat(), indexes: [...manifest.indexes, ...included.flatMap((m) => m.indexes)] };
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
 * The groups that lie on a cycle of includes, each mapped to its cycle's number (strongly connected components of
 * more than one group, Tarjan's algorithm without recursion).
 */
function groupCycles(includesOf: Map<string, string[]>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const start of includesOf.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter); low.set(start, counter++); stack.push(start); onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const kids = includesOf.get(top.node) ?? [];
      if (top.next < kids.length) {
        const kid = kids[top.next++];
        if (!index.has(kid)) {
          index.set(kid, counter); low.set(kid, counter++); stack.push(kid); onStack.add(kid);
          work.push({ node: kid, next: 0 });
        } else if (onStack.has(kid)) low.set(top.node, Math.min(low.get(top.node)!, index.get(kid)!));
        continue;
      }
      work.pop();
      if (work.length) { const parent = work[work.length - 1].node; low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!)); }
      if (low.get(top.node) === index.get(top.node)) {
        const members: string[] = [];
        let m: string;
        do { m = stack.pop()!; onStack.delete(m); members.push(m); } while (m !== top.node);
        if (members.length > 1) { for (const x of members) out.set(x, components); components++; }
      }
    }
  }
  return out;
}

/** A group's requirements with the groups it includes, depth first; each group once (cycles end). No recursion:
 *  a chain of a thousand groups must not exhaust the stack. */
function expandGroup(group: string, groups: Map<string, Requirement[]>, includesOf: Map<string, string[]>): Requirement[] {
  const out: Requirement[] = [];
  const seen = new Set<string>();
  const todo = [group];
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue; // a cycle; the parser reports it
    seen.add(g);
    out.push(...(groups.get(g) ?? []));
    const next = includesOf.get(g) ?? [];
    for (let i = next.length - 1; i >= 0; i--) todo.push(next[i]);
  }
  return out;
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
