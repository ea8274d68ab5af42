// Engine <-> VS Code conversions. Engine positions are already 0-based UTF-16, as VS Code's are.
import * as vscode from 'vscode';
import type { Range, Severity } from '../core/types';

export const toRange = (r: Range) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

export const toSeverity = (s: Severity): vscode.DiagnosticSeverity =>
  s === 'error' ? vscode.DiagnosticSeverity.Error
    : s === 'warning' ? vscode.DiagnosticSeverity.Warning
    : s === 'information' ? vscode.DiagnosticSeverity.Information
    : vscode.DiagnosticSeverity.Hint;

/** Engine paths are the URI's path; the URI keeps its scheme and authority (remote, virtual file systems). */
export function enginePath(uri: vscode.Uri): string {
  return uri.path;
}
