// The Node entry: the language client (the server is dist/server.js, forked over IPC), plus what only VS Code on a
// desktop or remote has: the terminal command that installs the models and runs a test generation (a task of type
// `ml-pins`), and the Python extension's interpreter, which the server is told about.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { METHODS } from '../server/protocol';
import { activateCommon, type MlPinsApi } from './activate';
import { installRequirements, INSTALL_REQUIREMENTS_COMMAND, type InstallRequest } from './installRequirements';
import { resolveInterpreter, watchInterpreters } from './interpreter';
import { TestGeneration } from './testGeneration/commands';

export interface MlPinsNodeApi extends MlPinsApi {
  testGeneration: TestGeneration;
}

export function activate(context: vscode.ExtensionContext): MlPinsNodeApi {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  let testGeneration!: TestGeneration;
  const api = activateCommon(context, (options) => {
    // Fixes for what is installed also offer "…, and install it" (a terminal: the Node entry only).
    options.initializationOptions = { ...options.initializationOptions, installCommand: INSTALL_REQUIREMENTS_COMMAND };
    // The client library is its own bundle (dist/language-client.js), loaded when the client is made (after
    // activation): the extension's bundle stays small, so loading it is cheap.
    const { LanguageClient, TransportKind } = require(join(__dirname, 'language-client.js')) as typeof import('vscode-languageclient/node');
    return new LanguageClient('mlPins', 'ML Pins', { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } }, options);
  }, 'mlPins.offerTestGeneration', (common) => {
    testGeneration = new TestGeneration(context, common.checker, common.log);
    context.subscriptions.push(testGeneration);
    return {
      ...testGeneration.commands(),
      // The environment changed: read it again (the server re-checks against it).
      [INSTALL_REQUIREMENTS_COMMAND]: async (request: InstallRequest) => { const code = await installRequirements(request); sendInterpreters(); return code; },
    };
  });
  // The interpreter each folder runs on, once the server is up (the Python extension may take a while to answer);
  // the server reads its installed environment for the installed findings.
  function sendInterpreters(): void {
    void api.checker.whenIdle().then(() => {
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        void resolveInterpreter(folder).then((i) => api.client.sendNotification(METHODS.interpreter, { folder: folder.uri.toString(), ...i }))
          .catch(() => undefined);
      }
    }, () => undefined);
  }
  sendInterpreters();
  context.subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(sendInterpreters),
    // Another interpreter selected (Python extension, setting, a new .venv): the server reads its environment again.
    watchInterpreters(sendInterpreters),
  );
  return Object.assign(api, { testGeneration }); // not a spread: `client` is a getter
}

export function deactivate(): void {}
