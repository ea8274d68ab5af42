#!/usr/bin/env node
// Bundles the extension (Node and web entries) and the CLI with esbuild. The rule data is compiled in
// (rules/*.json are imported), so dist/ is self-contained. `--tests` also bundles the in-VS Code suite.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, chmodSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests') || existsSync('test/vscode/index.ts');
mkdirSync('dist', { recursive: true });

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
// Rule examples are for the test suite and the generated docs; the bundles ship the rules without them.
const stripRuleExamples = {
  name: 'strip-rule-examples',
  setup(build) {
    build.onLoad({ filter: /[\\/]rules[\\/][^\\/]+\.json$/ }, async (args) => {
      const family = JSON.parse(readFileSync(args.path, 'utf8'));
      for (const rule of family.rules ?? []) delete rule.examples;
      return { contents: JSON.stringify(family), loader: 'json' };
    });
  },
};
// The manifest formats' file patterns (src/core/formats), evaluated here so that the extension's document selector
// and workspace search follow the formats without bundling their parsers.
const patterns = await esbuild.build({ stdin: { contents: "export { FORMATS } from './src/core/formats'; export { manifestGlobs } from './src/core/formats/patterns';",
  resolveDir: process.cwd(), loader: 'ts' }, bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'warning' });
const patternsModule = { exports: {} };
new Function('module', 'exports', 'require', patterns.outputFiles[0].text)(patternsModule, patternsModule.exports, createRequire(import.meta.url));
const { FORMATS, manifestGlobs } = patternsModule.exports;
const common = { bundle: true, minify: true, sourcemap: true, logLevel: 'warning', target: 'es2022',
  define: { ML_PINS_VERSION: JSON.stringify(version), ML_PINS_MANIFEST_GLOBS: JSON.stringify(manifestGlobs(FORMATS)) }, plugins: [stripRuleExamples] };
const builds = [];
if (existsSync('src/extension/extension.ts')) {
  builds.push({ ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js',
    platform: 'node', format: 'cjs', external: ['vscode'] });
  // The language client library, required by dist/extension.js when it makes the client (after activation).
  builds.push({ ...common, entryPoints: ['vscode-languageclient/node'], outfile: 'dist/language-client.js',
    platform: 'node', format: 'cjs', external: ['vscode'] });
}
if (existsSync('src/server/main.ts')) {
  // The language server (src/server): forked by the extension, and `node dist/server.js --stdio` for other editors.
  builds.push({ ...common, entryPoints: ['src/server/main.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs' });
}
if (existsSync('src/server/browser.ts')) {
  // The same server in a browser worker, for VS Code for the Web.
  builds.push({ ...common, entryPoints: ['src/server/browser.ts'], outfile: 'dist/web/server.js', platform: 'browser', format: 'iife',
    define: { ...common.define, 'process.env.NODE_ENV': '"production"' } });
}
if (existsSync('src/hub/client.ts')) {
  // Loaded by the extension on first use of the test-generation command (see src/extension/testGeneration/commands.ts).
  builds.push({ ...common, entryPoints: ['src/hub/client.ts'], outfile: 'dist/hub.js', platform: 'node', format: 'cjs' });
}
if (existsSync('src/extension/web.ts')) {
  builds.push({ ...common, entryPoints: ['src/extension/web.ts'], outfile: 'dist/web/extension.js',
    platform: 'browser', format: 'cjs', external: ['vscode'], define: { ...common.define, 'process.env.NODE_ENV': '"production"' } });
}
if (existsSync('src/cli/main.ts')) {
  // dist/cli.js is a small start-up entry (code cache, V8 flags) that runs dist/cli-main.js, the CLI itself.
  builds.push({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-main.js', platform: 'node', format: 'cjs' });
  builds.push({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs',
    banner: { js: '#!/usr/bin/env node' } });
}
if (withTests) {
  builds.push({ ...common, plugins: [], minify: false, entryPoints: ['test/vscode/index.ts'], outfile: 'out/test/index.js',
    platform: 'node', format: 'cjs', external: ['vscode', 'mocha'] });
}
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
