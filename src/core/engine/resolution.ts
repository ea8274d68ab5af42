// Findings from the resolver: an environment that pip cannot install on any Python it may run on is an error, on each
// pin the derivation rests on (with the others as related information), explained in uv's words, with upgrade fixes
// that resolve. The same resolution names the versions a fresh install takes, which decide the evaluation's severity. Conservative by design: a step budget that runs out, a Python on which it installs, or a conflict the
// PubGrub derivation cannot reproduce says nothing, unless pip's own causes prove it alone (provenByCauses).
import type { Finding, Fix, Range, Requirement } from '../types';
import type { AdmittedReleases, ResolvedPackage, ResolveOptions, RootRequirement } from '../resolver/types';
import { resolve, targetEnvironment, type MetadataSource } from '../resolver';
import { MAX_RESOLVED_ROOTS, orderedPins, rootCount, rootsOf } from '../resolver/environment';
import { groupThousands, joinWords, normalizeName } from '../text';
import { VersionSet } from '../pep440/intervals';
import { parsedPackage, releaseIndex, safeSource, type Release } from '../resolver/releases';
import { ResolveMemo } from '../resolver/memo';
import { requirementOf } from '../resolver/texts';
import { baseOf } from '../resolver/outcome';
import { keptPer } from '../kept';
import { LIFTED_CONFLICT, upgradeAttempt } from '../resolver/upgrade';
import { applySeverity, type CheckSettings } from './config';
import type { Environment } from './environment';
import type { PlacedFinding } from './evaluate';
import type { PackageMetadata } from '../metadata/types';
import type { CheckInput } from './check';
import { yankedFindings } from './yanked';
import { declaresInvalid, invalidDeclarer, invalidMetadataFindings, readsMetadataStrictly } from './invalid-metadata';
import { CPYTHONS } from '../resolver/pythons';

export const RESOLUTION_CONFLICT = 'resolution-conflict';
export const RESOLUTION_SKIPPED = 'resolution-skipped';
export const RESOLUTION_CONFLICT_KNOWN = 'resolution-conflict-known';
/** Newest first: the first where the environment installs gives the picks. */
const PYTHONS = [...CPYTHONS].reverse();

export interface ResolutionContext {
  source: MetadataSource;
  settings: CheckSettings;
  texts: ReadonlyMap<string, string>;
  /** Resolver steps per Python tried. */
  maxSteps?: number;
  /** Resolutions remembered over `source` (the same requirement sets in other environments and later checks). */
  memo?: ResolveMemo;
  /** The rules' findings for the environment: a conflict that one of them already says is not said again, and that
   *  finding takes the conflict's upgrade fixes. */
  ruleFindings?: readonly PlacedFinding[];
}

type ConflictResult = Extract<ReturnType<typeof resolve>, { reason: 'conflict' }>['conflict'];

/** What pip does with one environment: the versions it picks on the newest Python where it installs, or the conflict
 *  on every Python in question; `undefined` when it was not resolved (too large, nothing covered, budget). */
export interface EnvironmentResolution {
  pythons: string[];
  /** name -> the version pip picks (packages the metadata covers, and not possibly newer than the snapshot). */
  picks?: Map<string, string>;
  /** name -> what the requirements on it admit, for each pick whose requirements the snapshot does not hold. */
  undescribed?: Map<string, AdmittedReleases>;
  python?: string;
  /** `unmatched`: the roots no release matches on their own there (each would stop pip alone). */
  conflict?: { python: string; conflict: ConflictResult; unmatched?: RootRequirement[] };
  /** Why it was not resolved although the metadata covers it (too many requirements, the step budget). */
  skipped?: string;
}

// One resolution per environment and metadata source within a check: the findings and the evaluation share it.
const RESOLVED = new WeakMap<Environment, { source: MetadataSource; key: string; value: EnvironmentResolution | undefined }>();

export function resolveEnvironment(env: Environment, ctx: Pick<ResolutionContext, 'source' | 'settings' | 'maxSteps' | 'memo'>): EnvironmentResolution | undefined {
  const key = `${ctx.settings.targetPython ?? ''}|${ctx.settings.platform ?? ''}|${ctx.maxSteps ?? ''}`;
  const cached = RESOLVED.get(env);
  if (cached && cached.source === ctx.source && cached.key === key) return cached.value;
  const value = resolveUncached(env, ctx);
  RESOLVED.set(env, { source: ctx.source, key, value });
  return value;
}

/** The Pythons a check resolves an environment for, in the order tried: the target one, else every CPython its
 *  requires-python admits, newest first. */
export function resolutionPythons(env: Environment, settings: Pick<CheckSettings, 'targetPython'>): string[] {
  return settings.targetPython ? [settings.targetPython] : PYTHONS.filter((v) => !env.python || env.python.contains(v));
}

function resolveUncached(env: Environment, ctx: Pick<ResolutionContext, 'source' | 'settings' | 'maxSteps' | 'memo'>): EnvironmentResolution | undefined {
  // The roots with an origin are the pins: whether the snapshot covers one is asked of the pins, and the roots are made
  // only for an environment within the bound.
  const count = rootCount(env);
  if (!count || ![...env.packages.values()].some((p) => p.pins.some((pin) => coveredName(pin.requirement, ctx.source)))) return undefined;
  const pythons = resolutionPythons(env, ctx.settings);
  if (count > MAX_RESOLVED_ROOTS) {
    return { pythons, skipped: `it has ${groupThousands(count)} requirements, more than the ${groupThousands(MAX_RESOLVED_ROOTS)} ML Pins resolves` };
  }
  return resolveOnPythons(rootsOf(env), pythons, ctx);
}

/** The roots resolved on each Python in turn: the picks on the first where they install, else the first conflict. */
function resolveOnPythons(roots: readonly RootRequirement[], pythons: string[], ctx: Pick<ResolutionContext, 'source' | 'settings' | 'maxSteps' | 'memo'>,
  describedOnly?: readonly string[]): EnvironmentResolution | undefined {
  let first: EnvironmentResolution['conflict'];
  // Pythons on which a conflict found on another fails alike (everything it read reads the same there).
  const failing = new Set<string>();
  for (const python of pythons) {
    if (failing.has(python)) continue;
    // The first conflict also says which roots no release matches alone (each is said at its line).
    const options = resolveOptions(python, ctx, describedOnly, first === undefined);
    // Only the first conflict is reported: the later Pythons' are asked whether they install, not put in words.
    const result = ctx.memo ? ctx.memo.resolve(roots, options, first === undefined) : resolve(roots, ctx.source, options);
    if (result.ok) {
      const picks = new Map<string, string>();
      let undescribed: EnvironmentResolution['undescribed'];
      const uncertain = uncertainPicks(result.packages);
      for (const p of result.packages.values()) {
        if (p.version && !uncertain.has(p.name)) picks.set(p.name, p.version);
        if (p.admitted) (undescribed ??= new Map()).set(p.name, p.admitted);
      }
      return { pythons, picks, python, ...(undescribed ? { undescribed } : {}) };
    }
    if (result.reason === 'budget') return { pythons, skipped: `the resolver ${result.message} on Python ${python}` };
    if (result.reason !== 'conflict') return undefined;
    first ??= { python, conflict: result.conflict, unmatched: result.unmatched?.map((i) => roots[i]) };
    for (const alike of result.samePythons ?? []) failing.add(alike);
  }
  return first ? { pythons, conflict: first } : undefined;
}

/**
 * The picks that rest on a release newer than the snapshot might be: a package pip may take newer than the snapshot
 * lists (`newerUnknown`), and every package something of those requires, through them. `tensorflow>=2.6.0` resolves to
 * 2.19.1, the newest whose requirements the snapshot holds, while pip takes the registry's 2.21.0: tensorboard's pick
 * (2.19.0, from 2.19.1's `tensorboard~=2.19.0`) is not what pip installs either. A package also required from elsewhere
 * stays uncertain (which requirement decided the pick is not known); an exact pin decides alone, and the evaluation
 * reads its single version from the pin all the same.
 */
function uncertainPicks(packages: ReadonlyMap<string, ResolvedPackage>): Set<string> {
  const uncertain = new Set<string>();
  for (const p of packages.values()) if (p.newerUnknown) uncertain.add(p.name);
  // Through the requirement graph, breadth first: a package is visited once, when its first requirer turns uncertain.
  // `requires`: name -> the packages it requires (the reverse of each package's `requiredBy`).
  const queue = [...uncertain];
  const requires = new Map<string, string[]>();
  for (const p of packages.values()) {
    for (const by of p.requiredBy) {
      const list = requires.get(by);
      if (list) list.push(p.name);
      else requires.set(by, [p.name]);
    }
  }
  for (let i = 0; i < queue.length; i++) {
    for (const next of requires.get(queue[i]) ?? []) {
      if (uncertain.has(next)) continue;
      uncertain.add(next);
      queue.push(next);
    }
  }
  return uncertain;
}

/**
 * The versions a fresh install takes, as pip picks them (the evaluation's "fresh" set: a break among them is an
 * error; older versions the pins admit stay "admitted but not fresh"). undefined when not resolved.
 */
export function freshVersions(env: Environment, ctx: Pick<ResolutionContext, 'source' | 'settings' | 'maxSteps' | 'memo'>): ReadonlyMap<string, string> | undefined {
  return resolveEnvironment(env, ctx)?.picks;
}

/** An environment the resolver did not finish, said once at its first pin: conflicts only a resolution finds (and
 *  severity from pip's picks) are missing there, and the user should know. */
function skippedFindings(env: Environment, reason: string, settings: CheckSettings): PlacedFinding[] {
  const severity = applySeverity(RESOLUTION_SKIPPED, 'information', settings, false);
  const first = orderedPins(env)[0];
  if (!severity || !first) return [];
  const message = `ML Pins did not resolve ${env.label} as pip would: ${reason}. Conflicts that only a resolution finds are not reported for it; the rules still apply. \`ml-pins resolve\` resolves it without this limit.`;
  return [{ path: first.path, finding: { code: RESOLUTION_SKIPPED, severity, message, packages: [], range: first.requirement.range, fixes: [] } }];
}

/** How many conflicts behind one that the rules already say are looked for (each costs a resolution). */
const MAX_EXPLAINED = 3;

export function resolutionFindings(env: Environment, ctx: ResolutionContext): PlacedFinding[] {
  if (ctx.settings.disabledRules?.includes(RESOLUTION_CONFLICT)) return describedConflictFindings(env, ctx);
  let resolution = resolveEnvironment(env, ctx);
  if (resolution?.skipped) return skippedFindings(env, resolution.skipped, ctx.settings);
  if (resolution?.picks) return describedConflictFindings(env, ctx);
  const severity = applySeverity(RESOLUTION_CONFLICT, 'error', ctx.settings, false);
  const refusals = (ctx.ruleFindings ?? []).filter((p) => p.refusal && p.finding.severity === 'error').map((p) => placeOf(p.path, p.finding.range));
  // A conflict a rule already reports at one of its pins, about all of its packages (torchvision's declared torch
  // against the torch pin; two contradicting pins) is that finding's cause: said once, there. Pins that no release
  // matches alone (a release being typed) are said each at its line. Another conflict may stand behind either: the
  // requirements left without those pins are resolved again (if they cannot install together, neither can the whole),
  // so a typo does not hide the rest of the file's conflicts, and, the same requirements left on each keystroke, that
  // resolution is remembered.
  let roots: readonly RootRequirement[] | undefined;
  const alone: PlacedFinding[] = [];
  const typed: string[] = [];
  for (let n = 0; resolution?.conflict; n++) {
    const { unmatched, python } = resolution.conflict;
    const conflict = provenRoots(env, resolution.conflict.conflict);
    const by = explaining(env, conflict, ctx.ruleFindings ?? []);
    let taken: Set<unknown>;
    if (by.length) {
      // The rule's finding takes the conflict's upgrades (pip's newest set that installs), after its own fixes.
      const upgrades = upgradable(conflict, typed) ? conflictFixes(env, conflict, resolution.pythons, ctx) : [];
      for (const p of by) p.finding = { ...p.finding, fixes: withUpgrades(p.finding.fixes, upgrades) };
      if (n === MAX_EXPLAINED) return alone;
      taken = new Set(conflict.roots.map((r) => r.origin?.ref).filter((r) => r !== undefined));
    } else {
      if (!severity || !unmatched?.length || n === MAX_EXPLAINED) break;
      const said = unmatchedPinFindings(env, unmatched, { pythons: resolution.pythons, where: onPythons(resolution.pythons, python), severity, said: new Set(refusals) }, ctx);
      if (!said.length) break;
      alone.push(...said.map((s) => s.finding));
      typed.push(...said.map((s) => (s.root.origin!.ref as Requirement).normalizedName));
      taken = new Set(said.map((s) => s.root.origin?.ref));
    }
    roots = (roots ?? rootsOf(env)).filter((r) => !r.origin?.ref || !taken.has(r.origin.ref));
    resolution = roots.some((r) => r.origin) ? resolveOnPythons(roots, resolution.pythons, ctx) : undefined;
  }
  const first = resolution?.conflict && { ...resolution.conflict, conflict: provenRoots(env, resolution.conflict.conflict) };
  if (!resolution || !first || !severity || !(PROVEN.has(first.conflict) || derived(first.conflict))) return alone;
  const pythons = resolution.pythons;
  const { conflict, python } = first;
  const pins = conflictPins(env, conflict);
  if (!pins.length) return alone;
  const where = onPythons(pythons, python);
  const message = `pip cannot install these requirements together ${where}.\n${conflict.message}`;
  const fixes = upgradable(conflict, typed) ? conflictFixes(env, conflict, pythons, ctx) : [];
  const found = atPins(pins, { code: RESOLUTION_CONFLICT, severity, message, packages: conflict.packages, fixes });
  const said = new Set([...found, ...alone].map((p) => placeOf(p.path, p.finding.range)).concat(refusals));
  return [...alone, ...found, ...unmatchedPinFindings(env, first.unmatched ?? [], { pythons, where, severity, said }, ctx).map((s) => s.finding)];
}

/** The conflict's words are a derivation ("…, we can conclude that …"), not pip's causes alone (the fallback). */
function derived(conflict: ConflictResult): boolean {
  return /we can conclude that/.test(conflict.message);
}

/** Conflicts that pip's causes prove (provenRoots): reported as explained ones are. */
const PROVEN = new WeakSet<ConflictResult>();
/** provenRoots per conflict and environment: the loop of resolutionFindings and its last step ask for the same one. */
const PROVEN_OF = new WeakMap<ConflictResult, WeakMap<Environment, ConflictResult>>();

/** A conflict the derivation could not reproduce, with the roots pip's causes rest on when they prove it alone
 *  (provenByCauses), remembered in PROVEN; any other conflict as it is. */
function provenRoots(env: Environment, conflict: ConflictResult): ConflictResult {
  return derived(conflict) ? conflict : keptPer(PROVEN_OF, conflict, env, withProvenRoots);
}

function withProvenRoots(conflict: ConflictResult, env: Environment): ConflictResult {
  const roots = provenByCauses(conflict, rootsOf(env));
  if (!roots) return conflict;
  const proven = { ...conflict, roots };
  PROVEN.add(proven);
  return proven;
}

/**
 * The roots a conflict rests on when pip's causes alone prove it: requirements on one package that admit no common
 * version, each written here or declared by a release that a pin here names exactly (tensorflow-text==2.15.0's
 * `tensorflow<2.16` against `tensorflow>=2.16`). No release, listed or not, meets them all, so the conflict holds
 * whatever the snapshot does not know, where the derivation, which leaves unknown releases out, finds no proof
 * (a partial listing). Undefined otherwise.
 */
function provenByCauses(conflict: ConflictResult, roots: readonly RootRequirement[]): RootRequirement[] | undefined {
  const { causes } = conflict;
  if (causes.length < 2 || new Set(causes.map((c) => c.package)).size !== 1) return undefined;
  let common = VersionSet.all();
  const used: RootRequirement[] = [];
  for (const c of causes) {
    const parsed = requirementOf(c.requirement);
    if (!parsed.ok || parsed.value.url) return undefined;
    common = common.intersect(VersionSet.fromSpecifierSet(parsed.value.specifier));
    const root = c.parent ? roots.find((r) => pinsExactly(r, c.parent!.name, c.parent!.version)) : roots.find((r) => r.origin && r.origin === c.origin);
    if (!root) return undefined;
    if (!used.includes(root)) used.push(root);
  }
  return common.isEmpty() ? used : undefined;
}

/** The root is `name==version` (extras and marker aside). */
function pinsExactly(root: RootRequirement, name: string, version: string): boolean {
  const parsed = requirementOf(root.requirement);
  if (!parsed.ok || parsed.value.url || normalizeName(parsed.value.name) !== normalizeName(baseOf(name))) return false;
  const exact = VersionSet.fromSpecifierSet(`==${version}`);
  const set = VersionSet.fromSpecifierSet(parsed.value.specifier);
  return !set.isEmpty() && set.intersect(exact.complement()).isEmpty();
}

/** Whether an upgrade of a conflict's packages may install, with the pins no release matches (`typed`, said on their
 *  own) kept: an upgrade lifts the pins of the conflict's packages only, so with such a pin among the others nothing
 *  it tries installs (upgradeAttempt's LIFTED_CONFLICT), and trying costs a resolution per keystroke. */
function upgradable(conflict: ConflictResult, typed: readonly string[]): boolean {
  return typed.every((n) => conflict.packages.includes(n));
}

/** Pins said on their own at most, beside the conflict reported. */
const MAX_UNMATCHED = 20;

/**
 * Pins that no release matches at all on any Python in question (a release that does not exist, a typo), beside the
 * conflict reported: pip stops at the first and the derivation names one, but each would stop pip alone, so each is
 * said at its own line, in the words it gets alone (a pin being typed is flagged where it is typed, whatever else the
 * file holds). Without fixes: with another conflict in the environment, no upgrade of it installs.
 */
function unmatchedPinFindings(env: Environment, unmatched: RootRequirement[], report: { pythons: string[]; where: string; severity: Finding['severity']; said: Set<string> },
  ctx: ResolutionContext): { root: RootRequirement; finding: PlacedFinding }[] {
  const out: { root: RootRequirement; finding: PlacedFinding }[] = [];
  for (const root of unmatched) {
    const req = root.origin?.ref as Requirement | undefined;
    const path = req && env.packages.get(req.normalizedName)?.pins.find((p) => p.requirement === req)?.path;
    if (!req || !path || report.said.has(placeOf(path, req.range))) continue;
    // Alone, it must fail on every Python in question, as an environment's roots are asked.
    const conflict = resolveOnPythons([root], report.pythons, ctx)?.conflict?.conflict;
    if (!conflict || !derived(conflict)) continue;
    const message = `pip cannot install these requirements together ${report.where}.\n${conflict.message}`;
    out.push({ root, finding: { path, finding: { code: RESOLUTION_CONFLICT, severity: report.severity, message, packages: conflict.packages, range: req.range, fixes: [] } } });
    if (out.length >= MAX_UNMATCHED) break;
  }
  return out;
}

/**
 * An environment that installs only through releases the snapshot does not describe (pip's pick of a package is a
 * release it does not list, or lists without its requirements): resolved again with those packages held to the
 * releases it describes, where what it does not describe lies in gaps that the described releases around it refute
 * (gapsRefuted). When nothing installs then, that is said as a warning with the derivation, and the undescribed
 * releases are named as what they are, unknown: nothing else is said of them (docs/resolver.md).
 */
function describedConflictFindings(env: Environment, ctx: ResolutionContext): PlacedFinding[] {
  const severity = applySeverity(RESOLUTION_CONFLICT_KNOWN, 'warning', ctx.settings, false);
  if (!severity) return [];
  const resolution = resolveEnvironment(env, ctx);
  if (!resolution?.undescribed || !resolution.python) return [];
  const held = [...resolution.undescribed].filter(([name, a]) => gapsRefuted(name, a, env, ctx.source, resolution.python!)).map(([name]) => name).sort();
  if (!held.length) return [];
  // The Pythons before the one where it installs refuse it with every release; the later ones are asked too.
  const pythons = resolution.pythons.slice(resolution.pythons.indexOf(resolution.python));
  const first = resolveOnPythons(rootsOf(env), pythons, ctx, held)?.conflict;
  if (!first || !derived(first.conflict)) return [];
  const { conflict, python } = first;
  if (explaining(env, conflict, ctx.ruleFindings ?? []).length) return []; // a rule says it, as an error
  const pins = conflictPins(env, conflict);
  if (!pins.length) return [];
  const named = held.filter((n) => conflict.packages.includes(n));
  const names = named.length ? named : held;
  const all = resolution.pythons;
  const where = onPythons(all, python);
  const allowed = names.map((n) => {
    const d = resolution.undescribed!.get(n)!.described;
    return `${n} ${d[0]} … ${d[d.length - 1]}`;
  });
  const message = `pip cannot install these requirements together with any release of ${joinWords(names)} that the metadata snapshot describes (lists with its requirements), ${where}. ` +
    `Of those, these pins allow ${joinWords(allowed)}; a range of ${names.length > 1 ? 'these packages' : names[0]} below stands for them only.\n${conflict.message}\n` +
    `${names.map((n) => undescribedText(n, resolution.undescribed!.get(n)!, ctx.source)).join(' ')} Only such a release could make these install; the snapshot does not say whether one does.`;
  return atPins(pins, { code: RESOLUTION_CONFLICT_KNOWN, severity, message, packages: conflict.packages, fixes: conflictFixes(env, conflict, all, ctx, held) });
}

/** "on any Python from 3.8 to 3.14" for the Pythons a conflict holds on (newest first), "on Python 3.11" for one. */
function onPythons(pythons: string[], python: string): string {
  return pythons.length > 1 ? `on any Python from ${pythons[pythons.length - 1]} to ${pythons[0]}` : `on Python ${python}`;
}

/** A conflict's finding at each pin its derivation rests on, with the others as related information. */
function atPins(pins: { req: Requirement; path: string }[], f: Pick<Finding, 'code' | 'severity' | 'message' | 'packages' | 'fixes'>): PlacedFinding[] {
  return pins.map(({ req, path }) => {
    const finding: Finding = {
      code: f.code, severity: f.severity, message: f.message, packages: f.packages, range: req.range, fixes: f.fixes,
      related: pins.filter((o) => o.req !== req).map((o) => ({ path: o.path, range: o.req.range, message: `${o.req.text} takes part in the conflict` })),
    };
    return { path, finding };
  });
}

/**
 * Whether what the snapshot does not describe of a package, among what these pins allow, is bracketed by releases it
 * describes that refuse the pins, so that holding the package to the described releases is not what makes nothing
 * install. Each gap between two described releases is given what its neighbours inside the pins require
 * unconditionally, widened to span both (torchvision between 0.22.0 and 0.26.0: torch 2.7.0 to 2.11.0); the gap is
 * refuted when that meets no version the pins allow of some package. A gap not refuted may hold the release that fits
 * (torch 2.10.0's torchvision), and so may releases below every described one (torch 2.0.1's torchaudio): the package is
 * not held. Releases newer than every described one are the snapshot's age, not a gap: they are named, never judged.
 * Used only to stay silent, never to say anything of an undescribed release.
 */
function gapsRefuted(name: string, a: AdmittedReleases, env: Environment, source: MetadataSource, python: string): boolean {
  if (!a.gaps.length || a.belowAll) return false;
  const meta = safeSource(source, name);
  if (!meta) return false;
  const { byText } = releaseIndex(parsedPackage(meta, name, python));
  return a.gaps.every((neighbours) => {
    if (!neighbours.length) return false;
    const [first, ...rest] = neighbours.map((t) => unconditional(byText.get(t)));
    for (const [dep, set] of first) {
      const pins = env.packages.get(dep);
      if (!pins?.pins.length || rest.some((r) => !r.has(dep))) continue;
      const union = rest.reduce((u, r) => u.union(r.get(dep)!), set);
      const widened = VersionSet.range(union.lowerBound(), union.upperBound());
      if (!widened.intersects(pins.admitted)) return true; // whatever the gap holds cannot meet the pins on dep either
    }
    return false;
  });
}

/** Release -> its requirements without markers, by package: parsed once (a check asks again on every keystroke). */
const UNCONDITIONAL = new WeakMap<Release, Map<string, VersionSet>>();

/** A release's requirements without markers, by package: what it requires wherever it installs. */
function unconditional(release: Release | undefined): Map<string, VersionSet> {
  if (!release) return new Map();
  let out = UNCONDITIONAL.get(release);
  if (out) return out;
  UNCONDITIONAL.set(release, (out = new Map()));
  for (const text of release.requiresDist ?? []) {
    const p = requirementOf(text);
    if (!p.ok || p.value.markerText || p.value.url) continue;
    const dep = normalizeName(p.value.name);
    out.set(dep, (out.get(dep) ?? VersionSet.all()).intersect(VersionSet.fromSpecifierSet(p.value.specifier)));
  }
  return out;
}

/** The releases of a package these pins allow that the snapshot does not describe, in words. */
function undescribedText(name: string, a: AdmittedReleases, source: MetadataSource): string {
  const parts: string[] = [];
  const d = a.described;
  const meta = safeSource(source, name);
  if (a.withoutRequirements.length) {
    parts.push(`${joinWords(a.withoutRequirements)} (listed without ${a.withoutRequirements.length > 1 ? 'their' : 'its'} requirements)`);
  }
  if (a.unlisted) parts.push(`releases older than ${d[d.length - 1]} that it does not list`);
  if (a.newerThan) {
    const registry = typeof meta?.registry_newest === 'string' && meta.registry_newest !== a.newerThan ? ` (the registry lists up to ${meta.registry_newest})` : '';
    parts.push(`releases newer than ${a.newerThan}${registry}`);
  }
  const date = meta?.snapshot_date;
  return `These pins also allow ${name} releases that the snapshot${typeof date === 'string' ? ` (${date})` : ''} does not describe: ${parts.length > 2 ? `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1]}` : joinWords(parts)}.`;
}

/** Upgrades of the conflict's pinned packages (together, then each alone) to the newest set that installs. */
function conflictFixes(env: Environment, conflict: ConflictResult, pythons: string[], ctx: ResolutionContext, describedOnly?: readonly string[]): Fix[] {
  const fixes: Fix[] = [];
  // Fixes for the oldest Python in question: what installs there installs on the newer ones too, as far as pins go.
  const options = resolveOptions(pythons[pythons.length - 1], ctx, describedOnly);
  const pinned = conflict.packages.filter((n) => env.packages.get(n)?.pins.some((p) => p.requirement.specifier && !p.constraintOnly));
  // The group, then each of its packages alone (one package: the group itself).
  for (const group of pinned.length > 1 ? [pinned, ...pinned.map((n) => [n])] : [pinned]) {
    if (!group.length || fixes.length >= 3) continue;
    const up = upgradeAttempt(env, group, { source: ctx.source, options, texts: ctx.texts, memo: ctx.memo });
    if (up === LIFTED_CONFLICT) {
      // Nothing installs with the whole group's pins lifted: with fewer lifted (the others' pins kept, which only
      // narrows), nothing installs either.
      if (group === pinned) break;
      continue;
    }
    if (up && !fixes.some((f) => f.title === up.fix.title)) fixes.push({ ...up.fix, applicability: fixes.length || up.undescribed ? 'needs-review' : 'safe' });
  }
  return fixes;
}

/** Resolver options on one Python, for the platform the check is set to (Linux x86-64 when none is: where ML installs
 *  mostly run, and where the platform markers of torch's and triton's requirements apply). */
function resolveOptions(python: string, ctx: Pick<ResolutionContext, 'maxSteps' | 'settings'>, describedOnly?: readonly string[], unmatched?: boolean): ResolveOptions {
  const options: ResolveOptions = { environment: targetEnvironment(python, ctx.settings.platform), maxSteps: ctx.maxSteps ?? 5000 };
  if (describedOnly?.length) options.describedOnly = describedOnly;
  if (unmatched) options.unmatched = true;
  return options;
}

/** A finding's fixes with the upgrades it lacks after them: the first stays preferred when the finding has a safe one. */
function withUpgrades(own: Fix[], upgrades: Fix[]): Fix[] {
  const hasSafe = own.some((f) => f.applicability === 'safe');
  const added = upgrades.filter((u) => !own.some((f) => f.title === u.title));
  return [...own, ...added.map((u) => (hasSafe && u.applicability === 'safe' ? { ...u, applicability: 'needs-review' as const } : u))];
}

/** The pins a conflict's derivation rests on, with their files. */
function conflictPins(env: Environment, conflict: ConflictResult): { req: Requirement; path: string }[] {
  return conflict.roots.flatMap((r) => (r.origin?.ref ? [{ req: r.origin.ref as Requirement, path: env.packages.get((r.origin.ref as Requirement).normalizedName)?.pins.find((p) => p.requirement === r.origin!.ref)?.path ?? env.path }] : []));
}

/** The rules' errors that say pip refuses, placed on one of the pins the conflict's derivation rests on, about every
 *  package of those pins (`conflict.packages` also lists what pip's own resolver met on its way: not asked). */
function explaining(env: Environment, conflict: ConflictResult, ruleFindings: readonly PlacedFinding[]): PlacedFinding[] {
  const pins = conflictPins(env, conflict);
  const places = new Set(pins.map((p) => placeOf(p.path, p.req.range)));
  // A conflict pip's causes prove (one package two requirements exclude) is said by a refusal at one of its pins that
  // speaks of that package: gradio==4.0.0's pydantic>=2.0 against what fastapi==0.99.0 declares.
  const about = PROVEN.has(conflict) ? conflict.causes[0]?.package : undefined;
  return pins.length ? ruleFindings.filter((p) => p.refusal && p.finding.severity === 'error' && places.has(placeOf(p.path, p.finding.range)) &&
    (pins.every(({ req }) => p.finding.packages.includes(req.normalizedName)) || (about !== undefined && p.finding.packages.includes(about)))) : [];
}

function sameEdits(a: Fix, b: Fix): boolean {
  return a.edits.length === b.edits.length && a.edits.every((e, i) => { const o = b.edits[i]; return e.path === o.path && e.newText === o.newText && placeOf(e.path, e.range) === placeOf(o.path, o.range); });
}

function placeOf(path: string, r: Range): string {
  return `${path}\u0000${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

function coveredName(req: Requirement, source: MetadataSource): boolean {
  try { return source(req.normalizedName) !== undefined; } catch { return false; }
}

/** The check's hooks for declared metadata, and the resolution they rest on (for the editor's hover). */
export interface DeclaredMetadataHooks extends Pick<CheckInput, 'environmentFindings' | 'freshVersions'> {
  /** What pip does with an environment of a check made with these hooks (`settings`: the check's for its file). */
  resolution(env: Environment, settings: CheckSettings): EnvironmentResolution | undefined;
}

/**
 * The check's hooks for declared metadata (`source`: the snapshot, or live index data layered over it): environments
 * pip cannot install (resolution-conflict), pins that only releases with invalid metadata meet (invalid-metadata) and
 * pins of yanked releases (yanked-release). Resolutions are remembered
 * over `source` for as long as the hooks are kept (../resolver/memo.ts): `source` must not change meanwhile.
 */
export function declaredMetadataHooks(source: MetadataSource): DeclaredMetadataHooks {
  const strict = { source, memo: new ResolveMemo(source) };
  const declarer = invalidDeclarer(source);
  let lenient: typeof strict | undefined;
  // An environment whose installer reads metadata leniently resolves over a view without `requires_dist_invalid`.
  const forEnv = (env: Environment) => {
    if (readsMetadataStrictly(env)) return strict;
    if (!lenient) { const view = lenientView(source); lenient = { source: view, memo: new ResolveMemo(view) }; }
    return lenient;
  };
  return {
    environmentFindings: (env, c) => {
      const { source, memo } = forEnv(env);
      // Said at the pin, a refusal: the resolution's own finding of the pin that finds no version is not said again.
      const invalid = invalidMetadataFindings(env, { declarer, settings: c.settings, texts: c.texts }).map((p): PlacedFinding => ({ ...p, refusal: true }));
      const own = new Map(invalid.map((p) => [p, p.finding.fixes]));
      const resolved = resolutionFindings(env, { source, memo, ...c, ruleFindings: [...(c.ruleFindings ?? []), ...invalid] });
      // The conflict's upgrades join the finding (resolutionFindings). One that makes the same edit as its own fix says
      // more (it installs with the other pins) and stands for it; another moves further than the nearest release with
      // valid metadata (pytorch-lightning 1.7.7 to 2.6.5), which is a choice to review, not the fix applied unasked.
      for (const p of invalid) {
        const mine = own.get(p)!;
        const fixes = p.finding.fixes.filter((f, i, all) => !all.some((u, j) => j > i && sameEdits(u, f)));
        p.finding = { ...p.finding, fixes: fixes.map((f) => (f.applicability !== 'safe' || mine.some((m) => m === f || sameEdits(m, f)) ? f : { ...f, applicability: 'needs-review' as const })) };
      }
      return [...invalid, ...resolved, ...yankedFindings(env, { source, settings: c.settings })];
    },
    freshVersions: (env, c) => freshVersions(env, { ...forEnv(env), settings: c.settings }),
    resolution: (env, settings) => resolveEnvironment(env, { ...forEnv(env), settings }),
  };
}

/** Each package's metadata less `requires_dist_invalid` (the object itself when it has none), one per package object:
 *  the resolver's caches key on it. */
const LENIENT = new WeakMap<PackageMetadata, PackageMetadata>();

function lenientView(source: MetadataSource): MetadataSource {
  return (name) => {
    const meta = source(name);
    if (!meta) return meta;
    let view = LENIENT.get(meta);
    if (!view) {
      view = declaresInvalid(meta) ? { ...meta, releases: meta.releases.map(({ requires_dist_invalid: _, ...entry }) => entry) } : meta;
      LENIENT.set(meta, view);
    }
    return view;
  };
}
