// "Install Models and Run Test Generation" in a real VS Code: the ml-pins task runs the bundled runner in a terminal
// with a real venv, real `pip install --no-index --find-links` of small wheels built here, and downloads from a
// loopback Hub; the exit code and summary come back, and the generated image opens.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { MlPinsNodeApi } from '../../src/extension/extension';
import { diffusersRepo, startFakeHub, type FakeHub } from '../hub/fake-hub';
import { screenshot } from './harness';

let api: MlPinsNodeApi;
let hub: FakeHub;
let wheels: string;
let work: string;
const folder = () => vscode.workspace.workspaceFolders![0];

/** A venv with pip; Debian's python may lack ensurepip, then pip's own wheel bootstraps it. */
function makeVenv(dir: string): string {
  const py = join(dir, 'bin', 'python');
  if (spawnSync('python3', ['-m', 'venv', dir]).status === 0 && spawnSync(py, ['-m', 'pip', '--version']).status === 0) return py;
  assert.equal(spawnSync('python3', ['-m', 'venv', '--clear', '--without-pip', dir]).status, 0, 'python3 -m venv failed');
  const wheel = existsSync('/usr/share/python-wheels') ? readdirSync('/usr/share/python-wheels').find((f) => /^pip-.*\.whl$/.test(f)) : undefined;
  assert.ok(wheel, 'no pip for the venv');
  const full = join('/usr/share/python-wheels', wheel);
  assert.equal(spawnSync(py, [`${full}/pip`, 'install', '--no-index', full]).status, 0);
  return py;
}

const offline = (...packages: string[]) => ['--packages', ...packages, '--no-index', '--find-links', wheels];

suite('Install models and run a test generation', function () {
  this.timeout(240_000);

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<MlPinsNodeApi>(`${pkg.publisher}.${pkg.name}`)!;
    api = await ext.activate();
    work = mkdtempSync(join(tmpdir(), 'ml-pins-terminal-'));
    wheels = join(work, 'wheels');
    const built = spawnSync('python3', [join(ext.extensionPath, 'test', 'python', 'build_wheels.py'), wheels], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    // The project's own .venv is what the command picks when the Python extension is not installed (as here).
    makeVenv(join(folder().uri.fsPath, '.venv'));
    hub = await startFakeHub({ repos: [diffusersRepo('test-org/tiny-sd', '0.29.0'), diffusersRepo('test-org/newer-sd', '0.31.0')] });
    await vscode.workspace.getConfiguration('mlPins').update('hubUrl', hub.url, vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('mlPins').update('hubUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await hub?.close();
  });

  test('the task provider offers the task', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'ml-pins' });
    assert.ok(tasks.some((t) => t.name === 'Install models and run test generation'), JSON.stringify(tasks.map((t) => t.name)));
    const task = tasks.find((t) => t.name === 'Install models and run test generation')!;
    const exec = task.execution as vscode.ProcessExecution;
    assert.equal(exec.process, join(folder().uri.fsPath, '.venv', 'bin', 'python'), 'the project .venv');
    assert.ok(exec.args.includes('--model') && exec.args.includes('sdxl-1.0'), 'the model from [tool.ml-pins]');
    assert.deepEqual(exec.args.slice(exec.args.indexOf('--install-command')), ['--install-command', 'python', 'setup_ai_models.py', '--models', 'sdxl-1.0'], 'the install-command from [tool.ml-pins]');
    assert.ok(!exec.args.some((a) => a.startsWith('hf_')), 'no token on the command line');
  });

  test('broken pins: the run stops at install with the cached_download diagnosis; the exit code comes back', async () => {
    const outcome = await api.testGeneration.run(folder(), { model: 'test-org/tiny-sd', install: offline('diffusers==0.21.0', 'huggingface_hub==0.26.0') });
    assert.notEqual(outcome.exitCode, 0);
    assert.equal(outcome.summary?.failed_step, 'install');
    assert.equal(outcome.summary?.error?.code, 'hf-hub-cached-download');
    assert.ok(!hub.requests.some((r) => r.path.endsWith('.safetensors')), 'no weights were downloaded');
  });

  test('fixed pins: install, download from the Hub, generate; the image opens', async () => {
    const outcome = await api.testGeneration.run(folder(), { model: 'test-org/tiny-sd', args: ['--steps', '2', '--local-dir', join(work, 'model')],
      install: offline('torch==2.3.0+cpu', 'diffusers==0.29.0', 'huggingface_hub==0.26.0') });
    assert.equal(outcome.exitCode, 0, JSON.stringify(outcome.summary));
    const output = outcome.summary?.output;
    assert.ok(output && output.endsWith('.png') && output.startsWith(join(folder().uri.fsPath, '.ml-pins')), output);
    const opened = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) =>
      (t.input instanceof vscode.TabInputCustom || t.input instanceof vscode.TabInputText) && t.input.uri.fsPath === output);
    const deadline = Date.now() + 10_000;
    while (!opened()) {
      assert.ok(Date.now() < deadline, 'the image did not open');
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(hub.requests.some((r) => r.path.includes('/test-org/tiny-sd/resolve/')), 'downloaded from the loopback Hub');
    await new Promise((r) => setTimeout(r, 1000));
    await screenshot('test-generation.png');
  });

  test('a model saved by a newer library than the pins admit becomes a diagnostic on the pin', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder().uri, 'pyproject.toml'));
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('"diffusers>=0.21.0"'));
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, doc.lineAt(line).range, '    "diffusers>=0.21.0,<0.30",');
    await vscode.workspace.applyEdit(edit);
    try {
      await api.checker.whenIdle();
      await api.testGeneration.run(folder(), { model: 'test-org/newer-sd', install: offline('no-such-package') });
      const d = vscode.languages.getDiagnostics(doc.uri).find((x) => x.code === 'model-needs-newer-library');
      assert.ok(d, 'no diagnostic for the model');
      assert.equal(d.range.start.line, line);
      assert.match(d.message, /diffusers 0\.31\.0/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
