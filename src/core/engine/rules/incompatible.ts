// `incompatible` rules: failures that metadata does not declare (diffusers with a huggingface_hub that lacks a name).
import { compareVersions } from '../../pep440';
import { VersionSet } from '../../pep440/intervals';
import { scopeTraits } from '../../formats';
import type { Fix, Severity, TextEdit } from '../../types';
import type { FixOption, VersionCondition } from '../../rules/types';
import { capBelow, insertAfter, raiseFloor, replaceSpecifier, writtenSpecifier } from '../edits';
import { fixToApply } from '../applicability';
import { wheelVersionSet, type Environment, type EnvironmentPackage, type PinnedRequirement } from '../environment';
import type { CompiledIncompatible } from '../knowledge';
import { describeSet, displayName, renderMessage } from '../messages';
import { declaredExcluding, topIn, type Sets } from './sets';
import { passOverYanked } from '../yanked';
import { finalSeverity, pinsFor, relatedPins, requirementText, type EvalContext, type PlacedFinding } from './context';

export function incompatible(c: CompiledIncompatible, env: Environment, sets: Sets, ctx: EvalContext): PlacedFinding[] {
  const { rule, when } = c;
  // Everything but the target is judged on the environment as a whole.
  const admittedBroken = new Map<string, VersionSet>();
  for (const [pkg, bad] of when) {
    const s = sets.admitted.get(pkg);
    if (!s) return [];
    const b = s.intersect(bad);
    if (b.isEmpty()) return [];
    admittedBroken.set(pkg, b);
  }
  // A release whose declared requirements rule out every breaking version of the other side never meets it: pip
  // refuses that pair (a resolver conflict, which the requires rules report), so the break cannot happen there.
  const breaking = new Map<string, VersionSet>();
  const broken = new Map<string, VersionSet>();
  const excludedOf = new Map<string, VersionSet>();
  for (const [pkg, bad] of when) {
    let excluded = VersionSet.empty();
    for (const [other, b] of admittedBroken) {
      if (other !== pkg) excluded = excluded.union(declaredExcluding(ctx.knowledge, env, pkg, other, b, sets.pythons));
    }
    const b = admittedBroken.get(pkg)!.minus(excluded);
    if (b.isEmpty()) return [];
    breaking.set(pkg, excluded.isEmpty() ? bad : bad.minus(excluded));
    broken.set(pkg, b);
    excludedOf.set(pkg, excluded);
  }
  let othersAll = true;
  let othersFresh = true;
  for (const pkg of when.keys()) {
    if (pkg === rule.target) continue;
    const s = sets.admitted.get(pkg)!;
    const bad = breaking.get(pkg)!;
    if (!s.isSubsetOf(bad)) othersAll = false;
    if (!topIn(sets.fresh.get(pkg) ?? s, bad)) othersFresh = false;
  }
  const bad = breaking.get(rule.target)!;
  const within = new Set(rule.within ?? []);
  for (const pkg of within) if (pkg !== rule.target && !sets.admitted.get(pkg)!.isSubsetOf(breaking.get(pkg)!)) return [];
  const related = relatedPins(env, [...when.keys()].filter((p) => p !== rule.target), (p) =>
    `${displayName(p)}: ${describeSet(sets.admitted.get(p) ?? VersionSet.all())} allowed`);
  // Edits that rewrite every pin of a package are the same for each finding: computed once (P findings would
  // otherwise each rewrite all P pins).
  const pinEditsMemo = new Map<FixOption, TextEdit[] | undefined>();
  const options = rule.fixes.filter((o) => offered(o, sets) && floorInstallable(o, env, ctx, sets.pythons));
  const out: PlacedFinding[] = [];
  // The target is judged pin by pin: `diffusers>=0.39; python_version >= "3.10"` and `diffusers; python_version <
  // "3.10"` are two branches, and only the branch that admits a breaking release is reported.
  for (const { pin, admitted, fresh } of targetBranches(env, rule.target, sets, ctx.knowledge.yanked?.get(rule.target))) {
    // conda solves binary packages together with what they were built against (numpy's ABI included): a conda
    // build of torch never meets a numpy it cannot load, so these undeclared breaks are pip's problem only.
    if (pin && scopeTraits(pin.path, pin.requirement).notPip) continue;
    // A URL that names no version (a git checkout, a source archive) installs whatever its revision is, most often the
    // development head: no release range to judge, and none the user could raise.
    if (pin?.requirement.url && wheelVersionSet(pin.requirement.url).isAll()) continue;
    const b = admitted.intersect(bad);
    if (b.isEmpty() || (within.has(rule.target) && !admitted.isSubsetOf(bad))) continue;
    // When every allowed version of the others breaks, the target's releases that rule those out cannot be installed
    // at all (pip refuses them): what pip can install is the rest (`pandas<2.2.2` with `numpy>=2`: 2.1.4–2.2.1 cap
    // numpy below 2, so pip backs off to an older pandas that breaks).
    const excluded = excludedOf.get(rule.target)!;
    const installable = othersAll && !excluded.isEmpty() ? admitted.minus(excluded) : admitted;
    const installableFresh = othersAll && !excluded.isEmpty() ? fresh.minus(excluded) : fresh;
    const all = othersAll && installable.isSubsetOf(bad);
    const freshBreaks = othersFresh && topIn(installableFresh.isEmpty() ? fresh : installableFresh, bad);
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
      const fixes = incompatibleFixes(options, env, place, ctx, pinEditsMemo);
      const applied = fixToApply(fixes);
      const floor = rule.fixes.find((o) => o.kind === 'raise-floor' && o.package === rule.target && fixTitle(o) === applied?.title);
      out.push({
        path: place.path,
        finding: {
          code: rule.code, severity, message, packages: [...when.keys()], range: place.requirement.range,
          fixes, related, explanation: rule.explanation, sources: rule.sources,
        },
        target: {
          package: rule.target, versions: b,
          specifier: place.requirement.normalizedName === rule.target ? writtenSpecifier(place.requirement, ctx.texts.get(place.path)) : '',
          ...(floor?.kind === 'raise-floor' ? { floor: floor.version } : {}),
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
function targetBranches(env: Environment, target: string, sets: Sets, yanked: VersionSet | undefined): { pin?: PinnedRequirement; admitted: VersionSet; fresh: VersionSet }[] {
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
    const written = pin.requirement.url ? unconditional : unconditional.intersect(VersionSet.fromSpecifierSet(pin.requirement.specifier));
    // A branch is read as the whole set is (computeSets): pip passes over yanked releases unless nothing else is allowed.
    const own = yanked ? passOverYanked(written, yanked) : written;
    return { pin, admitted: own, fresh: own };
  });
}

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
    fixes.push({ title: fixTitle(option), applicability: option.applicability ?? 'needs-review', edits, ...(option.offeredWhen ? { readsOtherPins: true as const } : {}) });
  }
  // The rule's safe option may have no edits here (a URL pin): the first option that has some takes its place.
  if (fixes.length && !fixes.some((f) => f.applicability === 'safe')) fixes[0] = { ...fixes[0], applicability: 'safe' };
  return fixes;
}

/**
 * Whether pip could install the release a raise-floor option names next to what the pins allow: a release that declares
 * requirements no written pin meets (flask 2.2.4 needs Werkzeug>=2.2.2, and `werkzeug==0.16.0` is pinned) would turn
 * the finding into a refused install, so that option is not offered (the next one takes its place). What the pins allow
 * is the written constraints alone: the release being replaced may narrow the others by its own declarations.
 */
function floorInstallable(option: FixOption, env: Environment, ctx: EvalContext, pythons?: VersionSet): boolean {
  if (option.kind !== 'raise-floor') return true;
  const release = VersionSet.fromSpecifierSet(`==${option.version}`);
  for (const [name, pkg] of env.packages) {
    if (name === option.package || !pkg.pins.length || pkg.admitted.isAll()) continue;
    if (declaredExcluding(ctx.knowledge, env, option.package, name, pkg.admitted, pythons).intersects(release)) return false;
  }
  return true;
}

/** Whether the environment allows some version of each package the option's `offeredWhen` names in its range. */
function offered(option: FixOption, sets: Sets): boolean {
  if (!option.offeredWhen) return true;
  return Object.entries(option.offeredWhen).every(([pkg, spec]) => (sets.admitted.get(pkg) ?? VersionSet.all()).intersects(VersionSet.fromSpecifierSet(spec)));
}

function fixTitle(option: FixOption): string {
  return option.kind === 'raise-floor' ? `Require ${displayName(option.package)}>=${option.version}`
    : option.kind === 'cap' ? `Keep ${displayName(option.package)} below ${option.below}`
    : `Require ${displayName(option.package)}${option.specifier}`;
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
