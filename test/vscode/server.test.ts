// The extension as a client of the ML Pins language server: the engine runs in the server process, the server gets
// the interpreter, offers the fix-all code lens, and the status item follows its state.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { CheckedFinding } from '../../src/extension/checker';
import type { MlPinsNodeApi } from '../../src/extension/extension';
import type { FileNode, FindingNode, FindingsNode } from '../../src/extension/findingsView';
import { makeVenv, screenshot } from './harness';

async function waitFor(what: string | (() => string), ok: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < deadline, typeof what === 'string' ? what : what());
    await new Promise((r) => setTimeout(r, 100));
  }
}

let api: MlPinsNodeApi;

/** The server idle and the ML Pins view showing what it found (the view refreshes shortly after each change). */
async function viewSettled(): Promise<void> {
  await api.checker.whenIdle();
  await waitFor(() => `the view did not settle: ${api.findings.view.description}`, () => !api.checker.status.checking
    && api.findings.provider.count === api.checker.allFindings().length && !api.findings.view.description?.startsWith('checking'));
}
const folder = () => vscode.workspace.workspaceFolders![0].uri;

/** Another extension's error on `uri`, which ML Pins' own lists must leave out (dispose the collection after). */
function foreignFinding(uri: vscode.Uri): vscode.DiagnosticCollection {
  const other = vscode.languages.createDiagnosticCollection('other-linter');
  const foreign = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), 'a finding of another extension', vscode.DiagnosticSeverity.Error);
  foreign.source = 'other-linter';
  other.set(uri, [foreign]);
  return other;
}

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

  test('the status item shows state: "checking" (never a count) while the server checks, then the count with a label', async () => {
    const seen: [checking: boolean, text: string][] = [];
    const note = () => seen.push([api.checker.status.checking, api.statusItem.text]);
    const sub = api.checker.onDidCheck(note);
    const timer = setInterval(note, 5);
    try {
      await vscode.commands.executeCommand('mlPins.recheck');
      await api.checker.whenIdle();
      const deadline = Date.now() + 10_000;
      while (api.checker.status.checking) {
        assert.ok(Date.now() < deadline, 'the status still says checking');
        await new Promise((r) => setTimeout(r, 50));
      }
      note();
    } finally {
      clearInterval(timer);
      sub.dispose();
    }
    const checking = [...new Set(seen.filter(([c]) => c).map(([, t]) => t))];
    assert.ok(checking.length > 0, 'the re-check was never seen checking');
    for (const text of checking) assert.match(text, /^\$\(sync~spin\) ML Pins: checking(…| \d+\/\d+)$/);
    const errors = api.checker.allFindings().filter((f) => f.finding.severity === 'error').length;
    assert.match(api.statusItem.text, new RegExp(`^\\$\\(error\\) ML Pins: ${errors} errors?(, \\d+ warnings?)?$`));
    assert.equal(api.statusItem.command, 'mlPins.showFindings');
  });

  test("the status item's click reveals the ML Pins view: ML Pins' findings alone, by file, each revealing its pin", async () => {
    const requirements = vscode.Uri.joinPath(folder(), 'requirements.txt');
    const other = foreignFinding(requirements);
    try {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.equal(api.findings.view.visible, false, 'the view starts hidden');
      const view = await vscode.commands.executeCommand<vscode.TreeView<FindingsNode>>(api.statusItem.command as string);
      assert.equal(view, api.findings.view);
      await waitFor('the ML Pins view is not visible', () => api.findings.view.visible);
      // Closing the editors may start a check (the view then says "checking…"): compare once the view has settled.
      await viewSettled();
      const tree = api.findings.provider;
      const files = tree.getChildren() as FileNode[];
      const mine = api.checker.allFindings();
      assert.ok(mine.length > 0);
      // One node per file with ML Pins findings, the files with errors first; each lists that file's findings in order.
      assert.deepEqual(files.map((f) => f.uri.toString()).sort(), [...new Set(mine.map((f) => f.uri.toString()))].sort());
      assert.equal(files[0].findings[0].finding.severity, 'error');
      const listed = files.flatMap((f) => tree.getChildren(f) as FindingNode[]);
      assert.equal(listed.length, mine.length, 'one row per ML Pins finding');
      assert.ok(listed.every((n) => n.finding.diagnostic.source === 'ML Pins'));
      assert.ok(!listed.some((n) => n.finding.diagnostic.message.includes('another extension')));
      for (const f of files) {
        const lines = f.findings.map((x) => x.diagnostic.range.start.line);
        assert.deepEqual(lines, [...lines].sort((a, b) => a - b), `findings of ${f.uri.toString()} by line`);
      }
      assert.deepEqual(api.findings.view.badge, { value: mine.length, tooltip: `ML Pins: ${mine.length} finding${mine.length === 1 ? '' : 's'}` });
      assert.match(api.findings.view.description ?? '', new RegExp(`^${api.checker.status.errors} errors?`));
      // A row: severity icon, first line of the message, code and line; its command selects the pin's exact range.
      const node = listed.find((n) => n.finding.uri.toString() === requirements.toString() && n.finding.diagnostic.range.start.line > 0)!;
      const item = tree.getTreeItem(node);
      assert.equal(item.label, node.finding.diagnostic.message.split('\n')[0]);
      assert.equal(item.description, `${node.finding.finding.code} · line ${node.finding.diagnostic.range.start.line + 1}`);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, node.finding.finding.severity === 'information' ? 'info' : node.finding.finding.severity);
      assert.equal(tree.getParent(node), files.find((f) => f.uri.toString() === requirements.toString()));
      await api.findings.view.reveal(node, { select: true, focus: true });
      await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
      const at = () => vscode.window.activeTextEditor;
      await waitFor(() => `the pin was not selected: ${at()?.document.uri.toString()} ${JSON.stringify(at()?.selection)}`,
        () => at()?.document.uri.toString() === requirements.toString() && at()!.selection.isEqual(node.finding.diagnostic.range));
      await api.checker.whenIdle();
      await waitFor('the status still says checking', () => !api.checker.status.checking);
      await new Promise((r) => setTimeout(r, 300));
      await screenshot('findings-view.png');
    } finally {
      other.dispose();
    }
  });

  test('the ML Pins view follows the diagnostics as they change', async () => {
    const requirements = vscode.Uri.joinPath(folder(), 'requirements.txt');
    const doc = await vscode.workspace.openTextDocument(requirements);
    const editor = await vscode.window.showTextDocument(doc);
    await viewSettled();
    const before = api.findings.provider.count;
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('diffusers'));
    const onDiffusers = () => api.checker.findingsFor(requirements).filter((f) => f.diagnostic.range.start.line === line).length;
    assert.ok(line > 0 && onDiffusers() > 0, 'the seed project has a finding on its diffusers pin');
    try {
      // Unsaved: the server re-checks the edited text; the view follows without a click.
      await editor.edit((e) => e.delete(doc.lineAt(line).rangeIncludingLineBreak));
      await waitFor('the view still lists the removed pin\'s findings', () => api.findings.provider.count < before
        && api.findings.provider.count === api.checker.allFindings().length && api.findings.view.badge?.value === api.findings.provider.count);
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await waitFor('the view did not come back to the saved file\'s findings', () => api.findings.provider.count === before);
    // Nothing to report: the tree is empty (the view then shows its welcome, "no problems"), no badge.
    const config = vscode.workspace.getConfiguration('mlPins');
    await config.update('enable', false, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the view still lists findings with ML Pins disabled', () => api.checker.allFindings().length === 0
        && api.findings.provider.getChildren().length === 0 && api.findings.view.badge === undefined && !api.checker.status.checking);
      assert.equal(api.findings.view.description, undefined);
    } finally {
      await config.update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the view did not list the findings again', () => api.findings.provider.count === before && api.findings.view.badge?.value === before);
  });

  test("ML Pins: Go to a Finding… lists ML Pins' findings alone (not another extension's), and choosing one selects its pin", async () => {
    const requirements = vscode.Uri.joinPath(folder(), 'requirements.txt');
    const other = foreignFinding(requirements);
    try {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      type Row = vscode.QuickPickItem & { finding?: CheckedFinding };
      const pick = await vscode.commands.executeCommand<vscode.QuickPick<Row> | undefined>('mlPins.goToFinding');
      assert.ok(pick, 'no list of findings');
      const rows = pick.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
      const mine = api.checker.allFindings();
      assert.equal(rows.length, mine.length, 'one row per ML Pins finding');
      assert.ok(rows.every((r) => r.finding?.diagnostic.source === 'ML Pins'));
      assert.ok(!rows.some((r) => r.label.includes('another extension')));
      assert.match(pick.title ?? '', new RegExp(`^ML Pins: ${api.checker.status.errors} errors?, `));
      // The files with errors come first, each under its own separator.
      assert.equal(rows[0].finding!.finding.severity, 'error');
      assert.deepEqual(pick.items.filter((i) => i.kind === vscode.QuickPickItemKind.Separator).map((i) => i.label).sort(),
        [...new Set(mine.map((f) => vscode.workspace.asRelativePath(f.uri)))].sort());
      const target = rows.find((r) => r.finding!.uri.toString() === requirements.toString() && r.finding!.diagnostic.range.start.line > 0)!;
      pick.activeItems = [target];
      await new Promise((r) => setTimeout(r, 500));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const deadline = Date.now() + 10_000;
      const at = () => vscode.window.activeTextEditor;
      while (at()?.document.uri.toString() !== requirements.toString() || !at()!.selection.isEqual(target.finding!.diagnostic.range)) {
        assert.ok(Date.now() < deadline, `the pin was not selected: ${at()?.document.uri.toString()} ${JSON.stringify(at()?.selection)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      other.dispose();
    }
  });

  test('the interpreter selected by setting: a real venv with diffusers 0.21.0 and huggingface_hub 0.26.2 is an error on the diffusers pin, and "…, and install it" mends it', async function () {
    this.timeout(300_000);
    const ext = vscode.extensions.getExtension(`${pkg.publisher}.${pkg.name}`)!;
    // The seed project's environment, made as a user would: python3 -m venv, then pip install of (locally built) wheels.
    const work = mkdtempSync(join(tmpdir(), 'ml-pins-venv-'));
    const wheels = join(work, 'wheels');
    const built = spawnSync('python3', [join(ext.extensionPath, 'test', 'python', 'build_wheels.py'), wheels], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const venv = join(work, 'sd-env');
    const py = makeVenv(venv);
    const pip = spawnSync(py, ['-m', 'pip', 'install', '-q', '--no-index', '--find-links', wheels, 'diffusers==0.21.0', 'huggingface-hub==0.26.2'], { encoding: 'utf8' });
    assert.equal(pip.status, 0, pip.stderr);
    assert.match(spawnSync(py, ['-c', 'import diffusers'], { encoding: 'utf8' }).stderr, /cannot import name 'cached_download'/, 'the environment really fails');
    const python = spawnSync(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();

    const requirements = vscode.Uri.joinPath(folder(), 'requirements.txt');
    const doc = await vscode.workspace.openTextDocument(requirements);
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.startsWith('diffusers'));
    const installed = () => api.checker.findingsFor(requirements).filter((f) => f.finding.code === 'hf-hub-cached-download'
      && f.diagnostic.severity === vscode.DiagnosticSeverity.Error && /installed diffusers 0\.21\.0 and huggingface_hub 0\.26\.2/.test(f.diagnostic.message));
    const waitFor = async (what: string, done: () => boolean, ms = 30_000) => {
      const deadline = Date.now() + ms;
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
      // The terminal's pip reads only the local wheels (environment variables win over this machine's pip settings):
      // the install the quick fix runs stays offline.
      await vscode.workspace.fs.writeFile(settingsFile, new TextEncoder().encode(JSON.stringify({ ...settings, 'python.defaultInterpreterPath': join(venv, 'bin', 'python'),
        'terminal.integrated.env.linux': { PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheels } }, null, 2)));
      await waitFor('the installed break did not appear', () => installed().length === 1);
      const finding = installed()[0];
      assert.equal(finding.diagnostic.range.start.line, line, 'on the diffusers pin');
      // The status item names the environment in use and its Python.
      await waitFor(`the status item does not name the environment: ${api.statusItem.text}`, () => api.statusItem.text.endsWith(` · sd-env (Python ${python})`));
      assert.match(api.statusItem.text, /^\$\(error\) ML Pins: \d+ errors?/);

      // "Require diffusers>=0.29.0, and install it": the pin is edited, then pip installs it into the venv (a terminal task).
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', requirements, finding.diagnostic.range);
      const action = actions.find((a) => a.title === 'Require diffusers>=0.29.0, and install it');
      assert.ok(action?.edit && action.command, JSON.stringify(actions.map((a) => a.title)));
      assert.equal(await vscode.workspace.applyEdit(action.edit), true);
      assert.equal(doc.lineAt(line).text, 'diffusers>=0.29.0');
      const exitCode = await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
      assert.equal(exitCode, 0, 'pip install failed');
      assert.equal(spawnSync(py, ['-c', 'import diffusers'], { encoding: 'utf8' }).status, 0, 'import diffusers still fails');
      assert.match(spawnSync(py, ['-m', 'pip', 'show', 'diffusers'], { encoding: 'utf8' }).stdout, /^Version: 0\.29\.0$/m);
      // The environment is read again: the installed break is gone.
      await waitFor('the installed break stayed after the install', () => installed().length === 0);
    } finally {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
      if (before) await vscode.workspace.fs.writeFile(settingsFile, before);
      else await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), '.vscode'), { recursive: true });
    }
  });
});
