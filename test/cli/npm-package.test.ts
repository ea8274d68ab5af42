// `npx ml-pins` as a user meets it: the tarball `npm pack` makes of the built dist/cli.js, installed into a
// clean folder outside the repository with npm itself, then run through npx. dist/cli.js is a bundle that needs only
// Node's own modules, so the package has no runtime dependencies and the install works offline.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as lsp from 'vscode-languageserver-protocol/node';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('npm pack, npm install in a clean folder, npx ml-pins --version and check; the CLI bundle carries the language server', async () => {
  const work = mkdtempSync(join(tmpdir(), 'ml-pins-npm-'));
  // npm test builds first; build here only when run alone on a fresh checkout (a rebuild could race other test files).
  if (!existsSync(join(root, 'dist/cli.js'))) execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  const files: string[] = packed[0].files.map((f: { path: string }) => f.path).sort();
  for (const f of ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/cli-main.js', 'package.json']) assert.ok(files.includes(f), f);
  // The CLI and what it reads (the metadata snapshot, where there is one); no sources, tests, maps or other bundles.
  assert.deepEqual(files.filter((f) => !/^(CHANGELOG\.md|LICENSE|README\.md|package\.json|dist\/cli(-main)?\.js|metadata\/.+\.json)$/.test(f)), []);
  assert.ok(!('dependencies' in pkg), 'dist/cli.js is self-contained: the package needs no runtime dependencies');

  // The CLI needs nothing but Node: every require() left in the bundle is a built-in module.
  // (dist/cli.js is the start-up entry; it loads dist/cli-main.js, the CLI itself.)
  const bundle = ['dist/cli.js', 'dist/cli-main.js'].map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
  const required = [...new Set([...bundle.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]))];
  const { builtinModules } = process.getBuiltinModule('node:module');
  assert.deepEqual(required.filter((r) => !builtinModules.includes(r.replace(/^node:/, ''))), []);

  const app = join(work, 'app');
  cpSync(join(root, 'examples/seed-project'), join(app, 'project'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  const env = { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
  execFileSync('npm', ['install', '--offline', join(work, packed[0].filename)], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });

  const version = spawnSync('npx', ['--offline', 'ml-pins', '--version'], { cwd: app, env, encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), pkg.version);

  const check = spawnSync('npx', ['--offline', 'ml-pins', 'check', 'project', '--format', 'json'], { cwd: app, env, encoding: 'utf8' });
  assert.equal(check.status, 1, check.stderr);
  const out = JSON.parse(check.stdout);
  const codes = out.files.flatMap((f: { findings: { code: string }[] }) => f.findings.map((x) => x.code));
  assert.ok(codes.includes('hf-hub-cached-download'), codes.join(' '));
  assert.ok(out.files.every((f: { path: string }) => f.path.startsWith('project/')));

  // `ml-pins server --stdio` from the installed package (no dist/server.js in it): an editor's initialize and shutdown.
  const child = spawn(process.execPath, [join(app, 'node_modules', pkg.name, 'dist', 'cli.js'), 'server', '--stdio'], { cwd: app, stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = lsp.createProtocolConnection(new lsp.StreamMessageReader(child.stdout!), new lsp.StreamMessageWriter(child.stdin!));
  conn.listen();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const init = await conn.sendRequest(lsp.InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(init.serverInfo?.name, 'ml-pins');
    assert.equal(init.serverInfo?.version, pkg.version);
    await conn.sendRequest(lsp.ShutdownRequest.type);
    await conn.sendNotification(lsp.ExitNotification.type);
    assert.equal(await exited, 0);
  } finally {
    conn.dispose();
    child.kill();
  }
});
