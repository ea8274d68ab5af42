// Smoke suite: the extension is installed (or under development), activates, and the test workspace is open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import pkg from '../../package.json';

const extensionId = `${pkg.publisher}.${pkg.name}`; // ml-pins.ml-pins

suite('smoke', () => {
  test(`extension ${extensionId} is present and activates`, async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `extension ${extensionId} not found`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('the test workspace folder is open and trusted', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected exactly one workspace folder');
    const expected = process.env.ML_PINS_TEST_WORKSPACE_COPY; // set by the runners
    if (expected) assert.equal(folders[0].uri.path, vscode.Uri.file(expected).path);
    assert.equal(vscode.workspace.isTrusted, true);
  });
});
