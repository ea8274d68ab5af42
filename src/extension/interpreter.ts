// Which Python runs the project: the Python extension's active environment (its API), else
// python.defaultInterpreterPath, else a .venv in the folder, else python3/python on PATH.
import * as vscode from 'vscode';

export interface Interpreter {
  executable: string;
  source: 'python-extension' | 'setting' | 'venv' | 'path';
}

export async function resolveInterpreter(folder: vscode.WorkspaceFolder): Promise<Interpreter> {
  const fromExtension = await activeEnvironment(folder);
  if (fromExtension) return { executable: fromExtension, source: 'python-extension' };
  const setting = vscode.workspace.getConfiguration('python', folder.uri).get<string>('defaultInterpreterPath', '').trim();
  if (setting && setting !== 'python' && setting !== 'python3') {
    return { executable: setting.replace('${workspaceFolder}', folder.uri.fsPath), source: 'setting' };
  }
  for (const rel of process.platform === 'win32' ? ['.venv/Scripts/python.exe', 'venv/Scripts/python.exe'] : ['.venv/bin/python', 'venv/bin/python']) {
    const uri = vscode.Uri.joinPath(folder.uri, rel);
    try {
      await vscode.workspace.fs.stat(uri);
      return { executable: uri.fsPath, source: 'venv' };
    } catch {
      // not there
    }
  }
  return { executable: process.platform === 'win32' ? 'python' : 'python3', source: 'path' };
}

async function activeEnvironment(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  if (!vscode.extensions.getExtension('ms-python.python')) return undefined;
  try {
    const { PythonExtension } = await import('@vscode/python-extension');
    const api = await PythonExtension.api();
    const path = api.environments.getActiveEnvironmentPath(folder.uri);
    const env = await api.environments.resolveEnvironment(path);
    return env?.executable.uri?.fsPath;
  } catch {
    return undefined;
  }
}
