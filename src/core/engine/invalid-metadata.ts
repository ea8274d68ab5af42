// Pins that only releases with invalid metadata meet: a release whose Requires-Dist holds a requirement PEP 508
// rejects (`torch (>=1.7.*)`, written by setuptools before 67 as the source said it) is ignored by pip 24.1 and later,
// pinned or not ("Ignoring version 1.7.7 of pytorch-lightning since it has invalid metadata"), so a pin that allows
// nothing else finds no version. Which releases those are comes from the metadata snapshot (`requires_dist_invalid`,
// docs/metadata.md); the resolver passes over them as pip does (../resolver/releases.ts `installable`), and this
// finding says why at the pin, with the nearest release whose metadata is valid as the fix.
import { compareVersions, parseSpecifierSet, parseVersion, type Version } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { namesPrerelease, parsedPackage, safeSource, type Release } from '../resolver/releases';
import type { MetadataSource } from '../resolver/types';
import type { PackageMetadata } from '../metadata/types';
import { joinWords } from '../text';
import type { Finding, Fix } from '../types';
import { applySeverity, type CheckSettings } from './config';
import { replaceSpecifier } from './edits';
import type { Environment } from './environment';
import type { PlacedFinding } from './evaluate';
import { displayName } from './messages';

export const INVALID_METADATA = 'invalid-metadata';

/** Installers that read a release's metadata as pip 24.1 and later do, for which a requirement PEP 508 rejects makes
 *  the release one they ignore: pip, and Pipenv, which installs with pip. uv (and pixi, which resolves PyPI packages
 *  with uv) fix `>=1.9.*` into `>=1.9` (uv's lenient requirement parsing); a conda environment file mixes conda's own
 *  packages, whose metadata is conda's, with its pip list; Poetry's and PDM's readers are not modelled here. Those get
 *  the lenient view, which claims nothing. */
export function readsMetadataStrictly(env: Pick<Environment, 'installer'>): boolean {
  return env.installer.name === 'pip' || env.installer.name === 'pipenv';
}

/** Any CPython: which releases install on which Python is the resolver's and the Python rules' to say. */
const ANY_PYTHON = '3.12';

/** The metadata of a package when one of its releases declares a requirement PEP 508 rejects, else undefined; asked of
 *  every package a file names on every keystroke, so the answer is kept per package name for one source (which does
 *  not change while it is read: declaredMetadataHooks). */
export function invalidDeclarer(source: MetadataSource): (name: string) => PackageMetadata | undefined {
  const known = new Map<string, PackageMetadata | undefined>();
  return (name) => {
    if (known.has(name)) return known.get(name);
    const meta = safeSource(source, name);
    const answer = meta && declaresInvalid(meta) ? meta : undefined;
    if (known.size > 50_000) known.clear();
    known.set(name, answer);
    return answer;
  };
}

export function invalidMetadataFindings(env: Environment, ctx: { declarer: (name: string) => PackageMetadata | undefined; settings: CheckSettings; texts?: ReadonlyMap<string, string> }): PlacedFinding[] {
  if (!readsMetadataStrictly(env)) return [];
  const severity = applySeverity(INVALID_METADATA, 'error', ctx.settings, false);
  if (!severity) return [];
  const out: PlacedFinding[] = [];
  for (const pkg of env.packages.values()) {
    // Most packages declare valid metadata in every release: nothing is read for those.
    const meta = ctx.declarer(pkg.name);
    if (!meta) continue;
    const parsed = parsedPackage(meta, pkg.name, ANY_PYTHON);
    for (const pin of pkg.pins) {
      if (pin.requirement.url || pin.constraintOnly) continue;
      const allowed = VersionSet.fromSpecifierSet(pin.requirement.specifier);
      const prereleases = parseSpecifierSet(pin.requirement.specifier)?.specifiers.some((s) => namesPrerelease(s.operator, s.version)) ?? false;
      const taken = (r: Release) => allowed.contains(r.version) && (prereleases || !r.version.isPrerelease);
      const ignored = parsed.releases.filter((r) => r.invalidMetadata !== undefined && taken(r));
      // pip takes another release the pin allows, listed or not: nothing to say.
      if (!ignored.length || parsed.releases.some((r) => r.invalidMetadata === undefined && taken(r)) || parsed.newer?.intersects(allowed)) continue;
      const name = displayName(pkg.name);
      const versions = ignored.length > 3 ? `${ignored[0].text}–${ignored[ignored.length - 1].text}` : joinWords(ignored.map((r) => r.text));
      const next = nearestValid(parsed.releases, ignored[ignored.length - 1].version);
      const fixes: Fix[] = next ? [{
        // A post-release of the same version only mends its metadata (1.5.10.post0 for 1.5.10); another release is an upgrade.
        title: `Pin ${name}==${next.text} (its metadata is valid)`, applicability: sameRelease(next.version, ignored[ignored.length - 1].version) ? 'safe' : 'needs-review',
        edits: [replaceSpecifier(pin.path, pin.requirement, `==${next.text}`, ctx.texts?.get(pin.path))],
      }] : [];
      const finding: Finding = {
        code: INVALID_METADATA, severity, packages: [pkg.name], range: pin.requirement.range, fixes,
        message: `pip 24.1 and later cannot install ${pin.requirement.name}${pin.requirement.specifier}: ${ignored.length > 1 ? `the releases it allows (${versions}) declare` : `${name} ${versions} declares`} "${ignored[0].invalidMetadata}", ` +
          `which is not a valid requirement (a ".*" suffix goes with == and != only), so pip ignores ${ignored.length > 1 ? 'them' : 'it'} ("has invalid metadata") and finds no version. ` +
          (next ? `${name} ${next.text} is the next release with valid metadata.` : 'pip 24.0 and older still install it.'),
      };
      out.push({ path: pin.path, finding });
    }
  }
  return out;
}

/** Whether a release of the package declares a requirement PEP 508 rejects. Its callers keep the answer (per name for
 *  a source, invalidDeclarer; per metadata object, resolution.ts lenientView). */
export function declaresInvalid(meta: PackageMetadata): boolean {
  return Array.isArray(meta.releases) && meta.releases.some((e) => !!e?.requires_dist_invalid?.length);
}

/** The oldest final release after `after` whose metadata is valid. */
function nearestValid(releases: readonly Release[], after: Version): Release | undefined {
  return releases.find((r) => r.invalidMetadata === undefined && !r.version.isPrerelease && compareVersions(r.version, after) > 0);
}

/** `b` is `a` or a post-release of it (1.5.10.post0 of 1.5.10). */
function sameRelease(a: Version, b: Version): boolean {
  const base = (v: Version) => parseVersion(String(v).replace(/\.post\d+$/, ''));
  const x = base(a);
  const y = base(b);
  return !!x && !!y && compareVersions(x, y) === 0;
}
