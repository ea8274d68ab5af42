// "ML Pins: Install Models and Run Test Generation" and its companions. The run is a task of type `ml-pins`
// (taskProvider.ts) running python/ml_pins_runner.py in a terminal: doctor, install, download with progress,
// generate. The exit code and the runner's summary file (protocol.ts) come back here to open the result, or to
// explain the failure and lead to the pin that caused it.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { resolveModelId } from '../../hub/aliases';
import type { CheckedFinding, WorkspaceChecker } from '../checker';
import type { CommandTable } from '../commands';
import { resolveInterpreter } from '../interpreter';
import { logged } from '../log';
import { HubToken } from './hubToken';
import { ModelPicker } from './modelPicker';
import { findingMatchesRuntimeCode, parseSummary, problemPackages, type RunnerSummary } from './protocol';
import { folderSettings, OUT_DIR, SUMMARY, TASK_TYPE, TaskFactory, type MlPinsTaskDefinition } from './taskProvider';

export { TASK_TYPE, type MlPinsTaskDefinition } from './taskProvider';
export { findingMatchesRuntimeCode } from './protocol';

/**
 * The Hub client (with @huggingface/hub) is its own bundle, dist/hub.js, loaded on first use: the command is rare,
 * and activation should not pay for it. The path is computed so the extension bundle does not inline it.
 */
function hubClient(): typeof import('../../hub/client') {
  return require(join(__dirname, 'hub.js')) as typeof import('../../hub/client');
}

export const DONT_OFFER_KEY = 'mlPins.dontOfferTestGeneration';

export interface RunOutcome {
  exitCode: number | undefined;
  summary?: RunnerSummary;
  /** Why the summary could not be used (missing, not JSON, not matching the schema). */
  summaryError?: string;
}

/** The editor's prompts, replaceable in tests (a real VS Code cannot click a notification button for them). */
export interface Prompts {
  warn(message: string, options: vscode.MessageOptions, ...items: string[]): Thenable<string | undefined>;
  info(message: string, ...items: string[]): Thenable<string | undefined>;
  error(message: string, ...items: string[]): Thenable<string | undefined>;
}

export class TestGeneration implements vscode.Disposable {
  readonly token: HubToken;
  readonly tasks: TaskFactory;
  prompts: Prompts = {
    warn: (message, options, ...items) => vscode.window.showWarningMessage(message, options, ...items),
    info: (message, ...items) => vscode.window.showInformationMessage(message, ...items),
    error: (message, ...items) => vscode.window.showErrorMessage(message, ...items),
  };
  /** The open model picker, if any (tests drive it). */
  picker: ModelPicker | undefined;
  /** Settles when the last failure notification's button has been handled (tests await it). */
  lastReport: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly modelDiagnostics = vscode.languages.createDiagnosticCollection('ml-pins-models');
  /** Whether the after-fix offer was made in this session. */
  offeredThisSession = false;

  constructor(private readonly context: vscode.ExtensionContext, private readonly checker: WorkspaceChecker, private readonly log?: vscode.LogOutputChannel) {
    this.token = new HubToken(context);
    this.tasks = new TaskFactory(context.extensionUri, checker, this.token);
    this.disposables.push(this.modelDiagnostics, vscode.tasks.registerTaskProvider(TASK_TYPE, this.tasks.provider()));
  }

  /** This feature's rows of the extension's command table (src/extension/commands.ts). */
  commands(): CommandTable {
    return {
      'mlPins.installAndGenerate': (folder?: vscode.WorkspaceFolder, definition?: Partial<MlPinsTaskDefinition>) => this.run(folder, definition),
      'mlPins.offerTestGeneration': () => this.offer(),
      'mlPins.setHubToken': () => this.token.set(),
      'mlPins.clearHubToken': () => this.token.clear(),
    };
  }

  /** After a quick fix: offered once per session, never again after "Don't Ask Again". */
  async offer(): Promise<void> {
    if (this.offeredThisSession || !vscode.workspace.isTrusted || this.context.globalState.get<boolean>(DONT_OFFER_KEY)) return;
    this.offeredThisSession = true;
    const run = 'Run';
    const never = "Don't Ask Again";
    const choice = await this.prompts.info('Pins updated. Install the models and run a test generation to see them work?', run, 'Not Now', never);
    if (choice === never) await this.context.globalState.update(DONT_OFFER_KEY, true);
    if (choice === run) await this.run();
  }

  /** Kept for tasks.json users and tests: the task the command would run. */
  createTask(folder: vscode.WorkspaceFolder, definition: MlPinsTaskDefinition): Promise<vscode.Task> {
    return this.tasks.create(folder, definition);
  }

  /** Runs the task and reports the result; resolves with the exit code and the runner's summary. */
  async run(folder?: vscode.WorkspaceFolder, definition: Partial<MlPinsTaskDefinition> = {}): Promise<RunOutcome> {
    folder ??= await pickFolder();
    if (!folder) return { exitCode: undefined };
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('ML Pins runs nothing in an untrusted workspace.');
      return { exitCode: undefined };
    }
    const settings = await folderSettings(this.checker, folder);
    const model = definition.model ?? settings.models[0] ?? (await this.chooseModel(folder));
    if (!model) return { exitCode: undefined };
    if (!resolveModelId(model)) {
      void vscode.window.showErrorMessage(`ML Pins: "${model}" is not a Hugging Face repo id (owner/name) or a known alias.`);
      return { exitCode: undefined };
    }
    if (!(await this.confirmDespiteErrors(folder))) return { exitCode: undefined };
    if (!(await this.ensureEnvironment(folder))) return { exitCode: undefined };
    await this.checkModelAgainstPins(folder, model, settings.hubUrl);
    const task = await this.tasks.create(folder, { type: TASK_TYPE, ...definition, model });
    const summaryUri = vscode.Uri.joinPath(folder.uri, OUT_DIR, SUMMARY);
    await vscode.workspace.fs.delete(summaryUri).then(undefined, () => undefined);
    this.log?.info(`runner: ${task.name} in ${folder.name} (model ${model})`);
    const t0 = Date.now();
    const execution = await vscode.tasks.executeTask(task);
    const exitCode = await new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution === execution) { sub.dispose(); resolve(e.exitCode); }
      });
    });
    const read = await vscode.workspace.fs.readFile(summaryUri).then((b) => parseSummary(new TextDecoder().decode(b)), () => ({ error: 'the runner wrote no summary' }));
    const outcome: RunOutcome = 'summary' in read ? { exitCode, summary: read.summary } : { exitCode, summaryError: read.error };
    this.logRun(outcome, Date.now() - t0);
    await this.report(folder, outcome);
    return outcome;
  }

  /** The runner's steps in the log, as its summary reports them. */
  private logRun({ exitCode, summary, summaryError }: RunOutcome, ms: number): void {
    for (const [step, facts] of Object.entries(summary?.steps ?? {})) {
      const text = JSON.stringify(facts);
      this.log?.info(`runner step ${step}: ${text.length > 400 ? `${text.slice(0, 400)}…` : text}`);
    }
    const how = summary?.ok ? `ok${summary.output ? `, ${summary.output}` : ''}` : `failed${summary?.failed_step ? ` at ${summary.failed_step}` : ''}${summary?.error ? ` [${summary.error.code}] ${summary.error.message}` : ''}${summaryError ? ` (${summaryError})` : ''}`;
    const line = `runner: exit code ${exitCode} after ${(ms / 1000).toFixed(1)} s: ${how}`;
    if (summary?.ok) this.log?.info(line); else this.log?.warn(line);
  }

  /** Pins with errors will most likely fail the install: say so before minutes of pip. */
  private async confirmDespiteErrors(folder: vscode.WorkspaceFolder): Promise<boolean> {
    const errors = this.checker.allFindings().filter((f) => f.finding.severity === 'error' && vscode.workspace.getWorkspaceFolder(f.uri)?.uri.toString() === folder.uri.toString());
    if (!errors.length) return true;
    const first = errors[0];
    const where = `${vscode.workspace.asRelativePath(first.uri, false)}:${first.diagnostic.range.start.line + 1}`;
    const runAnyway = 'Run Anyway';
    const show = 'Show Problems';
    const choice = await this.prompts.warn(
      `The pins of ${folder.name} have ${errors.length} error${errors.length === 1 ? '' : 's'}; the install will likely fail.`,
      { modal: true, detail: `First: ${first.diagnostic.message} (${where})` }, runAnyway, show);
    if (choice === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
    return choice === runAnyway;
  }

  /** Installing into the system Python is rarely wanted: offer a .venv first (as a task, in a terminal). */
  private async ensureEnvironment(folder: vscode.WorkspaceFolder): Promise<boolean> {
    const interpreter = await resolveInterpreter(folder);
    if (interpreter.source !== 'path') return true;
    const choice = await this.prompts.warn(
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

  private async report(folder: vscode.WorkspaceFolder, { exitCode, summary, summaryError }: RunOutcome): Promise<void> {
    if (exitCode === 0 && summary?.ok && summary.output) {
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(summary.output), { preview: true, viewColumn: vscode.ViewColumn.Beside });
      void this.prompts.info(`ML Pins: the test generation worked (${summary.output.split(/[\\/]/).pop()}).`);
      return;
    }
    const error = summary?.error;
    const message = error
      ? `ML Pins: ${summary?.failed_step ?? 'the run'} failed [${error.code}]: ${error.message}`
      : `ML Pins: the run failed (exit code ${exitCode}); ${summaryError ?? 'no summary'}.`;
    const pin = await this.pinFor(folder, summary);
    // Not awaited by the run: a notification stays until dismissed, and the run's outcome must not wait for that.
    this.lastReport = Promise.resolve(this.prompts.error(message, ...(pin ? ['Show the pin'] : []))).then(async (choice) => {
      if (choice !== 'Show the pin' || !pin) return;
      const editor = await vscode.window.showTextDocument(pin.uri);
      editor.selection = new vscode.Selection(pin.range.start, pin.range.end);
      editor.revealRange(pin.range);
    });
  }

  /**
   * The pin behind a failure: a finding whose rule matches the runtime code, else a pin of a package the failure
   * names (an installer failure naming `transformers` leads to the `transformers==…` pin).
   */
  async pinFor(folder: vscode.WorkspaceFolder, summary: RunnerSummary | undefined): Promise<{ uri: vscode.Uri; range: vscode.Range } | undefined> {
    const error = summary?.error;
    if (!error) return undefined;
    const inFolder = (f: CheckedFinding) => vscode.workspace.getWorkspaceFolder(f.uri)?.uri.toString() === folder.uri.toString();
    const finding = this.checker.allFindings().find((f) => inFolder(f) && findingMatchesRuntimeCode(f.finding.code, error.code));
    if (finding) return { uri: finding.uri, range: finding.diagnostic.range };
    for (const name of problemPackages(error)) {
      // Every pin of the package (the server knows them); one the checker flagged first (the likely culprit), else the first.
      const pins = await this.checker.pinsOf(folder.uri, name).catch(() => []);
      const flagged = pins.find((p) => this.checker.findingsFor(p.uri).some((f) => f.diagnostic.range.start.line === p.range.start.line));
      if (flagged ?? pins[0]) return flagged ?? pins[0];
    }
    return undefined;
  }

  /** The model picker over the project's models, the aliases and the Hub search. */
  async chooseModel(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    const { models, hubUrl } = await folderSettings(this.checker, folder);
    const picker = new ModelPicker(models, async (query, signal) => {
      const { searchModels } = hubClient();
      const results = await Promise.allSettled((['diffusers', 'transformers'] as const).map((library) =>
        logged(this.log, `Hub search "${query}" (${library})`, () => searchModels(query, { library, limit: 10, signal, hubUrl: hubUrl || undefined, timeoutMs: 5000 }))));
      if (results.every((r) => r.status === 'rejected')) throw (results[0] as PromiseRejectedResult).reason;
      return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    });
    this.picker = picker;
    try {
      return await picker.show();
    } finally {
      if (this.picker === picker) this.picker = undefined;
    }
  }

  /**
   * A model saved by a newer library than the pins allow will not load: `model_index.json` `_diffusers_version` or
   * `config.json` `transformers_version` above every allowed version becomes the engine's finding on that pin
   * (core/engine/model.ts), shown in a collection of its own until the next run.
   */
  private async checkModelAgainstPins(folder: vscode.WorkspaceFolder, model: string, hubUrl: string): Promise<void> {
    this.modelDiagnostics.clear();
    let info;
    try {
      const accessToken = await this.token.forHub(hubUrl, false);
      info = await logged(this.log, `Hub: the library version ${model} was saved with`, () => hubClient().readModelLibraryVersion(model, { timeoutMs: 5000, accessToken, hubUrl: hubUrl || undefined }));
    } catch {
      return; // offline or gated: the runner explains it in the terminal
    }
    if (!info?.version) return;
    const byUri = new Map<string, vscode.Diagnostic[]>();
    for (const { uri, diagnostic } of await this.checker.modelFindings(folder.uri, model, info.library, info.version).catch(() => [])) {
      byUri.set(uri.toString(), [...(byUri.get(uri.toString()) ?? []), diagnostic]);
    }
    for (const [uri, ds] of byUri) this.modelDiagnostics.set(vscode.Uri.parse(uri), ds);
  }

  dispose(): void {
    this.picker?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  return folders.length <= 1 ? folders[0] : vscode.window.showWorkspaceFolderPick();
}
