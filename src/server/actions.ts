// Code actions from the engine's fix options: one quick fix per distinct fix (the safe one marked preferred), the
// `source.fixAll.mlPins` kind for fix-on-save, and the line edits that carry the core's fix loop (engine/apply.ts)
// to the client.
import { diffLines } from 'diff';
import type { CodeAction, Command, Diagnostic, Range as LspRange, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { bySafety, safer } from '../core/engine/applicability';
import type { Applicability, Finding, Fix, Range, TextEdit } from '../core/types';

export const FIX_ALL_KIND = 'source.fixAll.mlPins';
const SOURCE = 'ML Pins';

const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
const equal = (a: Range['start'], b: Range['start']) => a.line === b.line && a.character === b.character;
const sameRange = (a: Range, b: Range) => equal(a.start, b.start) && equal(a.end, b.end);
const intersects = (a: Range, b: Range) => !before(a.end, b.start) && !before(b.end, a.start);

/** One action per distinct fix of the findings at `range` or named in the request's diagnostics, safest first. */
export function quickFixes(placed: readonly { finding: Finding; diagnostic: Diagnostic }[], range: LspRange, requested: readonly Diagnostic[],
  toEdit: (edits: readonly TextEdit[]) => WorkspaceEdit, installCommand?: (install: NonNullable<Fix['install']>) => Command): CodeAction[] {
  // Two findings on one pin (cached_download and HfFolder) often share the same fix.
  const byFix = new Map<string, { applicability: Applicability; action: CodeAction }>();
  for (const { finding, diagnostic } of placed) {
    const inContext = requested.some((c) => c.source === SOURCE && sameRange(c.range, diagnostic.range) && String(c.code) === finding.code);
    if (!inContext && !intersects(diagnostic.range, range)) continue;
    for (const fix of finding.fixes) {
      const key = `${fix.title}\u0000${JSON.stringify(fix.edits)}`;
      const seen = byFix.get(key);
      if (seen) {
        seen.action.diagnostics = [...(seen.action.diagnostics ?? []), diagnostic];
        seen.applicability = safer(seen.applicability, fix.applicability);
        continue;
      }
      byFix.set(key, { applicability: fix.applicability, action: { title: fix.title, kind: 'quickfix', diagnostics: [diagnostic], edit: toEdit(fix.edits) } });
      // A fix for what is installed: the same edit, then the install in a terminal (when the client can run one);
      // it runs a command, so it is never the preferred action.
      if (fix.install && installCommand) {
        byFix.set(`${key}\u0000install`, { applicability: 'needs-review', action: { title: `${fix.title}, and install it`, kind: 'quickfix', diagnostics: [diagnostic],
          edit: toEdit(fix.edits), command: installCommand(fix.install) } });
      }
    }
  }
  return bySafety([...byFix.values()]).map(({ applicability, action }) => (applicability === 'safe' ? { ...action, isPreferred: true } : action));
}

/** Line-level edits that turn `from` into `to`: unchanged lines (comments, formatting) are not touched. */
export function textEditsBetween(from: string, to: string): LspTextEdit[] {
  const edits: LspTextEdit[] = [];
  let line = 0;
  let pending: { start: number; end: number; text: string } | undefined;
  const flush = () => {
    if (pending) edits.push({ range: { start: { line: pending.start, character: 0 }, end: { line: pending.end, character: 0 } }, newText: pending.text });
    pending = undefined;
  };
  for (const part of diffLines(from, to)) {
    const lines = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
    if (!part.added && !part.removed) { flush(); line += lines; continue; }
    pending ??= { start: line, end: line, text: '' };
    if (part.removed) { line += lines; pending.end = line; }
    else pending.text += part.value;
  }
  flush();
  return edits;
}
