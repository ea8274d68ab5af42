// The metadata snapshot on disk (metadata/ next to dist/, see docs/metadata.md), read one package file at a time on
// first use and cached. Nothing is read at start-up: the extension and the CLI pay only for packages a check names.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validPackage, type MetadataProvider } from '../core/metadata/provider';
import { normalizeName, type PackageMetadata, type SnapshotIndex } from '../core/metadata/types';

/** metadata/ beside the running bundle (dist/../metadata), or beside src/ when run from source. */
export function defaultMetadataDir(): string {
  // A private snapshot (or a test's) in place of the bundled one.
  if (process.env.ML_PINS_METADATA_DIR) return process.env.ML_PINS_METADATA_DIR;
  const here = __dirname;
  const candidates = [join(here, '..', 'metadata'), join(here, '..', '..', 'metadata')];
  return candidates.find((d) => existsSync(join(d, 'snapshot.json'))) ?? candidates[0];
}

const MAX_FILE = 32 << 20;

function readJson<T>(file: string): T | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_FILE) return undefined;
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export class NodeMetadata implements MetadataProvider {
  private index?: SnapshotIndex | null;
  private readonly cache = new Map<string, PackageMetadata | undefined>();

  constructor(readonly dir: string = defaultMetadataDir()) {}

  /** snapshot.json, read on first need. */
  snapshot(): SnapshotIndex | undefined {
    if (this.index === undefined) this.index = readJson<SnapshotIndex>(join(this.dir, 'snapshot.json')) ?? null;
    return this.index ?? undefined;
  }

  get snapshotDate(): string | undefined {
    return this.snapshot()?.snapshot_date;
  }

  get(name: string): PackageMetadata | undefined {
    const n = normalizeName(name);
    if (this.cache.has(n)) return this.cache.get(n);
    const index = this.snapshot();
    // Only names the index lists are read: an arbitrary requirement name never becomes a path.
    const pkg = index && Object.prototype.hasOwnProperty.call(index.packages, n) && /^[a-z0-9][a-z0-9-]*$/.test(n)
      ? readJson<unknown>(join(this.dir, 'packages', `${n}.json`)) : undefined;
    const ok = validPackage(pkg, n) ? pkg : undefined;
    this.cache.set(n, ok);
    return ok;
  }

  /** Every package the snapshot lists. */
  names(): string[] {
    return Object.keys(this.snapshot()?.packages ?? {});
  }
}

let shared: NodeMetadata | undefined;
/** The bundled snapshot, one instance per process. */
export function bundledMetadata(): NodeMetadata {
  return (shared ??= new NodeMetadata());
}
