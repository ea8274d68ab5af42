// Text edits the formats share: inserting at a place, appending a TOML table, an argument after a command-line word,
// an element after a string in a TOML array or a Python list. Each keeps the file's line endings and style.
import { LineIndex, lineIndexFor } from '../text';
import type { Range, Requirement, TextEdit } from '../types';

export function eolOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

export function insertAt(path: string, line: number, character: number, newText: string): TextEdit {
  return { path, range: { start: { line, character }, end: { line, character } }, newText };
}

/** A block of TOML appended at the end of the file, after one blank line. */
export function appendTable(path: string, text: string, lines: string[]): TextEdit {
  const eol = eolOf(text);
  const all = text.split(/\r\n|\r|\n/);
  const last = all.length - 1;
  const trailing = all[last] === '' ? '' : eol;
  return insertAt(path, last, all[last].length, `${trailing}${eol}${lines.join(eol)}${eol}`);
}

/** Inserts a raw command-line argument after a `pip install` argument (after its closing quote when quoted). */
export function appendArgument(path: string, text: string, anchor: { range: Range }, rawArgument: string): TextEdit | undefined {
  const index = lineIndexFor(text);
  const start = index.offsetAt(anchor.range.start);
  const end = index.offsetAt(anchor.range.end);
  const quote = text[start - 1];
  const after = (quote === '"' || quote === "'") && text[end] === quote ? end + 1 : end;
  return { path, range: index.range(after, after), newText: ` ${rawArgument}` };
}

/** TOML arrays and Python lists of strings: the anchor is the inside of a quoted string. */
export function insertIntoStringList(text: string, path: string, anchor: { range: Range }, req: string): TextEdit[] | undefined {
  const index: LineIndex = lineIndexFor(text);
  const eol = eolOf(text);
  const start = index.offsetAt(anchor.range.start);
  const end = index.offsetAt(anchor.range.end);
  let quote = text[start - 1];
  if (quote !== '"' && quote !== "'") return undefined;
  const triple = text.slice(start - 3, start) === quote.repeat(3);
  const close = end + (triple ? 3 : 1);
  const escaped = req.split(quote).join(`\\${quote}`);
  const element = (prefix: string) => `${prefix}${quote}${escaped}${quote}`;
  const startLine = index.positionAt(start).line;
  const lineText = index.lineText(startLine);
  const ownLine = lineText.slice(0, index.positionAt(start).character - 1).trim() === '';
  const closeLine = index.positionAt(close).line;
  const rest = text.slice(close, index.lineStart(closeLine) + index.lineText(closeLine).length);
  const at = (offset: number, newText: string): TextEdit => ({ path, range: index.range(offset, offset), newText });
  if (!ownLine) {
    // One-line list: `["a", "b"]` -> `["a", "new", "b"]`.
    return [at(close, element(', '))];
  }
  const indent = /^\s*/.exec(lineText)![0];
  const lineEndOffset = close + rest.length;
  if (/^\s*,/.test(rest)) return [at(lineEndOffset, `${eol}${indent}${element('')},`)];
  // The last element without a trailing comma: add one, and the new element on its own line.
  return [at(close, ','), at(lineEndOffset, `${eol}${indent}${element('')}`)];
}

/** The text of the line after `anchor`'s last line, where a new entry of a line-per-entry list goes. */
export function afterLine(text: string, path: string, anchor: { range: Range }): { at: (newText: string) => TextEdit; eol: string; indent: string; prefix: string; index: LineIndex } {
  const index = lineIndexFor(text);
  const eol = eolOf(text);
  const line = anchor.range.end.line;
  const end = index.offsetAt({ line, character: index.lineText(line).length });
  return {
    at: (newText) => ({ path, range: index.range(end, end), newText }),
    eol,
    indent: /^\s*/.exec(index.lineText(line))![0],
    prefix: index.lineText(anchor.range.start.line).slice(0, anchor.range.start.character),
    index,
  };
}

/**
 * Adds `key = "value"` to a TOML table entry (`torch = { version = "2.1" }` or `torch = "2.1"`, the first line of
 * `lines` being the entry's): inside its inline table, or by turning its version string into one. Undefined for
 * other shapes (a sub-table, a version string over several lines), which are edited by hand.
 */
export function addKeyToTableEntry(path: string, lines: readonly string[], requirement: Requirement, key: string, value: string): TextEdit | undefined {
  const r = requirement;
  const line = lines[r.range.start.line] ?? '';
  const spec = r.specifierRange;
  const inline = /^[^=]*=\s*\{/.exec(line.slice(r.range.start.character));
  if (inline) return insertAt(path, r.range.start.line, r.range.start.character + inline[0].length, ` ${key} = "${value}",`);
  if (spec.start.line !== spec.end.line || line[spec.start.character - 1] !== '"' || line[spec.end.character] !== '"') return undefined;
  const version = line.slice(spec.start.character, spec.end.character);
  return { path, range: { start: { line: spec.start.line, character: spec.start.character - 1 }, end: { line: spec.end.line, character: spec.end.character + 1 } },
    newText: `{ version = "${version}", ${key} = "${value}" }` };
}
