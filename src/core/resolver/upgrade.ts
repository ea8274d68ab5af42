// Upgrade fixes from the resolver: "Upgrade torch, torchvision and torchaudio to the newest set that installs together
// (2.3.1 / 0.18.1 / 2.3.1)", "Upgrade diffusers to the newest release compatible with your transformers pin". The pins
// of the group are lifted, everything else stays, and pip's own choice (newest first, backtracking) names the set;
// the edits rewrite only those specifiers, in the user's style, and the result is resolved again before it is offered.
import { raiseFloor, replaceSpecifier, writtenSpecifier } from '../engine/edits';
import type { Environment, PinnedRequirement } from '../engine/environment';
import { compareVersions, parseVersion } from '../pep440';
import type { Fix, TextEdit } from '../types';
import { joinWords } from '../text';
import { resolve } from './index';
import { rootOf } from './environment';
import { VersionSet } from '../pep440/intervals';
import type { ResolveMemo } from './memo';
import type { MetadataSource, ResolveOptions, ResolveResult, RootRequirement } from './types';

export interface UpgradeContext {
  source: MetadataSource;
  options: ResolveOptions;
  /** Manifest texts by path (for edits that keep the written style). */
  texts: ReadonlyMap<string, string>;
  /** Resolutions remembered over `source` (each fix resolves the environment three or four times). */
  memo?: ResolveMemo;
}

/** Upgrades read what installs and which packages a conflict names, never a conflict's words or roots: a remembered
 *  conflict comes back as remembered, without the caller's origins put into its message. */
function resolveIn(ctx: Pick<UpgradeContext, 'source' | 'options' | 'memo'>, roots: readonly RootRequirement[]): ResolveResult {
  return ctx.memo ? ctx.memo.resolve(roots, ctx.options, false) : resolve(roots, ctx.source, ctx.options);
}

export interface Upgrade {
  /** PEP 503 names, in the group's order. */
  packages: string[];
  /** name -> the version the upgraded pins install. */
  versions: Map<string, string>;
  fix: Fix;
  /** A version it names is one whose requirements the snapshot does not hold: that it installs with the other pins is
   *  not checked, and the fix is never the one applied unasked. */
  undescribed?: true;
}

/** Per environment (it does not change once built): each upgrade fix and group asks. */
const PINS = new WeakMap<Environment, readonly PinnedRequirement[]>();

function pinsOf(env: Environment): readonly PinnedRequirement[] {
  let pins = PINS.get(env);
  if (!pins) PINS.set(env, (pins = [...env.packages.values()].flatMap((p) => p.pins)));
  return pins;
}

const CURRENT = new WeakMap<Environment, RootRequirement[]>();

/** The environment's pins as written, as roots: each upgrade fix and the grouping resolve them first, and one list per
 *  environment has its memo key built once (../resolver/memo.ts). Never changed once made. */
function currentRoots(env: Environment): RootRequirement[] {
  let roots = CURRENT.get(env);
  if (!roots) CURRENT.set(env, (roots = pinsOf(env).map((p) => rootOf(p))));
  return roots;
}

/**
 * The newest versions of `group` that install together with the rest of the environment, as a fix; undefined when
 * nothing newer than what the pins install today fits (or when the environment cannot be resolved either way).
 */
export function upgradeFix(env: Environment, group: string[], ctx: UpgradeContext): Upgrade | undefined {
  const attempt = upgradeAttempt(env, group, ctx);
  return attempt === LIFTED_CONFLICT ? undefined : attempt;
}

/** upgradeAttempt's answer when the environment cannot install even with the group's pins lifted. */
export const LIFTED_CONFLICT = 'nothing installs with the pins lifted';

/** As upgradeFix, and says when nothing installs even with the group's pins lifted (a conflict, not a budget). */
export function upgradeAttempt(env: Environment, group: string[], ctx: UpgradeContext): Upgrade | typeof LIFTED_CONFLICT | undefined {
  const members = new Set(group);
  const pins = pinsOf(env);
  const editable = pins.filter((p) => members.has(p.requirement.normalizedName) && !p.constraintOnly && !p.requirement.url && p.requirement.specifier);
  if (!editable.length) return undefined;
  // Lift the group's pins (constraints on them too), keep everything else.
  const lifted = pins.filter((p) => !members.has(p.requirement.normalizedName) || !(p.constraintOnly || editable.includes(p)));
  const free = resolveIn(ctx, [...lifted.map((p) => rootOf(p)), ...editable.map((p) => rootOf(p, ''))]);
  if (!free.ok) return free.reason === 'conflict' ? LIFTED_CONFLICT : undefined;
  const current = resolveIn(ctx, currentRoots(env));
  // Pins that already admit the new version stay as written when that is enough; otherwise their floors rise too.
  for (const raiseAll of [false, true]) {
    const attempt = edit(raiseAll);
    if (!attempt) continue;
    const check = resolveIn(ctx, pins.map((p) => rootOf(p, attempt.newSpecs.get(p) ?? p.requirement.specifier)));
    if (!check.ok || [...attempt.versions].some(([n, v]) => check.packages.get(n)?.version !== v)) continue;
    return finish(attempt.versions, attempt.edits);
  }
  return undefined;

  function edit(raiseAll: boolean) {
    const versions = new Map<string, string>();
    const edits: TextEdit[] = [];
    const newSpecs = new Map<PinnedRequirement, string>();
    for (const name of group) {
      const picked = free.ok ? free.packages.get(name)?.version : undefined;
      const before = current.ok ? current.packages.get(name)?.version : undefined;
      const v = picked ? parseVersion(picked) : null;
      if (!v || !picked) continue;
      if (before && compareVersions(parseVersion(before)!, v) >= 0) continue; // not an upgrade for this one
      versions.set(name, picked);
      for (const pin of editable.filter((p) => p.requirement.normalizedName === name)) {
        if (!raiseAll && VersionSet.fromSpecifierSet(pin.requirement.specifier).contains(v)) continue;
        const text = ctx.texts.get(pin.path);
        const written = writtenSpecifier(pin.requirement, text);
        const next = raiseFloor(written, picked);
        if (!next || next === written) continue;
        newSpecs.set(pin, next);
        edits.push(replaceSpecifier(pin.path, pin.requirement, next, text));
      }
    }
    return edits.length ? { versions, edits, newSpecs } : undefined;
  }

  function finish(versions: Map<string, string>, edits: TextEdit[]): Upgrade {
  const names = [...versions.keys()];
  const others = pins.filter((p) => !members.has(p.requirement.normalizedName) && p.requirement.specifier && !p.constraintOnly).map((p) => p.requirement.normalizedName);
  // A pick the snapshot lists without its requirements (pytorch-lightning 2.6.5) takes any requirement in the
  // resolution: what it would need of the other pins is not known, so nothing is claimed of them.
  const undescribed = free.ok && names.some((n) => free.packages.get(n)?.admitted !== undefined);
  const title = names.length > 1
    ? `Upgrade ${joinWords(names)} to the newest set that installs together (${names.map((n) => versions.get(n)).join(' / ')})`
    : undescribed
      ? `Upgrade ${names[0]} to ${versions.get(names[0])}, its newest release (what it requires is not known here)`
      : others.length
        ? `Upgrade ${names[0]} to ${versions.get(names[0])}, the newest release compatible with your ${joinWords([...new Set(others)].slice(0, 3))} pin${others.length > 1 ? 's' : ''}`
        : `Upgrade ${names[0]} to ${versions.get(names[0])}, the newest release that installs`;
  return { packages: names, versions, fix: { title, applicability: 'needs-review', edits }, ...(undescribed ? { undescribed: true as const } : {}) };
  }
}

/**
 * Groups of pinned packages that upgrade together: a pinned package with the pinned packages it depends on or that
 * depend on it in the resolution (torch with torchvision and torchaudio), or, when nothing installs, the pinned
 * packages of the conflict; each other pinned package alone.
 */
export function upgradeGroups(env: Environment, ctx: UpgradeContext): string[][] {
  const pins = pinsOf(env).filter((p) => !p.constraintOnly && p.requirement.specifier);
  const pinned = [...new Set(pins.map((p) => p.requirement.normalizedName))];
  const result = resolveIn(ctx, currentRoots(env));
  const parent = new Map(pinned.map((n) => [n, n]));
  const find = (n: string): string => (parent.get(n) === n ? n : find(parent.get(n)!));
  const join = (a: string, b: string) => { if (parent.has(a) && parent.has(b) && find(a) !== find(b)) parent.set(find(a), find(b)); };
  if (result.ok) {
    for (const name of pinned) for (const by of result.packages.get(name)?.requiredBy ?? []) join(by, name);
  } else if (result.reason === 'conflict') {
    // Nothing installs: the pinned packages of the conflict move together.
    const involved = result.conflict.packages.filter((n) => parent.has(n));
    for (const n of involved.slice(1)) join(n, involved[0]);
  }
  const groups = new Map<string, string[]>();
  for (const n of pinned) {
    const k = find(n);
    groups.set(k, [...(groups.get(k) ?? []), n]);
  }
  return [...groups.values()];
}

/** Every upgrade the environment's pins allow: one fix per group that has a newer set that installs. */
export function upgradeFixes(env: Environment, ctx: UpgradeContext): Upgrade[] {
  const out: Upgrade[] = [];
  for (const group of upgradeGroups(env, ctx)) {
    const u = upgradeFix(env, group, ctx);
    if (u) out.push(u);
  }
  return out;
}

export interface PinVersions {
  /** The newest final release the metadata lists that is not yanked (releases newer than the snapshot: unknown). */
  newest?: string;
  /** The newest release pip would install with every other pin of the environment kept as written. */
  newestCompatible?: string;
}

/** For a hover: the newest release of `name`, and the newest one compatible with the rest of the environment. */
export function pinVersions(env: Environment, name: string, ctx: Pick<UpgradeContext, 'source' | 'options' | 'memo'>): PinVersions {
  let pkg;
  try { pkg = ctx.source(name); } catch { pkg = undefined; }
  if (!pkg) return {};
  const finals = pkg.releases.filter((e) => e.yanked === undefined || e.yanked === false).flatMap((e) => e.versions)
    .map((v) => ({ v, p: parseVersion(v) })).filter((x) => x.p && !x.p.isPrerelease);
  finals.sort((a, b) => compareVersions(a.p!, b.p!));
  const out: PinVersions = {};
  if (finals.length) out.newest = finals[finals.length - 1].v;
  const pins = pinsOf(env);
  const roots = [...pins.filter((p) => p.requirement.normalizedName !== name).map((p) => rootOf(p)), ...pins.filter((p) => p.requirement.normalizedName === name && !p.constraintOnly).slice(0, 1).map((p) => rootOf(p, ''))];
  const free = resolveIn(ctx, roots);
  const picked = free.ok ? free.packages.get(name) : undefined;
  if (picked?.version && !picked.newerUnknown) out.newestCompatible = picked.version;
  return out;
}
