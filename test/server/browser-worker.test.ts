// The server's browser build (what VS Code for the Web runs in a worker) in a sandbox that has only what a worker
// has: no require, no process, no file system. It reads and finds files through the client (mlPins/readFile,
// mlPins/findFiles), as the web extension answers them with workspace.fs.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import vm from 'node:vm';
import * as esbuild from 'esbuild';
import {
  AbstractMessageReader, AbstractMessageWriter, createProtocolConnection, type DataCallback, type Message, type WorkspaceDiagnosticReport,
} from 'vscode-languageserver-protocol/node';

const root = join(import.meta.dirname, '..', '..');
const seed = join(root, 'examples', 'seed-project');

class Reader extends AbstractMessageReader {
  callback?: DataCallback;
  listen(callback: DataCallback) { this.callback = callback; return { dispose: () => { this.callback = undefined; } }; }
}
class Writer extends AbstractMessageWriter {
  constructor(private readonly send: (m: Message) => void) { super(); }
  async write(msg: Message) { this.send(msg); }
  end() {}
}

test('the browser build answers a workspace pull with files read through the client', async () => {
  const built = await esbuild.build({ entryPoints: [join(root, 'src/server/browser.ts')], bundle: true, write: false, platform: 'browser', format: 'iife',
    logLevel: 'silent', absWorkingDir: root, define: { 'process.env.NODE_ENV': '"production"' } });
  const reader = new Reader();
  const self: { onmessage?: (e: { data: unknown }) => void; postMessage: (m: Message) => void; addEventListener: () => void } = {
    postMessage: (m) => setImmediate(() => reader.callback?.(m)), addEventListener: () => undefined,
  };
  const sandbox = { self, console, setTimeout, clearTimeout, atob, btoa, TextEncoder, TextDecoder, queueMicrotask };
  vm.runInNewContext(built.outputFiles[0].text, sandbox);
  const conn = createProtocolConnection(reader, new Writer((m) => setImmediate(() => self.onmessage?.({ data: m }))));
  const asked = { read: 0, find: 0 };
  const metadataDir = join(root, 'test', 'fixtures', 'metadata');
  const metadataRead: string[] = [];
  conn.onRequest('mlPins/findFiles', () => { asked.find++; return readdirSync(seed).map((n) => pathToFileURL(join(seed, n)).href); });
  conn.onRequest('mlPins/readFile', ({ uri }: { uri: string }) => {
    asked.read++;
    if (uri.startsWith(pathToFileURL(metadataDir).href)) metadataRead.push(uri.slice(pathToFileURL(metadataDir).href.length + 1));
    return { base64: readFileSync(new URL(uri)).toString('base64') };
  });
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('mlPins/status', () => undefined);
  conn.listen();
  try {
    await conn.sendRequest('initialize', { processId: null, rootUri: null, workspaceFolders: [{ uri: pathToFileURL(seed).href, name: 'seed' }],
      initializationOptions: { fileAccess: true, metadataBase: pathToFileURL(metadataDir).href }, capabilities: { textDocument: { diagnostic: {} }, workspace: { diagnostics: {} } } });
    await conn.sendNotification('initialized', {});
    await conn.sendRequest('mlPins/whenIdle');
    const r = await conn.sendRequest('workspace/diagnostic', { previousResultIds: [] }) as WorkspaceDiagnosticReport;
    const py = r.items.find((i) => i.uri.endsWith('/setup_ai_models.py'));
    assert.ok(py?.kind === 'full' && py.items.some((d) => d.code === 'inconsistent-pins'), JSON.stringify(r.items.map((i) => i.uri)));
    assert.ok(asked.find === 1 && asked.read >= 4, JSON.stringify(asked));
    // The metadata snapshot comes through the client too: its index, then the files of the packages the pins name.
    assert.ok(metadataRead.includes('snapshot.json') && metadataRead.includes('packages/torch.json') && metadataRead.includes('packages/diffusers.json'), metadataRead.join(' '));
    await conn.sendRequest('shutdown');
  } finally {
    conn.dispose();
  }
});
