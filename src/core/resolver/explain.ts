// Why nothing installs together: PubGrub (Natalie Weizenbaum's algorithm, as in Dart pub, pubgrub-rs and uv) run over
// the same metadata once pip's resolver has said "impossible", for its derivation tree, reported in uv's words:
// "Because torchvision==0.17.0 depends on torch==2.2.0 and you require torch>=2.3, we can conclude that
// torchvision==0.17.0 cannot be used. And because you require torchvision==0.17.0, we can conclude that your
// requirements are unsatisfiable."
//
// The verdict is pip's (pip.ts); this solver only explains it. It sees the versions pip would consider (no yanked
// releases unless pinned, pre-releases only when asked for or when nothing else exists), Requires-Python as a
// dependency on the target Python, extras as packages `name[extra]` that depend on exactly their base release.
// Packages the metadata does not cover take no part. When it cannot derive the conflict within its budget (or finds
// a solution pip missed), the message falls back to pip's list of conflicting requirements.
// Over 500 lines: unit propagation, conflict resolution and the report walk the same incompatibility store.
import { compareVersions, parseVersion, type Version } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { markerHolds, requirementOf, rootPartsOf } from './texts';
import { joinWords, normalizeName } from '../text';
import { baseOf, formatIdent, splitIdent } from './outcome';
import { describedOnly, parsedPackage, releaseIndex, safeSource, type Release } from './releases';
import { releasePython } from './pythons';
import type { Conflict, ConflictCause, MetadataSource, ResolveOptions, RootRequirement } from './types';

const ROOT = '<root>';
const PYTHON = 'Python';
const ROOT_VERSION = parseVersion('0')!;

interface Term {
  pkg: string;
  positive: boolean;
  set: VersionSet;
}

type Cause =
  | { kind: 'root' }
  | { kind: 'dependency'; roots?: RootRequirement[]; constraint?: boolean }
  | { kind: 'noVersions' }
  | { kind: 'derived'; left: Incompat; right: Incompat };

interface Incompat {
  terms: Term[];
  cause: Cause;
  id: number;
}

interface Assignment {
  pkg: string;
  term: Term;
  level: number;
  cause?: Incompat;
  decision: boolean;
}

interface PkgInfo {
  versions: Version[];
  /** Versions the metadata does not speak for (newer than the snapshot, unlisted): a requirement that allows one of
   *  them can be met by a release whose requirements are unknown, so it takes no part (pip.ts: the unknown candidate). */
  unknown?: VersionSet;
  byText: ReadonlyMap<string, Release>;
  provided: ReadonlySet<string>;
}

// Control flow, not errors (as in pip.ts): thrown once per explanation, on a keystroke's path, without the cost of a
// stack trace.
class NoSolution {
  constructor(readonly incompat: Incompat) {}
}
class Budget {}

const neg = (t: Term): Term => ({ pkg: t.pkg, positive: !t.positive, set: t.set });

function intersectTerms(a: Term, b: Term): Term {
  if (a.positive && b.positive) return { pkg: a.pkg, positive: true, set: a.set.intersect(b.set) };
  if (a.positive) return { pkg: a.pkg, positive: true, set: a.set.minus(b.set) };
  if (b.positive) return { pkg: a.pkg, positive: true, set: b.set.minus(a.set) };
  return { pkg: a.pkg, positive: false, set: a.set.union(b.set) };
}

function sameTerm(a: Term, b: Term): boolean {
  return a.positive === b.positive && a.set.equals(b.set);
}

/** `acc` (the partial solution's term for the package) satisfies `t`. */
function satisfies(acc: Term, t: Term): boolean {
  return sameTerm(intersectTerms(acc, t), acc);
}

function contradicts(acc: Term, t: Term): boolean {
  const i = intersectTerms(acc, t);
  return i.positive && i.set.isEmpty();
}

class Explainer {
  private readonly incompats: Incompat[] = [];
  private readonly byPkg = new Map<string, Incompat[]>();
  private assignments: Assignment[] = [];
  private decisions = 0;
  private readonly acc = new Map<string, Term>();
  private readonly decided = new Map<string, Version>();
  private readonly infos = new Map<string, PkgInfo | null>();
  private readonly depsAdded = new Set<string>();
  private nextId = 0;
  /** name -> versions a root requirement pins with `==` / `===`. */
  private readonly pinnedExact = new Map<string, Set<string>>();
  /** name -> the versions every root requirement on it allows (those without one: absent). */
  private readonly rootAllowed = new Map<string, VersionSet>();
  /** Root requirements left out because an unknown release may meet them (package -> those roots): they still clip the
   *  package's unknown releases, so a dependency outside them finds no version for a reason the user wrote. */
  private readonly deferredRoots = new Map<string, { ident: string; set: VersionSet; root: RootRequirement }[]>();
  private steps = 0;
  private readonly target: Version;
  /** The target Python as pip.ts keys its parsed packages. */
  private readonly python: string;

  constructor(private readonly source: MetadataSource, private readonly options: ResolveOptions, private readonly maxSteps: number) {
    this.python = releasePython(options.environment);
    this.target = parseVersion(this.python) ?? parseVersion('3')!;
  }

  private tick(): void {
    if (++this.steps > this.maxSteps) throw new Budget();
  }

  private add(terms: Term[], cause: Cause): Incompat {
    const merged = new Map<string, Term>();
    for (const t of terms) {
      const prev = merged.get(t.pkg);
      merged.set(t.pkg, prev ? intersectTerms(prev, t) : t);
    }
    const inc: Incompat = { terms: [...merged.values()], cause, id: this.nextId++ };
    this.incompats.push(inc);
    for (const t of inc.terms) {
      const list = this.byPkg.get(t.pkg) ?? [];
      list.push(inc);
      this.byPkg.set(t.pkg, list);
    }
    return inc;
  }

  // --- the packages -------------------------------------------------------------------------------------------

  /** The releases of `ident` in `set` that pip 24.1 and later ignore for their invalid metadata, ascending. */
  ignored(ident: string, set: VersionSet): Release[] {
    const info = this.info(baseOf(ident));
    return info ? [...info.byText.values()].filter((r) => r.invalidMetadata !== undefined && set.contains(r.version)) : [];
  }

  private info(ident: string): PkgInfo | null {
    const name = baseOf(ident);
    let info = this.infos.get(name);
    if (info !== undefined) return info;
    const meta = safeSource(this.source, name);
    if (!meta || !Array.isArray(meta.releases)) { this.infos.set(name, null); return null; }
    // The releases as pip.ts parsed them (shared by every resolver and explainer reading this metadata object).
    const parsed = parsedPackage(meta, name, this.python);
    const pkg = this.options.describedOnly?.includes(name) ? describedOnly(parsed) : parsed;
    const { byText, provided } = releaseIndex(pkg);
    // Yanked releases count only where a root requirement pins them exactly (PEP 592, as pip.ts).
    const pinned = this.pinnedExact.get(name);
    const versions: Version[] = [];
    const finals: Version[] = [];
    for (const r of pkg.releases) {
      if (r.yanked !== undefined && !pinned?.has(r.text)) continue;
      // pip 24.1 and later ignore a release with invalid metadata, as the resolver does (releases.ts `installable`).
      if (r.invalidMetadata !== undefined) continue;
      versions.push(r.version);
      if (!r.version.isPrerelease) finals.push(r.version);
    }
    // Versions the roots exclude are never taken, known or not: only the rest of the unknown ones take part.
    const allowed = this.rootAllowed.get(name);
    const unknown = pkg.newer && allowed ? pkg.newer.intersect(allowed) : pkg.newer;
    info = { versions: this.options.prereleases || !finals.length ? versions : finals, byText, provided, unknown: unknown?.isEmpty() ? undefined : unknown };
    this.infos.set(name, info);
    return info;
  }

  private markerTrue(text: string | undefined, extras: string[]): boolean {
    return markerHolds(text, this.options.environment, extras);
  }

  /** Dependencies of ident==v: [package, set] in metadata order (Requires-Python as a dependency on Python). */
  private readonly depCache = new Map<string, [string, VersionSet][]>();

  private deps(ident: string, v: Version): [string, VersionSet][] {
    if (ident === PYTHON) return [];
    const key = `${ident}@${v}`;
    const hit = this.depCache.get(key);
    if (hit) return hit;
    const out = this.depsUncached(ident, v);
    this.depCache.set(key, out);
    return out;
  }

  private depsUncached(ident: string, v: Version): [string, VersionSet][] {
    const info = this.info(ident)!;
    const d = info.byText.get(String(v));
    const out: [string, VersionSet][] = [];
    const extras = splitIdent(ident)[1];
    if (extras.length) out.push([baseOf(ident), VersionSet.fromSpecifierSet(`==${v}`)]);
    const valid = extras.filter((e) => info.provided.has(e));
    for (const text of d?.requiresDist ?? []) {
      const p = requirementOf(text);
      if (!p.ok || !this.markerTrue(p.value.markerText, valid)) continue;
      const name = normalizeName(p.value.name);
      if (!this.info(name)) continue; // not covered: any version, no part in the conflict
      const dep = formatIdent(name, [...new Set(p.value.extras.map(normalizeName))]);
      const set = VersionSet.fromSpecifierSet(p.value.url ? '' : p.value.specifier);
      if (this.mayBeUnknown(name, set)) continue; // an unknown release may meet it: no part either
      out.push([dep, set]);
    }
    if (!extras.length && d?.requiresPython) out.push([PYTHON, VersionSet.fromSpecifierSet(d.requiresPython)]);
    return out;
  }

  /** The set allows a version the metadata does not speak for. */
  private mayBeUnknown(ident: string, set: VersionSet): boolean {
    const unknown = this.info(ident)?.unknown;
    return !!unknown && set.intersects(unknown);
  }

  available(ident: string): Version[] {
    return this.versionsOf(ident);
  }

  private versionsOf(ident: string): Version[] {
    if (ident === PYTHON) return [this.target];
    if (ident === ROOT) return [ROOT_VERSION];
    return this.info(ident)?.versions ?? [];
  }

  /** The run of neighbouring versions around v that declare the same requirement on dep: the incompatibility's range. */
  private rangeFor(ident: string, v: Version, dep: string, set: VersionSet): VersionSet {
    const versions = this.versionsOf(ident);
    const i = versions.findIndex((x) => compareVersions(x, v) === 0);
    if (i < 0 || splitIdent(ident)[1].length) return VersionSet.fromSpecifierSet(`==${v}`);
    const same = (k: number) => this.deps(ident, versions[k]).some(([p, s]) => p === dep && s.equals(set));
    let lo = i;
    let hi = i;
    while (lo > 0 && same(lo - 1)) lo--;
    while (hi < versions.length - 1 && same(hi + 1)) hi++;
    if (lo === hi) return VersionSet.fromSpecifierSet(`==${v}`);
    return VersionSet.range(lo === 0 ? undefined : { version: versions[lo], inclusive: true },
      hi === versions.length - 1 ? undefined : { version: versions[hi + 1], inclusive: false });
  }

  // --- the solver -------------------------------------------------------------------------------------------

  solve(roots: { ident: string; set: VersionSet; root: RootRequirement; constraint: boolean }[]): Incompat | undefined {
    for (const r of roots) {
      const name = baseOf(r.ident);
      this.rootAllowed.set(name, (this.rootAllowed.get(name) ?? VersionSet.all()).intersect(r.set));
    }
    for (const r of roots) {
      const m = /^[^=<>!~;@[]+(?:\[[^\]]*\])?\s*===?\s*([^,;*\s]+)\s*(?:;|$)/.exec(r.root.requirement);
      const v = m ? parseVersion(m[1]) : null;
      if (!v) continue;
      const name = baseOf(r.ident);
      this.pinnedExact.set(name, new Set([...(this.pinnedExact.get(name) ?? []), String(v)]));
    }
    this.add([{ pkg: ROOT, positive: false, set: VersionSet.all() }], { kind: 'root' });
    this.add([{ pkg: ROOT, positive: true, set: VersionSet.all() }, { pkg: PYTHON, positive: false, set: VersionSet.fromSpecifierSet(`==${this.target}`) }], { kind: 'dependency' });
    for (const r of roots) {
      if (r.ident !== PYTHON && !this.info(r.ident)) continue;
      if (r.ident !== PYTHON && this.mayBeUnknown(r.ident, r.set)) {
        if (!r.constraint) this.deferredRoots.set(baseOf(r.ident), [...(this.deferredRoots.get(baseOf(r.ident)) ?? []), r]);
        continue;
      }
      if (r.constraint) this.add([{ pkg: ROOT, positive: true, set: VersionSet.all() }, { pkg: r.ident, positive: true, set: r.set.complement() }], { kind: 'dependency', roots: [r.root], constraint: true });
      else this.add([{ pkg: ROOT, positive: true, set: VersionSet.all() }, { pkg: r.ident, positive: false, set: r.set }], { kind: 'dependency', roots: [r.root] });
    }
    this.decide(ROOT, ROOT_VERSION);
    let next: string | undefined = ROOT;
    try {
      while (next !== undefined) {
        this.propagate(next);
        next = this.choose();
      }
    } catch (e) {
      if (e instanceof NoSolution) return e.incompat;
      if (e instanceof Budget) return undefined;
      throw e;
    }
    return undefined; // a solution: pip's verdict cannot be explained here
  }

  private assign(a: Assignment): void {
    this.assignments.push(a);
    const prev = this.acc.get(a.pkg);
    this.acc.set(a.pkg, prev ? intersectTerms(prev, a.term) : a.term);
    if (a.decision) this.decided.set(a.pkg, a.term.set.lowerBound()!.version);
  }

  private decide(pkg: string, v: Version): void {
    this.decisions++;
    const set = VersionSet.range({ version: v, inclusive: true }, { version: v, inclusive: true });
    this.assign({ pkg, term: { pkg, positive: true, set }, level: this.decisions, decision: true });
  }

  private relation(inc: Incompat): { kind: 'satisfied' } | { kind: 'contradicted' } | { kind: 'almost'; term: Term } | { kind: 'inconclusive' } {
    let unsatisfied: Term | undefined;
    for (const t of inc.terms) {
      const a = this.acc.get(t.pkg);
      if (!a) {
        if (unsatisfied) return { kind: 'inconclusive' };
        unsatisfied = t;
        continue;
      }
      if (contradicts(a, t)) return { kind: 'contradicted' };
      if (satisfies(a, t)) continue;
      if (unsatisfied) return { kind: 'inconclusive' };
      unsatisfied = t;
    }
    return unsatisfied ? { kind: 'almost', term: unsatisfied } : { kind: 'satisfied' };
  }

  private propagate(start: string): void {
    const changed = [start];
    while (changed.length) {
      const pkg = changed.pop()!;
      const list = this.byPkg.get(pkg) ?? [];
      for (let i = list.length - 1; i >= 0; i--) {
        this.tick();
        const inc = list[i];
        const rel = this.relation(inc);
        if (rel.kind === 'satisfied') {
          const root = this.resolveConflict(inc);
          const r2 = this.relation(root);
          if (r2.kind !== 'almost') throw new NoSolution(root);
          this.assign({ pkg: r2.term.pkg, term: neg(r2.term), level: this.decisions, cause: root, decision: false });
          changed.length = 0;
          changed.push(r2.term.pkg);
          break;
        }
        if (rel.kind === 'almost') {
          this.assign({ pkg: rel.term.pkg, term: neg(rel.term), level: this.decisions, cause: inc, decision: false });
          changed.push(rel.term.pkg);
        }
      }
    }
  }

  private isTerminal(inc: Incompat): boolean {
    return inc.terms.length === 0 || (inc.terms.length === 1 && inc.terms[0].pkg === ROOT && inc.terms[0].positive);
  }

  private resolveConflict(start: Incompat): Incompat {
    let inc = start;
    for (;;) {
      this.tick();
      if (this.isTerminal(inc)) throw new NoSolution(inc);
      // The satisfier: the earliest assignment by which the partial solution satisfies inc.
      const terms = new Map(inc.terms.map((t) => [t.pkg, t]));
      const acc = new Map<string, Term>();
      const satisfiedAt = new Map<string, number>();
      let satisfierIdx = -1;
      for (let i = 0; i < this.assignments.length; i++) {
        const a = this.assignments[i];
        const t = terms.get(a.pkg);
        if (!t || satisfiedAt.has(a.pkg)) continue;
        const prev = acc.get(a.pkg);
        const next = prev ? intersectTerms(prev, a.term) : a.term;
        acc.set(a.pkg, next);
        if (satisfies(next, t)) {
          satisfiedAt.set(a.pkg, i);
          if (satisfiedAt.size === terms.size) { satisfierIdx = i; break; }
        }
      }
      if (satisfierIdx < 0) throw new NoSolution(inc); // cannot happen for a satisfied incompatibility
      const satisfier = this.assignments[satisfierIdx];
      const term = terms.get(satisfier.pkg)!;
      // The previous satisfier: the earliest assignment before it that, with the satisfier, satisfies inc.
      let previousLevel = 1;
      const acc2 = new Map<string, Term>();
      const withSatisfier = (pkg: string, t: Term | undefined) => (pkg === satisfier.pkg ? (t ? intersectTerms(t, satisfier.term) : satisfier.term) : t);
      const allSatisfied = () => [...terms.values()].every((t) => {
        const a = withSatisfier(t.pkg, acc2.get(t.pkg));
        return a !== undefined && satisfies(a, t);
      });
      if (!allSatisfied()) {
        for (let i = 0; i < satisfierIdx; i++) {
          const a = this.assignments[i];
          if (!terms.has(a.pkg)) continue;
          const prev = acc2.get(a.pkg);
          acc2.set(a.pkg, prev ? intersectTerms(prev, a.term) : a.term);
          if (allSatisfied()) { previousLevel = Math.max(1, a.level); break; }
        }
      }
      if (satisfier.decision || previousLevel !== satisfier.level) {
        // A learned incompatibility joins the others, so propagation uses it from now on.
        const learned = inc === start ? inc : this.add(inc.terms, inc.cause);
        this.backtrack(previousLevel);
        return learned;
      }
      const cause = satisfier.cause!;
      const newTerms: Term[] = [...inc.terms.filter((t) => t.pkg !== satisfier.pkg), ...cause.terms.filter((t) => t.pkg !== satisfier.pkg)];
      if (!satisfies(satisfier.term, term)) {
        // not (satisfier and not term)
        newTerms.push(neg(intersectTerms(satisfier.term, neg(term))));
      }
      inc = { terms: mergeTerms(newTerms), cause: { kind: 'derived', left: inc, right: cause }, id: -1 };
    }
  }

  private backtrack(level: number): void {
    const kept = this.assignments.filter((a) => a.level <= level);
    this.assignments = [];
    this.acc.clear();
    this.decided.clear();
    this.decisions = level;
    for (const a of kept) this.assign(a);
  }

  private choose(): string | undefined {
    let best: string | undefined;
    let versions: Version[] = [];
    for (const [pkg, term] of this.acc) {
      if (!term.positive || this.decided.has(pkg)) continue;
      const admitted = this.versionsOf(pkg).filter((v) => term.set.contains(v));
      if (best === undefined || admitted.length < versions.length) { best = pkg; versions = admitted; }
    }
    if (best === undefined) return undefined;
    const term = this.acc.get(best)!;
    if (!versions.length) {
      // triton==2.0.0 asked for next to the user's triton==2.1.0, whose listing starts later: the user's pin is the reason.
      const deferred = this.deferredRoots.get(baseOf(best))?.filter((r) => r.ident === best && !term.set.intersect(r.set.complement()).isEmpty());
      if (deferred?.length) {
        this.deferredRoots.delete(baseOf(best));
        for (const r of deferred) this.add([{ pkg: ROOT, positive: true, set: VersionSet.all() }, { pkg: r.ident, positive: false, set: r.set }], { kind: 'dependency', roots: [r.root] });
        return best;
      }
      this.add([{ pkg: best, positive: true, set: term.set }], { kind: 'noVersions' });
      return best;
    }
    const v = versions[versions.length - 1];
    const key = `${best}@${v}`;
    if (!this.depsAdded.has(key)) {
      this.depsAdded.add(key);
      for (const [dep, set] of this.deps(best, v)) {
        const range = this.rangeFor(best, v, dep, set);
        this.add([{ pkg: best, positive: true, set: range }, { pkg: dep, positive: false, set }], { kind: 'dependency' });
      }
    }
    this.decide(best, v);
    return best;
  }
}

function mergeTerms(terms: Term[]): Term[] {
  const m = new Map<string, Term>();
  for (const t of terms) {
    const prev = m.get(t.pkg);
    m.set(t.pkg, prev ? intersectTerms(prev, t) : t);
  }
  // A negative term on nothing (not in the empty set) always holds: it adds nothing.
  return [...m.values()].filter((t) => t.positive || !t.set.isEmpty());
}

// --- reporting ---------------------------------------------------------------------------------------------------

let displayVersions: (pkg: string) => Version[] = () => [];

/** The set as uv shows it: each run of available versions it holds as one range (`torchvision==0.16.0`, `>=0.18.0`). */
function simplify(pkg: string, set: VersionSet): VersionSet {
  if (pkg === PYTHON || pkg === ROOT) return set;
  const versions = displayVersions(pkg);
  const inside = versions.map((v) => set.contains(v));
  if (!inside.some(Boolean)) return set;
  let out = VersionSet.empty();
  for (let i = 0; i < versions.length; i++) {
    if (!inside[i]) continue;
    let j = i;
    while (j + 1 < versions.length && inside[j + 1]) j++;
    const whole = i === j
      ? VersionSet.fromSpecifierSet(`==${versions[i]}`)
      : VersionSet.range(i === 0 && set.intersects(VersionSet.range(undefined, { version: versions[0], inclusive: false })) ? undefined : { version: versions[i], inclusive: true },
        j === versions.length - 1 ? undefined : { version: versions[j + 1], inclusive: false });
    out = out.union(i === j && j === versions.length - 1 && i > 0 ? VersionSet.range({ version: versions[i], inclusive: true }) : whole);
    i = j;
  }
  return out;
}

/** `raw`: as declared (a dependency's own range), not simplified to the versions that exist. */
function setText(pkg: string, given: VersionSet, raw = false): string {
  const set = raw ? given : simplify(pkg, given);
  if (pkg === PYTHON && set.isAll()) return 'Python';
  if (set.isAll()) return `any version of ${pkg}`;
  const text = set.toString();
  return `${pkg}${text.replace(/, /g, ',').replace(/ or /g, ' | ')}`;
}

/** A positive term names what is ruled out; a negative one what is required (`depends on`, `you require`). */
function termText(t: Term): string {
  return setText(t.pkg, t.set);
}

class Reporter {
  private readonly lines: string[] = [];
  private readonly numbers = new Map<Incompat, number>();
  private readonly counts = new Map<Incompat, number>();
  private readonly roots: RootRequirement[] = [];
  readonly packages: string[] = [];

  /** `ignored`: the releases of a package in a set that pip passes over for their invalid metadata (Explainer.ignored). */
  constructor(private readonly target: string, private readonly ignored: (ident: string, set: VersionSet) => Release[]) {}

  report(start: Incompat): { message: string; roots: RootRequirement[] } {
    const root = collapse(start);
    this.count(root);
    this.visit(root, true);
    return { message: this.lines.join('\n'), roots: this.roots };
  }

  private count(inc: Incompat): void {
    const n = (this.counts.get(inc) ?? 0) + 1;
    this.counts.set(inc, n);
    if (n > 1) return;
    if (inc.cause.kind === 'derived') { this.count(inc.cause.left); this.count(inc.cause.right); }
  }

  private noteExternal(inc: Incompat): void {
    for (const t of inc.terms) {
      const name = baseOf(t.pkg);
      if (t.pkg !== ROOT && t.pkg !== PYTHON && !this.packages.includes(name)) this.packages.push(name);
    }
    if (inc.cause.kind === 'dependency') for (const r of inc.cause.roots ?? []) if (!this.roots.includes(r)) this.roots.push(r);
  }

  private external(inc: Incompat): string {
    this.noteExternal(inc);
    const root = inc.terms.find((t) => t.pkg === ROOT);
    const others = inc.terms.filter((t) => t.pkg !== ROOT);
    if (inc.cause.kind === 'noVersions') {
      const t = inc.terms[0];
      return `there is no version of ${setText(t.pkg, t.set)}${this.ignoredFor(t.pkg, t.set)}`;
    }
    if (inc.cause.kind === 'dependency' && root && others.length === 1) {
      const t = others[0];
      if (t.pkg === PYTHON) return `the target is Python ${this.target}`;
      const where = inc.cause.roots?.[0]?.origin;
      const at = where?.path ? ` (${where.path}${where.line !== undefined ? `:${where.line + 1}` : ''})` : '';
      const written = inc.cause.roots?.[0] ? rootText(inc.cause.roots[0].requirement) : undefined;
      if (inc.cause.constraint) return `your constraints require ${written ?? setText(t.pkg, t.set.complement())}${at}`;
      return `you require ${written ?? termText(t)}${at}`;
    }
    if (inc.cause.kind === 'dependency' && others.length === 2) {
      const [p, q] = others;
      const lhs = p.set.isAll() ? `all versions of ${p.pkg}` : setText(p.pkg, p.set);
      return `${lhs} ${p.set.isAll() ? 'depend on' : 'depends on'} ${setText(q.pkg, q.set, true)}`;
    }
    return this.conclusion(inc);
  }

  /** Why releases that exist are no version here: pip 24.1 and later ignore those whose metadata is invalid. */
  private ignoredFor(ident: string, set: VersionSet): string {
    const ignored = this.ignored(ident, set);
    if (!ignored.length) return '';
    const versions = ignored.length > 3 ? `${ignored[0].text}–${ignored[ignored.length - 1].text}` : joinWords(ignored.map((r) => r.text));
    return ` that pip 24.1 or later installs (it ignores ${baseOf(ident)} ${versions}: invalid metadata, "${ignored[0].invalidMetadata}")`;
  }

  private conclusion(inc: Incompat): string {
    const terms = inc.terms.filter((t) => !(t.pkg === ROOT && t.positive));
    if (!terms.length) return 'your requirements are unsatisfiable';
    if (terms.length === 1) {
      const t = terms[0];
      return t.positive ? `${setText(t.pkg, t.set)} cannot be used` : `${termText(t)} is required`;
    }
    if (terms.length === 2) {
      const pos = terms.filter((t) => t.positive);
      const negs = terms.filter((t) => !t.positive);
      if (pos.length === 1 && negs.length === 1) return `${setText(pos[0].pkg, pos[0].set)} depends on ${termText(negs[0])}`;
      if (pos.length === 2) return `${setText(pos[0].pkg, pos[0].set)} and ${setText(pos[1].pkg, pos[1].set)} are incompatible`;
    }
    return `${terms.map((t) => (t.positive ? termText(t) : `not ${termText(t)}`)).join(', ')} cannot all hold`;
  }

  private describe(inc: Incompat): string {
    return inc.cause.kind === 'derived' ? this.conclusion(inc) : this.external(inc);
  }

  private line(text: string, inc: Incompat): void {
    let suffix = '';
    if ((this.counts.get(inc) ?? 0) > 1 && !this.numbers.has(inc)) {
      this.numbers.set(inc, this.numbers.size + 1);
      suffix = ` (${this.numbers.get(inc)})`;
    }
    this.lines.push(text + suffix);
  }

  private ref(inc: Incompat): string {
    const n = this.numbers.get(inc);
    return n ? ` (${n})` : '';
  }

  private visit(inc: Incompat, conclusion = false): void {
    if (inc.cause.kind !== 'derived') { this.line(`Because ${this.external(inc)}, we can conclude that ${this.conclusion(inc)}.`, inc); return; }
    const what = conclusion ? 'your requirements are unsatisfiable' : this.conclusion(inc);
    const { left, right } = inc.cause;
    const ld = left.cause.kind === 'derived';
    const rd = right.cause.kind === 'derived';
    if (ld && rd) {
      const ln = this.numbers.get(left);
      const rn = this.numbers.get(right);
      if (ln && rn) this.line(`Because ${this.describe(left)}${this.ref(left)} and ${this.describe(right)}${this.ref(right)}, we can conclude that ${what}.`, inc);
      else if (ln || rn) {
        const [withN, without] = ln ? [left, right] : [right, left];
        this.visit(without);
        this.line(`And because ${this.describe(withN)}${this.ref(withN)}, we can conclude that ${what}.`, inc);
      } else {
        this.visit(left);
        if (!this.numbers.has(left)) this.numbers.set(left, this.numbers.size + 1), (this.lines[this.lines.length - 1] += ` (${this.numbers.get(left)})`);
        this.visit(right);
        this.line(`And because ${this.describe(left)}${this.ref(left)}, we can conclude that ${what}.`, inc);
      }
      return;
    }
    if (ld || rd) {
      const [derived, ext] = ld ? [left, right] : [right, left];
      if (this.numbers.has(derived)) {
        this.line(`Because ${this.external(ext)} and ${this.describe(derived)}${this.ref(derived)}, we can conclude that ${what}.`, inc);
        return;
      }
      const dc = derived.cause as Extract<Cause, { kind: 'derived' }>;
      const dl = dc.left.cause.kind === 'derived';
      const dr = dc.right.cause.kind === 'derived';
      if (dl !== dr && (this.counts.get(derived) ?? 0) <= 1) {
        const [pd, pe] = dl ? [dc.left, dc.right] : [dc.right, dc.left];
        if (!this.numbers.has(pd)) {
          this.visit(pd);
          this.line(`And because ${this.external(pe)} and ${this.external(ext)}, we can conclude that ${what}.`, inc);
          return;
        }
      }
      this.visit(derived);
      this.line(`And because ${this.external(ext)}, we can conclude that ${what}.`, inc);
      return;
    }
    this.line(`Because ${this.external(left)} and ${this.external(right)}, we can conclude that ${what}.`, inc);
  }
}

/** A root requirement as the user wrote it, without its marker: `torch>=2.3`, `diffusers[torch]>=0.21`. */
function rootText(requirement: string): string | undefined {
  const p = requirementOf(requirement);
  if (!p.ok || p.value.url) return undefined;
  const extras = p.value.extras.length ? `[${p.value.extras.join(',')}]` : '';
  return `${p.value.name}${extras}${p.value.specifier}`;
}

/** A derivation step that only rules out versions that do not exist says nothing: show the other side instead. */
function collapse(inc: Incompat, seen = new Map<Incompat, Incompat>()): Incompat {
  const hit = seen.get(inc);
  if (hit) return hit;
  let out = inc;
  if (inc.cause.kind === 'derived') {
    const { left, right } = inc.cause;
    // "No version of torchvision<0.18,!=0.16.0,!=0.17.0" only trims a range to the versions that exist: when the
    // conclusion then reads exactly as the other side, that side is the step. ("No version of b>=2" is a real reason.)
    const empty = (x: Incompat) => x.cause.kind === 'noVersions' && !displayVersions(x.terms[0].pkg).some((v) => x.terms[0].set.contains(v));
    const reads = (x: Incompat) => x.terms.map((t) => `${t.positive}${termText(t)}`).sort().join('\u0000');
    if (empty(left) && inc.terms.length > 0 && reads(inc) === reads(right)) out = collapse(right, seen);
    else if (empty(right) && inc.terms.length > 0 && reads(inc) === reads(left)) out = collapse(left, seen);
    else {
      const l = collapse(left, seen);
      const r = collapse(right, seen);
      out = l === left && r === right ? inc : { ...inc, cause: { kind: 'derived', left: l, right: r } };
    }
  }
  seen.set(inc, out);
  return out;
}

/** pip's own summary of the conflict: the fallback message. */
function causesText(causes: ConflictCause[]): string {
  const lines = causes.map((c) => {
    const at = c.origin?.path ? ` (${c.origin.path}${c.origin.line !== undefined ? `:${c.origin.line + 1}` : ''})` : '';
    return c.parent ? `${c.parent.name}==${c.parent.version} depends on ${c.requirement}` : `you require ${c.requirement}${at}`;
  });
  return `These requirements cannot be installed together: ${lines.join('; ')}.`;
}

/** The conflict pip's resolver found, explained. `atRoot`: pip stopped while adding the roots, at this package (its
 *  root requirements alone admit nothing): only they are explained, not the whole set (on a keystroke, a typo's
 *  explanation read every other root's releases). */
export function explainConflict(roots: readonly RootRequirement[], source: MetadataSource, options: ResolveOptions, causes: ConflictCause[],
  rootsByName: Map<string, RootRequirement[]>, atRoot?: string): Conflict {
  const prepared: { ident: string; set: VersionSet; root: RootRequirement; constraint: boolean }[] = [];
  for (const root of roots) {
    const parts = rootPartsOf(root.requirement);
    if ('invalid' in parts) continue;
    const { name } = parts;
    if (atRoot !== undefined && name !== atRoot) continue;
    if (!rootsByName.get(name)?.includes(root)) continue; // its marker excluded it
    prepared.push({ ident: root.constraint ? name : parts.ident, set: VersionSet.fromSpecifierSet(parts.url ? '' : parts.specifier), root, constraint: root.constraint === true });
  }
  const explainer = new Explainer(source, options, Math.max(2000, (options.maxSteps ?? 20000)));
  let incompat: Incompat | undefined;
  try { incompat = explainer.solve(prepared); } catch { incompat = undefined; }
  const causePackages = [...new Set(causes.map((c) => c.package).concat(causes.flatMap((c) => (c.parent ? [baseOf(c.parent.name)] : []))))]
    .filter((p) => p !== 'python');
  const causeRoots = roots.filter((r) => causes.some((c) => c.origin && c.origin === r.origin));
  if (!incompat) return { message: causesText(causes), packages: causePackages, roots: causeRoots, causes };
  displayVersions = (pkg) => explainer.available(pkg);
  const reporter = new Reporter(releasePython(options.environment), (ident, set) => explainer.ignored(ident, set));
  const { message, roots: used } = reporter.report(incompat);
  const packages = [...reporter.packages];
  for (const p of causePackages) if (!packages.includes(p)) packages.push(p);
  return { message, packages, roots: used, causes, speaksOf: packagesIn(incompat) };
}

/** The packages (base names) every incompatibility of a derivation speaks of, but the root and Python: the facts it
 *  rests on are facts about these alone (their releases, what those declare, the roots on them). */
function packagesIn(top: Incompat): string[] {
  const names = new Set<string>();
  const seen = new Set<Incompat>();
  const stack = [top];
  while (stack.length) {
    const inc = stack.pop()!;
    if (seen.has(inc)) continue;
    seen.add(inc);
    for (const t of inc.terms) if (t.pkg !== ROOT && t.pkg !== PYTHON) names.add(baseOf(t.pkg));
    if (inc.cause.kind === 'derived') stack.push(inc.cause.left, inc.cause.right);
  }
  return [...names];
}
