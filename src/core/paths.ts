// Paths as the engine sees them: '/'-separated and absolute (the CLI and the server convert at their edges).
// The manifest parsers, which also meet Windows paths written inside files, keep their own.

/** The last segment: `/p/requirements.txt` -> `requirements.txt`. */
export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Everything before the last '/': `/p/requirements.txt` -> `/p`; '' when there is none. */
export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Folders never searched for manifests: version control, dependencies, virtual environments, caches, our own state
 *  (they hold other projects' pins). The CLI's search, the server's scan and the extension's file search skip them. */
export const SKIPPED_FOLDERS: readonly string[] = [
  '.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', 'site-packages', '__pycache__', '.tox', '.nox',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', '.ml-pins',
];

const SKIPPED = new Set(SKIPPED_FOLDERS);

/** A path with a skipped folder among its segments. */
export function inSkippedFolder(path: string): boolean {
  return path.split('/').slice(0, -1).some((segment) => SKIPPED.has(segment));
}
