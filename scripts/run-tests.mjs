#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's own test runner (through tsx, so TypeScript and the
// ESM-only dependencies load as they do in the bundle). Node 20's --test takes no globs, so we list files.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const skip = new Set(['vscode', 'fixtures']); // test/vscode runs inside VS Code (npm run test:vscode)
function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) { if (!skip.has(name)) collect(full, out); }
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}
const filters = process.argv.slice(2);
let files = collect(join(root, 'test'), []).sort();
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (!files.length) { console.error('no test files matched'); process.exit(1); }
// Tests that drive whole tools (npm pack/install, vsce, pre-commit building the hook) run after the others, one at a
// time, so that their CPU use does not eat into the hang guards of the parser tests.
const heavy = (f) => /^test\/(precommit|package)\/|npm-package\.test\.ts$/.test(f);
let status = 0;
for (const [group, concurrency] of [[files.filter((f) => !heavy(f)), 2], [files.filter(heavy), 1]]) {
  if (!group.length) continue;
  // The CLI reads the project's package indexes (else PyPI) unless offline: tests never reach the network. Tests of
  // the live path take ML_PINS_OFFLINE out and point the CLI at a loopback index.
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...group], {
    cwd: root, stdio: 'inherit', env: { ...process.env, ML_PINS_OFFLINE: '1' },
  });
  status = Math.max(status, result.status ?? 1);
}
process.exit(status);
