// Contradicting pins: one environment allows no version of a package.
import type { Fix } from '../../types';
import { replaceSpecifier } from '../edits';
import type { Environment, PinnedRequirement } from '../environment';
import { displayName } from '../messages';
import { fileName } from '../../paths';
import { finalSeverity, type EvalContext, type PlacedFinding } from './context';

export const CONFLICTING_PINS = 'conflicting-pins';

/**
 * `torchvision==0.15.2` above `torchvision>=0.17.0` in one environment: pip refuses the whole install
 * (ResolutionImpossible). Reported at each pin that takes part, with the others as related locations.
 */
export function contradictions(env: Environment, ctx: EvalContext): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  for (const [name, pkg] of env.packages) {
    if (!pkg.pins.length || !pkg.admitted.isEmpty()) continue;
    const severity = finalSeverity(CONFLICTING_PINS, 'error', undefined, ctx.settings, false);
    if (!severity) return [];
    const where = (p: PinnedRequirement) => `${p.requirement.text.trim()}${p.path === env.path ? '' : ` in ${fileName(p.path)}`}`;
    for (const pin of pkg.pins) {
      const others = pkg.pins.filter((o) => o !== pin);
      const message = others.length
        ? `${where(pin)} and ${others.map(where).join(', ')} allow no version of ${displayName(name)} together: pip refuses to install ${env.label} (ResolutionImpossible).`
        : `${where(pin)} allows no version of ${displayName(name)}: pip finds no matching distribution.`;
      const fixes: Fix[] = others.length && pin.requirement.specifier && !pin.constraintOnly
        ? [{ title: `Keep ${displayName(name)}${pin.requirement.specifier} and make the other pins agree`, applicability: 'unsafe',
          edits: others.map((o) => replaceSpecifier(o.path, o.requirement, pin.requirement.specifier, ctx.texts.get(o.path))) }]
        : [];
      out.push({ path: pin.path, finding: {
        code: CONFLICTING_PINS, severity, message, packages: [name], range: pin.requirement.range, fixes,
        related: others.map((o) => ({ path: o.path, range: o.requirement.range, message: `${displayName(name)} is also pinned as ${o.requirement.text.trim()}` })),
      } });
    }
  }
  return out;
}
