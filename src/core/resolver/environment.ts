// An engine environment as the resolver's root requirements.
import type { Environment, PinnedRequirement } from '../engine/environment';
import { VersionSet } from '../pep440/intervals';
import type { RootRequirement } from './types';

/**
 * Environments with more requirements than this are not resolved: the resolver's work grows with the square of the
 * packages (each round looks at every open one, as pip's does). A 1,000-pin pip-compile file resolves in about a
 * second (`npm run bench`, resolve rows); a 10,000-line file would take minutes. A check says so in a
 * `resolution-skipped` information finding; findings from the rules still cover such environments.
 */
export const MAX_RESOLVED_ROOTS = 1000;

/** One pin as a root requirement (its specifier replaced when `specifier` is given); `origin.ref` is the Requirement. */
export function rootOf(pin: PinnedRequirement, specifier = pin.requirement.specifier, display?: (path: string) => string): RootRequirement {
  const r = pin.requirement;
  if (display || specifier !== r.specifier) return makeRoot(pin, specifier, display);
  // A pin as written, the same object again for the same Requirement (a file read again keeps its unchanged lines'
  // Requirements, ../formats/requirements/simple.ts): its text stays one string, read and hashed once by the
  // resolver's per-text caches, and what the resolver derives per root is found again (pip.ts, prepareRoots).
  const known = ROOT_OF_PIN.get(r);
  if (known && known.path === pin.path && known.constraint === pin.constraintOnly) return known.root;
  const root = makeRoot(pin, specifier);
  ROOT_OF_PIN.set(r, { root, path: pin.path, constraint: pin.constraintOnly });
  return root;
}

const ROOT_OF_PIN = new WeakMap<PinnedRequirement['requirement'], { root: RootRequirement; path: string; constraint: boolean }>();

function makeRoot(pin: PinnedRequirement, specifier: string, display?: (path: string) => string): RootRequirement {
  const r = pin.requirement;
  const extras = r.extras.length ? `[${r.extras.join(',')}]` : '';
  const body = r.url && !specifier ? `${r.name}${extras} @ ${r.url}` : `${r.name}${extras}${specifier}`;
  return { requirement: r.marker ? `${body} ; ${r.marker}` : body, constraint: pin.constraintOnly, origin: { path: display ? display(pin.path) : pin.path, line: r.range.start.line, ref: r } };
}

/** The environment's pins in the order they are written (pip's order of preference uses it). */
export function orderedPins(env: Environment): PinnedRequirement[] {
  const pins = [...env.packages.values()].flatMap((p) => p.pins);
  const fileOrder = new Map<string, number>();
  for (const p of pins) if (!fileOrder.has(p.path)) fileOrder.set(p.path, fileOrder.size);
  return pins.sort((a, b) => fileOrder.get(a.path)! - fileOrder.get(b.path)! ||
    a.requirement.range.start.line - b.requirement.range.start.line || a.requirement.range.start.character - b.requirement.range.start.character);
}

/** The environment's requirements as roots, with the constraint-only sets of packages nothing installs. Without
 *  `display`, made once per environment (read-only): a check asks for them to resolve, again for the requirements
 *  left beside a conflict, and the server's live indexes once more. */
export function rootsOf(env: Environment, display?: (path: string) => string): readonly RootRequirement[] {
  if (display) return makeRoots(env, display);
  let roots = ROOTS.get(env);
  if (!roots) ROOTS.set(env, (roots = makeRoots(env)));
  return roots;
}

const ROOTS = new WeakMap<Environment, readonly RootRequirement[]>();

function makeRoots(env: Environment, display?: (path: string) => string): RootRequirement[] {
  const roots = orderedPins(env).map((p) => rootOf(p, p.requirement.specifier, display));
  for (const [name, set] of env.constraints) {
    const text = specifierText(set);
    if (text !== undefined) roots.push({ requirement: `${name}${text}`, constraint: true });
  }
  return roots;
}

/** How many roots rootsOf gives, without making them: a check asks this first and makes none for an environment over
 *  the bound (a 10,000-line lock file). */
export function rootCount(env: Environment): number {
  let n = 0;
  for (const p of env.packages.values()) n += p.pins.length;
  for (const set of env.constraints.values()) if (specifierText(set) !== undefined) n++;
  return n;
}

function specifierText(set: VersionSet): string | undefined {
  if (set.isAll()) return '';
  const text = set.toString();
  if (text.includes(' or ') || set.isEmpty()) return undefined;
  return text.replace(/\s+/g, '');
}
