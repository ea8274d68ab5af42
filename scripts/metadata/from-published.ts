// Fills metadata/ from published metadata files kept in git repositories that store what was uploaded to the registry
// (the pypi-data mirrors hold each upload unpacked: `packages/<name>/<wheel or sdist>/…/METADATA`, an sdist's PKG-INFO
// and its egg-info `requires.txt`). The files are read from a local copy laid out as
//   <dir>/<owner>+<repo>@<commit>/<path in that repository>
// so that each release's `source` is `<owner>/<repo>@<commit>:<path>`:
//   npm run metadata:from-published -- <dir> [--base-only] [--wheels-only] [--out <metadata dir>] [--registry-newest name=X,...]
//                                       [--listing <file.json>]
// Such a store holds some releases only: the records merge as sparse entries (snapshot.ts mergeSparse), and a release
// the snapshot already lists must agree with them. `--base-only` reads the base requirements only (a requires.txt's
// lines before its first section and those of its marker-only sections; a core metadata file's lines without an
// `extra ==` marker): the release's extras stay unknown (`requires_dist_partial`). A local copy may hold only the parts the generator reads (a core metadata file's header
// fields, a requires.txt's base requirements); the provenance names the whole file in its repository. Every wheel
// folder (`packages/<name>/<wheel file name>/…`, any file under it, empty files too) also counts as a listed wheel: the
// wheel file names of a release, across repositories and commits, give its wheel summary (wheel-listing.ts).
// `--wheels-only` writes the wheel summaries alone: a METADATA is then evidence for the listing, not a row's source.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseVersion } from '../../src/core/pep440';
import { keptRequirements, parseCoreMetadata, parseDistFilename } from '../../src/core/metadata/index-formats';
import type { ReleaseRecord } from '../../src/core/metadata/types';
import { normalizeName } from '../../src/core/metadata/types';
import { byVersion, DEFAULT_METADATA_DIR, mergeSparse, type SparseMergeResult } from './snapshot';
import { listedWheel, listingSource, storePath, summaryFromListing, type ListedWheel } from './wheel-listing';

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
  const at = storePath(root, file);
  if (!at) return undefined;
  const { parts } = at;
  const kind = parts[parts.length - 1] as Kind;
  if (parts[0] !== 'packages' || parts.length < 4 || !['METADATA', 'PKG-INFO', 'requires.txt'].includes(kind)) return undefined;
  const project = normalizeName(parts[1]);
  const dist = parseDistFilename(parts[2], project);
  if (!dist || dist.local) return undefined;
  return { project, version: dist.publicVersion, kind, wheel: !!dist.wheel, source: `${at.repo}@${at.commit}:${parts.join('/')}` };
}

function walk(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The wheels the store under `root` holds files of, for `project` (all projects when omitted); one per repository,
 *  commit and wheel file name. */
export function readWheelListing(root: string, project?: string): ListedWheel[] {
  const want = project === undefined ? undefined : normalizeName(project);
  const seen = new Map<string, ListedWheel>();
  for (const file of walk(root)) {
    const at = storePath(root, file);
    const w = at && listedWheel(at);
    if (w && (!want || w.project === want)) seen.set(`${w.repo}@${w.commit}/${w.filename}`, w);
  }
  return [...seen.values()];
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
export function recordsFromPublished(files: readonly PublishedFile[], o: { baseOnly?: boolean; wheelsOnly?: boolean } = {}, wheels: readonly ListedWheel[] = []): ReleaseRecord[] {
  const byRelease = new Map<string, { files: PublishedFile[]; wheels: ListedWheel[] }>();
  const at = (project: string, version: string) => {
    const key = `${project} ${parseVersion(version)!.toString()}`;
    const got = byRelease.get(key) ?? { files: [], wheels: [] };
    byRelease.set(key, got);
    return got;
  };
  for (const f of files) at(f.project, f.version).files.push(f);
  for (const w of wheels) at(w.project, w.version).wheels.push(w);
  const records: ReleaseRecord[] = [];
  for (const { files: group, wheels: listed } of byRelease.values()) {
    // The release's own METADATA (any wheel's: they agree) is what its wheel listing is checked against.
    const evidence = group.find((f) => f.wheel && f.kind === 'METADATA');
    const summary = listed.length ? summaryFromListing(uniqueDists(listed), evidence?.text) : undefined;
    // `wheelsOnly`: the METADATA is evidence for the listing only (another source writes the release's
    // Requires-Python and Requires-Dist).
    if (!group.length || o.wheelsOnly) {
      const source = [listingSource(listed), ...(evidence ? [`checked against ${evidence.source}`] : [])].join('; ');
      if (summary) records.push({ version: listed[0].version, wheels: summary, sparse: true, source });
      continue;
    }
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
      ...(summary ? { wheels: summary } : {}),
      sparse: true,
      source: [...sources, ...(summary ? [listingSource(listed)] : [])].join('; '),
    });
  }
  return records.sort(byVersion);
}

/** One DistFile per wheel file name (a wheel listed in two repositories or at two commits is one wheel). */
function uniqueDists(wheels: readonly ListedWheel[]) {
  return [...new Map(wheels.map((w) => [w.filename, w.dist])).values()];
}

/**
 * What no metadata file states, for one package: that releases exist (and which are yanked), each with the source
 * that says so, and, from `complete_from` to `complete_through`, that these are all its releases. The file that
 * `--listing` names maps package names to this.
 */
export interface ReleaseListing {
  complete_from: string;
  complete_through: string;
  releases: { version: string; yanked?: boolean | string; source: string }[];
}

/** A listing's releases as records (existence and yank only: their requirements stay unknown); bad input throws. */
export function listingRecords(name: string, listing: ReleaseListing): ReleaseRecord[] {
  if (!listing || !Array.isArray(listing.releases) || !parseVersion(String(listing.complete_from)) || !parseVersion(String(listing.complete_through))) {
    throw new Error(`${name}: a listing needs complete_from, complete_through and releases`);
  }
  return listing.releases.map((r) => {
    if (!r || !parseVersion(String(r.version)) || typeof r.source !== 'string' || !r.source.trim()
      || !(r.yanked === undefined || typeof r.yanked === 'boolean' || typeof r.yanked === 'string')) {
      throw new Error(`${name}: a listed release needs a version, a source and at most a yank (${JSON.stringify(r)})`);
    }
    return { version: r.version, ...(r.yanked !== undefined && r.yanked !== false ? { yanked: r.yanked } : {}), sparse: true as const, source: r.source };
  });
}

/** Reads the published files and listed wheels of `project` under `root` and merges them as sparse entries; with a listing, its
 *  releases join them and the releases from its `complete_from` to its `complete_through` are the complete listing. */
export function updateFromPublished(root: string, project: string, o: { baseOnly?: boolean; wheelsOnly?: boolean; out?: string; snapshotDate?: string; registryNewest?: string; listing?: ReleaseListing } = {}): SparseMergeResult {
  const published = recordsFromPublished(readPublishedFiles(root, project), o, readWheelListing(root, project));
  const listed = o.listing ? listingRecords(normalizeName(project), o.listing) : [];
  const read = new Set(published.map((r) => parseVersion(r.version)!.toString()));
  const twice = listed.filter((r) => read.has(parseVersion(r.version)!.toString()));
  if (twice.length) throw new Error(`${normalizeName(project)}: ${twice.map((r) => r.version).join(', ')} both listed and read from a published file`);
  const records = [...published, ...listed];
  if (!records.length) throw new Error(`${normalizeName(project)}: no published file of it under ${root}`);
  return mergeSparse(project, records, {
    dir: o.out ?? DEFAULT_METADATA_DIR, snapshotDate: o.snapshotDate, registryNewest: o.registryNewest,
    ...(o.listing ? { listing: { from: o.listing.complete_from, through: o.listing.complete_through } } : {}),
  });
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'base-only': { type: 'boolean' }, 'wheels-only': { type: 'boolean' }, out: { type: 'string' }, 'snapshot-date': { type: 'string' }, 'registry-newest': { type: 'string' }, listing: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    console.error('usage: metadata:from-published -- <dir> [--base-only] [--wheels-only] [--out <metadata dir>] [--snapshot-date YYYY-MM-DD] [--registry-newest name=X,...] [--listing <file.json>]');
    process.exit(2);
  }
  const registryNewest = Object.fromEntries((values['registry-newest'] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=', 2)));
  const listings = values.listing ? JSON.parse(readFileSync(values.listing, 'utf8')) as Record<string, ReleaseListing> : {};
  const projects = [...new Set([...readPublishedFiles(positionals[0]), ...readWheelListing(positionals[0])].map((f) => f.project).concat(Object.keys(listings).map(normalizeName)))].sort();
  const listingOf = (p: string) => Object.entries(listings).find(([n]) => normalizeName(n) === p)?.[1];
  let failed = false;
  for (const project of projects) {
    try {
      const got = updateFromPublished(positionals[0], project, {
        baseOnly: values['base-only'], wheelsOnly: values['wheels-only'], out: values.out, snapshotDate: values['snapshot-date'], registryNewest: registryNewest[project],
        ...(listingOf(project) ? { listing: listingOf(project) } : {}),
      });
      console.log(`${project}: added ${got.added.join(', ') || 'nothing'}; agrees with the snapshot on ${got.confirmed.join(', ') || 'no release it already held'}${got.wheelsAdded.length ? `; wheel summaries added to ${got.wheelsAdded.join(', ')}` : ''}`);
    } catch (e) {
      failed = true;
      console.error(e instanceof Error ? e.message : e);
    }
  }
  if (failed) process.exit(1);
}

if (require.main === module) main();
