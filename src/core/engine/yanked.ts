// Pins of yanked releases (PEP 592): pip still installs a yanked release that a pin selects exactly, with a warning
// the user rarely reads, so the yank reason is reported on the pin. What is yanked comes from the metadata the check
// reads: the snapshot's `yanked` field, or live index data (PEP 691 `yanked`, PEP 503 `data-yanked`) layered over it.
// For a range pip passes over yanked releases (passOverYanked), so the rules' version sets leave them out.
import { compareVersions, parseVersion } from '../pep440';
import type { VersionSet } from '../pep440/intervals';
import { isYanked } from '../metadata/provider';
import type { MetadataSource } from '../resolver/types';
import type { PackageMetadata, ReleaseEntry } from '../metadata/types';
import type { Finding } from '../types';
import { applySeverity, type CheckSettings } from './config';
import type { Environment } from './environment';
import type { PlacedFinding } from './evaluate';

export const YANKED_RELEASE = 'yanked-release';

/**
 * What pip considers of `allowed` (PEP 592, as the resolver's candidate filter in resolver/pip.ts): the releases that
 * are not yanked; only when every allowed release is yanked, those (an `==` / `===` pin takes one; a range finds
 * nothing, and the yanked releases are kept so that what was written is still judged).
 */
export function passOverYanked(allowed: VersionSet, yanked: VersionSet): VersionSet {
  if (!allowed.intersects(yanked)) return allowed;
  const rest = allowed.minus(yanked);
  return rest.isEmpty() ? allowed : rest;
}

/** The version an exact pin selects (`==2.2.0`, `===2.2.0`), or undefined for a range or a wildcard. */
export function exactVersion(specifier: string): string | undefined {
  const m = /^\s*===?\s*([^\s,;*]+)\s*$/.exec(specifier);
  return m && parseVersion(m[1]) ? m[1] : undefined;
}

/** The yank reason of `version` among a package's yanked entries ("" when none was given, true when it is not known
 *  here), or undefined when it is not yanked. */
function yankReason(entries: readonly ReleaseEntry[], version: string): string | true | undefined {
  if (!entries.length) return undefined;
  const want = parseVersion(version);
  if (!want) return undefined;
  for (const entry of entries) {
    if (entry.versions.some((v) => { const p = parseVersion(v); return !!p && compareVersions(p, want) === 0; })) return entry.yanked as string | true;
  }
  return undefined;
}

/** A package's yanked release entries, per metadata object: every check asks for each exact pin, and a package lists
 *  hundreds of releases, seldom a yanked one. */
const YANKED = new WeakMap<PackageMetadata, readonly ReleaseEntry[]>();

/** The yanked release entries of package `name` in `source`: none when it is not known. */
function yankedOf(source: MetadataSource, name: string): readonly ReleaseEntry[] {
  let pkg: PackageMetadata | undefined;
  try { pkg = source(name); } catch { return []; }
  if (!pkg) return [];
  let entries = YANKED.get(pkg);
  if (!entries) YANKED.set(pkg, (entries = pkg.releases.filter((e) => isYanked(e.yanked))));
  return entries;
}

export function yankedFindings(env: Environment, ctx: { source: MetadataSource; settings: CheckSettings }): PlacedFinding[] {
  const severity = applySeverity(YANKED_RELEASE, 'warning', ctx.settings, false);
  if (!severity) return [];
  const out: PlacedFinding[] = [];
  for (const pkg of env.packages.values()) {
    // Most pins of a lock file name packages the metadata does not know, or never yanked: no version read for those.
    const entries = yankedOf(ctx.source, pkg.name);
    if (!entries.length) continue;
    for (const pin of pkg.pins) {
      const version = exactVersion(pin.requirement.specifier);
      const reason = version === undefined || pin.requirement.url ? undefined : yankReason(entries, version);
      if (reason === undefined) continue;
      const finding: Finding = {
        code: YANKED_RELEASE, severity, packages: [pkg.name], range: pin.requirement.range, fixes: [],
        message: `${pin.requirement.name} ${version} was yanked from the index${reason === true ? ' (its reason is not recorded in the metadata snapshot)' : reason ? `: "${reason.slice(0, 500)}"` : ' (no reason given)'}. ` +
          'pip installs a yanked release only when a pin names it exactly, and warns when it does.',
      };
      out.push({ path: pin.path, finding });
    }
  }
  return out;
}
