// VS Code for the Web runs dist/web/extension.js in a browser worker and the language server in another
// (dist/web/server.js): both must bundle for the browser with no Node built-ins; the extension carries the client
// and no engine, the server carries the engine; neither has the terminal command (it needs a shell).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

async function bundle(entry: string, external: string[]) {
  const result = await esbuild.build({
    entryPoints: [join(root, entry)], bundle: true, write: false, metafile: true, platform: 'browser',
    format: 'cjs', external, logLevel: 'silent', absWorkingDir: root,
  });
  assert.deepEqual(result.errors, []);
  return {
    inputs: Object.keys(result.metafile.inputs),
    imports: Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)),
  };
}

test('the web extension is a language client: no engine, no Node built-ins, no terminal command', async () => {
  const { inputs, imports } = await bundle('src/extension/web.ts', ['vscode']);
  assert.ok(inputs.some((i) => i.includes('vscode-languageclient/lib/browser/')), 'the browser client is in');
  assert.ok(!inputs.some((i) => i.endsWith('src/core/engine/check.ts')), 'the engine runs in the server, not the extension');
  for (const banned of ['src/extension/testGeneration/', 'src/extension/interpreter.ts', 'src/node/', 'src/cli/', 'src/server/server.ts']) {
    assert.ok(!inputs.some((i) => i.includes(banned)), `${banned} must not be in the web bundle`);
  }
  assert.deepEqual(imports.filter((p) => p !== 'vscode'), [], 'the web bundle imports nothing but vscode');
});

test('the web server bundles the engine for a worker, with no Node built-ins', async () => {
  const { inputs, imports } = await bundle('src/server/browser.ts', []);
  assert.ok(inputs.some((i) => i.endsWith('src/core/engine/check.ts')), 'the engine is in');
  assert.ok(inputs.some((i) => i.includes('vscode-languageserver/lib/browser/')), 'the browser server library is in');
  for (const banned of ['src/node/', 'src/cli/', 'src/extension/', 'src/server/node.ts']) {
    assert.ok(!inputs.some((i) => i.includes(banned)), `${banned} must not be in the web server`);
  }
  assert.deepEqual(imports, [], 'the web server imports nothing');
});
