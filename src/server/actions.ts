// Code actions from the engine's fix options: one quick fix per distinct fix (the preferred one marked), the
// `source.fixAll.mlPins` kind for fix-on-save, and the edits fix-all-in-workspace sends.
import { diffLines } from 'diff';
import type { CodeAction, Command, Diagnostic, Range as LspRange, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Finding, Fix, Range, TextEdit } from '../core/types';

export const FIX_ALL_KIND = 'source.fixAll.mlPins';
const SOURCE = 'ML Pins';

const before = (a: Range['start'], b: Range['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
const equal = (a: Range['start'], b: Range['start']) => a.line === b.line && a.character === b.character;
const sameRange = (a: Range, b: Range) => equal(a.start, b.start) && equal(a.end, b.end);
const intersects = (a: Range, b: Range) => !before(a.end, b.start) && !before(b.end, a.start);

/** Fix-all applies only preferred fixes: the others are alternatives the user picks by hand. */
export function preferredFix(fixes: readonly Fix[]): Fix | undefined {
  return fixes.find((f) => f.preferred);
}

/** One action per distinct fix of the findings at `range` or named in the request's diagnostics, preferred first. */
export function quickFixes(placed: readonly { finding: Finding; diagnostic: Diagnostic }[], range: LspRange, requested: readonly Diagnostic[],
  toEdit: (edits: readonly TextEdit[]) => WorkspaceEdit, installCommand?: (install: NonNullable<Fix['install']>) => Command): CodeAction[] {
  // Two findings on one pin (cached_download and HfFolder) often share the same fix.
  const byFix = new Map<string, CodeAction>();
  for (const { finding, diagnostic } of placed) {
    const inContext = requested.some((c) => c.source === SOURCE && sameRange(c.range, diagnostic.range) && String(c.code) === finding.code);
    if (!inContext && !intersects(diagnostic.range, range)) continue;
    for (const fix of finding.fixes) {
      const key = `${fix.title}\u0000${JSON.stringify(fix.edits)}`;
      const seen = byFix.get(key);
      if (seen) {
        seen.diagnostics = [...(seen.diagnostics ?? []), diagnostic];
        seen.isPreferred = seen.isPreferred || fix.preferred;
        continue;
      }
      byFix.set(key, { title: fix.title, kind: 'quickfix', diagnostics: [diagnostic], isPreferred: fix.preferred, edit: toEdit(fix.edits) });
      // A fix for what is installed: the same edit, then the install in a terminal (when the client can run one).
      if (fix.install && installCommand) {
        byFix.set(`${key}\u0000install`, { title: `${fix.title}, and install it`, kind: 'quickfix', diagnostics: [diagnostic], isPreferred: false,
          edit: toEdit(fix.edits), command: installCommand(fix.install) });
      }
    }
  }
  return [...byFix.values()].sort((a, b) => Number(b.isPreferred ?? false) - Number(a.isPreferred ?? false));
}

/** Whole fixes whose edits do not touch an edit already taken (one fix's edits are applied together or not at all). */
export function nonOverlapping(groups: readonly (readonly TextEdit[])[]): TextEdit[] {
  const taken: TextEdit[] = [];
  const seen = new Set<string>();
  const key = (e: TextEdit) => `${e.path}|${e.range.start.line}:${e.range.start.character}-${e.range.end.line}:${e.range.end.character}|${e.newText}`;
  const overlaps = (a: TextEdit, b: TextEdit) => {
    if (a.path !== b.path) return false;
    const aEmpty = equal(a.range.start, a.range.end);
    const bEmpty = equal(b.range.start, b.range.end);
    if (aEmpty && bEmpty) return equal(a.range.start, b.range.start);
    return before(a.range.start, b.range.end) && before(b.range.start, a.range.end);
  };
  for (const group of groups) {
    if (group.every((e) => seen.has(key(e)))) continue;
    if (group.some((e) => taken.some((t) => overlaps(t, e)))) continue;
    for (const e of group) { taken.push(e); seen.add(key(e)); }
  }
  return taken;
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
