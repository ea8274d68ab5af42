// Resolutions remembered over one unchanging metadata source. The language server checks the same requirement sets
// again and again (a keystroke re-checks a group whose other environments did not change; a thousand folders repeat a
// few requirement files), and a resolution, with its explanation when nothing installs, is the costliest part of a
// check. A result depends on the roots' text, their order and kinds, the target environment and the source; not on
// where the roots were written, except in the words of a conflict ("you require torch>=2.3 (pyproject.toml:12)").
// So a resolution is made once with placeholder origins and handed back with the caller's own origins put in.
//
// The source must not change while a memo is in use: whoever layers live answers over the snapshot makes a new memo
// when answers arrive (src/server/live.ts), which is how arriving metadata invalidates what was remembered.
import { explainConflict } from './explain';
import { resolve, resolveKept } from './index';
import type { PipResolver } from './pip';
import { parsedPackage, safeSource } from './releases';
import { VersionSet } from '../pep440/intervals';
import { markerHolds, requirementOf, rootPartsOf } from './texts';
import { normalizeName } from '../text';
import { RootVerdicts } from './verdicts';
import { checkedPythonBit, releasePython } from './pythons';
import type { Conflict, ConflictCause, MetadataSource, RequirementOrigin, ResolveOptions, ResolveResult, RootRequirement } from './types';

/** Results remembered per memo at most (least recently used first out). */
export const MEMO_ENTRIES = 1000;
/** Roots of the results remembered, summed, at most: a result holds about 280 bytes per root (measured: typing 600
 *  new texts into stable-hair less its conflicts, 143 roots, kept 24 MB of results under the entry bound alone), so
 *  about 14 MB; a thousand-root environment typed into would otherwise keep a thousand results of it. */
export const MEMO_ROOTS = 50_000;

/** A roots key's results by options key, with the roots' count (what each of its results weighs against MEMO_ROOTS). */
type Results = Map<string, ResolveResult> & { weight?: number };

/** A stand-in path no manifest path contains: `\u0001<root index>\u0001`. */
const TOKEN = /\u0001(\d+)\u0001/g;

export class ResolveMemo {
  /** Roots key -> options key -> result. Two levels: a check asks for the same roots on each Python in turn, and the
   *  long roots key is built (and hashed) once per roots list. Least recently used roots first out. */
  private readonly results = new Map<string, Results>();
  private count = 0;
  /** The results' roots, summed. */
  private held = 0;
  hits = 0;
  misses = 0;
  /** Of the misses, those resolved from an earlier resolution that parts from them at one root. */
  resumed = 0;
  /** Of the misses, those answered by a conflict kept for the packages it speaks of (`Nogood`), without a resolution. */
  nogoodHits = 0;
  /** Options key -> conflicts kept for the packages they speak of, newest first (NOGOODS_PER_QUESTION at most). */
  private readonly nogoods = new Map<string, Nogood[]>();
  /** Options key -> the latest conflict on that question, not yet explained: it is made a nogood when the question is
   *  asked again for other roots (explaining costs about as much as resolving; most conflicts are not asked again). */
  private readonly pending = new Map<string, { roots: readonly RootRequirement[]; result: Extract<ResolveResult, { reason: 'conflict' }> }>();
  /** Options key -> pending conflicts to pass over before the next is explained: doubled each time one made a nogood
   *  that the roots asked next did not hold (typing in a pin of the conflict itself), reset when one held. */
  private readonly patience = new Map<string, { skip: number; failures: number }>();
  /** Options key -> the latest resolutions that installed, with their roots, newest first (BASES_PER_QUESTION at most,
   *  over MAX_BASES questions, the least recently kept out): a keystroke changes one root of one of them. */
  private readonly bases = new Map<string, Base[]>();
  /** Options key -> what root stages found on that question (./verdicts.ts), for MAX_QUESTIONS questions at most (the
   *  least recently used out). */
  private readonly verdicts = new Map<string, RootVerdicts>();

  constructor(readonly source: MetadataSource, private readonly max = MEMO_ENTRIES, private readonly maxRoots = MEMO_ROOTS) {}

  get size(): number {
    return this.count;
  }

  /** As `resolve(roots, this.source, options)`. `origins: false` for a caller that reads whether and what installs,
   *  never a conflict's words or roots: a conflict then comes back with placeholders for the roots, as remembered. */
  resolve(roots: readonly RootRequirement[], options: ResolveOptions, origins = true): ResolveResult {
    const rootsKey = rootsKeyOf(roots);
    const optionsKey = optionsKeyOf(options);
    let inner = this.results.get(rootsKey);
    // A conflict found on another Python, where everything it read reads as on this one, stands for this one too; its
    // words were put for that Python, so only a caller that does not read them takes it.
    const alikeKey = origins ? undefined : alikeKeyOf(options, options.environment.python_version);
    let result = inner?.get(optionsKey);
    let key = optionsKey;
    if (!result && alikeKey !== undefined && (result = inner?.get(alikeKey))) key = alikeKey;
    if (inner && result) {
      this.hits++;
      inner.delete(key); // most recently used last
    } else {
      this.misses++;
      const placeholders = roots.map(placeholderOf);
      // Kept conflicts answer callers that read whether the roots install, never which roots a stop leaves unmatched.
      const standing = !options.unmatched && this.nogoodFor(optionsKey, roots, options);
      if (standing) {
        this.nogoodHits++;
        result = this.nogoodResult(placeholders, options, optionsKey);
      } else {
        const from = this.baseFor(optionsKey, roots);
        const kept = resolveKept(placeholders, this.source, options, from && { resolver: from.base.resolver, index: from.index }, this.verdictsFor(optionsKey), this.explainAtRoot(options));
        result = kept.result;
        if (from && kept.resolver === from.base.resolver) this.resumed++;
        if (kept.resolver) this.keep(optionsKey, { texts: roots.map((r) => r.requirement), kinds: kindsOf(roots), resolver: kept.resolver });
      }
      if (!inner) (inner = new Map() as Results).weight = Math.max(1, roots.length);
      this.reserve(inner, key);
      if (!standing && !result.ok && result.reason === 'conflict') {
        if (!options.unmatched) {
          this.pending.delete(optionsKey);
          this.pending.set(optionsKey, { roots: placeholders, result });
          if (this.pending.size > MAX_QUESTIONS) this.pending.delete(this.pending.keys().next().value as string);
        }
        for (const python of result.samePythons ?? []) {
          const shared = python === options.environment.python_version ? undefined : alikeKeyOf(options, python);
          if (shared === undefined) continue;
          this.reserve(inner, shared);
          inner.set(shared, result);
        }
      }
    }
    inner.set(key, result);
    this.results.delete(rootsKey);
    this.results.set(rootsKey, inner);
    return origins ? withOrigins(result, roots) : result;
  }

  /** A conflict pip meets while adding the roots is explained from that package's roots alone: asked here as a
   *  question of its own, it is explained once for both (a pin being typed is asked alone too, to be said at its line).
   *  The placeholders are its roots: the explanation comes back with the asking list's placeholders in it. */
  private explainAtRoot(options: ResolveOptions): (own: readonly RootRequirement[]) => Conflict | undefined {
    return (own) => {
      const alone = this.resolve(own, options);
      return !alone.ok && alone.reason === 'conflict' ? alone.conflict : undefined;
    };
  }

  /** A kept conflict that holds for `roots` on this question, making one of the pending conflict first. */
  private nogoodFor(optionsKey: string, roots: readonly RootRequirement[], options: ResolveOptions): Nogood | undefined {
    let list = this.nogoods.get(optionsKey);
    const pending = this.pending.get(optionsKey);
    if (!list && !pending) return undefined;
    let names: (string | undefined)[] | undefined;
    if (pending) {
      this.pending.delete(optionsKey);
      const patience = this.patience.get(optionsKey) ?? { skip: 0, failures: 0 };
      if (patience.skip > 0) patience.skip--;
      else {
        const made = nogoodOf(pending.roots, pending.result, this.source, options);
        const holds = !!made && holdsFor(made, roots, names ??= namesOf(roots));
        patience.failures = holds ? 0 : patience.failures + 1;
        patience.skip = holds ? 0 : Math.min(2 ** patience.failures, MAX_PATIENCE);
        if (made) {
          if (!list) this.nogoods.set(optionsKey, (list = []));
          list.unshift(made);
          if (list.length > NOGOODS_PER_QUESTION) list.pop();
          if (this.nogoods.size > MAX_QUESTIONS) this.nogoods.delete(this.nogoods.keys().next().value as string);
        }
      }
      this.patience.set(optionsKey, patience);
      if (this.patience.size > MAX_QUESTIONS) this.patience.delete(this.patience.keys().next().value as string);
    }
    if (!list) return undefined;
    names ??= namesOf(roots);
    return list.find((n) => holdsFor(n, roots, names!));
  }

  /** A conflict for `placeholders` that a kept one stands for: it installs on none of this question's releases. What
   *  it says in words is pip's own, resolved and explained when first read. */
  private nogoodResult(placeholders: readonly RootRequirement[], options: ResolveOptions, optionsKey: string): ResolveResult {
    let conflict: Conflict | undefined;
    const source = this.source;
    const verdicts = this.verdictsFor(optionsKey);
    const explainAtRoot = this.explainAtRoot(options);
    return {
      ok: false, reason: 'conflict', steps: 0,
      // Its own Python only: the Pythons alike to the resolution that found the kept conflict need not fail with it.
      samePythons: checkedPythonBit(options.environment) ? [options.environment.python_version] : [],
      get conflict(): Conflict {
        if (conflict) return conflict;
        const r = resolveKept(placeholders, source, options, undefined, verdicts, explainAtRoot).result;
        // A resolution that gives up within its budget where the kept conflict proves nothing installs: explained alone.
        return (conflict = !r.ok && r.reason === 'conflict' ? r.conflict
          : explainConflict(placeholders, source, options, [], byName(placeholders, options)));
      },
    };
  }

  /** A kept resolution whose roots are these but one (same kinds and count, one text changed), taken out of the kept
   *  ones: resuming it spends it. */
  private baseFor(optionsKey: string, roots: readonly RootRequirement[]): { base: Base; index: number } | undefined {
    const list = this.bases.get(optionsKey);
    if (!list) return undefined;
    const kinds = kindsOf(roots);
    for (let b = 0; b < list.length; b++) {
      const base = list[b];
      if (base.kinds !== kinds) continue;
      let index = -1;
      for (let i = 0; i < roots.length; i++) {
        if (base.texts[i] === roots[i].requirement) continue;
        if (index >= 0) { index = -2; break; }
        index = i;
      }
      if (index < 0) continue;
      list.splice(b, 1);
      return { base, index };
    }
    return undefined;
  }

  private verdictsFor(optionsKey: string): RootVerdicts {
    const verdicts = this.verdicts.get(optionsKey) ?? new RootVerdicts();
    this.verdicts.delete(optionsKey);
    this.verdicts.set(optionsKey, verdicts);
    if (this.verdicts.size > MAX_QUESTIONS) this.verdicts.delete(this.verdicts.keys().next().value as string);
    return verdicts;
  }

  private keep(optionsKey: string, base: Base): void {
    const list = this.bases.get(optionsKey) ?? [];
    this.bases.delete(optionsKey);
    list.unshift(base);
    if (list.length > BASES_PER_QUESTION) list.pop();
    this.bases.set(optionsKey, list);
    if (this.bases.size > MAX_BASES) this.bases.delete(this.bases.keys().next().value as string);
  }

  /** Room for one more result in `inner`, unless it holds `key` already. */
  private reserve(inner: Results, key: string): void {
    if (inner.has(key)) return;
    const weight = inner.weight ?? 1;
    while ((this.count >= this.max || this.held + weight > this.maxRoots) && this.results.size) this.evict();
    this.count++;
    this.held += weight;
  }

  /** Drops the oldest result of the least recently used roots. */
  private evict(): void {
    const [key, inner] = this.results.entries().next().value as [string, Results];
    inner.delete(inner.keys().next().value as string);
    this.count--;
    this.held -= inner.weight ?? 1;
    if (!inner.size) this.results.delete(key);
  }
}

/** A resolution that installed, kept to be resumed (PipResolver.resume): its roots' texts and kinds. */
interface Base {
  texts: string[];
  kinds: string;
  resolver: PipResolver;
}

/** Kept resolutions per question (options), and questions with kept resolutions: each holds its resolver's state,
 *  candidates and the undo logs of its rounds (about 370 KiB for stable-hair's 250 packages), so a few: a keystroke
 *  resumes the resolution of the one environment being typed in, on the Python where it installs. */
const BASES_PER_QUESTION = 2;
const MAX_BASES = 8;
/** Questions whose root stages' verdicts are kept: a check asks one per Python and platform, an upgrade a few more. */
const MAX_QUESTIONS = 16;

/**
 * A conflict kept for the packages its derivation speaks of (Conflict.speaksOf): the roots on each of them, as keys
 * (kind and text, sorted). Any roots on one question with exactly these roots on those packages cannot install
 * either, whatever else they require: the derivation reads nothing of the other roots (the releases of the packages it
 * names, what those releases declare, the roots on them, the target Python), and a root on another package only adds
 * requirements. A typed pin then leaves a conflict among other pins standing without a resolution per keystroke.
 *
 * Only where what pip finds of those packages cannot grow with what else is required: pip takes a pre-release when
 * some requirement names one, and a yanked release when one pins it exactly (pip.ts, `found`), so a requirement
 * elsewhere could add a candidate. So every such package has roots, none with a marker or a URL (an explicit
 * candidate), and the releases they admit together hold no pre-release and no yanked release. And pip itself finds
 * that the roots on those packages alone install on none of the question's releases (the derivation is the
 * explainer's; the verdict must be pip's).
 */
interface Nogood {
  roots: Map<string, string>;
}

const NOGOODS_PER_QUESTION = 4;
/** Pending conflicts passed over at most after nogoods that did not hold. */
const MAX_PATIENCE = 16;

/** The nogood a derivation gives for the roots it was found on; undefined when it is none (pip's causes only), when
 *  what pip finds of its packages could grow, or when pip installs those roots alone. */
function nogoodOf(roots: readonly RootRequirement[], result: Extract<ResolveResult, { reason: 'conflict' }>, source: MetadataSource, options: ResolveOptions): Nogood | undefined {
  const names = forcedClash(roots, result.causes ?? [], source, options) ?? result.conflict.speaksOf;
  if (!names?.length) return undefined;
  const on = new Map<string, { keys: string[]; admitted: VersionSet; roots: RootRequirement[] }>(names.map((name) => [name, { keys: [], admitted: VersionSet.all(), roots: [] }]));
  for (const r of roots) {
    const parts = rootPartsOf(r.requirement);
    if ('invalid' in parts) return undefined;
    const p = on.get(parts.name);
    if (!p) continue;
    if (parts.url || parts.marker) return undefined;
    p.keys.push(`${kindOf(r)}${r.requirement}`);
    p.admitted = p.admitted.intersect(VersionSet.fromSpecifierSet(parts.specifier));
    p.roots.push(r);
  }
  const python = releasePython(options.environment);
  for (const [name, p] of on) {
    if (!p.roots.length) return undefined;
    const meta = safeSource(source, name);
    if (!meta) return undefined;
    if (parsedPackage(meta, name, python).releases.some((r) => (r.yanked !== undefined || r.invalidMetadata !== undefined || r.version.isPrerelease) && p.admitted.contains(r.version))) return undefined;
  }
  const alone = resolve([...on.values()].flatMap((p) => p.roots), source, { ...options, unmatched: false });
  if (alone.ok || alone.reason !== 'conflict') return undefined;
  return { roots: new Map([...on].map(([name, p]) => [name, p.keys.sort().join('\u0000')])) };
}

/**
 * pip's causes, when they prove by themselves that nothing installs, whatever else is required: every one is a
 * requirement on one package, written as a root or declared by a release that a root pins exactly (`scipy==1.7.2`,
 * whose declared requirements are known and unconditional here), and no version lies in all of them (`numpy==7.6.1`
 * against scipy 1.7.2's `numpy<1.24.0,>=1.16.5`). The package and those pinned ones; undefined otherwise. Known
 * without explaining the conflict (which a pin the snapshot does not describe leaves to pip's causes anyway).
 */
function forcedClash(roots: readonly RootRequirement[], causes: readonly ConflictCause[], source: MetadataSource, options: ResolveOptions): string[] | undefined {
  const on = causes[0]?.package;
  if (!on || on === 'python' || causes.some((c) => c.package !== on)) return undefined;
  let set = VersionSet.all();
  const parents = new Set<string>();
  const python = releasePython(options.environment);
  for (const c of causes) {
    const req = requirementOf(c.requirement);
    if (!req.ok || req.value.url) return undefined;
    set = set.intersect(VersionSet.fromSpecifierSet(req.value.specifier));
    if (!c.parent) continue;
    const { name, version } = c.parent;
    // A parent pinned exactly by a root of its own, without extras or a marker; its requirements known in full.
    if (!roots.some((r) => { const parts = rootPartsOf(r.requirement); return !('invalid' in parts) && parts.ident === name && !parts.marker && !parts.url && !r.constraint && parts.specifier === `==${version}`; })) return undefined;
    const meta = safeSource(source, name);
    const release = meta && parsedPackage(meta, name, python).releases.find((r) => r.text === version);
    if (!release?.requiresDist || release.requiresDistPartial || !release.requiresDist.some((d) => sameRequirement(d, c.requirement, options))) return undefined;
    parents.add(name);
  }
  return set.isEmpty() ? [on, ...parents] : undefined;
}

/** A declared requirement as a cause names it (`numpy<1.24.0,>=1.16.5`): its package and specifier, with a marker
 *  that holds on this question without an extra (the parent's root asks for none). */
function sameRequirement(declared: string, cause: string, options: ResolveOptions): boolean {
  const d = requirementOf(declared);
  const c = requirementOf(cause);
  if (!d.ok || !c.ok || d.value.url || d.value.extras.length || c.value.extras.length || normalizeName(d.value.name) !== normalizeName(c.value.name)) return false;
  if (!markerHolds(d.value.markerText, options.environment)) return false;
  return String(VersionSet.fromSpecifierSet(d.value.specifier)) === String(VersionSet.fromSpecifierSet(c.value.specifier));
}

/** Each root's package (undefined for a root that does not read as a requirement): read once for every nogood. */
function namesOf(roots: readonly RootRequirement[]): (string | undefined)[] {
  return roots.map((r) => {
    const parts = rootPartsOf(r.requirement);
    return 'invalid' in parts ? undefined : parts.name;
  });
}

/** Whether `roots` (whose packages are `names`) hold exactly the nogood's roots on each of its packages, and every root
 *  reads as a requirement. */
function holdsFor(n: Nogood, roots: readonly RootRequirement[], names: readonly (string | undefined)[]): boolean {
  const got = new Map<string, string[]>();
  for (let i = 0; i < roots.length; i++) {
    const name = names[i];
    if (name === undefined) return false;
    if (!n.roots.has(name)) continue;
    const key = `${kindOf(roots[i])}${roots[i].requirement}`;
    const list = got.get(name);
    if (list) list.push(key);
    else got.set(name, [key]);
  }
  for (const [name, keys] of n.roots) if ((got.get(name)?.sort().join('\u0000') ?? '') !== keys) return false;
  return true;
}

/** Roots by package name, as the explainer takes them: those pip reads here (the explainer reads no markers of roots). */
function byName(roots: readonly RootRequirement[], options: ResolveOptions): Map<string, RootRequirement[]> {
  const out = new Map<string, RootRequirement[]>();
  for (const r of roots) {
    const parts = rootPartsOf(r.requirement);
    // A root whose marker fails here is no requirement to pip, and is not to be blamed.
    if ('invalid' in parts || !markerHolds(parts.marker, options.environment)) continue;
    out.set(parts.name, [...(out.get(parts.name) ?? []), r]);
  }
  return out;
}

/** A root's kind (constraint or not, where written), which a result depends on beside its text. */
function kindOf(r: RootRequirement): string {
  return `${r.constraint ? 1 : 0}${r.origin ? (r.origin.path ? 2 : 1) : 0}`;
}

/** The roots' kinds, in order: a kept resolution is resumed for the same. */
function kindsOf(roots: readonly RootRequirement[]): string {
  let kinds = '';
  for (const r of roots) kinds += kindOf(r);
  return kinds;
}

/** Marker environment -> its text (targetEnvironment hands out one object per Python and platform). */
const ENVIRONMENT_KEYS = new WeakMap<object, string>();
/** Marker environment -> its text without the variables that name the Python. */
const ANY_PYTHON_KEYS = new WeakMap<object, string>();
/** Roots list -> its key: a check resolves one list on each Python in turn. Callers build a list per question and do not
 *  change it afterwards. */
const ROOTS_KEYS = new WeakMap<readonly RootRequirement[], string>();

/** The key of results found on another CPython that stand for `python` (one of ./pythons.ts's) under these options
 *  otherwise; undefined when the options' own Python is not one of them. */
function alikeKeyOf(options: ResolveOptions, python: string): string | undefined {
  if (!checkedPythonBit(options.environment)) return undefined;
  let env = ANY_PYTHON_KEYS.get(options.environment);
  if (env === undefined) {
    const { python_version: _v, python_full_version: _f, implementation_version: _i, ...rest } = options.environment;
    ANY_PYTHON_KEYS.set(options.environment, (env = JSON.stringify(rest)));
  }
  return `alike ${python}\u0000${questionKeyOf(options)}\u0000${env}`;
}

/** The options but the environment, as text. */
function questionKeyOf(options: ResolveOptions): string {
  return `${options.prereleases ? 1 : 0}${options.unmatched ? 1 : 0}${options.maxSteps ?? ''}\u0000${options.describedOnly?.join(',') ?? ''}`;
}

function optionsKeyOf(options: ResolveOptions): string {
  let env = ENVIRONMENT_KEYS.get(options.environment);
  if (env === undefined) ENVIRONMENT_KEYS.set(options.environment, (env = JSON.stringify(options.environment)));
  return `${questionKeyOf(options)}\u0000${env}`;
}

/** What a result depends on of the roots, as one string: their kinds, each text's length and the text (unambiguous).
 *  Built by concatenation, once per list: a 50-pin environment is looked up a dozen times per check. */
function rootsKeyOf(roots: readonly RootRequirement[]): string {
  let key = ROOTS_KEYS.get(roots);
  if (key === undefined) {
    key = '';
    for (const r of roots) key += `${kindOf(r)}${r.requirement.length}:${r.requirement}`;
    ROOTS_KEYS.set(roots, key);
  }
  return key;
}


/** On a placeholder root or origin, the index of the root it stands for (a property, not a WeakMap: a keystroke makes
 *  a dozen placeholder lists). */
const PLACE = Symbol('root index');
type Placed<T> = T & { [PLACE]?: number };

/** Caller root -> its placeholders by the index it stood at. A check's roots are the same objects from one keystroke
 *  to the next (../resolver/environment.ts, rootOf), and so are their placeholders: what the resolver keeps per root
 *  (pip.ts, preparedRoot) is found again. */
const PLACEHOLDERS = new WeakMap<RootRequirement, Map<number, RootRequirement>>();

/** The stand-in for `r` at index `i`: its text and kind, an origin that names the index. */
function placeholderOf(r: RootRequirement, i: number): RootRequirement {
  let byIndex = PLACEHOLDERS.get(r);
  const known = byIndex?.get(i);
  if (known) return known;
  const p: Placed<RootRequirement> = { requirement: r.requirement, [PLACE]: i };
  if (r.constraint !== undefined) p.constraint = r.constraint;
  if (r.origin) p.origin = r.origin.path ? { path: `\u0001${i}\u0001`, [PLACE]: i } as Placed<RequirementOrigin> : { [PLACE]: i } as Placed<RequirementOrigin>;
  if (!byIndex) PLACEHOLDERS.set(r, (byIndex = new Map()));
  else if (byIndex.size >= 4) byIndex.clear(); // a root stands at a few indices: lists with one or two roots left out
  byIndex.set(i, p);
  return p;
}

/** A remembered result with the caller's roots and origins in place of the placeholders. */
function withOrigins(result: ResolveResult, roots: readonly RootRequirement[]): ResolveResult {
  if (result.ok || result.reason !== 'conflict') return result;
  const own = <T>(placeholder: object | undefined, pick: (r: RootRequirement) => T): T | undefined => {
    const i = (placeholder as Placed<object> | undefined)?.[PLACE];
    return i === undefined ? undefined : pick(roots[i]);
  };
  const where = (i: string) => {
    const o = roots[Number(i)]?.origin;
    return `${o?.path ?? ''}${o?.line !== undefined ? `:${o.line + 1}` : ''}`;
  };
  const { conflict } = result;
  const cause = (c: ConflictCause): ConflictCause => ('origin' in c ? { ...c, origin: own(c.origin, (x) => x.origin) } : c);
  return {
    ...result,
    ...(result.causes ? { causes: result.causes.map(cause) } : {}),
    conflict: {
      ...conflict,
      message: conflict.message.replace(TOKEN, (_, i: string) => where(i)),
      roots: conflict.roots.map((r) => own(r, (x) => x)).filter((r): r is RootRequirement => r !== undefined),
      causes: conflict.causes.map(cause),
    },
  };
}
