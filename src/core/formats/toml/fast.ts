// A fast reader for the common shape of pyproject.toml: `[table]` / `[[array]]` headers with bare keys, and
// `key = value` lines whose value is a one-line string without escapes, a boolean, a decimal integer, or an array of
// such strings over any number of lines (comments and trailing commas included). It builds the same AST nodes
// toml-eslint-parser builds (types, values, ranges, resolved keys; no tokens, comments or `loc`, which no reader uses).
// Anything else (escapes, multi-line strings, other numbers, dates, inline tables, dotted or quoted keys, a table
// defined twice or extended out of order, control characters, a carriage return outside CRLF) makes it give up
// (undefined), and the full parser reads the document. It accepts only documents that are valid TOML 1.0, so it never
// hides an error.
import type { AST } from 'toml-eslint-parser';

type Range = [number, number];

// Bare key characters: A-Z a-z 0-9 _ -
const BARE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45) BARE[c] = 1;
}

/** Characters TOML forbids in comments and one-line strings (controls other than tab), and lone surrogates. */
function forbidden(c: number): boolean {
  return (c < 32 && c !== 9) || c === 127 || (c >= 0xd800 && c <= 0xdfff);
}

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

export function fastParseToml(text: string): AST.TOMLProgram | undefined {
  try {
    return new FastReader(text).read();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class FastReader {
  private i = 0;
  /** Paths (parts joined by NUL, array tables with their index) of tables a header defined. */
  private readonly headers = new Set<string>();
  /** Paths of tables that exist only because a deeper header implies them. */
  private readonly implied = new Set<string>();
  /** Paths of keys that hold values. */
  private readonly values = new Set<string>();
  /** Array-of-tables path -> how many elements so far. */
  private readonly arrays = new Map<string, number>();

  constructor(private readonly text: string) {}

  read(): AST.TOMLProgram {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) throw GIVE_UP;
    const top = { type: 'TOMLTopLevelTable', body: [] as (AST.TOMLKeyValue | AST.TOMLTable)[], range: [0, 0] as Range } as unknown as AST.TOMLTopLevelTable;
    let table: AST.TOMLTable | undefined;
    let tablePath = '';
    let body = top.body as (AST.TOMLKeyValue | AST.TOMLTable)[];
    let keys = new Set<string>();
    for (;;) {
      this.skipBlankLines();
      if (this.i >= text.length) break;
      const c = text.charCodeAt(this.i);
      if (c === 91 /* [ */) {
        if (table) table.range[1] = body.length ? (body[body.length - 1].range[1]) : table.range[1];
        ({ table, path: tablePath } = this.header());
        top.body.push(table);
        body = table.body as (AST.TOMLKeyValue | AST.TOMLTable)[];
        keys = new Set();
      } else {
        const kv = this.keyValue();
        const name = (kv.key.keys[0] as AST.TOMLBare).name;
        const path = `${tablePath}\u0000${name}`;
        if (keys.has(name) || this.values.has(path) || this.headers.has(path) || this.implied.has(path) || this.arrays.has(path)) throw GIVE_UP;
        keys.add(name);
        this.values.add(path);
        body.push(kv);
      }
      this.endOfLine();
    }
    if (table && body.length) table.range[1] = body[body.length - 1].range[1];
    // The top-level table spans its first to its last item (the parser's [0, 0] when there is none).
    const last = top.body[top.body.length - 1];
    if (last) top.range = [top.body[0].range[0], last.range[1]];
    const program = { type: 'Program', body: [top], sourceType: 'module', tokens: [], comments: [], range: [0, text.length] as Range };
    return program as unknown as AST.TOMLProgram;
  }

  /** Spaces, tabs, comments and line breaks. */
  private skipBlankLines(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c === 32 || c === 9) this.i++;
      else if (c === 10) this.i++;
      else if (c === 13 && text.charCodeAt(this.i + 1) === 10) this.i += 2;
      else if (c === 35 /* # */) this.comment();
      else return;
    }
  }

  private comment(): void {
    const text = this.text;
    let i = this.i + 1;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (c === 13 && text.charCodeAt(i + 1) === 10) break;
      if (forbidden(c)) throw GIVE_UP;
    }
    this.i = i;
  }

  private spaces(): void {
    while (this.text.charCodeAt(this.i) === 32 || this.text.charCodeAt(this.i) === 9) this.i++;
  }

  /** After a header or a key-value: spaces, an optional comment, then a line break or the end. */
  private endOfLine(): void {
    this.spaces();
    const text = this.text;
    if (text.charCodeAt(this.i) === 35) this.comment();
    if (this.i >= text.length) return;
    const c = text.charCodeAt(this.i);
    if (c === 10) this.i++;
    else if (c === 13 && text.charCodeAt(this.i + 1) === 10) this.i += 2;
    else throw GIVE_UP;
  }

  private bare(): AST.TOMLBare {
    const text = this.text;
    const start = this.i;
    let i = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c >= 128 || BARE[c] !== 1) break;
      i++;
    }
    if (i === start) throw GIVE_UP;
    this.i = i;
    return { type: 'TOMLBare', name: text.slice(start, i), range: [start, i] } as unknown as AST.TOMLBare;
  }

  private header(): { table: AST.TOMLTable; path: string } {
    const text = this.text;
    const start = this.i;
    const array = text.charCodeAt(start + 1) === 91;
    this.i = start + (array ? 2 : 1);
    const parts: AST.TOMLBare[] = [this.bare()];
    while (text.charCodeAt(this.i) === 46 /* . */) {
      this.i++;
      parts.push(this.bare());
    }
    if (text.charCodeAt(this.i) !== 93 || (array && text.charCodeAt(this.i + 1) !== 93)) throw GIVE_UP;
    const keyRange: Range = [parts[0].range[0], parts[parts.length - 1].range[1]];
    this.i += array ? 2 : 1;
    const names = parts.map((p) => p.name);
    // No part of the path may run through a value or an array of tables (that needs the parser's rules).
    let prefix = '';
    for (let k = 0; k < names.length - 1; k++) {
      prefix += `\u0000${names[k]}`;
      if (this.values.has(prefix) || this.arrays.has(prefix)) throw GIVE_UP;
    }
    const path = `${prefix}\u0000${names[names.length - 1]}`;
    if (this.values.has(path) || this.headers.has(path) || this.implied.has(path)) throw GIVE_UP;
    const resolvedKey: (string | number)[] = [...names];
    let tablePath = path;
    if (array) {
      const n = this.arrays.get(path) ?? 0;
      // An array of tables after a plain table of the same name, or with sub-tables, is left to the parser.
      this.arrays.set(path, n + 1);
      resolvedKey.push(n);
      tablePath = `${path}\u0000#${n}`;
    } else {
      if (this.arrays.has(path)) throw GIVE_UP;
      this.headers.add(path);
    }
    // A deeper header implies its parents; a parent header after it is left to the parser.
    prefix = '';
    for (let k = 0; k < names.length - 1; k++) {
      prefix += `\u0000${names[k]}`;
      if (!this.headers.has(prefix)) this.implied.add(prefix);
    }
    const key = { type: 'TOMLKey', keys: parts, range: keyRange };
    const table = { type: 'TOMLTable', kind: array ? 'array' : 'standard', key, resolvedKey, body: [], range: [start, this.i] as Range };
    return { table: table as unknown as AST.TOMLTable, path: tablePath };
  }

  private keyValue(): AST.TOMLKeyValue {
    const bare = this.bare();
    const key = { type: 'TOMLKey', keys: [bare], range: [bare.range[0], bare.range[1]] };
    this.spaces();
    if (this.text.charCodeAt(this.i) !== 61 /* = */) throw GIVE_UP;
    this.i++;
    this.spaces();
    const value = this.value(true);
    return { type: 'TOMLKeyValue', key, value, range: [bare.range[0], value.range[1]] } as unknown as AST.TOMLKeyValue;
  }

  private value(arrays: boolean): AST.TOMLValue | AST.TOMLArray {
    const text = this.text;
    const start = this.i;
    const c = text.charCodeAt(start);
    if (c === 34 /* " */ || c === 39 /* ' */) {
      if (text.charCodeAt(start + 1) === c && text.charCodeAt(start + 2) === c) throw GIVE_UP; // multi-line
      let i = start + 1;
      for (; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === c) break;
        if ((d === 92 /* \ */ && c === 34) || forbidden(d)) throw GIVE_UP;
      }
      if (i >= text.length) throw GIVE_UP;
      this.i = i + 1;
      return { type: 'TOMLValue', kind: 'string', value: text.slice(start + 1, i), style: c === 34 ? 'basic' : 'literal', multiline: false, range: [start, i + 1] } as unknown as AST.TOMLValue;
    }
    if (c === 116 /* t */ && text.startsWith('true', start) && this.wordEnds(start + 4)) {
      this.i = start + 4;
      return { type: 'TOMLValue', kind: 'boolean', value: true, range: [start, start + 4] } as unknown as AST.TOMLValue;
    }
    if (c === 102 /* f */ && text.startsWith('false', start) && this.wordEnds(start + 5)) {
      this.i = start + 5;
      return { type: 'TOMLValue', kind: 'boolean', value: false, range: [start, start + 5] } as unknown as AST.TOMLValue;
    }
    if ((c >= 48 && c <= 57) || c === 43 /* + */ || c === 45 /* - */) return this.integer(start);
    if (c === 91 /* [ */ && arrays) {
      this.i++;
      const elements: (AST.TOMLValue | AST.TOMLArray)[] = [];
      for (;;) {
        this.skipBlankLines();
        if (text.charCodeAt(this.i) === 93 /* ] */) break;
        const element = this.value(false);
        if (element.type !== 'TOMLValue' || element.kind !== 'string') throw GIVE_UP; // one type per array here
        elements.push(element);
        this.skipBlankLines();
        if (text.charCodeAt(this.i) === 44 /* , */) { this.i++; continue; }
        if (text.charCodeAt(this.i) === 93) break;
        throw GIVE_UP;
      }
      this.i++;
      return { type: 'TOMLArray', elements, range: [start, this.i] } as unknown as AST.TOMLArray;
    }
    throw GIVE_UP;
  }

  /** `true` must not run on into more characters (`trueish`). */
  /** A decimal integer (`42`, `-7`, `1_000`) of at most 15 digits, so that its number is exact; anything else that
   *  starts like a number (floats, dates, hex, leading zeros, a signed zero) is left to the full parser. */
  private integer(start: number): AST.TOMLValue {
    const text = this.text;
    let i = start;
    const sign = text.charCodeAt(i);
    if (sign === 43 || sign === 45) i++;
    const first = text.charCodeAt(i);
    if (!(first >= 49 && first <= 57) && !(first === 48 && i === start)) throw GIVE_UP; // 1-9, or an unsigned 0
    let digits = 1;
    for (i++; ; i++) {
      const d = text.charCodeAt(i);
      if (d >= 48 && d <= 57) { if (first === 48) throw GIVE_UP; digits++; continue; }
      if (d === 95 /* _ */) { const e = text.charCodeAt(i + 1); if (e >= 48 && e <= 57 && first !== 48) continue; throw GIVE_UP; }
      break;
    }
    // At the very end of the text the parser gives `0` an empty range: a number there is left to it.
    if (digits > 15 || i >= text.length || !this.wordEnds(i)) throw GIVE_UP;
    this.i = i;
    const written = text.slice(start, i).replace(/_/g, '');
    return { type: 'TOMLValue', kind: 'integer', value: Number(written), get bigint() { return BigInt(written); }, get number() { return written; },
      range: [start, i] } as unknown as AST.TOMLValue;
  }

  private wordEnds(at: number): boolean {
    const c = this.text.charCodeAt(at);
    return Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13 || c === 35 || c === 44 || c === 93;
  }
}
