// The workspace's ML Pins state: "checking" while the server scans, then the error and warning counts; a click opens
// the Problems view.
import * as vscode from 'vscode';
import type { WorkspaceChecker } from './checker';

export function createStatusBar(checker: WorkspaceChecker): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlPins.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ML Pins';
  item.command = 'workbench.actions.view.problems';
  const update = () => {
    const { checking, read, total, errors, warnings } = checker.status;
    if (checking) {
      item.text = `$(sync~spin) ML Pins${total ? ` ${read}/${total}` : ''}`;
      item.tooltip = 'ML Pins is checking the workspace\'s manifests.';
      item.accessibilityInformation = { label: 'ML Pins: checking' };
      item.backgroundColor = undefined;
    } else {
      item.text = `$(error) ${errors} $(warning) ${warnings}`;
      item.tooltip = `ML Pins: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in Python ML pins. Click to open Problems.`;
      item.accessibilityInformation = { label: `ML Pins: ${errors} errors, ${warnings} warnings` };
      item.backgroundColor = errors ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    }
    item.show();
  };
  update();
  const sub = checker.onDidCheck(update);
  return { dispose: () => { sub.dispose(); item.dispose(); } };
}
