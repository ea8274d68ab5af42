// VS Code for the Web runs dist/web/extension.js in a browser worker: the web entry must bundle for the browser
// with no Node built-ins, and without the terminal command (it needs a shell, which the web has not).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

test('the web entry bundles for the browser with no Node built-ins and no terminal command', async () => {
  const result = await esbuild.build({
    entryPoints: [join(root, 'src/extension/web.ts')], bundle: true, write: false, metafile: true, platform: 'browser',
    format: 'cjs', external: ['vscode'], logLevel: 'silent', absWorkingDir: root,
  });
  assert.deepEqual(result.errors, []);
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.endsWith('src/extension/checker.ts')), 'the checker is in');
  assert.ok(inputs.some((i) => i.endsWith('src/core/engine/check.ts')), 'the engine is in');
  for (const banned of ['src/extension/testGeneration/', 'src/extension/interpreter.ts', 'src/node/', 'src/cli/']) {
    assert.ok(!inputs.some((i) => i.includes(banned)), `${banned} must not be in the web bundle`);
  }
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  assert.deepEqual(imports.filter((p) => p !== 'vscode'), [], 'the web bundle imports nothing but vscode');
});
