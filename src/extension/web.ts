// VS Code for the Web: diagnostics, quick fixes and hovers; files are read through workspace.fs. Commands that need
// a terminal are not registered here (package.json hides them where shellExecutionSupported is false).
import type * as vscode from 'vscode';
import { activateCommon, type MlPinsApi } from './activate';

export function activate(context: vscode.ExtensionContext): MlPinsApi {
  return activateCommon(context);
}

export function deactivate(): void {}
