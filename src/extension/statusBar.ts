// The workspace's ML Pins state, not a second copy of VS Code's problem counter: "checking" (with progress) while the
// server scans — never a count that would read as "all clear" before the first check is done — then the count with
// a label, and the environment the pins are checked against (its name and Python). A click reveals the ML Pins view
// (./findingsView.ts): ML Pins' findings alone, beside Problems.
import * as vscode from 'vscode';
import type { EnvironmentStatus, StatusParams } from '../server/protocol';
import type { CheckedFinding, WorkspaceChecker } from './checker';
import { findingRow, groupByFile, plural } from './findingsView';

const PLATFORM_NAMES: Record<string, string> = { linux: 'Linux', windows: 'Windows', macos: 'macOS' };

/** The environment of the folder the user is looking at (the active editor's), else of the first folder. */
function environmentInView(environments: readonly EnvironmentStatus[] | undefined): EnvironmentStatus | undefined {
  if (!environments?.length) return undefined;
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = active && vscode.workspace.getWorkspaceFolder(active)?.uri.toString().replace(/\/$/, '');
  return environments.find((e) => e.folder === folder) ?? environments[0];
}

/** What the item shows for a status: text, tooltip and the accessible label. */
export function statusText(status: StatusParams, environment: EnvironmentStatus | undefined): { text: string; tooltip: string; label: string } {
  const env = environment?.label ? `${environment.label}${environment.python ? ` (Python ${environment.python})` : ''}` : undefined;
  const envLine = env
    ? `Checked against ${env}${environment?.platform ? ` on ${PLATFORM_NAMES[environment.platform] ?? environment.platform}` : ''}: ${plural(environment?.packages ?? 0, 'installed package')}.`
    : `No Python environment is checked (${environment?.problem ?? 'none selected'}): select an interpreter or create .venv to check what is installed.`;
  if (status.checking) {
    const progress = status.total ? ` ${status.read}/${status.total}` : '…';
    return { text: `$(sync~spin) ML Pins: checking${progress}`, tooltip: `ML Pins is checking the workspace's manifests${status.total ? ` (${status.read} of ${status.total} read)` : ''}.\n${envLine}`,
      label: `ML Pins: checking${status.total ? `, ${status.read} of ${status.total} manifests read` : ''}` };
  }
  const { errors, warnings } = status;
  const count = errors || warnings ? [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ') : 'no problems';
  const icon = errors ? '$(error)' : warnings ? '$(warning)' : '$(check)';
  return {
    text: `${icon} ML Pins: ${count}${env ? ` · ${env}` : ''}`,
    tooltip: `ML Pins: ${count} in the Python pins${status.information ? ` (and ${plural(status.information, 'note')})` : ''}.\n${envLine}\nClick to show ML Pins' findings.`,
    label: `ML Pins: ${count}${env ? `, environment ${env}` : ''}`,
  };
}

export function createStatusBar(checker: WorkspaceChecker): vscode.Disposable & { item: vscode.StatusBarItem } {
  const item = vscode.window.createStatusBarItem('mlPins.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'ML Pins';
  item.command = 'mlPins.showFindings';
  const update = () => {
    const { text, tooltip, label } = statusText(checker.status, environmentInView(checker.status.environments));
    item.text = text;
    item.tooltip = tooltip;
    item.accessibilityInformation = { label };
    item.backgroundColor = !checker.status.checking && checker.status.errors ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
  };
  update();
  const subs = [checker.onDidCheck(update), vscode.window.onDidChangeActiveTextEditor(update)];
  return { item, dispose: () => { for (const s of subs) s.dispose(); item.dispose(); } };
}

type FindingItem = vscode.QuickPickItem & { finding?: CheckedFinding };

/** ML Pins' findings as quick-pick rows: one group per file (the files with errors first), by line within it. */
export function findingItems(findings: readonly CheckedFinding[]): FindingItem[] {
  return groupByFile(findings).flatMap((file) => [
    { label: vscode.workspace.asRelativePath(file.uri), kind: vscode.QuickPickItemKind.Separator },
    ...file.findings.map((f) => {
      const row = findingRow(f);
      return {
        label: `${row.icon ? `$(${row.icon[0]})` : ''} ${row.label}`,
        description: row.description,
        finding: f,
      };
    }),
  ]);
}

/**
 * ML Pins: Go to a Finding… — ML Pins' findings in a quick pick, to type in (choosing one selects its pin). Returns
 * the quick pick (tests drive it), or undefined when there is nothing.
 */
export async function goToFinding(checker: WorkspaceChecker): Promise<vscode.QuickPick<FindingItem> | undefined> {
  const items = findingItems(checker.allFindings());
  if (!items.length) {
    void vscode.window.showInformationMessage(checker.status.checking ? 'ML Pins is still checking the workspace.' : 'ML Pins found no problems in the pins.');
    return undefined;
  }
  const pick = vscode.window.createQuickPick<FindingItem>();
  const { errors, warnings, information } = checker.status;
  pick.title = `ML Pins: ${[plural(errors, 'error'), plural(warnings, 'warning'), plural(information, 'note')].join(', ')}`;
  pick.placeholder = 'Go to an ML Pins finding';
  pick.matchOnDescription = true;
  pick.items = items;
  pick.onDidAccept(async () => {
    const f = pick.selectedItems[0]?.finding;
    pick.hide();
    if (f) await vscode.window.showTextDocument(f.uri, { selection: f.diagnostic.range });
  });
  pick.onDidHide(() => pick.dispose());
  pick.show();
  return pick;
}
