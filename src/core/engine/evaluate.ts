// Evaluates the knowledge base against one environment. Severity comes from interval algebra over what the
// environment admits: see DESIGN in docs/rules.md. Every finding lands on a requirement the user wrote.
// Each rule kind is evaluated by its own module in rules/; this file computes the shared version sets once and
// dispatches on the kind.
import type { Environment } from './environment';
import { appliesOnPlatform, platformPrefix, ruleOf, type CompiledRule } from './knowledge';
import { pythonMinors, withMetadata } from '../metadata/derive';
import { computeSets, requestedExtras } from './rules/sets';
import type { EvalContext, PlacedFinding } from './rules/context';
import { contradictions } from './rules/conflicting-pins';
import { incompatible } from './rules/incompatible';
import { requires } from './rules/requires';
import { pythonSupport } from './rules/python-support';
import { accelerator } from './rules/accelerator-variant';
import { renamed } from './rules/renamed';
import { exclusive } from './rules/exclusive';

export type { EvalContext, PlacedFinding } from './rules/context';
export { finalSeverity } from './rules/context';
export { topIn } from './rules/sets';
export { CONFLICTING_PINS } from './rules/conflicting-pins';
export { incompatibleFixes } from './rules/incompatible';

export function evaluateEnvironment(env: Environment, outer: EvalContext): PlacedFinding[] {
  // The snapshot's declared facts for the packages named here replace the hand rows for those packages.
  const extras = new Map<string, ReadonlySet<string>>();
  for (const name of env.packages.keys()) {
    const asked = requestedExtras(env, name);
    if (asked.size) extras.set(name, asked);
  }
  const k = withMetadata(outer.knowledge, env.packages.keys(), pythonMinors(outer.settings.targetPython, env.python), extras);
  const ctx: EvalContext = k === outer.knowledge ? outer : { ...outer, knowledge: k };
  const out: PlacedFinding[] = contradictions(env, ctx).map((p) => ({ ...p, refusal: true }));
  // A package whose own pins allow no version is reported at those pins; rules about it would blame a third one.
  const impossible = new Set(out.flatMap((p) => p.finding.packages));
  const candidates = new Set<CompiledRule>();
  // Rules that only a package another one installs brings (realesrgan installs basicsr, whose import breaks with a
  // torchvision that realesrgan also installs): reported at the pin that installs it, and only where a new install
  // today breaks (errors): what such a package merely allows was written by no one here.
  const implicitOnly = new Set<CompiledRule>();
  const addRulesOf = (name: string, implicit: boolean) => {
    for (const r of k.byPackage.get(name) ?? []) {
      if (candidates.has(r) || (impossible.size && ruleMentions(r).some((p) => impossible.has(p)))) continue;
      candidates.add(r);
      if (implicit) implicitOnly.add(r);
    }
  };
  for (const name of env.packages.keys()) addRulesOf(name, false);
  if (!candidates.size && ![...env.packages.keys()].some((name) => k.installs.has(name))) return out;
  const sets = computeSets(env, k, ctx.settings.targetPython, ctx.fresh);
  for (const name of sets.implicit.keys()) addRulesOf(name, true);
  if (!candidates.size) return out;
  for (const rule of candidates) {
    if (!appliesOnPlatform(ruleOf(rule), ctx.settings.platform)) continue;
    const before = out.length;
    switch (rule.kind) {
      case 'incompatible': out.push(...incompatible(rule.c, env, sets, ctx)); break;
      case 'requires': out.push(...requires(rule.c, env, sets, ctx)); break;
      case 'python-support': out.push(...pythonSupport(rule.c, env, ctx)); break;
      case 'accelerator-variant': out.push(...accelerator(rule.rule, env, ctx)); break;
      case 'renamed': out.push(...renamed(rule.rule, rule.versions, env, ctx)); break;
      case 'exclusive': out.push(...exclusive(rule.rule, env, sets, ctx)); break;
    }
    if (implicitOnly.has(rule)) out.splice(before, out.length - before, ...out.slice(before).filter((p) => p.finding.severity === 'error'));
    const prefix = platformPrefix(ruleOf(rule));
    if (prefix) for (const p of out.slice(before)) p.finding = { ...p.finding, message: prefix + p.finding.message };
  }
  // A break that only an extra (or group) brings in says so: the pin it sits on is the base one.
  if (env.addition) {
    for (const p of out) if (!p.finding.message.includes(env.addition)) p.finding = { ...p.finding, message: `${p.finding.message} (with ${env.addition})` };
  }
  return out;
}

/** The packages a rule speaks about. */
function ruleMentions(rule: CompiledRule): string[] {
  switch (rule.kind) {
    case 'incompatible': return [...rule.c.when.keys()];
    case 'requires': return [rule.c.rule.package, ...rule.c.rows.flatMap((r) => [...r.requires.keys()])];
    case 'python-support': return [rule.c.rule.package];
    case 'accelerator-variant': return rule.rule.packages;
    case 'renamed': return [rule.rule.package];
    case 'exclusive': return rule.rule.packages;
  }
}

