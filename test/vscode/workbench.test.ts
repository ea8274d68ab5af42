// What the workbench shows of ML Pins besides diagnostics: the settings' completion and validation in settings.json,
// the ML Pins log and its command, and the "Get Started" walkthrough. Takes the README's and the walkthrough's
// screenshots of the checked seed project and of the log.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { MlPinsApi } from '../../src/extension/activate';
import { screenshot } from './harness';

const extensionId = `${pkg.publisher}.${pkg.name}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let api: MlPinsApi;
const folder = () => vscode.workspace.workspaceFolders![0].uri;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(what);
    await sleep(200);
  }
}

suite('ML Pins in the workbench', () => {
  suiteSetup(async () => {
    api = (await vscode.extensions.getExtension<MlPinsApi>(extensionId)!.activate());
    await api.checker.whenIdle();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the checked seed project (screenshot for the README and the walkthrough)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllGroups');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder(), 'pyproject.toml'));
    await vscode.window.showTextDocument(doc);
    await until('no diagnostics on pyproject.toml', () => vscode.languages.getDiagnostics(doc.uri).some((d) => d.source === 'ML Pins'));
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await sleep(500);
    await screenshot('checking.png');
  });

  test('settings.json completes and validates rule codes', async () => {
    const uri = vscode.Uri.joinPath(folder(), '.vscode', 'settings.json');
    // An empty settings file when there is none (kept: the later suites write workspace settings into it).
    if (!(await vscode.workspace.fs.stat(uri).then(() => true, () => false))) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{}\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    try {
      // Unsaved: VS Code validates the text as it is, and applies nothing of it.
      const text = '{\n  "mlPins.disabledRules": ["not-a-rule", ""],\n  "mlPins.severityOverrides": { "hf-hub-cached-dowload": "error", "": "off" }\n}\n';
      await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), text));
      const invalid = await until('no validation errors on the unknown codes', () => {
        const ds = vscode.languages.getDiagnostics(uri);
        const on = (needle: string) => ds.some((d) => doc.getText(d.range).includes(needle));
        return on('not-a-rule') && on('hf-hub-cached-dowload') ? ds : undefined;
      });
      assert.ok(!invalid.some((d) => doc.getText(d.range).includes('torch')), 'a valid code is not flagged');
      const labels = async (line: number, character: number) => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, character));
        return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      };
      // Inside the second, empty item of disabledRules, and at the empty key of severityOverrides.
      const itemAt = doc.lineAt(1).text.lastIndexOf('""') + 1;
      const items = await labels(1, itemAt);
      for (const code of ['hf-hub-cached-download', 'torch-python-unsupported', 'inconsistent-pins']) assert.ok(items.some((l) => l.includes(code)), `${code} not offered: ${items.slice(0, 5).join(', ')}`);
      const keyAt = doc.lineAt(2).text.lastIndexOf('""') + 1;
      const keys = await labels(2, keyAt);
      assert.ok(keys.some((l) => l.includes('hf-hub-cached-download')), `no rule code offered as a key: ${keys.slice(0, 5).join(', ')}`);
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    assert.equal(doc.isDirty, false);
  });

  test('"ML Pins: Show Log" shows what the server checked', async () => {
    await vscode.commands.executeCommand('mlPins.recheck');
    await api.checker.whenIdle();
    await vscode.commands.executeCommand('mlPins.showLog');
    const log = await until('the ML Pins log is not shown, or says nothing of the check', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && /ML Pins/.test(d.uri.toString(true)) && /checked \d+ manifest/.test(d.getText())));
    assert.match(log.getText(), /manifests found and read in \d+ ms/);
    assert.match(log.getText(), /language server .* started in \d+ ms/);
    assert.doesNotMatch(log.getText(), /\[Info {2}- /, 'the client\'s own level prefix is not repeated');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    await sleep(500);
    await screenshot('log.png');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
  });

  test('the Get Started walkthrough: its command links and media exist', async () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    const walkthroughs = ext.packageJSON.contributes.walkthroughs as { id: string; steps: { description: string; media: { image?: string; markdown?: string } }[] }[];
    assert.equal(walkthroughs.length, 1);
    const commands = new Set(await vscode.commands.getCommands(true));
    const steps = walkthroughs[0].steps;
    assert.ok(steps.length >= 3);
    for (const step of steps) {
      const links = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.ok(links.length, `a step without a command link: ${step.description}`);
      for (const id of links) assert.ok(commands.has(id), `the walkthrough links to ${id}, which is not a command`);
      const media = step.media.image ?? step.media.markdown!;
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, media));
    }
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${walkthroughs[0].id}`, false);
    await sleep(1000);
    await screenshot('walkthrough.png');
  });
});
