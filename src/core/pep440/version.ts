// PEP 440 versions, ported from pypa/packaging `version.py` (packaging 26.4.dev0).
//
// Parsing accepts exactly what packaging accepts (surrounding whitespace, a leading `v`, alternate spellings
// such as `alpha`, `-1`, `rev`, `preview`), and `toString()` gives packaging's normalized form. Ordering
// follows packaging's comparison key: epoch, release with trailing zeros ignored, then
// dev-only < a < b < rc < final, no-post < post, dev < no-dev, then the local segment (no local sorts first;
// within a local, strings sort before numbers, shorter before longer).
//
// Numbers are JS numbers: components above 2^53 lose precision (packaging uses big integers). Such
// versions do not occur in practice.

export type PreLabel = 'a' | 'b' | 'rc';
export type LocalPart = string | number;

/** Fields a Version is built from; `Version.from` fills in the defaults. */
export interface VersionParts {
  epoch?: number;
  release: readonly number[];
  /** The release as exact integers, when a segment is too large for a double (17+ digits). */
  releaseBig?: readonly bigint[];
  pre?: readonly [PreLabel, number];
  post?: number;
  dev?: number;
  local?: readonly LocalPart[];
}

const PRE_RANK: Record<PreLabel, number> = { a: 0, b: 1, rc: 2 };
const PRE_RANK_DEV_ONLY = -1;
const PRE_RANK_FINAL = 3;

export class Version {
  readonly epoch: number;
  readonly release: readonly number[];
  /** Exact release segments when one exceeds Number.MAX_SAFE_INTEGER (`release` then holds approximations). */
  readonly releaseBig?: readonly bigint[];
  readonly pre?: [PreLabel, number];
  readonly post?: number;
  readonly dev?: number;
  readonly local?: readonly (string | number)[];
  /** Release length without trailing zeros (1.0.0 compares equal to 1). */
  private readonly trimmedLength: number;
  /** The pre/post/dev part of packaging's sort key: (preRank, preN, postRank, postN, devRank, devN). */
  private readonly suffix: readonly number[];
  private text?: string;

  private constructor(parts: VersionParts) {
    this.epoch = parts.epoch ?? 0;
    this.release = parts.release;
    if (parts.releaseBig && parts.releaseBig.length === parts.release.length) this.releaseBig = parts.releaseBig;
    if (parts.pre) this.pre = [parts.pre[0], parts.pre[1]];
    if (parts.post !== undefined) this.post = parts.post;
    if (parts.dev !== undefined) this.dev = parts.dev;
    if (parts.local && parts.local.length) this.local = parts.local;
    let n = this.release.length;
    while (n > 0 && this.release[n - 1] === 0) n--;
    this.trimmedLength = n;
    this.suffix = sortSuffix(this.pre, this.post, this.dev);
  }

  /** Builds a version from its parts (no validation beyond what the types say). */
  static from(parts: VersionParts): Version {
    return new Version(parts.release.length ? parts : { ...parts, release: [0] });
  }

  /** Same version with some parts replaced; `undefined` in `changes` removes that part. */
  with(changes: Partial<VersionParts>): Version {
    const has = (k: keyof VersionParts) => Object.prototype.hasOwnProperty.call(changes, k);
    return Version.from({
      epoch: has('epoch') ? changes.epoch : this.epoch,
      release: changes.release ?? this.release,
      releaseBig: changes.release ? changes.releaseBig : this.releaseBig,
      pre: has('pre') ? changes.pre : this.pre,
      post: has('post') ? changes.post : this.post,
      dev: has('dev') ? changes.dev : this.dev,
      local: has('local') ? changes.local : this.local,
    });
  }

  get isPrerelease(): boolean {
    return this.pre !== undefined || this.dev !== undefined;
  }

  get isPostrelease(): boolean {
    return this.post !== undefined;
  }

  get isDevrelease(): boolean {
    return this.dev !== undefined;
  }

  /** The version without its local segment. */
  get public(): string {
    const s = this.toString();
    const plus = s.indexOf('+');
    return plus < 0 ? s : s.slice(0, plus);
  }

  /** Epoch and release only, e.g. `1!2.0` for `1!2.0rc1.post2+x`. */
  get baseVersion(): string {
    const release = (this.releaseBig ?? this.release).join('.');
    return this.epoch ? `${this.epoch}!${release}` : release;
  }

  /** The local segment as packaging prints it (`cu121`, `rocm5.7`), or undefined. */
  get localText(): string | undefined {
    return this.local?.join('.');
  }

  get major(): number {
    return this.release[0] ?? 0;
  }

  get minor(): number {
    return this.release[1] ?? 0;
  }

  get micro(): number {
    return this.release[2] ?? 0;
  }

  /** Normalized form, as packaging's `str(Version(...))`. */
  toString(): string {
    if (this.text !== undefined) return this.text;
    let s = this.baseVersion;
    if (this.pre) s += `${this.pre[0]}${this.pre[1]}`;
    if (this.post !== undefined) s += `.post${this.post}`;
    if (this.dev !== undefined) s += `.dev${this.dev}`;
    if (this.local) s += `+${this.local.join('.')}`;
    this.text = s;
    return s;
  }

  /** @internal Comparison helpers read these; they are not part of the public contract. */
  static compare(a: Version, b: Version): number {
    if (a === b) return 0;
    const c = Version.comparePublic(a, b);
    if (c !== 0) return c;
    return compareLocal(a.local, b.local);
  }

  /** @internal */
  static comparePublic(a: Version, b: Version): number {
    if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
    if (a.releaseBig || b.releaseBig) {
      const c = compareBig(a.releaseBig ?? a.release.map(BigInt), b.releaseBig ?? b.release.map(BigInt));
      if (c !== 0) return c;
      return compareNumbers(a.suffix, b.suffix);
    }
    const n = Math.max(a.trimmedLength, b.trimmedLength);
    for (let i = 0; i < n; i++) {
      const x = i < a.trimmedLength ? a.release[i] : 0;
      const y = i < b.trimmedLength ? b.release[i] : 0;
      if (x !== y) return x < y ? -1 : 1;
    }
    for (let i = 0; i < 6; i++) {
      const x = a.suffix[i];
      const y = b.suffix[i];
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }

  /** @internal Same epoch and same release once trailing zeros are ignored. */
  static sameRelease(a: Version, b: Version): boolean {
    if (a.releaseBig || b.releaseBig) return a.epoch === b.epoch && compareBig(a.releaseBig ?? a.release.map(BigInt), b.releaseBig ?? b.release.map(BigInt)) === 0;
    if (a.epoch !== b.epoch || a.trimmedLength !== b.trimmedLength) return false;
    for (let i = 0; i < a.trimmedLength; i++) if (a.release[i] !== b.release[i]) return false;
    return true;
  }
}

/** Release tuples as exact integers, trailing zeros ignored. */
function compareBig(a: readonly bigint[], b: readonly bigint[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareNumbers(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** Release segments: numbers, plus exact integers when one has more digits than a double holds exactly. */
function releaseOf(text: string): { release: number[]; releaseBig?: bigint[] } {
  const parts = text.split('.');
  const release = parts.map(Number);
  return parts.some((p) => p.length > 15 && !Number.isSafeInteger(Number(p))) ? { release, releaseBig: parts.map((p) => BigInt(p)) } : { release };
}

function sortSuffix(pre: readonly [PreLabel, number] | undefined, post?: number, dev?: number): number[] {
  let preRank: number;
  let preN = 0;
  if (pre) {
    preRank = PRE_RANK[pre[0]];
    preN = pre[1];
  } else if (post === undefined && dev !== undefined) {
    preRank = PRE_RANK_DEV_ONLY; // 1.0.dev1 sorts before 1.0a1
  } else {
    preRank = PRE_RANK_FINAL;
  }
  return [
    preRank,
    preN,
    post === undefined ? 0 : 1,
    post ?? 0,
    dev === undefined ? 1 : 0,
    dev ?? 0,
  ];
}

/** No local sorts before any local; strings sort before numbers; a prefix sorts first. */
function compareLocal(a: readonly LocalPart[] | undefined, b: readonly LocalPart[] | undefined): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    const xs = typeof x === 'string';
    const ys = typeof y === 'string';
    if (xs !== ys) return xs ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** <0, 0, >0 exactly as packaging orders versions. */
export function compareVersions(a: Version, b: Version): number {
  return Version.compare(a, b);
}

// --- parsing -------------------------------------------------------------------------------------------

// Python's `\s` for str patterns (str.isspace); JS `\s` differs slightly (it has U+FEFF, lacks U+001C-1F, U+0085).
const WS = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** Python whitespace characters as a regex character class, for the specifier grammar. */
export const PY_WHITESPACE = WS;

/** Python's str.isspace() for one UTF-16 code unit. */
export function isPyWhitespace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) || (code >= 0x1c && code <= 0x20) || code === 0x85 || code === 0xa0 ||
    code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000
  );
}

/** Python's str.strip(), in linear time (a `\s+$` regex is quadratic on long inner runs of spaces). */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPyWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

// packaging's VERSION_PATTERN. Without the `u` flag, `i` only folds ASCII letters onto ASCII letters, which
// matches packaging's `(?a:...)` groups (so `ſ`, `ı` or the Kelvin sign never match `s`, `i`, `k`).
const VERSION_RE = new RegExp(
  `^${WS}*v?` +
    '(?:([0-9]+)!)?' + // epoch
    '([0-9]+(?:\\.[0-9]+)*)' + // release
    '(?:[._-]?(alpha|a|beta|b|preview|pre|c|rc)[._-]?([0-9]+)?)?' + // pre
    '(?:-([0-9]+)|[._-]?(post|rev|r)[._-]?([0-9]+)?)?' + // post
    '(?:[._-]?(dev)[._-]?([0-9]+)?)?' + // dev
    '(?:\\+([a-z0-9]+(?:[._-][a-z0-9]+)*))?' + // local
    `${WS}*$`,
  'i',
);
const SIMPLE_RE = /^[0-9]+(?:\.[0-9]+)*$/;
const LOCAL_SEPARATOR = /[._-]/;
const DIGITS = /^[0-9]+$/;

const PRE_SPELLINGS: Record<string, PreLabel> = {
  a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc',
};

/** A Map that forgets its oldest quarter when full, so a burst of new keys never empties it at once. */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.size >= this.limit) {
      let drop = this.limit >> 2;
      for (const k of this.map.keys()) {
        if (drop-- <= 0) break;
        this.map.delete(k);
      }
    }
    this.map.set(typeof key === 'string' ? (detached(key) as K) : key, value);
  }
}

/**
 * The same string, not sharing memory with a larger one. V8 makes a slice of a long string point into its parent, so
 * a cache keyed by a slice of a document would keep the whole document alive; flattening `' ' + s` copies it first.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

const cache = new BoundedCache<string, Version | null>(50000);

/** Parses a PEP 440 version; null when packaging would raise InvalidVersion. Results are cached. */
export function parseVersion(text: string): Version | null {
  if (typeof text !== 'string') return null;
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(text);
  cache.set(text, parsed);
  return parsed;
}

function parseUncached(text: string): Version | null {
  if (SIMPLE_RE.test(text)) return Version.from(releaseOf(text));
  const m = VERSION_RE.exec(text);
  if (!m) return null;
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  return Version.from({
    epoch: epoch ? Number(epoch) : 0,
    ...releaseOf(release),
    pre: preL ? [PRE_SPELLINGS[preL.toLowerCase()], Number(preN ?? 0)] : undefined,
    post: postN1 !== undefined ? Number(postN1) : postL ? Number(postN2 ?? 0) : undefined,
    dev: devL ? Number(devN ?? 0) : undefined,
    local: local ? parseLocal(local) : undefined,
  });
}

function parseLocal(local: string): LocalPart[] {
  return local.split(LOCAL_SEPARATOR).map((part) => (DIGITS.test(part) ? Number(part) : part.toLowerCase()));
}

/** Accepts a Version or a string; null for an unparsable string. */
export function toVersion(v: string | Version): Version | null {
  return typeof v === 'string' ? parseVersion(v) : v instanceof Version ? v : null;
}
