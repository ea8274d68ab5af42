// PEP 440 specifiers and specifier sets, ported from pypa/packaging `specifiers.py` / `_ranges.py`
// (packaging 26.4.dev0).
//
// Each specifier is a membership predicate over versions (see `admits`), with packaging's exact rules:
//   >=V   v >= V
//   <=V   v <= V, or v is V plus a local label
//   >V    v > V, but not V+local, and (when V is final or an a/b/rc release) not V's post-releases
//   <V    v < V, and (when V is not itself a pre-release) not V's pre-releases: v < V.dev0
//   ==V   same public version (any local), or exactly V when V has a local label
//   ==P.* v in [P.dev0, next(P).dev0), so `==2.0.*` admits `2` (zero padding)
//   ~=V   v >= V and v in [.., next(V minus its last release number).dev0)
//   !=    the complement of the matching ==
//   ===S  case-insensitive string equality with the text as written
// The pre-release policy is layered on top exactly as packaging does it: `contains` with the default policy
// admits a pre-release (a single version has no alternative), `filter` keeps pre-releases only when no final
// release matched, and an explicit `prereleases` flag forces either way.

import { BoundedCache, PY_WHITESPACE, Version, compareVersions, parseVersion, pyStrip, toVersion } from './version';

export type Operator = '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '===';

const VERSION_TAIL =
  '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?' + // pre
  '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?' + // post
  '(?:[-_.]?dev[-_.]?[0-9]*)?'; // dev
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const EPOCH_RELEASE = '(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*';
const NOT_WS_SEMI_PAREN = PY_WHITESPACE.replace(/^\[/, '[^;)');

// packaging's Specifier._regex, with the operator and version captured.
const SPECIFIER_RE = new RegExp(
  `^${PY_WHITESPACE}*(?:` +
    `(===)${PY_WHITESPACE}*(${NOT_WS_SEMI_PAREN}*)` +
    `|(==|!=)${PY_WHITESPACE}*(v?${EPOCH_RELEASE}(?:\\.\\*|${VERSION_TAIL}${LOCAL}))` +
    `|(~=)${PY_WHITESPACE}*(v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${VERSION_TAIL})` +
    `|(<=|>=|<|>)${PY_WHITESPACE}*(v?${EPOCH_RELEASE}${VERSION_TAIL})` +
    `)${PY_WHITESPACE}*$`,
  'i',
);

/** One clause such as `>=1.2` or `==2.0.*`. Immutable. */
export class Specifier {
  readonly operator: Operator;
  /** The version text as written (after the operator and whitespace); `2.0.*` for wildcards. */
  readonly version: string;
  /** Explicit pre-release override (packaging's constructor argument); undefined = PEP 440 default. */
  readonly prereleasesOverride?: boolean;
  /** Parsed version (prefix without `.*` for wildcards); null only for `===` with a non-PEP 440 string. */
  readonly parsed: Version | null;
  readonly isWildcard: boolean;
  private readonly hasLocal: boolean;
  private readonly bounds: readonly [Version | undefined, Version | undefined];

  /** Prefer `parseSpecifier`; the constructor trusts that `operator`/`version` passed the grammar. */
  constructor(operator: Operator, version: string, prereleases?: boolean) {
    this.operator = operator;
    this.version = version;
    if (prereleases !== undefined) this.prereleasesOverride = prereleases;
    this.isWildcard = operator !== '===' && version.endsWith('.*');
    this.parsed = parseVersion(this.isWildcard ? version.slice(0, -2) : version);
    this.hasLocal = operator !== '===' && version.includes('+');
    this.bounds = computeBounds(this);
  }

  /**
   * packaging's `Specifier.prereleases`: the override, else whether the specifier names a pre-release
   * (`!=` and `==X.*` never do); undefined for `===` with a non-version string.
   */
  get prereleases(): boolean | undefined {
    if (this.prereleasesOverride !== undefined) return this.prereleasesOverride;
    if (this.operator === '!=' || this.isWildcard) return false;
    return this.parsed ? this.parsed.isPrerelease : undefined;
  }

  /** Membership under packaging's rules; `prereleases` overrides the specifier's own policy. */
  contains(version: string | Version, prereleases?: boolean): boolean {
    if (this.operator === '===') return this.filter([version], prereleases).length > 0;
    const v = toVersion(version);
    if (!v) return false;
    const policy = prereleases ?? resolvePrereleases(this.prereleasesOverride, this.prereleases);
    if (policy === false && v.isPrerelease) return false;
    return this.admits(v);
  }

  /** Versions this specifier admits, in order; unparsable strings are dropped (except by `===`). */
  filter<T extends string | Version>(versions: readonly T[], prereleases?: boolean): T[] {
    const policy = prereleases ?? resolvePrereleases(this.prereleasesOverride, this.prereleases);
    if (this.operator === '===') {
      const wanted = this.version.toLowerCase();
      return applyPrereleasePolicy(versions.filter((v) => String(v).toLowerCase() === wanted), policy);
    }
    return filterParsed(versions, (v) => this.admits(v), policy);
  }

  /**
   * Whether `v` is in the set of versions this specifier describes, ignoring pre-release policy (that is,
   * prereleases=true semantics). For `===` with a parsable text this compares the normalized strings.
   */
  admits(v: Version): boolean {
    if (this.operator === '===') return String(v).toLowerCase() === this.version.toLowerCase();
    const spec = this.parsed;
    if (!spec) return false;
    switch (this.operator) {
      case '>=':
        return compareVersions(v, spec) >= 0;
      case '<=':
        return Version.comparePublic(v, spec) <= 0;
      case '>':
      case '<':
      case '~=':
        return this.inBounds(v);
      case '==':
        return this.isWildcard ? this.inBounds(v) : this.equals(v, spec);
      case '!=':
        return this.isWildcard ? !this.inBounds(v) : !this.equals(v, spec);
    }
  }

  toString(): string {
    return `${this.operator}${this.version}`;
  }

  /**
   * packaging's equality key: `==1.0` and `== 1.0.0` are the same specifier (trailing zeros dropped, except
   * for `~=` where they matter).
   */
  get canonical(): string {
    if (this.operator === '===' || this.isWildcard || !this.parsed) return this.toString();
    let v = this.parsed;
    if (this.operator !== '~=') {
      let n = v.release.length;
      while (n > 1 && v.release[n - 1] === 0) n--;
      if (n !== v.release.length) v = v.with({ release: v.release.slice(0, n) });
    }
    return `${this.operator}${v}`;
  }

  private equals(v: Version, spec: Version): boolean {
    return this.hasLocal ? compareVersions(v, spec) === 0 : Version.comparePublic(v, spec) === 0;
  }

  private inBounds(v: Version): boolean {
    const [lower, upper] = this.bounds;
    if (this.operator === '>') {
      const spec = this.parsed as Version;
      // `>V` with V final or a/b/rc excludes V's whole post-release family, V+local included.
      if (lower === undefined) return Version.comparePublic(v, spec) > 0 && !inPostFamily(v, spec);
    }
    if (lower !== undefined && compareVersions(v, lower) < 0) return false;
    if (upper !== undefined && compareVersions(v, upper) >= 0) return false;
    return true;
  }
}

/** True when `v` has V's release and pre-release and is V, V+local or a post-release of V. */
function inPostFamily(v: Version, spec: Version): boolean {
  if (!Version.sameRelease(v, spec)) return false;
  const vp = v.pre;
  const sp = spec.pre;
  if (vp ? !sp || vp[0] !== sp[0] || vp[1] !== sp[1] : sp) return false;
  return v.post !== undefined || v.dev === spec.dev;
}

/**
 * Half-open bounds [lower, upper) for the operators answered by `inBounds`. For `>` a missing lower bound
 * means "use the post-family rule".
 */
function computeBounds(s: Specifier): readonly [Version | undefined, Version | undefined] {
  const v = s.parsed;
  if (!v) return [undefined, undefined];
  if (s.isWildcard) return [v.with({ pre: undefined, post: undefined, dev: 0, local: undefined }), nextPrefixDev0(v.release, v.epoch)];
  switch (s.operator) {
    case '>':
      // `>V.devN` starts at V.dev(N+1); `>V.postN` at V.post(N+1).dev0 (only V+local lie between).
      if (v.dev !== undefined) return [v.with({ dev: v.dev + 1, local: undefined }), undefined];
      if (v.post !== undefined) return [v.with({ post: v.post + 1, dev: 0, local: undefined }), undefined];
      return [undefined, undefined];
    case '<':
      return [undefined, v.isPrerelease ? v : v.with({ dev: 0, local: undefined })];
    case '~=':
      return [v, nextPrefixDev0(v.release.slice(0, -1), v.epoch)];
    default:
      return [undefined, undefined];
  }
}

/** The first version after every version starting with `prefix`: 1.2 -> 1.3.dev0. */
export function nextPrefixDev0(prefix: readonly number[], epoch: number): Version {
  const release = prefix.length ? [...prefix.slice(0, -1), prefix[prefix.length - 1] + 1] : [1];
  return Version.from({ epoch, release, dev: 0 });
}

function resolvePrereleases(configured: boolean | undefined, autodetected: boolean | undefined): boolean | undefined {
  if (configured !== undefined) return configured;
  return autodetected ? true : undefined;
}

/** Keeps parsable versions that `admits` accepts, then applies the pre-release policy. */
function filterParsed<T extends string | Version>(
  versions: readonly T[],
  admits: (v: Version) => boolean,
  policy: boolean | undefined,
): T[] {
  const finals: T[] = [];
  const all: T[] = [];
  for (const item of versions) {
    const v = toVersion(item);
    if (!v) continue;
    if (policy === false && v.isPrerelease) continue;
    if (!admits(v)) continue;
    all.push(item);
    if (!v.isPrerelease) finals.push(item);
  }
  // Default policy: pre-releases only when no final release matched.
  if (policy === undefined && finals.length) return finals;
  return all;
}

/** packaging's `_apply_prereleases_filter`: unparsable strings always pass (they matched `===`). */
function applyPrereleasePolicy<T extends string | Version>(matches: readonly T[], policy: boolean | undefined): T[] {
  if (policy === true) return [...matches];
  if (policy === false) return matches.filter((m) => !toVersion(m)?.isPrerelease);
  const hasFinal = matches.some((m) => {
    const v = toVersion(m);
    return v !== null && !v.isPrerelease;
  });
  if (!hasFinal) return [...matches];
  return matches.filter((m) => !toVersion(m)?.isPrerelease);
}

const specifierCache = new BoundedCache<string, Specifier | null>(50000);

/** Parses one clause; null when packaging would raise InvalidSpecifier. */
export function parseSpecifier(text: string, prereleases?: boolean): Specifier | null {
  if (typeof text !== 'string') return null;
  if (prereleases !== undefined) return parseSpecifierUncached(text, prereleases);
  let s = specifierCache.get(text);
  if (s === undefined) {
    s = parseSpecifierUncached(text, undefined);
    specifierCache.set(text, s);
  }
  return s;
}

function parseSpecifierUncached(text: string, prereleases: boolean | undefined): Specifier | null {
  const m = SPECIFIER_RE.exec(text);
  if (!m) return null;
  for (let i = 1; i < m.length; i += 2) {
    if (m[i] !== undefined) return new Specifier(m[i] as Operator, m[i + 1] ?? '', prereleases);
  }
  return null;
}

export interface ContainsOptions {
  /** Overrides the pre-release policy for this call. */
  prereleases?: boolean;
  /** The version is already installed: a pre-release is accepted as if prereleases were true. */
  installed?: boolean;
}

/** A comma-separated conjunction of specifiers. The empty set admits every version. */
export class SpecifierSet {
  readonly specifiers: readonly Specifier[];
  /** Explicit pre-release override for the whole set (packaging's constructor argument). */
  prereleases?: boolean;
  private readonly hasArbitrary: boolean;

  constructor(specifiers: readonly Specifier[] = [], prereleases?: boolean) {
    this.specifiers = specifiers;
    if (prereleases !== undefined) this.prereleases = prereleases;
    this.hasArbitrary = specifiers.some((s) => s.operator === '===');
  }

  /** packaging's `SpecifierSet.prereleases`: the override, else true when any clause names a pre-release. */
  get effectivePrereleases(): boolean | undefined {
    if (this.prereleases !== undefined) return this.prereleases;
    if (!this.specifiers.length) return undefined;
    return this.specifiers.some((s) => s.prereleases) ? true : undefined;
  }

  contains(version: string | Version, opts: ContainsOptions = {}): boolean {
    const v = toVersion(version);
    let policy = opts.prereleases;
    if (v && opts.installed && v.isPrerelease) policy = true;
    if (v && !this.hasArbitrary && this.specifiers.length) {
      if (v.isPrerelease && (policy === false || (policy === undefined && this.prereleases === false))) return false;
      return this.admits(v);
    }
    // With `===` the string as written matters, so keep the caller's text.
    const item = v === null || (this.hasArbitrary && typeof version === 'string') ? version : v;
    return this.filter([item], policy).length > 0;
  }

  /** packaging's `filter`: the admitted versions in order, pre-releases by the PEP 440 policy. */
  filter<T extends string | Version>(versions: readonly T[], prereleases?: boolean): T[] {
    const policy = prereleases ?? this.effectivePrereleases;
    if (!this.specifiers.length) return applyPrereleasePolicy(versions, policy);
    if (this.hasArbitrary) {
      const matches = versions.filter((item) => this.specifiers.every((s) => s.contains(item, true)));
      return applyPrereleasePolicy(matches, policy);
    }
    return filterParsed(versions, (v) => this.admits(v), policy);
  }

  /** Whether every clause admits `v`, ignoring pre-release policy. */
  admits(v: Version): boolean {
    for (const s of this.specifiers) if (!s.admits(v)) return false;
    return true;
  }

  /** packaging's normalized text: clauses sorted by their text, duplicates removed, joined by `,`. */
  toString(): string {
    const sorted = [...this.specifiers].sort((a, b) => compareText(String(a), String(b)));
    const seen = new Set<string>();
    const texts: string[] = [];
    for (const s of sorted) {
      if (seen.has(s.canonical)) continue; // `==1.0` and `==1.0.0` are one specifier to packaging
      seen.add(s.canonical);
      texts.push(String(s));
    }
    return texts.join(',');
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const setCache = new BoundedCache<string, readonly Specifier[] | null>(50000);

/** Parses `>=1.0, <2`; '' gives the empty set (admits everything); null when any clause is invalid. */
export function parseSpecifierSet(text: string, prereleases?: boolean): SpecifierSet | null {
  if (typeof text !== 'string') return null;
  let specs = setCache.get(text);
  if (specs === undefined) {
    specs = parseClauses(text);
    setCache.set(text, specs);
  }
  if (!specs) return null;
  return new SpecifierSet(specs, prereleases);
}

function parseClauses(text: string): readonly Specifier[] | null {
  const specs: Specifier[] = [];
  for (const part of text.split(',')) {
    const clause = pyStrip(part);
    if (!clause) continue;
    const s = parseSpecifier(clause);
    if (!s) return null;
    specs.push(s);
  }
  return specs;
}
