// The extension as a client of the ML Pins language server: the engine runs in the server process, the server gets
// the interpreter, offers the fix-all code lens, and the status item follows its state.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { MlPinsNodeApi } from '../../src/extension/extension';

let api: MlPinsNodeApi;
const folder = () => vscode.workspace.workspaceFolders![0].uri;

suite('the language server behind the extension', () => {
  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<MlPinsNodeApi>(`${pkg.publisher}.${pkg.name}`)!.activate();
    await api.checker.whenIdle();
  });

  test('the client runs the ml-pins server with pull diagnostics', () => {
    assert.equal(api.client.isRunning(), true);
    const init = api.client.initializeResult!;
    assert.equal(init.serverInfo?.name, 'ml-pins');
    assert.ok(init.capabilities.diagnosticProvider, 'pull diagnostics');
    assert.ok(init.capabilities.executeCommandProvider?.commands.includes('mlPins.server.fixAllInWorkspace'));
  });

  test('the interpreter of the folder reaches the server', async () => {
    const deadline = Date.now() + 20_000;
    let got: { executable?: string } | null = null;
    while (!(got = await api.client.sendRequest<{ executable?: string } | null>('mlPins/interpreterOf', { folder: folder().toString() }))) {
      assert.ok(Date.now() < deadline, 'no interpreter was sent');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(got.executable ?? '', /python/);
  });

  test('a code lens offers to fix the file', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'pyproject.toml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.command?.command === 'mlPins.server.fixAllInFile');
    assert.ok(lens, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.match(lens.command!.title, /^ML Pins: fix \d+ problems in this file$/);
  });

  test('the status reports the counts once the server is idle', async () => {
    await api.checker.whenIdle();
    const deadline = Date.now() + 10_000;
    while (api.checker.status.checking) {
      assert.ok(Date.now() < deadline, 'the status still says checking');
      await new Promise((r) => setTimeout(r, 100));
    }
    const errors = api.checker.allFindings().filter((f) => f.finding.severity === 'error').length;
    assert.equal(api.checker.status.errors, errors);
    assert.ok(errors > 0);
  });

  test('the selected interpreter\'s installed environment: an installed break is an error on the pin', async () => {
    // A virtual environment as pip leaves it (pyvenv.cfg, dist-info METADATA), with a pair that breaks at import.
    const venv = mkdtempSync(join(tmpdir(), 'ml-pins-venv-'));
    writeFileSync(join(venv, 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.9\n');
    for (const [name, version] of [['diffusers', '0.21.0'], ['huggingface_hub', '0.26.2']]) {
      const dist = join(venv, 'lib', 'python3.11', 'site-packages', `${name}-${version}.dist-info`);
      mkdirSync(dist, { recursive: true });
      writeFileSync(join(dist, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
    }
    const requirements = vscode.Uri.joinPath(folder(), 'requirements.txt');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(requirements));
    const line = (await vscode.workspace.openTextDocument(requirements)).getText().split('\n').findIndex((l) => l.startsWith('diffusers'));
    const installed = () => api.checker.findingsFor(requirements).filter((f) => f.finding.code === 'hf-hub-cached-download'
      && f.diagnostic.severity === vscode.DiagnosticSeverity.Error && /installed diffusers 0\.21\.0 and huggingface_hub 0\.26\.2 break together/.test(f.diagnostic.message));
    const waitFor = async (what: string, done: () => boolean) => {
      const deadline = Date.now() + 30_000;
      while (!done()) {
        assert.ok(Date.now() < deadline, what);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    assert.deepEqual(installed(), [], 'no installed finding before an interpreter is selected');
    const settingsFile = vscode.Uri.joinPath(folder(), '.vscode', 'settings.json');
    const before = await vscode.workspace.fs.readFile(settingsFile).then((b) => b, () => undefined);
    const settings = before ? JSON.parse(new TextDecoder().decode(before)) as Record<string, unknown> : {};
    try {
      // The Python extension's setting (written to the file: it is not registered when that extension is absent).
      await vscode.workspace.fs.writeFile(settingsFile, new TextEncoder().encode(JSON.stringify({ ...settings, 'python.defaultInterpreterPath': venv }, null, 2)));
      await waitFor('the installed break did not appear', () => installed().length === 1);
      assert.equal(installed()[0].diagnostic.range.start.line, line, 'on the diffusers pin');
    } finally {
      if (before) await vscode.workspace.fs.writeFile(settingsFile, before);
      else await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), '.vscode'), { recursive: true });
    }
    // Back to no environment: the installed finding goes.
    await waitFor('the installed break stayed after the interpreter was unset', () => installed().length === 0);
  });
});
