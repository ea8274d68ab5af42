// A published-files store as the metadata generators read it (`<dir>/<owner>+<repo>@<commit>/<path>`), laid out in a
// temporary folder for a test: path -> text.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function layStore(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'ml-pins-store-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
