// The Node entry: everything the web entry has, plus the terminal command that installs the models and runs a
// test generation (a task of type `ml-pins`).
import type * as vscode from 'vscode';
import { activateCommon, type MlPinsApi } from './activate';

export function activate(context: vscode.ExtensionContext): MlPinsApi {
  return activateCommon(context);
}

export function deactivate(): void {}
