// Values derived from a pair of objects, remembered weakly on both: the engine's inputs (a pin's version set, a
// package's metadata, the knowledge's rows) are one object per text or per load, and a keystroke leaves all but one as
// they were, so what was derived from them is found again, and stays the same object for what is derived from it next.

/** What `make(a, b)` gives, remembered in `memo` per the two objects (`make` a function of its arguments alone, made
 *  once at module level: a function literal in the call would be made on every call). */
export function keptPer<A extends object, B extends object, V>(memo: WeakMap<A, WeakMap<B, V>>, a: A, b: B, make: (a: A, b: B) => V): V {
  let byB = memo.get(a);
  if (!byB) memo.set(a, (byB = new WeakMap()));
  let value = byB.get(b);
  if (value === undefined && !byB.has(b)) byB.set(b, (value = make(a, b)));
  return value as V;
}
