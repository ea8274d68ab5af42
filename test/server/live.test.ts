// The language server with live index metadata, over stdio as an editor drives it: a loopback PEP 691/658 index that
// answers only when the test lets it; diagnostics from the snapshot first, refined when the index has answered;
// credentials in the index URL never in the trace; `offline` and untrusted workspaces read no index, nor run the
// selected interpreter.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type CodeAction, type DocumentDiagnosticReport, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { startIndex } from '../support/index-server';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PACKAGES = {
  'acme-core': [{ version: '1.0.0', yanked: 'corrupt wheel' }, { version: '1.1.0' }, { version: '1.2.0' }],
  'acme-plugin': [{ version: '2.0.0', requires_dist: ['acme-core>=1.1'] }, { version: '2.1.0', requires_dist: ['acme-core>=1.2'] }],
};

async function session(text: string, o: { trusted?: boolean; settings?: Record<string, unknown>; folders?: string[]; workspaceFolders?: boolean } = {}): Promise<{ conn: ProtocolConnection; child: ChildProcess; uri: string; uris: string[]; trace: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-live-'));
  // One requirements.txt at the top, or one in each of `folders` (then they are separate groups).
  const files = o.folders ? o.folders.map((f) => { mkdirSync(join(dir, f)); return join(f, 'requirements.txt'); }) : ['requirements.txt'];
  for (const f of files) writeFileSync(join(dir, f), text);
  const trace = join(dir, 'trace.log');
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'server', '--stdio'], {
    cwd: dir, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ML_PINS_TRACE: trace, ML_PINS_CACHE_DIR: join(dir, 'cache') },
  });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => o.settings ?? {}));
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('mlPins/status', () => undefined);
  conn.listen();
  const uris = files.map((f) => pathToFileURL(join(dir, f)).href);
  const uri = uris[0];
  await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'live' }],
    initializationOptions: { trusted: o.trusted ?? true },
    capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true }, workspaceFolders: o.workspaceFolders ?? false }, textDocument: { diagnostic: {} } },
  });
  await conn.sendNotification('initialized', {});
  for (const u of uris) await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'pip-requirements', version: 1, text } });
  return { conn, child, uri, uris, trace, dir };
}

async function codes(conn: ProtocolConnection, uri: string): Promise<string[]> {
  const r = await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as DocumentDiagnosticReport;
  return r.kind === 'full' ? r.items.map((d) => `${d.code}:${d.range.start.line}`).sort() : [];
}

async function stop(s: { conn: ProtocolConnection; child: ChildProcess }): Promise<void> {
  await s.conn.sendRequest('shutdown');
  await s.conn.sendNotification('exit');
  await new Promise((ok) => (s.child.exitCode === null ? s.child.once('exit', ok) : ok(null)));
  s.conn.dispose();
}

/** The live refreshes the server's trace shows so far. */
function refreshesOf(trace: string): number {
  return (existsSync(trace) ? readFileSync(trace, 'utf8') : '').match(/^\d+ live refresh /gm)?.length ?? 0;
}

/** The refreshes once the first check's have settled: the first check refreshes, and the answers check the file again,
 *  which refreshes again. */
async function settledRefreshes(trace: string): Promise<number> {
  let before = 0;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(600)) {
    const n = refreshesOf(trace);
    if (n > 0 && n === before) break;
    before = n;
  }
  assert.ok(before > 0, 'the first check refreshes');
  return before;
}

describe('the language server with live index metadata', () => {
  test('from the snapshot first, refined when the index answers; credentials never in the trace', { timeout: 60_000 }, async () => {
    let release!: () => void;
    const index = await startIndex({ packages: PACKAGES, gate: new Promise<void>((ok) => { release = ok; }) });
    const secret = index.url.replace('http://', 'http://alice:s3cr3t-token@');
    const s = await session(`--index-url ${secret}\nacme-core==1.0.0\nacme-plugin==2.0.0\n`);
    try {
      assert.deepEqual(await codes(s.conn, s.uri), [], 'the snapshot knows nothing of these packages');
      await sleep(300);
      assert.deepEqual(await codes(s.conn, s.uri), [], 'nothing arrives while the index holds its answers');
      release();
      let got: string[] = [];
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(200)) {
        got = await codes(s.conn, s.uri);
        if (got.includes('yanked-release:1') && got.includes('declared-requirement:2')) break;
      }
      // What the index declares feeds every check: the declared requirement (which is pip's verdict too, said once:
      // no resolution-conflict beside it), the yank.
      assert.deepEqual(got, ['declared-requirement:2', 'yanked-release:1']);
      assert.ok(index.requests.every((q) => q.authorization === `Basic ${Buffer.from('alice:s3cr3t-token').toString('base64')}`));
      // Refactor actions: upgrades that install together, on any pin.
      const actions = await s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: s.uri }, range: { start: { line: 2, character: 3 }, end: { line: 2, character: 3 } },
        context: { diagnostics: [], only: ['refactor'] } }) as CodeAction[];
      assert.ok(actions.length > 0 && actions.every((a) => a.kind === 'refactor.rewrite'), JSON.stringify(actions.map((a) => a.title)));
      assert.ok(actions.some((a) => a.title === 'Upgrade acme-core and acme-plugin to the newest set that installs together (1.2.0 / 2.1.0)'), JSON.stringify(actions.map((a) => a.title)));
      const trace = readFileSync(s.trace, 'utf8');
      assert.match(trace, /live metadata/);
      assert.ok(!trace.includes('s3cr3t'), 'no credentials in the trace');
    } finally {
      release();
      await stop(s);
      await index.close();
    }
  });

  test('two folders on one index: both refined when it answers (one basis, invalidated by the answers); a changed pin is checked anew', { timeout: 90_000 }, async () => {
    let release!: () => void;
    const index = await startIndex({ packages: PACKAGES, gate: new Promise<void>((ok) => { release = ok; }) });
    const text = `--index-url ${index.url}\nacme-core==1.0.0\nacme-plugin==2.0.0\n`;
    const s = await session(text, { folders: ['a', 'b'] });
    const { uris } = s;
    try {
      for (const uri of uris) assert.deepEqual(await codes(s.conn, uri), [], 'the snapshot knows nothing of these packages');
      release();
      const want = ['declared-requirement:2', 'yanked-release:1'];
      for (const uri of uris) {
        let got: string[] = [];
        for (const deadline = Date.now() + 30_000; Date.now() < deadline && got.length < want.length; await sleep(200)) got = await codes(s.conn, uri);
        assert.deepEqual(got, want, uri);
      }
      // Each folder is its own group, refreshed by the one set of answers.
      const trace = readFileSync(s.trace, 'utf8');
      for (const d of ['a', 'b']) assert.match(trace, new RegExp(`live metadata \\S*#\\S*/${d}\\b`));
      // A pin changed in one folder: that environment is resolved again (acme-plugin 2.0.0 takes acme-core 1.1.0),
      // the other folder keeps what it had.
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uris[1], version: 2 }, contentChanges: [{ text: text.replace('acme-core==1.0.0', 'acme-core==1.1.0') }] });
      assert.deepEqual(await codes(s.conn, uris[1]), []);
      assert.deepEqual(await codes(s.conn, uris[0]), want);
      // And back: the remembered resolution of the first text gives the same findings as before.
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uris[1], version: 3 }, contentChanges: [{ text }] });
      assert.deepEqual(await codes(s.conn, uris[1]), want);
    } finally {
      release();
      await stop(s);
      await index.close();
    }
  });

  test('an index that cannot be reached is left alone for a while: edits do not ask it again', { timeout: 60_000 }, async () => {
    let requests = 0;
    // Every connection is dropped: to the client the index cannot be reached (a 503 is an answer, kept as such).
    const down = createServer((req) => { requests++; req.socket.destroy(); });
    await new Promise<void>((ok) => down.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}/simple`;
    const text = (v: number) => `--index-url ${url}\nacme-core==1.0.${v}\n`;
    const s = await session(text(0));
    try {
      await codes(s.conn, s.uri);
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && requests === 0; await sleep(100));
      await sleep(1000);
      const first = requests;
      assert.ok(first > 0, 'the first check asks the index');
      for (let v = 1; v <= 10; v++) {
        await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri, version: v + 1 }, contentChanges: [{ text: text(v) }] });
        await codes(s.conn, s.uri);
      }
      await sleep(1000);
      assert.equal(requests, first, 'typing does not ask an unreachable index again');
    } finally {
      await stop(s);
      await new Promise((ok) => down.close(ok));
    }
  });

  test('typing refreshes the live metadata once it pauses, not on every keystroke', { timeout: 60_000 }, async () => {
    const index = await startIndex({ packages: PACKAGES });
    const text = (v: number) => `--index-url ${index.url}\nacme-core==1.${v}.0\nacme-plugin==2.0.0\n`;
    const s = await session(text(0));
    const refreshes = () => refreshesOf(s.trace);
    try {
      await codes(s.conn, s.uri);
      const before = await settledRefreshes(s.trace);
      // Ten keystrokes, each with its diagnostics pulled at once, as an editor does: each changes a pin.
      for (let v = 1; v <= 10; v++) {
        await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri, version: v + 1 }, contentChanges: [{ text: text(v % 3) }] });
        await codes(s.conn, s.uri);
      }
      assert.ok(refreshes() - before <= 1, `${refreshes() - before} refreshes while typing`);
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && refreshes() === before; await sleep(50));
      assert.ok(refreshes() > before, 'refreshed once the typing paused');
    } finally {
      await stop(s);
      await index.close();
    }
  });

  test('a folder removed while a refresh waits for the typing to pause: the refresh goes with it', { timeout: 60_000 }, async () => {
    const index = await startIndex({ packages: PACKAGES });
    const text = (v: number) => `--index-url ${index.url}\nacme-core==1.${v}.0\nacme-plugin==2.0.0\n`;
    const s = await session(text(0), { workspaceFolders: true });
    try {
      await codes(s.conn, s.uri);
      const before = await settledRefreshes(s.trace);
      // A keystroke that changes a pin: its refresh waits for the typing to pause (200 ms)...
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri, version: 2 }, contentChanges: [{ text: text(1) }] });
      assert.deepEqual(await codes(s.conn, s.uri), [], 'acme-core 1.1.0 with acme-plugin 2.0.0 installs');
      // ...and the folder is removed before it runs.
      await s.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: pathToFileURL(s.dir).href, name: 'live' }] } });
      await s.conn.sendRequest('mlPins/whenIdle');
      await sleep(1_000);
      assert.equal(refreshesOf(s.trace), before, `no refresh of the removed folder's project:\n${readFileSync(s.trace, 'utf8').split('\n').slice(-8).join('\n')}`);
    } finally {
      await stop(s);
      await index.close();
    }
  });

  test('offline, and an untrusted workspace unless allowed: no request', { timeout: 60_000 }, async () => {
    const index = await startIndex({ packages: PACKAGES });
    try {
      const text = `--index-url ${index.url}\nacme-core==1.0.0\n`;
      for (const o of [{ settings: { offline: true } }, { trusted: false }]) {
        const s = await session(text, o);
        try {
          assert.deepEqual(await codes(s.conn, s.uri), []);
          await sleep(1500);
          assert.deepEqual(await codes(s.conn, s.uri), []);
        } finally {
          await stop(s);
        }
      }
      assert.equal(index.requests.length, 0);
      const allowed = await session(text, { trusted: false, settings: { indexesInUntrustedWorkspaces: true } });
      try {
        let got: string[] = [];
        for (const deadline = Date.now() + 30_000; Date.now() < deadline && !got.length; await sleep(200)) got = await codes(allowed.conn, allowed.uri);
        assert.deepEqual(got, ['yanked-release:1']);
      } finally {
        await stop(allowed);
      }
    } finally {
      await index.close();
    }
  });

  test('an untrusted workspace never runs the selected interpreter; granting trust runs it for what its files do not say', { timeout: 60_000 }, async () => {
    const s = await session('numpy==1.26.4\n', { trusted: false });
    try {
      // Not a venv (no pyvenv.cfg, no site-packages): only running it could say where its packages are.
      const bin = join(s.dir, 'tools');
      mkdirSync(bin);
      const python = join(bin, 'python');
      const ran = join(bin, 'ran');
      writeFileSync(python, `#!/bin/sh\ntouch '${ran}'\necho '{}'\n`);
      chmodSync(python, 0o755);
      const folder = pathToFileURL(s.dir).href;
      const problems: string[] = [];
      s.conn.onNotification('mlPins/status', (p: { environments?: { folder: string; problem?: string }[] }) => {
        for (const e of p.environments ?? []) if (e.problem) problems.push(e.problem);
      });
      await s.conn.sendNotification('mlPins/interpreter', { folder, executable: python, source: 'setting' });
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && !problems.length; await sleep(100));
      assert.match(problems[0] ?? '', /no site-packages/, 'read from its files only, which say nothing');
      await sleep(500);
      assert.equal(existsSync(ran), false, 'the interpreter was run in an untrusted workspace');
      await s.conn.sendNotification('mlPins/trust', { trusted: true });
      for (const deadline = Date.now() + 20_000; Date.now() < deadline && !existsSync(ran); await sleep(100));
      assert.equal(existsSync(ran), true, 'trusted: the interpreter is asked');
    } finally {
      await stop(s);
    }
  });
});
