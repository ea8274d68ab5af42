// resolvelib's stack of resolution states, kept as one live state and an undo log per level. resolvelib copies the
// whole state (every pin and every criterion) on each round, to backjump to it; for a few hundred packages that copy
// was the largest cost of a resolution, and of a keystroke that re-resolves a file that installs. Here each level
// records what changed while it was the top, and popping a level undoes that: the state of every level, the order
// of its entries included, is the one the copy would have held.

/** A Map that records each change in the current level's undo log. Iteration and order are the live Map's; `live`
 *  is read directly where a read is hot, never written. */
export class LoggedMap<V> {
  constructor(readonly live: Map<string, V>, private readonly log: () => Undo[]) {}

  get(key: string): V | undefined { return this.live.get(key); }
  has(key: string): boolean { return this.live.has(key); }
  [Symbol.iterator](): IterableIterator<[string, V]> { return this.live[Symbol.iterator](); }

  set(key: string, value: V): this {
    const had = this.live.has(key);
    this.log().push(had ? { map: this.live as Map<string, unknown>, key, old: this.live.get(key) } : { map: this.live as Map<string, unknown>, key, added: true });
    this.live.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    if (!this.live.has(key)) return false;
    // Put back where it was when undone (a Map appends what is set again).
    let at = 0;
    for (const k of this.live.keys()) { if (k === key) break; at++; }
    this.log().push({ map: this.live as Map<string, unknown>, key, old: this.live.get(key), removedAt: at });
    return this.live.delete(key);
  }

  /** The last key in order (resolvelib's `mapping.popitem()` reads it). */
  lastKey(): string | undefined {
    let last: string | undefined;
    for (const k of this.live.keys()) last = k;
    return last;
  }
}

export type Undo =
  | { map: Map<string, unknown>; key: string; added: true }
  | { map: Map<string, unknown>; key: string; old: unknown; removedAt?: number };

/** Undoes a level's changes, newest first. */
export function undo(log: Undo[]): void {
  for (let i = log.length - 1; i >= 0; i--) {
    const u = log[i];
    if ('added' in u) { u.map.delete(u.key); continue; }
    if (u.removedAt === undefined) { u.map.set(u.key, u.old); continue; }
    // Re-inserted at its place: the entries after it are appended again behind it.
    const after = [...u.map].slice(u.removedAt);
    for (const [k] of after) u.map.delete(k);
    u.map.set(u.key, u.old);
    for (const [k, v] of after) u.map.set(k, v);
  }
}
