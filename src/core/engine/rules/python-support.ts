// `python-support` rules: no wheels for the Pythons the project admits.
import { VersionSet } from '../../pep440/intervals';
import { compareVersions, parseVersion } from '../../pep440/version';
import type { Fix, RelatedLocation, Severity } from '../../types';
import { capBelow } from '../edits';
import type { Environment, PinnedRequirement } from '../environment';
import type { CompiledPythonSupport } from '../knowledge';
import { describeSet, renderMessage } from '../messages';
import { finalSeverity, requirementText, type EvalContext, type PlacedFinding } from './context';

const KNOWN_MINORS = [8, 9, 10, 11, 12, 13, 14];

export function pythonSupport(c: CompiledPythonSupport, env: Environment, ctx: EvalContext): PlacedFinding[] {
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
  const openTop = !target && openEnded(pythons) && unsupported.every((m, i) => m === admittedMinors[admittedMinors.length - unsupported.length + i]);
  const computed: Severity = target || unsupported.length === admittedMinors.length ? 'error' : openTop ? 'information' : 'warning';
  const severity = finalSeverity(rule.code, computed, rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  const pythonText = rangeText(unsupported.map((m) => `3.${m}`));
  // Each pin is named in its own finding (marker-split pins of one package are different lines).
  const messageFor = (pin?: PinnedRequirement) => renderMessage(rule.message, {
    requirement: (p) => (pin && p === rule.package ? pin.requirement.text.trim() : requirementText(env, p)),
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
    if (next) fixes.push({ title: `Limit requires-python to ${next}`, applicability: 'safe', edits: [{ path: env.pythonSource.path, range: env.pythonSource.requirement.range, newText: next }] });
  }
  return pkg.pins.filter((p) => !p.constraintOnly).map((pin) => ({
    path: pin.path,
    finding: { code: rule.code, severity, message: messageFor(pin), packages: [rule.package], range: pin.requirement.range, fixes, related,
      explanation: rule.explanation, sources: rule.sources },
  }));
}

/**
 * No upper bound, or only one at the next major (`<4`, `<4.0`): Poetry writes `python = "^3.11"` as `>=3.11,<4.0`
 * by default, which says no more about 3.14 than `>=3.11` does. A cap inside 3.x (`<3.14`) is a choice, and closed.
 */
function openEnded(pythons: VersionSet): boolean {
  const top = pythons.upperBound();
  return !top || compareVersions(top.version, PYTHON_4) >= 0;
}

const PYTHON_4 = parseVersion('4')!;

function minorSet(m: number): VersionSet {
  return VersionSet.fromSpecifierSet(`==3.${m}.*`);
}

function rangeText(items: string[]): string {
  return items.length > 2 ? `${items[0]}–${items[items.length - 1]}` : items.join(' and ');
}
