// "…, and install it": the quick fix for a break in the installed environment edits the pin, then this command
// installs the fixed requirement into the folder's selected environment in a terminal (a task: the exit code comes
// back). pip through the environment's own interpreter (`python -m pip install 'diffusers>=0.29.0'`), or `uv pip
// install --python …` where uv manages the project (uv's environments have no pip). An argument list, never a shell
// string. Trusted workspaces only: it runs the project's interpreter.
import * as vscode from 'vscode';
import { installArgv } from '../core/engine/installCommand';
import { resolveInterpreter } from './interpreter';
import { TASK_TYPE } from './testGeneration/taskProvider';

export const INSTALL_REQUIREMENTS_COMMAND = 'mlPins.installRequirements';

/** What the server's code action passes (src/server/server.ts, the fix's `install`). */
export interface InstallRequest {
  folder: string;
  requirements: string[];
  installer: string;
}

/** Runs the install; resolves with its exit code (undefined when it did not run). */
export async function installRequirements(request: InstallRequest): Promise<number | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(request.folder)) ?? vscode.workspace.workspaceFolders?.[0];
  const requirements = (request.requirements ?? []).filter((r) => typeof r === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*[<>=!~][^;'"`$\\]*$/.test(r));
  if (!folder || !requirements.length) return undefined;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('ML Pins installs packages only in a trusted workspace.');
    return undefined;
  }
  const interpreter = await resolveInterpreter(folder);
  const [program, args] = installArgv(request.installer, interpreter.executable, requirements);
  const task = new vscode.Task({ type: TASK_TYPE, command: 'install-requirements' }, folder, `Install ${requirements.join(' ')}`, 'ML Pins',
    new vscode.ProcessExecution(program, args, { cwd: folder.uri.fsPath }));
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true, focus: false };
  task.detail = interpreter.executable;
  const execution = await vscode.tasks.executeTask(task);
  const exitCode = await new Promise<number | undefined>((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => { if (e.execution === execution) { sub.dispose(); resolve(e.exitCode); } });
  });
  if (exitCode !== 0) void vscode.window.showErrorMessage(`ML Pins: installing ${requirements.join(' ')} failed (exit code ${exitCode}); see the terminal.`);
  return exitCode;
}
