// The extension as a client of the ML Pins language server: the engine runs in the server process, the server gets
// the interpreter, offers the fix-all code lens, and the status item follows its state.
import * as assert from 'node:assert/strict';
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
});
