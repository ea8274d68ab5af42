// `ml-pins server` driven over stdio exactly as an editor drives it: a real child process, JSON-RPC framing, the
// LSP lifecycle (initialize, initialized, didOpen, pull diagnostics, code actions, hover, executeCommand with the
// server's workspace/applyEdit, shutdown, exit), on a copy of examples/seed-project. A second client besides VS Code.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CancellationTokenSource, createProtocolConnection, StreamMessageReader, StreamMessageWriter,
  type Diagnostic, type DocumentDiagnosticReport, type ProtocolConnection, type WorkspaceDiagnosticReport, type WorkspaceEdit,
  type CodeAction, type Hover, type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Session {
  child: ChildProcess;
  conn: ProtocolConnection;
  dir: string;
  uri: (name: string) => string;
  edits: WorkspaceEdit[];
  progress: unknown[];
  published: Map<string, Diagnostic[]>;
  registrations: string[];
}

async function startSession(opts: { pull: boolean; manifests?: number }): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-lsp-'));
  cpSync(join(root, 'examples', 'seed-project'), dir, { recursive: true });
  for (let i = 0; i < (opts.manifests ?? 0); i++) {
    mkdirSync(join(dir, `svc-${i}`));
    writeFileSync(join(dir, `svc-${i}`, 'requirements.txt'), `torch==2.${i % 9}.0\ntorchvision==0.${15 + (i % 9)}.0\nnumpy${i % 2 ? '<2' : '>=2'}\n`);
  }
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'server', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const s: Session = { child, conn, dir, uri: (n) => pathToFileURL(join(dir, n)).href, edits: [], progress: [], published: new Map(), registrations: [] };
  conn.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({ disabledRules: ['torch-python-unsupported'] })));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', (p: { registrations: { method: string }[] }) => { s.registrations.push(...p.registrations.map((r) => r.method)); return null; });
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('workspace/applyEdit', (p: { edit: WorkspaceEdit }) => { s.edits.push(p.edit); return { applied: true }; });
  conn.onNotification('$/progress', (p: unknown) => s.progress.push(p));
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => s.published.set(p.uri, p.diagnostics));
  conn.onNotification('mlPins/status', () => undefined);
  conn.listen();
  const init = await conn.sendRequest('initialize', {
    processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'seed' }],
    initializationOptions: { docsBase: 'https://example.invalid/rules' },
    capabilities: {
      window: { workDoneProgress: true },
      workspace: { configuration: true, applyEdit: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true },
        ...(opts.pull ? { diagnostics: { refreshSupport: true } } : {}) },
      textDocument: { ...(opts.pull ? { diagnostic: { dynamicRegistration: false } } : { publishDiagnostics: { relatedInformation: true } }),
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, isPreferredSupport: true },
        hover: { contentFormat: ['markdown'] } },
    },
  }) as { capabilities: Record<string, unknown> };
  assert.equal(!!init.capabilities.diagnosticProvider, opts.pull, 'pull diagnostics exactly when the client supports them');
  assert.ok(init.capabilities.codeActionProvider && init.capabilities.hoverProvider && init.capabilities.executeCommandProvider);
  await conn.sendNotification('initialized', {});
  return s;
}

async function stop(s: Session): Promise<number | null> {
  await s.conn.sendRequest('shutdown');
  await s.conn.sendNotification('exit');
  const code = await new Promise<number | null>((resolve) => s.child.once('exit', (c) => resolve(c)));
  s.conn.dispose();
  return code;
}

const open = (s: Session, name: string, languageId = 'pip-requirements') => s.conn.sendNotification('textDocument/didOpen', {
  textDocument: { uri: s.uri(name), languageId, version: 1, text: readFileSync(join(s.dir, name), 'utf8') },
});
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => String(d.code)).sort();

describe('ml-pins server over stdio (pull diagnostics)', () => {
  let s: Session;
  before(async () => { s = await startSession({ pull: true }); });
  after(async () => { if (s.child.exitCode === null) s.child.kill(); });

  test('didOpen, then a document pull: the findings of the file, with result ids', async () => {
    await open(s, 'requirements.txt');
    const report = await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: s.uri('requirements.txt') } }) as DocumentDiagnosticReport;
    assert.equal(report.kind, 'full');
    if (report.kind !== 'full') return;
    const hub = report.items.find((d) => d.code === 'hf-hub-cached-download');
    assert.ok(hub, JSON.stringify(codes(report.items)));
    assert.deepEqual(hub.range, { start: { line: 7, character: 0 }, end: { line: 7, character: 17 } });
    assert.equal(hub.severity, 2);
    assert.equal(hub.source, 'ML Pins');
    assert.equal(hub.codeDescription?.href, 'https://example.invalid/rules/hf-hub-cached-download.md');
    const again = await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: s.uri('requirements.txt') }, previousResultId: report.resultId }) as DocumentDiagnosticReport;
    assert.equal(again.kind, 'unchanged', 'nothing changed: the same result id');
  });

  test('the workspace scan reports progress and registers file watchers', async () => {
    await s.conn.sendRequest('mlPins/whenIdle');
    const kinds = s.progress.map((p) => (p as { value?: { kind?: string } }).value?.kind);
    assert.ok(kinds.includes('begin') && kinds.includes('end'), JSON.stringify(s.progress));
    assert.ok(s.registrations.includes('workspace/didChangeWatchedFiles'), JSON.stringify(s.registrations));
  });

  test('a workspace pull covers files that are not open; settings come from workspace/configuration', async () => {
    const r = await s.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] }) as WorkspaceDiagnosticReport;
    const py = r.items.find((i) => i.uri === s.uri('setup_ai_models.py'));
    assert.ok(py && py.kind === 'full', JSON.stringify(r.items.map((i) => i.uri)));
    const cross = py.items.find((d) => d.code === 'inconsistent-pins');
    assert.ok(cross?.relatedInformation?.some((x) => x.location.uri === s.uri('pyproject.toml')));
    const all = r.items.flatMap((i) => (i.kind === 'full' ? i.items : []));
    assert.ok(!all.some((d) => d.code === 'torch-python-unsupported'), 'disabledRules from workspace/configuration');
  });

  test('a workspace pull with result ids waits for a change and re-sends only what changed', async () => {
    const first = await s.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] }) as WorkspaceDiagnosticReport;
    const ids = first.items.map((i) => ({ uri: i.uri, value: i.resultId! }));
    assert.ok(ids.length >= 4);
    const held = s.conn.sendRequest('workspace/diagnostic', { previousResultIds: ids }) as Promise<WorkspaceDiagnosticReport>;
    let settled = false;
    void held.then(() => { settled = true; });
    await sleep(300);
    assert.equal(settled, false, 'nothing changed yet: the request is held');
    const text = readFileSync(join(s.dir, 'requirements.txt'), 'utf8');
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('requirements.txt'), version: 2 },
      contentChanges: [{ text: text.replace('diffusers>=0.21.0', 'diffusers>=0.29.0') }] });
    const second = await held;
    const uris = second.items.map((i) => i.uri);
    assert.ok(uris.includes(s.uri('requirements.txt')), JSON.stringify(uris));
    assert.ok(!uris.includes(s.uri('server-setup.sh')), `an unchanged file was re-sent: ${JSON.stringify(uris)}`);
    const req = second.items.find((i) => i.uri === s.uri('requirements.txt'))!;
    assert.ok(req.kind === 'full' && !req.items.some((d) => d.code === 'hf-hub-cached-download'));
    assert.equal(req.version, 2);
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('requirements.txt'), version: 3 }, contentChanges: [{ text }] });
  });

  test('$/cancelRequest ends a held workspace pull', async () => {
    const first = await s.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] }) as WorkspaceDiagnosticReport;
    const source = new CancellationTokenSource();
    const held = s.conn.sendRequest('workspace/diagnostic', { previousResultIds: first.items.map((i) => ({ uri: i.uri, value: i.resultId! })) }, source.token);
    await sleep(200);
    const t = Date.now();
    source.cancel();
    await held.then(() => undefined, () => undefined);
    assert.ok(Date.now() - t < 2000, 'the cancelled request did not end');
  });

  test('code actions: the preferred quick fix, once; source.fixAll.mlPins for fix-on-save', async () => {
    const report = await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: s.uri('requirements.txt') } }) as DocumentDiagnosticReport;
    assert.equal(report.kind, 'full');
    const diag = (report as { items: Diagnostic[] }).items.find((d) => d.code === 'hf-hub-cached-download')!;
    const actions = await s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: s.uri('requirements.txt') }, range: diag.range,
      context: { diagnostics: [diag], only: ['quickfix'] } }) as CodeAction[];
    const preferred = actions.filter((a) => a.isPreferred);
    assert.deepEqual(preferred.map((a) => a.title).slice(0, 1), ['Require diffusers>=0.29.0'], JSON.stringify(actions.map((a) => a.title)));
    assert.equal(new Set(actions.map((a) => a.title)).size, actions.length, 'each fix is offered once');
    const edit = preferred[0].edit!.changes![s.uri('requirements.txt')];
    const doc = TextDocument.create(s.uri('requirements.txt'), 'pip-requirements', 3, readFileSync(join(s.dir, 'requirements.txt'), 'utf8'));
    assert.equal(TextDocument.applyEdits(doc, edit), doc.getText().replace('diffusers>=0.21.0', 'diffusers>=0.29.0'));
    const fixAll = await s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri: s.uri('requirements.txt') }, range: diag.range,
      context: { diagnostics: [], only: ['source.fixAll.mlPins'] } }) as CodeAction[];
    assert.equal(fixAll.length, 1);
    assert.equal(fixAll[0].kind, 'source.fixAll.mlPins');
    assert.deepEqual(Object.keys(fixAll[0].edit!.changes!), [s.uri('requirements.txt')], 'fix-all of a file edits only that file');
  });

  test('the extension\'s requests: pins of a package, a model saved by a newer library, [tool.ml-pins] settings', async () => {
    const pins = await s.conn.sendRequest('mlPins/pinsOf', { uri: s.uri('pyproject.toml'), name: 'transformers' }) as { uri: string; text: string }[];
    assert.deepEqual(pins.map((p) => `${p.uri.split('/').pop()} ${p.text}`).sort(), ['pyproject.toml transformers>=4.35.0', 'requirements.txt transformers>=4.35.0', 'setup_ai_models.py transformers==4.30.0']);
    const model = { uri: s.uri('pyproject.toml'), model: 'org/m', library: 'transformers' };
    const below = await s.conn.sendRequest('mlPins/modelFindings', { ...model, version: '4.31.0' }) as { code: string; severity: string; message: string }[];
    assert.deepEqual(below.map((p) => [p.code, p.severity, p.message]), [['model-needs-newer-library', 'warning',
      'org/m was saved with transformers 4.31.0, but transformers==4.30.0 allows no version that new.']], 'only the environment pinned to 4.30.0 allows nothing as new as 4.31.0');
    const none = await s.conn.sendRequest('mlPins/modelFindings', { ...model, version: '4.30.0' }) as unknown[];
    assert.deepEqual(none, [], 'every environment allows 4.30.0 or later');
    const settings = await s.conn.sendRequest('mlPins/projectSettings', { uri: s.uri('pyproject.toml') }) as { models: string[] };
    assert.ok(Array.isArray(settings.models));
  });

  test('hover: what the pin allows, what a new install picks, and the rule page', async () => {
    const hover = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: s.uri('requirements.txt') }, position: { line: 7, character: 3 } }) as Hover;
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /a new install today would pick/);
    assert.match(value, /`cached_download`/);
    assert.match(value, /\[Sources\]\(https:\/\/example\.invalid\/rules\/hf-hub-cached-download\.md\)/);
  });

  test('executeCommand fix-all-in-workspace: one workspace/applyEdit that leaves the workspace clean', async () => {
    s.edits.length = 0;
    const applied = await s.conn.sendRequest('workspace/executeCommand', { command: 'mlPins.server.fixAllInWorkspace' }) as number;
    assert.ok(applied > 0);
    assert.equal(s.edits.length, 1);
    const changes = s.edits[0].changes!;
    const pyprojectBefore = readFileSync(join(s.dir, 'pyproject.toml'), 'utf8');
    for (const [uri, edits] of Object.entries(changes)) {
      const file = new URL(uri).pathname;
      const doc = TextDocument.create(uri, 'x', 1, readFileSync(file, 'utf8'));
      writeFileSync(file, TextDocument.applyEdits(doc, edits));
    }
    const py = readFileSync(join(s.dir, 'setup_ai_models.py'), 'utf8');
    assert.match(py, /"diffusers>=0\.29\.0",/);
    assert.match(py, /"transformers>=4\.35\.0",/);
    const pyproject = readFileSync(join(s.dir, 'pyproject.toml'), 'utf8');
    assert.match(pyproject, /"diffusers>=0\.29\.0",/);
    // A pyproject installed with pip gets the public torch version (pip ignores the uv tables); requires-python keeps
    // its floor; every other line stays.
    assert.match(pyproject, /"torch==2\.2\.0",/);
    assert.match(pyproject, /requires-python = ">=3\.9(,<3\.\d+)?"\n/);
    for (const line of pyprojectBefore.split('\n').filter((l) => !/diffusers|"torch==|requires-python/.test(l))) assert.ok(pyproject.includes(line), `line lost: ${line}`);
    // The editor applies the open document's edit as a change; files on disk are reported by the watcher.
    await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri('requirements.txt'), version: 4 },
      contentChanges: [{ text: readFileSync(join(s.dir, 'requirements.txt'), 'utf8') }] });
    await s.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: Object.keys(changes).map((uri) => ({ uri, type: 2 })) });
    await s.conn.sendRequest('mlPins/whenIdle');
    const r = await s.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] }) as WorkspaceDiagnosticReport;
    const left = r.items.flatMap((i) => (i.kind === 'full' ? i.items.map((d) => `${i.uri.split('/').pop()} ${d.code}`) : []));
    assert.deepEqual(left, []);
  });

  test('shutdown and exit end the process with code 0', async () => {
    assert.equal(await stop(s), 0);
  });
});

describe('ml-pins server over stdio (a client without pull diagnostics)', () => {
  test('diagnostics are published, for files that are not open too', async () => {
    const s = await startSession({ pull: false });
    try {
      const deadline = Date.now() + 20_000;
      while (!s.published.get(s.uri('setup_ai_models.py'))?.some((d) => d.code === 'inconsistent-pins')) {
        assert.ok(Date.now() < deadline, `nothing published: ${JSON.stringify([...s.published.keys()])}`);
        await sleep(50);
      }
      assert.ok(codes(s.published.get(s.uri('pyproject.toml')) ?? []).includes('hf-hub-cached-download'));
    } finally {
      assert.equal(await stop(s), 0);
    }
  });
});

describe('ml-pins server over stdio (responsiveness)', () => {
  test('an open document is answered before the background scan of 2,000 manifests ends', async () => {
    const s = await startSession({ pull: true, manifests: 2000 });
    try {
      await open(s, 'requirements.txt');
      const report = await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: s.uri('requirements.txt') } }) as DocumentDiagnosticReport;
      const endedBefore = s.progress.some((p) => (p as { value?: { kind?: string } }).value?.kind === 'end');
      assert.equal(endedBefore, false, 'the open document waited for the whole scan');
      assert.ok(report.kind === 'full' && report.items.some((d) => d.code === 'hf-hub-cached-download'));
      await s.conn.sendRequest('mlPins/whenIdle');
      assert.ok(s.progress.some((p) => (p as { value?: { kind?: string } }).value?.kind === 'end'));
      const all = await s.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] }) as WorkspaceDiagnosticReport;
      assert.ok(all.items.length >= 2000, `the scan covered ${all.items.length} files`);
    } finally {
      assert.equal(await stop(s), 0);
    }
  });
});

describe('ml-pins server over stdio (the background sweep\'s order)', () => {
  test('the largest groups are checked first: their shapes are in the code V8 optimizes during the sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-lsp-order-'));
    for (let i = 0; i < 30; i++) {
      mkdirSync(join(dir, `a-${i}`));
      writeFileSync(join(dir, `a-${i}`, 'requirements.txt'), `torch==2.${i % 9}.0\nnumpy<2\n`);
    }
    mkdirSync(join(dir, 'z-big'));
    writeFileSync(join(dir, 'z-big', 'requirements.txt'), Array.from({ length: 60 }, (_, i) => `package-${i}==1.${i}.0`).join('\n'));
    const trace = join(dir, 'trace.log');
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'server', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ML_PINS_TRACE: trace } });
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onNotification('mlPins/status', () => undefined);
    conn.onNotification('textDocument/publishDiagnostics', () => undefined);
    conn.listen();
    try {
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'order' }],
        capabilities: { window: { workDoneProgress: true } } });
      await conn.sendNotification('initialized', {});
      await conn.sendRequest('mlPins/whenIdle');
      const checked = readFileSync(trace, 'utf8').split('\n').map((l) => /checked \d+ manifests? under (\S+)/.exec(l)?.[1]).filter((x) => x !== undefined);
      assert.equal(checked.length, 31, checked.join(' '));
      assert.equal(checked[0], join(dir, 'z-big'), `checked first: ${checked[0]}`);
    } finally {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      conn.dispose();
    }
  });
});
