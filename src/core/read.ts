// Why a file the engine asked for was not read. The reader the caller passes in (node fs, VS Code workspace.fs)
// throws errors with a `code`; the engine turns them into the words of its findings.

/** Thrown by readers for a file they refuse to read; `reason` completes "Cannot open … file X: <reason>". */
export class ReadRefused extends Error {
  constructor(readonly code: string, readonly reason: string) {
    super(reason);
  }
}

export const OUTSIDE_REASON = 'not read: it is outside the checked folder (allow it with --allow-outside, the ' +
  'mlPins.allowIncludesOutsideWorkspace setting or allow-includes-outside = true in [tool.ml-pins])';

/** The reason to show for an error thrown by a reader (undefined: a plain missing file). */
export function readFailureReason(e: unknown): string {
  if (e instanceof ReadRefused) return e.reason;
  const code = (e as { code?: unknown } | null)?.code;
  const reason = (e as { reason?: unknown } | null)?.reason;
  if (typeof reason === 'string') return reason;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === undefined) return 'no such file';
  return String(code);
}

/** `path` is `root` or below it (POSIX engine paths). */
export function isInside(path: string, root: string): boolean {
  if (root === '' || root === '.') return !path.startsWith('/') && !path.startsWith('../') && path !== '..';
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  return path === r || path.startsWith(`${r}/`) || r === '';
}
