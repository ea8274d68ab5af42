// What the TOML manifest readers (pyproject, Pipfile, pixi) share while walking a TOML document: ranges on the exact
// source characters, schema warnings (a wrong type is reported at the value, and reading goes on), and a read that
// never throws.
import type { AST } from 'toml-eslint-parser';
import { LineIndex } from '../../text';
import type { Finding, PackageIndex, Range, Requirement } from '../../types';
import { syntaxFinding } from '../requirement';
import { parseTomlText, tomlValueToDoc } from './strings';
import { isString, viewOffsets, type Entry, type KeyPart, type TableView, type View } from './tree';

export class TomlReader {
  readonly index: LineIndex;
  readonly requirements: Requirement[] = [];
  readonly findings: Finding[] = [];
  readonly indexes: PackageIndex[] = [];
  requiresPython?: { specifier: string; range: Range };

  constructor(readonly path: string, readonly text: string, private readonly schemaCode: `${string}-schema`) {
    this.index = new LineIndex(text);
  }

  range(offsets: readonly [number, number]): Range {
    return this.index.range(offsets[0], offsets[1]);
  }

  /** The inside of a string value or quoted key (no quotes), or a bare key's own range. */
  insideRange(node: AST.TOMLStringValue | KeyPart): Range {
    if (node.type === 'TOMLBare') return this.range(node.range);
    const map = tomlValueToDoc(this.text, node);
    return this.index.range(map(0), map(node.value.length));
  }

  /** The inside of a string without the blanks around its value (all of it when blank). */
  trimmedInside(node: AST.TOMLStringValue): Range {
    const value = node.value;
    const start = value.length - value.trimStart().length;
    const end = value.trimEnd().length;
    if (end <= start) return this.insideRange(node);
    const map = tomlValueToDoc(this.text, node);
    return this.index.range(map(start), Math.max(map(start), map(end, 'end')));
  }

  schema(message: string, view: View): void {
    this.findings.push(syntaxFinding(this.schemaCode, message, this.range(viewOffsets(view)), 'warning'));
  }

  /** A table expected at `label`; a schema warning (and undefined) when it is something else. */
  table(entry: Entry | undefined, label: string): TableView | undefined {
    if (!entry) return undefined;
    if (entry.value.type === 'TableView') return entry.value;
    this.schema(`"${label}" must be a table.`, entry.value);
    return undefined;
  }

  /** A string field of a table; a schema warning when present with another type. */
  stringField(table: TableView, name: string, label: string): AST.TOMLStringValue | undefined {
    const entry = table.entries.get(name);
    if (!entry) return undefined;
    if (isString(entry.value)) return entry.value;
    this.schema(`"${label}.${name}" must be a string.`, entry.value);
    return undefined;
  }
}

/** A one-character range at a syntax error (empty at a line end or the end of the text) so editors show it. */
export function errorRange(index: LineIndex, text: string, offset: number): Range {
  const c = text[offset];
  const end = c === undefined || c === '\n' || c === '\r' ? offset : offset + 1;
  return index.range(offset, end);
}

/**
 * Reads a TOML manifest with `read` on the reader `fresh` makes. Never throws: malformed TOML is one `toml-syntax`
 * finding, and an error while reading (too deep for the value reader, or a bug) leaves one finding on a fresh reader,
 * naming the file as `label`.
 */
export function readTomlManifest<R extends TomlReader>(text: string, fresh: () => R, read: (r: R, ast: AST.TOMLProgram) => void, label: string): R {
  let r = fresh();
  const parsed = parseTomlText(text);
  if (!parsed.ast) {
    r.findings.push(syntaxFinding('toml-syntax', `Invalid TOML: ${parsed.error.message}`, errorRange(r.index, text, parsed.error.offset)));
    return r;
  }
  try {
    read(r, parsed.ast);
  } catch (e) {
    r = fresh();
    const message = e instanceof RangeError ? 'Invalid TOML: nesting is too deep to read' : `Could not read this ${label}: ${String(e)}`;
    r.findings.push(syntaxFinding(e instanceof RangeError ? 'toml-syntax' : 'internal-error', message, r.index.range(0, 0)));
  }
  return r;
}
