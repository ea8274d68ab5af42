// When the server asks the editor to pull diagnostics again (workspace/diagnostic/refresh): VS Code then pulls every
// open document. It must when an open document's findings changed and its last pull did not answer with them (a file
// of the group edited in another tab); it must not on each keystroke in the file typed in, whose own pull answered.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type DocumentDiagnosticReport } from 'vscode-languageserver-protocol/node';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a refresh only when an open document\'s findings changed and its pull has not answered with them', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-refresh-'));
  const requirements = (torch: string, numpy: string) => `-c constraints.txt\ntorch==${torch}\nnumpy==${numpy}\n`;
  writeFileSync(join(dir, 'requirements.txt'), requirements('2.2.0', '1.26.0'));
  writeFileSync(join(dir, 'constraints.txt'), 'torch==2.1.0\n');
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'server', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  let refreshes = 0;
  conn.onRequest('workspace/diagnostic/refresh', () => { refreshes++; return null; });
  conn.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('mlPins/status', () => undefined);
  conn.listen();
  const uri = (name: string) => pathToFileURL(join(dir, name)).href;
  const pulled = async (name: string) => {
    const r = await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: uri(name) } }) as DocumentDiagnosticReport;
    return r.kind === 'full' ? r.items.map((d) => d.message) : [];
  };
  try {
    await conn.sendRequest('initialize', {
      processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'refresh' }],
      capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } },
    });
    await conn.sendNotification('initialized', {});
    let text = requirements('2.2.0', '1.26.0');
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('requirements.txt'), languageId: 'pip-requirements', version: 1, text } });
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uri('constraints.txt'), languageId: 'pip-requirements', version: 1, text: 'torch==2.1.0\n' } });
    assert.match((await pulled('constraints.txt')).join('\n'), /torch==2\.2\.0/);
    const clean = await pulled('requirements.txt');
    await conn.sendRequest('mlPins/whenIdle');
    await sleep(300);
    const settled = refreshes;
    // Keystrokes in requirements.txt that change its findings (a trailing comma is a syntax error, pip's too) and leave
    // constraints.txt's as they were, each pulled as VS Code does.
    let version = 1;
    for (let k = 1; k <= 12; k++) {
      text = requirements('2.2.0', k % 2 ? '1.26.0,' : '1.26.0');
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri('requirements.txt'), version: ++version }, contentChanges: [{ text }] });
      assert.equal((await pulled('requirements.txt')).length, clean.length + k % 2);
      await sleep(k % 3 === 0 ? 60 : 5); // now and then past the refresh's 30 ms
    }
    await sleep(300);
    assert.equal(refreshes, settled, 'no refresh for the keystrokes: the typed file\'s own pull answered each');
    // A keystroke that changes constraints.txt's finding (it names the requirements' torch pin): the editor must pull it.
    text = requirements('2.3.0', '1.26.0');
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: uri('requirements.txt'), version: ++version }, contentChanges: [{ text }] });
    await pulled('requirements.txt');
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && refreshes === settled; await sleep(20));
    assert.equal(refreshes, settled + 1, 'one refresh: constraints.txt shows an older finding');
    assert.match((await pulled('constraints.txt')).join('\n'), /torch==2\.3\.0/);
    // Once pulled, nothing is left to refresh for.
    await sleep(300);
    assert.equal(refreshes, settled + 1);
  } finally {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    conn.dispose();
  }
});
