// `ml-pins resolve`: per environment, the versions pip would install, or the explained conflict. Metadata comes from
// ./live.ts, as for `check`: the indexes the manifest names, else PIP_INDEX_URL or PyPI, over the bundled snapshot.
import type { Environment } from '../core/engine/environment';
import { parsePlatform, targetEnvironment, type Platform, type ResolveResult } from '../core/resolver';
import { normalizeName } from '../core/text';
import { rootsOf } from '../core/resolver/environment';
import { redactUrl } from '../node/index-client';
import { CliMetadata, RESOLVE_INDEX_WAIT } from './live';
import { oldestCPython } from '../core/resolver/pythons';

export { rootsOf };

export interface ResolveCommandOptions {
  targetPython?: string;
  platform?: string;
  offline: boolean;
  format: 'text' | 'json';
  display: (path: string) => string;
  env?: Record<string, string | undefined>;
  /** The snapshot's folder (metadata/); default: next to the CLI bundle, or ML_PINS_METADATA_DIR. */
  metadataDir?: string;
  maxSteps?: number;
  /** Local find-links folders are read only inside these (the paths checked) unless `allowOutside`. */
  roots?: string[];
  allowOutside?: boolean;
  /** The metadata of the run (./live.ts); default: a new one from the options above. */
  metadata?: CliMetadata;
}

export interface EnvironmentResolution {
  path: string;
  environment: string;
  python: string;
  resolution: Record<string, string> | null;
  conflict: { message: string; packages: string[] } | null;
  /** Why there is neither (the step budget ran out). */
  note?: string;
  /** Text output only: yanked releases that a pin selects (with the reason), releases newer than the snapshot. */
  notes?: Record<string, string>;
}

/** The oldest CPython the environment's requires-python admits (as uv resolves), else 3.12. */
export function defaultPython(env: Environment): string {
  if (!env.python) return '3.12';
  return oldestCPython(env.python) ?? '3.12';
}

export async function resolveEnvironments(envs: Environment[], o: ResolveCommandOptions): Promise<EnvironmentResolution[]> {
  const metadata = o.metadata ?? new CliMetadata({ offline: o.offline, vars: o.env ?? process.env, metadataDir: o.metadataDir,
    roots: o.roots, allowOutside: o.allowOutside, ...RESOLVE_INDEX_WAIT });
  const platform: Platform = (o.platform && parsePlatform(o.platform)) || 'linux';
  const out: EnvironmentResolution[] = [];
  try {
    for (const env of envs) {
      const python = o.targetPython ?? defaultPython(env);
      const result = await metadata.resolve(env, rootsOf(env, o.display), { environment: targetEnvironment(python, platform), maxSteps: o.maxSteps });
      out.push(toEntry(env, python, result, o.display));
    }
  } finally {
    if (!o.metadata) metadata.close();
  }
  return out;
}

function toEntry(env: Environment, python: string, result: ResolveResult, display: (p: string) => string): EnvironmentResolution {
  const base = { path: display(env.path), environment: env.label, python };
  if (result.ok) {
    const resolution: Record<string, string> = {};
    const notes: Record<string, string> = {};
    for (const p of [...result.packages.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const name = normalizeName(p.name);
      resolution[name] = p.version ?? '*';
      if (p.yanked !== undefined) notes[name] = `yanked${p.yanked ? `: ${p.yanked}` : ''}`;
      else if (p.newerUnknown) notes[name] = p.newerUnknown;
    }
    return { ...base, resolution, conflict: null, ...(Object.keys(notes).length ? { notes } : {}) };
  }
  if (result.reason === 'conflict') {
    return { ...base, resolution: null, conflict: { message: result.conflict.message, packages: result.conflict.packages } };
  }
  return { ...base, resolution: null, conflict: null, note: redactUrl(result.message) };
}

export function resolutionText(entries: EnvironmentResolution[]): string {
  const blocks = entries.map((e) => {
    const head = `${e.path}: ${e.environment} (Python ${e.python})`;
    if (e.resolution) {
      const names = Object.keys(e.resolution);
      const width = Math.max(0, ...names.map((n) => n.length));
      return [head, ...names.map((n) => {
        const v = e.resolution![n] === '*' ? 'any (not in the metadata)' : e.resolution![n];
        return `  ${n.padEnd(width)}  ${v}${e.notes?.[n] ? `  (${e.notes[n]})` : ''}`;
      })].join('\n');
    }
    if (e.conflict) return [head, ...e.conflict.message.split('\n').map((l) => `  ${l}`)].join('\n');
    return `${head}\n  not resolved: ${e.note ?? 'unknown'}`;
  });
  return blocks.join('\n\n');
}
