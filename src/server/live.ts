// Live metadata in the editor: what the project's own indexes declare (the indexes its manifests name, else PyPI),
// layered over the bundled snapshot. Checks never wait for it: a project is checked from what is known, the packages
// its environments resolve to are fetched in the background, and the project is checked again when answers arrive.
// Off with `mlPins.offline`, in untrusted workspaces unless `mlPins.indexesInUntrustedWorkspaces` (user settings),
// and wherever the host has no network client (VS Code for the Web). Index URLs are never logged (they may carry
// credentials); the client sends them as an Authorization header.
import type { Environment } from '../core/engine/environment';
import type { MetadataProvider } from '../core/metadata/provider';
import type { PackageMetadata } from '../core/metadata/types';
import { resolve, targetEnvironment, type MetadataSource } from '../core/resolver';
import { MAX_RESOLVED_ROOTS, rootsOf } from '../core/resolver/environment';
import { indexSources, type IndexSources } from '../core/resolver/indexes';

/** The host's network side (src/server/node.ts: src/node/index-client.ts with its on-disk cache). */
export interface IndexAccess {
  client(sources: IndexSources): { package(name: string): Promise<PackageMetadata | undefined> };
}

/** Rounds of resolve-then-fetch per environment (each round fetches what the last resolution asked for). */
const MAX_ROUNDS = 12;
/** Packages fetched per project at most: a huge monorepo never fans out without bound. */
const MAX_PACKAGES = 2000;
const PYTHONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

export class LiveMetadata {
  /** name -> what the first index set asked about it answered (undefined: no index knows it; the snapshot speaks). */
  private readonly answers = new Map<string, PackageMetadata | undefined>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly clients = new Map<string, ReturnType<IndexAccess['client']>>();
  private running?: Promise<boolean>;
  private again = false;
  private latest: { envs: Environment[]; read: { roots: string[]; allowOutside: boolean; targetPython?: string } } | undefined;
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
   * Fetches what the environments need that no index has answered yet (the pinned packages and everything their
   * resolution reaches); resolves to true when new answers arrived. One refresh at a time: a call during a refresh
   * schedules one more after it.
   */
  refresh(envs: Environment[], read: { roots: string[]; allowOutside: boolean; targetPython?: string }): Promise<boolean> {
    this.latest = { envs, read };
    if (this.running) { this.again = true; return this.running; }
    const run = async (): Promise<boolean> => {
      let changed = false;
      do {
        this.again = false;
        const { envs: now, read: how } = this.latest!;
        for (const env of now) if (await this.refreshEnvironment(env, how)) changed = true;
      } while (this.again);
      return changed;
    };
    this.running = run().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async refreshEnvironment(env: Environment, read: { roots: string[]; allowOutside: boolean; targetPython?: string }): Promise<boolean> {
    const sources = indexSources(env, { roots: read.roots, allowOutside: read.allowOutside });
    if (!sources.indexes.length && !sources.findLinks.length) return false;
    const key = JSON.stringify([sources.indexes, sources.findLinks]);
    let client = this.clients.get(key);
    if (!client) this.clients.set(key, (client = this.access.client(sources)));
    const python = read.targetPython ?? PYTHONS.find((v) => env.python?.contains(v) ?? true) ?? '3.12';
    const roots = rootsOf(env);
    let changed = false;
    const wanted = new Set<string>([...env.packages.keys()]);
    const resolvable = roots.length <= MAX_RESOLVED_ROOTS;
    for (let round = 0; round < MAX_ROUNDS && this.answers.size < MAX_PACKAGES; round++) {
      if (round > 0 && resolvable) {
        resolve(roots, (name) => { if (!this.answers.has(name)) wanted.add(name); return this.fallback(name); },
          { environment: targetEnvironment(python), maxSteps: 5000 });
      }
      const missing = [...wanted].filter((n) => !this.answers.has(n)).slice(0, MAX_PACKAGES - this.answers.size);
      wanted.clear();
      if (!missing.length && round > 0) break;
      await Promise.all(missing.map((name) => {
        let p = this.pending.get(name);
        if (!p) {
          p = client!.package(name).catch(() => undefined).then((pkg) => {
            this.answers.set(name, pkg);
            if (pkg) { changed = true; this.version++; }
          }).finally(() => this.pending.delete(name));
          this.pending.set(name, p);
        }
        return p;
      }));
    }
    return changed;
  }
}
