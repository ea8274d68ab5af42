// Run against the extension installed from the .vsix (npm run test:package): it is the packaged copy, it
// activates, and it checks the workspace with what the package ships (bundle, rules' docs, grammar, runner).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import pkg from '../../package.json';

suite('installed from the .vsix', () => {
  test('the installed extension activates and reports the seed project', async () => {
    const ext = vscode.extensions.getExtension(`${pkg.publisher}.${pkg.name}`);
    assert.ok(ext, 'not installed');
    assert.ok(!ext.extensionUri.path.startsWith(vscode.Uri.file(process.env.ML_PINS_REPO ?? '/nonexistent').path), `loaded from the repo: ${ext.extensionUri.path}`);
    assert.equal(ext.packageJSON.version, pkg.version);
    await ext.activate();
    assert.equal(ext.isActive, true);
    for (const shipped of ['dist/extension.js', 'dist/language-client.js', 'dist/server.js', 'dist/web/server.js', 'dist/hub.js', 'python/ml_pins_runner.py', 'python/ml_pins_runner/steps.py', 'python/ml_pins_runner/summary.schema.json', 'docs/rules/hf-hub-cached-download.md', 'syntaxes/pip-requirements.tmLanguage.json']) {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, shipped));
    }
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'pyproject.toml');
    const deadline = Date.now() + 20_000;
    while (!vscode.languages.getDiagnostics(uri).some((d) => d.source === 'ML Pins' && typeof d.code === 'object' && d.code.value === 'hf-hub-cached-download')) {
      assert.ok(Date.now() < deadline, 'no diagnostics from the installed extension');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The walkthrough's media ship, and its command links are the installed extension's commands.
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of ext.packageJSON.contributes.walkthroughs[0].steps as { description: string; media: { image: string } }[]) {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, step.media.image));
      for (const m of step.description.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]), m[1]);
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'requirements.txt'));
    assert.equal(doc.languageId, 'pip-requirements');
  });
});
