// The extension's view of the language server (src/server): its state (checking or idle, counts) for the status
// bar, and what the test generation asks of the engine. The engine runs in the server, never here.
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import type { Severity } from '../core/types';
import { METHODS, type ModelFinding, type PinLocation, type ProjectSettingsResult, type StatusParams } from '../server/protocol';

export const SOURCE = 'ML Pins';

export interface CheckedFinding {
  uri: vscode.Uri;
  finding: { code: string; severity: Severity; message: string };
  diagnostic: vscode.Diagnostic;
}

const SEVERITY: Record<number, Severity> = {
  [vscode.DiagnosticSeverity.Error]: 'error', [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information', [vscode.DiagnosticSeverity.Hint]: 'hint',
};
const DIAGNOSTIC_SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information, hint: vscode.DiagnosticSeverity.Hint,
};
const toPin = (p: PinLocation) => ({ uri: vscode.Uri.parse(p.uri), text: p.text,
  range: new vscode.Range(p.range.start.line, p.range.start.character, p.range.end.line, p.range.end.character) });
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''));

export class WorkspaceChecker implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StatusParams>();
  /** Fires with the server's status after each check and while it scans. */
  readonly onDidCheck = this.changed.event;
  status: StatusParams = { checking: true, read: 0, total: 0, errors: 0, warnings: 0, information: 0 };
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly ready: Promise<BaseLanguageClient>) {}

  /** Follows the server's status notifications (called once the client is made, before it starts). */
  attach(client: BaseLanguageClient): void {
    this.disposables.push(client.onNotification(METHODS.status, (s: StatusParams) => { this.status = s; this.changed.fire(s); }));
  }

  /** Resolves when the server has no scan or check scheduled or running (tests, fix-all). */
  async whenIdle(): Promise<void> {
    await (await this.ready).sendRequest(METHODS.whenIdle);
  }

  /** The findings the editor shows (the server's diagnostics, as VS Code holds them). */
  allFindings(): CheckedFinding[] {
    return vscode.languages.getDiagnostics().flatMap(([uri, ds]) => ds.filter((d) => d.source === SOURCE).map((diagnostic) => ({
      uri, diagnostic, finding: { code: codeOf(diagnostic), severity: SEVERITY[diagnostic.severity], message: diagnostic.message },
    })));
  }

  /** The findings the editor shows for one file. */
  findingsFor(uri: vscode.Uri): CheckedFinding[] {
    return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE).map((diagnostic) => ({
      uri, diagnostic, finding: { code: codeOf(diagnostic), severity: SEVERITY[diagnostic.severity], message: diagnostic.message },
    }));
  }

  /** Every pin of a package (PEP 503 name) in the project of `uri`. */
  async pinsOf(uri: vscode.Uri, name: string): Promise<{ uri: vscode.Uri; range: vscode.Range; text: string }[]> {
    const pins = await (await this.ready).sendRequest<PinLocation[]>(METHODS.pinsOf, { uri: uri.toString(), name });
    return pins.map(toPin);
  }

  /** Models and install command from the project's [tool.ml-pins] (the file's nearest one). */
  async projectSettings(uri: vscode.Uri): Promise<ProjectSettingsResult> {
    return (await this.ready).sendRequest<ProjectSettingsResult>(METHODS.projectSettings, { uri: uri.toString() });
  }

  /** The engine's findings for a model saved with `library` `version`: on pins that admit no version that new. */
  async modelFindings(folder: vscode.Uri, model: string, library: string, version: string): Promise<CheckedFinding[]> {
    const found = await (await this.ready).sendRequest<ModelFinding[]>(METHODS.modelFindings, { uri: folder.toString(), model, library, version });
    return found.map((f) => {
      const diagnostic = new vscode.Diagnostic(new vscode.Range(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character),
        f.message, DIAGNOSTIC_SEVERITY[f.severity]);
      diagnostic.source = SOURCE;
      diagnostic.code = f.code;
      return { uri: vscode.Uri.parse(f.uri), finding: { code: f.code, severity: f.severity, message: f.message }, diagnostic };
    });
  }

  /** Reads every manifest again and checks the workspace. */
  async recheckAll(): Promise<void> {
    await (await this.ready).sendNotification(METHODS.recheck);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
