// The version sets an evaluation reads: what each package's pins admit, with the packages others install added,
// the project's Pythons, yanked releases and declared requirements applied, and what a fresh install takes.
import { intersectKept, VersionSet } from '../../pep440/intervals';
import { keptPer } from '../../kept';
import type { Environment, EnvironmentPackage } from '../environment';
import type { CompiledRow, Knowledge } from '../knowledge';
import { normalizeName } from '../../text';
import { passOverYanked } from '../yanked';

/**
 * Version sets by package name: the environment's admitted sets with some narrowed or added, kept as changes over
 * the environment instead of a copy of it (environments of thousands of packages were copied twice per evaluation,
 * for the few packages the knowledge base speaks about). Reads and iteration order are those of the copied Map.
 */
export class SetsByName {
  private readonly changes: Map<string, VersionSet>;

  constructor(private readonly packages: Map<string, EnvironmentPackage>, changes?: Map<string, VersionSet>) {
    this.changes = new Map(changes);
  }

  get(name: string): VersionSet | undefined {
    return this.changes.get(name) ?? this.packages.get(name)?.admitted;
  }

  has(name: string): boolean {
    return this.changes.has(name) || this.packages.has(name);
  }

  set(name: string, set: VersionSet): void {
    this.changes.set(name, set);
  }

  /** The environment's packages, then the names added, as a Map that got the same calls would list them. */
  names(): string[] {
    const names = [...this.packages.keys()];
    for (const name of this.changes.keys()) if (!this.packages.has(name)) names.push(name);
    return names;
  }

  copy(): SetsByName {
    return new SetsByName(this.packages, this.changes);
  }
}

/** Sets as the environment admits them, with implicit installs added and declared constraints applied. */
export interface Sets {
  admitted: SetsByName;
  fresh: SetsByName;
  /** Packages present only because another installs them: name -> the installer's name. */
  implicit: Map<string, string>;
  /** Of those, the ones an extra of the installer brings: name -> that extra (for messages: `huggingface_hub[tensorflow]`). */
  implicitExtra: Map<string, string>;
  /** The Pythons the project can run on (projectPythons); undefined when not known. */
  pythons?: VersionSet;
}

/** `top(s)` — what a fresh install takes — lies in `r`. */
export function topIn(s: VersionSet, r: VersionSet): boolean {
  const both = s.intersect(r);
  return !both.isEmpty() && both.sameUpperEnd(s);
}

export function computeSets(env: Environment, k: Knowledge, targetPython?: string, picks?: ReadonlyMap<string, string>): Sets {
  const admitted = new SetsByName(env.packages);
  const implicit = new Map<string, string>();
  const implicitExtra = new Map<string, string>();
  // Implicit installs, two levels deep (diffusers -> huggingface-hub; torchvision -> torch; jax[cuda12] ->
  // jax-cuda12-plugin, for the extras the package's own requirements ask for). Each level reads the packages present
  // when it starts; only those the knowledge says install something matter.
  for (let depth = 0; depth < 2; depth++) {
    const installers: [string, VersionSet][] = [];
    for (const name of admitted.names()) if (k.installs.has(name)) installers.push([name, admitted.get(name)!]);
    for (const [name, set] of installers) {
      for (const inst of installsMeeting(installsAsked(k.installs.get(name)!, extrasOf(env, name)), set)) {
        for (const q of inst.packages) {
          if (admitted.has(q)) continue;
          admitted.set(q, declaredBy(k, name, set, q, env.constraints.get(q) ?? VersionSet.all()));
          implicit.set(q, name);
          if (inst.extra) implicitExtra.set(q, inst.extra);
        }
      }
    }
  }
  // The project's Pythons rule out releases without wheels for any of them (numpy 2 needs Python 3.9).
  const pythons = targetPython ? VersionSet.fromSpecifierSet(`==${targetPython}.*`) : env.python;
  if (pythons) {
    for (const name of admitted.names()) {
      for (const support of k.pythonSupportOf.get(name) ?? []) {
        const possible = installable(support, pythons);
        if (possible) narrow(admitted, name, possible);
      }
    }
  }
  // Yanked releases: pip passes over them unless every release a package's requirements allow is yanked (an exact
  // pin of one). Read after the Pythons, as pip reads the yank among the releases that install on the target.
  // The few packages with a yanked release are visited, not every name of the environment (a check's hot path).
  for (const [name, yanked] of k.yanked ?? []) {
    const set = admitted.get(name);
    if (!set) continue;
    const kept = passOverYanked(set, yanked);
    if (kept !== set) admitted.set(name, kept);
  }
  const rowPythons = projectPythons(env, k, targetPython);
  // Declared constraints: when every admitted version of P declares Q in R, Q is narrowed to R. For a fresh install,
  // the rows that hold the top of P's range narrow Q. P's set is read when P's turn comes (an earlier P may have
  // narrowed it).
  const fresh = admitted.copy();
  for (const name of admitted.names()) {
    const requires = k.requiresOf.get(name);
    if (!requires) continue;
    const set = admitted.get(name)!;
    // When the snapshot knows the newest release, a fresh install takes the newest admitted one that exists.
    const existing = k.current?.get(name);
    let topSet = set;
    if (existing) {
      const both = intersectKept(set, existing);
      if (!both.isEmpty()) topSet = both;
    }
    for (const req of requires) {
      // Rows of release ranges elsewhere on the version line are neither "all" nor "top" (unless nothing is admitted).
      const rows = applicableRows(req.rows, env, name, rowPythons);
      for (const { row, all } of narrowingRows(set.isEmpty() ? rows : rowsMeeting(rows, set), topSet)) {
        for (const [q, r] of row.requires) {
          if (all) narrow(admitted, q, r);
          narrow(fresh, q, r);
        }
      }
    }
  }
  if (k.current?.size) {
    for (const name of fresh.names()) {
      const existing = k.current.get(name);
      const cur = existing && fresh.get(name);
      if (cur && existing && cur.intersects(existing)) fresh.set(name, cur.intersect(existing));
    }
  }
  // What pip picks is what a fresh install takes (backtracking may pick older releases than the newest admitted).
  if (picks) {
    for (const name of fresh.names()) {
      const v = picks.get(name);
      if (v && admitted.get(name)!.contains(v)) fresh.set(name, VersionSet.fromSpecifierSet(`==${v}`));
    }
  }
  return { admitted, fresh, implicit, implicitExtra, ...(rowPythons ? { pythons: rowPythons } : {}) };
}

/** What every admitted version of `installer` declares of `q`, with `initial`: an implicit package starts as narrow as
 *  its installer makes it (realesrgan 0.3.0 requires basicsr>=1.4.2), so the next level's implicit installs are read
 *  from those releases only (basicsr 1.0.x installed matplotlib; 1.4.2 does not). Rows that hold under an extra or a
 *  Python range are left to the declared-constraints step. */
function declaredBy(k: Knowledge, installer: string, set: VersionSet, q: string, initial: VersionSet): VersionSet {
  let out = initial;
  for (const req of k.requiresOf.get(installer) ?? []) {
    // The rows every admitted release meets (`all`), as the declared-constraints step reads them.
    for (const { row, all } of narrowingRows(rowsMeeting(req.rows, set), set)) {
      const r = row.requires.get(q);
      if (!all || !r || row.extra || row.python) continue;
      const n = intersectKept(out, r);
      if (!n.isEmpty()) out = n;
    }
  }
  return out;
}

function narrow(sets: SetsByName, q: string, r: VersionSet): void {
  const cur = sets.get(q);
  if (!cur) return;
  const n = intersectKept(cur, r);
  if (!n.isEmpty()) sets.set(q, n);
}

// A keystroke changes one pin of a file: the sets of every other package are the objects they were (a pin's set is one
// object per specifier text, the knowledge's rows live as long as it does). What computeSets derives from them is
// remembered per object, weakly (keptPer, ../../kept.ts), so that it is found again and stays the same object, through
// the narrowing too.

type Installs = Knowledge['installs'] extends Map<string, infer T> ? T : never;
const MEETING_INSTALLS = new WeakMap<Installs, WeakMap<VersionSet, Installs>>();

/** The install entries whose versions meet `set`. */
function installsMeeting(entries: Installs, set: VersionSet): Installs {
  return keptPer(MEETING_INSTALLS, entries, set, installsMeetingOf);
}

const installsMeetingOf = (entries: Installs, set: VersionSet) => entries.filter((inst) => set.intersects(inst.versions));

type Support = Knowledge['pythonSupportOf'] extends Map<string, (infer T)[]> ? T : never;
const INSTALLABLE = new WeakMap<Support, WeakMap<VersionSet, VersionSet | null>>();

/** The versions of a package with builds for some of `pythons` (its rows' complement of those without), or null when
 *  no row rules any out. */
function installable(support: Support, pythons: VersionSet): VersionSet | null {
  return keptPer(INSTALLABLE, support, pythons, installableOf);
}

function installableOf(support: Support, pythons: VersionSet): VersionSet | null {
  let impossible = VersionSet.empty();
  for (const row of support.rows) if (!row.python.intersects(pythons)) impossible = impossible.union(row.versions);
  return impossible.isEmpty() ? null : impossible.complement();
}

const NARROWING = new WeakMap<readonly CompiledRow[], WeakMap<VersionSet, readonly { row: CompiledRow; all: boolean }[]>>();

/** Of rows that meet a package's set, those whose requirements narrow what a fresh install takes: the rows that hold
 *  the top of `topSet` (the newest admitted release that exists) or all of it; `all` for the second, which narrow what
 *  the environment admits too. What a package only checks at import, pip does not enforce: it narrows nothing. */
function narrowingRows(rows: readonly CompiledRow[], topSet: VersionSet): readonly { row: CompiledRow; all: boolean }[] {
  return keptPer(NARROWING, rows, topSet, narrowingRowsOf);
}

function narrowingRowsOf(rows: readonly CompiledRow[], topSet: VersionSet): { row: CompiledRow; all: boolean }[] {
  const narrowing: { row: CompiledRow; all: boolean }[] = [];
  for (const row of rows) {
    if (row.importCheck) continue;
    const all = topSet.isSubsetOf(row.versions);
    if (all || topIn(topSet, row.versions)) narrowing.push({ row, all });
  }
  return narrowing;
}

const MEETING = new WeakMap<readonly CompiledRow[], WeakMap<VersionSet, readonly CompiledRow[]>>();

/**
 * The rows whose versions meet `s`: of a package's hundreds of release ranges, the few a pin can take. Remembered per
 * rows and set (a workspace repeats the same pins; a keystroke leaves most as they were; sets of one specifier are one
 * object), weakly: as long as the knowledge and the set live.
 */
export function rowsMeeting(rows: readonly CompiledRow[], s: VersionSet): readonly CompiledRow[] {
  return keptPer(MEETING, rows, s, rowsMeetingOf);
}

const rowsMeetingOf = (rows: readonly CompiledRow[], s: VersionSet) => rows.filter((r) => s.intersects(r.versions));

const NO_EXTRAS: ReadonlySet<string> = new Set();
const NO_PACKAGE = { set: NO_EXTRAS, key: '' };
/** Per environment and package that asks for extras (an environment does not change once built): every rule about a
 *  package asks, dozens per package with the snapshot's declared extras. One entry per environment, not per package:
 *  short-lived keys in a WeakMap cost the collector. */
const EXTRAS = new WeakMap<Environment, Map<string, { set: ReadonlySet<string>; key: string }>>();

function extrasOf(env: Environment, pkg: string): { set: ReadonlySet<string>; key: string } {
  const p = env.packages.get(pkg);
  // Most packages ask for no extra: answered from the pins, with nothing built or remembered (evaluateEnvironment
  // asks for every package; a set and an entry each cost a 10,000-requirement file ~3 ms a check).
  if (!p || !p.pins.some((pin) => pin.requirement.extras.length)) return NO_PACKAGE;
  let byName = EXTRAS.get(env);
  if (!byName) EXTRAS.set(env, (byName = new Map()));
  let known = byName.get(pkg);
  if (!known) {
    const set = new Set(p.pins.flatMap((pin) => pin.requirement.extras.map((e) => normalizeName(e))));
    byName.set(pkg, (known = set.size ? { set, key: [...set].sort().join(',') } : NO_PACKAGE));
  }
  return known;
}

/** The extras the requirements of `pkg` ask for (`jax[cuda12]==0.4.30` asks for cuda12), normalized. */
export function requestedExtras(env: Environment, pkg: string): ReadonlySet<string> {
  return extrasOf(env, pkg).set;
}

/** A package's install entries without those for extras nobody asked for (most of them, with the wheels' metadata), in
 *  their order; per entries and extras asked for (bounded per entries). */
const ASKED = new WeakMap<Installs, Map<string, Installs>>();

function installsAsked(entries: Installs, extras: { set: ReadonlySet<string>; key: string }): Installs {
  let byExtras = ASKED.get(entries);
  if (!byExtras) ASKED.set(entries, (byExtras = new Map()));
  let out = byExtras.get(extras.key);
  if (!out) {
    out = entries.filter((inst) => !inst.extra || extras.set.has(inst.extra));
    if (byExtras.size >= APPLICABLE_PER_ROWS) byExtras.clear();
    byExtras.set(extras.key, out);
  }
  return out;
}

/** Applicable rows per rows, Pythons (one set object per specifier text or list of minors) and extras asked for. The
 *  same array for the same answer, so that what is remembered per rows (rowsMeeting, requires' cells) is found again:
 *  a filtered copy per call made every keystroke miss them. Bounded per rows: a few Pythons and extras are real. */
const APPLICABLE = new WeakMap<readonly CompiledRow[], { pythons: WeakMap<VersionSet, Map<string, readonly CompiledRow[]>>; none: Map<string, readonly CompiledRow[]> } | null>();
const APPLICABLE_PER_ROWS = 64;

/** Rows that hold here: plain rows, rows for an extra that some requirement of the package asks for, and rows for a
 *  Python range that holds every Python the project can run on (projectPythons; none when they are not known). */
export function applicableRows(rows: readonly CompiledRow[], env: Environment, pkg: string, pythons: VersionSet | undefined): readonly CompiledRow[] {
  let memo = APPLICABLE.get(rows);
  if (memo === null) return rows;
  if (!memo) {
    // Rows without an extra or a Python range hold everywhere (most packages'): said once, not looked for per call.
    if (!rows.some((r) => r.extra || r.python)) {
      APPLICABLE.set(rows, null);
      return rows;
    }
    APPLICABLE.set(rows, (memo = { pythons: new WeakMap(), none: new Map() }));
  }
  const { set: extras, key } = extrasOf(env, pkg);
  let byExtras = pythons ? memo.pythons.get(pythons) : memo.none;
  if (!byExtras) memo.pythons.set(pythons!, (byExtras = new Map()));
  let out = byExtras.get(key);
  if (!out) {
    out = rows.filter((r) => (!r.extra || extras.has(r.extra)) && (!r.python || (!!pythons && pythons.isSubsetOf(r.python))));
    if (out.length === rows.length) out = rows;
    if (byExtras.size >= APPLICABLE_PER_ROWS) byExtras.clear();
    byExtras.set(key, out);
  }
  return out;
}

/**
 * The Pythons the project can run on: the target Python, else the range the project declares, else, where neither is
 * known, the Pythons that every package the project installs has builds for (numpy==1.26.4 has none below 3.9, so a
 * project pinning it runs on 3.9 or later). Undefined when that is not known either: a package whose allowed
 * releases the knowledge does not all cover, or pinned under a marker, says nothing.
 */
export function projectPythons(env: Environment, k: Knowledge, targetPython: string | undefined): VersionSet | undefined {
  if (targetPython) return VersionSet.fromSpecifierSet(`==${targetPython}.*`);
  if (env.python) return env.python;
  let inferred: VersionSet | undefined;
  for (const [name, pkg] of env.packages) {
    if (!pkg.pins.some((p) => !p.constraintOnly) || pkg.pins.some((p) => p.requirement.marker)) continue;
    for (const support of k.pythonSupportOf.get(name) ?? []) {
      const some = pythonsWithBuilds(support, pkg.admitted);
      if (some) inferred = inferred ? intersectKept(inferred, some) : some;
    }
  }
  return inferred && minorsOf(inferred);
}

const WITH_BUILDS = new WeakMap<Support, WeakMap<VersionSet, VersionSet | null>>();

/** The Pythons some version in `admitted` has builds for, or null when the rows do not cover every version in it. */
function pythonsWithBuilds(support: Support, admitted: VersionSet): VersionSet | null {
  return keptPer(WITH_BUILDS, support, admitted, pythonsWithBuildsOf);
}

function pythonsWithBuildsOf(support: Support, admitted: VersionSet): VersionSet | null {
  if (admitted.isEmpty() || !admitted.isSubsetOf(support.known)) return null;
  let some = VersionSet.empty();
  for (const row of support.rows) if (row.versions.intersects(admitted)) some = some.union(row.python);
  return some;
}

const MINORS_OF = new WeakMap<VersionSet, VersionSet | undefined>();

/** The minors that `pythons` holds some of, as final releases of each minor (`>=3.9,<3.10`), the way a declared range
 *  reads: builds for `3.9.*` say nothing of 3.9's pre-releases, which `python_version >= "3.9"` rows leave out. */
function minorsOf(pythons: VersionSet): VersionSet | undefined {
  if (MINORS_OF.has(pythons)) return MINORS_OF.get(pythons);
  const held: number[] = [];
  for (let m = 0; m <= 40; m++) if (pythons.intersects(VersionSet.fromSpecifierSet(`==3.${m}.*`))) held.push(m);
  let minors: VersionSet | undefined;
  if (held.length) {
    // One set per list of minors: rows are remembered per Pythons set (applicableRows).
    const key = held.join(',');
    minors = MINORS.get(key);
    if (!minors) {
      minors = VersionSet.empty();
      for (const m of held) minors = minors.union(VersionSet.fromSpecifierSet(`>=3.${m},<3.${m + 1}`));
      if (MINORS.size >= 256) MINORS.clear();
      MINORS.set(key, minors);
    }
  }
  MINORS_OF.set(pythons, minors);
  return minors;
}

const MINORS = new Map<string, VersionSet>();

/**
 * The versions of `pkg` that pip never installs next to a version of `dep` in `bad`: their declared requirement on
 * `dep` (curated rows and the snapshot's Requires-Dist) misses `bad` under every Python the project allows. A row for
 * some Pythons only (`numpy>=2,<2.3.0; python_version >= "3.9"`) counts where the rows that rule `bad` out together
 * cover every allowed Python. Versions whose requirement is unknown are never in the result.
 */
export function declaredExcluding(k: Knowledge, env: Environment, pkg: string, dep: string, bad: VersionSet, projectPython?: VersionSet): VersionSet {
  const requires = k.requiresOf.get(pkg);
  if (!requires) return VersionSet.empty();
  const pythons = projectPython ?? VersionSet.all();
  const extras = requestedExtras(env, pkg);
  let excluded = VersionSet.empty();
  // Pieces of the version line with the Pythons under which some row there rules `bad` out.
  let partial: { versions: VersionSet; pythons: VersionSet }[] = [];
  for (const req of requires) {
    for (const row of req.rows) {
      const r = row.requires.get(dep);
      if (!r || row.importCheck || r.intersects(bad) || (row.extra && !extras.has(row.extra))) continue;
      if (!row.python || pythons.isSubsetOf(row.python)) { excluded = excluded.union(row.versions); continue; }
      const under = row.python.intersect(pythons);
      if (under.isEmpty()) continue;
      const next: typeof partial = [];
      let rest = row.versions;
      for (const piece of partial) {
        const both = piece.versions.intersect(row.versions);
        if (both.isEmpty()) { next.push(piece); continue; }
        next.push({ versions: both, pythons: piece.pythons.union(under) });
        const outside = piece.versions.minus(row.versions);
        if (!outside.isEmpty()) next.push({ versions: outside, pythons: piece.pythons });
        rest = rest.minus(piece.versions);
      }
      if (!rest.isEmpty()) next.push({ versions: rest, pythons: under });
      partial = next;
    }
  }
  for (const piece of partial) if (pythons.isSubsetOf(piece.pythons)) excluded = excluded.union(piece.versions);
  return excluded;
}
