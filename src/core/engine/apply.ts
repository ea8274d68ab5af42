// Applies text edits to documents: the `fix` command, fix-all, and the tests that prove a fix resolves its finding.
import { lineIndexFor } from '../text';
import type { Applicability, Finding, TextEdit } from '../types';
import { fixToApply } from './applicability';

/** Applies non-overlapping edits to one text; an edit overlapping one already taken is skipped and returned. */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; skipped: TextEdit[] } {
  const index = lineIndexFor(text);
  const resolved = edits.map((edit, order) => ({ edit, order, start: index.offsetAt(edit.range.start), end: index.offsetAt(edit.range.end) }));
  // Earliest first to pick non-overlapping edits in document order; insertions at one point keep their given order.
  resolved.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  const taken: typeof resolved = [];
  const skipped: TextEdit[] = [];
  let lastEnd = -1;
  for (const r of resolved) {
    if (r.start < lastEnd) {
      skipped.push(r.edit);
      continue;
    }
    taken.push(r);
    lastEnd = Math.max(lastEnd, r.end);
  }
  let out = '';
  let pos = 0;
  for (const r of taken) {
    out += text.slice(pos, r.start) + r.edit.newText;
    pos = r.end;
  }
  out += text.slice(pos);
  return { text: out, skipped };
}

/** The fix to apply of each finding, as edits grouped by file. Fixes whose edits collide with an earlier one are left out whole. */
export function editsToApply(findings: readonly { path: string; finding: Finding }[], level: Applicability = 'safe'): Map<string, TextEdit[]> {
  const byFile = new Map<string, TextEdit[]>();
  const seen = new Set<string>();
  // A fix offered because of what other pins allow goes in a round of its own, once no other fix is left: one applied
  // beside it could change those pins (torchvision<0.17 is offered with a torch below 2.2 allowed, and another
  // finding's fix may raise torch).
  const fixes = findings.map(({ finding }) => fixToApply(finding.fixes, level)).filter((f): f is NonNullable<typeof f> => !!f);
  const others = fixes.filter((f) => !f.readsOtherPins);
  for (const fix of others.length ? others : fixes.slice(0, 1)) {
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue; // the same fix offered by several findings (base and extra environments)
    seen.add(key);
    if (fix.edits.some((e) => overlapsAny(byFile.get(e.path) ?? [], e))) continue;
    for (const e of fix.edits) {
      const list = byFile.get(e.path) ?? [];
      list.push(e);
      byFile.set(e.path, list);
    }
  }
  return byFile;
}

function overlapsAny(edits: readonly TextEdit[], e: TextEdit): boolean {
  const before = (a: TextEdit['range']['start'], b: TextEdit['range']['start']) => a.line < b.line || (a.line === b.line && a.character < b.character);
  const equal = (a: TextEdit['range']['start'], b: TextEdit['range']['start']) => a.line === b.line && a.character === b.character;
  return edits.some((x) => {
    const xEmpty = equal(x.range.start, x.range.end);
    const eEmpty = equal(e.range.start, e.range.end);
    if (xEmpty && eEmpty) return equal(x.range.start, e.range.start);
    return before(e.range.start, x.range.end) && before(x.range.start, e.range.end);
  });
}

/**
 * Applies each finding's fix (fixToApply at `level`) until nothing more changes (a fix can reveal the next: a
 * companion after torch), at most `rounds` times. `only` keeps the findings (with the file they are in) whose fix
 * may be applied (fix on save: this file's, whose fix edits only it); `checked` is the check of `input` when the
 * caller has it. Returns the new texts of the files that changed and the check of the final state (with `rounds: 1`
 * and `finalCheck: false`, for fix on save, which the editor bounds in time: the check before the round). The CLI's
 * `fix` and the language server's fix-all (workspace, file, on save) all come through here.
 */
export async function fixProject(input: import('./check').CheckInput, options: {
  only?: (f: Finding, path: string) => boolean; rounds?: number; level?: Applicability; checked?: import('./check').CheckResult;
  finalCheck?: boolean;
} = {}) {
  const { checkProject } = await import('./check');
  const texts = new Map(input.files.map((f) => [f.path, f.text]));
  const originals = new Map(texts);
  const current = () => ({ ...input, files: input.files.map((f) => ({ ...f, text: texts.get(f.path) ?? f.text })),
    readFile: async (p: string, o?: { allowOutside?: boolean }) => texts.get(p) ?? (await input.readFile?.(p, o)) });
  let result = options.checked ?? await checkProject(current());
  let applied = 0;
  // Every state the files went through: a round that leads back to one would flip-flop forever (two files that
  // include each other with contradictory pins), so it is not applied.
  const stateOf = () => [...texts].map(([p, t]) => `${p}\u0000${t}`).join('\u0001');
  const seen = new Set([stateOf()]);
  const rounds = options.rounds ?? 5;
  for (let round = 0; round < rounds; round++) {
    const placed = result.files.flatMap((f) => f.findings.map((finding) => ({ path: f.path, finding })))
      .filter((p) => !options.only || options.only(p.finding, p.path));
    const edits = editsToApply(placed, options.level);
    let changed = false;
    const undo = new Map(texts);
    for (const [path, fileEdits] of edits) {
      // The engine proposes edits only in files it was allowed to read: reading one again needs no new permission.
      const before = texts.get(path) ?? (await input.readFile?.(path, { allowOutside: true })?.catch(() => undefined));
      if (before === undefined) continue;
      if (!originals.has(path)) originals.set(path, before);
      const after = applyEdits(before, fileEdits).text;
      if (after !== before) { texts.set(path, after); changed = true; applied += fileEdits.length; }
    }
    if (!changed) break;
    const state = stateOf();
    if (seen.has(state)) { for (const [p, t] of undo) texts.set(p, t); break; }
    seen.add(state);
    if (round === rounds - 1 && options.finalCheck === false) break;
    result = await checkProject(current());
  }
  const changedFiles = new Map([...texts].filter(([p, t]) => originals.get(p) !== t));
  return { changed: changedFiles, originals, result, applied };
}
