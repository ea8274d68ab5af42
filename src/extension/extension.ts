// The Node entry: everything the web entry has, plus the terminal command that installs the models and runs a
// test generation (a task of type `ml-pins`).
import type * as vscode from 'vscode';
import { activateCommon, type MlPinsApi } from './activate';
import { TestGeneration } from './runTask';

export interface MlPinsNodeApi extends MlPinsApi {
  testGeneration: TestGeneration;
}

export function activate(context: vscode.ExtensionContext): MlPinsNodeApi {
  const api = activateCommon(context, 'mlPins.offerTestGeneration');
  const testGeneration = new TestGeneration(context, api.checker);
  context.subscriptions.push(testGeneration);
  return { ...api, testGeneration };
}

export function deactivate(): void {}
