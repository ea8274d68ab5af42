// The environments of files that run pip: each `pip install` command (with the files it installs with -r and narrows
// with -c), each Python list of requirements, and for a Dockerfile the image each build stage ends up with.
import { groupBy } from '../../group';
import type { PackageIndex, ParsedManifest } from '../../types';
import type { EnvironmentContext, EnvironmentSpec, PinnedRequirement } from '../types';
import { isDockerfilePath } from './parse';
import { pipIndexes } from '../requirements/pip-settings';

/** One environment per command (or Python list); `images` adds a Dockerfile's images. */
export function commandEnvironments(manifest: ParsedManifest, ctx: EnvironmentContext, images: boolean): EnvironmentSpec[] {
  const { name, pin } = ctx;
  const envs: EnvironmentSpec[] = [];
  // The files a command installs with -r (and narrows with -c) belong to that command's environment.
  const includedPins = (block: number | undefined): PinnedRequirement[] => manifest.includes
    .filter((i) => i.block === block && i.resolvedPath)
    .flatMap((i) => (ctx.includedFiles?.get(i.resolvedPath!) ?? []).flatMap((m) =>
      m.requirements.map((r) => pin(r, i.kind === 'constraint' || r.scope.kind === 'constraint', m.path))));
  for (const reqs of groupBy(manifest.requirements, (r) => `${r.scope.kind}:${r.scope.block ?? 0}`).values()) {
    const first = reqs[0];
    const blockNo = first.scope.block;
    const indexes = manifest.indexes.filter((i) => i.block === undefined || i.block === blockNo);
    const where = first.scope.kind === 'pip-install'
      ? `pip install (line ${first.range.start.line + 1})`
      : `${first.scope.name ?? 'list'} (line ${first.range.start.line + 1})`;
    const included = first.scope.kind === 'pip-install' ? includedPins(blockNo) : [];
    // The files it installs with -r / -c read their index options after the command line's, and a --index-url there
    // replaces the command's indexes (pip's order, pipIndexes).
    const files = first.scope.kind === 'pip-install' ? manifest.includes.filter((i) => i.block === blockNo && i.resolvedPath && ctx.includedFiles?.has(i.resolvedPath)) : [];
    const pipReads = files.length ? pipIndexes(files.map((i) => i.resolvedPath!),
      new Map(files.flatMap((i) => ctx.includedFiles!.get(i.resolvedPath!)!).map((m) => [m.path, m])), indexes.map((index) => ({ index, path: manifest.path }))) : undefined;
    envs.push({ label: `${name}: ${where}`, pins: [...included, ...reqs.map((r) => pin(r))], indexes: pipReads?.read ?? indexes,
      ...(pipReads?.dropped.length ? { droppedIndexes: pipReads.dropped } : {}) });
  }
  if (images && isDockerfilePath(manifest.path)) {
    // One image per build stage (a FROM starts a fresh one).
    const stages = new Set([...manifest.requirements.map((r) => r.scope.stage ?? 0), ...manifest.includes.map((i) => i.stage ?? 0)]);
    for (const stage of [...stages].sort((a, b) => a - b)) {
      const files = manifest.includes.filter((i) => (i.stage ?? 0) === stage)
        .flatMap((i) => (i.kind === 'requirement' && i.resolvedPath ? ctx.includedFiles?.get(i.resolvedPath) ?? [] : []));
      const stageManifest = { ...manifest, requirements: manifest.requirements.filter((r) => (r.scope.stage ?? 0) === stage) };
      const image = imageEnvironment(stageManifest, files);
      if (image) envs.push({ label: `${name}: the image${stages.size > 1 ? ` (stage ${stage + 1})` : ''}`, pins: image.pins, indexes: image.indexes });
    }
  }
  return envs;
}

/**
 * Everything a Dockerfile installs ends up in one image: each RUN's pip install adds to what the earlier ones left
 * (a later pin of a package replaces an earlier one). Files installed with `-r` come first. Shell scripts are not
 * combined: their installs often sit in alternative branches (`if nvidia ... else rocm`).
 */
function imageEnvironment(manifest: ParsedManifest, included: ParsedManifest[]): { pins: PinnedRequirement[]; indexes: PackageIndex[] } | undefined {
  const blocks = new Set(manifest.requirements.map((r) => r.scope.block ?? 0));
  if (blocks.size + (included.length ? 1 : 0) < 2) return undefined;
  const last = new Map<string, PinnedRequirement[]>();
  for (const m of included) {
    for (const r of m.requirements) last.set(r.normalizedName, [{ requirement: r, path: m.path, constraintOnly: r.scope.kind === 'constraint' }]);
  }
  const byBlock = groupBy(manifest.requirements, (r) => String(r.scope.block ?? 0));
  for (const block of [...byBlock.keys()].sort((a, b) => Number(a) - Number(b))) {
    const fresh = new Map<string, PinnedRequirement[]>();
    for (const r of byBlock.get(block)!) fresh.set(r.normalizedName, [...(fresh.get(r.normalizedName) ?? []), { requirement: r, path: manifest.path, constraintOnly: false }]);
    for (const [k, v] of fresh) last.set(k, v);
  }
  return { pins: [...last.values()].flat(), indexes: [...manifest.indexes, ...included.flatMap((m) => m.indexes)] };
}
