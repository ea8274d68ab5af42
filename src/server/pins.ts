// Upgrade refactors on any pin: "Upgrade torch, torchvision and torchaudio to the newest set that installs together
// (…)", "Upgrade diffusers to …, the newest release compatible with your transformers pin". The resolver picks the
// set (src/core/resolver/upgrade.ts); the edits rewrite only the specifiers involved, and the edited environment is
// resolved again before an action is offered. Findings carry their own upgrade fixes (resolution-conflict).
import type { CheckResult } from '../core/engine/check';
import type { Environment } from '../core/engine/environment';
import { targetEnvironment, type MetadataSource } from '../core/resolver';
import { upgradeFix, upgradeGroups, type Upgrade } from '../core/resolver/upgrade';
import { MAX_RESOLVED_ROOTS, orderedPins } from '../core/resolver/environment';
import type { Range, TextEdit } from '../core/types';
import type { MetadataProvider } from '../core/metadata/provider';
import type { CodeAction, WorkspaceEdit } from 'vscode-languageserver';
import { oldestCPython } from '../core/resolver/pythons';

/** Environments looked at per request: the ones whose pins are at the cursor, at most this many. */
const MAX_ENVIRONMENTS = 4;

const touches = (a: Range, b: Range) =>
  !(a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line || (b.end.line === a.start.line && b.end.character < a.start.character));

/** The oldest CPython the environment admits (what installs there installs on newer ones, as far as pins go). */
export function upgradePython(env: Environment, targetPython?: string): string {
  return targetPython ?? oldestCPython(env.python) ?? '3.12';
}

/** Upgrades of the groups that hold a pin at `range` in `path`, each resolved on the environment it belongs to. */
export async function upgradesAt(result: CheckResult, path: string, range: Range,
  ctx: { source: MetadataSource; read: (path: string) => Promise<string | undefined>; targetPython?: string }): Promise<Upgrade[]> {
  const out: Upgrade[] = [];
  const seen = new Set<string>();
  const envs = result.environments.filter((env) => [...env.packages.values()].some((p) => p.pins.some((pin) => pin.path === path && touches(pin.requirement.range, range))));
  const texts = new Map<string, string>();
  for (const env of envs.slice(0, MAX_ENVIRONMENTS)) {
    if (orderedPins(env).length > MAX_RESOLVED_ROOTS) continue;
    for (const pkg of env.packages.values()) for (const pin of pkg.pins) {
      const text = texts.has(pin.path) ? undefined : await ctx.read(pin.path);
      if (text !== undefined) texts.set(pin.path, text);
    }
    const names = new Set([...env.packages.values()].filter((p) => p.pins.some((pin) => pin.path === path && touches(pin.requirement.range, range))).map((p) => p.name));
    const options = { environment: targetEnvironment(upgradePython(env, ctx.targetPython)), maxSteps: 5000 };
    const uctx = { source: ctx.source, options, texts };
    const groups = upgradeGroups(env, uctx).filter((g) => g.some((n) => names.has(n)));
    // The group (companions together), and the package alone when it has companions: both are useful choices.
    const candidates = [...groups, ...groups.filter((g) => g.length > 1).flatMap((g) => g.filter((n) => names.has(n)).map((n) => [n]))];
    for (const group of candidates) {
      const up = upgradeFix(env, group, uctx);
      if (!up) continue;
      const key = `${up.fix.title}\u0000${JSON.stringify(up.fix.edits)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(up);
    }
  }
  return out;
}


/** The upgrades at the cursor as `refactor.rewrite` actions (none while checking is off or nothing is known). */
export async function upgradeActions(result: CheckResult | undefined, path: string, range: Range, o: { provider?: MetadataProvider;
  settings: { enable: boolean; targetPython?: string }; read: (path: string) => Promise<string | undefined>; toEdit: (edits: readonly TextEdit[]) => WorkspaceEdit }): Promise<CodeAction[]> {
  const provider = o.provider;
  if (!result || !provider || !o.settings.enable) return [];
  const ups = await upgradesAt(result, path, range, { source: (n) => provider.get(n), targetPython: o.settings.targetPython, read: o.read });
  return ups.map((u) => ({ title: u.fix.title, kind: 'refactor.rewrite', edit: o.toEdit(u.fix.edits) }));
}
