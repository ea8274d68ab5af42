// One activation of the built extension, in a fresh Node process as VS Code's extension host would do it: load
// dist/extension.js and call activate() against a stub VS Code API. Prints {"ms","cpuMs"} for bench/index.mts, which
// runs this several times with plain Node (no TypeScript loader hooks) (a process each, so no run sees another's compiled code).
import Module from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = process.argv[2];
// A stub where every property is a callable, constructible stub: enough for activate() to register everything.
const stub = new Proxy(function () {}, {
  get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : stub),
  apply: () => stub,
  construct: () => stub,
  set: () => true,
});
// esbuild's CommonJS interop copies the module's own keys: list the names the extension uses ...
const names = new Set();
for (const file of readdirSync(join(root, 'src/extension'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts'))) {
  for (const m of readFileSync(join(root, 'src/extension', file), 'utf8').matchAll(/\bvscode\.(\w+)/g)) names.add(m[1]);
}
// ... and every name of the API (the language client library uses many more).
for (const m of readFileSync(join(root, 'node_modules/@types/vscode/index.d.ts'), 'utf8').matchAll(/^\s*export (?:class|enum|namespace|function|const|let|var) (\w+)/gm)) names.add(m[1]);
const vscodeModule = { ...Object.fromEntries([...names].map((n) => [n, stub])), version: '1.100.0' }; // the language client checks the version
const M = Module;
const original = M._load;
M._load = (req, ...rest) => (req === 'vscode' ? vscodeModule : original(req, ...rest));

const cpu = process.cpuUsage();
const t = performance.now();
const ext = Module.createRequire(import.meta.url)(join(root, 'dist/extension.js'));
ext.activate({ subscriptions: [], extensionUri: stub, secrets: stub, extension: { packageJSON: {} } });
const ms = performance.now() - t;
const used = process.cpuUsage(cpu);
process.stdout.write(`${JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000 })}\n`);
// The client is made after activate() returns; against the stub it cannot start, and may say so: not measured.
process.exit(0);
