// `exclusive` rules: packages that install the same files (opencv-python and opencv-python-headless).
import { VersionSet } from '../../pep440/intervals';
import type { ExclusiveRule } from '../../rules/types';
import type { Environment } from '../environment';
import { displayName, renderMessage } from '../messages';
import type { Sets } from './sets';
import { finalSeverity, installerText, pinsFor, relatedPins, requirementText, type EvalContext, type PlacedFinding } from './context';

export function exclusive(rule: ExclusiveRule, env: Environment, sets: Sets, ctx: EvalContext): PlacedFinding[] {
  // Named here, or installed by another package (albumentations brings opencv-python-headless).
  const explicit = rule.packages.filter((p) => env.packages.get(p)?.pins.some((x) => !x.constraintOnly));
  const implicit = rule.packages.filter((p) => !explicit.includes(p) && sets.implicit.has(p));
  const present = [...explicit, ...implicit];
  if (present.length < 2) return [];
  // Wheels of one version overwrite each other with the same files (a warning: the GUI parts may go missing);
  // wheels that cannot be of one version leave a cv2 mixed from two releases (an error).
  const versions = present.map((p) => sets.admitted.get(p) ?? VersionSet.all());
  const oneVersion = versions.every((a, i) => versions.every((b, j) => i === j || a.intersects(b)));
  const severity = finalSeverity(rule.code, oneVersion ? 'warning' : 'error', rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  const label = (p: string) => (sets.implicit.has(p) && !explicit.includes(p) ? `${displayName(p)} (installed by ${installerText(p, sets)})` : displayName(p));
  const out: PlacedFinding[] = [];
  for (const p of present) {
    const others = present.filter((o) => o !== p);
    const places = explicit.includes(p) ? env.packages.get(p)!.pins.filter((x) => !x.constraintOnly) : pinsFor(env, p, sets);
    for (const pin of places) {
      out.push({
        path: pin.path,
        finding: {
          code: rule.code, severity, packages: present, range: pin.requirement.range,
          message: renderMessage(rule.message, { requirement: (x) => requirementText(env, x, sets) }, { others: others.map(label).join(', ') }),
          fixes: [], related: relatedPins(env, others, (o) => `${displayName(o)} is also installed here`),
          explanation: rule.explanation, sources: rule.sources,
        },
      });
    }
  }
  return out;
}
