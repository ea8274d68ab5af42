// pip's `PipProvider.get_preference` (pip 23.2) as a key: which unsatisfied requirement the resolver works on next,
// smallest key first. The parts that come from a criterion's information are read once per criterion (criteria are
// never changed in place, and every round asks for every unsatisfied one); the inferred depth and the backtrack
// causes are read each time.
import type { Criterion, Info, Req } from './pip';

/** Requires-Python first, then explicit candidates, `==` pins, causes of the last backtrack, inferred depth, the order
 *  the user wrote, constrained before free, then the name. */
export type Preference = [number, number, number, number, number, number, number, string];

interface Parts {
  direct: boolean;
  pinned: boolean;
  unfree: boolean;
  /** Each requirement's parent (undefined: a root). */
  parents: (string | undefined)[];
}

const PARTS = new WeakMap<Criterion, Parts>();

function partsOf(criterion: Criterion): Parts {
  let parts = PARTS.get(criterion);
  if (!parts) {
    let direct = false;
    let pinned = false;
    let unfree = false;
    for (const { req } of criterion.information) {
      if (req.kind === 'explicit' || (req.kind === 'python' && req.satisfied)) direct = true;
      if (req.kind === 'spec') {
        for (const s of req.spec.specifiers) {
          unfree = true;
          if (s.operator.startsWith('==')) pinned = true;
        }
      }
    }
    PARTS.set(criterion, (parts = { direct, pinned, unfree, parents: criterion.information.map((i) => i.parent?.ident) }));
  }
  return parts;
}

export function newPreference(): Preference {
  return [0, 0, 0, 0, 0, 0, 0, ''];
}

/** The key of `ident`, whose criterion is `criterion`, written into `key`: `requested` is its place among the roots,
 *  `depths` the depths inferred so far (this ident's is noted, as pip's `_known_depths`), `causes` the idents the
 *  backtrack causes name. */
export function preferenceOf(ident: string, criterion: Criterion, requested: number | undefined, depths: Map<string, number>,
  causes: ReadonlySet<string>, python: boolean, key: Preference): void {
  const { direct, pinned, unfree, parents } = partsOf(criterion);
  let depth: number;
  if (requested === undefined) {
    if (parents.length) {
      depth = Infinity;
      for (const p of parents) depth = Math.min(depth, p === undefined ? 0 : depths.get(p) ?? Infinity);
      depth += 1;
    } else depth = Infinity;
  } else depth = 1;
  depths.set(ident, depth);
  key[0] = python ? 0 : 1;
  key[1] = direct ? 0 : 1;
  key[2] = pinned ? 0 : 1;
  key[3] = causes.has(ident) ? 0 : 1;
  key[4] = depth;
  key[5] = requested ?? Infinity;
  key[6] = unfree ? 0 : 1;
  key[7] = ident;
}

export function compareKeys(a: Preference, b: Preference): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** The idents the last backtrack's causes name (their requirement's, and their parent's): pip prefers those. */
export function causeIdents(causes: readonly Info[]): ReadonlySet<string> {
  if (!causes.length) return NO_CAUSES;
  const out = new Set<string>();
  for (const c of causes) {
    out.add(reqName(c.req));
    if (c.parent) out.add(c.parent.ident);
  }
  return out;
}

const NO_CAUSES: ReadonlySet<string> = new Set();

/** The ident a requirement is on (an explicit candidate's is its base package). */
export function reqName(r: Req): string {
  return r.kind === 'explicit' ? r.cand.name : r.ident;
}
