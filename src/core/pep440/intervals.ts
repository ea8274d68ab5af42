// Specifier sets as unions of disjoint, sorted version intervals, with exact set algebra.
//
// Representation. PEP 440 versions are totally ordered (see version.ts). A *cut* splits that order into a
// lower part and an upper part; an interval is "above cut `lo`, below cut `hi`" (either may be missing:
// unbounded). Three kinds of cut are enough to model every specifier exactly:
//
//   Before(x)      just below x:                      lower part = { v < x }
//   After(x)       just above x (and only x):         lower part = { v <= x }
//   AfterPosts(V)  above V, V+local and every V.postN  (V a final release without local/post/dev)
//
// The cut "after every V+local" (the top of `<=V` and `==V`) is not a separate kind: it always equals
// Before(s) with s the least version above V's locals (V.dev(N+1), or V.post(N+1 or 0).dev0). Likewise
// AfterPosts of an a/b/rc release V is Before(V with the next pre-release number, .dev0), and Before(0.dev0)
// (the smallest version) is "unbounded below". With those rewrites the cuts are canonical: two different
// cuts always have some version between them (locals and release segments can always be extended), so
// an interval with lo < hi is never empty, and sets compare, merge and complement exactly.
//
// Specifiers map to intervals with packaging's rules (specifier.ts), as the versions they *mathematically*
// admit, i.e. `contains(v, {prereleases: true})`: the pre-release policy ("no pre-releases unless...")
// is a selection rule and is applied only by `newestAdmitted`.
// Over 500 lines: the cut kinds, their order and the set operations are one algebra; split apart, each half would
// need the other's invariants.
//   >=V -> [Before V, +inf)      <=V -> (-inf, Before succLocal(V))     <V -> (-inf, Before V.dev0)
//   >V  -> (AfterPosts V, +inf)  (Before V.dev(N+1) / V.post(N+1).dev0 for a dev / post V)
//   ==V -> [Before V, Before succLocal(V)); ==V+l -> [Before V+l, After V+l]; ==P.* -> [P.dev0, next(P).dev0)
//   ~=V -> [Before V, Before next(prefix).dev0); != is the complement of ==.
//   ===S is a string match and is modeled as the point of S's version (so it also admits 1.0.0 for
//   `===1.0`); when S is not a version it is modeled as every version. Both over-approximate: sound for
//   "can these requirements conflict" (no false conflicts), never an under-approximation.

import { BoundedCache, Version, compareVersions, toVersion } from './version';
import { Specifier, SpecifierSet, nextPrefixDev0, parseSpecifierSet } from './specifier';
import { keptPer } from '../kept';

const enum CutKind {
  Before = 0,
  After = 1,
  AfterPosts = 2,
}

interface Cut {
  readonly kind: CutKind;
  readonly v: Version;
}

/** Versions strictly above `lo` and below `hi`; a missing cut is unbounded. Never empty once built. */
interface Interval {
  readonly lo?: Cut;
  readonly hi?: Cut;
}

/** One end of an interval for display: PEP 440 reading, e.g. {2.0, inclusive: false} as an upper end is `<2.0`. */
export interface VersionBound {
  version: Version;
  inclusive: boolean;
}

export interface DisplayInterval {
  lower?: VersionBound;
  upper?: VersionBound;
}

const MIN_VERSION = Version.from({ release: [0], dev: 0 });

// --- cuts ----------------------------------------------------------------------------------------------

function before(v: Version): Cut {
  return { kind: CutKind.Before, v };
}

function after(v: Version): Cut {
  return { kind: CutKind.After, v };
}

/** The least version above V and all its V+local versions. */
function succLocal(v: Version): Version {
  if (v.dev !== undefined) return v.with({ dev: v.dev + 1, local: undefined });
  return v.with({ post: (v.post ?? -1) + 1, dev: 0, local: undefined });
}

/** The cut above V, V+local and (for a final or a/b/rc V) all of V's post-releases, in canonical form. */
function afterPosts(v: Version): Cut {
  if (v.dev !== undefined || v.post !== undefined) return before(succLocal(v));
  if (v.pre) return before(v.with({ pre: [v.pre[0], v.pre[1] + 1], dev: 0, local: undefined }));
  return { kind: CutKind.AfterPosts, v: v.local ? v.with({ local: undefined }) : v };
}

/** Whether v lies in the lower part of the cut. */
function isBelow(v: Version, c: Cut): boolean {
  switch (c.kind) {
    case CutKind.Before:
      return compareVersions(v, c.v) < 0;
    case CutKind.After:
      return compareVersions(v, c.v) <= 0;
    case CutKind.AfterPosts:
      // V's post-releases (V.postN, V.postN.devM, with locals); pre-releases of V are already below V.
      return Version.comparePublic(v, c.v) <= 0 || (Version.sameRelease(v, c.v) && v.post !== undefined);
  }
}

/** Orders cuts by their lower parts (inclusion). Equal only for the same canonical cut. */
function compareCuts(a: Cut, b: Cut): number {
  if (a.kind === CutKind.AfterPosts && b.kind === CutKind.AfterPosts) return compareVersions(a.v, b.v);
  // A point cut sits next to its version; that version is either inside AfterPosts' lower part or above it.
  if (a.kind === CutKind.AfterPosts) return isBelow(b.v, a) ? 1 : -1;
  if (b.kind === CutKind.AfterPosts) return isBelow(a.v, b) ? -1 : 1;
  return compareVersions(a.v, b.v) || a.kind - b.kind;
}

function sameCut(a: Cut | undefined, b: Cut | undefined): boolean {
  if (!a || !b) return a === b;
  return compareCuts(a, b) === 0;
}

/** Lower cuts: undefined = -inf, which sorts first. */
function compareLower(a: Cut | undefined, b: Cut | undefined): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  return compareCuts(a, b);
}

/** Upper cuts: undefined = +inf, which sorts last. */
function compareUpper(a: Cut | undefined, b: Cut | undefined): number {
  if (!a) return b ? 1 : 0;
  if (!b) return -1;
  return compareCuts(a, b);
}

/** Builds an interval, or null when it holds no version. */
function interval(lo: Cut | undefined, hi: Cut | undefined): Interval | null {
  lo = lowerOrNone(lo);
  if (!holdsBetween(lo, hi)) return null;
  return lo ? (hi ? { lo, hi } : { lo }) : hi ? { hi } : {};
}

/** A lower cut below the least version is no bound at all (-inf). */
function lowerOrNone(lo: Cut | undefined): Cut | undefined {
  return lo && lo.kind === CutKind.Before && compareVersions(lo.v, MIN_VERSION) === 0 ? undefined : lo;
}

/** Whether a version lies between the cuts (`lo` already through lowerOrNone). */
function holdsBetween(lo: Cut | undefined, hi: Cut | undefined): boolean {
  if (lo && hi && compareCuts(lo, hi) >= 0) return false;
  return !(!lo && hi && hi.kind === CutKind.Before && compareVersions(hi.v, MIN_VERSION) <= 0);
}

// --- interval lists (sorted, disjoint, not touching) ---------------------------------------------------

function fromParts(parts: (Interval | null)[]): Interval[] {
  return normalize(parts.filter((p): p is Interval => p !== null));
}

/** Sorts and merges overlapping or touching intervals. */
function normalize(parts: Interval[]): Interval[] {
  if (parts.length < 2) return parts;
  return coalesce([...parts].sort((a, b) => compareLower(a.lo, b.lo)));
}

/** The union of two interval lists, each sorted and disjoint: merged in one pass (a sort of the two together took most
 *  of deriving a package's facts, which unions a set per release), in the order the sort gives (`a`'s first on a tie). */
function unionLists(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const merged: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) merged.push(compareLower(a[i].lo, b[j].lo) <= 0 ? a[i++] : b[j++]);
  while (i < a.length) merged.push(a[i++]);
  while (j < b.length) merged.push(b[j++]);
  return coalesce(merged);
}

/** Merges overlapping or touching intervals of a list sorted by lower cut. */
function coalesce(sorted: Interval[]): Interval[] {
  const out: Interval[] = [sorted[0]];
  for (let i = 1; i < sorted.length; i++) {
    const last = out[out.length - 1];
    const next = sorted[i];
    // Touching cuts (next.lo == last.hi) leave no version between them, so they merge too.
    if (!last.hi || !next.lo || compareCuts(next.lo, last.hi) <= 0) {
      const hi = compareUpper(last.hi, next.hi) >= 0 ? last.hi : next.hi;
      out[out.length - 1] = interval(last.lo, hi) as Interval;
    } else {
      out.push(next);
    }
  }
  return out;
}

function intersectLists(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = compareLower(a[i].lo, b[j].lo) >= 0 ? a[i].lo : b[j].lo;
    const hi = compareUpper(a[i].hi, b[j].hi) <= 0 ? a[i].hi : b[j].hi;
    const part = interval(lo, hi);
    if (part) out.push(part);
    if (compareUpper(a[i].hi, b[j].hi) < 0) i++;
    else j++;
  }
  return out;
}

/** Whether intersectLists(a, b) would hold an interval, without building it: the evaluation asks this of hundreds of
 *  release rows per pin. */
function listsMeet(a: readonly Interval[], b: readonly Interval[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = lowerOrNone(compareLower(a[i].lo, b[j].lo) >= 0 ? a[i].lo : b[j].lo);
    const hi = compareUpper(a[i].hi, b[j].hi) <= 0 ? a[i].hi : b[j].hi;
    if (holdsBetween(lo, hi)) return true;
    if (compareUpper(a[i].hi, b[j].hi) < 0) i++;
    else j++;
  }
  return false;
}

function complementList(parts: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let gapStart: Cut | undefined; // undefined: the first gap starts at -inf
  for (const p of parts) {
    const gap = p.lo ? interval(gapStart, p.lo) : null;
    if (gap) out.push(gap);
    if (!p.hi) return out;
    gapStart = p.hi;
  }
  const last = interval(gapStart, undefined);
  if (last) out.push(last);
  return out;
}

// --- specifiers to intervals ---------------------------------------------------------------------------

function specifierIntervals(s: Specifier): Interval[] {
  const v = s.parsed;
  if (s.operator === '===') return v ? fromParts([interval(before(v), after(v))]) : [{}];
  if (!v) return [{}]; // cannot happen for a parsed specifier; stay permissive
  if (s.isWildcard) {
    const eq = interval(before(v.with({ pre: undefined, post: undefined, dev: 0, local: undefined })), before(nextPrefixDev0(v.release, v.epoch)));
    return s.operator === '==' ? fromParts([eq]) : complementList(fromParts([eq]));
  }
  switch (s.operator) {
    case '>=':
      return fromParts([interval(before(v), undefined)]);
    case '<=':
      return fromParts([interval(undefined, before(succLocal(v)))]);
    case '>':
      return fromParts([interval(afterPosts(v), undefined)]);
    case '<':
      return fromParts([interval(undefined, before(v.isPrerelease ? v : v.with({ dev: 0, local: undefined })))]);
    case '~=':
      return fromParts([interval(before(v), before(nextPrefixDev0(v.release.slice(0, -1), v.epoch)))]);
    case '==':
    case '!=': {
      const eq = fromParts([interval(before(v), v.local ? after(v) : before(succLocal(v)))]);
      return s.operator === '==' ? eq : complementList(eq);
    }
  }
}

// --- display -------------------------------------------------------------------------------------------

/**
 * PEP 440 reading of a lower cut: `>=x` for Before(x), `>V` for AfterPosts(V) (exact), and `>x` for After(x)
 * (approximate: `>x` would also skip x's post-releases). Before(1.0a2.dev0) and Before(1.0.post2.dev0) read
 * as `>1.0a1` / `>1.0.post1`, which is what `>` means for those versions.
 */
function lowerBoundOf(c: Cut): VersionBound {
  const v = c.v;
  if (c.kind !== CutKind.Before) return { version: v, inclusive: false };
  if (v.dev === 0 && !v.local) {
    if (v.post === undefined && v.pre && v.pre[1] > 0) {
      return { version: v.with({ pre: [v.pre[0], v.pre[1] - 1], dev: undefined }), inclusive: false };
    }
    if (v.post !== undefined && v.post > 0) return { version: v.with({ post: v.post - 1, dev: undefined }), inclusive: false };
  }
  return { version: v, inclusive: true };
}

/**
 * PEP 440 reading of an upper cut, chosen so that the specifier `<x` / `<=x` describes the same cut
 * whenever one does: Before(1.0.post0.dev0) is `<=1.0`, Before(2.0.dev0) is `<2.0`, Before(2.0rc1) is `<2.0rc1`.
 * Approximate cases (no specifier is exact): Before(final x) reads `<x` although it admits x's pre-releases;
 * After(x) reads `<=x` although it excludes x's locals; AfterPosts(V) reads `<=V` although it admits V.postN.
 */
function upperBoundOf(c: Cut): VersionBound {
  const v = c.v;
  if (c.kind !== CutKind.Before) return { version: v, inclusive: true };
  if (!v.local && v.dev === 0) {
    if (v.post === 0) return { version: v.with({ post: undefined, dev: undefined }), inclusive: true };
    if (!v.pre) return { version: v.with({ dev: undefined }), inclusive: false };
  }
  return { version: v, inclusive: false };
}

function boundText(b: VersionBound, side: 'lower' | 'upper'): string {
  const op = side === 'lower' ? (b.inclusive ? '>=' : '>') : b.inclusive ? '<=' : '<';
  return `${op}${b.version}`;
}

/** `==x`, `==x+l` or `==P.*` when the interval is one of those, else undefined. */
function equalityText(i: Interval): string | undefined {
  const { lo, hi } = i;
  if (!lo || !hi || lo.kind !== CutKind.Before) return undefined;
  if (hi.kind === CutKind.After) return compareVersions(lo.v, hi.v) === 0 ? `==${lo.v}` : undefined;
  if (hi.kind !== CutKind.Before) return undefined;
  if (!lo.v.local && compareVersions(hi.v, succLocal(lo.v)) === 0) return `==${lo.v}`;
  return wildcardText(lo.v, hi.v);
}

/** `==P.*` when lo = P.dev0 and hi = next(P).dev0. */
function wildcardText(lo: Version, hi: Version): string | undefined {
  const plain = (v: Version) => v.dev === 0 && !v.pre && v.post === undefined && !v.local;
  if (!plain(lo) || !plain(hi) || lo.epoch !== hi.epoch || lo.release.length !== hi.release.length) return undefined;
  const n = lo.release.length;
  for (let k = 0; k < n - 1; k++) if (lo.release[k] !== hi.release[k]) return undefined;
  if (hi.release[n - 1] !== lo.release[n - 1] + 1) return undefined;
  return `==${lo.baseVersion}.*`;
}

function intervalText(i: Interval): string {
  const eq = equalityText(i);
  if (eq) return eq;
  const parts: string[] = [];
  if (i.lo) parts.push(boundText(lowerBoundOf(i.lo), 'lower'));
  if (i.hi) parts.push(boundText(upperBoundOf(i.hi), 'upper'));
  return parts.join(', ');
}

// --- the public set type -------------------------------------------------------------------------------

const setCache = new BoundedCache<string, VersionSet>(50000);
const specifierCache = new WeakMap<Specifier, VersionSet>();

/** A set of versions as a union of disjoint, sorted intervals. Immutable. */
export class VersionSet {
  private constructor(private readonly parts: readonly Interval[]) {}

  private static readonly ALL = new VersionSet([{}]);
  private static readonly EMPTY = new VersionSet([]);

  static all(): VersionSet {
    return VersionSet.ALL;
  }

  static empty(): VersionSet {
    return VersionSet.EMPTY;
  }

  /** The versions a specifier set admits (prereleases=true semantics); unparsable text gives all(). */
  static fromSpecifierSet(set: SpecifierSet | string): VersionSet {
    if (typeof set === 'string') {
      const hit = setCache.get(set);
      if (hit) return hit;
      const parsed = parseSpecifierSet(set);
      const result = parsed ? VersionSet.fromSpecifierSet(parsed) : VersionSet.ALL;
      setCache.set(set, result);
      return result;
    }
    // Pairwise, as a balanced tree: 20,000 `!=` clauses cost n log n, not the square of n (each `!=` adds a part).
    let lists: (readonly Interval[])[] = set.specifiers.map((s) => VersionSet.fromSpecifier(s).parts);
    if (!lists.length) return VersionSet.ALL;
    while (lists.length > 1) {
      const next: (readonly Interval[])[] = [];
      for (let i = 0; i < lists.length; i += 2) {
        const merged = i + 1 < lists.length ? intersectLists(lists[i], lists[i + 1]) : lists[i];
        if (!merged.length) return VersionSet.of([]);
        next.push(merged);
      }
      lists = next;
    }
    return VersionSet.of(lists[0]);
  }

  /** The versions one specifier admits. */
  static fromSpecifier(s: Specifier): VersionSet {
    let set = specifierCache.get(s);
    if (!set) {
      set = VersionSet.of(specifierIntervals(s));
      specifierCache.set(s, set);
    }
    return set;
  }

  /**
   * A plain mathematical interval (no PEP 440 exclusion rules): lower {v, inclusive} is v <= x or v < x,
   * upper {v, inclusive} is x <= v or x < v, compared with the PEP 440 order (locals included).
   */
  static range(lower?: VersionBound, upper?: VersionBound): VersionSet {
    const lo = lower ? (lower.inclusive ? before(lower.version) : after(lower.version)) : undefined;
    const hi = upper ? (upper.inclusive ? after(upper.version) : before(upper.version)) : undefined;
    const part = interval(lo, hi);
    return VersionSet.of(part ? [part] : []);
  }

  intersect(o: VersionSet): VersionSet {
    if (this.isAll()) return o;
    if (o.isAll()) return this;
    if (this.apart(o)) return VersionSet.EMPTY;
    return VersionSet.of(intersectLists(this.parts, o.parts));
  }

  /** The two sets' hulls do not overlap (so neither do the sets): decided without building anything. Evaluations
   *  split a pin's set by hundreds of release rows, nearly all of them elsewhere on the version line. */
  private apart(o: VersionSet): boolean {
    if (!this.parts.length || !o.parts.length) return true;
    const hi = this.parts[this.parts.length - 1].hi;
    const lo = o.parts[0].lo;
    if (hi && lo && compareCuts(lo, hi) >= 0) return true;
    const oHi = o.parts[o.parts.length - 1].hi;
    const thisLo = this.parts[0].lo;
    return !!(oHi && thisLo && compareCuts(thisLo, oHi) >= 0);
  }

  union(o: VersionSet): VersionSet {
    if (this.isEmpty()) return o;
    if (o.isEmpty()) return this;
    return VersionSet.of(unionLists(this.parts, o.parts));
  }

  /** The union of many sets in one sort (a fold of `union` sorts as often as there are sets); as `union`, the one set
   *  itself when the others are empty. */
  static unionAll(sets: Iterable<VersionSet>): VersionSet {
    const parts: Interval[] = [];
    let only: VersionSet | undefined;
    let nonEmpty = 0;
    for (const s of sets) {
      if (s.isEmpty()) continue;
      nonEmpty++;
      only = s;
      for (const p of s.parts) parts.push(p);
    }
    return nonEmpty === 1 ? only! : VersionSet.of(normalize(parts));
  }

  complement(): VersionSet {
    return VersionSet.of(complementList(this.parts));
  }

  /** Versions in this set and not in `o`. */
  minus(o: VersionSet): VersionSet {
    if (this.apart(o)) return this;
    return this.intersect(o.complement());
  }

  isEmpty(): boolean {
    return this.parts.length === 0;
  }

  isAll(): boolean {
    return this.parts.length === 1 && !this.parts[0].lo && !this.parts[0].hi;
  }

  isSubsetOf(o: VersionSet): boolean {
    return this.minus(o).isEmpty();
  }

  intersects(o: VersionSet): boolean {
    if (this.isAll()) return !o.isEmpty();
    if (o.isAll()) return !this.isEmpty();
    return !this.apart(o) && listsMeet(this.parts, o.parts);
  }

  /** Same set of versions. */
  equals(o: VersionSet): boolean {
    if (this.parts.length !== o.parts.length) return false;
    return this.parts.every((p, k) => sameCut(p.lo, o.parts[k].lo) && sameCut(p.hi, o.parts[k].hi));
  }

  /** Membership; false for an unparsable string. */
  contains(v: string | Version): boolean {
    const version = toVersion(v);
    if (!version) return false;
    for (const p of this.parts) {
      if (p.lo && isBelow(version, p.lo)) return false; // sorted: below this interval means below the rest
      if (!p.hi || isBelow(version, p.hi)) return true;
    }
    return false;
  }

  /** Lowest end of the set (undefined when unbounded below, or when the set is empty). */
  lowerBound(): VersionBound | undefined {
    const lo = this.parts[0]?.lo;
    return lo && lowerBoundOf(lo);
  }

  /**
   * Upper end of the set; undefined = unbounded (a fresh install takes the newest release), or empty set.
   * This is the PEP 440 reading of the exact end (see `upperBoundOf`); compare ends with `sameUpperEnd`.
   */
  upperBound(): VersionBound | undefined {
    const hi = this.parts[this.parts.length - 1]?.hi;
    return hi && upperBoundOf(hi);
  }

  /**
   * True when both sets have the same upper end: the same canonical cut, or both unbounded. Two empty sets
   * agree; an empty and a non-empty set do not. Exact: top(S) in R <=> S∩R non-empty and S∩R.sameUpperEnd(S).
   */
  sameUpperEnd(o: VersionSet): boolean {
    if (this.isEmpty() || o.isEmpty()) return this.isEmpty() && o.isEmpty();
    return sameCut(this.parts[this.parts.length - 1].hi, o.parts[o.parts.length - 1].hi);
  }

  /**
   * Newest of `known` that the set admits. Like pip, pre-releases count only when no final release is
   * admitted, unless `prereleases` says otherwise (true: always count them; false: never).
   */
  newestAdmitted(known: readonly (string | Version)[], prereleases?: boolean): Version | undefined {
    let newestFinal: Version | undefined;
    let newestPre: Version | undefined;
    for (const k of known) {
      const v = toVersion(k);
      if (!v || !this.contains(v)) continue;
      if (v.isPrerelease) {
        if (!newestPre || compareVersions(v, newestPre) > 0) newestPre = v;
      } else if (!newestFinal || compareVersions(v, newestFinal) > 0) {
        newestFinal = v;
      }
    }
    if (prereleases === false) return newestFinal;
    if (prereleases === true) {
      if (!newestFinal) return newestPre;
      return newestPre && compareVersions(newestPre, newestFinal) > 0 ? newestPre : newestFinal;
    }
    return newestFinal ?? newestPre;
  }

  /** The intervals for display, in the PEP 440 reading of their ends. */
  intervals(): readonly DisplayInterval[] {
    return this.parts.map((p) => {
      const d: DisplayInterval = {};
      if (p.lo) d.lower = lowerBoundOf(p.lo);
      if (p.hi) d.upper = upperBoundOf(p.hi);
      return d;
    });
  }

  /**
   * Human text in PEP 440 style: `>=0.21.0, <0.26`, `==2.2.0`, `>=1.0, <2, !=1.5` (a hull with point or
   * wildcard holes), else intervals joined by ` or `. `any version` / `no version` for all / empty.
   */
  toString(): string {
    if (this.isEmpty()) return 'no version';
    if (this.isAll()) return 'any version';
    const holes = this.holeTexts();
    if (holes) {
      const hull = intervalText({ lo: this.parts[0].lo, hi: this.parts[this.parts.length - 1].hi });
      return [hull, ...holes].filter(Boolean).join(', ');
    }
    return this.parts.map(intervalText).join(' or ');
  }

  /** `!=x` / `!=P.*` for each gap between intervals, or undefined when some gap is not of that form. */
  private holeTexts(): string[] | undefined {
    if (this.parts.length < 2) return undefined;
    const holes: string[] = [];
    for (let k = 0; k + 1 < this.parts.length; k++) {
      const eq = equalityText({ lo: this.parts[k].hi, hi: this.parts[k + 1].lo });
      if (!eq) return undefined;
      holes.push(`!${eq.slice(1)}`);
    }
    return holes;
  }

  private static of(parts: readonly Interval[]): VersionSet {
    if (!parts.length) return VersionSet.EMPTY;
    if (parts.length === 1 && !parts[0].lo && !parts[0].hi) return VersionSet.ALL;
    return new VersionSet(parts);
  }
}

const INTERSECTED = new WeakMap<VersionSet, WeakMap<VersionSet, VersionSet>>();

/** `a.intersect(b)`, the same object for the same two objects (remembered weakly on both): what is derived from a set
 *  and remembered per set object (the rules' narrowing, a pick's admitted releases) is found again when the same sets
 *  meet again, on the next keystroke. */
export function intersectKept(a: VersionSet, b: VersionSet): VersionSet {
  if (a.isAll()) return b;
  if (b.isAll()) return a;
  return keptPer(INTERSECTED, a, b, intersectionOf);
}

const intersectionOf = (a: VersionSet, b: VersionSet) => a.intersect(b);
