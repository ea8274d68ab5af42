// The environments a pyproject.toml defines: [project] dependencies, each extra on top of them, each dependency group
// (with the groups it includes), uv's dev-dependencies, [build-system] requires, and Poetry's main and group
// dependencies, and [tool.pixi]'s (the [project] dependencies with pixi's own, and each pixi feature). uv's constraint
// and override lists narrow every environment but the build one.
import { groupBy } from '../../group';
import type { Requirement } from '../../types';
import type { EnvironmentContext, EnvironmentSpec } from '../types';
import type { PinnedRequirement } from '../../engine/environment';
import { elsewhereThan, PIXI_SCOPE } from '../pixi/parse';
import type { PyprojectManifest } from './parse';

export function pyprojectEnvironments(manifest: PyprojectManifest, ctx: EnvironmentContext): EnvironmentSpec[] {
  const { name, pin, ofKind } = ctx;
  const envs: EnvironmentSpec[] = [];
  const constraints = manifest.requirements.filter((r) => r.scope.kind === 'uv-constraint' || r.scope.kind === 'uv-override').map((r) => pin(r, true));
  const base = ofKind('project').map((r) => pin(r));
  const poetry = ofKind('poetry').map((r) => pin(r));
  if (base.length) envs.push({ label: `${name} [project] dependencies`, pins: [...base, ...constraints] });
  for (const [extra, reqs] of groupBy(ofKind('optional'), (r) => r.scope.name ?? '')) {
    envs.push({ label: `${name} [project] dependencies + extra "${extra}"`, pins: [...base, ...reqs.map((r) => pin(r)), ...constraints], addition: `extra "${extra}"` });
  }
  const groups = groupBy(ofKind('group'), (r) => r.scope.name ?? '');
  const includes = manifest.groupIncludes ?? [];
  const includesOf = new Map<string, string[]>();
  for (const i of includes) includesOf.set(i.group, [...(includesOf.get(i.group) ?? []), i.include]);
  // Groups that expand to the same requirements (a ring of groups including each other) share one environment.
  const expanded = new Set<string>();
  const requirementIds = new Map<Requirement, number>();
  // Groups that include each other (directly or around a ring) expand to the same requirements: one of them is
  // expanded, so a ring of a thousand groups costs a thousand, not a million.
  const cycleOf = groupCycles(includesOf);
  const cyclesDone = new Set<number>();
  for (const group of new Set([...groups.keys(), ...includes.map((i) => i.group)])) {
    const cycle = cycleOf.get(group);
    if (cycle !== undefined) {
      if (cyclesDone.has(cycle)) continue;
      cyclesDone.add(cycle);
    }
    const found = expandGroup(group, groups, includesOf);
    const ids = found.map((r) => requirementIds.get(r) ?? requirementIds.set(r, requirementIds.size).get(r)!).sort((x, y) => x - y).join(',');
    if (expanded.has(ids)) continue;
    expanded.add(ids);
    const reqs = found.map((r) => pin(r));
    if (reqs.length) envs.push({ label: `${name} dependency group "${group}"`, pins: [...reqs, ...constraints] });
  }
  const uvDev = ofKind('uv-dev').map((r) => pin(r));
  if (uvDev.length) envs.push({ label: `${name} [tool.uv] dev-dependencies`, pins: [...base, ...uvDev, ...constraints], addition: 'the uv dev-dependencies' });
  const build = ofKind('build').map((r) => pin(r));
  if (build.length) envs.push({ label: `${name} [build-system] requires`, pins: build });
  if (poetry.length) envs.push({ label: `${name} [tool.poetry.dependencies]`, pins: poetry });
  for (const [group, reqs] of groupBy(ofKind('poetry-group'), (r) => r.scope.name ?? '')) {
    envs.push({ label: `${name} poetry group "${group}"`, pins: [...poetry, ...reqs.map((r) => pin(r))], addition: `poetry group "${group}"` });
  }
  envs.push(...pixiEnvironments(ofKind('project'), ofKind(PIXI_SCOPE), constraints, ctx));
  return envs;
}

/**
 * [tool.pixi]: pixi installs the [project] dependencies with its own PyPI dependencies (the default feature), and
 * each feature on top. A per-platform table replaces a [project] dependency of the same package on its platform, as
 * it replaces pixi's own entry (../pixi/parse.ts): the [project] pin takes part here only elsewhere (a copy with that
 * marker; the requirement itself, which `pip install .` reads too, is left as written).
 */
function pixiEnvironments(project: Requirement[], pixi: Requirement[], constraints: PinnedRequirement[], ctx: EnvironmentContext): EnvironmentSpec[] {
  if (!pixi.length) return [];
  const { name, pin } = ctx;
  const own = pixi.filter((r) => r.scope.name === undefined);
  const targeted = new Map<string, string[]>();
  for (const r of own) if (r.marker && r.scope.table !== 'tool.pixi.pypi-dependencies') targeted.set(r.normalizedName, [...targeted.get(r.normalizedName) ?? [], r.marker]);
  const projectPins = project.map((r) => {
    const targets = targeted.get(r.normalizedName);
    if (!targets) return pin(r);
    const elsewhere = elsewhereThan(targets);
    return pin({ ...r, marker: r.marker ? `(${r.marker}) and (${elsewhere})` : elsewhere });
  });
  const base = [...projectPins, ...own.map((r) => pin(r)), ...constraints];
  const envs: EnvironmentSpec[] = [{ label: `${name} [tool.pixi] pypi-dependencies`, pins: base }];
  for (const [feature, reqs] of groupBy(pixi.filter((r) => r.scope.name !== undefined), (r) => r.scope.name!)) {
    envs.push({ label: `${name} [tool.pixi] pypi-dependencies + feature "${feature}"`, pins: [...base, ...reqs.map((r) => pin(r))], addition: `feature "${feature}"` });
  }
  return envs;
}

/**
 * The groups that lie on a cycle of includes, each mapped to its cycle's number (strongly connected components of
 * more than one group, Tarjan's algorithm without recursion).
 */
function groupCycles(includesOf: Map<string, string[]>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const start of includesOf.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter); low.set(start, counter++); stack.push(start); onStack.add(start);
    while (work.length) {
      const top = work[work.length - 1];
      const kids = includesOf.get(top.node) ?? [];
      if (top.next < kids.length) {
        const kid = kids[top.next++];
        if (!index.has(kid)) {
          index.set(kid, counter); low.set(kid, counter++); stack.push(kid); onStack.add(kid);
          work.push({ node: kid, next: 0 });
        } else if (onStack.has(kid)) low.set(top.node, Math.min(low.get(top.node)!, index.get(kid)!));
        continue;
      }
      work.pop();
      if (work.length) { const parent = work[work.length - 1].node; low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!)); }
      if (low.get(top.node) === index.get(top.node)) {
        const members: string[] = [];
        let m: string;
        do { m = stack.pop()!; onStack.delete(m); members.push(m); } while (m !== top.node);
        if (members.length > 1) { for (const x of members) out.set(x, components); components++; }
      }
    }
  }
  return out;
}

/** A group's requirements with the groups it includes, depth first; each group once (cycles end). No recursion:
 *  a chain of a thousand groups must not exhaust the stack. */
function expandGroup(group: string, groups: Map<string, Requirement[]>, includesOf: Map<string, string[]>): Requirement[] {
  const out: Requirement[] = [];
  const seen = new Set<string>();
  const todo = [group];
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue; // a cycle; the parser reports it
    seen.add(g);
    out.push(...(groups.get(g) ?? []));
    const next = includesOf.get(g) ?? [];
    for (let i = next.length - 1; i >= 0; i--) todo.push(next[i]);
  }
  return out;
}
