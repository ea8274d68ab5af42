// Live metadata in a real VS Code: a requirement file names a loopback PEP 691/658 index (with credentials in its
// URL); diagnostics appear first from the bundled snapshot (which knows nothing of these packages), and are refined
// when the index answers (a yanked pin, an environment pip cannot install). mlPins.offline goes back to the snapshot.
// Upgrade fixes from the resolver are applied and the result resolved again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { MlPinsApi } from '../../src/extension/activate';
import { startIndex, type RunningIndex } from '../support/index-server';
import { resolve, targetEnvironment } from '../../src/core/resolver';
import type { PackageMetadata } from '../../src/core/metadata/types';

let api: MlPinsApi;
const folder = () => vscode.workspace.workspaceFolders![0].uri;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const mlPins = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ML Pins');

async function waitFor(uri: vscode.Uri, predicate: (ds: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await api.checker.whenIdle();
    const ds = mlPins(uri);
    if (predicate(ds)) return ds;
    if (Date.now() > deadline) assert.fail(`${what}; diagnostics: ${JSON.stringify(ds.map((d) => `${codeOf(d)} ${d.range.start.line}: ${d.message}`))}`);
    await sleep(150);
  }
}

/** The same ecosystem as the index serves, for resolving edited files again. */
const RELEASES = {
  'acme-core': [{ version: '1.0.0', yanked: 'corrupt wheel' }, { version: '1.1.0' }, { version: '1.2.0' }],
  'acme-plugin': [{ version: '2.0.0', requires_dist: ['acme-core>=1.1'] }, { version: '2.1.0', requires_dist: ['acme-core>=1.2'] }],
  'acme-cli': [{ version: '0.1.0', requires_dist: ['acme-plugin==2.0.0'] }, { version: '0.2.0', requires_dist: ['acme-plugin==2.1.0'] }],
} as Record<string, { version: string; requires_dist?: string[]; yanked?: string }[]>;

function resolvesWith(text: string): Map<string, string> | undefined {
  const source = (name: string): PackageMetadata | undefined => RELEASES[name] && {
    format: 1, name, snapshot_date: '2026-12-06', complete_through: RELEASES[name][RELEASES[name].length - 1].version,
    releases: RELEASES[name].map((r) => ({ versions: [r.version], requires_dist: r.requires_dist ?? [], source: 'test', ...(r.yanked ? { yanked: r.yanked } : {}) })),
  };
  const roots = text.split('\n').filter((l) => /^[a-z]/.test(l)).map((l) => ({ requirement: l.replace(/\s+#.*$/, '') }));
  const r = resolve(roots, source, { environment: targetEnvironment('3.11') });
  return r.ok ? new Map([...r.packages].map(([n, p]) => [n, p.version ?? '*'])) : undefined;
}

suite('live metadata from the project\'s own index', () => {
  let index: RunningIndex;
  let release: () => void = () => {};
  const uri = () => vscode.Uri.joinPath(folder(), 'live', 'requirements.txt');

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<MlPinsApi>(`${pkg.publisher}.${pkg.name}`)!.activate();
    const gate = new Promise<void>((ok) => { release = ok; });
    index = await startIndex({ packages: RELEASES, gate });
  });
  suiteTeardown(async () => {
    release();
    await index?.close();
  });

  test('diagnostics come from the snapshot first and are refined when the index answers', async () => {
    const secret = index.url.replace('http://', 'http://alice:s3cr3t-token@');
    await vscode.workspace.fs.writeFile(uri(), new TextEncoder().encode(`--index-url ${secret}\nacme-core==1.0.0\nacme-plugin==2.0.0\n`));
    const doc = await vscode.workspace.openTextDocument(uri());
    await vscode.window.showTextDocument(doc);
    // The index holds every answer back: the check has run from the snapshot, which does not know these packages.
    await api.checker.whenIdle();
    await sleep(500);
    await api.checker.whenIdle();
    // (What the selected interpreter has installed is reported too: not what this suite is about.)
    const fromMetadata = (ds: vscode.Diagnostic[]) => ds.map(codeOf).filter((c) => !c.startsWith('installed-'));
    try {
      assert.deepEqual(fromMetadata(mlPins(uri())), [], 'from the snapshot: nothing known');
    } finally {
      release();
    }
    const ds = await waitFor(uri(), (d) => d.some((x) => codeOf(x) === 'yanked-release') && d.some((x) => codeOf(x) === 'declared-requirement'), 'refined from the index');
    const yanked = ds.find((x) => codeOf(x) === 'yanked-release')!;
    assert.equal(yanked.range.start.line, 1);
    assert.equal(yanked.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(yanked.message, /corrupt wheel/);
    // pip refuses the pair: said once, by the rule that reads acme-plugin's Requires-Dist, at the pin that declares it
    // (the resolver's own resolution-conflict would repeat it).
    const conflict = ds.filter((x) => codeOf(x) === 'declared-requirement');
    assert.deepEqual(conflict.map((c) => c.range.start.line), [2]);
    assert.match(conflict[0].message, /acme-plugin==2\.0\.0 declares acme-core 1\.1 and later/);
    assert.ok(!ds.some((x) => codeOf(x) === 'resolution-conflict'), 'the conflict is said once');
    // Credentials reached the index as a header, and no diagnostic repeats them.
    assert.ok(index.requests.length > 0 && index.requests.every((q) => q.authorization === `Basic ${Buffer.from('alice:s3cr3t-token').toString('base64')}`));
    assert.ok(ds.every((d) => !d.message.includes('s3cr3t') && !(d.relatedInformation ?? []).some((r) => r.message.includes('s3cr3t'))));
  });

  test('the upgrade quick fix on the conflict resolves: applied, the findings go, and the resolver agrees', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    const ds = await waitFor(uri(), (d) => d.some((x) => codeOf(x) === 'declared-requirement'), 'the conflict');
    // The rule's finding carries the resolver's upgrade (the newest set that installs).
    const diag = ds.find((x) => codeOf(x) === 'declared-requirement' && x.range.start.line === 2)!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(), diag.range, vscode.CodeActionKind.QuickFix.value);
    const upgrade = actions.find((a) => /^Upgrade acme-core to 1\.2\.0/.test(a.title));
    assert.ok(upgrade?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(upgrade.edit));
    assert.equal(doc.getText().split('\n').slice(1).join('\n'), 'acme-core==1.2.0\nacme-plugin==2.0.0\n');
    await waitFor(uri(), (d) => !d.some((x) => ['declared-requirement', 'resolution-conflict', 'yanked-release'].includes(codeOf(x))), 'the findings went away');
    assert.deepEqual(resolvesWith(doc.getText()), new Map([['acme-core', '1.2.0'], ['acme-plugin', '2.0.0']]));
    await doc.save();
  });

  test('a refactor action upgrades a group of pins to the newest set that installs together', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri(), new vscode.Range(1, 0, doc.lineCount, 0), 'acme-core==1.2.0\nacme-plugin==2.0.0\nacme-cli==0.1.0  # keep this comment\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor(uri(), (d) => !d.some((x) => ['declared-requirement', 'resolution-conflict'].includes(codeOf(x))), 'installable');
    // acme-cli is new to the server: its metadata arrives in the background, and with it the action.
    let actions: vscode.CodeAction[] = [];
    let group: vscode.CodeAction | undefined;
    for (const deadline = Date.now() + 30_000; !group && Date.now() < deadline; await sleep(200)) {
      actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri(), new vscode.Range(3, 2, 3, 2), vscode.CodeActionKind.Refactor.value);
      group = actions.find((a) => a.title.startsWith('Upgrade acme-plugin and acme-cli to the newest set that installs together (2.1.0 / 0.2.0)'));
    }
    assert.ok(group?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(group.edit));
    assert.equal(doc.getText().split('\n').slice(1).join('\n'), 'acme-core==1.2.0\nacme-plugin==2.1.0\nacme-cli==0.2.0  # keep this comment\n');
    assert.deepEqual(resolvesWith(doc.getText()), new Map([['acme-core', '1.2.0'], ['acme-plugin', '2.1.0'], ['acme-cli', '0.2.0']]));
    await waitFor(uri(), (d) => !d.some((x) => codeOf(x) === 'resolution-conflict'), 'still installable');
    await doc.save();
  });

  test('mlPins.offline: back to the snapshot only', async () => {
    const doc = await vscode.workspace.openTextDocument(uri());
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri(), new vscode.Range(1, 0, doc.lineCount, 0), 'acme-core==1.0.0\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor(uri(), (d) => d.some((x) => codeOf(x) === 'yanked-release'), 'online: the yanked pin');
    const config = vscode.workspace.getConfiguration('mlPins');
    await config.update('offline', true, vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor(uri(), (d) => !d.some((x) => codeOf(x) === 'yanked-release'), 'offline: the snapshot knows no yank');
    } finally {
      await config.update('offline', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('workbench.action.files.revert', doc.uri);
    }
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'live'), { recursive: true });
  });
});
