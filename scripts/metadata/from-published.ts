// Fills metadata/ from published metadata files kept in git repositories that store what was uploaded to the registry
// (the pypi-data mirrors hold each upload unpacked: `packages/<name>/<wheel or sdist>/…/METADATA`, an sdist's PKG-INFO
// and its egg-info `requires.txt`). The files are read from a local copy laid out as
//   <dir>/<owner>+<repo>@<commit>/<path in that repository>
// so that each release's `source` is `<owner>/<repo>@<commit>:<path>`:
//   npm run metadata:from-published -- <dir> [--base-only] [--out <metadata dir>] [--registry-newest name=X,...]
// Such a store holds some releases only: the records merge as sparse entries (snapshot.ts mergeSparse), and a release
// the snapshot already lists must agree with them. `--base-only` reads the base requirements only (a requires.txt's
// lines before its first section and those of its marker-only sections; a core metadata file's lines without an
// `extra ==` marker): the release's extras stay unknown (`requires_dist_partial`). A local copy may hold only the parts the generator reads (a core metadata file's header
// fields, a requires.txt's base requirements); the provenance names the whole file in its repository.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { parseVersion } from '../../src/core/pep440';
import { keptRequirements, parseCoreMetadata, parseDistFilename } from '../../src/core/metadata/index-formats';
import type { ReleaseRecord } from '../../src/core/metadata/types';
import { normalizeName } from '../../src/core/metadata/types';
import { byVersion, DEFAULT_METADATA_DIR, mergeSparse, type SparseMergeResult } from './snapshot';

/** The kinds of published file read, by file name. */
type Kind = 'METADATA' | 'PKG-INFO' | 'requires.txt';

/** One published file: which project and release it belongs to and where it came from. */
export interface PublishedFile {
  project: string;
  version: string;
  kind: Kind;
  /** A wheel's METADATA (the registry serves it as the release's core metadata), else an sdist's file. */
  wheel: boolean;
  source: string;
  text: string;
}

/**
 * setuptools' requires.txt as PEP 508 lines: the lines before the first section are the base requirements; a
 * `[extra]`, `[:marker]` or `[extra:marker]` section adds the extra's condition, the marker, or both. `baseOnly`
 * keeps the base requirements only: those before the first section and those of marker-only sections.
 */
export function parseRequiresTxt(text: string, baseOnly = false): string[] {
  const out: string[] = [];
  let condition: string | undefined;
  let skip = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const section = /^\[([^\]:]*)(?::(.*))?\]$/.exec(line);
    if (section) {
      const extra = section[1].trim();
      skip = baseOnly && !!extra;
      const marker = section[2]?.trim();
      const parts = [marker ? (extra ? `(${marker})` : marker) : '', extra ? `extra == "${extra}"` : ''].filter(Boolean);
      condition = parts.join(' and ') || undefined;
      continue;
    }
    if (!skip) out.push(condition ? `${line}; ${condition}` : line);
  }
  return out;
}

/** `<owner>+<repo>@<commit>/packages/<project>/<dist file>/…/<kind>` → the file's project, release and provenance. */
export function describePublished(root: string, file: string): Omit<PublishedFile, 'text'> | undefined {
  const parts = relative(root, file).split(sep);
  const store = /^([^+/]+)\+([^@/]+)@([0-9a-f]{7,40})$/.exec(parts[0] ?? '');
  const kind = parts[parts.length - 1] as Kind;
  if (!store || parts[1] !== 'packages' || parts.length < 5 || !['METADATA', 'PKG-INFO', 'requires.txt'].includes(kind)) return undefined;
  const project = normalizeName(parts[2]);
  const dist = parseDistFilename(parts[3], project);
  if (!dist || dist.local) return undefined;
  return {
    project, version: dist.publicVersion, kind, wheel: !!dist.wheel,
    source: `${store[1]}/${store[2]}@${store[3]}:${parts.slice(1).join('/')}`,
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The published files under `root`, for `project` (all projects when omitted). */
export function readPublishedFiles(root: string, project?: string): PublishedFile[] {
  const want = project === undefined ? undefined : normalizeName(project);
  return walk(root).flatMap((file) => {
    const d = describePublished(root, file);
    return d && (!want || d.project === want) ? [{ ...d, text: readFileSync(file, 'utf8') }] : [];
  });
}

/**
 * One record per release from its published files. A wheel's METADATA gives Requires-Python and the whole
 * Requires-Dist; an sdist's PKG-INFO gives Requires-Python (and Requires-Dist when it states any); its requires.txt gives
 * Requires-Dist. With `baseOnly` only the base requirements are read (the extras stay unknown). Files of one release
 * must agree.
 */
export function recordsFromPublished(files: readonly PublishedFile[], o: { baseOnly?: boolean } = {}): ReleaseRecord[] {
  const byRelease = new Map<string, PublishedFile[]>();
  for (const f of files) {
    const key = `${f.project} ${parseVersion(f.version)!.toString()}`;
    byRelease.set(key, [...(byRelease.get(key) ?? []), f]);
  }
  const records: ReleaseRecord[] = [];
  for (const group of byRelease.values()) {
    const { version } = group[0];
    let requiresPython: string | undefined;
    let requiresDist: string[] | undefined;
    let partial = false;
    const sources: string[] = [];
    const take = (python: string | undefined, dist: string[] | undefined, isPartial: boolean, source: string) => {
      if (python !== undefined) {
        if (requiresPython !== undefined && requiresPython !== python) throw new Error(`${group[0].project} ${version}: Requires-Python ${JSON.stringify(requiresPython)} and ${JSON.stringify(python)} (${source})`);
        requiresPython = python;
      }
      // A whole list wins over a partial one; two whole (or two partial) lists must be the same lines.
      if (dist !== undefined && (requiresDist === undefined || (partial && !isPartial))) { requiresDist = dist; partial = isPartial; }
      else if (dist !== undefined && isPartial === partial && [...dist].sort().join('\n') !== [...requiresDist!].sort().join('\n')) {
        throw new Error(`${group[0].project} ${version}: ${source} declares other requirements than ${sources.join(', ')}`);
      }
      sources.push(source);
    };
    for (const f of group) {
      if (f.kind === 'requires.txt') {
        take(undefined, keptRequirements(parseRequiresTxt(f.text, o.baseOnly)), !!o.baseOnly, o.baseOnly ? `${f.source} (base requirements; extras not read)` : f.source);
        continue;
      }
      const meta = parseCoreMetadata(f.text);
      if (!meta.name || normalizeName(meta.name) !== f.project || !meta.version || parseVersion(meta.version)?.toString() !== parseVersion(version)!.toString()) {
        throw new Error(`${f.source}: it names ${meta.name} ${meta.version}, not ${f.project} ${version}`);
      }
      // An sdist's PKG-INFO may leave Requires-Dist out (older setuptools, `Dynamic`): only a wheel's absence is "none".
      const stated = f.wheel || meta.requiresDist.length ? keptRequirements(meta.requiresDist) : undefined;
      const dist = stated && o.baseOnly ? stated.filter((l) => !/\bextra\s*==/.test(l)) : stated;
      take(meta.requiresPython ?? '', dist, !!(stated && o.baseOnly), stated && o.baseOnly ? `${f.source} (base requirements; extras not read)` : f.source);
    }
    records.push({
      version,
      ...(requiresPython !== undefined ? { requires_python: requiresPython } : {}),
      ...(requiresDist !== undefined ? { requires_dist: requiresDist } : {}),
      ...(requiresDist !== undefined && partial ? { requires_dist_partial: true as const } : {}),
      sparse: true,
      source: sources.join('; '),
    });
  }
  return records.sort(byVersion);
}

/** Reads the published files of `project` under `root` and merges them as sparse entries. */
export function updateFromPublished(root: string, project: string, o: { baseOnly?: boolean; out?: string; snapshotDate?: string; registryNewest?: string } = {}): SparseMergeResult {
  const records = recordsFromPublished(readPublishedFiles(root, project), o);
  if (!records.length) throw new Error(`${normalizeName(project)}: no published file of it under ${root}`);
  return mergeSparse(project, records, { dir: o.out ?? DEFAULT_METADATA_DIR, snapshotDate: o.snapshotDate, registryNewest: o.registryNewest });
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'base-only': { type: 'boolean' }, out: { type: 'string' }, 'snapshot-date': { type: 'string' }, 'registry-newest': { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error('usage: metadata:from-published -- <dir> [--base-only] [--out <metadata dir>] [--snapshot-date YYYY-MM-DD] [--registry-newest name=X,...]');
    process.exit(2);
  }
  const registryNewest = Object.fromEntries((values['registry-newest'] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=', 2)));
  const projects = [...new Set(readPublishedFiles(positionals[0]).map((f) => f.project))].sort();
  let failed = false;
  for (const project of projects) {
    try {
      const got = updateFromPublished(positionals[0], project, {
        baseOnly: values['base-only'], out: values.out, snapshotDate: values['snapshot-date'], registryNewest: registryNewest[project],
      });
      console.log(`${project}: added ${got.added.join(', ') || 'nothing'}; agrees with the snapshot on ${got.confirmed.join(', ') || 'no release it already held'}`);
    } catch (e) {
      failed = true;
      console.error(e instanceof Error ? e.message : e);
    }
  }
  if (failed) process.exit(1);
}

if (require.main === module) main();
