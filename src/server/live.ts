// Live metadata in the editor: what the project's own indexes declare (the indexes its manifests name, else PyPI),
// layered over the bundled snapshot. Checks never wait for it: a project is checked from what is known, the packages
// its environments resolve to are fetched in the background, and the project is checked again when answers arrive.
// Off with `mlPins.offline`, in untrusted workspaces unless `mlPins.indexesInUntrustedWorkspaces` (user settings),
// and wherever the host has no network client (VS Code for the Web). Index URLs are never logged (they may carry
// credentials); the client sends them as an Authorization header.
import type { CheckInput } from '../core/engine/check';
import type { Environment } from '../core/engine/environment';
import type { Knowledge } from '../core/engine/knowledge';
import type { MetadataProvider } from '../core/metadata/provider';
import type { PackageMetadata } from '../core/metadata/types';
import { resolve, targetEnvironment, type MetadataSource } from '../core/resolver';
import { MAX_RESOLVED_ROOTS, rootsOf } from '../core/resolver/environment';
import { indexSources, type IndexSources } from '../core/resolver/indexes';

/** The host's network side (src/server/node.ts: src/node/index-client.ts with its on-disk cache). */
export interface IndexAccess {
  client(sources: IndexSources): { lookup(name: string): Promise<{ metadata?: PackageMetadata; unavailable: boolean }> };
}

/** Rounds of resolve-then-fetch per environment (each round fetches what the last resolution asked for). */
const MAX_ROUNDS = 12;
/** Packages fetched per project at most: a huge monorepo never fans out without bound. */
const MAX_PACKAGES = 2000;
/** How long an index set that could not be reached is left alone: a workspace of many environments, or typing in
 *  one, would otherwise ask an unreachable index again for every environment and every keystroke. */
const UNREACHABLE_PAUSE_MS = 60_000;
const PYTHONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

export class LiveMetadata {
  /** name -> what the first index set asked about it answered (undefined: no index knows it; the snapshot speaks). */
  private readonly answers = new Map<string, PackageMetadata | undefined>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly clients = new Map<string, ReturnType<IndexAccess['client']>>();
  /** Index set -> until when it is not asked again (it could not be reached). */
  private readonly unreachableUntil = new Map<string, number>();
  /** Environments refreshed (their indexes, target and requirements), so that a re-check does not start over. */
  private readonly refreshed = new Set<string>();
  /** Bumped whenever an answer arrives: the project's knowledge is rebuilt once per version. */
  version = 0;

  constructor(private readonly access: IndexAccess, private readonly snapshot: () => MetadataProvider | undefined) {}

  /** Live answers over the snapshot. */
  readonly provider: MetadataProvider = {
    get snapshotDate() { return undefined; },
    get: (name) => this.answers.get(name) ?? this.snapshot()?.get(name),
  };

  private readonly fallback: MetadataSource = (name) => this.provider.get(name);

  /**
   * Fetches, in the background, what the environments need that no index has answered yet (the pinned packages and
   * everything their resolution reaches); `arrived` is called whenever new answers came in for one of them.
   * Environments refresh independently (a slow index holds back only the environments that read it), and an
   * environment whose requirements and indexes have not changed since its last refresh is not refreshed again.
   */
  refresh(envs: Environment[], read: { roots: string[]; allowOutside: boolean; targetPython?: string }, arrived: () => void): void {
    for (const env of envs) {
      const sources = indexSources(env, { roots: read.roots, allowOutside: read.allowOutside });
      if (!sources.indexes.length && !sources.findLinks.length) continue;
      const key = JSON.stringify([sources.indexes, sources.findLinks, read.targetPython ?? '', rootsOf(env).map((r) => r.requirement)]);
      if (this.refreshed.has(key)) continue;
      if (this.refreshed.size > 10_000) this.refreshed.clear();
      this.refreshed.add(key);
      // An index that could not be reached is asked again by a later check (an edit, a save) once its pause is over, not in a loop.
      void this.refreshEnvironment(env, sources, read).then(({ changed, unavailable }) => {
        if (unavailable) this.refreshed.delete(key);
        if (changed) arrived();
      }, () => this.refreshed.delete(key));
    }
  }

  private async refreshEnvironment(env: Environment, sources: IndexSources, read: { targetPython?: string }): Promise<{ changed: boolean; unavailable: boolean }> {
    const key = JSON.stringify([sources.indexes, sources.findLinks]);
    const paused = () => (this.unreachableUntil.get(key) ?? 0) > Date.now();
    if (paused()) return { changed: false, unavailable: true };
    let client = this.clients.get(key);
    if (!client) this.clients.set(key, (client = this.access.client(sources)));
    const python = read.targetPython ?? PYTHONS.find((v) => env.python?.contains(v) ?? true) ?? '3.12';
    const roots = rootsOf(env);
    let changed = false;
    let unavailable = false;
    const wanted = new Set<string>([...env.packages.keys()]);
    const resolvable = roots.length <= MAX_RESOLVED_ROOTS;
    const tried = new Set<string>();
    for (let round = 0; round < MAX_ROUNDS && this.answers.size < MAX_PACKAGES; round++) {
      if (round > 0 && resolvable) {
        resolve(roots, (name) => { if (!this.answers.has(name)) wanted.add(name); return this.fallback(name); },
          { environment: targetEnvironment(python), maxSteps: 5000 });
      }
      const missing = [...wanted].filter((n) => !this.answers.has(n) && !tried.has(n)).slice(0, MAX_PACKAGES - this.answers.size);
      wanted.clear();
      if (!missing.length && round > 0) break;
      if (paused()) { unavailable = true; break; }
      for (const n of missing) tried.add(n);
      await Promise.all(missing.map((name) => {
        let p = this.pending.get(name);
        if (!p) {
          p = client!.lookup(name).catch(() => ({ metadata: undefined, unavailable: true })).then((r) => {
            // Unreachable and unknown: not an answer (asked again later); the snapshot speaks meanwhile.
            if (r.unavailable && !r.metadata) { unavailable = true; this.unreachableUntil.set(key, Date.now() + UNREACHABLE_PAUSE_MS); return; }
            this.answers.set(name, r.metadata);
            if (r.metadata) { changed = true; this.version++; }
          }).finally(() => this.pending.delete(name));
          this.pending.set(name, p);
        }
        return p;
      }));
    }
    return { changed, unavailable };
  }
}

/**
 * A project's check input from live metadata over the snapshot when allowed (`enabled`, and a host with a network
 * client): the knowledge is rebuilt once per batch of answers; the hooks read the same metadata.
 */
export function liveInput(p: { live?: LiveMetadata; liveKnowledge?: { version: number; knowledge: Knowledge } },
  host: { indexes?: IndexAccess; checkHooks?(source: MetadataSource): Partial<CheckInput> }, enabled: boolean,
  snapshot: () => MetadataProvider | undefined, build: (metadata?: MetadataProvider) => Knowledge): { knowledge: Knowledge; hooks: Partial<CheckInput> } {
  const live = host.indexes && enabled ? (p.live ??= new LiveMetadata(host.indexes, snapshot)) : undefined;
  if (live && p.liveKnowledge?.version !== live.version) p.liveKnowledge = { version: live.version, knowledge: build(live.provider) };
  const provider = live?.provider ?? snapshot();
  return { knowledge: live ? p.liveKnowledge!.knowledge : build(), hooks: host.checkHooks && provider ? host.checkHooks((name) => provider.get(name)) : {} };
}
