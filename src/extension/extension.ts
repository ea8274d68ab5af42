// Placeholder entry point so the in-VS Code test harness has an extension to load.
// The real VS Code adapter replaces this file.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Registers nothing yet.
}

export function deactivate(): void {}
