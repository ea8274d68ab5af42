// The extension in a real VS Code, on a copy of examples/seed-project: diagnostics, unsaved edits, quick fixes,
// fix-all on save, hovers, the requirements language, and broken TOML.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { MlPinsApi } from '../../src/extension/activate';
import { screenshot } from './harness';

const extensionId = `${pkg.publisher}.${pkg.name}`;
let api: MlPinsApi;
const folder = () => vscode.workspace.workspaceFolders![0].uri;
const file = (name: string) => vscode.Uri.joinPath(folder(), name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mlPins(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ML Pins');
}
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

/** Waits until `predicate` holds for the file's diagnostics (checks are debounced and asynchronous). */
async function waitFor(uri: vscode.Uri, predicate: (ds: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    await api.checker.whenIdle();
    const ds = mlPins(uri);
    if (predicate(ds)) return ds;
    if (Date.now() > deadline) assert.fail(`${what}; diagnostics: ${JSON.stringify(ds.map((d) => `${codeOf(d)} ${d.range.start.line}:${d.range.start.character}`))}`);
    await sleep(100);
  }
}

/** A picture of the hover as VS Code shows it (with the diagnostic above it). */
async function screenshotHover(doc: vscode.TextDocument, at: vscode.Position): Promise<void> {
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(at, at);
  // Below the line, where it has the room to show whole (with the diagnostic above it).
  const config = vscode.workspace.getConfiguration('editor');
  await config.update('hover.above', false, vscode.ConfigurationTarget.Workspace);
  try {
    editor.revealRange(new vscode.Range(at.line - 3, 0, at.line - 3, 0), vscode.TextEditorRevealType.AtTop);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1500);
    await screenshot('hover.png');
  } finally {
    await config.update('hover.above', undefined, vscode.ConfigurationTarget.Workspace);
  }
}

async function revert(doc: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}

suite('ML Pins in VS Code', () => {
  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<MlPinsApi>(extensionId)!;
    api = await ext.activate();
  });

  test('diagnostics on the seed project: codes, ranges, severities, source, links', async () => {
    const uri = file('pyproject.toml');
    const ds = await waitFor(uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'no cached_download warning');
    const hub = ds.find((x) => codeOf(x) === 'hf-hub-cached-download')!;
    assert.equal(hub.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([hub.range.start.line, hub.range.start.character, hub.range.end.line, hub.range.end.character], [13, 5, 13, 22]);
    assert.match(hub.message, /huggingface_hub 0\.26/);
    // The code links to the rule page, shown rendered (see 'rule pages open read-only and rendered').
    assert.equal(typeof hub.code === 'object' && hub.code.target.toString(true), 'command:mlPins.showRule?["hf-hub-cached-download"]');
    const noIndex = ds.find((x) => codeOf(x) === 'torch-variant-no-index');
    assert.ok(noIndex, 'the ROCm pin without its index');
    assert.equal(noIndex.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(noIndex.range.start.line, 10);
    // Files that are not open are checked too, and cross-file findings point at each other.
    const py = await waitFor(file('setup_ai_models.py'), (d) => d.some((x) => codeOf(x) === 'inconsistent-pins'), 'no cross-file finding');
    const cross = py.find((x) => codeOf(x) === 'inconsistent-pins')!;
    assert.ok(cross.relatedInformation?.some((r) => r.location.uri.path.endsWith('/pyproject.toml')));
  });

  test('diagnostics follow unsaved edits', async () => {
    const doc = await vscode.workspace.openTextDocument(file('pyproject.toml'));
    await vscode.window.showTextDocument(doc);
    const line = doc.lineAt(13);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, line.range, '    "diffusers>=0.29.0",');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(doc.isDirty, true);
    await waitFor(doc.uri, (d) => !d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'the warning stayed after the fix was typed');
    await revert(doc);
    await waitFor(doc.uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'the warning did not come back after revert');
  });

  test('the preferred quick fix changes exactly the pin', async () => {
    const doc = await vscode.workspace.openTextDocument(file('requirements.txt'));
    const ds = await waitFor(doc.uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'no warning in requirements.txt');
    const diag = ds.find((x) => codeOf(x) === 'hf-hub-cached-download')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    // (The API command does not carry an action's diagnostics back, so the action is found by its title.)
    const preferred = actions.filter((a) => a.isPreferred && a.title === 'Require diffusers>=0.29.0');
    assert.equal(preferred.length, 1, JSON.stringify(actions.map((a) => `${a.title}${a.isPreferred ? ' (preferred)' : ''}`)));
    assert.equal(new Set(actions.map((a) => a.title)).size, actions.length, 'each fix is offered once');
    const before = doc.getText();
    assert.ok(await vscode.workspace.applyEdit(preferred[0].edit!));
    const after = doc.getText();
    assert.equal(after, before.replace('diffusers>=0.21.0', 'diffusers>=0.29.0'));
    await revert(doc);
  });

  test('fix-all on save (editor.codeActionsOnSave source.fixAll.mlPins)', async () => {
    const config = vscode.workspace.getConfiguration('editor', { languageId: 'pip-requirements' });
    await config.update('codeActionsOnSave', { 'source.fixAll.mlPins': 'explicit' }, vscode.ConfigurationTarget.Workspace);
    const doc = await vscode.workspace.openTextDocument(file('requirements.txt'));
    const original = doc.getText();
    try {
      await vscode.window.showTextDocument(doc);
      await waitFor(doc.uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'no warning before save');
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(doc.lineCount - 1, 0), '');
      edit.insert(doc.uri, new vscode.Position(0, 0), '# fixed on save\n');
      await vscode.workspace.applyEdit(edit);
      await api.checker.whenIdle();
      await doc.save();
      assert.match(doc.getText(), /^diffusers>=0\.29\.0$/m);
      await waitFor(doc.uri, (d) => !d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'the warning survived fix-all');
      // Only the preferred fixes ran: the cross-file pin (whose fix is not preferred here) is untouched.
      assert.match(doc.getText(), /^transformers>=4\.35\.0$/m);
    } finally {
      await config.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace);
      const restore = new vscode.WorkspaceEdit();
      restore.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), original);
      await vscode.workspace.applyEdit(restore);
      await doc.save();
    }
  });

  test('hover: what the pin allows and picks, the why and fix in a line each, Sources to the rule page', async () => {
    const doc = await vscode.workspace.openTextDocument(file('pyproject.toml'));
    const ds = await waitFor(doc.uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'no warning');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(13, 8));
    const contents = hovers.flatMap((h) => h.contents).filter((c): c is vscode.MarkdownString => c instanceof vscode.MarkdownString);
    const text = contents.map((c) => c.value).join('\n');
    assert.match(text, /`diffusers>=0\.21\.0`/); // a code span, no escapes in it
    assert.match(text, /Allows `0\.21\.0` and later; a new install today would pick/);
    assert.match(text, /installed with pip/i); // the environment's installer (a setuptools project)
    assert.match(text, /diffusers before 0\.29\.0 imports `cached_download`/);
    assert.match(text, /\*\*Fix:\*\* Require diffusers>=0\.29\.0/);
    assert.match(text, /\[Sources\]\(command:mlPins\.showRule\?/);
    // Not repeated from the diagnostic VS Code shows above it, and no evidence dump.
    const message = ds.find((x) => codeOf(x) === 'hf-hub-cached-download')!.message;
    assert.ok(!text.includes(message.slice(0, 40)), text);
    assert.doesNotMatch(text, /[0-9a-f]{10,}/);
    assert.ok(text.split('\n').length <= 12, text);
    // The link runs only the rule-page command (the client trusts that one command).
    assert.ok(contents.some((c) => typeof c.isTrusted === 'object' && c.isTrusted.enabledCommands.includes('mlPins.showRule')), JSON.stringify(contents.map((c) => c.isTrusted)));
    await screenshotHover(doc, new vscode.Position(13, 8));
  });

  test('rule pages open read-only and rendered, with a link to the online page', async () => {
    const doc = await vscode.workspace.openTextDocument(file('pyproject.toml'));
    const ds = await waitFor(doc.uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'no warning');
    const target = (ds.find((x) => codeOf(x) === 'hf-hub-cached-download')!.code as { target: vscode.Uri }).target;
    // What VS Code does when the code link is clicked: run the command with the link's arguments.
    await vscode.commands.executeCommand(target.path, ...JSON.parse(target.query));
    const deadline = Date.now() + 10_000;
    const preview = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
      .find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType));
    while (!preview() && Date.now() < deadline) await sleep(100);
    const tab = preview();
    assert.ok(tab, `no Markdown preview; tabs: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`);
    assert.match(tab.label, /hf-hub-cached-download/);
    // No text editor on the page, and the page is a virtual document, not the file in the install folder.
    assert.ok(!vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputText && /hf-hub-cached-download/.test(t.input.uri.path)));
    const page = await vscode.workspace.openTextDocument(vscode.Uri.parse('ml-pins-rule:/hf-hub-cached-download.md'));
    assert.match(page.getText(), /^# hf-hub-cached-download: /);
    assert.match(page.getText(), /\[This page online\]\(https:\/\/github\.com\/ml-pins\/ml-pins\/blob\/main\/docs\/rules\/hf-hub-cached-download\.md\)/);
    // Read-only: the page comes from a content provider, and no file system can write (or save) that scheme.
    assert.notEqual(vscode.workspace.fs.isWritableFileSystem('ml-pins-rule'), true);
    assert.equal(vscode.workspace.fs.isWritableFileSystem(doc.uri.scheme), true);
    await sleep(2000); // the preview renders in its webview
    await screenshot('rule-page.png');
    await vscode.window.tabGroups.close(tab);
  });

  test('hover on a release newer than the metadata snapshot says so', async function () {
    // The snapshot the extension ships (metadata/ beside dist/), read as the extension reads it.
    const base = vscode.extensions.getExtension(extensionId)!.extensionUri;
    let index: { snapshot_date: string; packages: Record<string, { complete_through: string }> };
    try {
      index = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(base, 'metadata', 'snapshot.json'))));
    } catch {
      return this.skip(); // no snapshot in this checkout
    }
    const [name, row] = Object.entries(index.packages)[0];
    const uri = file('requirements-snapshot.txt');
    // A version far beyond the snapshot's newest release, and the newest release itself.
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${name}==9999.0.0\n${name}==${row.complete_through}\n`));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await api.checker.whenIdle();
      const hoverAt = async (line: number) => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 1));
        // Markdown escapes removed.
        return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n').replace(/\\/g, '');
      };
      assert.ok((await hoverAt(0)).includes(`newer than the knowledge snapshot (${index.snapshot_date})`), await hoverAt(0));
      assert.doesNotMatch(await hoverAt(1), /newer than the knowledge snapshot/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('requirement files get the pip-requirements language', async () => {
    const doc = await vscode.workspace.openTextDocument(file('requirements.txt'));
    assert.equal(doc.languageId, 'pip-requirements');
  });

  test('malformed pyproject.toml: one syntax diagnostic, the rest keeps working', async () => {
    const doc = await vscode.workspace.openTextDocument(file('pyproject.toml'));
    await vscode.window.showTextDocument(doc);
    const before = mlPins(file('requirements.txt')).map(codeOf).sort();
    assert.ok(before.length > 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(5, 0), 'name = = "broken\n');
    await vscode.workspace.applyEdit(edit);
    try {
      const ds = await waitFor(doc.uri, (d) => d.some((x) => codeOf(x) === 'toml-syntax'), 'no toml-syntax diagnostic');
      const syntax = ds.find((x) => codeOf(x) === 'toml-syntax')!;
      assert.equal(syntax.range.start.line, 5);
      assert.equal(syntax.severity, vscode.DiagnosticSeverity.Error);
      // The broken file reports only its syntax error; the other manifests keep theirs (less any pin shared with it).
      assert.deepEqual(ds.map(codeOf), ['toml-syntax']);
      const after = mlPins(file('requirements.txt')).map(codeOf);
      assert.ok(after.includes('hf-hub-cached-download'), `requirements.txt lost its diagnostics: ${after}`);
    } finally {
      await revert(doc);
    }
    await waitFor(doc.uri, (d) => !d.some((x) => codeOf(x) === 'toml-syntax'), 'the syntax error stayed after revert');
  });

  test('a picture: the squiggle and the open lightbulb menu', async () => {
    const doc = await vscode.workspace.openTextDocument(file('pyproject.toml'));
    const editor = await vscode.window.showTextDocument(doc);
    await waitFor(doc.uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'no warning');
    editor.selection = new vscode.Selection(13, 8, 13, 8);
    editor.revealRange(new vscode.Range(8, 0, 20, 0));
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    await vscode.commands.executeCommand('editor.action.quickFix');
    await sleep(1500);
    await screenshot('quick-fix.png');
    await vscode.commands.executeCommand('hideCodeActionWidget');
  });

  test('changing a setting re-checks at once', async () => {
    const uri = file('pyproject.toml');
    await waitFor(uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'no warning');
    const config = vscode.workspace.getConfiguration('mlPins');
    await config.update('disabledRules', ['hf-hub-cached-download'], vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor(uri, (d) => !d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'disabling the rule did not remove it');
      await config.update('admittedCombinations', 'information', vscode.ConfigurationTarget.Workspace);
      await waitFor(uri, (d) => d.some((x) => codeOf(x) === 'inconsistent-pins'), 'other rules went away too');
    } finally {
      await config.update('disabledRules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const ds = await waitFor(uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'the rule did not come back');
    assert.equal(ds.find((x) => codeOf(x) === 'hf-hub-cached-download')!.severity, vscode.DiagnosticSeverity.Information);
    await config.update('admittedCombinations', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(uri, (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download' && x.severity === vscode.DiagnosticSeverity.Warning), 'the level did not return');
  });

  test('ML Pins: Fix All in Workspace fixes files that are not open, then the workspace is clean', async () => {
    const names = ['pyproject.toml', 'requirements.txt', 'server-setup.sh', 'setup_ai_models.py'];
    const originals = new Map<string, Uint8Array>();
    for (const n of names) originals.set(n, await vscode.workspace.fs.readFile(file(n)));
    try {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('mlPins.fixAllInWorkspace');
      for (const n of names) {
        const doc = await vscode.workspace.openTextDocument(file(n));
        if (doc.isDirty) await doc.save();
      }
      for (const n of names) await waitFor(file(n), (d) => d.length === 0, `${n} is not clean`);
      const py = new TextDecoder().decode(await vscode.workspace.fs.readFile(file('setup_ai_models.py')));
      assert.match(py, /"diffusers>=0\.29\.0",/);
      assert.match(py, /"transformers>=4\.35\.0",/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      for (const [n, bytes] of originals) await vscode.workspace.fs.writeFile(file(n), bytes);
      await waitFor(file('pyproject.toml'), (d) => d.some((x) => codeOf(x) === 'hf-hub-cached-download'), 'the files were not restored');
    }
  });

  test('files that appear, change and disappear on disk are checked without being opened', async () => {
    const uri = file('requirements-gpu.txt');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('torch==2.2.0\ntorchvision==0.18.0\n'));
    try {
      await waitFor(uri, (d) => d.some((x) => codeOf(x) === 'torchvision-torch-mismatch'), 'a new file was not checked');
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('torch==2.2.0\ntorchvision==0.17.0\n'));
      await waitFor(uri, (d) => !d.some((x) => codeOf(x) === 'torchvision-torch-mismatch'), 'a change on disk was not seen');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await waitFor(uri, (d) => d.length === 0, 'diagnostics of a deleted file stayed');
  });

  test('a quick fix that edits another file goes through one WorkspaceEdit', async () => {
    const uri = file('pyproject.toml');
    const ds = await waitFor(uri, (d) => d.some((x) => codeOf(x) === 'inconsistent-pins'), 'no cross-file finding');
    const diag = ds.find((x) => codeOf(x) === 'inconsistent-pins')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const align = actions.find((a) => a.isPreferred && a.title.startsWith('Make the other pins of transformers agree'));
    assert.ok(align?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(align.edit.entries().map(([u]) => u.path.split('/').pop()), ['setup_ai_models.py']);
    assert.ok(await vscode.workspace.applyEdit(align.edit));
    const py = await vscode.workspace.openTextDocument(file('setup_ai_models.py'));
    try {
      assert.match(py.getText(), /"transformers>=4\.35\.0",/);
      await waitFor(uri, (d) => !d.some((x) => codeOf(x) === 'inconsistent-pins'), 'the cross-file finding stayed');
    } finally {
      await revert(py);
    }
  });
});
