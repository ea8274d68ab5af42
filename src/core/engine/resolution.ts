// Findings from the resolver: an environment that pip cannot install on any Python it may run on is an error, on each
// pin the derivation rests on (with the others as related information), explained in uv's words, with upgrade fixes
// that resolve. Conservative by design: a step budget that runs out, a Python on which it installs, or a conflict the
// PubGrub derivation cannot reproduce says nothing.
import type { Finding, Fix, Requirement } from '../types';
import { resolve, targetEnvironment, type MetadataSource } from '../resolver';
import { rootsOf } from '../resolver/environment';
import { upgradeFix } from '../resolver/upgrade';
import { applySeverity, type CheckSettings } from './config';
import type { Environment } from './environment';
import type { PlacedFinding } from './evaluate';

export const RESOLUTION_CONFLICT = 'resolution-conflict';
const PYTHONS = ['3.14', '3.13', '3.12', '3.11', '3.10', '3.9', '3.8'];

export interface ResolutionContext {
  source: MetadataSource;
  settings: CheckSettings;
  texts: ReadonlyMap<string, string>;
  /** Resolver steps per Python tried. */
  maxSteps?: number;
}

export function resolutionFindings(env: Environment, ctx: ResolutionContext): PlacedFinding[] {
  if (ctx.settings.disabledRules?.includes(RESOLUTION_CONFLICT)) return [];
  const roots = rootsOf(env);
  if (!roots.length || !roots.some((r) => r.origin?.ref && coveredName(r.origin.ref as Requirement, ctx.source))) return [];
  const pythons = ctx.settings.targetPython ? [ctx.settings.targetPython] : PYTHONS.filter((v) => !env.python || env.python.contains(v));
  let first: { python: string; conflict: Extract<ReturnType<typeof resolve>, { reason: 'conflict' }>['conflict'] } | undefined;
  for (const python of pythons) {
    const result = resolve(roots, ctx.source, { environment: targetEnvironment(python), maxSteps: ctx.maxSteps ?? 5000 });
    if (result.ok || result.reason !== 'conflict') return [];
    first ??= { python, conflict: result.conflict };
  }
  if (!first || !/we can conclude that/.test(first.conflict.message)) return [];
  const severity = applySeverity(RESOLUTION_CONFLICT, 'error', ctx.settings, false);
  if (!severity) return [];
  const { conflict, python } = first;
  const pins = conflict.roots.flatMap((r) => (r.origin?.ref ? [{ req: r.origin.ref as Requirement, path: env.packages.get((r.origin.ref as Requirement).normalizedName)?.pins.find((p) => p.requirement === r.origin!.ref)?.path ?? env.path }] : []));
  if (!pins.length) return [];
  const where = pythons.length > 1 ? `on any Python from ${pythons[pythons.length - 1]} to ${pythons[0]}` : `on Python ${python}`;
  const message = `pip cannot install these requirements together ${where}.\n${conflict.message}`;
  const fixes: Fix[] = [];
  // Fixes for the oldest Python in question: what installs there installs on the newer ones too, as far as pins go.
  const options = { environment: targetEnvironment(pythons[pythons.length - 1]), maxSteps: ctx.maxSteps ?? 5000 };
  const pinned = conflict.packages.filter((n) => env.packages.get(n)?.pins.some((p) => p.requirement.specifier && !p.constraintOnly));
  for (const group of [pinned, ...pinned.map((n) => [n])]) {
    if (!group.length || fixes.length >= 3) continue;
    const up = upgradeFix(env, group, { source: ctx.source, options, texts: ctx.texts });
    if (up && !fixes.some((f) => f.title === up.fix.title)) fixes.push({ ...up.fix, applicability: fixes.length ? 'needs-review' : 'safe' });
  }
  return pins.map(({ req, path }) => {
    const finding: Finding = {
      code: RESOLUTION_CONFLICT, severity, message, packages: conflict.packages, range: req.range, fixes,
      related: pins.filter((o) => o.req !== req).map((o) => ({ path: o.path, range: o.req.range, message: `${o.req.text} takes part in the conflict` })),
    };
    return { path, finding };
  });
}

function coveredName(req: Requirement, source: MetadataSource): boolean {
  try { return source(req.normalizedName) !== undefined; } catch { return false; }
}
