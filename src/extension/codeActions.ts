// Quick fixes from the engine's fix options (one lightbulb entry each, the preferred one marked), a
// `source.fixAll.mlPins` action for editor.codeActionsOnSave, and "Fix All in Workspace".
import * as vscode from 'vscode';
import type { Fix, TextEdit } from '../core/types';
import type { WorkspaceChecker } from './checker';
import { SOURCE } from './checker';
import { enginePath, toRange } from './convert';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('mlPins');

export class MlPinsCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly checker: WorkspaceChecker, private readonly afterFix?: string) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const findings = this.checker.findingsFor(document.uri);
    if (context.only && FIX_ALL_KIND.contains(context.only) || context.only?.contains(FIX_ALL_KIND)) {
      return this.fixAll(document);
    }
    // One action per distinct fix: two findings on one pin (cached_download and HfFolder) often share the same fix.
    const byFix = new Map<string, vscode.CodeAction>();
    for (const checked of findings) {
      const d = checked.diagnostic;
      const inContext = context.diagnostics.some((c) => c.source === SOURCE && c.range.isEqual(d.range) && codeOf(c) === checked.finding.code);
      if (!inContext && !d.range.intersection(range)) continue;
      for (const fix of checked.finding.fixes) {
        const key = `${fix.title}\u0000${JSON.stringify(fix.edits)}`;
        const seen = byFix.get(key);
        if (seen) {
          seen.diagnostics = [...(seen.diagnostics ?? []), d];
          seen.isPreferred = seen.isPreferred || fix.preferred;
          continue;
        }
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred;
        action.edit = this.toWorkspaceEdit(fix.edits);
        if (this.afterFix) action.command = { title: 'Offer the test generation', command: this.afterFix };
        byFix.set(key, action);
      }
    }
    const actions = [...byFix.values()].sort((a, b) => Number(b.isPreferred ?? false) - Number(a.isPreferred ?? false));
    if (actions.length && findings.filter((f) => f.finding.fixes.length).length > 1) {
      const all = this.fixAll(document, vscode.CodeActionKind.QuickFix);
      for (const a of all) { a.title = 'Fix all ML Pins problems in this file'; actions.push(a); }
    }
    return actions;
  }

  /** The preferred fix of every finding in the file; fixes whose edits collide with an earlier one wait for the next run. */
  fixAll(document: vscode.TextDocument, kind: vscode.CodeActionKind = FIX_ALL_KIND): vscode.CodeAction[] {
    // Only fixes that stay inside this file: fix-all (and fix-all on save) must not change files the user is not saving.
    const path = enginePath(document.uri);
    const fixes = this.checker.findingsFor(document.uri).map((c) => preferred(c.finding.fixes))
      .filter((f): f is Fix => !!f && f.edits.every((e) => e.path === path));
    if (!fixes.length) return [];
    const edits = nonOverlapping(fixes.flatMap((f) => [f.edits]));
    const action = new vscode.CodeAction('Fix all ML Pins problems', kind);
    action.edit = this.toWorkspaceEdit(edits);
    action.diagnostics = this.checker.findingsFor(document.uri).map((c) => c.diagnostic);
    return [action];
  }

  toWorkspaceEdit(edits: readonly TextEdit[]): vscode.WorkspaceEdit {
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) {
      const uri = this.checker.uriOf(e.path) ?? vscode.Uri.file(e.path);
      edit.replace(uri, toRange(e.range), e.newText);
    }
    return edit;
  }
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  if (typeof c === 'object') return String(c.value);
  return String(c);
}

/** Fix-all applies only preferred fixes: the others are alternatives the user picks by hand. */
function preferred(fixes: readonly Fix[]): Fix | undefined {
  return fixes.find((f) => f.preferred);
}

/** Whole fixes whose edits do not touch an edit already taken (one fix's edits are applied together or not at all). */
export function nonOverlapping(groups: readonly (readonly TextEdit[])[]): TextEdit[] {
  const taken: TextEdit[] = [];
  const seen = new Set<string>();
  const key = (e: TextEdit) => `${e.path}|${e.range.start.line}:${e.range.start.character}-${e.range.end.line}:${e.range.end.character}|${e.newText}`;
  const overlaps = (a: TextEdit, b: TextEdit) => {
    if (a.path !== b.path) return false;
    const ra = toRange(a.range);
    const rb = toRange(b.range);
    if (ra.isEmpty && rb.isEmpty) return ra.start.isEqual(rb.start);
    return ra.start.isBefore(rb.end) && rb.start.isBefore(ra.end);
  };
  for (const group of groups) {
    if (group.every((e) => seen.has(key(e)))) continue;
    if (group.some((e) => taken.some((t) => overlaps(t, e)))) continue;
    for (const e of group) { taken.push(e); seen.add(key(e)); }
  }
  return taken;
}

/** "ML Pins: Fix All in Workspace": preferred fixes everywhere, repeated while they reveal more (at most 3 rounds). */
export async function fixAllInWorkspace(checker: WorkspaceChecker, actions: MlPinsCodeActions): Promise<number> {
  let applied = 0;
  for (let round = 0; round < 3; round++) {
    await checker.whenIdle();
    const fixes = checker.allFindings().map((c) => preferred(c.finding.fixes)).filter((f): f is Fix => !!f);
    const edits = nonOverlapping(fixes.map((f) => f.edits));
    if (!edits.length) break;
    if (!(await vscode.workspace.applyEdit(actions.toWorkspaceEdit(edits)))) break;
    applied += edits.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  await checker.whenIdle();
  return applied;
}
