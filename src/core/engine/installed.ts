// Findings about the installed environment (a selected interpreter's site-packages, `--environment`), attached to
// the pins of the manifest. The original failure lived here: a venv that kept diffusers 0.21.0 while huggingface_hub
// moved to 0.26.2 fails at import, whatever the pins allow. Installed metadata is read statically by the caller.
import { parseSpecifierSet } from '../pep440/specifier';
import { parseVersion } from '../pep440/version';
import { evaluateMarker, parseRequirement } from '../pep508';
import { normalizeName } from '../text';
import type { FixOption } from '../rules/types';
import type { Fix, TextEdit } from '../types';
import type { InstalledEnvironment } from './config';
import { markerEnvironment, type Environment, type PinnedRequirement } from './environment';
import { finalSeverity, incompatibleFixes, type EvalContext, type PlacedFinding } from './evaluate';
import { appliesOnPlatform, platformPrefix } from './knowledge';
import { displayName, plainText } from './messages';
import { ACCELERATOR_NAMES, acceleratorFamily, BUILD_LABEL, pinnedBuild, replacingIndexLabel } from './rules/accelerator-variant';

export const INSTALLED_CODES = {
  conflict: 'installed-conflict',
  drift: 'installed-drift',
  missing: 'installed-missing',
} as const;

/** Every finding the installed environment gives on the pins of `env`. */
export function installedFindings(env: Environment, installed: InstalledEnvironment, ctx: EvalContext): PlacedFinding[] {
  const broken = [...brokenCombinations(env, installed, ctx), ...installedBuilds(env, installed, ctx)];
  // Drift of a package that takes part in an installed break is a warning: it is why the environment fails now.
  const breaking = new Set(broken.flatMap((f) => f.finding.packages ?? []));
  return [...broken, ...declaredConflicts(env, installed, ctx), ...drift(env, installed, ctx, breaking)];
}

const installingPins = (env: Environment, pkg: string): PinnedRequirement[] =>
  env.packages.get(pkg)?.pins.filter((p) => !p.constraintOnly) ?? [];

const installedText = (installed: InstalledEnvironment, pkg: string) => `${displayName(pkg)} ${installed.packages[pkg].version}`;

/** A break the knowledge base knows (a removed API, an ABI break) among the installed versions: it fails now. */
function brokenCombinations(env: Environment, installed: InstalledEnvironment, ctx: EvalContext): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  const seen = new Set<string>();
  for (const name of env.packages.keys()) {
    for (const rule of ctx.knowledge.byPackage.get(name) ?? []) {
      if (rule.kind !== 'incompatible' || seen.has(rule.c.rule.code)) continue;
      seen.add(rule.c.rule.code);
      const { rule: r, when } = rule.c;
      if (!appliesOnPlatform(r, ctx.settings.platform ?? installed.platform)) continue;
      const versions = [...when].map(([pkg, bad]) => {
        const v = installed.packages[pkg] && parseVersion(installed.packages[pkg].version);
        return v && bad.contains(v) ? pkg : undefined;
      });
      if (versions.some((p) => !p)) continue;
      // The diagnostic sits on the target's pin, else on a pin of any package taking part.
      const anchorPkg = [r.target, ...when.keys()].find((p) => installingPins(env, p).length);
      if (!anchorPkg) continue;
      // The rule's own code (as the runner's doctor reports it): turning the rule off or re-levelling it reaches this
      // too, and on the pin it replaces the finding about what the pins admit (same code, same place, worse).
      const severity = finalSeverity(r.code, 'error', undefined, ctx.settings, false);
      if (!severity) continue;
      const names = [...when.keys()].map((p) => installedText(installed, p));
      const message = `${platformPrefix(r)}In ${installed.label}, the installed ${names.join(' and ')} break together: ${plainText(r.title)}. ` +
        'This environment fails now, whatever the pins allow: change the pin, then reinstall.';
      const memo = new Map();
      for (const pin of installingPins(env, anchorPkg)) {
        const fixes = installingFixes(r.fixes, env, pin, ctx, memo);
        out.push({ path: pin.path, finding: {
          code: r.code, severity, message, packages: [...when.keys()], range: pin.requirement.range, fixes,
          explanation: r.explanation, sources: r.sources,
        } });
      }
    }
  }
  return out;
}

/**
 * Installed PyTorch builds (the `+cu121` / `+rocm5.7` / `+cpu` of their versions) that do not fit: builds for
 * different accelerators side by side (torchvision's compiled ops do not load against another accelerator's torch:
 * an error, the rule's `mixedVariants` code), and builds for another accelerator than the project targets — its
 * `accelerator` setting, else the builds its pins name or its replacing index serves — (CUDA on ROCm or the reverse
 * is an error, as the runner's doctor reports it on the machine; a CPU build or a GPU build where the target is the
 * CPU, a warning; the rule's `wrongAccelerator` code).
 */
function installedBuilds(env: Environment, installed: InstalledEnvironment, ctx: EvalContext): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  for (const compiled of ctx.knowledge.rules) {
    if (compiled.kind !== 'accelerator-variant') continue;
    const rule = compiled.rule;
    const builds = rule.packages.flatMap((pkg) => {
      const version = installed.packages[pkg]?.version;
      const label = version?.split('+')[1];
      return version && label && BUILD_LABEL.test(label) ? [{ pkg, version, family: acceleratorFamily(label) }] : [];
    });
    if (!builds.length) continue;
    // Where a package is not pinned, its finding sits on the anchor's (torch's) pins.
    const placesOf = (pkg: string) => (installingPins(env, pkg).length ? installingPins(env, pkg) : installingPins(env, rule.packages[0]));
    const emit = (code: string | undefined, severity: 'error' | 'warning', pkg: string, message: string) => {
      const final = code && finalSeverity(code, severity, rule.maxSeverity, ctx.settings, false);
      if (!final) return;
      for (const pin of placesOf(pkg)) {
        out.push({ path: pin.path, finding: { code: code!, severity: final, packages: [pkg], range: pin.requirement.range, fixes: [], message,
          explanation: rule.explanation, sources: rule.sources } });
      }
    };
    const text = (b: (typeof builds)[number]) => `${displayName(b.pkg)} ${b.version}`;
    const anchor = builds.find((b) => b.pkg === rule.packages[0]) ?? builds[0];
    for (const b of builds) {
      if (b.family === anchor.family) continue;
      emit(rule.codes.mixedVariants, 'error', b.pkg, `In ${installed.label}, the installed ${text(b)} is a ${ACCELERATOR_NAMES[b.family]} build and ` +
        `${text(anchor)} a ${ACCELERATOR_NAMES[anchor.family]} one: builds for different accelerators do not load together. Reinstall them from one index.`);
    }
    const setting = ctx.settings.accelerator;
    const pinned = [...new Set(rule.packages.flatMap((pkg) => installingPins(env, pkg)).flatMap((p) => {
      const label = pinnedBuild(p.requirement.specifier)?.label;
      return label && BUILD_LABEL.test(label) ? [acceleratorFamily(label)] : [];
    }))];
    const implied = replacingIndexLabel(env, rule);
    const target = setting === 'cuda' || setting === 'rocm' || setting === 'cpu' ? { family: setting, why: 'the accelerator setting' }
      : pinned.length === 1 ? { family: pinned[0], why: 'the builds the pins name' }
      : !pinned.length && implied ? { family: acceleratorFamily(implied), why: 'the index the pins install from' } : undefined;
    if (!target) continue;
    for (const b of builds) {
      if (b.family === target.family) continue;
      const gpus = b.family !== 'cpu' && target.family !== 'cpu';
      emit(rule.codes.wrongAccelerator, gpus ? 'error' : 'warning', b.pkg, `In ${installed.label}, the installed ${text(b)} is a ${ACCELERATOR_NAMES[b.family]} build, ` +
        `but this project targets ${ACCELERATOR_NAMES[target.family]} (${target.why}): ` +
        (b.family === 'cpu' ? 'it never uses the GPU.' : `it finds no ${ACCELERATOR_NAMES[b.family]} device there and runs on the CPU.`) + ' Reinstall from the pins.');
    }
  }
  return out;
}

/**
 * The rule's fixes (edit the pin), each also carrying what to install afterwards: the environment is what breaks, so
 * the pin alone mends nothing until it is installed ("update the pin and install it").
 */
function installingFixes(options: FixOption[], env: Environment, pin: PinnedRequirement, ctx: EvalContext, memo: Map<FixOption, TextEdit[] | undefined>): Fix[] {
  const fixes: Fix[] = [];
  for (const option of options) {
    const [fix] = incompatibleFixes([option], env, pin, ctx, memo);
    if (!fix) continue;
    const name = displayName(option.package);
    const requirement = option.kind === 'raise-floor' ? `${name}>=${option.version}` : option.kind === 'cap' ? `${name}<${option.below}` : `${name}${option.specifier}`;
    fixes.push({ ...fix, applicability: option.applicability ?? 'needs-review', install: { requirements: [requirement], installer: env.installer.name } });
  }
  if (fixes.length && !fixes.some((f) => f.applicability === 'safe')) fixes[0] = { ...fixes[0], applicability: 'safe' };
  return fixes;
}

/**
 * What the installed packages declare (their own Requires-Dist), as `pip check` reads it: a requirement the installed
 * version of another package does not meet. Only packages the manifest names are looked at (their pins carry the
 * finding). An exact pin (`torch==2.2.0`, a build-time ABI pin) that is not met is an error; a range, a warning.
 */
function declaredConflicts(env: Environment, installed: InstalledEnvironment, ctx: EvalContext): PlacedFinding[] {
  const markers = { ...markerEnvironment(installed.python, installed.platform), extra: '' };
  const out: PlacedFinding[] = [];
  for (const name of env.packages.keys()) {
    const pkg = installed.packages[name];
    const pins = installingPins(env, name);
    if (!pkg || !pins.length) continue;
    for (const text of pkg.requiresDist) {
      const parsed = parseRequirement(text);
      if (!parsed.ok || parsed.value.url) continue;
      const req = parsed.value;
      // A requirement under a marker we cannot decide (an unknown Python or platform) is not judged: never guess.
      if (req.marker && evaluateMarker(req.marker, markers) !== true) continue;
      const dep = normalizeName(req.name);
      const have = installed.packages[dep];
      if (!have || !req.specifier) continue;
      const spec = parseSpecifierSet(req.specifier);
      const version = parseVersion(have.version);
      if (!spec || !version || spec.contains(version, { prereleases: true })) continue;
      const exact = /^===?[^,]*$/.test(req.specifier);
      const severity = finalSeverity(INSTALLED_CODES.conflict, exact ? 'error' : 'warning', undefined, ctx.settings, false);
      if (!severity) continue;
      const message = `In ${installed.label}, installed ${installedText(installed, name)} requires ${displayName(dep)}${req.specifier}, ` +
        `but ${installedText(installed, dep)} is installed: pip check reports it${exact ? `, and ${displayName(name)} is built against that exact release` : ''}.`;
      const related = installingPins(env, dep).map((p) => ({ path: p.path, range: p.requirement.range, message: `${displayName(dep)} ${have.version} is installed` }));
      for (const pin of pins) {
        out.push({ path: pin.path, finding: { code: INSTALLED_CODES.conflict, severity, message, packages: [name, dep], range: pin.requirement.range, fixes: [], related } });
      }
    }
  }
  return out;
}

/**
 * Pins the installed version does not meet, and pinned packages that are not installed: information; a warning for
 * a package in `breaking` (its installed version is in a known-broken combination).
 */
function drift(env: Environment, installed: InstalledEnvironment, ctx: EvalContext, breaking: ReadonlySet<string>): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  for (const [name, pkg] of env.packages) {
    for (const pin of pkg.pins) {
      if (pin.constraintOnly || pin.requirement.url) continue;
      const have = installed.packages[name];
      if (!have) {
        // Optional sets (extras, groups) need not be installed.
        if (env.addition) continue;
        const severity = finalSeverity(INSTALLED_CODES.missing, 'information', undefined, ctx.settings, false);
        if (severity) out.push({ path: pin.path, finding: { code: INSTALLED_CODES.missing, severity, packages: [name], range: pin.requirement.range, fixes: [],
          message: `${displayName(name)} is not installed in ${installed.label}.` } });
        continue;
      }
      const spec = pin.requirement.specifier ? parseSpecifierSet(pin.requirement.specifier) : undefined;
      const version = parseVersion(have.version);
      if (!spec || !version || spec.contains(version, { prereleases: true })) continue;
      const severity = finalSeverity(INSTALLED_CODES.drift, breaking.has(name) ? 'warning' : 'information', undefined, ctx.settings, false);
      if (severity) out.push({ path: pin.path, finding: { code: INSTALLED_CODES.drift, severity, packages: [name], range: pin.requirement.range, fixes: [],
        message: `${installed.label} has ${displayName(name)} ${have.version}, which ${pin.requirement.text.trim()} does not allow: the environment is out of date with the pins.` } });
    }
  }
  return out;
}
