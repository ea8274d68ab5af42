// VS Code for the Web: the same language server in a browser worker (dist/web/server.js); files are read through
// workspace.fs on its behalf. Commands that need a terminal are not registered here (package.json hides them where
// shellExecutionSupported is false).
import * as vscode from 'vscode';
import { activateCommon, type MlPinsApi } from './activate';

export function activate(context: vscode.ExtensionContext): MlPinsApi {
  const serverUri = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
  return activateCommon(context, (options) => {
    const { LanguageClient } = require('vscode-languageclient/browser') as typeof import('vscode-languageclient/browser');
    return new LanguageClient('mlPins', 'ML Pins', options, new Worker(serverUri.toString(true)));
  });
}

export function deactivate(): void {}
