// Live metadata in the editor: what the project's own indexes declare (the indexes its manifests name, else PyPI),
// layered over the bundled snapshot. Checks never wait for it: a project is checked from what is known, the packages
// its environments resolve to are fetched in the background, and the project is checked again when answers arrive.
// Off with `mlPins.offline`, in untrusted workspaces unless `mlPins.indexesInUntrustedWorkspaces` (user settings),
// and wherever the host has no network client (VS Code for the Web). Index URLs are never logged (they may carry
// credentials); the client sends them as an Authorization header.
import type { Environment } from '../core/engine/environment';
import type { MetadataProvider } from '../core/metadata/provider';
import type { PackageMetadata } from '../core/metadata/types';
import { resolve, targetEnvironment } from '../core/resolver';
import { MAX_RESOLVED_ROOTS, rootsOf } from '../core/resolver/environment';
import { indexSetKey, indexSources, PYPI_SIMPLE, type IndexSources } from '../core/resolver/indexes';
import { oldestCPython } from '../core/resolver/pythons';

/** The host's network side (src/server/node.ts: src/node/index-client.ts with its on-disk cache). */
export interface IndexAccess {
  client(sources: IndexSources): { lookup(name: string): Promise<{ metadata?: PackageMetadata; unavailable: boolean }> };
}

/** Rounds of resolve-then-fetch per environment (each round fetches what the last resolution asked for). */
const MAX_ROUNDS = 12;
/** Packages fetched per index set at most: a huge monorepo never fans out without bound. */
const MAX_PACKAGES = 2000;
/** How long an index set that could not be reached is left alone: a workspace of many environments, or typing in
 *  one, would otherwise ask an unreachable index again for every environment and every keystroke. */
const UNREACHABLE_PAUSE_MS = 60_000;
/** Views kept at most (one per distinct list of index sets in the workspace: a handful). */
export const MAX_VIEWS = 256;

/** One index set (the indexes and find-links locations an environment reads), shared by every project that reads it:
 *  its client, what it answered, and until when it is left alone after it could not be reached. */
interface IndexSet {
  client: ReturnType<IndexAccess['client']>;
  /** name -> what the set answered (undefined: no index of it knows the package; the snapshot speaks). */
  answers: Map<string, PackageMetadata | undefined>;
  pending: Map<string, Promise<void>>;
  unreachableUntil: number;
  /** Bumped whenever metadata arrives. */
  version: number;
}

/** What the index sets of one project's environments declare, first set first, over the snapshot. Projects that read
 *  the same sets share one view, and so one knowledge base and one resolution memo per generation. */
export class LiveView {
  constructor(readonly key: string, private readonly sets: readonly IndexSet[], snapshot: () => MetadataProvider | undefined) {
    this.provider = {
      get snapshotDate() { return undefined; },
      get: (name) => {
        for (const set of this.sets) { const a = set.answers.get(name); if (a) return a; }
        return snapshot()?.get(name);
      },
    };
  }

  readonly provider: MetadataProvider;

  /** Grows whenever one of its sets answers something new: what was derived or resolved before is stale. */
  get generation(): number {
    let g = 0;
    for (const set of this.sets) g += set.version;
    return g;
  }
}

/** The key of an environment's index set. */
/** The view a project is checked with before its environments are known: PyPI alone, as most projects read. */
export const DEFAULT_VIEW = JSON.stringify([indexSetKey({ indexes: [PYPI_SIMPLE], findLinks: [], refused: [] })]);
/** The view of a project none of whose environments reads an index (`--no-index`): the snapshot alone. */
export const NO_VIEW = '[]';

/** Live metadata for the whole server: index sets, the views over them, and which environments were refreshed. */
export class LiveMetadata {
  private readonly sets = new Map<string, IndexSet>();
  private readonly views = new Map<string, LiveView>();
  /** Environments refreshed (their index set, target and requirements) or being refreshed: a re-check, or another
   *  project with the same requirements, does not start over. */
  private readonly refreshed = new Map<string, Promise<void>>();

  constructor(private readonly access: IndexAccess, private readonly snapshot: () => MetadataProvider | undefined) {}

  /** The view key of a project's environments: their index sets in the order they first appear. */
  viewKeyOf(envs: Environment[], read: { roots: string[]; allowOutside: boolean }): string {
    const keys: string[] = [];
    for (const env of envs) {
      const sources = indexSources(env, { roots: read.roots, allowOutside: read.allowOutside });
      if (!sources.indexes.length && !sources.findLinks.length) continue;
      const key = indexSetKey(sources);
      if (!keys.includes(key)) keys.push(key);
    }
    return JSON.stringify(keys);
  }

  /** The view over the sets a key names; undefined for NO_VIEW. */
  view(key: string): LiveView | undefined {
    if (key === NO_VIEW) return undefined;
    let view = this.views.get(key);
    if (!view) {
      const sets = (JSON.parse(key) as string[]).map((k) => {
        const [indexes, findLinks] = JSON.parse(k) as [string[], string[]];
        return this.set(k, { indexes, findLinks, refused: [] });
      });
      if (this.views.size >= MAX_VIEWS) this.views.delete(this.views.keys().next().value as string);
      this.views.set(key, (view = new LiveView(key, sets, this.snapshot)));
    }
    return view;
  }

  private set(key: string, sources: IndexSources): IndexSet {
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = { client: this.access.client(sources), answers: new Map(), pending: new Map(), unreachableUntil: 0, version: 0 }));
    return set;
  }

  /**
   * Fetches, in the background, what the environments need that no index has answered yet (the pinned packages and
   * everything their resolution reaches); `arrived` is called when the view has answers the check (made at view
   * generation `used`) did not have. Environments refresh independently (a slow index holds back only the
   * environments that read it), and an environment whose index set, target and requirements were refreshed before
   * (by this project or another) is not refreshed again.
   */
  refresh(envs: Environment[], read: { roots: string[]; allowOutside: boolean; targetPython?: string }, view: LiveView, used: number, arrived: () => void): void {
    const waits: Promise<void>[] = [];
    for (const env of envs) {
      const sources = indexSources(env, { roots: read.roots, allowOutside: read.allowOutside });
      if (!sources.indexes.length && !sources.findLinks.length) continue;
      const key = JSON.stringify([indexSetKey(sources), read.targetPython ?? '', rootsOf(env).map((r) => r.requirement)]);
      let done = this.refreshed.get(key);
      if (!done) {
        if (this.refreshed.size > 10_000) this.refreshed.clear();
        // An index that could not be reached is asked again by a later check (an edit, a save) once its pause is over, not in a loop.
        done = this.refreshEnvironment(env, this.set(indexSetKey(sources), sources), view, read)
          .then((unavailable) => { if (unavailable) this.refreshed.delete(key); }, () => { this.refreshed.delete(key); });
        this.refreshed.set(key, done);
      }
      waits.push(done);
    }
    let seen = used;
    for (const w of waits) void w.then(() => { const g = view.generation; if (g !== seen) { seen = g; arrived(); } });
  }

  /** true when the set could not be reached (the refresh is to be tried again later). */
  private async refreshEnvironment(env: Environment, set: IndexSet, view: LiveView, read: { targetPython?: string }): Promise<boolean> {
    const paused = () => set.unreachableUntil > Date.now();
    if (paused()) return true;
    const python = read.targetPython ?? oldestCPython(env.python) ?? '3.12';
    const roots = rootsOf(env);
    let unavailable = false;
    const wanted = new Set<string>([...env.packages.keys()]);
    const resolvable = roots.length <= MAX_RESOLVED_ROOTS;
    const tried = new Set<string>();
    for (let round = 0; round < MAX_ROUNDS && set.answers.size < MAX_PACKAGES; round++) {
      if (round > 0 && resolvable) {
        resolve(roots, (name) => { if (!set.answers.has(name)) wanted.add(name); return view.provider.get(name); },
          { environment: targetEnvironment(python), maxSteps: 5000 });
      }
      const missing = [...wanted].filter((n) => !set.answers.has(n) && !tried.has(n)).slice(0, MAX_PACKAGES - set.answers.size);
      wanted.clear();
      if (!missing.length && round > 0) break;
      if (paused()) { unavailable = true; break; }
      for (const n of missing) tried.add(n);
      await Promise.all(missing.map((name) => {
        let p = set.pending.get(name);
        if (!p) {
          p = set.client.lookup(name).catch(() => ({ metadata: undefined, unavailable: true })).then((r) => {
            // Unreachable and unknown: not an answer (asked again later); the snapshot speaks meanwhile.
            if (r.unavailable && !r.metadata) { set.unreachableUntil = Date.now() + UNREACHABLE_PAUSE_MS; return; }
            set.answers.set(name, r.metadata);
            if (r.metadata) set.version++;
          }).finally(() => set.pending.delete(name));
          set.pending.set(name, p);
        }
        return p;
      }));
      if (paused()) unavailable = true;
    }
    return unavailable;
  }
}
