// The test module VS Code loads in the extension host (extensionTestsPath = out/test/index.js, bundled by
// scripts/build.mjs from this file). VS Code calls run(); its promise resolving means the suite passed.
// Runners: scripts/test-vscode.mjs (VS Code server + headless Chromium, works offline; `npm run test:vscode`)
// and scripts/test-electron.mjs (@vscode/test-electron; needs to download VS Code; `npm run test:electron`).
//
// To add a suite: create test/vscode/<name>.test.ts using mocha's TDD globals (suite/test/setup/teardown/
// suiteSetup/suiteTeardown), then add one line to SUITES below. The import() is resolved by esbuild at build
// time (no globbing at run time) and evaluated lazily, after mocha has defined its globals.
import { format } from 'node:util';
import Mocha from 'mocha';
import { log } from './harness';

// ML_PINS_TEST_SUITE=installed (npm run test:package) runs the suite for the extension installed from the .vsix;
// =python-extension the one run beside the stand-in for the Python extension (--extension test/vscode/fake-python-extension).
const SUITES: Array<[file: string, load: () => Promise<unknown>]> = process.env.ML_PINS_TEST_SUITE === 'installed'
  ? [['installed.test.ts', () => import('./installed.test')]]
  : process.env.ML_PINS_TEST_SUITE === 'python-extension'
  ? [['python-extension.test.ts', () => import('./python-extension.test')]]
  : [
    ['smoke.test.ts', () => import('./smoke.test')],
    // Before the suites that edit the workspace: its screenshots show the seed project as it is.
    ['workbench.test.ts', () => import('./workbench.test')],
    ['extension.test.ts', () => import('./extension.test')],
    ['server.test.ts', () => import('./server.test')],
    ['terminal.test.ts', () => import('./terminal.test')],
    ['live.test.ts', () => import('./live.test')],
  ];

export async function run(): Promise<void> {
  // Mocha's reporters print through Base.consoleLog; send it to the runner's log file.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => log(format(...args));
  const mocha = new Mocha({ ui: 'tdd', reporter: 'spec', color: false, timeout: 60_000, slow: 5_000 });
  if (process.env.ML_PINS_TEST_GREP) mocha.grep(process.env.ML_PINS_TEST_GREP);
  for (const [file, load] of SUITES) {
    mocha.suite.emit('pre-require', globalThis, file, mocha);
    mocha.suite.emit('require', await load(), file, mocha);
    mocha.suite.emit('post-require', globalThis, file, mocha);
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}
