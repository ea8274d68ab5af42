// `accelerator-variant` rules: local builds (+rocm5.7, +cu121), the indexes that serve them, and the machine's
// accelerator.
import { compareVersions, parseVersion } from '../../pep440';
import { scopeTraits } from '../../formats';
import type { Fix, PackageIndex, RelatedLocation, TextEdit } from '../../types';
import type { AcceleratorRule } from '../../rules/types';
import { replaceSpecifier } from '../edits';
import { dirName, fileName } from '../../paths';
import { joinWords } from '../../text';
import type { Environment, PinnedRequirement } from '../environment';
import { displayName } from '../messages';
import { indexFixes, indexServesPin, installerName, projectInstallEdit, projectInstalls, publicVersionFix } from '../installer';
import { finalSeverity, type EvalContext, type PlacedFinding } from './context';

/** A PyTorch build label (`cu121`, `rocm5.7`, `cpu`), the local part of its versions. */
export const BUILD_LABEL = /^(cu\d+|rocm[\d.]+|cpu)$/;
export const ACCELERATOR_NAMES = { cuda: 'CUDA', rocm: 'ROCm', cpu: 'CPU' } as const;
export const acceleratorFamily = (label: string): keyof typeof ACCELERATOR_NAMES =>
  (label.startsWith('cu') ? 'cuda' : label.startsWith('rocm') ? 'rocm' : 'cpu');

/** The release and local label a pin names exactly (`==2.2.0+rocm5.7`, `===2.2.0+cu121`); undefined for any other pin. */
export function pinnedBuild(specifier: string): { version: string; label: string } | undefined {
  const m = /^===?\s*([^+,\s]+)\+([A-Za-z0-9.]+)$/.exec(specifier.trim());
  return m ? { version: m[1], label: m[2] } : undefined;
}

export function accelerator(rule: AcceleratorRule, env: Environment, ctx: EvalContext): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  const labelled: Labelled[] = [];
  // `--index-url https://download.pytorch.org/whl/cu121` replaces PyPI: every plain pin then asks for that build.
  const impliedLabel = replacingIndexLabel(env, rule);
  for (const pkg of rule.packages) {
    for (const pin of env.packages.get(pkg)?.pins ?? []) {
      if (pin.requirement.url) continue; // a direct URL is its own source: no index needed, and its build is what it is
      const spec = pin.requirement.specifier.trim();
      const build = pinnedBuild(spec);
      if (build && BUILD_LABEL.test(build.label)) labelled.push({ pin, pkg, ...build });
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
      const fixes = manifest && text !== undefined ? indexFixes({ env, pin: l.pin, url, label: l.label, manifest, text, manifests: ctx.manifests }) : [];
      emit(rule.codes.missingIndex, l.pin, [l.pkg], message, fixes);
    }
  }
  const target = ctx.settings.accelerator;
  if (rule.codes.wrongAccelerator && (target === 'cuda' || target === 'rocm' || target === 'cpu')) {
    for (const l of labelled) {
      const family = acceleratorFamily(l.label);
      if (family === target) continue;
      const anchorVersion = l.pkg === anchorPkg ? l.version : anchorVersionOf(l.pkg, l.version, anchorPkg, ctx);
      const builds = anchorVersion ? (rule.variants[normalizeVersionKey(anchorVersion, rule)] ?? []).filter((v) => acceleratorFamily(v) === target) : [];
      const label = builds[builds.length - 1];
      const severity = finalSeverity(rule.codes.wrongAccelerator, 'warning', rule.maxSeverity, ctx.settings, false);
      if (!severity) continue;
      out.push({ path: l.pin.path, finding: {
        code: rule.codes.wrongAccelerator, severity, packages: [l.pkg], range: l.pin.requirement.range,
        message: `${displayName(l.pkg)}==${l.version}+${l.label} is a ${ACCELERATOR_NAMES[family]} build, but this project targets ${ACCELERATOR_NAMES[target]} (the accelerator setting): it installs, then finds no ${ACCELERATOR_NAMES[family]} device and runs on the CPU.`,
        fixes: label ? [{ title: `Use the ${label} build: ${displayName(l.pkg)}==${l.version}+${label}`, applicability: 'safe',
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
        [{ title: `Use the ${anchorLabel} build: ${displayName(l.pkg)}==${l.version}+${anchorLabel}`, applicability: 'safe', edits: [replaceSpecifier(l.pin.path, l.pin.requirement, `==${l.version}+${anchorLabel}`, ctx.texts.get(l.pin.path))] }],
        [{ path: anchorPin.pin.path, range: anchorPin.pin.requirement.range, message: `${displayName(anchorPkg)} is the ${anchorLabel} build` }]);
    }
  }
  return out;
}

interface Labelled {
  pin: PinnedRequirement;
  pkg: string;
  version: string;
  label: string;
  /** No label in the pin: the only index is an accelerator one (`--index-url …/whl/cu121`). */
  implied?: boolean;
}

/** The label of an accelerator index that replaces PyPI (`--index-url`), when there is exactly that one index. */
export function replacingIndexLabel(env: Environment, rule: AcceleratorRule): string | undefined {
  const replacing = env.indexes.filter((i) => i.kind === 'index-url');
  if (replacing.length !== 1 || env.indexes.some((i) => i.kind === 'extra-index-url' || i.kind === 'find-links')) return undefined;
  const base = rule.indexUrl.slice(0, rule.indexUrl.indexOf('{variant}'));
  const url = replacing[0].url.replace(/\/+$/, '');
  if (!url.startsWith(base)) return undefined;
  const label = url.slice(base.length);
  return BUILD_LABEL.test(label) ? label : undefined;
}

/**
 * Fixes for a build that does not exist. Preferred: keep the accelerator build and move to the nearest release that
 * has it (2.2.0+rocm5.7 -> 2.2.1+rocm5.7; a companion follows its anchor: torchvision 0.17.1+rocm5.7), since the label
 * usually matches the machine's driver. Also offered: the same release with a build of the same family (+rocm5.6).
 */
function variantFixes(l: Labelled, anchorPkg: string, anchorVersion: string, builtFor: string[], sameFamily: string[], ctx: EvalContext): Fix[] {
  const fixes: Fix[] = [];
  const suffix = (label: string) => (l.implied ? '' : `+${label}`);
  const current = parseVersion(anchorVersion);
  const newer = builtFor.map((v) => parseVersion(v)).filter((v): v is NonNullable<typeof v> => !!v && !!current && compareVersions(v, current) > 0)
    .sort(compareVersions)[0];
  if (newer) {
    const target = l.pkg === anchorPkg ? newer.toString() : companionVersionFor(l.pkg, newer.toString(), anchorPkg, ctx);
    if (target) {
      fixes.push({ title: `Use ${displayName(l.pkg)}==${target}${suffix(l.label)} (the nearest release built for ${l.label})`, applicability: 'safe',
        edits: [replaceSpecifier(l.pin.path, l.pin.requirement, `==${target}${suffix(l.label)}`, ctx.texts.get(l.pin.path))] });
    }
  }
  if (l.implied) return fixes; // another build would need another index: that choice is the user's
  for (const label of [...sameFamily].reverse()) {
    fixes.push({ title: `Use the ${label} build: ${displayName(l.pkg)}==${l.version}+${label}`, applicability: fixes.length ? 'needs-review' : 'safe',
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
  const dir = dirName(l.pin.path);
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
