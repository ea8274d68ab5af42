// Which fix of a finding is applied without a look: the one rule every bulk fix follows (`ml-pins fix`, the JSON,
// SARIF and text outputs, the editor's preferred quick fix, fix-all and fix on save).
import type { Applicability, Fix } from '../types';

const RANK: Record<Applicability, number> = { safe: 0, 'needs-review': 1, unsafe: 2 };

/**
 * The fix bulk fixing (`ml-pins fix`, fix-all, fix on save) applies to a finding: its safest fix, when that is at
 * most `level` (safe by default; `needs-review` with `--unsafe-fixes`). `unsafe` fixes are only applied by hand.
 */
export function fixToApply(fixes: readonly Fix[], level: Applicability = 'safe'): Fix | undefined {
  let best: Fix | undefined;
  for (const f of fixes) if (RANK[f.applicability] <= RANK[level] && (!best || RANK[f.applicability] < RANK[best.applicability])) best = f;
  return best;
}

/** Sorts fixes safest first (a stable sort: the engine's order among equals stays). */
export function bySafety<T extends { applicability: Applicability }>(fixes: readonly T[]): T[] {
  return [...fixes].sort((a, b) => RANK[a.applicability] - RANK[b.applicability]);
}

/** The safer of two levels. */
export function safer(a: Applicability, b: Applicability): Applicability {
  return RANK[b] < RANK[a] ? b : a;
}
