// Evaluates the knowledge base against one environment. Severity comes from interval algebra over what the
// environment admits: see DESIGN in docs/rules.md. Every finding lands on a requirement the user wrote.
import { compareVersions, parseVersion } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { scopeTraits } from '../formats';
import type { Finding, Fix, PackageIndex, ParsedManifest, RelatedLocation, Severity, TextEdit } from '../types';
import type { AcceleratorRule, FixOption, VersionCondition } from '../rules/types';
import { applySeverity, type CheckSettings } from './config';
import { capBelow, insertAfter, nameEdit, raiseFloor, replaceSpecifier, writtenSpecifier } from './edits';
import type { Environment, EnvironmentPackage, PinnedRequirement } from './environment';
import { appliesOnPlatform, platformPrefix, ruleOf, type CompiledIncompatible, type CompiledPythonSupport, type CompiledRequires, type CompiledRow, type CompiledRule, type Knowledge } from './knowledge';
import { normalizeName } from '../text';
import { describeSet, displayName, renderMessage } from './messages';
import { pythonMinors, withMetadata } from '../metadata/derive';
import { fileName } from './environment';
import { indexFixes, indexServesPin, installerName, projectInstallEdit, projectInstalls, publicVersionFix } from './installer';

export interface EvalContext {
  knowledge: Knowledge;
  settings: CheckSettings;
  manifests: Map<string, ParsedManifest>;
  texts: Map<string, string>;
  /** Every environment of the project, for findings that name its other install paths. */
  environments?: Environment[];
  /** The versions pip picks for this environment (./resolution.ts): they are what a fresh install takes. */
  fresh?: ReadonlyMap<string, string>;
}

/** A finding with the file it belongs to. */
export interface PlacedFinding {
  path: string;
  finding: Finding;
}


/**
 * Version sets by package name: the environment's admitted sets with some narrowed or added, kept as changes over
 * the environment instead of a copy of it (environments of thousands of packages were copied twice per evaluation,
 * for the few packages the knowledge base speaks about). Reads and iteration order are those of the copied Map.
 */
class SetsByName {
  private readonly changes: Map<string, VersionSet>;

  constructor(private readonly packages: Map<string, EnvironmentPackage>, changes?: Map<string, VersionSet>) {
    this.changes = new Map(changes);
  }

  get(name: string): VersionSet | undefined {
    return this.changes.get(name) ?? this.packages.get(name)?.admitted;
  }

  has(name: string): boolean {
    return this.changes.has(name) || this.packages.has(name);
  }

  set(name: string, set: VersionSet): void {
    this.changes.set(name, set);
  }

  /** The environment's packages, then the names added, as a Map that got the same calls would list them. */
  names(): string[] {
    const names = [...this.packages.keys()];
    for (const name of this.changes.keys()) if (!this.packages.has(name)) names.push(name);
    return names;
  }

  copy(): SetsByName {
    return new SetsByName(this.packages, this.changes);
  }
}

/** Sets as the environment admits them, with implicit installs added and declared constraints applied. */
interface Sets {
  admitted: SetsByName;
  fresh: SetsByName;
  /** Packages present only because another installs them: name -> the installer's name. */
  implicit: Map<string, string>;
}

/** `top(s)` — what a fresh install takes — lies in `r`. */
export function topIn(s: VersionSet, r: VersionSet): boolean {
  const both = s.intersect(r);
  return !both.isEmpty() && both.sameUpperEnd(s);
}

function computeSets(env: Environment, k: Knowledge, targetPython?: string, picks?: ReadonlyMap<string, string>): Sets {
  const admitted = new SetsByName(env.packages);
  const implicit = new Map<string, string>();
  // Implicit installs, two levels deep (diffusers -> huggingface-hub; torchvision -> torch). Each level reads the
  // packages present when it starts; only those the knowledge says install something matter.
  for (let depth = 0; depth < 2; depth++) {
    const installers: [string, VersionSet][] = [];
    for (const name of admitted.names()) if (k.installs.has(name)) installers.push([name, admitted.get(name)!]);
    for (const [name, set] of installers) {
      for (const inst of k.installs.get(name)!) {
        if (!set.intersects(inst.versions)) continue;
        for (const q of inst.packages) {
          if (!admitted.has(q)) { admitted.set(q, env.constraints.get(q) ?? VersionSet.all()); implicit.set(q, name); }
        }
      }
    }
  }
  // The project's Pythons rule out releases without wheels for any of them (numpy 2 needs Python 3.9).
  const pythons = targetPython ? VersionSet.fromSpecifierSet(`==${targetPython}.*`) : env.python;
  if (pythons) {
    for (const name of admitted.names()) {
      for (const support of k.pythonSupportOf.get(name) ?? []) {
        let impossible = VersionSet.empty();
        for (const row of support.rows) if (!row.python.intersects(pythons)) impossible = impossible.union(row.versions);
        if (!impossible.isEmpty()) narrow(admitted, name, impossible.complement());
      }
    }
  }
  // Declared constraints: when every admitted version of P declares Q in R, Q is narrowed to R. For a fresh install,
  // the rows that hold the top of P's range narrow Q. P's set is read when P's turn comes (an earlier P may have
  // narrowed it).
  const fresh = admitted.copy();
  for (const name of admitted.names()) {
    const requires = k.requiresOf.get(name);
    if (!requires) continue;
    const set = admitted.get(name)!;
    // When the snapshot knows the newest release, a fresh install takes the newest admitted one that exists.
    const existing = k.current?.get(name);
    const topSet = existing && set.intersects(existing) ? set.intersect(existing) : set;
    for (const req of requires) {
      for (const row of applicableRows(req.rows, env, name, targetPython)) {
        const all = topSet.isSubsetOf(row.versions);
        const top = topIn(topSet, row.versions);
        for (const [q, r] of row.requires) {
          if (all) narrow(admitted, q, r);
          if (top || all) narrow(fresh, q, r);
        }
      }
    }
  }
  if (k.current?.size) {
    for (const name of fresh.names()) {
      const existing = k.current.get(name);
      const cur = existing && fresh.get(name);
      if (cur && existing && cur.intersects(existing)) fresh.set(name, cur.intersect(existing));
    }
  }
  // What pip picks is what a fresh install takes (backtracking may pick older releases than the newest admitted).
  if (picks) {
    for (const name of fresh.names()) {
      const v = picks.get(name);
      if (v && admitted.get(name)!.contains(v)) fresh.set(name, VersionSet.fromSpecifierSet(`==${v}`));
    }
  }
  return { admitted, fresh, implicit };
}

function narrow(sets: SetsByName, q: string, r: VersionSet): void {
  const cur = sets.get(q);
  if (!cur) return;
  const n = cur.intersect(r);
  if (!n.isEmpty()) sets.set(q, n);
}

export function evaluateEnvironment(env: Environment, outer: EvalContext): PlacedFinding[] {
  // The snapshot's declared facts for the packages named here replace the hand rows for those packages.
  const k = withMetadata(outer.knowledge, env.packages.keys(), pythonMinors(outer.settings.targetPython, env.python));
  const ctx: EvalContext = k === outer.knowledge ? outer : { ...outer, knowledge: k };
  const out: PlacedFinding[] = contradictions(env, ctx);
  // A package whose own pins allow no version is reported at those pins; rules about it would blame a third one.
  const impossible = new Set(out.flatMap((p) => p.finding.packages));
  const candidates = new Set<CompiledRule>();
  for (const name of env.packages.keys()) {
    const rules = k.byPackage.get(name);
    if (rules) for (const r of rules) if (!impossible.size || !ruleMentions(r).some((p) => impossible.has(p))) candidates.add(r);
  }
  if (!candidates.size) return out;
  const sets = computeSets(env, k, ctx.settings.targetPython, ctx.fresh);
  for (const rule of candidates) {
    if (!appliesOnPlatform(ruleOf(rule), ctx.settings.platform)) continue;
    const before = out.length;
    switch (rule.kind) {
      case 'incompatible': out.push(...incompatible(rule.c, env, sets, ctx)); break;
      case 'requires': out.push(...requires(rule.c, env, sets, ctx)); break;
      case 'python-support': out.push(...pythonSupport(rule.c, env, ctx)); break;
      case 'accelerator-variant': out.push(...accelerator(rule.rule, env, ctx)); break;
      case 'renamed': out.push(...renamed(rule.rule, rule.versions, env, ctx)); break;
      case 'exclusive': out.push(...exclusive(rule.rule, env, sets, ctx)); break;
    }
    const prefix = platformPrefix(ruleOf(rule));
    if (prefix) for (const p of out.slice(before)) p.finding = { ...p.finding, message: prefix + p.finding.message };
  }
  // A break that only an extra (or group) brings in says so: the pin it sits on is the base one.
  if (env.addition) {
    for (const p of out) if (!p.finding.message.includes(env.addition)) p.finding = { ...p.finding, message: `${p.finding.message} (with ${env.addition})` };
  }
  return out;
}

/** The packages a rule speaks about. */
function ruleMentions(rule: CompiledRule): string[] {
  switch (rule.kind) {
    case 'incompatible': return [...rule.c.when.keys()];
    case 'requires': return [rule.c.rule.package, ...rule.c.rows.flatMap((r) => [...r.requires.keys()])];
    case 'python-support': return [rule.c.rule.package];
    case 'accelerator-variant': return rule.rule.packages;
    case 'renamed': return [rule.rule.package];
    case 'exclusive': return rule.rule.packages;
  }
}

// ---- contradicting pins: one environment allows no version of a package ----

export const CONFLICTING_PINS = 'conflicting-pins';

/**
 * `torchvision==0.15.2` above `torchvision>=0.17.0` in one environment: pip refuses the whole install
 * (ResolutionImpossible). Reported at each pin that takes part, with the others as related locations.
 */
function contradictions(env: Environment, ctx: EvalContext): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  for (const [name, pkg] of env.packages) {
    if (!pkg.pins.length || !pkg.admitted.isEmpty()) continue;
    const severity = finalSeverity(CONFLICTING_PINS, 'error', undefined, ctx.settings, false);
    if (!severity) return [];
    const where = (p: PinnedRequirement) => `${p.requirement.text.trim()}${p.path === env.path ? '' : ` in ${p.path.slice(p.path.lastIndexOf('/') + 1)}`}`;
    for (const pin of pkg.pins) {
      const others = pkg.pins.filter((o) => o !== pin);
      const message = others.length
        ? `${where(pin)} and ${others.map(where).join(', ')} allow no version of ${displayName(name)} together: pip refuses to install ${env.label} (ResolutionImpossible).`
        : `${where(pin)} allows no version of ${displayName(name)}: pip finds no matching distribution.`;
      const fixes: Fix[] = others.length && pin.requirement.specifier && !pin.constraintOnly
        ? [{ title: `Keep ${displayName(name)}${pin.requirement.specifier} and make the other pins agree`, preferred: false,
          edits: others.map((o) => replaceSpecifier(o.path, o.requirement, pin.requirement.specifier, ctx.texts.get(o.path))) }]
        : [];
      out.push({ path: pin.path, finding: {
        code: CONFLICTING_PINS, severity, message, packages: [name], range: pin.requirement.range, fixes,
        related: others.map((o) => ({ path: o.path, range: o.requirement.range, message: `${displayName(name)} is also pinned as ${o.requirement.text.trim()}` })),
      } });
    }
  }
  return out;
}

// ---- incompatible: failures metadata does not declare ----

function incompatible(c: CompiledIncompatible, env: Environment, sets: Sets, ctx: EvalContext): PlacedFinding[] {
  const { rule, when } = c;
  // Everything but the target is judged on the environment as a whole.
  const broken = new Map<string, VersionSet>();
  let othersAll = true;
  let othersFresh = true;
  for (const [pkg, bad] of when) {
    const s = sets.admitted.get(pkg);
    if (!s) return [];
    const b = s.intersect(bad);
    if (b.isEmpty()) return [];
    broken.set(pkg, b);
    if (pkg === rule.target) continue;
    if (!s.isSubsetOf(bad)) othersAll = false;
    if (!topIn(sets.fresh.get(pkg) ?? s, bad)) othersFresh = false;
  }
  const bad = when.get(rule.target)!;
  const within = new Set(rule.within ?? []);
  for (const pkg of within) if (pkg !== rule.target && !sets.admitted.get(pkg)!.isSubsetOf(when.get(pkg)!)) return [];
  const related = relatedPins(env, [...when.keys()].filter((p) => p !== rule.target), (p) =>
    `${displayName(p)}: ${describeSet(sets.admitted.get(p) ?? VersionSet.all())} allowed`);
  // Edits that rewrite every pin of a package are the same for each finding: computed once (P findings would
  // otherwise each rewrite all P pins).
  const pinEditsMemo = new Map<FixOption, TextEdit[] | undefined>();
  const out: PlacedFinding[] = [];
  // The target is judged pin by pin: `diffusers>=0.39; python_version >= "3.10"` and `diffusers; python_version <
  // "3.10"` are two branches, and only the branch that admits a breaking release is reported.
  for (const { pin, admitted, fresh } of targetBranches(env, rule.target, sets)) {
    // conda solves binary packages together with what they were built against (numpy's ABI included): a conda
    // build of torch never meets a numpy it cannot load, so these undeclared breaks are pip's problem only.
    if (pin && scopeTraits(pin.path, pin.requirement).notPip) continue;
    const b = admitted.intersect(bad);
    if (b.isEmpty() || (within.has(rule.target) && !admitted.isSubsetOf(bad))) continue;
    const all = othersAll && admitted.isSubsetOf(bad);
    const freshBreaks = othersFresh && topIn(fresh, bad);
    const computed: Severity = all || freshBreaks ? 'error' : 'warning';
    const admittedOnly = computed === 'warning';
    // An admitted-only combination warns only when the floor the user wrote admits the break (`diffusers>=0.21.0`).
    // Versions admitted because no floor was written (a bare name, a package another one installs) are the
    // environment's drift, not a choice in the manifest: they inform.
    const unwritten = admittedOnly && !(pin && writtenFloorBreaks(pin, admitted, b));
    const cap = unwritten && rule.maxSeverity !== 'hint' ? 'information' : rule.maxSeverity;
    const severity = finalSeverity(rule.code, computed, cap, ctx.settings, admittedOnly);
    if (!severity) continue;
    const message = renderMessage(rule.message, {
      requirement: (p) => (p === rule.target && pin ? pin.requirement.text.trim() : requirementText(env, p, sets)),
      admitted: (p) => describeSet(p === rule.target ? b : broken.get(p) ?? VersionSet.empty(), rule.when[p] as VersionCondition | undefined),
      version: (p) => describeSet(p === rule.target ? admitted : sets.admitted.get(p) ?? VersionSet.all()),
    }, {});
    for (const place of pin ? [pin] : pinsFor(env, rule.target, sets)) {
      out.push({
        path: place.path,
        finding: {
          code: rule.code, severity, message, packages: [...when.keys()], range: place.requirement.range,
          fixes: incompatibleFixes(rule.fixes, env, place, ctx, pinEditsMemo), related, explanation: rule.explanation, sources: rule.sources,
        },
      });
    }
  }
  return out;
}

/**
 * The target's branches: each installing pin with what it admits in its marker branch (its own specifier with the
 * unconditional pins), or, for a package another one installs, one branch without a pin.
 */
function targetBranches(env: Environment, target: string, sets: Sets): { pin?: PinnedRequirement; admitted: VersionSet; fresh: VersionSet }[] {
  const whole = sets.admitted.get(target)!;
  const wholeFresh = sets.fresh.get(target) ?? whole;
  const pins = env.packages.get(target)?.pins.filter((p) => !p.constraintOnly) ?? [];
  if (!pins.length) return [{ admitted: whole, fresh: wholeFresh }];
  if (!pins.some((p) => p.requirement.marker)) return pins.map((pin) => ({ pin, admitted: whole, fresh: wholeFresh }));
  let unconditional = VersionSet.all();
  for (const p of env.packages.get(target)!.pins) {
    if (!p.requirement.marker && !p.requirement.url) unconditional = unconditional.intersect(VersionSet.fromSpecifierSet(p.requirement.specifier));
  }
  return pins.map((pin) => {
    if (!pin.requirement.marker) return { pin, admitted: whole, fresh: wholeFresh };
    const own = pin.requirement.url ? unconditional : unconditional.intersect(VersionSet.fromSpecifierSet(pin.requirement.specifier));
    return { pin, admitted: own, fresh: own };
  });
}

/** How many written version bounds the pins of a package carry (for one pin, only that pin). */
/** The pin has a written lower bound, and the lowest version it admits (`admitted`) is among the breaking ones. */
function writtenFloorBreaks(pin: PinnedRequirement, admitted: VersionSet, breaking: VersionSet): boolean {
  const written = pin.requirement.specifier.trim();
  if (!written || !VersionSet.fromSpecifierSet(written).lowerBound()) return false;
  const lo = admitted.lowerBound();
  const blo = breaking.lowerBound();
  return !!lo && !!blo && lo.inclusive === blo.inclusive && compareVersions(lo.version, blo.version) === 0;
}

export function incompatibleFixes(options: FixOption[], env: Environment, anchor: PinnedRequirement, ctx: EvalContext,
  pinEditsMemo: Map<FixOption, TextEdit[] | undefined>): Fix[] {
  const fixes: Fix[] = [];
  for (const option of options) {
    const edits = fixEdits(option, env, anchor, ctx, pinEditsMemo);
    if (!edits?.length) continue;
    const title = option.kind === 'raise-floor' ? `Require ${displayName(option.package)}>=${option.version}`
      : option.kind === 'cap' ? `Keep ${displayName(option.package)} below ${option.below}`
      : `Require ${displayName(option.package)}${option.specifier}`;
    fixes.push({ title, preferred: option.preferred === true, edits });
  }
  if (fixes.length && !fixes.some((f) => f.preferred)) fixes[0].preferred = true;
  return fixes;
}

/** Edits for one fix option: change every pin of the package in the environment, or add a requirement next to the anchor. */
function fixEdits(option: FixOption, env: Environment, anchor: PinnedRequirement, ctx: EvalContext,
  pinEditsMemo?: Map<FixOption, TextEdit[] | undefined>): TextEdit[] | undefined {
  const pkg = env.packages.get(option.package);
  const rewrite = (spec: string): string | undefined =>
    option.kind === 'raise-floor' ? raiseFloor(spec, option.version)
      : option.kind === 'cap' ? capBelow(spec, option.below)
      : option.specifier;
  if (pkg && pkg.pins.length) {
    // Independent of the anchor.
    if (pinEditsMemo?.has(option)) return pinEditsMemo.get(option);
    const edits = pinEdits(pkg, rewrite, ctx);
    pinEditsMemo?.set(option, edits);
    return edits;
  }
  const text = ctx.texts.get(anchor.path);
  const manifest = ctx.manifests.get(anchor.path);
  if (text === undefined || !manifest) return undefined;
  const spec = rewrite('');
  if (spec === undefined) return undefined;
  return insertAfter(manifest, text, anchor.requirement, `${displayName(option.package)}${spec}`);
}

/** Every pin of the package rewritten; undefined when one of them cannot be. */
function pinEdits(pkg: EnvironmentPackage, rewrite: (spec: string) => string | undefined, ctx: EvalContext): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const pin of pkg.pins) {
    if (pin.requirement.url) return undefined;
    // `torch = { extras = [...] }` (Poetry, Pipfile) has no version string to edit, and text after the key would
    // break the TOML: no automatic fix there.
    const r = pin.requirement.specifierRange;
    const tableEntry = scopeTraits(pin.path, pin.requirement).tableEntry;
    if (tableEntry && r.start.line === r.end.line && r.start.character === r.end.character) return undefined;
    const current = writtenSpecifier(pin.requirement, ctx.texts.get(pin.path));
    const next = rewrite(current);
    if (next === undefined) return undefined;
    if (next !== current) edits.push(replaceSpecifier(pin.path, pin.requirement, next, ctx.texts.get(pin.path)));
  }
  return edits;
}

// ---- requires: conflicts metadata declares ----

/** Rows that hold here: plain rows, rows for an extra that some requirement of the package asks for, and rows for a
 *  Python range that holds every Python the project admits (none when they are not known). */
function applicableRows(rows: readonly CompiledRow[], env: Environment, pkg: string, targetPython: string | undefined): readonly CompiledRow[] {
  if (!rows.some((r) => r.extra || r.python)) return rows;
  const extras = new Set((env.packages.get(pkg)?.pins ?? []).flatMap((p) => p.requirement.extras.map((e) => normalizeName(e))));
  const pythons = targetPython ? VersionSet.fromSpecifierSet(`==${targetPython}.*`) : env.python;
  return rows.filter((r) => (!r.extra || extras.has(r.extra)) && (!r.python || (!!pythons && pythons.isSubsetOf(r.python))));
}

interface Cell { versions: VersionSet; requires: Map<string, VersionSet>; covered: boolean }

/** Splits `s` by the rows' version sets; each cell carries the intersection of what every covering row requires. */
function cellsOf(s: VersionSet, rows: readonly CompiledRow[]): Cell[] {
  let cells: Cell[] = [{ versions: s, requires: new Map(), covered: false }];
  for (const row of rows) {
    const next: Cell[] = [];
    for (const cell of cells) {
      const inside = cell.versions.intersect(row.versions);
      const outside = cell.versions.intersect(row.versions.complement());
      if (!inside.isEmpty()) {
        const req = new Map(cell.requires);
        for (const [q, r] of row.requires) req.set(q, (req.get(q) ?? VersionSet.all()).intersect(r));
        next.push({ versions: inside, requires: req, covered: true });
      }
      if (!outside.isEmpty()) next.push({ ...cell, versions: outside });
    }
    cells = next;
    if (cells.length > 256) break; // a pathological rule; stay bounded
  }
  return cells;
}

function requires(c: CompiledRequires, env: Environment, sets: Sets, ctx: EvalContext): PlacedFinding[] {
  const rule = c.rule;
  const s = env.packages.get(rule.package)?.admitted;
  if (!s || s.isEmpty()) return [];
  const rows = applicableRows(c.rows, env, rule.package, ctx.settings?.targetPython);
  // Versions above the snapshot's newest release, when that is the registry's newest, are no releases at all: they
  // neither conflict nor rescue. A pin entirely above it is unknown.
  const existing = ctx.knowledge.current?.get(rule.package);
  const cells = cellsOf(s, rows).filter((cell) => !existing || cell.versions.intersects(existing));
  if (!cells.length) return [];
  // The other side includes packages installed implicitly, narrowed by what the rest of the environment declares.
  const setOf = (q: string) => sets.admitted.get(q);
  const others = new Set(rows.flatMap((r) => [...r.requires.keys()]).filter((q) => setOf(q)));
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
  return [{ title: `Align ${displayName(c.rule.package)} with ${displayName(anchorName)}: ${displayName(c.rule.package)}${spec}`, preferred: true,
    edits: [replaceSpecifier(pin.path, pin.requirement, spec, ctx.texts.get(pin.path))] }];
}

function localLabel(pkg: EnvironmentPackage): string | undefined {
  for (const p of pkg.pins) {
    const m = /^===?\s*[^+,]+\+([A-Za-z0-9.]+)$/.exec(p.requirement.specifier.trim());
    if (m) return m[1];
  }
  return undefined;
}

// ---- python-support: no wheels for the Pythons the project admits ----

const KNOWN_MINORS = [8, 9, 10, 11, 12, 13, 14];

function pythonSupport(c: CompiledPythonSupport, env: Environment, ctx: EvalContext): PlacedFinding[] {
  const rule = c.rule;
  const pkg = env.packages.get(rule.package);
  if (!pkg) return [];
  const target = ctx.settings.targetPython;
  const pythons = target ? VersionSet.fromSpecifierSet(`==${target}.*`) : env.python;
  if (!pythons) return [];
  const admittedMinors = KNOWN_MINORS.filter((m) => pythons.intersects(minorSet(m)));
  if (!admittedMinors.length) return [];
  const existing = ctx.knowledge.current?.get(rule.package);
  const releases = existing ? pkg.admitted.intersect(existing) : pkg.admitted;
  if (releases.isEmpty()) return [];
  const unknownReleases = !releases.isSubsetOf(c.known);
  const supported = (m: number) => unknownReleases ||
    c.rows.some((row) => releases.intersects(row.versions) && row.python.intersects(minorSet(m)));
  const unsupported = admittedMinors.filter((m) => !supported(m));
  if (!unsupported.length) return [];
  // Only an open-ended requires-python (`>=3.10`, which packaging guidance says not to cap) admitting newer Pythons
  // the package has no wheels for yet: the project does not run there by choice, so this informs.
  const openTop = !target && !pythons.upperBound() && unsupported.every((m, i) => m === admittedMinors[admittedMinors.length - unsupported.length + i]);
  const computed: Severity = target || unsupported.length === admittedMinors.length ? 'error' : openTop ? 'information' : 'warning';
  const severity = finalSeverity(rule.code, computed, rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  const pythonText = rangeText(unsupported.map((m) => `3.${m}`));
  const message = renderMessage(rule.message, {
    requirement: (p) => requirementText(env, p),
    admitted: (p) => describeSet(env.packages.get(p)?.admitted ?? VersionSet.all()),
    version: (p) => describeSet(env.packages.get(p)?.admitted ?? VersionSet.all()),
  }, { python: pythonText, 'requires-python': target ? `Python ${target}` : `requires-python ${env.pythonSource?.requirement.specifier ?? ''}`.trim() });
  const related: RelatedLocation[] = env.pythonSource
    ? [{ path: env.pythonSource.path, range: env.pythonSource.requirement.range, message: `requires-python allows Python ${rangeText(admittedMinors.map((m) => `3.${m}`))}` }]
    : [];
  const fixes: Fix[] = [];
  // Narrow requires-python to the Pythons that have wheels, when those are the lower ones.
  const firstBad = unsupported[0];
  if (!target && env.pythonSource && unsupported.every((m, i) => m === firstBad + i) && unsupported[unsupported.length - 1] === admittedMinors[admittedMinors.length - 1] && firstBad > admittedMinors[0]) {
    const current = env.pythonSource.requirement.specifier;
    const next = capBelow(current, `3.${firstBad}`);
    if (next) fixes.push({ title: `Limit requires-python to ${next}`, preferred: true, edits: [{ path: env.pythonSource.path, range: env.pythonSource.requirement.range, newText: next }] });
  }
  return pkg.pins.filter((p) => !p.constraintOnly).map((pin) => ({
    path: pin.path,
    finding: { code: rule.code, severity, message, packages: [rule.package], range: pin.requirement.range, fixes, related,
      explanation: rule.explanation, sources: rule.sources },
  }));
}

function minorSet(m: number): VersionSet {
  return VersionSet.fromSpecifierSet(`==3.${m}.*`);
}

function rangeText(items: string[]): string {
  return items.length > 2 ? `${items[0]}–${items[items.length - 1]}` : items.join(' and ');
}

// ---- accelerator-variant: local builds (+rocm5.7, +cu121) and their indexes ----

function accelerator(rule: AcceleratorRule, env: Environment, ctx: EvalContext): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  const labelled: Labelled[] = [];
  // `--index-url https://download.pytorch.org/whl/cu121` replaces PyPI: every plain pin then asks for that build.
  const impliedLabel = replacingIndexLabel(env, rule);
  for (const pkg of rule.packages) {
    for (const pin of env.packages.get(pkg)?.pins ?? []) {
      if (pin.requirement.url) continue; // a direct URL is its own source: no index needed, and its build is what it is
      const spec = pin.requirement.specifier.trim();
      const m = /^===?\s*([^+,\s]+)\+([A-Za-z0-9.]+)$/.exec(spec);
      if (m && /^(cu\d+|rocm[\d.]+|cpu)$/.test(m[2])) labelled.push({ pin, pkg, version: m[1], label: m[2] });
      const plain = /^==\s*([0-9][^+,\s*]*)$/.exec(spec);
      if (plain && impliedLabel && !pin.constraintOnly) labelled.push({ pin, pkg, version: plain[1], label: impliedLabel, implied: true });
    }
  }
  if (!labelled.length) return out;
  const anchorPkg = rule.packages[0];
  const emit = (code: string, pin: PinnedRequirement, pkgs: string[], message: string, fixes: Fix[], related?: RelatedLocation[]) => {
    const severity = finalSeverity(code, 'error', rule.maxSeverity, ctx.settings, false);
    if (severity) out.push({ path: pin.path, finding: { code, severity, message, packages: pkgs, range: pin.requirement.range, fixes, related, explanation: rule.explanation, sources: rule.sources } });
  };
  for (const l of labelled) {
    // Map a companion's version to the anchor's (torchvision 0.17.0 -> torch 2.2.0) through the companion rows.
    const anchorVersion = l.pkg === anchorPkg ? l.version : anchorVersionOf(l.pkg, l.version, anchorPkg, ctx);
    const known = anchorVersion ? rule.variants[normalizeVersionKey(anchorVersion, rule)] : undefined;
    if (known && !known.includes(l.label)) {
      const family = l.label.replace(/[\d.]+$/, '');
      const sameFamily = known.filter((v) => v.startsWith(family));
      const builtFor = Object.entries(rule.variants).filter(([, labels]) => labels.includes(l.label)).map(([v]) => v);
      const sub = l.pkg === anchorPkg ? `${displayName(anchorPkg)} ${anchorVersion}` : `${displayName(l.pkg)} ${l.version} (for ${displayName(anchorPkg)} ${anchorVersion})`;
      const asked = l.implied ? ` (asked of ${rule.indexUrl.replace('{variant}', l.label)}, which replaces PyPI here)` : '';
      const message = `${sub} was never built for ${l.label}${asked}: its builds are ${known.join(', ')}` +
        (builtFor.length ? `; ${l.label} builds exist for ${displayName(anchorPkg)} ${builtFor.join(', ')}` : '') + '. pip will find no matching distribution.';
      const fixes = variantFixes(l, anchorPkg, anchorVersion!, builtFor, sameFamily, ctx);
      emit(rule.codes.unknownVariant, l.pin, [l.pkg], message, fixes);
    }
    if (!l.implied && !servesLabel(env.indexes, rule, l.label, l.pin, env.installer)) {
      const url = rule.indexUrl.replace('{variant}', l.label);
      if (scopeTraits(l.pin.path, l.pin.requirement).projectMetadata && env.installer.name === 'pip') {
        const found = pipProjectFinding(l, url, rule, env, ctx);
        if (found) emit(rule.codes.missingIndex, l.pin, [l.pkg], found.message, found.fixes, found.related);
        continue;
      }
      const who = installerName(env.installer);
      const message = `${displayName(l.pkg)}==${l.version}+${l.label} is a ${l.label} build that only ${url} serves, and nothing here installs from it: PyPI has no "+${l.label}" versions, so ${who} will find no matching distribution.`;
      const manifest = ctx.manifests.get(l.pin.path);
      const text = ctx.texts.get(l.pin.path);
      const fixes = manifest && text !== undefined ? indexFixes({ env, pin: l.pin, url, label: l.label, manifest, text }) : [];
      emit(rule.codes.missingIndex, l.pin, [l.pkg], message, fixes);
    }
  }
  const target = ctx.settings.accelerator;
  if (rule.codes.wrongAccelerator && (target === 'cuda' || target === 'rocm' || target === 'cpu')) {
    const familyOf = (label: string) => (label.startsWith('cu') ? 'cuda' : label.startsWith('rocm') ? 'rocm' : 'cpu');
    const NAMES = { cuda: 'CUDA', rocm: 'ROCm', cpu: 'CPU' } as const;
    for (const l of labelled) {
      const family = familyOf(l.label);
      if (family === target) continue;
      const anchorVersion = l.pkg === anchorPkg ? l.version : anchorVersionOf(l.pkg, l.version, anchorPkg, ctx);
      const builds = anchorVersion ? (rule.variants[normalizeVersionKey(anchorVersion, rule)] ?? []).filter((v) => familyOf(v) === target) : [];
      const label = builds[builds.length - 1];
      const severity = finalSeverity(rule.codes.wrongAccelerator, 'warning', rule.maxSeverity, ctx.settings, false);
      if (!severity) continue;
      out.push({ path: l.pin.path, finding: {
        code: rule.codes.wrongAccelerator, severity, packages: [l.pkg], range: l.pin.requirement.range,
        message: `${displayName(l.pkg)}==${l.version}+${l.label} is a ${NAMES[family]} build, but this project targets ${NAMES[target]} (the accelerator setting): it installs, then finds no ${NAMES[family]} device and runs on the CPU.`,
        fixes: label ? [{ title: `Use the ${label} build: ${displayName(l.pkg)}==${l.version}+${label}`, preferred: true,
          edits: [replaceSpecifier(l.pin.path, l.pin.requirement, `==${l.version}+${label}`, ctx.texts.get(l.pin.path))] }] : [],
        explanation: rule.explanation, sources: rule.sources,
      } });
    }
  }
  const anchorLabel = labelled.find((l) => l.pkg === anchorPkg && !l.implied)?.label;
  if (anchorLabel) {
    const anchorPin = labelled.find((l) => l.pkg === anchorPkg && !l.implied)!;
    for (const l of labelled) {
      if (l.pkg === anchorPkg || l.label === anchorLabel || l.implied) continue;
      const message = `${displayName(l.pkg)} is pinned to the ${l.label} build, but ${displayName(anchorPkg)} to ${anchorLabel}: builds for different accelerators do not load together.`;
      emit(rule.codes.mixedVariants, l.pin, [l.pkg, anchorPkg], message,
        [{ title: `Use the ${anchorLabel} build: ${displayName(l.pkg)}==${l.version}+${anchorLabel}`, preferred: true, edits: [replaceSpecifier(l.pin.path, l.pin.requirement, `==${l.version}+${anchorLabel}`, ctx.texts.get(l.pin.path))] }],
        [{ path: anchorPin.pin.path, range: anchorPin.pin.requirement.range, message: `${displayName(anchorPkg)} is the ${anchorLabel} build` }]);
    }
  }
  return out;
}

/**
 * Fixes for a build that does not exist. Preferred: keep the accelerator build and move to the nearest release that
 * has it (2.2.0+rocm5.7 -> 2.2.1+rocm5.7; a companion follows its anchor: torchvision 0.17.1+rocm5.7), since the label
 * usually matches the machine's driver. Also offered: the same release with a build of the same family (+rocm5.6).
 */
interface Labelled {
  pin: PinnedRequirement;
  pkg: string;
  version: string;
  label: string;
  /** No label in the pin: the only index is an accelerator one (`--index-url …/whl/cu121`). */
  implied?: boolean;
}

/** The label of an accelerator index that replaces PyPI (`--index-url`), when there is exactly that one index. */
function replacingIndexLabel(env: Environment, rule: AcceleratorRule): string | undefined {
  const replacing = env.indexes.filter((i) => i.kind === 'index-url');
  if (replacing.length !== 1 || env.indexes.some((i) => i.kind === 'extra-index-url' || i.kind === 'find-links')) return undefined;
  const base = rule.indexUrl.slice(0, rule.indexUrl.indexOf('{variant}'));
  const url = replacing[0].url.replace(/\/+$/, '');
  if (!url.startsWith(base)) return undefined;
  const label = url.slice(base.length);
  return /^(cu\d+|rocm[\d.]+|cpu)$/.test(label) ? label : undefined;
}

function variantFixes(l: Labelled, anchorPkg: string, anchorVersion: string, builtFor: string[], sameFamily: string[], ctx: EvalContext): Fix[] {
  const fixes: Fix[] = [];
  const suffix = (label: string) => (l.implied ? '' : `+${label}`);
  const current = parseVersion(anchorVersion);
  const newer = builtFor.map((v) => parseVersion(v)).filter((v): v is NonNullable<typeof v> => !!v && !!current && compareVersions(v, current) > 0)
    .sort(compareVersions)[0];
  if (newer) {
    const target = l.pkg === anchorPkg ? newer.toString() : companionVersionFor(l.pkg, newer.toString(), anchorPkg, ctx);
    if (target) {
      fixes.push({ title: `Use ${displayName(l.pkg)}==${target}${suffix(l.label)} (the nearest release built for ${l.label})`, preferred: true,
        edits: [replaceSpecifier(l.pin.path, l.pin.requirement, `==${target}${suffix(l.label)}`, ctx.texts.get(l.pin.path))] });
    }
  }
  if (l.implied) return fixes; // another build would need another index: that choice is the user's
  for (const label of [...sameFamily].reverse()) {
    fixes.push({ title: `Use the ${label} build: ${displayName(l.pkg)}==${l.version}+${label}`, preferred: !fixes.length,
      edits: [replaceSpecifier(l.pin.path, l.pin.requirement, `==${l.version}+${label}`, ctx.texts.get(l.pin.path))] });
  }
  return fixes;
}

/** The companion release made for an anchor release (torch 2.2.1 -> torchvision 0.17.1), from the exact rows. */
function companionVersionFor(pkg: string, anchorVersion: string, anchor: string, ctx: EvalContext): string | undefined {
  const c = ctx.knowledge.companions.get(pkg);
  const want = parseVersion(anchorVersion);
  if (!c || !want) return undefined;
  for (const row of c.rows) {
    const req = /^==\s*([^*,]+)$/.exec((row.raw.requires[anchor] ?? '').trim());
    const own = /^==\s*([^*,]+)$/.exec(row.raw.versions.trim());
    const rv = req && parseVersion(req[1]);
    if (own && rv && compareVersions(rv, want) === 0) return own[1];
  }
  return undefined;
}

function normalizeVersionKey(version: string, rule: AcceleratorRule): string {
  if (rule.variants[version]) return version;
  const v = parseVersion(version);
  if (!v) return version;
  return Object.keys(rule.variants).find((key) => (parseVersion(key) ? compareVersions(parseVersion(key)!, v) === 0 : false)) ?? version;
}

function anchorVersionOf(pkg: string, version: string, anchor: string, ctx: EvalContext): string | undefined {
  const c = ctx.knowledge.companions.get(pkg);
  if (!c) return undefined;
  for (const row of c.rows) {
    if (!row.versions.contains(version)) continue;
    const m = /^==\s*([^*,]+)$/.exec((row.raw.requires[anchor] ?? '').trim());
    if (m) return m[1];
  }
  return undefined;
}

/** An index, extra index or find-links location that serves `label` builds. A private index or mirror might too:
 *  only PyPI and PyTorch indexes for other labels count as "not serving". */
function servesLabel(indexes: PackageIndex[], rule: AcceleratorRule, label: string, pin?: PinnedRequirement, installer?: Environment['installer']): boolean {
  const want = rule.indexUrl.replace('{variant}', label).replace(/\/+$/, '');
  const base = want.slice(0, want.lastIndexOf('/'));
  for (const idx of indexes) {
    if (idx.kind === 'no-index' || (pin && !indexServesPin(idx, pin, installer))) continue;
    const url = idx.url.replace(/\/+$/, '');
    if (url === want || url.endsWith(`/${label}`) || url.includes(`/${label}/`)) return true;
    if (idx.kind === 'find-links' && url.startsWith(base)) return true; // torch_stable.html lists every build
    const isPypi = /^https?:\/\/(pypi\.org|pypi\.python\.org)\/simple/.test(url);
    const isOtherLabel = url.startsWith(base);
    if (!isPypi && !isOtherLabel) return true; // a mirror we cannot see into
  }
  return false;
}

/**
 * A pyproject installed with pip pins an accelerator build: `pip install .` reads no index from pyproject.toml, so
 * the build is found only where the project is installed from its index. The finding names the project's install
 * paths that do read that index (a requirement file, a script's pip line) and those that install the project without
 * it; none is raised when every install of the project (`pip install .`, `-e .`) reads the index.
 */
function pipProjectFinding(l: Labelled, url: string, rule: AcceleratorRule, env: Environment, ctx: EvalContext):
  { message: string; fixes: Fix[]; related: RelatedLocation[] } | undefined {
  const dir = dirname(l.pin.path);
  const rel = (path: string) => (dir && path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path);
  const installs = projectInstalls(ctx.manifests.values(), dir);
  const without = installs.filter((p) => !servesLabel(p.indexes, rule, l.label));
  if (installs.length && !without.length) return undefined;
  // The project's other installs of this build that read its index.
  const others = new Map<string, { path: string; range: RelatedLocation['range']; text: string }>();
  for (const other of ctx.environments ?? []) {
    if (other === env || (dir && !other.path.startsWith(`${dir}/`)) || other.path === l.pin.path) continue;
    const implied = replacingIndexLabel(other, rule);
    for (const p of other.packages.get(l.pkg)?.pins ?? []) {
      if (p.constraintOnly || p.requirement.url) continue;
      const spec = p.requirement.specifier.trim();
      const m = /^===?\s*([^+,\s]+)(?:\+([A-Za-z0-9.]+))?$/.exec(spec);
      if (!m || (m[2] ?? implied) !== l.label) continue;
      if (!servesLabel(other.indexes, rule, l.label, p, other.installer)) continue;
      const key = `${p.path}:${p.requirement.range.start.line}`;
      if (!others.has(key)) others.set(key, { path: p.path, range: p.requirement.range, text: p.requirement.text.trim() });
    }
  }
  const paths = [...others.values()].sort((a, b) => rel(a.path).localeCompare(rel(b.path)) || a.range.start.line - b.range.start.line);
  const at = (path: string, range: RelatedLocation['range']) => `${rel(path)}:${range.start.line + 1}`;
  let message = `${fileName(l.pin.path)} pins the ${l.label} build (${l.pin.requirement.text.trim()}), but "pip install ." reads no index, and only ${url} serves that build (PyPI has no "+${l.label}" versions)`;
  if (paths.length) message += `; ${joinWords(paths.map((p) => at(p.path, p.range)))} install${paths.length === 1 ? 's' : ''} it from ${url}`;
  if (without.length) message += `; ${joinWords(without.map((p) => at(p.manifest.path, p.install.range)))} install${without.length === 1 ? 's' : ''} the project without that index`;
  else if (!paths.length) message += '; nothing in this project installs it from there';
  message += '.';
  const related: RelatedLocation[] = [
    ...paths.map((p) => ({ path: p.path, range: p.range, message: `installs ${p.text} from ${url}` })),
    ...without.map((p) => ({ path: p.manifest.path, range: p.install.range, message: `installs this project (${p.install.target}) without ${url}` })),
  ];
  const installEdits: { edit: TextEdit; where: string }[] = [];
  for (const p of without) {
    const text = ctx.texts.get(p.manifest.path);
    const edit = text !== undefined ? projectInstallEdit(p, text, url) : undefined;
    if (edit) installEdits.push({ edit, where: at(p.manifest.path, p.install.range) });
  }
  const fixes = [publicVersionFix(l.pin, l.version, l.label, url, ctx.texts.get(l.pin.path), installEdits)];
  return { message, fixes, related };
}

function joinWords(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

// ---- renamed and exclusive: packaging traps ----

function renamed(rule: import('../rules/types').RenamedRule, versions: VersionSet, env: Environment, ctx: EvalContext): PlacedFinding[] {
  const pkg = env.packages.get(rule.package);
  if (!pkg || !pkg.admitted.intersects(versions)) return [];
  const severity = finalSeverity(rule.code, 'error', rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  // A file or URL of a real wheel (`tensorflow_gpu-1.12.0-....whl`) is that wheel, whatever the name's later fate.
  return pkg.pins.filter((pin) => !pin.requirement.url || (pin.requirement.specifier && VersionSet.fromSpecifierSet(pin.requirement.specifier).intersects(versions))).map((pin) => ({
    path: pin.path,
    finding: {
      code: rule.code, severity, packages: [rule.package], range: pin.requirement.nameRange,
      message: renderMessage(rule.message, { requirement: (p) => requirementText(env, p) }, { replacement: rule.replacement ?? '' }),
      fixes: rule.replacement ? [{ title: `Rename to ${rule.replacement}`, preferred: true, edits: [nameEdit(pin.path, pin.requirement, rule.replacement)] }] : [],
      explanation: rule.explanation, sources: rule.sources,
    },
  }));
}

function exclusive(rule: import('../rules/types').ExclusiveRule, env: Environment, sets: Sets, ctx: EvalContext): PlacedFinding[] {
  // Named here, or installed by another package (albumentations brings opencv-python-headless).
  const explicit = rule.packages.filter((p) => env.packages.get(p)?.pins.some((x) => !x.constraintOnly));
  const implicit = rule.packages.filter((p) => !explicit.includes(p) && sets.implicit.has(p));
  const present = [...explicit, ...implicit];
  if (present.length < 2) return [];
  // Wheels of one version overwrite each other with the same files (a warning: the GUI parts may go missing);
  // wheels that cannot be of one version leave a cv2 mixed from two releases (an error).
  const versions = present.map((p) => sets.admitted.get(p) ?? VersionSet.all());
  const oneVersion = versions.every((a, i) => versions.every((b, j) => i === j || a.intersects(b)));
  const severity = finalSeverity(rule.code, oneVersion ? 'warning' : 'error', rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  const label = (p: string) => (sets.implicit.has(p) && !explicit.includes(p) ? `${displayName(p)} (installed by ${displayName(sets.implicit.get(p)!)})` : displayName(p));
  const out: PlacedFinding[] = [];
  for (const p of present) {
    const others = present.filter((o) => o !== p);
    const places = explicit.includes(p) ? env.packages.get(p)!.pins.filter((x) => !x.constraintOnly) : pinsFor(env, p, sets);
    for (const pin of places) {
      out.push({
        path: pin.path,
        finding: {
          code: rule.code, severity, packages: present, range: pin.requirement.range,
          message: renderMessage(rule.message, { requirement: (x) => requirementText(env, x, sets) }, { others: others.map(label).join(', ') }),
          fixes: [], related: relatedPins(env, others, (o) => `${displayName(o)} is also installed here`),
          explanation: rule.explanation, sources: rule.sources,
        },
      });
    }
  }
  return out;
}

// ---- helpers ----

export function finalSeverity(code: string, computed: Severity, cap: Severity | undefined, settings: CheckSettings, admittedOnly: boolean): Severity | undefined {
  return applySeverity(code, computed, settings, admittedOnly, cap);
}

/** The pins a finding about `pkg` goes on: its own installing pins, else the pin of the package that installs it. */
function pinsFor(env: Environment, pkg: string, sets: Sets): PinnedRequirement[] {
  const own = env.packages.get(pkg)?.pins.filter((p) => !p.constraintOnly) ?? [];
  if (own.length) return own;
  const installer = sets.implicit.get(pkg);
  return installer ? pinsFor(env, installer, sets) : [];
}

function requirementText(env: Environment, pkg: string, sets?: Sets): string {
  const pin = env.packages.get(pkg)?.pins.find((p) => !p.constraintOnly) ?? env.packages.get(pkg)?.pins[0];
  if (pin) return pin.requirement.text.trim();
  const installer = sets?.implicit.get(pkg);
  return installer ? `${displayName(pkg)} (not pinned; installed by ${displayName(installer)})` : `${displayName(pkg)} (not pinned)`;
}

function relatedPins(env: Environment, pkgs: string[], message: (pkg: string) => string): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  for (const p of pkgs) for (const pin of env.packages.get(p)?.pins ?? []) out.push({ path: pin.path, range: pin.requirement.range, message: message(p) });
  return out;
}

