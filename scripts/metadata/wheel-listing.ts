// Wheel summaries from the wheel file names a published-files store lists (docs/metadata.md, "Wheel summaries from
// a store's listing"). The pypi-data repositories unpack each wheel under `packages/<name>/<wheel file name>/…`, so any
// file under such a folder names a wheel that was uploaded; a local copy may hold empty files at those paths. What a
// store shows may be a sample (the search index keeps some files of each repository): a CPython with no wheel in it
// may still have wheels, so the summary says which absences it proves (`absence`), and proves one only when the listing
// is dense and the release's own METADATA does not contradict it.
import { relative, sep } from 'node:path';
import { coreMetadataFields } from '../../src/core/metadata/core-metadata';
import { parseDistFilename, summarizeWheels, type DistFile } from '../../src/core/metadata/index-formats';
import type { WheelSummary } from '../../src/core/metadata/types';
import { normalizeName } from '../../src/core/metadata/types';
import { VersionSet } from '../../src/core/pep440/intervals';

/** One folder of a local store: `<owner>+<repo>@<commit>`, and the path below it. */
export interface StorePath {
  repo: string;
  commit: string;
  /** The path inside the repository, split on `/`. */
  parts: string[];
}

/** `<dir>/<owner>+<repo>@<commit>/<path>` → the repository, commit and path; undefined for any other file. */
export function storePath(root: string, file: string): StorePath | undefined {
  const parts = relative(root, file).split(sep);
  const store = /^([^+/]+)\+([^@/]+)@([0-9a-f]{7,40})$/.exec(parts[0] ?? '');
  return store ? { repo: `${store[1]}/${store[2]}`, commit: store[3], parts: parts.slice(1) } : undefined;
}

/** A wheel the store holds files of. */
export interface ListedWheel {
  project: string;
  /** The project's folder as the store names it. */
  dir: string;
  /** The public version (a local build, `+cpu`, is not listed). */
  version: string;
  filename: string;
  dist: DistFile;
  repo: string;
  commit: string;
}

/** The wheel a file of the store lies under (`packages/<project>/<wheel file name>/…`), if any. */
export function listedWheel(at: StorePath): ListedWheel | undefined {
  const [top, dir, filename] = at.parts;
  if (top !== 'packages' || at.parts.length < 4 || !dir || !filename?.endsWith('.whl')) return undefined;
  const project = normalizeName(dir);
  const dist = parseDistFilename(filename, project);
  if (!dist?.wheel || dist.local) return undefined;
  return { project, dir, version: dist.publicVersion, filename, dist, repo: at.repo, commit: at.commit };
}

/** Fewer platforms than this per CPython is too thin a listing to tell a missing wheel from a missing file. */
const MIN_PLATFORMS = 3;
const MACOS_ARM64 = /^macosx_\d+_\d+_arm64$/;

/** `Programming Language :: Python :: 3.11` classifiers as minor numbers. */
function classifierMinors(fields: Map<string, string[]>): number[] {
  return (fields.get('classifier') ?? [])
    .map((c) => /^Programming Language :: Python :: 3\.(\d+)$/.exec(c.trim()))
    .filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1]));
}

/** The oldest CPython minor (3.6 on) a Requires-Python admits; undefined when it admits any or does not parse. */
function requiresPythonFloor(rp: string | undefined): number | undefined {
  if (!rp) return undefined;
  const set = VersionSet.fromSpecifierSet(rp);
  const admits = (m: number) => set.intersects(VersionSet.fromSpecifierSet(`==3.${m}.*`));
  if (admits(5)) return undefined;
  for (let m = 6; m <= 20; m++) if (admits(m)) return m;
  return undefined;
}

/**
 * The wheels of one release as a summary, with the absences the listing proves:
 * - dense: every CPython listed has wheels for the same platform tags as the newest one, at least MIN_PLATFORMS of them,
 *   and two or more CPythons are listed (free-threaded `cp313t` builds are left out of this comparison, and so is macOS
 *   arm64 for CPython 3.7 and older, which has no such build); a sample that missed one CPython's every file while
 *   missing none of the others' is unlikely;
 * - the newer absences: dense, and the release's METADATA (when the store holds one) names CPython classifiers, none
 *   newer than the newest listed, and has no Requires-Python that excludes it; without such METADATA nothing is proven;
 * - the older absences too: besides, its Requires-Python admits no CPython older than the oldest listed and no
 *   classifier names one.
 * A pure or abi3 wheel speaks for later Pythons whatever the listing shows.
 */
export function summaryFromListing(wheels: readonly DistFile[], metadata?: string): WheelSummary | undefined {
  const summary = summarizeWheels([...wheels]);
  if (!summary) return undefined;
  const platformsOf = new Map<number, Set<string>>();
  for (const w of wheels) {
    const { python, abi, platform } = w.wheel!;
    if (abi.some((a) => /^cp3\d+t$/.test(a))) continue;
    for (const p of python) {
      const m = /^cp3(\d+)$/.exec(p);
      if (m) platformsOf.set(Number(m[1]), (platformsOf.get(Number(m[1])) ?? new Set()).add(platform.join('.')));
    }
  }
  const minors = [...platformsOf.keys()].sort((a, b) => a - b);
  const newest = minors[minors.length - 1];
  const oldest = minors[0];
  // The newest CPython's platforms are what every other one must show; CPython 3.7 and older have no macOS arm64 build.
  const key = (m: number, tags: Set<string>) => [...tags].filter((t) => m > 7 || !MACOS_ARM64.test(t)).sort().join(' ');
  const expected = minors.length ? platformsOf.get(newest)! : new Set<string>();
  const dense = minors.length >= 2 && expected.size >= MIN_PLATFORMS && minors.every((m) => key(m, platformsOf.get(m)!) === key(m, expected));
  const fields = metadata === undefined ? undefined : coreMetadataFields(metadata);
  const classifiers = fields ? classifierMinors(fields) : [];
  const rp = fields?.get('requires-python')?.[0];
  const rpAdmitsNewest = !rp || VersionSet.fromSpecifierSet(rp).intersects(VersionSet.fromSpecifierSet(`==3.${newest}.*`));
  const newerProven = dense && classifiers.length > 0 && rpAdmitsNewest && classifiers.every((m) => m <= newest);
  if (!newerProven) return { ...summary, absence: 'none' };
  const olderProven = requiresPythonFloor(rp) === oldest && classifiers.every((m) => m >= oldest);
  return olderProven ? summary : { ...summary, absence: 'newer' };
}

/** Where a release's wheel file names were seen: per repository, its commits and how many wheels. */
export function listingSource(wheels: readonly ListedWheel[]): string {
  const byRepo = new Map<string, { commits: Set<string>; names: Set<string>; dir: string }>();
  for (const w of wheels) {
    const r = byRepo.get(w.repo) ?? { commits: new Set(), names: new Set(), dir: w.dir };
    r.commits.add(w.commit);
    r.names.add(w.filename);
    byRepo.set(w.repo, r);
  }
  return [...byRepo].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([repo, r]) =>
    `${repo}@${[...r.commits].sort().join(',')}:packages/${r.dir}/ (${r.names.size} wheel file name${r.names.size === 1 ? '' : 's'} of ${wheels[0].version})`).join('; ');
}
