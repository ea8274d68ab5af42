// Which Python runs the project: the Python extension's active environment (its published API,
// @vscode/python-extension), else the folder's .venv or venv, else python.defaultInterpreterPath, else python3/python
// on PATH. The server reads the chosen environment's installed packages (src/server/environments.ts).
import * as vscode from 'vscode';

export interface Interpreter {
  executable: string;
  source: 'python-extension' | 'venv' | 'setting' | 'path';
  /** X.Y, when the Python extension knows it. */
  python?: string;
}

const PYTHON_EXTENSION = 'ms-python.python';
type PythonApi = Awaited<ReturnType<typeof import('@vscode/python-extension').PythonExtension.api>>;

/** The Python extension's API, when that extension is installed (it is activated if it is not yet). */
async function pythonApi(): Promise<PythonApi | undefined> {
  if (!vscode.extensions.getExtension(PYTHON_EXTENSION)) return undefined;
  try {
    const { PythonExtension } = await import('@vscode/python-extension');
    return await PythonExtension.api();
  } catch {
    return undefined;
  }
}

export async function resolveInterpreter(folder: vscode.WorkspaceFolder): Promise<Interpreter> {
  const fromExtension = await activeEnvironment(folder);
  if (fromExtension) return fromExtension;
  for (const rel of process.platform === 'win32' ? ['.venv/Scripts/python.exe', 'venv/Scripts/python.exe'] : ['.venv/bin/python', 'venv/bin/python']) {
    const uri = vscode.Uri.joinPath(folder.uri, rel);
    try {
      await vscode.workspace.fs.stat(uri);
      return { executable: uri.fsPath, source: 'venv' };
    } catch {
      // not there
    }
  }
  const setting = vscode.workspace.getConfiguration('python', folder.uri).get<string>('defaultInterpreterPath', '').trim();
  if (setting && setting !== 'python' && setting !== 'python3') {
    return { executable: setting.replace('${workspaceFolder}', folder.uri.fsPath), source: 'setting' };
  }
  return { executable: process.platform === 'win32' ? 'python' : 'python3', source: 'path' };
}

async function activeEnvironment(folder: vscode.WorkspaceFolder): Promise<Interpreter | undefined> {
  const api = await pythonApi();
  if (!api) return undefined;
  try {
    const env = await api.environments.resolveEnvironment(api.environments.getActiveEnvironmentPath(folder.uri));
    const executable = env?.executable.uri?.fsPath;
    if (!executable) return undefined;
    const v = env.version;
    return { executable, source: 'python-extension', ...(v && typeof v.major === 'number' && typeof v.minor === 'number' ? { python: `${v.major}.${v.minor}` } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Calls `changed` when the interpreter of a folder may have changed: another environment selected in the Python
 * extension, python.defaultInterpreterPath edited, a .venv or venv created or removed.
 */
export function watchInterpreters(changed: () => void): vscode.Disposable {
  const subscriptions: vscode.Disposable[] = [
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('python.defaultInterpreterPath')) changed(); }),
    vscode.extensions.onDidChange(() => void follow()),
  ];
  // The folder too: the files of a new venv can be written before the watcher has seen its folder (inotify watches
  // a new folder only after reporting it), so its pyvenv.cfg may never be reported; a second and a third look, once
  // `python -m venv` has had time to write the interpreter, find it.
  const watcher = vscode.workspace.createFileSystemWatcher('**/{.venv,venv,.venv/pyvenv.cfg,venv/pyvenv.cfg}', false, true, false);
  let looks: ReturnType<typeof setTimeout>[] = [];
  const venvChanged = () => {
    changed();
    for (const t of looks) clearTimeout(t);
    looks = [1000, 5000].map((ms) => setTimeout(changed, ms));
  };
  subscriptions.push(watcher, watcher.onDidCreate(venvChanged), watcher.onDidDelete(venvChanged), { dispose: () => { for (const t of looks) clearTimeout(t); } });
  let following = false;
  // The Python extension's own event, once it is installed and answers.
  const follow = async () => {
    if (following) return;
    const api = await pythonApi();
    if (!api || following) return;
    following = true;
    subscriptions.push(api.environments.onDidChangeActiveEnvironmentPath(() => changed()));
    changed();
  };
  void follow();
  return { dispose: () => { for (const s of subscriptions) s.dispose(); } };
}
