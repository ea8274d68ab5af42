// "ML Pins: Install Models and Run Test Generation": a task of type `ml-pins` (so it also appears in Run Task and can
// be customised in tasks.json) that runs the bundled python/ml_pins_runner.py in a terminal: doctor, install,
// download with progress, generate. The process is started with an argument list (ProcessExecution: no shell string
// is ever built from user input), the Hugging Face token travels only in the environment, and the exit code and
// the runner's summary file come back here to open the result or explain the failure.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { MODEL_ALIASES, resolveModelId } from '../hub/aliases';
import type { WorkspaceChecker } from './checker';
import { resolveInterpreter } from './interpreter';
import { readSettings } from './settings';

export const TASK_TYPE = 'ml-pins';

/**
 * The Hub client (with @huggingface/hub) is its own bundle, dist/hub.js, loaded on first use: the command is rare,
 * and activation should not pay for it. The path is computed so the extension bundle does not inline it.
 */
function hubClient(): typeof import('../hub/client') {
  return require(join(__dirname, 'hub.js')) as typeof import('../hub/client');
}
const TOKEN_KEY = 'mlPins.huggingFaceToken';
const OUT_DIR = '.ml-pins';
const SUMMARY = 'last-run.json';

export interface MlPinsTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  /** Runner subcommand; default `all`. */
  command?: 'all' | 'doctor' | 'install' | 'download' | 'generate';
  model?: string;
  prompt?: string;
  /** Extra runner arguments (e.g. ["--steps", "8"]). */
  args?: string[];
  /** The runner's install arguments, replacing the automatic choice (install-command, pyproject, requirements.txt),
   *  e.g. ["--requirements", "requirements.txt", "--no-index", "--find-links", "wheels"]. */
  install?: string[];
}

/**
 * The runner reports runtime failures with the checker's rule codes (python/ml_pins_runner.py RULE_CODES), so a
 * failure leads back to the pin that caused it. A generic code (`numpy2-abi`) covers its per-package rules, and the
 * accelerator rule's three checks share its code.
 */
export function findingMatchesRuntimeCode(findingCode: string, runtimeCode: string): boolean {
  if (findingCode === runtimeCode || findingCode.startsWith(`${runtimeCode}-`)) return true;
  return runtimeCode === 'torch-accelerator-variant' && findingCode.startsWith('torch-variant-');
}

export interface RunOutcome {
  exitCode: number | undefined;
  summary?: { ok?: boolean; output?: string; error?: { code?: string; message?: string }; failed_step?: string };
}

export class TestGeneration implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly modelDiagnostics = vscode.languages.createDiagnosticCollection('ml-pins-models');
  private offered = false;

  constructor(private readonly context: vscode.ExtensionContext, private readonly checker: WorkspaceChecker) {
    this.disposables.push(
      this.modelDiagnostics,
      vscode.tasks.registerTaskProvider(TASK_TYPE, {
        provideTasks: async () => Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.createTask(f, { type: TASK_TYPE }))),
        resolveTask: async (task) => {
          const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
          return folder ? this.createTask(folder, task.definition as MlPinsTaskDefinition) : undefined;
        },
      }),
      vscode.commands.registerCommand('mlPins.installAndGenerate', (folder?: vscode.WorkspaceFolder, definition?: Partial<MlPinsTaskDefinition>) =>
        this.run(folder, definition)),
      vscode.commands.registerCommand('mlPins.offerTestGeneration', () => this.offer()),
      vscode.commands.registerCommand('mlPins.setHubToken', () => this.setToken()),
      vscode.commands.registerCommand('mlPins.clearHubToken', async () => {
        await context.secrets.delete(TOKEN_KEY);
        void vscode.window.showInformationMessage('ML Pins: the Hugging Face token was removed.');
      }),
    );
  }

  /** Offered once per session after a quick fix, so the user can see the fixed pins work. */
  private async offer(): Promise<void> {
    if (this.offered || !vscode.workspace.isTrusted) return;
    this.offered = true;
    const choice = await vscode.window.showInformationMessage('Pins updated. Install the models and run a test generation to see them work?', 'Run', 'Not now');
    if (choice === 'Run') await this.run();
  }

  async createTask(folder: vscode.WorkspaceFolder, definition: MlPinsTaskDefinition): Promise<vscode.Task> {
    const settings = { ...readSettings(folder.uri), ...(await this.projectSettings(folder)) };
    const interpreter = await resolveInterpreter(folder);
    const runner = vscode.Uri.joinPath(this.context.extensionUri, 'python', 'ml_pins_runner.py').fsPath;
    const command = definition.command ?? 'all';
    const model = definition.model ?? settings.models?.[0];
    const outDir = vscode.Uri.joinPath(folder.uri, OUT_DIR);
    const args = [runner, command];
    if (command === 'all' || command === 'download' || command === 'generate') {
      if (model) args.push('--model', model);
    }
    if (command === 'all' || command === 'generate') {
      args.push('--prompt', definition.prompt ?? settings.testPrompt, '--output-dir', outDir.fsPath);
    }
    if (command === 'all') args.push('--summary-file', vscode.Uri.joinPath(outDir, SUMMARY).fsPath);
    args.push(...(definition.args ?? []));
    // Install arguments last: --install-command takes the rest of the line.
    if (command === 'all' || command === 'install') args.push(...(definition.install ?? (await this.installArgs(folder, settings.installCommand))));
    const token = await this.context.secrets.get(TOKEN_KEY);
    const env: Record<string, string> = { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
    if (token) env.HF_TOKEN = token; // the environment only: never argv, never a file, never the log
    if (settings.hubUrl) env.HF_ENDPOINT = settings.hubUrl;
    const execution = new vscode.ProcessExecution(interpreter.executable, args, { cwd: folder.uri.fsPath, env });
    const task = new vscode.Task({ ...definition, type: TASK_TYPE }, folder, command === 'all' ? 'Install models and run test generation' : `Runner: ${command}`, 'ML Pins', execution, []);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, focus: false };
    task.detail = `${interpreter.executable} · ${model ?? 'no model chosen'}`;
    return task;
  }

  /** What to install: the project's own installer, else the pyproject project, else its requirement file. */
  private async installArgs(folder: vscode.WorkspaceFolder, installCommand: string[] | undefined): Promise<string[]> {
    if (installCommand?.length) return ['--install-command', ...installCommand];
    const exists = async (name: string) => vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, name)).then(() => true, () => false);
    if (await exists('pyproject.toml')) return ['--project', folder.uri.fsPath];
    if (await exists('requirements.txt')) return ['--requirements', vscode.Uri.joinPath(folder.uri, 'requirements.txt').fsPath];
    return [];
  }

  private async projectSettings(folder: vscode.WorkspaceFolder): Promise<{ models?: string[]; installCommand?: string[] }> {
    const s = await this.checker.projectSettings(vscode.Uri.joinPath(folder.uri, 'pyproject.toml')).catch(() => undefined);
    const out: { models?: string[]; installCommand?: string[] } = {};
    if (s?.models?.length) out.models = s.models;
    if (s?.installCommand?.length && vscode.workspace.isTrusted) out.installCommand = s.installCommand;
    return out;
  }

  /** Runs the task and reports the result; resolves with the exit code and the runner's summary. */
  async run(folder?: vscode.WorkspaceFolder, definition: Partial<MlPinsTaskDefinition> = {}): Promise<RunOutcome> {
    folder ??= await pickFolder();
    if (!folder) return { exitCode: undefined };
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('ML Pins runs nothing in an untrusted workspace.');
      return { exitCode: undefined };
    }
    let model = definition.model ?? { ...readSettings(folder.uri), ...(await this.projectSettings(folder)) }.models?.[0];
    if (!model) model = await pickModel();
    if (!model) return { exitCode: undefined };
    if (!resolveModelId(model)) {
      void vscode.window.showErrorMessage(`ML Pins: "${model}" is not a Hugging Face repo id (owner/name) or a known alias.`);
      return { exitCode: undefined };
    }
    if (!(await this.ensureEnvironment(folder))) return { exitCode: undefined };
    await this.checkModelAgainstPins(folder, model);
    const task = await this.createTask(folder, { type: TASK_TYPE, ...definition, model });
    const summaryUri = vscode.Uri.joinPath(folder.uri, OUT_DIR, SUMMARY);
    await vscode.workspace.fs.delete(summaryUri).then(undefined, () => undefined);
    const execution = await vscode.tasks.executeTask(task);
    const exitCode = await new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution === execution) { sub.dispose(); resolve(e.exitCode); }
      });
    });
    const summary = await vscode.workspace.fs.readFile(summaryUri).then((b) => JSON.parse(new TextDecoder().decode(b)) as RunOutcome['summary'], () => undefined);
    await this.report(exitCode, summary);
    return { exitCode, summary };
  }

  /** Installing into the system Python is rarely wanted: offer a .venv first (as a task, in a terminal). */
  private async ensureEnvironment(folder: vscode.WorkspaceFolder): Promise<boolean> {
    const interpreter = await resolveInterpreter(folder);
    if (interpreter.source !== 'path') return true;
    const choice = await vscode.window.showWarningMessage(
      `No virtual environment found for ${folder.name}. Create .venv with ${interpreter.executable} and install there?`,
      { modal: true }, 'Create .venv', `Use ${interpreter.executable}`);
    if (!choice) return false;
    if (choice !== 'Create .venv') return true;
    const task = new vscode.Task({ type: TASK_TYPE, command: 'venv' }, folder, 'Create .venv', 'ML Pins',
      new vscode.ProcessExecution(interpreter.executable, ['-m', 'venv', '.venv'], { cwd: folder.uri.fsPath }));
    const execution = await vscode.tasks.executeTask(task);
    const code = await new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => { if (e.execution === execution) { sub.dispose(); resolve(e.exitCode); } });
    });
    if (code !== 0) void vscode.window.showErrorMessage(`ML Pins: creating .venv failed (exit code ${code}).`);
    return code === 0;
  }

  private async report(exitCode: number | undefined, summary: RunOutcome['summary']): Promise<void> {
    if (exitCode === 0 && summary?.output) {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(summary.output), { preview: true, viewColumn: vscode.ViewColumn.Beside });
      void vscode.window.showInformationMessage(`ML Pins: the test generation worked (${summary.output.split(/[\\/]/).pop()}).`);
      return;
    }
    const code = summary?.error?.code;
    const message = `ML Pins: ${summary?.failed_step ?? 'the run'} failed${code ? ` [${code}]` : ''}: ${summary?.error?.message ?? `exit code ${exitCode}`}`;
    const pin = code ? this.checker.allFindings().find((f) => findingMatchesRuntimeCode(f.finding.code, code)) : undefined;
    // Not awaited: a notification stays until dismissed, and the run's outcome must not wait for that.
    void vscode.window.showErrorMessage(message, ...(pin ? ['Show the pin'] : [])).then(async (choice) => {
      if (choice !== 'Show the pin' || !pin) return;
      const editor = await vscode.window.showTextDocument(pin.uri);
      editor.selection = new vscode.Selection(pin.diagnostic.range.start, pin.diagnostic.range.end);
      editor.revealRange(pin.diagnostic.range);
    });
  }

  /**
   * A model saved by a newer library than the pins admit will not load: `model_index.json` `_diffusers_version` or
   * `config.json` `transformers_version` above every admitted version becomes a diagnostic on that pin.
   */
  private async checkModelAgainstPins(folder: vscode.WorkspaceFolder, model: string): Promise<void> {
    this.modelDiagnostics.clear();
    let info;
    try {
      info = await hubClient().readModelLibraryVersion(model, { timeoutMs: 5000, accessToken: await this.context.secrets.get(TOKEN_KEY),
        hubUrl: readSettings(folder.uri).hubUrl || undefined });
    } catch {
      return; // offline or gated: the runner explains it in the terminal
    }
    if (!info?.version) return;
    const byUri = new Map<string, vscode.Diagnostic[]>();
    for (const pin of await this.checker.pinsBelow(folder.uri, info.library, info.version).catch(() => [])) {
      const d = new vscode.Diagnostic(pin.range,
        `${model} was saved with ${info.library} ${info.version}, but ${pin.text} admits no version that new.`, vscode.DiagnosticSeverity.Warning);
      d.source = 'ML Pins';
      d.code = 'model-needs-newer-library';
      byUri.set(pin.uri.toString(), [...(byUri.get(pin.uri.toString()) ?? []), d]);
    }
    for (const [uri, ds] of byUri) this.modelDiagnostics.set(vscode.Uri.parse(uri), ds);
  }

  private async setToken(): Promise<void> {
    const token = await vscode.window.showInputBox({ prompt: 'Hugging Face access token (kept in VS Code secret storage)', password: true, ignoreFocusOut: true,
      validateInput: (v) => (/^hf_[A-Za-z0-9]{10,}$/.test(v.trim()) ? undefined : 'Tokens look like hf_…') });
    if (token) await this.context.secrets.store(TOKEN_KEY, token.trim());
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length <= 1 ? folders[0] : vscode.window.showWorkspaceFolderPick();
}

/** A quick pick over the Hub (diffusers and transformers models) with size, license, gated status and task. */
async function pickModel(): Promise<string | undefined> {
  const { searchModels } = hubClient();
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
  pick.placeholder = 'Search Hugging Face models (diffusers, transformers), or pick an alias';
  const aliases = Object.entries(MODEL_ALIASES).map(([alias, id]) => ({ label: alias, description: id, id }));
  pick.items = aliases;
  let controller: AbortController | undefined;
  pick.onDidChangeValue(async (value) => {
    controller?.abort();
    if (value.trim().length < 2) { pick.items = aliases; return; }
    controller = new AbortController();
    pick.busy = true;
    try {
      const [d, t] = await Promise.all(['diffusers', 'transformers'].map((library) =>
        searchModels(value, { library: library as 'diffusers' | 'transformers', limit: 10, signal: controller!.signal }).catch(() => [])));
      pick.items = [...d, ...t].map((m) => ({ label: m.id, id: m.id,
        description: [m.task, m.license, m.gated ? 'gated' : undefined].filter(Boolean).join(' · '),
        detail: m.downloads !== undefined ? `${m.downloads.toLocaleString()} downloads` : undefined }));
    } finally {
      pick.busy = false;
    }
  });
  return new Promise((resolve) => {
    pick.onDidAccept(() => { resolve(pick.selectedItems[0]?.id ?? (pick.value.trim() || undefined)); pick.hide(); });
    pick.onDidHide(() => { resolve(undefined); pick.dispose(); });
    pick.show();
  });
}
