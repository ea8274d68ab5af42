// `python-support` rules: no wheels for the Pythons the project admits.
import { VersionSet } from '../../pep440/intervals';
import type { Fix, RelatedLocation, Severity } from '../../types';
import { capBelow } from '../edits';
import type { Environment } from '../environment';
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
  const openTop = !target && !pythons.upperBound() && unsupported.every((m, i) => m === admittedMinors[admittedMinors.length - unsupported.length + i]);
  const computed: Severity = target || unsupported.length === admittedMinors.length ? 'error' : openTop ? 'information' : 'warning';
  const severity = finalSeverity(rule.code, computed, rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  const pythonText = rangeText(unsupported.map((m) => `3.${m}`));
  const message = renderMessage(rule.message, {
    requirement: (p) => requirementText(env, p),
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
    finding: { code: rule.code, severity, message, packages: [rule.package], range: pin.requirement.range, fixes, related,
      explanation: rule.explanation, sources: rule.sources },
  }));
}

function minorSet(m: number): VersionSet {
  return VersionSet.fromSpecifierSet(`==3.${m}.*`);
}

function rangeText(items: string[]): string {
  return items.length > 2 ? `${items[0]}–${items[items.length - 1]}` : items.join(' and ');
}
