// Resolutions remembered over one unchanging metadata source. The language server checks the same requirement sets
// again and again (a keystroke re-checks a group whose other environments did not change; a thousand folders repeat a
// few requirement files), and a resolution, with its explanation when nothing installs, is the costliest part of a
// check. A result depends on the roots' text, their order and kinds, the target environment and the source; not on
// where the roots were written, except in the words of a conflict ("you require torch>=2.3 (pyproject.toml:12)").
// So a resolution is made once with placeholder origins and handed back with the caller's own origins put in.
//
// The source must not change while a memo is in use: whoever layers live answers over the snapshot makes a new memo
// when answers arrive (src/server/live.ts), which is how arriving metadata invalidates what was remembered.
import { resolve } from './index';
import type { ConflictCause, MetadataSource, ResolveOptions, ResolveResult, RootRequirement } from './types';

/** Results remembered per memo at most (least recently used first out): a few MB for typical environments. */
export const MEMO_ENTRIES = 1000;

/** A stand-in path no manifest path contains: `\u0001<root index>\u0001`. */
const TOKEN = /\u0001(\d+)\u0001/g;

export class ResolveMemo {
  /** Roots key -> options key -> result. Two levels: a check asks for the same roots on each Python in turn, and the
   *  long roots key is built (and hashed) once per roots list. Least recently used roots first out. */
  private readonly results = new Map<string, Map<string, ResolveResult>>();
  private count = 0;
  hits = 0;
  misses = 0;

  constructor(readonly source: MetadataSource, private readonly max = MEMO_ENTRIES) {}

  get size(): number {
    return this.count;
  }

  /** As `resolve(roots, this.source, options)`. `origins: false` for a caller that reads whether and what installs,
   *  never a conflict's words or roots: a conflict then comes back with placeholders for the roots, as remembered. */
  resolve(roots: RootRequirement[], options: ResolveOptions, origins = true): ResolveResult {
    const rootsKey = rootsKeyOf(roots);
    const optionsKey = optionsKeyOf(options);
    let inner = this.results.get(rootsKey);
    let result = inner?.get(optionsKey);
    if (inner && result) {
      this.hits++;
      inner.delete(optionsKey); // most recently used last
    } else {
      this.misses++;
      const placeholders = roots.map((r, i): RootRequirement => {
        const origin = r.origin ? (r.origin.path ? { path: `\u0001${i}\u0001` } : {}) : undefined;
        const p: RootRequirement = { ...r, origin };
        if (!origin) delete p.origin;
        PLACE.set(p, i);
        if (origin) PLACE.set(origin, i);
        return p;
      });
      result = resolve(placeholders, this.source, options);
      if (this.count >= this.max) this.evict();
      inner ??= new Map();
      this.count++;
    }
    inner.set(optionsKey, result);
    this.results.delete(rootsKey);
    this.results.set(rootsKey, inner);
    return origins ? withOrigins(result, roots) : result;
  }

  /** Drops the oldest result of the least recently used roots. */
  private evict(): void {
    const [key, inner] = this.results.entries().next().value as [string, Map<string, ResolveResult>];
    inner.delete(inner.keys().next().value as string);
    this.count--;
    if (!inner.size) this.results.delete(key);
  }
}

/** Marker environment -> its text (targetEnvironment hands out one object per Python and platform). */
const ENVIRONMENT_KEYS = new WeakMap<object, string>();
/** Roots list -> its key: a check resolves one list on each Python in turn. Callers build a list per question and do not
 *  change it afterwards. */
const ROOTS_KEYS = new WeakMap<RootRequirement[], string>();

function optionsKeyOf(options: ResolveOptions): string {
  let env = ENVIRONMENT_KEYS.get(options.environment);
  if (env === undefined) ENVIRONMENT_KEYS.set(options.environment, (env = JSON.stringify(options.environment)));
  return `${options.prereleases ? 1 : 0}${options.maxSteps ?? ''}\u0000${options.describedOnly?.join(',') ?? ''}\u0000${env}`;
}

/** What a result depends on of the roots, as one string: their kinds, each text's length and the text (unambiguous).
 *  Built by concatenation, once per list: a 50-pin environment is looked up a dozen times per check. */
function rootsKeyOf(roots: RootRequirement[]): string {
  let key = ROOTS_KEYS.get(roots);
  if (key === undefined) {
    key = '';
    for (const r of roots) key += `${r.constraint ? 1 : 0}${r.origin ? (r.origin.path ? 2 : 1) : 0}${r.requirement.length}:${r.requirement}`;
    ROOTS_KEYS.set(roots, key);
  }
  return key;
}


/** Placeholder root or origin -> the index of the root it stands for. */
const PLACE = new WeakMap<object, number>();

/** A remembered result with the caller's roots and origins in place of the placeholders. */
function withOrigins(result: ResolveResult, roots: RootRequirement[]): ResolveResult {
  if (result.ok || result.reason !== 'conflict') return result;
  const own = <T>(placeholder: object | undefined, pick: (r: RootRequirement) => T): T | undefined => {
    const i = placeholder ? PLACE.get(placeholder) : undefined;
    return i === undefined ? undefined : pick(roots[i]);
  };
  const where = (i: string) => {
    const o = roots[Number(i)]?.origin;
    return `${o?.path ?? ''}${o?.line !== undefined ? `:${o.line + 1}` : ''}`;
  };
  const { conflict } = result;
  return {
    ...result,
    conflict: {
      ...conflict,
      message: conflict.message.replace(TOKEN, (_, i: string) => where(i)),
      roots: conflict.roots.map((r) => own(r, (x) => x)).filter((r): r is RootRequirement => r !== undefined),
      causes: conflict.causes.map((c): ConflictCause => ('origin' in c ? { ...c, origin: own(c.origin, (x) => x.origin) } : c)),
    },
  };
}
