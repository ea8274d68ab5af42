// The Python extension's environment (its API, @vscode/python-extension), in a run of its own:
// `ML_PINS_TEST_SUITE=python-extension node scripts/test-vscode.mjs --extension test/vscode/fake-python-extension`
// (part of npm run test:vscode). The stand-in extension publishes the API over real venvs built here with pip and
// locally built wheels; the other suites run without it, as on a machine without the Python extension.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';
import pkg from '../../package.json';
import type { MlPinsNodeApi } from '../../src/extension/extension';
import { venvWith } from './harness';

let api: MlPinsNodeApi;
let python: PythonExtension;
const folder = () => vscode.workspace.workspaceFolders![0];
const requirements = () => vscode.Uri.joinPath(folder().uri, 'requirements.txt');

async function waitFor(what: () => string, done: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, what());
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Sent = { executable: string; source: string; python?: string } | null;
const interpreterOf = () => api.client.sendRequest<Sent>('mlPins/interpreterOf', { folder: folder().uri.toString() });
/** Waits until the server was sent the interpreter `source` `executable`; returns it. */
async function sentInterpreter(source: string, executable?: string): Promise<NonNullable<Sent>> {
  let got: Sent = null;
  await waitFor(() => `the server was not sent the ${source} interpreter ${executable ?? ''}: ${JSON.stringify(got)}`,
    async () => { got = await interpreterOf(); return got?.source === source && (!executable || got.executable === executable); });
  return got!;
}

const lineOf = (doc: vscode.TextDocument, prefix: string) => doc.getText().split('\n').findIndex((l) => l.startsWith(prefix));
/** The import failure of the seed project's situation, on the diffusers pin. */
const importFailure = () => api.checker.findingsFor(requirements()).filter((f) => f.finding.code === 'hf-hub-cached-download'
  && f.diagnostic.severity === vscode.DiagnosticSeverity.Error && /installed diffusers 0\.21\.0 and huggingface_hub 0\.26\.2/.test(f.diagnostic.message));
const torchDrift = () => api.checker.findingsFor(requirements()).filter((f) => f.finding.code === 'installed-drift'
  && /cpu-env has torch 2\.3\.0\+cpu/.test(f.diagnostic.message));

suite('the Python extension selects the environment', () => {
  let work: string;
  let wheels: string;
  let doc: vscode.TextDocument;

  suiteSetup(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<MlPinsNodeApi>(`${pkg.publisher}.${pkg.name}`)!;
    api = await ext.activate();
    await api.checker.whenIdle();
    // The same client library the extension uses, talking to the stand-in.
    python = await PythonExtension.api();
    work = mkdtempSync(join(tmpdir(), 'ml-pins-pyext-'));
    wheels = join(work, 'wheels');
    const built = spawnSync('python3', [join(ext.extensionPath, 'test', 'python', 'build_wheels.py'), wheels], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    doc = await vscode.workspace.openTextDocument(requirements());
    await vscode.window.showTextDocument(doc);
  });

  test('the stand-in is the Python extension and has nothing selected', async () => {
    assert.ok(vscode.extensions.getExtension('ms-python.python'), 'ms-python.python is not loaded');
    assert.equal(python.environments.getActiveEnvironmentPath(folder().uri).path, 'python');
    assert.equal(await python.environments.resolveEnvironment('python'), undefined);
    // Nothing to use from the extension, no .venv, no setting: python3 on PATH.
    assert.equal((await sentInterpreter('path')).executable, 'python3');
  });

  test('without a selection: python.defaultInterpreterPath, then the project .venv', async function () {
    this.timeout(60_000);
    const settingPython = venvWith(join(work, 'setting-env'), wheels, []);
    await vscode.workspace.getConfiguration('python', folder().uri).update('defaultInterpreterPath', settingPython, vscode.ConfigurationTarget.Workspace);
    await sentInterpreter('setting', settingPython);
    const dotVenv = venvWith(join(folder().uri.fsPath, '.venv'), wheels, []);
    await sentInterpreter('venv', dotVenv);
    await waitFor(() => `the status item does not name .venv: ${api.statusItem.text}`, () => / · \.venv \(Python \d+\.\d+\)$/.test(api.statusItem.text));
  });

  test('the environment selected in the Python extension wins over .venv and the setting, shows in the status bar and has its installed finding on the pin', async function () {
    this.timeout(60_000);
    // The seed project's situation: diffusers 0.21.0 with huggingface_hub 0.26.2, installed by pip.
    const sdEnv = venvWith(join(work, 'sd-env'), wheels, ['diffusers==0.21.0', 'huggingface-hub==0.26.2']);
    assert.match(spawnSync(sdEnv, ['-c', 'import diffusers'], { encoding: 'utf8' }).stderr, /cannot import name 'cached_download'/, 'the environment really fails');
    const version = spawnSync(sdEnv, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
    assert.deepEqual(importFailure(), [], 'no installed finding from .venv (it is empty)');

    await python.environments.updateActiveEnvironmentPath(sdEnv, folder().uri);
    const sent = await sentInterpreter('python-extension', sdEnv);
    assert.equal(sent.python, version, 'the Python version the extension resolved');
    // Still there, still not used.
    assert.ok(vscode.workspace.getConfiguration('python', folder().uri).get<string>('defaultInterpreterPath')?.endsWith('setting-env/bin/python'));
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder().uri, '.venv', 'pyvenv.cfg'));

    await waitFor(() => 'the installed import failure did not appear', () => importFailure().length === 1);
    assert.equal(importFailure()[0].diagnostic.range.start.line, lineOf(doc, 'diffusers'), 'on the diffusers pin');
    await waitFor(() => `the status item does not name sd-env: ${api.statusItem.text}`, () => api.statusItem.text.endsWith(` · sd-env (Python ${version})`));
    assert.match(api.statusItem.text, /^\$\(error\) ML Pins: \d+ errors?/);
  });

  test('another environment selected in the Python extension: the pins are checked against it', async function () {
    this.timeout(60_000);
    // diffusers 0.21.0 works with huggingface_hub 0.25.2; torch 2.3.0+cpu is not what the pin allows.
    const cpuEnv = venvWith(join(work, 'cpu-env'), wheels, ['diffusers==0.21.0', 'huggingface-hub==0.25.2', 'torch==2.3.0+cpu']);
    assert.equal(spawnSync(cpuEnv, ['-c', 'import diffusers'], { encoding: 'utf8' }).status, 0, 'import diffusers works there');

    await python.environments.updateActiveEnvironmentPath(cpuEnv, folder().uri);
    await sentInterpreter('python-extension', cpuEnv);
    await waitFor(() => 'the import failure of sd-env stayed', () => importFailure().length === 0);
    await waitFor(() => 'no drift for torch 2.3.0+cpu', () => torchDrift().length === 1);
    assert.equal(torchDrift()[0].diagnostic.range.start.line, lineOf(doc, 'torch=='), 'on the torch pin');
    // The pins name ROCm builds (torch==2.2.0+rocm5.7): a CPU build never uses the GPU.
    const cpuBuild = api.checker.findingsFor(requirements()).filter((f) => f.finding.code === 'torch-variant-accelerator');
    assert.deepEqual(cpuBuild.map((f) => [f.diagnostic.severity, f.diagnostic.range.start.line]), [[vscode.DiagnosticSeverity.Warning, lineOf(doc, 'torch==')]]);
    assert.match(cpuBuild[0].diagnostic.message, /^In cpu-env, the installed torch 2\.3\.0\+cpu is a CPU build, but this project targets ROCm/);
    await waitFor(() => `the status item does not name cpu-env: ${api.statusItem.text}`, () => / · cpu-env \(Python \d+\.\d+\)$/.test(api.statusItem.text));
  });
});
