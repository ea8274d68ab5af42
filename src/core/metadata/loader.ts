// A metadata provider over an asynchronous reader (VS Code for the Web reads the extension's metadata/ folder through
// workspace.fs): `preload` fetches the packages a check names and what they declare, two levels deep, so that the
// engine's synchronous `get` finds them. What has not been loaded is simply not covered.
import { declaredNames, validPackage, type MetadataProvider } from './provider';
import { normalizeName, type PackageMetadata, type SnapshotIndex } from './types';

/** `read(relativePath)` returns a file of the metadata folder ("snapshot.json", "packages/torch.json") or undefined. */
export function asyncMetadata(read: (path: string) => Promise<string | undefined>): MetadataProvider & { loaded(): number } {
  let index: SnapshotIndex | null | undefined;
  const cache = new Map<string, PackageMetadata | undefined>();
  const inflight = new Map<string, Promise<void>>();
  const parse = <T>(text: string | undefined): T | undefined => {
    if (text === undefined || text.length > 32 << 20) return undefined;
    try { return JSON.parse(text) as T; } catch { return undefined; }
  };
  const loadIndex = async () => {
    if (index === undefined) index = parse<SnapshotIndex>(await read('snapshot.json').catch(() => undefined)) ?? null;
    return index;
  };
  const load = (name: string): Promise<void> => {
    if (cache.has(name)) return Promise.resolve();
    let p = inflight.get(name);
    if (!p) {
      p = (async () => {
        const idx = await loadIndex();
        const listed = !!idx && Object.prototype.hasOwnProperty.call(idx.packages, name) && /^[a-z0-9][a-z0-9-]*$/.test(name);
        const pkg = listed ? parse<PackageMetadata>(await read(`packages/${name}.json`).catch(() => undefined)) : undefined;
        cache.set(name, validPackage(pkg, name) ? pkg : undefined);
      })().finally(() => inflight.delete(name));
      inflight.set(name, p);
    }
    return p;
  };
  return {
    get snapshotDate() { return index ? index.snapshot_date : undefined; },
    get: (name) => cache.get(normalizeName(name)),
    loaded: () => [...cache.values()].filter(Boolean).length,
    async preload(names) {
      let frontier = [...new Set([...names].map(normalizeName))];
      const seen = new Set<string>();
      for (let depth = 0; depth < 3 && frontier.length; depth++) {
        frontier = frontier.filter((n) => !seen.has(n));
        frontier.forEach((n) => seen.add(n));
        await Promise.all(frontier.map(load));
        const next = new Set<string>();
        for (const n of frontier) {
          for (const e of cache.get(n)?.releases ?? []) for (const r of declaredNames(e)) next.add(r);
        }
        frontier = [...next];
      }
    },
  };
}
