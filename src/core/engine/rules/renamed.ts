// `renamed` rules: a package published under another name (tensorflow-gpu -> tensorflow).
import { VersionSet } from '../../pep440/intervals';
import { scopeTraits } from '../../formats';
import type { RenamedRule } from '../../rules/types';
import { nameEdit } from '../edits';
import type { Environment } from '../environment';
import { renderMessage } from '../messages';
import { finalSeverity, requirementText, type EvalContext, type PlacedFinding } from './context';

export function renamed(rule: RenamedRule, versions: VersionSet, env: Environment, ctx: EvalContext): PlacedFinding[] {
  const pkg = env.packages.get(rule.package);
  if (!pkg || !pkg.admitted.intersects(versions)) return [];
  const severity = finalSeverity(rule.code, 'error', rule.maxSeverity, ctx.settings, false);
  if (!severity) return [];
  // A file or URL of a real wheel (`tensorflow_gpu-1.12.0-....whl`) is that wheel, whatever the name's later fate. A
  // conda dependency names a conda package, whose names are conda's (`opencv` is conda-forge's OpenCV).
  return pkg.pins.filter((pin) => !scopeTraits(pin.path, pin.requirement).notPip)
    .filter((pin) => !pin.requirement.url || (pin.requirement.specifier && VersionSet.fromSpecifierSet(pin.requirement.specifier).intersects(versions))).map((pin) => ({
    path: pin.path,
    finding: {
      code: rule.code, severity, packages: [rule.package], range: pin.requirement.nameRange,
      message: renderMessage(rule.message, { requirement: (p) => requirementText(env, p) }, { replacement: rule.replacement ?? '' }),
      fixes: rule.replacement ? [{ title: `Rename to ${rule.replacement}`, applicability: 'safe', edits: [nameEdit(pin.path, pin.requirement, rule.replacement)] }] : [],
      explanation: rule.explanation, sources: rule.sources,
    },
  }));
}
