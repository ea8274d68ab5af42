// `requires` rules: conflicts that metadata declares (torchvision 0.17 requires torch 2.2).
import { compareVersions, parseVersion } from '../../pep440';
import { VersionSet } from '../../pep440/intervals';
import { keptPer } from '../../kept';
import type { Fix, Severity, TextEdit } from '../../types';
import type { FixOption } from '../../rules/types';
import { replaceSpecifier, writtenSpecifier } from '../edits';
import type { Environment, EnvironmentPackage, PinnedRequirement } from '../environment';
import type { CompiledRequires, CompiledRow } from '../knowledge';
import { describeSet, displayName, renderMessage } from '../messages';
import { applicableRows, rowsMeeting, topIn, type Sets, type SetsByName } from './sets';
import { pinnedBuild } from './accelerator-variant';
import { incompatibleFixes } from './incompatible';
import { finalSeverity, installerText, pinsFor, relatedPins, requirementText, type EvalContext, type PlacedFinding } from './context';

/** A piece of the package's version line: what the rows covering it require, and whether one of them is an import
 *  check rather than a declaration (`importCheck`). */
interface Cell { versions: VersionSet; requires: Map<string, VersionSet>; covered: boolean; checked?: boolean }

/** Cells per rule rows and pin set: a workspace repeats the same pins, and a keystroke leaves most pins as they were
 *  (sets of the same specifier are one object). Weak on both keys: they live as long as the knowledge and the sets. */
const CELLS = new WeakMap<readonly CompiledRow[], WeakMap<VersionSet, readonly Cell[]>>();
/** The packages rule rows speak about, per rows. */
const DEPENDENCIES = new WeakMap<readonly CompiledRow[], string[]>();

function cachedCells(s: VersionSet, rows: readonly CompiledRow[]): readonly Cell[] {
  return keptPer(CELLS, rows, s, cellsOf);
}

function dependenciesOf(rows: readonly CompiledRow[]): string[] {
  let deps = DEPENDENCIES.get(rows);
  if (!deps) DEPENDENCIES.set(rows, (deps = [...new Set(rows.flatMap((r) => [...r.requires.keys()]))]));
  return deps;
}

/** The cells with versions that exist (per cells and the snapshot's releases of the package: both kept while the
 *  knowledge lives). */
const EXISTING = new WeakMap<readonly Cell[], { existing: VersionSet; cells: readonly Cell[] }>();

function existingCells(cells: readonly Cell[], existing: VersionSet | undefined): readonly Cell[] {
  if (!existing) return cells;
  const known = EXISTING.get(cells);
  if (known?.existing === existing) return known.cells;
  const out = cells.filter((cell) => cell.versions.intersects(existing));
  EXISTING.set(cells, { existing, cells: out });
  return out;
}

/** Every package the cell requires that the environment has (`admitted`) meets what it requires. */
function meetsAll(requires: Map<string, VersionSet>, admitted: SetsByName): boolean {
  for (const [q, r] of requires) {
    const set = admitted.get(q);
    if (set && !set.intersects(r)) return false;
  }
  return true;
}

/** Some cell is not covered by a row, or meets what its rows require: pip finds an allowed pair. Loops, not closures:
 *  every `requires` rule of every package in the environment asks this on each keystroke. */
function somePairMeets(cells: readonly Cell[], admitted: SetsByName): boolean {
  for (const cell of cells) if (!cell.covered || meetsAll(cell.requires, admitted)) return true;
  return false;
}

/** The environment has one of these packages. */
function hasAny(names: readonly string[], admitted: SetsByName): boolean {
  for (const q of names) if (admitted.get(q)) return true;
  return false;
}

/** Splits `s` by the rows' version sets; each cell carries the intersection of what every covering row requires. */
function cellsOf(rows: readonly CompiledRow[], s: VersionSet): Cell[] {
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
      next.push({ versions: inside, requires: req, covered: true, ...(cell.checked || row.importCheck ? { checked: true } : {}) });
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
  // Applicable rows are one array per answer (./sets.ts): their cells are remembered.
  const cells = existingCells(cachedCells(s, rows), existing);
  if (!cells.length) return [];
  // The other side includes packages installed implicitly, narrowed by what the rest of the environment declares.
  if (!hasAny(dependenciesOf(rows), sets.admitted)) return [];
  // Some allowed pair meets what the releases declare: pip finds it. What a release only checks at import is judged
  // as a break instead (importBreak).
  if (somePairMeets(cells, sets.admitted)) return importBreak(c, env, sets, ctx, rows, cells);
  const setOf = (q: string) => sets.admitted.get(q);
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
  // An import check pip is not told of leaves no resolution conflict whose upgrades would mend it: one release checked
  // (an exact pin) is mended by keeping the other side within what it accepts.
  const keepWithin = !rule.companion && cells.length === 1 && cells[0].checked ? requireFixes(conflicting.map((q) => [q, needed.get(q)!]), rule.package) : [];
  const memo = new Map<FixOption, TextEdit[] | undefined>();
  return pinsFor(env, rule.package, sets).map((pin) => ({
    path: pin.path,
    // pip refuses the pair (for rows it is told of; an import check's pair installs and fails at import instead).
    refusal: true as const,
    finding: {
      code: rule.code, severity, message, packages: [rule.package, ...conflicting], range: pin.requirement.range,
      fixes: rule.companion ? companionFixes(c, env, pin, conflicting, ctx) : keepWithin.length ? incompatibleFixes(keepWithin, env, pin, ctx, memo) : [],
      related, explanation: rule.explanation, sources: rule.sources,
    },
  }));
}

/** Fixes that keep each package within the set a release accepts of it, added next to `anchor` where it is not pinned. */
function requireFixes(within: [string, VersionSet][], anchor: string): FixOption[] {
  return within.flatMap(([q, r]) => {
    const specifier = specifierOf(r);
    return specifier ? [{ kind: 'require' as const, package: q, specifier, anchor }] : [];
  });
}

/**
 * Rows a package checks at import and does not declare (jax 0.4.0–0.4.29 accept only the jaxlib between their minimum
 * and their own version, and name jaxlib only in extras): pip installs a pair outside them, so they are judged as a
 * break (docs/severity.md, first table) where some allowed pair meets them. An error when the pair a new install
 * takes breaks (pip's picks, else the newest allowed); a warning when the floor written at the package's pin admits a
 * release that some allowed version of the other side breaks. Nothing below that: two ranges of a release window
 * nearly always admit some mismatched pair, and information about every one would be noise.
 */
function importBreak(c: CompiledRequires, env: Environment, sets: Sets, ctx: EvalContext, rows: readonly CompiledRow[], cells: readonly Cell[]): PlacedFinding[] {
  if (!cells.some((cell) => cell.checked)) return [];
  const rule = c.rule;
  const admittedOf = (q: string) => sets.admitted.get(q);
  // The other side as the environment brings it: a package the rule's own package installs (jax 0.4.30 on installs
  // jaxlib) is not there beside the releases that do not install it.
  const present = (q: string) => !!admittedOf(q) && sets.implicit.get(q) !== rule.package;
  const existing = ctx.knowledge.current?.get(rule.package);
  const s = sets.admitted.get(rule.package)!;
  // The pair a new install takes: the cell holding the top of the package's fresh set, against the others' fresh tops.
  const freshSet = sets.fresh.get(rule.package) ?? s;
  const top = existingCells(cachedCells(freshSet, rows), existing).find((cell) => cell.versions.sameUpperEnd(freshSet));
  const freshBroken = top?.checked ? [...top.requires].filter(([q, r]) => present(q) && !topIn(sets.fresh.get(q) ?? admittedOf(q)!, r)) : [];
  let witness: { cell: Cell; broken: [string, VersionSet][]; severity: Severity; admittedOnly: boolean; note: string } | undefined;
  if (top && freshBroken.length) {
    const took = freshBroken.map(([q]) => freshText(q, sets.fresh.get(q) ?? admittedOf(q)!, sets)).join(' and ');
    witness = { cell: top, broken: freshBroken, severity: 'error', admittedOnly: false,
      note: `A new install takes ${freshText(rule.package, freshSet.intersect(top.versions), sets)} with ${took}.` };
  } else {
    // The lowest release the written floor admits, when an allowed version of the other side breaks it.
    const floor = cells.find((cell) => cell.checked && lowest(cell.versions, s));
    const pin = env.packages.get(rule.package)?.pins.find((p) => !p.constraintOnly && VersionSet.fromSpecifierSet(p.requirement.specifier).lowerBound());
    const broken = floor ? [...floor.requires].filter(([q, r]) => present(q) && !admittedOf(q)!.isSubsetOf(r)) : [];
    if (floor && pin && broken.length) {
      const low = s.lowerBound()!.version.toString();
      witness = { cell: floor, broken, severity: 'warning', admittedOnly: true,
        note: `The floor written here allows ${displayName(rule.package)} ${low}, which an environment can keep while ${broken.map(([q]) => displayName(q)).join(' and ')} moves on.` };
    }
  }
  if (!witness) return [];
  const severity = finalSeverity(rule.code, witness.severity, rule.maxSeverity, ctx.settings, witness.admittedOnly);
  if (!severity) return [];
  const needed = new Map(witness.broken);
  const message = `${renderMessage(rule.message, {
    requirement: (p) => requirementText(env, p, sets),
    admitted: (p) => describeSet(p === rule.package ? witness!.cell.versions.intersect(s) : (admittedOf(p) ?? VersionSet.all()).minus(needed.get(p) ?? VersionSet.empty())),
    version: (p) => describeSet(admittedOf(p) ?? VersionSet.all()),
    requires: (p) => describeSet(needed.get(p) ?? VersionSet.all()),
  }, {})} ${witness.note}`;
  const others = [...needed.keys()];
  const related = relatedPins(env, others, (q) => `${displayName(rule.package)} ${describeSet(witness!.cell.versions.intersect(s))} accepts only ${displayName(q)} ${describeSet(needed.get(q)!)} at import`);
  // The pair a new install takes is mended by keeping the other side within what the release it takes accepts.
  const options = witness.admittedOnly ? [] : requireFixes(witness.broken, rule.package);
  const memo = new Map<FixOption, TextEdit[] | undefined>();
  return pinsFor(env, rule.package, sets).map((pin) => ({
    path: pin.path,
    finding: {
      code: rule.code, severity, message, packages: [rule.package, ...others], range: pin.requirement.range,
      fixes: options.length ? incompatibleFixes(options, env, pin, ctx, memo) : [], related, explanation: rule.explanation, sources: rule.sources,
    },
  }));
}

/** One interval as a specifier (`>=0.4.14,<=0.4.20`); undefined for anything else. */
function specifierOf(set: VersionSet): string | undefined {
  const parts = set.intervals();
  if (parts.length !== 1) return undefined;
  const { lower, upper } = parts[0];
  const out = [lower && `${lower.inclusive ? '>=' : '>'}${lower.version.toString()}`, upper && `${upper.inclusive ? '<=' : '<'}${upper.version.toString()}`].filter(Boolean);
  return out.length ? out.join(',') : undefined;
}

/** The cell holds the lowest version of `s` (cells split `s`). */
function lowest(cell: VersionSet, s: VersionSet): boolean {
  const a = cell.lowerBound();
  const b = s.lowerBound();
  return !!a && !!b && a.inclusive === b.inclusive && compareVersions(a.version, b.version) === 0;
}

/** What a fresh install takes of `pkg` from its fresh set, in words: its newest version when that is bounded, else the
 *  newest release. */
function freshText(pkg: string, set: VersionSet, sets: Sets): string {
  const hi = set.upperBound();
  const text = hi?.inclusive ? `${displayName(pkg)} ${hi.version.toString()}` : hi ? `the newest ${displayName(pkg)} below ${hi.version.toString()}` : `the newest ${displayName(pkg)}`;
  return sets.implicit.has(pkg) ? `${text} (installed by ${installerText(pkg, sets)})` : text;
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
