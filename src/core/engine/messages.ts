// Message text: rule templates filled with what the environment admits, in the words people use.
import { VersionSet, type DisplayInterval } from '../pep440/intervals';
import { compareVersions, parseVersion } from '../pep440/version';
import type { VersionCondition } from '../rules/types';

/** How people write these names (PyPI's spelling), for messages and for requirements a fix adds. */
const DISPLAY: Record<string, string> = {
  'huggingface-hub': 'huggingface_hub',
  'sentence-transformers': 'sentence-transformers',
  'tf-keras': 'tf-keras',
  'scikit-learn': 'scikit-learn',
};

export function displayName(normalized: string): string {
  return DISPLAY[normalized] ?? normalized;
}

/** Markdown text (a rule title) as a message shows it: code spans become plain quotes. */
export function plainText(markdown: string): string {
  return markdown.replace(/`([^`]*)`/g, (_, x: string) => (x.includes('"') ? x : `"${x}"`));
}

export type PackageVar = (pkg: string) => string;

/** Fills `{kind:pkg}` placeholders from `perPackage[kind]` and `{name}` ones from `plain`; unknown ones stay as written. */
export function renderMessage(template: string, perPackage: Record<string, PackageVar>, plain: Record<string, string>): string {
  return template.replace(/\{([a-z-]+)(?::([a-z0-9._-]+))?\}/gi, (whole, kind: string, pkg?: string) => {
    if (pkg !== undefined) return perPackage[kind] ? perPackage[kind](pkg) : whole;
    return kind in plain ? plain[kind] : whole;
  });
}

/**
 * A set in words: "0.21.0–0.28.2" when the rule knows the last affected release, "0.26.0 and later", "up to 0.28.2",
 * else PEP 440 text (">=0.21.0, <0.29.0").
 */
export function describeSet(set: VersionSet, condition?: VersionCondition): string {
  if (set.isEmpty()) return 'no version';
  if (set.isAll()) return 'any version';
  let parts = set.intervals();
  // Ranges of final releases leave slivers of one release's pre-releases between them (`>=1.5.dev0, <1.5` between
  // `<1.5` rows): nothing a reader needs, and a long unreadable list. Left out of the words.
  const shown = parts.filter((p) => !preReleaseSliver(p));
  if (shown.length && shown.length < parts.length) {
    set = shown.reduce((u, p) => u.union(VersionSet.range(p.lower, p.upper)), VersionSet.empty());
    parts = set.intervals();
  }
  if (parts.length !== 1) {
    // `>=2.0.dev0` is where the complement of `<2.0` starts: to a reader, `>=2.0`.
    const text = set.toString().replace(/>=(\d+(?:\.\d+)*)\.dev0\b/g, '>=$1');
    // PEP 440 text says one left-out release plainly (`!=2.14.1`), but not a run of them (`<2.12.0 or >=2.12.0.post0.dev0`).
    return (text.includes(' or ') && exceptReleases(parts)) || text;
  }
  const [{ lower, upper }] = parts;
  const cond = condition ? VersionSet.fromSpecifierSet(condition.versions) : undefined;
  // `>=2.16.1.dev0` (what is left when a yanked release below it is passed over) reads as 2.16.1 and later, as above.
  let low = lower?.inclusive ? lower.version.toString().replace(/^(\d+(?:\.\d+)*)\.dev0$/, '$1') : undefined;
  let high = upper?.inclusive ? upper.version.toString() : undefined;
  if (cond && condition?.last && upper && set.sameUpperEnd(cond)) high = condition.last;
  if (cond && condition?.first && lower && cond.lowerBound() && lowerEqual(set, cond)) low = condition.first;
  if (lower && !low) return set.toString();
  if (upper && !high) {
    return set.toString();
  }
  if (low && high) return samePep440(low, high) ? (high.length > low.length ? high : low) : `${low}–${high}`;
  if (low) return `${low} and later`;
  return `up to ${high}`;
}

/**
 * A range with whole releases left out ("`>=2.6.0, <2.16.0` except 2.12.0, 2.13.0 and 2.15.0–2.15.1"): each gap
 * between two parts runs from a final release `X` (the part before ends `<X`) to just after a final release `Y` (the
 * part after starts at `Y.post0.dev0`), so it holds exactly the releases X to Y. Undefined for any other shape.
 */
function exceptReleases(parts: readonly DisplayInterval[]): string | undefined {
  const gaps: string[] = [];
  for (let i = 0; i + 1 < parts.length; i++) {
    const end = parts[i].upper;
    const start = parts[i + 1].lower;
    if (!end || end.inclusive || !start?.inclusive) return undefined;
    const x = end.version;
    const y = start.version;
    if (x.isPrerelease || x.post !== undefined || x.local || y.pre || y.post !== 0 || y.dev !== 0 || y.local) return undefined;
    const last = y.release.join('.');
    gaps.push(samePep440(x.toString(), last) ? x.toString() : `${x.toString()}–${last}`);
  }
  const hull = VersionSet.range(parts[0].lower, parts[parts.length - 1].upper);
  const listed = gaps.length > 1 ? `${gaps.slice(0, -1).join(', ')} and ${gaps[gaps.length - 1]}` : gaps[0];
  return `${describeSet(hull)} except ${listed}`;
}

/** "2.4" and "2.4.0" are one release: a range from one to the other is that release ("2.4.0", not "2.4–2.4.0"). */
function samePep440(a: string, b: string): boolean {
  const x = parseVersion(a);
  const y = parseVersion(b);
  return a === b || (!!x && !!y && compareVersions(x, y) === 0);
}

/** `>=X.dev0, <X`: only the pre-releases of X. */
function preReleaseSliver(p: DisplayInterval): boolean {
  const { lower, upper } = p;
  if (!lower?.inclusive || !upper || upper.inclusive) return false;
  const lo = lower.version;
  const hi = upper.version;
  return lo.dev === 0 && !lo.pre && lo.post === undefined && !hi.isPrerelease && hi.post === undefined && !hi.local &&
    compareVersions(parseVersion(lo.release.join('.'))!, hi) === 0 && lo.epoch === hi.epoch;
}

function lowerEqual(a: VersionSet, b: VersionSet): boolean {
  const x = a.lowerBound();
  const y = b.lowerBound();
  return !!x && !!y && x.inclusive === y.inclusive && x.version.toString() === y.version.toString();
}
