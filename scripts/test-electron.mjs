#!/usr/bin/env node
// Runs the same in-VS Code suite (out/test/index.js, from test/vscode/index.ts) through @vscode/test-electron,
// for machines that can download VS Code (it downloads a build into .vscode-test/ on first use). It does NOT work
// on the offline CI machine: use scripts/test-vscode.mjs there (npm run test:vscode).
//
// Usage: npm run test:electron      (build + this script)
//        node scripts/test-electron.mjs [--tests out/test/index.js]
// Environment: ML_PINS_TEST_WORKSPACE (folder to copy and open, default examples/seed-project),
//   ML_PINS_VSCODE_VERSION (default 1.100.3, the version test-vscode.mjs runs; 'stable' for the latest),
//   ML_PINS_TEST_GREP (mocha grep). Screenshots are not available here: harness.ts screenshot() returns undefined.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const testsIdx = args.indexOf('--tests');
const testsPath = resolve(ROOT, testsIdx >= 0 ? args[testsIdx + 1] : 'out/test/index.js');
if (!existsSync(testsPath)) {
  console.error(`[test-electron] ${testsPath} not found; run npm run build first`);
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), 'ml-pins-electron-'));
const workspace = join(tmp, 'workspace');
const wsSource = resolve(process.env.ML_PINS_TEST_WORKSPACE || join(ROOT, 'examples', 'seed-project'));
if (existsSync(wsSource)) cpSync(wsSource, workspace, { recursive: true });
else mkdirSync(workspace);

let code = 0;
try {
  await runTests({
    version: process.env.ML_PINS_VSCODE_VERSION || '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: testsPath,
    extensionTestsEnv: { ML_PINS_TEST_WORKSPACE_COPY: workspace },
    launchArgs: [workspace, '--disable-workspace-trust', '--disable-extensions', '--skip-welcome',
      '--skip-release-notes', '--user-data-dir', join(tmp, 'user-data'), '--extensions-dir', join(tmp, 'extensions')],
  });
} catch (err) {
  console.error(`[test-electron] failed: ${err?.message ?? err}`);
  code = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
