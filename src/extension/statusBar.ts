// The workspace's ML Pins error and warning counts; a click opens the Problems view.
import * as vscode from 'vscode';
import type { WorkspaceChecker } from './checker';

export function createStatusBar(checker: WorkspaceChecker): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('mlPins.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ML Pins';
  item.command = 'workbench.actions.view.problems';
  const update = () => {
    const all = checker.allFindings();
    const errors = all.filter((f) => f.finding.severity === 'error').length;
    const warnings = all.filter((f) => f.finding.severity === 'warning').length;
    item.text = `$(error) ${errors} $(warning) ${warnings}`;
    item.tooltip = `ML Pins: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in Python ML pins. Click to open Problems.`;
    item.accessibilityInformation = { label: `ML Pins: ${errors} errors, ${warnings} warnings` };
    item.backgroundColor = errors ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  };
  update();
  const sub = checker.onDidCheck(update);
  return { dispose: () => { sub.dispose(); item.dispose(); } };
}
