// The Node entry: the language client (the server is dist/server.js, forked over IPC), plus what only VS Code on a
// desktop or remote has: the terminal command that installs the models and runs a test generation (a task of type
// `ml-pins`), and the Python extension's interpreter, which the server is told about.
import * as vscode from 'vscode';
import { METHODS } from '../server/protocol';
import { activateCommon, type MlPinsApi } from './activate';
import { resolveInterpreter } from './interpreter';
import { TestGeneration } from './testGeneration/commands';

export interface MlPinsNodeApi extends MlPinsApi {
  testGeneration: TestGeneration;
}

export function activate(context: vscode.ExtensionContext): MlPinsNodeApi {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  let testGeneration!: TestGeneration;
  const api = activateCommon(context, (options) => {
    // Loaded when the client is made (after activation), not when the extension is.
    const { LanguageClient, TransportKind } = require('vscode-languageclient/node') as typeof import('vscode-languageclient/node');
    return new LanguageClient('mlPins', 'ML Pins', { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } }, options);
  }, 'mlPins.offerTestGeneration', (common) => {
    testGeneration = new TestGeneration(context, common.checker, common.log);
    context.subscriptions.push(testGeneration);
    return testGeneration.commands();
  });
  // The interpreter each folder runs on, once the server is up (the Python extension may take a while to answer);
  // the server reads its installed environment for the installed findings.
  const sendInterpreters = () => {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      void resolveInterpreter(folder).then((i) => api.client.sendNotification(METHODS.interpreter, { folder: folder.uri.toString(), executable: i.executable, source: i.source }))
        .catch(() => undefined);
    }
  };
  void api.checker.whenIdle().then(sendInterpreters, () => undefined);
  context.subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(sendInterpreters),
    // Another interpreter selected: the server reads its environment again.
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('python.defaultInterpreterPath')) void api.checker.whenIdle().then(sendInterpreters, () => undefined); }),
  );
  return Object.assign(api, { testGeneration }); // not a spread: `client` is a getter
}

export function deactivate(): void {}
