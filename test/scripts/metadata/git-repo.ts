// Small git repositories with release tags, made by the tests of the from-source extractors.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Revision {
  /** Files to write (path -> text); null deletes the file. */
  files: Record<string, string | null>;
  tags: string[];
  /** Submodule entries (path -> commit), kept in later revisions until changed. */
  gitlinks?: Record<string, string>;
  /** The commit's subject (default "rev"). */
  message?: string;
}

const made: string[] = [];

export function makeRepo(revisions: Revision[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-src-'));
  made.push(dir);
  const git = (...args: string[]) => execFileSync('git', args, {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  git('init', '-q', '-b', 'main');
  const links: Record<string, string> = {};
  for (const rev of revisions) {
    for (const [path, text] of Object.entries(rev.files)) {
      const full = join(dir, path);
      if (text === null) rmSync(full, { force: true });
      else { mkdirSync(dirname(full), { recursive: true }); writeFileSync(full, text); }
    }
    git('add', '-A');
    Object.assign(links, rev.gitlinks ?? {});
    for (const [path, commit] of Object.entries(links)) git('update-index', '--add', '--cacheinfo', `160000,${commit},${path}`);
    git('commit', '-q', '--allow-empty', '-m', rev.message ?? 'rev');
    for (const tag of rev.tags) git('tag', tag);
  }
  return dir;
}

export function removeRepos(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Python source text from lines (keeps test files readable). */
export const py = (...lines: string[]) => `${lines.join('\n')}\n`;
