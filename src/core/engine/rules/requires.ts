// `requires` rules: conflicts that metadata declares (torchvision 0.17 requires torch 2.2).
import { compareVersions, parseVersion } from '../../pep440';
import { VersionSet } from '../../pep440/intervals';
import type { Fix } from '../../types';
import { replaceSpecifier, writtenSpecifier } from '../edits';
import type { Environment, EnvironmentPackage, PinnedRequirement } from '../environment';
import type { CompiledRequires, CompiledRow } from '../knowledge';
import { describeSet, displayName, renderMessage } from '../messages';
import { applicableRows, rowsMeeting, type Sets } from './sets';
import { pinnedBuild } from './accelerator-variant';
import { finalSeverity, pinsFor, relatedPins, requirementText, type EvalContext, type PlacedFinding } from './context';

interface Cell { versions: VersionSet; requires: Map<string, VersionSet>; covered: boolean }

/** Cells per rule rows and pin set: a workspace repeats the same pins, and a keystroke leaves most pins as they were
 *  (sets of the same specifier are one object). Weak on both keys: they live as long as the knowledge and the sets. */
const CELLS = new WeakMap<readonly CompiledRow[], WeakMap<VersionSet, readonly Cell[]>>();
/** The packages rule rows speak about, per rows. */
const DEPENDENCIES = new WeakMap<readonly CompiledRow[], string[]>();

function cachedCells(s: VersionSet, rows: readonly CompiledRow[]): readonly Cell[] {
  let bySet = CELLS.get(rows);
  if (!bySet) CELLS.set(rows, (bySet = new WeakMap()));
  let cells = bySet.get(s);
  if (!cells) bySet.set(s, (cells = cellsOf(s, rows)));
  return cells;
}

function dependenciesOf(rows: readonly CompiledRow[]): string[] {
  let deps = DEPENDENCIES.get(rows);
  if (!deps) DEPENDENCIES.set(rows, (deps = [...new Set(rows.flatMap((r) => [...r.requires.keys()]))]));
  return deps;
}

/** Splits `s` by the rows' version sets; each cell carries the intersection of what every covering row requires. */
function cellsOf(s: VersionSet, rows: readonly CompiledRow[]): Cell[] {
  let cells: Cell[] = [{ versions: s, requires: new Map(), covered: false }];
  // Most rows (one per release range of a package) lie elsewhere on the version line: they leave the cells as they are.
  for (const row of rowsMeeting(rows, s)) {
    const next: Cell[] = [];
    for (const cell of cells) {
      const inside = cell.versions.intersect(row.versions);
      if (inside.isEmpty()) { next.push(cell); continue; }
      const outside = cell.versions.minus(row.versions);
      const req = new Map(cell.requires);
      for (const [q, r] of row.requires) req.set(q, (req.get(q) ?? VersionSet.all()).intersect(r));
      next.push({ versions: inside, requires: req, covered: true });
      if (!outside.isEmpty()) next.push({ ...cell, versions: outside });
    }
    cells = next;
    if (cells.length > 256) break; // a pathological rule; stay bounded
  }
  return cells;
}

export function requires(c: CompiledRequires, env: Environment, sets: Sets, ctx: EvalContext): PlacedFinding[] {
  const rule = c.rule;
  const s = env.packages.get(rule.package)?.admitted;
  if (!s || s.isEmpty()) return [];
  const rows = applicableRows(c.rows, env, rule.package, sets.pythons);
  // Versions above the snapshot's newest release, when that is the registry's newest, are no releases at all: they
  // neither conflict nor rescue. A pin entirely above it is unknown.
  const existing = ctx.knowledge.current?.get(rule.package);
  // The rule's own rows (no extra or Python row left out) are what most pins read: their cells are remembered.
  const cells = (rows === c.rows ? cachedCells(s, rows) : cellsOf(s, rows)).filter((cell) => !existing || cell.versions.intersects(existing));
  if (!cells.length) return [];
  // The other side includes packages installed implicitly, narrowed by what the rest of the environment declares.
  const setOf = (q: string) => sets.admitted.get(q);
  const others = new Set((rows === c.rows ? dependenciesOf(rows) : rows.flatMap((r) => [...r.requires.keys()])).filter((q) => setOf(q)));
  if (!others.size) return [];
  const consistent = cells.some((cell) => !cell.covered ||
    [...cell.requires].every(([q, r]) => !setOf(q) || setOf(q)!.intersects(r)));
  if (consistent) return [];
  const severity = finalSeverity(rule.code, 'error', rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  // The packages whose pins collide, and what the pinned versions require of them.
  const needed = new Map<string, VersionSet>();
  for (const cell of cells) for (const [q, r] of cell.requires) if (setOf(q)) needed.set(q, (needed.get(q) ?? VersionSet.empty()).union(r));
  const conflicting = [...needed.keys()].filter((q) => !setOf(q)!.intersects(needed.get(q)!));
  const message = renderMessage(rule.message, {
    requirement: (p) => requirementText(env, p, sets),
    admitted: (p) => describeSet(setOf(p) ?? VersionSet.all()),
    version: (p) => describeSet(setOf(p) ?? VersionSet.all()),
    requires: (p) => describeSet(needed.get(p) ?? VersionSet.all()),
  }, {});
  const related = relatedPins(env, conflicting, (q) => `${displayName(rule.package)} ${describeSet(s)} requires ${displayName(q)} ${describeSet(needed.get(q)!)}`);
  return pinsFor(env, rule.package, sets).map((pin) => ({
    path: pin.path,
    finding: {
      code: rule.code, severity, message, packages: [rule.package, ...conflicting], range: pin.requirement.range,
      fixes: rule.companion ? companionFixes(c, env, pin, conflicting, ctx) : [], related,
      explanation: rule.explanation, sources: rule.sources,
    },
  }));
}

/** Align a companion (torchvision) with its anchor's pin (torch), keeping the anchor's local label. */
function companionFixes(c: CompiledRequires, env: Environment, pin: PinnedRequirement, conflicting: string[], ctx: EvalContext): Fix[] {
  const anchorName = conflicting[0];
  const anchor = anchorName ? env.packages.get(anchorName) : undefined;
  if (!anchor) return [];
  const label = localLabel(anchor);
  // The rows whose requirement the anchor's pin satisfies; prefer exact versions, newest first.
  const rows = c.rows.filter((r) => { const q = r.requires.get(anchorName); return q && anchor.admitted.intersects(q); });
  const exact = rows.map((r) => /^==\s*([^*,]+)$/.exec(r.raw.versions.trim())?.[1]).filter((v): v is string => !!v && !!parseVersion(v));
  exact.sort((a, b) => compareVersions(parseVersion(b)!, parseVersion(a)!));
  const version = exact[0];
  if (!version) return [];
  const spec = `==${version}${label ? `+${label}` : ''}`;
  const current = writtenSpecifier(pin.requirement, ctx.texts.get(pin.path));
  if (current === spec) return [];
  return [{ title: `Align ${displayName(c.rule.package)} with ${displayName(anchorName)}: ${displayName(c.rule.package)}${spec}`, applicability: 'safe',
    edits: [replaceSpecifier(pin.path, pin.requirement, spec, ctx.texts.get(pin.path))] }];
}

function localLabel(pkg: EnvironmentPackage): string | undefined {
  for (const p of pkg.pins) {
    const build = pinnedBuild(p.requirement.specifier);
    if (build) return build.label;
  }
  return undefined;
}
