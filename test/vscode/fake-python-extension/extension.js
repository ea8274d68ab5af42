// A stand-in for the Python extension (id ms-python.python), loaded only by scripts/test-vscode.mjs
// --python-extension. It publishes the environments part of the API that @vscode/python-extension types
// (node_modules/@vscode/python-extension/out/main.d.ts): getActiveEnvironmentPath, updateActiveEnvironmentPath,
// onDidChangeActiveEnvironmentPath, resolveEnvironment, known, onDidChangeEnvironments, refreshEnvironments,
// getEnvironmentVariables, onDidEnvironmentVariablesChange, plus `ready` and `debug`.
// Environments are real venvs: resolveEnvironment reads the folder's pyvenv.cfg (as the real extension's resolver
// does for venvs) and answers undefined for anything that is not one. Nothing is selected at first: the active path
// is then "python" (id DEFAULT_PYTHON, what the real extension reports without a selection), which this stand-in
// treats as invalid, so its callers fall back as they would on an unresolvable environment.
'use strict';
const vscode = require('vscode');
const fs = require('node:fs');
const path = require('node:path');

const NOTHING_SELECTED = { id: 'DEFAULT_PYTHON', path: 'python' };

/** The venv folder of a python executable or of a folder, when it has a pyvenv.cfg. */
function venvFolder(p) {
  for (const candidate of [p, path.dirname(path.dirname(p))]) {
    if (fs.existsSync(path.join(candidate, 'pyvenv.cfg'))) return candidate;
  }
  return undefined;
}

function resolve(p) {
  const folder = p && venvFolder(p);
  if (!folder) return undefined;
  const executable = path.join(folder, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python');
  if (!fs.existsSync(executable)) return undefined;
  const cfg = fs.readFileSync(path.join(folder, 'pyvenv.cfg'), 'utf8');
  const m = /^version(?:_info)?\s*=\s*(\d+)\.(\d+)\.(\d+)/m.exec(cfg);
  const version = m ? { major: Number(m[1]), minor: Number(m[2]), micro: Number(m[3]), release: { level: 'final', serial: 0 },
    sysVersion: `${m[1]}.${m[2]}.${m[3]}` } : undefined;
  return {
    id: executable, path: executable,
    executable: { uri: vscode.Uri.file(executable), bitness: '64-bit', sysPrefix: folder },
    environment: { type: 'VirtualEnvironment', name: path.basename(folder), folderUri: vscode.Uri.file(folder),
      workspaceFolder: undefined },
    version,
    tools: ['Venv'],
  };
}

function activate(context) {
  const activeChanged = new vscode.EventEmitter();
  const envsChanged = new vscode.EventEmitter();
  const variablesChanged = new vscode.EventEmitter();
  context.subscriptions.push(activeChanged, envsChanged, variablesChanged);
  const known = new Map();
  let active = NOTHING_SELECTED;
  const pathOf = (e) => (typeof e === 'string' ? e : e.path);
  const environments = {
    getActiveEnvironmentPath: () => active,
    async updateActiveEnvironmentPath(environment, resource) {
      const env = resolve(pathOf(environment));
      active = env ? { id: env.id, path: env.path } : { id: pathOf(environment), path: pathOf(environment) };
      if (env && !known.has(env.id)) { known.set(env.id, env); envsChanged.fire({ env, type: 'add' }); }
      const folder = resource && ('uri' in resource ? resource : vscode.workspace.getWorkspaceFolder(resource));
      activeChanged.fire({ ...active, resource: folder });
    },
    onDidChangeActiveEnvironmentPath: activeChanged.event,
    get known() { return [...known.values()]; },
    onDidChangeEnvironments: envsChanged.event,
    async refreshEnvironments() {},
    async resolveEnvironment(environment) { return resolve(pathOf(environment)); },
    getEnvironmentVariables: () => ({ ...process.env }),
    onDidEnvironmentVariablesChange: variablesChanged.event,
  };
  return {
    ready: Promise.resolve(),
    debug: { async getRemoteLauncherCommand() { return []; }, async getDebuggerPackagePath() { return undefined; } },
    environments,
  };
}

module.exports = { activate, deactivate() {} };
