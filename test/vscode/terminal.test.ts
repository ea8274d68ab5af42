// "Install Models and Run Test Generation" in a real VS Code: the ml-pins task runs the bundled runner in a terminal
// with a real venv, real `pip install --no-index --find-links` of small wheels built here, and downloads from a
// loopback Hub; the exit code and summary come back, and the generated image opens.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import pkg from '../../package.json';
import type { MlPinsNodeApi } from '../../src/extension/extension';
import { DONT_OFFER_KEY, type Prompts } from '../../src/extension/testGeneration/commands';
import { OFFLINE_LABEL } from '../../src/extension/testGeneration/modelPicker';
import { diffusersRepo, startFakeHub, type FakeHub } from '../hub/fake-hub';
import { makeVenv, screenshot } from './harness';

let api: MlPinsNodeApi;
let hub: FakeHub;
let wheels: string;
let work: string;
const folder = () => vscode.workspace.workspaceFolders![0];

/** The prompts the runs showed, answered by the test (a real notification cannot be clicked from here). */
const shown: { kind: 'warn' | 'info' | 'error'; message: string; items: string[] }[] = [];
const answers: { warn?: string; info?: string; error?: string } = {};
const prompts: Prompts = {
  warn: async (message, _options, ...items) => (shown.push({ kind: 'warn', message, items }), answers.warn ?? 'Run Anyway'),
  info: async (message, ...items) => (shown.push({ kind: 'info', message, items }), answers.info),
  error: async (message, ...items) => (shown.push({ kind: 'error', message, items }), answers.error),
};

/** The text of the task's terminal (select all, copy, read the clipboard). */
async function terminalText(): Promise<string> {
  const terminal = vscode.window.terminals.find((t) => /Install models and run test generation/.test(t.name));
  assert.ok(terminal, `no task terminal among ${vscode.window.terminals.map((t) => t.name).join(', ')}`);
  terminal.show(true);
  await new Promise((r) => setTimeout(r, 300));
  await vscode.commands.executeCommand('workbench.action.terminal.selectAll');
  await vscode.commands.executeCommand('workbench.action.terminal.copySelection');
  await vscode.commands.executeCommand('workbench.action.terminal.clearSelection');
  return vscode.env.clipboard.readText();
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
    api.testGeneration.prompts = prompts;
  });

  setup(() => {
    shown.length = 0;
    for (const k of Object.keys(answers) as (keyof typeof answers)[]) delete answers[k];
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
    // The pins have errors (torch-variant-no-index; with the installed environment the server reads, also what is
    // installed there now): the run said so first.
    assert.match(shown.find((p) => p.kind === 'warn')?.message ?? '', /The pins of .* have [1-9]\d* errors?; the install will likely fail/);
  });

  test('pins with errors: "Show Problems" instead of running runs nothing', async () => {
    answers.warn = 'Show Problems';
    const before = hub.requests.length;
    const outcome = await api.testGeneration.run(folder(), { model: 'test-org/tiny-sd', install: offline('diffusers==0.29.0') });
    assert.equal(outcome.exitCode, undefined);
    assert.deepEqual(shown.map((p) => p.items), [['Run Anyway', 'Show Problems']]);
    assert.equal(hub.requests.length, before, 'nothing was fetched');
  });

  test('an installer failure naming a pinned package offers "Show the pin"; the terminal has one ✗ line and no JSON', async () => {
    answers.error = 'Show the pin';
    const outcome = await api.testGeneration.run(folder(), { model: 'test-org/tiny-sd', install: offline('transformers==4.30.0') });
    assert.equal(outcome.exitCode, 1, JSON.stringify(outcome));
    assert.equal(outcome.summary?.failed_step, 'install');
    assert.deepEqual(outcome.summary?.error?.packages, ['transformers']);
    const error = shown.find((p) => p.kind === 'error');
    assert.ok(error, JSON.stringify(shown));
    assert.deepEqual(error.items, ['Show the pin']);
    await api.testGeneration.lastReport;
    const editor = vscode.window.activeTextEditor!;
    assert.match(editor.document.getText(editor.selection), /^transformers(==|>=)4\.3/, 'the transformers pin is selected');
    const text = await terminalText();
    assert.match(text, /=== Step 2\/4: Installing the project's pins ===/);
    const crosses = text.split('\n').filter((l) => l.trim().startsWith('✗'));
    assert.equal(crosses.length, 1, crosses.join('\n'));
    assert.ok(!text.split('\n').some((l) => /^\s*\{"/.test(l)), 'no raw JSON in the terminal');
    assert.match(text, /no GPU found; running on CPU/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('"Pins updated…" is offered once per session, and never again after "Don\'t Ask Again"', async () => {
    const context = api.testGeneration as unknown as { offeredThisSession: boolean };
    context.offeredThisSession = false;
    answers.info = "Don't Ask Again";
    await vscode.commands.executeCommand('mlPins.offerTestGeneration');
    await vscode.commands.executeCommand('mlPins.offerTestGeneration');
    assert.deepEqual(shown.map((p) => p.items), [['Run', 'Not Now', "Don't Ask Again"]], 'asked once');
    context.offeredThisSession = false; // a new session
    await vscode.commands.executeCommand('mlPins.offerTestGeneration');
    assert.equal(shown.length, 1, 'not asked again');
    await (api.testGeneration as unknown as { context: vscode.ExtensionContext }).context.globalState.update(DONT_OFFER_KEY, undefined);
  });

  /** The picker opens once the language server has said which models the project names. */
  const openPicker = async () => {
    const deadline = Date.now() + 10_000;
    while (!api.testGeneration.picker && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return api.testGeneration.picker;
  };

  test('the model picker keeps aliases and the project\'s models, filters them, and says when the Hub is offline', async () => {
    const config = vscode.workspace.getConfiguration('mlPins');
    await config.update('hubUrl', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Workspace); // nothing listens there
    try {
      const chosen = api.testGeneration.chooseModel(folder());
      const picker = await openPicker();
      assert.ok(picker, 'the picker is open');
      assert.equal(picker.pick.items[0].label, 'sdxl-1.0', "the project's model first");
      picker.pick.value = 'sdxl';
      await picker.update('sdxl');
      const labels = picker.pick.items.map((i) => i.label);
      assert.ok(labels.includes('sdxl-1.0') && labels.includes('sdxl-turbo'), labels.join(', '));
      assert.equal(picker.pick.title, OFFLINE_LABEL, 'offline is said');
      await new Promise((r) => setTimeout(r, 300));
      await screenshot('model-picker-offline.png');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      assert.equal(await chosen, 'sdxl-1.0', 'Enter picks the filtered alias');
    } finally {
      await config.update('hubUrl', hub.url, vscode.ConfigurationTarget.Workspace);
    }
    // Online: the Hub's results come below the local ones.
    const chosen = api.testGeneration.chooseModel(folder());
    const picker = (await openPicker())!;
    picker.pick.value = 'tiny';
    await picker.update('tiny');
    const labels = picker.pick.items.map((i) => i.label);
    assert.ok(labels.includes('test-org/tiny-sd') && labels.includes('tiny-gpt2'), labels.join(', '));
    assert.equal(picker.pick.title, undefined);
    picker.pick.hide();
    assert.equal(await chosen, undefined);
  });

  test('the Hub token: only in the download steps\' environment, never over plain http, asked once per other host', async () => {
    const token = api.testGeneration.token;
    const env = async (command: 'all' | 'install') =>
      ((await api.testGeneration.createTask(folder(), { type: 'ml-pins', command, model: 'test-org/tiny-sd' })).execution as vscode.ProcessExecution).options?.env ?? {};
    const asked: string[] = [];
    token.ask = async (message, _options, ...items) => (asked.push(message), answers.warn === 'allow' ? items[0] : items[1]);
    await token.store('hf_TestTokenValue1234567890');
    const config = vscode.workspace.getConfiguration('mlPins');
    try {
      // The suite's Hub is a loopback one: asked once, "Not to This Host" remembered.
      assert.equal((await env('all')).HF_TOKEN, undefined);
      assert.equal((await env('all')).HF_TOKEN, undefined);
      assert.equal(asked.length, 1, 'asked once per host');
      assert.match(asked[0], /points to 127\.0\.0\.1:\d+, not huggingface\.co/);
      await token.remember(new URL(hub.url).host, 'allow');
      assert.equal((await env('all')).HF_TOKEN, 'hf_TestTokenValue1234567890');
      assert.equal((await env('install')).HF_TOKEN, undefined, 'the install step never gets it');
      // Plain http to another host: never, and not even asked.
      await config.update('hubUrl', 'http://mirror.example', vscode.ConfigurationTarget.Workspace);
      assert.equal((await env('all')).HF_TOKEN, undefined);
      assert.equal(asked.length, 1);
      // huggingface.co itself: yes.
      await config.update('hubUrl', undefined, vscode.ConfigurationTarget.Workspace);
      assert.equal((await env('all')).HF_TOKEN, 'hf_TestTokenValue1234567890');
    } finally {
      await config.update('hubUrl', hub.url, vscode.ConfigurationTarget.Workspace);
      await token.remember(new URL(hub.url).host, undefined);
      await vscode.commands.executeCommand('mlPins.clearHubToken');
    }
    assert.equal((await env('all')).HF_TOKEN, undefined);
    await vscode.commands.executeCommand('notifications.clearAll');
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
