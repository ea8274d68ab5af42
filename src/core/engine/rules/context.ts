// What every rule kind's evaluation reads (the knowledge, settings and texts) and the helpers they share to place
// and word a finding.
import type { Finding, ParsedManifest, RelatedLocation, Severity } from '../../types';
import type { VersionSet } from '../../pep440/intervals';
import { applySeverity, type CheckSettings } from '../config';
import type { Environment, PinnedRequirement } from '../environment';
import type { Knowledge } from '../knowledge';
import { displayName } from '../messages';
import type { Sets } from './sets';

export interface EvalContext {
  knowledge: Knowledge;
  settings: CheckSettings;
  manifests: Map<string, ParsedManifest>;
  texts: Map<string, string>;
  /** Every environment of the project, for findings that name its other install paths. */
  environments?: Environment[];
  /** The versions pip picks for this environment (../resolution.ts): they are what a fresh install takes. */
  fresh?: ReadonlyMap<string, string>;
}

/** A finding with the file it belongs to. */
export interface PlacedFinding {
  path: string;
  finding: Finding;
  /** Engine-internal, never reported. For a break of the pinned package's own releases (`incompatible` rules): which
   *  of its versions break, the specifier written at the pin ('' when the package is not pinned there), and the floor
   *  the preferred fix raises it to. A higher floor that leaves none of `versions` mends this finding too (../check.ts
   *  merges such findings on one pin). */
  target?: { package: string; versions: VersionSet; specifier: string; floor?: string };
  /** Engine-internal: the finding says pip refuses these pins (a package declares a range the others leave no version
   *  in, or two pins of one package contradict each other). A resolution conflict among the same packages is this
   *  finding's cause said again (../resolution.ts). */
  refusal?: true;
}

export function finalSeverity(code: string, computed: Severity, cap: Severity | undefined, settings: CheckSettings, admittedOnly: boolean): Severity | undefined {
  return applySeverity(code, computed, settings, admittedOnly, cap);
}

/** The pins a finding about `pkg` goes on: its own installing pins, else the pin of the package that installs it. */
export function pinsFor(env: Environment, pkg: string, sets: Sets): PinnedRequirement[] {
  const own = env.packages.get(pkg)?.pins.filter((p) => !p.constraintOnly) ?? [];
  if (own.length) return own;
  const installer = sets.implicit.get(pkg);
  return installer ? pinsFor(env, installer, sets) : [];
}

export function requirementText(env: Environment, pkg: string, sets?: Sets): string {
  const pin = env.packages.get(pkg)?.pins.find((p) => !p.constraintOnly) ?? env.packages.get(pkg)?.pins[0];
  if (pin) return pin.requirement.text.trim();
  const installer = sets?.implicit.get(pkg);
  return installer ? `${displayName(pkg)} (not pinned; installed by ${installerText(pkg, sets!)})` : `${displayName(pkg)} (not pinned)`;
}

/** The package that installs `pkg`, with the extra that brings it when one does (`huggingface_hub[tensorflow]`). */
export function installerText(pkg: string, sets: Sets): string {
  const installer = sets.implicit.get(pkg)!;
  const extra = sets.implicitExtra.get(pkg);
  return extra ? `${displayName(installer)}[${extra}]` : displayName(installer);
}

export function relatedPins(env: Environment, pkgs: string[], message: (pkg: string) => string): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  for (const p of pkgs) for (const pin of env.packages.get(p)?.pins ?? []) out.push({ path: pin.path, range: pin.requirement.range, message: message(p) });
  return out;
}
