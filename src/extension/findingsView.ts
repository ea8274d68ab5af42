// The "ML Pins" view in the panel, beside Problems: ML Pins' findings alone, grouped by file (the files with errors
// first), each revealing its pin's exact range. It exists because the Problems view cannot be filtered to ML Pins by
// an extension: VS Code 1.100's only commands on its filter focus it (problems.action.focusFilter) or clear it
// (problems.action.clearFilterText); the filter widget is a plain input box that neither the `type` command (code
// editors only) nor a paste (a no-op on the web) can fill, and its text is read from workbench storage only when the
// view is created. The status item's click reveals this view.
import * as vscode from 'vscode';
import type { CheckedFinding, WorkspaceChecker } from './checker';

export const FINDINGS_VIEW = 'mlPins.findings';
/** Set while ML Pins checks, so the empty view's welcome says "checking" rather than "no problems". */
const CHECKING_CONTEXT = 'mlPins.checking';

const RANK: Record<string, number> = { error: 0, warning: 1, information: 2, hint: 3 };
const ICON: Record<string, [id: string, color?: string]> = {
  error: ['error', 'list.errorForeground'], warning: ['warning', 'list.warningForeground'], information: ['info'], hint: ['lightbulb'],
};
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a finding reads in a list (this view's rows, the Go to a Finding… quick pick): its severity's icon, the first
 *  line of its message, and its code and line. */
export function findingRow(f: CheckedFinding): { icon: [id: string, color?: string] | undefined; label: string; description: string } {
  return {
    icon: ICON[f.finding.severity],
    label: f.diagnostic.message.split('\n')[0],
    description: `${f.finding.code} · line ${f.diagnostic.range.start.line + 1}`,
  };
}

export interface FileNode { kind: 'file'; uri: vscode.Uri; findings: CheckedFinding[] }
export interface FindingNode { kind: 'finding'; finding: CheckedFinding }
export type FindingsNode = FileNode | FindingNode;

/** Findings by file: the files with errors first (then warnings, …), by path within a severity; by position in a file. */
export function groupByFile(findings: readonly CheckedFinding[]): FileNode[] {
  const byFile = new Map<string, CheckedFinding[]>();
  for (const f of findings) {
    const key = f.uri.toString();
    const list = byFile.get(key);
    if (list) list.push(f);
    else byFile.set(key, [f]);
  }
  const worst = (fs: CheckedFinding[]) => Math.min(...fs.map((f) => RANK[f.finding.severity] ?? 3));
  return [...byFile.values()]
    .sort((a, b) => worst(a) - worst(b) || a[0].uri.toString().localeCompare(b[0].uri.toString()))
    .map((fs) => ({ kind: 'file', uri: fs[0].uri, findings: [...fs].sort((a, b) => a.diagnostic.range.start.compareTo(b.diagnostic.range.start)) }));
}

export class FindingsProvider implements vscode.TreeDataProvider<FindingsNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private files: FileNode[] = [];

  constructor(private readonly checker: WorkspaceChecker) {
    this.refresh();
  }

  /** Reads ML Pins' diagnostics again (as VS Code holds them) and tells the tree. */
  refresh(): void {
    this.files = groupByFile(this.checker.allFindings());
    this.changed.fire();
  }

  get count(): number {
    return this.files.reduce((n, f) => n + f.findings.length, 0);
  }

  getChildren(node?: FindingsNode): FindingsNode[] {
    if (!node) return this.files;
    return node.kind === 'file' ? node.findings.map((finding) => ({ kind: 'finding', finding })) : [];
  }

  getTreeItem(node: FindingsNode): vscode.TreeItem {
    if (node.kind === 'file') {
      // No resourceUri: VS Code would decorate the row with its own problem count (every extension's, errors and
      // warnings only) beside ours.
      const path = vscode.workspace.asRelativePath(node.uri);
      const slash = path.lastIndexOf('/');
      const item = new vscode.TreeItem(path.slice(slash + 1), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = vscode.ThemeIcon.File;
      item.description = `${slash > 0 ? `${path.slice(0, slash)} · ` : ''}${plural(node.findings.length, 'finding')}`;
      item.tooltip = path;
      item.id = node.uri.toString();
      item.contextValue = 'file';
      return item;
    }
    const { uri, diagnostic, finding } = node.finding;
    const start = diagnostic.range.start;
    const row = findingRow(node.finding);
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.description = row.description;
    item.tooltip = `${diagnostic.message}\n\n${finding.severity} · ${finding.code} · ${vscode.workspace.asRelativePath(uri)}:${start.line + 1}:${start.character + 1}`;
    const [icon, color] = row.icon ?? ICON.hint;
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.id = `${uri.toString()}#${start.line}:${start.character}:${finding.code}`;
    item.contextValue = 'finding';
    const options: vscode.TextDocumentShowOptions = { selection: diagnostic.range, preserveFocus: false };
    item.command = { title: 'Show the pin', command: 'vscode.open', arguments: [uri, options] };
    return item;
  }

  getParent(node: FindingsNode): FindingsNode | undefined {
    if (node.kind === 'file') return undefined;
    return this.files.find((f) => f.uri.toString() === node.finding.uri.toString());
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export interface FindingsView extends vscode.Disposable {
  provider: FindingsProvider;
  view: vscode.TreeView<FindingsNode>;
}

/** The view, kept in step with the diagnostics (a burst of changes during a scan is one refresh) and the status. */
export function createFindingsView(checker: WorkspaceChecker): FindingsView {
  const provider = new FindingsProvider(checker);
  const view = vscode.window.createTreeView(FINDINGS_VIEW, { treeDataProvider: provider, showCollapseAll: true });
  const describe = () => {
    const n = provider.count;
    view.badge = n ? { value: n, tooltip: `ML Pins: ${plural(n, 'finding')}` } : undefined;
    const { errors, warnings, information } = checker.status;
    view.description = checker.status.checking ? 'checking…' : n ? [errors && plural(errors, 'error'), warnings && plural(warnings, 'warning'), information && plural(information, 'note')].filter(Boolean).join(', ') : undefined;
    void vscode.commands.executeCommand('setContext', CHECKING_CONTEXT, checker.status.checking);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      provider.refresh();
      describe();
    }, 100);
  };
  describe();
  const subs = [
    vscode.languages.onDidChangeDiagnostics(refreshSoon),
    checker.onDidCheck(refreshSoon),
  ];
  return {
    provider,
    view,
    dispose: () => {
      if (timer) clearTimeout(timer);
      for (const s of subs) s.dispose();
      view.dispose();
      provider.dispose();
    },
  };
}

/** The status item's click: the ML Pins view, revealed in the panel. Returns the view (tests read it). */
export async function showFindings(findings: FindingsView): Promise<vscode.TreeView<FindingsNode>> {
  await vscode.commands.executeCommand(`${FINDINGS_VIEW}.focus`);
  findings.provider.refresh();
  return findings.view;
}
