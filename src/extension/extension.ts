// The Node entry: everything the web entry has, plus the terminal command that installs the models and runs a
// test generation (a task of type `ml-pins`).
import type * as vscode from 'vscode';
import { activateCommon, type MlPinsApi } from './activate';
import { TestGeneration } from './testGeneration/commands';

export interface MlPinsNodeApi extends MlPinsApi {
  testGeneration: TestGeneration;
}

export function activate(context: vscode.ExtensionContext): MlPinsNodeApi {
  let testGeneration!: TestGeneration;
  const api = activateCommon(context, 'mlPins.offerTestGeneration', (common) => {
    testGeneration = new TestGeneration(context, common.checker);
    context.subscriptions.push(testGeneration);
    return testGeneration.commands();
  });
  return { ...api, testGeneration };
}

export function deactivate(): void {}
