// Fills metadata/ from a package's repository at its release tags:
//   npm run metadata:from-source -- --repo <git dir> --package <name> [--out <metadata dir>] [--registry-newest X]
// The repository is a bare or normal git directory (a mirror made with git clone --mirror, or a fetched snapshot).
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { PackageMetadata, ReleaseRecord } from '../../src/core/metadata/types';
import { normalizeName } from '../../src/core/metadata/types';
import type { RepoView, SourceExtractor, TagContext } from './extractor';
import { byVersion, DEFAULT_METADATA_DIR, mergeReleases, type MergeOptions } from './snapshot';

function git(repo: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

export function gitDir(repo: string): string {
  const inner = git(`${repo}/.git`, ['rev-parse', '--git-dir']);
  return inner ? `${repo}/.git` : repo;
}

/** What an extractor reads of one release: the tree at `commit`, cited as `repository@ref:path` (`ref`: the tag, or
 *  the commit of an untagged release). */
function contextAt(repo: string, repository: string, ref: string, commit: string, version: string, versionEvidence?: string): TagContext {
  return {
    tag: ref, version, commit, versionEvidence,
    show: (path) => git(repo, ['show', `${commit}:${path}`]),
    ls: (dir) => (git(repo, ['ls-tree', '--name-only', `${commit}:${dir}`]) ?? '').split('\n').filter(Boolean),
    cite: (path) => `${repository}@${ref}:${path}`,
  };
}

/** Runs an extractor over every tag of `repo`, returning one record per release it recognised. */
export function extractFromRepo(extractor: SourceExtractor, repoPath: string): ReleaseRecord[] {
  const repo = gitDir(repoPath);
  const tags = (git(repo, ['tag', '--list']) ?? '').split('\n').filter(Boolean);
  const byVersion = new Map<string, ReleaseRecord>();
  const view: RepoView = {
    gitlink: (rev, path) => /^160000 commit ([0-9a-f]{40})\t/.exec(git(repo, ['ls-tree', rev, '--', path]) ?? '')?.[1],
    history: (rev, path) => (git(repo, ['log', '--reverse', '--format=%H', rev, '--', path]) ?? '').split('\n').filter(Boolean),
    subject: (commit) => (git(repo, ['log', '-1', '--format=%s', commit]) ?? '').trim(),
  };
  for (const tag of tags) {
    const read = extractor.versionFrom ? extractor.versionFrom(tag, view) : undefined;
    const version = extractor.versionFrom ? read?.version : extractor.version(tag);
    if (!version) continue;
    const commit = git(repo, ['rev-list', '-n', '1', tag])?.trim();
    if (!commit) continue;
    const record = extractor.extract(contextAt(repo, extractor.repository, tag, commit, version, read?.evidence));
    if (record && !byVersion.has(version)) byVersion.set(version, { version, ...record });
  }
  for (const { version, commit: ref, evidence } of extractor.untagged ?? []) {
    const commit = git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])?.trim();
    if (!commit || byVersion.has(version)) continue;
    const record = extractor.extract(contextAt(repo, extractor.repository, commit, commit, version, evidence));
    if (record) byVersion.set(version, { version, ...record, source: `${record.source} (untagged release: ${evidence})` });
  }
  for (const { version, yanked, evidence } of extractor.known ?? []) {
    if (!byVersion.has(version)) byVersion.set(version, { version, source: evidence, ...(yanked ? { yanked: true } : {}) });
  }
  return [...byVersion.values()];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      repo: { type: 'string' }, package: { type: 'string' }, out: { type: 'string' },
      'registry-newest': { type: 'string' }, 'snapshot-date': { type: 'string' },
    },
  });
  if (!values.repo || !values.package) {
    console.error('usage: from-source --repo <git dir> --package <name> [--out <metadata dir>] [--registry-newest X]');
    process.exit(2);
  }
  const name = normalizeName(values.package);
  const extractor = (await import(`./extractors/${name}.ts`)).default as SourceExtractor;
  const written = writeFromRepo(extractor, values.repo, {
    dir: values.out ?? DEFAULT_METADATA_DIR, registryNewest: values['registry-newest'], snapshotDate: values['snapshot-date'],
  });
  if (!written) {
    console.error(`no release of ${name} recognised in ${values.repo}`);
    process.exit(1);
  }
  console.log(`${name}: ${written.records} releases from ${extractor.repository}, ${written.pkg.releases.length} entries, through ${written.pkg.complete_through}`);
}

/** Extracts the releases of `repoPath` and merges them into the package's file, with the completeness the extractor
 *  states (a partial listing: from its newest release; `completeFrom`: from that release). */
export function writeFromRepo(extractor: SourceExtractor, repoPath: string, options: Omit<MergeOptions, 'completeFrom'>): { pkg: PackageMetadata; records: number } | undefined {
  const records = extractFromRepo(extractor, repoPath);
  if (!records.length) return undefined;
  const newest = [...records].sort(byVersion)[records.length - 1].version;
  const completeFrom = extractor.partial ? newest : extractor.completeFrom;
  const pkg = mergeReleases(extractor.package, records, { ...options, ...(completeFrom ? { completeFrom } : {}) });
  return { pkg, records: records.length };
}

if (require.main === module) main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(2); });
