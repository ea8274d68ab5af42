// What pip would install: a port of the backtracking resolver pip 23.2 runs (resolvelib 1.0.1 `Resolution`, with pip's
// `PipProvider` / `Factory` / candidate and requirement classes), over declared metadata instead of downloaded wheels.
//
// Kept from pip, because they decide which versions come out:
// - the order of work: `get_preference` (Requires-Python, explicit candidates, `==` pins, causes of the last
//   backtrack, inferred depth, the order the user wrote, constrained before free, then the name);
// - candidates newest first; pre-releases only with --pre, or when a specifier on the package names a pre-release
//   with an inclusive operator, or when the package has no final release at all and nothing constrains it
//   (packaging 21.3's filter, which pip 23.2 vendors); yanked releases only when every applicable release is
//   yanked and the specifier pins one with `==` / `===` (PEP 592); releases whose Requires-Python excludes the
//   target are never candidates (the index's data-requires-python), nor are releases whose metadata declares a
//   requirement PEP 508 rejects (pip 24.1 and later: "Ignoring version … since it has invalid metadata");
// - extras as separate identifiers `name[a,b]` that depend on exactly their base release, markers evaluated with
//   `extra` set as pip does;
// - backjumping with incompatibilities carried over from the discarded states, exactly as resolvelib 1.0.1.
// Packages the metadata does not describe are leaves that take any version (one "any" candidate, unless the
// specifiers on them exclude each other). Releases newer than the snapshot (`registry_newest` above
// `complete_through`, less the releases sparse entries list) are one unknown candidate tried after every known one:
// never guessed, but never a false conflict either. `describedOnly` holds named packages to the releases the snapshot
// describes (no unknown candidate, no listed release without its requirements), and a pick that stands for an
// undescribed release says what the requirements on it allow (`admitted`): the engine's resolution-conflict-known.
// Over 500 lines: one port of one algorithm (resolvelib's state machine and pip's provider share the candidate and
// criterion state), kept in one file to be read beside resolvelib 1.0.1; the state stack's undo log (./states.ts),
// pip's preference key (./preference.ts), what a run hands back (./outcome.ts), the root stage's verdicts kept across
// runs (./verdicts.ts) and a root's text as the root stage reads it (./texts.ts) are modules of their own.
import { parseSpecifierSet, parseVersion, type SpecifierSet } from '../pep440';
import { intersectKept, VersionSet } from '../pep440/intervals';
import { evaluateMarker, type MarkerEnvironment } from '../pep508';
import { markerOf, PYTHON_MARKER, requirementOf, rootPartsOf, rootReq, specReq, type RootParts } from './texts';
import { admitsRelease, admittedBy, admittedOf, describedOnly, exactlyPinned, installable, namesPrerelease, parsedPackage, safeSource, specifierKind, type Pkg, type Release } from './releases';
import { admittedPythons, checkedPythonBit, EVERY_CPYTHON, markerAlike, pythonsOf, releasePython, type PythonMask } from './pythons';
import { normalizeName } from '../text';
import { LoggedMap, undo, type Undo } from './states';
import { baseOf, causeOf, formatIdent, packagesOf, splitIdent, versionText } from './outcome';
import { causeIdents, compareKeys, newPreference, preferenceOf, reqName, type Preference } from './preference';
import type { AdmittedReleases, ConflictCause, MetadataSource, ResolvedPackage, ResolveOptions, RootRequirement } from './types';
import type { RootVerdict, RootVerdicts } from './verdicts';

export const PYTHON_IDENT = '<Python from Requires-Python>';

export interface Cand {
  ident: string;
  name: string;
  extras: readonly string[];
  /** A known release; absent for "any version" (uncovered package), the unknown-newer candidate and Python. */
  release?: Release;
  any?: boolean;
  newer?: VersionSet;
  python?: boolean;
  base?: Cand;
  deps?: Req[];
}

export type Req =
  | { kind: 'spec'; ident: string; name: string; extras: string[]; spec: SpecifierSet; set: VersionSet; text: string; root?: RootRequirement }
  | { kind: 'explicit'; ident: string; cand: Cand; text: string }
  | { kind: 'python'; ident: string; spec: SpecifierSet; text: string; satisfied: boolean };

export type SpecReq = Extract<Req, { kind: 'spec' }>;

export interface Info {
  req: Req;
  parent: Cand | null;
}

export interface Criterion {
  candidates: Cand[];
  information: Info[];
  incompatibilities: Cand[];
}

/** A level of resolvelib's state stack: its undo log (./states.ts) and its backtrack causes. */
interface Level {
  undo: Undo[];
  backtrackCauses: Info[];
  /** The resolver's steps when the level was pushed, and the ident its round pinned. */
  steps: number;
  pinned?: string;
}

// Control flow, not errors: thrown often while backtracking, so without the cost of a stack trace.
class Conflicted {
  constructor(readonly criterion: Criterion, readonly ident: string) {}
}
class Impossible {
  /** `atRoot`: pip stopped while adding the roots, at this package: its root requirements (and constraints) alone admit
   *  no release, so nothing else takes part in the conflict. */
  constructor(readonly causes: Info[], readonly unmatched: readonly number[] = [], readonly atRoot?: string) {}
}
class OverBudget {}
/** A resumed resolution that would backjump into the levels it kept from the run before: made afresh instead. */
class Unresumable {}

/** Look-ups a run makes afresh to find where its root stage stops from the verdicts, at most: past that (a file not
 *  seen before) the root stage runs as pip's, and its look-ups are kept as verdicts. */
const FRESH_VERDICTS = 8;

export type PipOutcome =
  | { ok: true; packages: Map<string, ResolvedPackage>; steps: number }
  | { ok: false; reason: 'conflict'; causes: ConflictCause[]; steps: number; rootsByName: Map<string, RootRequirement[]>; samePythons: string[]; unmatched: readonly number[]; atRoot?: string }
  | { ok: false; reason: 'budget' | 'invalid'; message: string; steps: number };

export class PipResolver {
  private readonly pkgs = new Map<string, Pkg>();
  private readonly cands = new Map<string, Cand>();
  private readonly python: Cand = { ident: PYTHON_IDENT, name: PYTHON_IDENT, extras: [], python: true };
  private readonly pythonVersion: string;
  /** Name -> its constraints: their specifiers, what they admit together, and their texts (a verdict's key). */
  private readonly constraints = new Map<string, { spec: SpecifierSet[]; set: VersionSet; texts: string }>();
  private readonly userRequested = new Map<string, number>();
  private readonly knownDepths = new Map<string, number>();
  private readonly forcedAny = new Set<string>();
  /** resolvelib's states: the live one, which is the top's, and a level per state (./states.ts). */
  private levels: Level[] = [];
  private readonly topLog = (): Undo[] => this.levels[this.levels.length - 1].undo;
  private readonly mapping = new LoggedMap<Cand>(new Map(), this.topLog);
  private readonly criteria = new LoggedMap<Criterion>(new Map(), this.topLog);
  /** The roots of the run; whether it found a resolution without ever going back (no backjump, no pin that left
   *  another unsatisfied): then `resume` can take a change of one root from its levels. */
  private roots: readonly RootRequirement[] = [];
  /** Each root (of this run and the runs it was resumed from) -> its place among the roots. */
  private readonly rootIndex = new Map<RootRequirement, number>();
  private forwardOnly = true;
  private installed = false;
  /** After a resume at round r, the levels below r hold the changed root's requirement as it was before in their
   *  undo logs: a backjump must not undo them (`floor`, levels kept), nor a later resume go back before r. */
  private floor = 0;
  private resumedAt = 0;
  /** Ident -> the first round in which a requirement added to it left no candidate (a candidate was turned down). */
  private readonly firstConflict = new Map<string, number>();
  steps = 0;
  /** The CPythons a check tries (./pythons.ts) on which everything this resolution read so far reads as on its own:
   *  each marker on the Python, each Requires-Python of a release that was otherwise a candidate. Its outcome is the
   *  same on each of them. 0 when its own Python is not one of them. */
  private alike: PythonMask;
  /** This resolution's own Python among CPYTHONS (a bit), or 0. */
  private readonly ownPython: PythonMask;
  /** `alike` before anything is read (a look-up whose reads are kept apart starts from it). */
  private readonly unread: PythonMask;
  private readonly maxSteps: number;

  constructor(private readonly source: MetadataSource, private readonly options: ResolveOptions, private readonly verdicts?: RootVerdicts) {
    const env = options.environment;
    this.pythonVersion = releasePython(env);
    this.maxSteps = options.maxSteps ?? 20000;
    this.ownPython = checkedPythonBit(env);
    this.unread = this.ownPython ? EVERY_CPYTHON : 0;
    this.alike = this.unread;
  }

  /** Notes a Requires-Python the resolution read: the Pythons where it says otherwise are not alike. */
  private readPythonRange(requiresPython: string): void {
    if (this.alike === this.ownPython) return;
    const admits = admittedPythons(requiresPython);
    this.alike &= admits & this.ownPython ? admits : ~admits;
  }

  private tick(n = 1): void {
    this.steps += n;
    if (this.steps > this.maxSteps) throw new OverBudget();
  }

  // --- metadata ----------------------------------------------------------------------------------------------

  private pkg(name: string): Pkg {
    let p = this.pkgs.get(name);
    if (p) return p;
    const meta = this.forcedAny.has(name) ? undefined : safeSource(this.source, name);
    p = meta ? parsedPackage(meta, name, this.pythonVersion) : { name, covered: false, releases: [], hasFinal: false };
    if (meta && this.options.describedOnly?.includes(name)) p = describedOnly(p);
    this.pkgs.set(name, p);
    return p;
  }

  // --- candidates and requirements ---------------------------------------------------------------------------

  private cand(name: string, extras: readonly string[], key: string, make: () => Omit<Cand, 'ident' | 'name' | 'extras'>): Cand {
    const ident = formatIdent(name, extras);
    const k = `${ident}@${key}`;
    let c = this.cands.get(k);
    if (!c) {
      c = { ident, name, extras, ...make() };
      if (extras.length) c.base = this.cand(name, [], key, make);
      this.cands.set(k, c);
    }
    return c;
  }

  private markerTrue(marker: string | undefined, extras: readonly string[]): boolean {
    if (!marker) return true;
    const m = markerOf(marker);
    if (!m) return false;
    const contexts = extras.length ? extras : [''];
    if (this.alike !== this.ownPython && PYTHON_MARKER.test(marker)) {
      for (const extra of contexts) this.alike &= markerAlike(m, { ...this.options.environment, extra });
    }
    return contexts.some((extra) => evaluateMarker(m, { ...this.options.environment, extra }) === true);
  }

  /** pip's `get_dependencies`: Requires-Dist in metadata order, then the Requires-Python requirement. */
  private dependencies(c: Cand): Req[] {
    if (c.deps) return c.deps;
    const deps: Req[] = [];
    const base = c.base;
    if (base) deps.push({ kind: 'explicit', ident: base.ident, cand: base, text: `${base.name}==${versionText(base)}` });
    const release = (base ?? c).release;
    if (release?.requiresDist) {
      let valid: string[] = [];
      if (base) {
        const provided = providedExtras(release.requiresDist);
        valid = c.extras.filter((e) => provided.has(e));
      }
      for (const text of release.requiresDist) {
        const parsed = requirementOf(text);
        if (!parsed.ok) continue; // pip would fail on this release's metadata; skipping keeps the rest usable
        const r = parsed.value;
        if (!this.markerTrue(r.markerText, valid)) continue;
        const name = normalizeName(r.name);
        const extras = [...new Set(r.extras.map(normalizeName))];
        const req = specReq(text, name, extras, r.url ? '' : r.specifier);
        if (req) deps.push(req);
      }
    }
    if (!base && release?.requiresPython) {
      this.readPythonRange(release.requiresPython);
      const spec = parseSpecifierSet(release.requiresPython);
      if (spec && String(spec)) {
        deps.push({ kind: 'python', ident: PYTHON_IDENT, spec, text: `Python${release.requiresPython}`, satisfied: spec.contains(this.pythonVersion, { prereleases: true }) });
      }
    }
    c.deps = deps;
    return deps;
  }

  private satisfied(r: Req, c: Cand): boolean {
    if (r.kind === 'explicit') return c === r.cand;
    if (r.kind === 'python') return r.satisfied;
    if (c.release) return admitsRelease(r.spec, c.release);
    if (c.newer) return r.set.intersects(c.newer);
    return true;
  }

  private constraintOk(name: string, c: Cand): boolean {
    const k = this.constraints.get(name);
    if (!k) return true;
    if (c.release) return k.set.contains(c.release.version) || !!c.release.locals?.some((l) => k.set.contains(l));
    if (c.newer) return k.set.intersects(c.newer);
    return !k.set.isEmpty();
  }

  // --- pip's Factory.find_candidates ---------------------------------------------------------------------------

  /** `enough`: the caller, with nothing in `incompat`, asks only whether there are that many (then not the newest). */
  private findMatches(ident: string, reqs: Req[], incompat: Set<Cand>, reqsOf: (ident: string) => Req[], enough = Infinity): Cand[] {
    if (ident === PYTHON_IDENT) {
      const explicit = reqs.some((r) => r.kind === 'python' && r.satisfied);
      return explicit && !incompat.has(this.python) && reqs.every((r) => this.satisfied(r, this.python)) ? [this.python] : [];
    }
    const [name, extras] = splitIdent(ident);
    const explicit = new Set<Cand>();
    const specReqs: SpecReq[] = [];
    for (const r of reqs) {
      if (r.kind === 'explicit') explicit.add(r.cand);
      else if (r.kind === 'spec') specReqs.push(r);
    }
    if (extras.length) {
      for (const r of reqsOf(name)) {
        if (r.kind === 'explicit') explicit.add(this.withExtras(r.cand, extras));
      }
    }
    if (!explicit.size) return this.found(name, extras, specReqs, incompat, enough);
    return [...explicit].filter((c) => !incompat.has(c) && this.constraintOk(name, c) && reqs.every((r) => this.satisfied(r, c)));
  }

  private withExtras(base: Cand, extras: readonly string[]): Cand {
    if (base.release) return this.cand(base.name, extras, base.release.text, () => ({ release: base.release }));
    if (base.newer) return this.cand(base.name, extras, 'newer', () => ({ newer: base.newer }));
    return this.cand(base.name, extras, '*', () => ({ any: true }));
  }

  private found(name: string, extras: readonly string[], reqs: Extract<Req, { kind: 'spec' }>[], incompat: Set<Cand>, enough = Infinity): Cand[] {
    if (!reqs.length) return [];
    const pkg = this.pkg(name);
    const constraint = this.constraints.get(name);
    const specs: SpecifierSet[] = [...(constraint?.spec ?? []), ...reqs.map((r) => r.spec)];
    const clauses = specs.flatMap((s) => s.specifiers);
    if (!pkg.covered) {
      let set = constraint?.set ?? VersionSet.all();
      for (const r of reqs) set = set.intersect(r.set);
      if (set.isEmpty()) return [];
      const c = this.cand(name, extras, '*', () => ({ any: true }));
      return incompat.has(c) ? [] : [c];
    }
    // hasFinal counts the releases that install on this Python.
    if (!clauses.length && this.options.prereleases !== true) for (const r of pkg.releases) if (r.requiresPython !== undefined) this.readPythonRange(r.requiresPython);
    const allowPre = this.options.prereleases === true
      || (clauses.length ? clauses.some((s) => namesPrerelease(s.operator, s.version)) : !pkg.hasFinal);
    const pinned = clauses.some((s) => s.operator === '===' || (s.operator === '==' && !s.version.endsWith('.*')));
    const applicable: Release[] = [];
    // The releases the first specifier admits are remembered; the others are tested here (the same releases, in the
    // same order, as testing every one).
    const exact = exactlyPinned(pkg, clauses);
    const from = exact ? 0 : 1;
    for (const r of exact ?? admittedBy(pkg, specs[0])) {
      if (r.version.isPrerelease && !allowPre) continue;
      let admitted = true;
      for (let i = from; i < specs.length && admitted; i++) admitted = admitsRelease(specs[i], r);
      if (!admitted) continue;
      if (r.requiresPython !== undefined) this.readPythonRange(r.requiresPython);
      if (!installable(r)) continue;
      applicable.push(r);
      // Asked whether there is any (with nothing ruled out yet): a release that is a candidate whatever the others are.
      if (applicable.length >= enough && (r.yanked === undefined || pinned)) break;
    }
    const allYanked = applicable.every((r) => r.yanked !== undefined);
    const out: Cand[] = [];
    const yanked: Cand[] = [];
    for (let i = applicable.length - 1; i >= 0 && out.length < enough; i--) {
      const r = applicable[i];
      if (r.yanked !== undefined && !(allYanked && pinned)) continue;
      const c = this.cand(name, extras, r.text, () => ({ release: r }));
      if (incompat.has(c)) continue;
      (r.yanked !== undefined ? yanked : out).push(c);
    }
    out.push(...yanked);
    if (pkg.newer) {
      let set = pkg.newer;
      for (const s of specs) set = set.intersect(VersionSet.fromSpecifierSet(s));
      if (!set.isEmpty()) {
        const c = this.cand(name, extras, 'newer', () => ({ newer: pkg.newer }));
        if (!incompat.has(c)) out.push(c);
      }
    }
    return out;
  }

  // --- resolvelib's Resolution ---------------------------------------------------------------------------------

  private get top(): Level {
    return this.levels[this.levels.length - 1];
  }

  private pushNewState(): void {
    this.levels.push({ undo: [], backtrackCauses: [...this.top.backtrackCauses], steps: this.steps });
  }

  private popState(): void {
    if (this.levels.length <= this.floor) throw new Unresumable();
    undo(this.levels.pop()!.undo);
  }

  private addToCriteria(criteria: { get(k: string): Criterion | undefined; set(k: string, v: Criterion): unknown }, req: Req, parent: Cand | null): void {
    const ident = req.ident;
    const criterion = criteria.get(ident);
    const incompatibilities = criterion ? [...criterion.incompatibilities] : [];
    const reqs = [...(criterion?.information.map((i) => i.req) ?? []), req];
    const candidates = this.findMatches(ident, reqs, new Set(incompatibilities),
      (id) => id === ident ? reqs : criteria.get(id)?.information.map((i) => i.req) ?? []);
    const information = [...(criterion?.information ?? []), { req, parent }];
    const next = { candidates, information, incompatibilities };
    if (!candidates.length) throw new Conflicted(next, ident);
    criteria.set(ident, next);
  }

  /** Criterion -> the pin it was last checked against, and the answer: criteria are never changed in place (a change
   *  makes a new object), so a round re-checks only the criteria and pins that changed, not all of them. */
  private readonly pinChecks = new WeakMap<Criterion, { pin: Cand; ok: boolean }>();

  private isCurrentPinSatisfying(name: string, criterion: Criterion): boolean {
    const pin = this.mapping.live.get(name);
    if (!pin) return false;
    const memo = this.pinChecks.get(criterion);
    if (memo?.pin === pin) return memo.ok;
    const ok = criterion.information.every((i) => this.satisfied(i.req, pin));
    this.pinChecks.set(criterion, { pin, ok });
    return ok;
  }

  /** pip's `get_preference` for the criterion of `ident` (./preference.ts); notes the ident's inferred depth, as pip
   *  does, in the order pip asks. `causes`: the idents the last backtrack's causes name. */
  private preference(ident: string, criterion: Criterion, causes: ReadonlySet<string>, into: Preference): void {
    preferenceOf(ident, criterion, this.userRequested.get(ident), this.knownDepths, causes, ident === PYTHON_IDENT, into);
  }

  private readonly keys: [Preference, Preference] = [newPreference(), newPreference()];

  /** The criteria a candidate's dependencies change (as resolvelib's `_get_updated_criteria`, but only the changed
   *  entries, over the current ones: copying every criterion per candidate tried made large environments quadratic). */
  private getUpdatedCriteria(c: Cand): Map<string, Criterion> {
    const base = this.criteria;
    const updates = new Map<string, Criterion>();
    const view = { get: (k: string) => updates.get(k) ?? base.get(k), set: (k: string, v: Criterion) => updates.set(k, v) };
    for (const req of this.dependencies(c)) this.addToCriteria(view, req, c);
    return updates;
  }

  /** `changed` gets the idents of the criteria the pin changed that were there before it, `added` those it added (in
   *  the order they join the criteria). */
  private attemptToPin(name: string, changed: Set<string>, added: string[]): Criterion[] {
    const criterion = this.criteria.get(name)!;
    const causes: Criterion[] = [];
    for (const c of criterion.candidates) {
      this.tick();
      let criteria: Map<string, Criterion>;
      try {
        criteria = this.getUpdatedCriteria(c);
      } catch (e) {
        if (e instanceof Conflicted) {
          // A candidate turned down because of this package's requirements: from this round on, they steer the run.
          if (!this.firstConflict.has(e.ident)) this.firstConflict.set(e.ident, this.levels.length - 1);
          causes.push(e.criterion);
          continue;
        }
        throw e;
      }
      for (const [k, v] of criteria) {
        if (this.criteria.has(k)) changed.add(k);
        else added.push(k);
        this.criteria.set(k, v);
      }
      this.mapping.delete(name);
      this.mapping.set(name, c);
      this.top.pinned = name;
      return [];
    }
    return causes;
  }

  private backjump(causes: Info[]): boolean {
    this.forwardOnly = false;
    const incompatibleDeps = new Set<string>();
    for (const c of causes) if (c.parent) incompatibleDeps.add(c.parent.ident);
    for (const c of causes) incompatibleDeps.add(reqName(c.req));
    while (this.levels.length >= 3) {
      this.tick();
      this.popState();
      // The state to go back from (resolvelib's `broken_state`) is the top's until it is popped: the newest pin whose
      // dependencies name what failed, the states above it discarded.
      let name: string;
      let candidate: Cand;
      for (;;) {
        const last = this.levels.length ? this.mapping.lastKey() : undefined;
        if (last === undefined) throw new Impossible(causes);
        name = last;
        candidate = this.mapping.get(last)!;
        const current = this.dependencies(candidate).map((d) => d.ident);
        if (current.some((d) => incompatibleDeps.has(d))) break;
        this.popState();
      }
      const fromBroken: [string, Cand[]][] = [...this.criteria].map(([k, v]) => [k, [...v.incompatibilities]]);
      fromBroken.push([name, [candidate]]);
      this.popState();
      this.pushNewState();
      let success = true;
      for (const [k, incompatibilities] of fromBroken) {
        if (!incompatibilities.length) continue;
        const criterion = this.criteria.get(k);
        if (!criterion) continue;
        const all = [...incompatibilities, ...criterion.incompatibilities];
        const candidates = this.findMatches(k, criterion.information.map((i) => i.req), new Set(all),
          (id) => this.criteria.get(id)?.information.map((i) => i.req) ?? []);
        if (!candidates.length) { success = false; break; }
        this.criteria.set(k, { candidates, information: [...criterion.information], incompatibilities: all });
      }
      if (success) return true;
    }
    return false;
  }

  private removeInformation(parents: Set<string>): void {
    if (!parents.size) return;
    this.forwardOnly = false;
    for (const [k, c] of this.criteria) {
      this.criteria.set(k, { ...c, information: c.information.filter((i) => !i.parent || !parents.has(i.parent.ident)) });
    }
  }

  /** The roots as requirements (constraints set aside), those whose markers hold here; or why one is invalid. */
  private prepareRoots(roots: readonly RootRequirement[]): { rootReqs: SpecReq[]; rootsByName: Map<string, RootRequirement[]> } | { invalid: string } {
    const rootReqs: SpecReq[] = [];
    const rootsByName = new Map<string, RootRequirement[]>();
    const prepared: PreparedRoot[] = [];
    for (const root of roots) {
      const p = preparedRoot(root);
      if ('invalid' in p) return p;
      if (p.forcedAny) this.forcedAny.add(p.parts.name);
      prepared.push(p);
    }
    for (let i = 0; i < prepared.length; i++) {
      const p = prepared[i];
      const { root, parts: { name, marker } } = p;
      if (marker && !this.markerTrue(marker, NO_EXTRAS)) continue;
      const list = rootsByName.get(name);
      if (list) list.push(root);
      else rootsByName.set(name, [root]);
      if (root.constraint) {
        if (!p.spec) continue;
        const k = this.constraints.get(name) ?? { spec: [], set: VersionSet.all(), texts: '' };
        k.spec.push(p.spec);
        k.texts += `${root.requirement}\u0000`;
        k.set = k.set.intersect(p.set!);
        this.constraints.set(name, k);
        continue;
      }
      const req = p.req;
      if (!req) continue;
      if (!this.userRequested.has(req.ident)) this.userRequested.set(req.ident, i);
      rootReqs.push(req);
    }
    return { rootReqs, rootsByName };
  }

  /** Of the roots from the one pip stopped at on (the ones before it met candidates), those that no candidate matches
   *  on their own (with the constraints): a release that does not exist, a typo. Each would stop pip alone. Indices in
   *  `roots`. What these look-ups read is not what the conflict rests on: the Pythons alike stay those of the conflict
   *  (a caller on another Python asks them again, alone). */
  private unmatchedFrom(rest: SpecReq[], roots: readonly RootRequirement[]): number[] {
    return rest.flatMap((r) => (r.root && !this.verdict([r], 1)!.matches ? [roots.indexOf(r.root)] : []));
  }

  /** Whether any candidate matches `reqs` (an ident's roots so far, with its constraints; `enough` 1: one root alone)
   *  at the root stage, and the Pythons the look-up reads alike: kept, else looked up (this run's alike untouched)
   *  unless `budget` is spent. */
  private verdict(reqs: SpecReq[], enough: number, budget?: { fresh: number }): RootVerdict | undefined {
    const { ident } = reqs[0];
    const alone = enough === 1;
    const key = this.verdicts && this.verdictKey(reqs);
    const kept = key && this.verdicts!.get(alone, key.ident, key.texts);
    if (kept) return kept;
    if (budget && budget.fresh-- <= 0) return undefined;
    const alike = this.alike;
    this.alike = this.unread;
    const found = { matches: this.findMatches(ident, reqs, new Set(), (id) => (id === ident ? reqs : []), enough).length > 0, alike: this.alike };
    this.alike = alike;
    if (key) this.verdicts!.set(alone, key.ident, key.texts, found);
    return found;
  }

  /** Where the verdict on an ident's roots `reqs` is kept (RootVerdicts): the ident, with its constraints' texts when it
   *  has some, and the roots' texts. */
  private verdictKey(reqs: SpecReq[]): { ident: string; texts: string } {
    const { ident, name } = reqs[0];
    const constraints = this.constraints.get(name)?.texts;
    return { ident: constraints ? `${ident}\u0000${constraints}` : ident, texts: reqs.length === 1 ? reqs[0].text : reqs.map((r) => r.text).join('\u0000') };
  }

  /** Where pip's root stage stops, from the verdicts kept on this question: the first root whose ident's roots so far
   *  match no candidate, with those roots (this run's alike narrowed as the stage would). undefined when none does, or
   *  when too many look-ups are new. Exact only without URL roots: their explicit candidates are not in a key. */
  private rootStop(rootReqs: SpecReq[]): { at: number; reqs: SpecReq[] } | undefined {
    const byIdent = new Map<string, SpecReq[]>();
    const budget = { fresh: FRESH_VERDICTS };
    let alike = this.alike;
    for (let at = 0; at < rootReqs.length; at++) {
      const r = rootReqs[at];
      let reqs = byIdent.get(r.ident);
      if (!reqs) byIdent.set(r.ident, (reqs = []));
      reqs.push(r);
      const v = this.verdict(reqs, Infinity, budget);
      if (!v) return undefined;
      alike &= v.alike;
      if (!v.matches) {
        this.alike = alike;
        return { at, reqs };
      }
    }
    return undefined;
  }

  /** Adds a root to the criteria as pip's root stage does, keeping the look-up's verdict. */
  private addRoot(r: SpecReq): void {
    if (!this.verdicts || this.forcedAny.size) return this.addToCriteria(this.criteria, r, null);
    const alike = this.alike;
    this.alike = this.unread;
    let matches: boolean | undefined;
    try {
      this.addToCriteria(this.criteria, r, null);
      matches = true;
    } catch (e) {
      if (e instanceof Conflicted) matches = false;
      throw e;
    } finally {
      if (matches !== undefined) {
        const reqs = this.criteria.get(r.ident)?.information.map((i) => i.req as SpecReq) ?? [];
        const key = this.verdictKey(matches ? reqs : [...reqs, r]);
        this.verdicts.set(false, key.ident, key.texts, { matches, alike: this.alike });
      }
      this.alike &= alike;
    }
  }

  resolve(roots: readonly RootRequirement[]): PipOutcome {
    const prepared = this.prepareRoots(roots);
    if ('invalid' in prepared) return { ok: false, reason: 'invalid', message: prepared.invalid, steps: 0 };
    const { rootReqs, rootsByName } = prepared;
    try {
      this.roots = roots;
      roots.forEach((r, i) => this.rootIndex.set(r, i));
      this.levels = [{ undo: [], backtrackCauses: [], steps: 0 }];
      const stop = this.verdicts && !this.forcedAny.size ? this.rootStop(rootReqs) : undefined;
      if (stop) {
        throw new Impossible(stop.reqs.map((req) => ({ req, parent: null })), this.options.unmatched ? this.unmatchedFrom(rootReqs.slice(stop.at), roots) : [], stop.reqs[0].name);
      }
      for (const [k, r] of rootReqs.entries()) {
        try {
          this.addRoot(r);
        } catch (e) {
          if (e instanceof Conflicted) throw new Impossible(e.criterion.information, this.options.unmatched ? this.unmatchedFrom(rootReqs.slice(k), roots) : [], r.name);
          throw e;
        }
      }
      this.pushNewState();
      return this.rounds();
    } catch (e) {
      if (e instanceof Impossible) {
        return { ok: false, reason: 'conflict', causes: e.causes.map((c) => causeOf(c)), steps: this.steps, rootsByName, samePythons: pythonsOf(this.alike), unmatched: e.unmatched,
          ...(e.atRoot !== undefined ? { atRoot: e.atRoot } : {}) };
      }
      if (e instanceof OverBudget) {
        return { ok: false, reason: 'budget', message: `gave up after ${this.maxSteps} resolver steps`, steps: this.steps };
      }
      throw e;
    }
  }

  /**
   * The resolution of `roots`, which are this run's roots with the one at `index` changed, taken from this run where
   * they part: pip works through the same rounds (a preference never reads candidates) until the round that pins the
   * changed package, as long as each requirement added to it before still leaves a candidate. So the levels before
   * that round are kept, its requirement is put in, and the rounds go on from there. Only from a run that installed
   * without going back, for a root of the same package, extras, marker and kind of specifier (an `==` or not, any or
   * none, no pre-release named), and only an outcome that installs: undefined otherwise (this resolver is then spent;
   * resolve afresh). The outcome is the one `resolve(roots)` gives.
   */
  resume(roots: readonly RootRequirement[], index: number): PipOutcome | undefined {
    const before = this.roots[index];
    const after = roots[index];
    if (!this.installed || !this.forwardOnly || roots.length !== this.roots.length || !before || !after || before.constraint || after.constraint) return undefined;
    const [a, b] = [rootPartsOf(before.requirement), rootPartsOf(after.requirement)];
    if ('invalid' in a || 'invalid' in b || a.url || b.url || a.marker || b.marker) return undefined;
    // A package with extras reads its base's explicit requirements, which may have grown since: not resumed.
    if (a.extras.length || b.extras.length) return undefined;
    const ident = b.name;
    if (a.name !== ident) return undefined;
    const k = specifierKind(b.specifier);
    if (k === undefined || specifierKind(a.specifier) !== k) return undefined;
    // The round from which the changed requirement steers the run: the one that pins its package, or an earlier one
    // that turned a candidate down because of the package's requirements.
    const round = Math.min(this.levels.findIndex((l) => l.pinned === ident), this.firstConflict.get(ident) ?? Infinity);
    if (round < 1 || round < this.resumedAt) return undefined;
    const req = rootReq(b, after);
    if (!req) return undefined;
    // Spent from here on: back to the state in which that round began.
    this.installed = false;
    while (this.levels.length > round + 1) this.popState();
    this.steps = this.top.steps;
    this.popState();
    for (const [id, at] of this.firstConflict) if (at >= round) this.firstConflict.delete(id);
    const criterion = this.criteria.get(ident);
    if (!criterion || criterion.incompatibilities.length) return undefined;
    const information = criterion.information.map((i) => (i.req.kind === 'spec' && i.req.root && this.rootIndex.get(i.req.root) === index ? { req, parent: null } : i));
    if (!information.some((i) => i.req === req)) return undefined;
    // Each requirement added to the package before that round leaves a candidate (else pip met a conflict there). A
    // final release that is not yanked, an unknown newer release or "any version" among all of them is one for every
    // earlier set of them too (fewer requirements admit more); else each set is asked.
    const reqsOf = (id: string) => this.criteria.get(id)?.information.map((i) => i.req) ?? [];
    const candidates = this.findMatches(ident, information.map((i) => i.req), new Set(), reqsOf);
    if (!candidates.length) return undefined;
    if (!candidates.some((c) => c.any || c.newer || (c.release && c.release.yanked === undefined && !c.release.version.isPrerelease))) {
      for (let n = 1; n < information.length; n++) if (!this.findMatches(ident, information.slice(0, n).map((i) => i.req), new Set(), reqsOf).length) return undefined;
    }
    // Put into the level below, as if that round's state had held it all along.
    this.criteria.set(ident, { candidates, information, incompatibilities: [] });
    this.pushNewState();
    this.roots = roots;
    this.rootIndex.set(after, index);
    this.floor = round;
    this.resumedAt = round;
    try {
      const outcome = this.rounds();
      return outcome.ok ? outcome : undefined;
    } catch (e) {
      if (e instanceof Impossible || e instanceof OverBudget || e instanceof Unresumable) return undefined;
      throw e;
    }
  }

  /** resolvelib's rounds, from the state on top: pin what pip prefers of the unsatisfied requirements, backjump on
   *  a conflict, until every requirement is satisfied. */
  private rounds(): PipOutcome {
    // The unsatisfied criteria in the criteria's order (preference notes depths in the order pip asks): kept from
    // round to round, where a pin changes only its own status and that of the criteria its dependencies change or
    // add; made again from every criterion after a backjump or a pin that leaves others unsatisfied.
    let open: Set<string> | undefined;
    for (;;) {
      this.tick();
      if (!open) {
        open = new Set();
        for (const [k, c] of this.criteria) if (!this.isCurrentPinSatisfying(k, c)) open.add(k);
      }
      const causes = causeIdents(this.top.backtrackCauses);
      let best: string | undefined;
      // Two keys, the best so far and the one being read, filled in place (one per criterion per round was most
      // of a resolution's garbage).
      let bestKey = this.keys[0];
      let key = this.keys[1];
      for (const k of open) {
        this.preference(k, this.criteria.live.get(k)!, causes, key);
        if (best === undefined || compareKeys(key, bestKey) < 0) { best = k; [bestKey, key] = [key, bestKey]; }
      }
      if (best === undefined) {
        this.installed = true;
        return { ok: true, packages: this.result(), steps: this.steps };
      }
      const changed = new Set<string>();
      const added: string[] = [];
      const failures = this.attemptToPin(best, changed, added);
      if (failures.length) {
        const causes = failures.flatMap((c) => c.information);
        const success = this.backjump(causes);
        this.top.backtrackCauses.splice(0, Infinity, ...causes);
        if (!success) throw new Impossible(this.top.backtrackCauses);
        open = undefined;
      } else {
        // Pins satisfied before the pin that are not now: only a criterion the pin's dependencies changed can be one
        // (the other criteria and their pins are as they were).
        const satisfying = (k: string) => this.isCurrentPinSatisfying(k, this.criteria.live.get(k)!);
        const newly = new Set<string>();
        for (const k of changed) if (!open.has(k) && !satisfying(k)) newly.add(k);
        if (newly.size) {
          this.removeInformation(newly);
          open = undefined;
        } else {
          for (const k of changed) if (open.has(k) && satisfying(k)) open.delete(k);
          if (satisfying(best)) open.delete(best);
          for (const k of added) if (!satisfying(k)) open.add(k);
        }
        this.pushNewState();
      }
    }
  }

  /** What every requirement on a package (and its constraints) admits in the final state, as far as the snapshot
   *  describes it: for a pick it does not describe. The intersections are kept per set object, so that the same
   *  requirements give the same set, whose admitted releases are remembered (admittedOf). `byBase`: the criteria by
   *  package, made once per result (each undescribed pick asks, and walking every criterion for each was quadratic). */
  private admitted(name: string, byBase: ReadonlyMap<string, readonly Criterion[]>): AdmittedReleases {
    let set = this.constraints.get(name)?.set ?? VersionSet.all();
    for (const criterion of byBase.get(name) ?? []) {
      for (const { req } of criterion.information) if (req.kind === 'spec') set = intersectKept(set, req.set);
    }
    return admittedOf(this.pkg(name), set, this.options.prereleases === true);
  }

  private result(): Map<string, ResolvedPackage> {
    let byBase: Map<string, Criterion[]> | undefined;
    return packagesOf(this.mapping, (ident) => this.criteria.get(ident)?.information ?? [], (name) => this.pkg(name),
      (name) => this.admitted(name, (byBase ??= this.criteriaByBase())));
  }

  /** The criteria by package (base name). */
  private criteriaByBase(): Map<string, Criterion[]> {
    const byBase = new Map<string, Criterion[]>();
    for (const [ident, criterion] of this.criteria) {
      const name = baseOf(ident);
      const list = byBase.get(name);
      if (list) list.push(criterion);
      else byBase.set(name, [criterion]);
    }
    return byBase;
  }
}

function providedExtras(requiresDist: string[]): Set<string> {
  const out = new Set<string>();
  for (const r of requiresDist) {
    for (const m of r.matchAll(/\bextra\s*==\s*["']([^"']+)["']|["']([^"']+)["']\s*==\s*extra\b/g)) out.add(normalizeName(m[1] ?? m[2]));
  }
  return out;
}

export type { MarkerEnvironment };

const NO_EXTRAS: readonly string[] = [];

/** What the root stage reads of one root, whatever the question: its parts, and the requirement (or, for a constraint,
 *  the specifier and set) it makes. */
interface PreparedRoot {
  root: RootRequirement;
  parts: RootParts;
  /** A URL requirement other than a wheel (whose file name says the version): any version here. */
  forcedAny: boolean;
  req?: SpecReq;
  spec?: SpecifierSet | null;
  set?: VersionSet;
}

/** Per root object: a keystroke asks for the same roots again (the memo hands the resolver the same placeholders,
 *  ./memo.ts), and a check asks for them on several Pythons. What is kept reads the root's text only. */
const PREPARED = new WeakMap<RootRequirement, PreparedRoot | { invalid: string }>();

function preparedRoot(root: RootRequirement): PreparedRoot | { invalid: string } {
  let p = PREPARED.get(root);
  if (p) return p;
  const parts = rootPartsOf(root.requirement);
  if ('invalid' in parts) p = parts;
  else {
    const { name, extras, url } = parts;
    let specifier = parts.specifier;
    let forcedAny = false;
    if (url && !specifier) {
      const m = /\/[^/-]+-([^-/]+)(?:-\d[^-/]*)?-[^-/]+-[^-/]+-[^-/]+\.whl(?:[?#].*)?$/i.exec(url);
      let v: string | undefined;
      try { v = m ? decodeURIComponent(m[1]) : undefined; } catch { v = undefined; }
      // A wheel's own URL is the candidate pip takes, whatever the index lists: its local label (a build such as
      // torch-2.1.0+cpu.cxx11.abi, which no index page names) is that release's build, as accelerator indexes' are.
      const version = v ? parseVersion(v) : null;
      if (version) specifier = `==${version.local ? version.with({ local: undefined }) : version}`;
      else forcedAny = true;
    }
    if (root.constraint) {
      const spec = parseSpecifierSet(specifier);
      p = { root, parts, forcedAny, spec, ...(spec ? { set: VersionSet.fromSpecifierSet(spec) } : {}) };
    } else {
      const req = specifier === parts.specifier ? rootReq(parts, root) : specReq(root.requirement, name, extras, specifier, root);
      p = { root, parts, forcedAny, ...(req ? { req } : {}) };
    }
  }
  PREPARED.set(root, p);
  return p;
}
