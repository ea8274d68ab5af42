// `ml-pins metadata <name> [--format json]`: what the snapshot knows about a package (docs/metadata.md).
import { expandEntries, provingWheels, pythonsOf, sparseNewer, unknownNewer } from '../core/metadata/provider';
import { normalizeName, type PackageMetadata, type WheelSummary } from '../core/metadata/types';
import type { NodeMetadata } from '../node/metadata';

export interface MetadataJson {
  name: string;
  snapshot_date: string;
  complete_through: string;
  /** Every release from this one to `complete_through` is listed; an older one not listed is unknown. null: all are. */
  complete_from: string | null;
  registry_newest: string | null;
  /** Releases newer than `complete_through` exist (the registry lists them) and are unknown, except those listed sparse. */
  unknown_releases: { newer_than: string; registry_newest: string } | null;
  /** Releases newer than `complete_through` that sparse entries list; the versions between them stay unknown. */
  sparse_newer: string[];
  releases: {
    version: string;
    requires_python: string | null;
    requires_dist: string[] | null;
    /** requires_dist holds some of the release's requirements only. */
    requires_dist_partial?: true;
    /** Requirements it declares that PEP 508 rejects: pip 24.1 and later ignore the release. */
    requires_dist_invalid?: string[];
    /** Listed alone (from a mirror holding some releases only): says nothing of the releases next to it. */
    sparse?: true;
    /** false, the yank reason ("" when none was given), or true: yanked, the reason not known. */
    yanked: boolean | string;
    source: string;
    /** The CPythons the release can install on, as far as is known: what its wheels prove, else what Requires-Python
     *  admits (the Python-support rule reports only outside it). null: neither is known. */
    python: string[] | null;
    wheels?: WheelSummary;
    variants?: Record<string, string>;
  }[];
}

export function metadataJson(pkg: PackageMetadata): MetadataJson {
  const newer = unknownNewer(pkg);
  return {
    name: pkg.name,
    snapshot_date: pkg.snapshot_date,
    complete_through: pkg.complete_through,
    complete_from: pkg.complete_from ?? null,
    registry_newest: pkg.registry_newest ?? null,
    unknown_releases: newer ? { newer_than: pkg.complete_through, registry_newest: newer } : null,
    sparse_newer: sparseNewer(pkg),
    releases: expandEntries(pkg).map((r) => ({
      version: r.version,
      requires_python: r.requires_python ?? null,
      requires_dist: r.requires_dist ?? null,
      yanked: r.yanked ?? false,
      source: r.source,
      ...(r.requires_dist_partial ? { requires_dist_partial: true as const } : {}),
      ...(r.requires_dist_invalid?.length ? { requires_dist_invalid: r.requires_dist_invalid } : {}),
      ...(r.sparse ? { sparse: true as const } : {}),
      python: pythonsOf(r) ?? null,
      ...(r.wheels ? { wheels: r.wheels } : {}),
      ...(r.variants ? { variants: r.variants } : {}),
    })),
  };
}

function range(items: string[]): string {
  return items.length > 2 ? `${items[0]}–${items[items.length - 1]}` : items.join(', ');
}

/** Where a release installs, said as a fact only when its wheels prove it (a pure wheel, or a listing that proves the
 *  absences). A listing that proves nothing is a lower bound: the Pythons it shows, and no claim about the others. */
function pythonFact(r: MetadataJson['releases'][number]): string | undefined {
  if (r.wheels && !r.wheels.pure && !provingWheels(r)) {
    return r.wheels.python.length ? `wheels seen for CPython ${r.wheels.python.join(', ')} (others not known)` : undefined;
  }
  if (!r.python) return undefined;
  if (!r.wheels) return undefined; // Requires-Python, said beside it, is all that is known
  return r.python.length ? `installs on CPython ${range(r.python)}` : 'installs on no current CPython';
}

export function metadataText(pkg: PackageMetadata): string {
  const j = metadataJson(pkg);
  const lines = [`${j.name}: ${j.releases.length} release${j.releases.length === 1 ? '' : 's'} known, through ${j.complete_through} (metadata snapshot of ${j.snapshot_date})`];
  for (const r of j.releases) {
    const facts = [
      r.requires_python === null ? 'Requires-Python unknown' : r.requires_python === '' ? 'no Requires-Python' : `Requires-Python ${r.requires_python}`,
      pythonFact(r),
      r.yanked === true ? 'yanked (reason not known)' : r.yanked !== false ? `yanked${r.yanked ? `: ${r.yanked}` : ''}` : undefined,
    ].filter(Boolean);
    lines.push('', `${r.version}  ${facts.join('; ')}`);
    if (r.sparse) lines.push('  listed alone: says nothing about the releases next to it');
    lines.push(r.requires_dist === null ? '  requires: unknown' : r.requires_dist.length
      ? `  requires: ${r.requires_dist.join(', ')}${r.requires_dist_partial ? ' (and more not known here)' : ''}` : '  requires: nothing');
    if (r.requires_dist_invalid?.length) lines.push(`  invalid metadata: ${r.requires_dist_invalid.join(', ')} (not PEP 508: pip 24.1 and later ignore this release)`);
    if (r.variants) lines.push(`  builds: ${Object.entries(r.variants).map(([l, u]) => `+${l} (${u})`).join(', ')}`);
    lines.push(`  source: ${r.source}`);
  }
  if (j.complete_from) {
    lines.push('', `unknown: the snapshot lists some releases only; one before ${j.complete_from} that it does not list is unknown (not taken not to exist), and no finding is built on it.`);
  }
  if (j.unknown_releases) {
    const except = j.sparse_newer.length ? ` (except ${j.sparse_newer.join(', ')}, listed alone)` : '';
    lines.push('', `unknown: the registry lists releases up to ${j.unknown_releases.registry_newest}; those after ${j.complete_through}${except} are newer than the knowledge snapshot (${j.snapshot_date}), and no finding is built on them.`);
  } else if (j.sparse_newer.length) {
    lines.push('', `unknown: a release after ${j.complete_through} other than ${j.sparse_newer.join(', ')} (listed alone) is not known, and no finding is built on it.`);
  }
  return lines.join('\n');
}

/** Prints one package, or the list of covered packages without a name. Returns the exit code. */
export function metadataCommand(provider: NodeMetadata, name: string | undefined, format: string, write: (s: string) => void): number {
  if (!name) {
    const index = provider.snapshot();
    if (!index) { write('No metadata snapshot is installed.\n'); return 1; }
    const rows = Object.entries(index.packages);
    if (format === 'json') write(`${JSON.stringify({ snapshot_date: index.snapshot_date, packages: index.packages }, null, 2)}\n`);
    else write(`${[`metadata snapshot of ${index.snapshot_date}: ${rows.length} packages`, ...rows.map(([n, r]) => `${n.padEnd(32)} ${String(r.releases).padStart(5)} releases through ${r.complete_through}${r.sparse ? ` (+${r.sparse} listed alone)` : ''}${r.registry_newest && r.registry_newest !== r.complete_through ? ` (registry: ${r.registry_newest})` : ''}`)].join('\n')}\n`);
    return 0;
  }
  const pkg = provider.get(normalizeName(name));
  if (!pkg) {
    write(format === 'json' ? `${JSON.stringify({ name: normalizeName(name), snapshot_date: provider.snapshotDate ?? null, releases: null })}\n`
      : `${normalizeName(name)}: not in the metadata snapshot${provider.snapshotDate ? ` of ${provider.snapshotDate}` : ''}; ML Pins knows nothing it declares.\n`);
    return 1;
  }
  write(`${format === 'json' ? JSON.stringify(metadataJson(pkg), null, 2) : metadataText(pkg)}\n`);
  return 0;
}
