// The `ml-pins` task type: it appears in Run Task and can be customised in tasks.json. The runner is started with
// an argument list (ProcessExecution: no shell string is ever built from user input); the argv comes from
// protocol.ts, the Hub token only from HubToken (environment only, and only for the steps that download).
import * as vscode from 'vscode';
import type { WorkspaceChecker } from '../checker';
import { resolveInterpreter } from '../interpreter';
import { readSettings } from '../settings';
import type { HubToken } from './hubToken';
import { commandNeedsToken, runnerArgv, type RunnerCommand } from './protocol';

export const TASK_TYPE = 'ml-pins';
export const OUT_DIR = '.ml-pins';
export const SUMMARY = 'last-run.json';

export interface MlPinsTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  /** Runner subcommand; default `all`. */
  command?: RunnerCommand;
  model?: string;
  prompt?: string;
  /** Extra runner arguments (e.g. ["--steps", "8"]). */
  args?: string[];
  /** The runner's install arguments, replacing the automatic choice (install-command, pyproject, requirements.txt),
   *  e.g. ["--requirements", "requirements.txt", "--no-index", "--find-links", "wheels"]. */
  install?: string[];
}

export interface FolderSettings {
  models: string[];
  installCommand: string[];
  testPrompt: string;
  hubUrl: string;
}

/** VS Code settings with the project's [tool.ml-pins] models and install-command (the latter only when trusted). */
export async function folderSettings(checker: WorkspaceChecker, folder: vscode.WorkspaceFolder): Promise<FolderSettings> {
  const settings = readSettings(folder.uri);
  // The language server knows the project's table; without an answer the VS Code settings stand.
  const project = await checker.projectSettings(vscode.Uri.joinPath(folder.uri, 'pyproject.toml')).catch(() => undefined);
  return {
    models: project?.models?.length ? project.models : (settings.models ?? []),
    installCommand: project?.installCommand?.length && vscode.workspace.isTrusted ? project.installCommand : (settings.installCommand ?? []),
    testPrompt: settings.testPrompt,
    hubUrl: settings.hubUrl,
  };
}

export class TaskFactory {
  constructor(private readonly extensionUri: vscode.Uri, private readonly checker: WorkspaceChecker, private readonly token: HubToken) {}

  provider(): vscode.TaskProvider {
    return {
      provideTasks: async () => Promise.all((vscode.workspace.workspaceFolders ?? []).map((f) => this.create(f, { type: TASK_TYPE }, false))),
      resolveTask: async (task) => {
        const folder = typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
        return folder ? this.create(folder, task.definition as MlPinsTaskDefinition, false) : undefined;
      },
    };
  }

  /** `interactive`: may ask whether the token goes to a non-default Hub (not while listing tasks). */
  async create(folder: vscode.WorkspaceFolder, definition: MlPinsTaskDefinition, interactive = true): Promise<vscode.Task> {
    const settings = await folderSettings(this.checker, folder);
    const interpreter = await resolveInterpreter(folder);
    const command = definition.command ?? 'all';
    const model = definition.model ?? settings.models[0];
    const outDir = vscode.Uri.joinPath(folder.uri, OUT_DIR);
    const args = runnerArgv({
      runner: vscode.Uri.joinPath(this.extensionUri, 'python', 'ml_pins_runner.py').fsPath,
      command, model, prompt: definition.prompt ?? settings.testPrompt, outputDir: outDir.fsPath,
      summaryFile: vscode.Uri.joinPath(outDir, SUMMARY).fsPath, extra: definition.args,
      install: definition.install ?? (await this.installArgs(folder, settings.installCommand)),
    });
    const env: Record<string, string> = { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
    const token = commandNeedsToken(command) ? await this.token.forHub(settings.hubUrl, interactive) : undefined;
    if (token) env.HF_TOKEN = token; // the environment only: never argv, never a file, never the log
    if (settings.hubUrl) env.HF_ENDPOINT = settings.hubUrl;
    const execution = new vscode.ProcessExecution(interpreter.executable, args, { cwd: folder.uri.fsPath, env });
    const task = new vscode.Task({ ...definition, type: TASK_TYPE }, folder, command === 'all' ? 'Install models and run test generation' : `Runner: ${command}`, 'ML Pins', execution, []);
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, focus: false };
    task.detail = `${interpreter.executable} · ${model ?? 'no model chosen'}`;
    return task;
  }

  /** What to install: the project's own installer, else the pyproject project, else its requirement file. */
  private async installArgs(folder: vscode.WorkspaceFolder, installCommand: string[]): Promise<string[]> {
    if (installCommand.length) return ['--install-command', ...installCommand];
    const exists = async (name: string) => vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, name)).then(() => true, () => false);
    if (await exists('pyproject.toml')) return ['--project', folder.uri.fsPath];
    if (await exists('requirements.txt')) return ['--requirements', vscode.Uri.joinPath(folder.uri, 'requirements.txt').fsPath];
    return [];
  }
}
