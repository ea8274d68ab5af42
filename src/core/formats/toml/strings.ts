// TOML text helpers. Maps offsets in a decoded TOML string back to the raw characters of the document, so a range
// computed on the value (a package name inside "torch\u003e=2" or a ''' string) underlines exactly what the user
// wrote; and parses a document without ever throwing.

import { parseTOML, ParseError } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { fastParseToml } from './fast';

/** The four TOML string forms, as toml-eslint-parser reports them on string values and quoted keys. */
export interface TomlStringForm {
  style: 'basic' | 'literal';
  multiline: boolean;
}

/** A string value decoded from its raw token, with the raw offset of each decoded UTF-16 unit. */
export interface DecodedTomlString {
  value: string;
  /**
   * `offsets[i]` is the raw offset (relative to the token start, quotes included) where decoded unit `i` begins;
   * `offsets[value.length]` is where the content ends (just before the closing quotes). Both units of a surrogate
   * pair produced by one `\U` escape map to the escape's start.
   */
  offsets: number[];
  /** `ends[i]` is the raw offset just after the text that produced unit `i` (the escape's end, for an escape). */
  ends: number[];
}

const SIMPLE_ESCAPES: Record<string, string> = {
  b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\',
  e: '\u001b', // TOML 1.1; harmless here because the 1.0 parser rejects it before we decode.
};

function isHex(s: string): boolean {
  return /^[0-9A-Fa-f]+$/.test(s);
}

/** Length of the delimiter that opens a token of this form (`"`, `'`, `"""`, `'''`). */
function delimiterLength(form: TomlStringForm): number {
  return form.multiline ? 3 : 1;
}

/** A newline right after the opening delimiter of a multi-line string is not part of the value. */
function skipLeadingNewline(raw: string, at: number): number {
  if (raw.startsWith('\r\n', at)) return at + 2;
  if (raw[at] === '\n') return at + 1;
  return at;
}

/** After a line-ending backslash, TOML drops all whitespace and newlines up to the next other character. */
function skipLineContinuation(raw: string, at: number, end: number): number | undefined {
  let i = at;
  while (i < end && (raw[i] === ' ' || raw[i] === '\t')) i++;
  if (raw[i] !== '\n' && !raw.startsWith('\r\n', i)) return undefined;
  while (i < end && (raw[i] === ' ' || raw[i] === '\t' || raw[i] === '\n' || raw[i] === '\r')) i++;
  return i;
}

/**
 * Decodes the raw token of a TOML string (quotes included). Returns undefined when the token is not a well-formed
 * string of the given form; callers fall back to a plain mapping then.
 */
export function decodeTomlString(raw: string, form: TomlStringForm): DecodedTomlString | undefined {
  const delim = delimiterLength(form);
  const end = raw.length - delim;
  if (end < delim) return undefined;
  let i = form.multiline ? skipLeadingNewline(raw, delim) : delim;
  let value = '';
  const offsets: number[] = [];
  const ends: number[] = [];
  const emit = (text: string, at: number, length: number): void => {
    value += text;
    for (let k = 0; k < text.length; k++) {
      offsets.push(at);
      ends.push(at + length);
    }
  };
  while (i < end) {
    const c = raw[i];
    if (form.multiline && raw.startsWith('\r\n', i)) {
      // toml-eslint-parser normalizes CRLF inside multi-line strings to LF.
      emit('\n', i, 2);
      i += 2;
      continue;
    }
    if (c !== '\\' || form.style === 'literal') {
      emit(c, i, 1);
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next !== undefined && Object.hasOwn(SIMPLE_ESCAPES, next)) {
      emit(SIMPLE_ESCAPES[next], i, 2);
      i += 2;
    } else if (next === 'u' || next === 'U' || next === 'x') {
      const digits = next === 'u' ? 4 : next === 'U' ? 8 : 2;
      const hex = raw.slice(i + 2, i + 2 + digits);
      if (hex.length !== digits || !isHex(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
      emit(String.fromCodePoint(code), i, 2 + digits);
      i += 2 + digits;
    } else if (form.multiline) {
      const resume = skipLineContinuation(raw, i + 1, end);
      if (resume === undefined) return undefined;
      i = resume;
    } else {
      return undefined;
    }
  }
  offsets.push(end);
  return { value, offsets, ends };
}

/** A TOML string node as toml-eslint-parser gives it: document range of the token (quotes included) and value. */
export interface TomlStringNode extends TomlStringForm {
  range: [number, number];
  value: string;
}

/**
 * Returns `valueToDoc(i, bias)`: the document offset of decoded unit `i` of the node's value, with
 * `valueToDoc(value.length)` = the end of the content (before the closing quotes). Offsets out of range clamp.
 *
 * The biases differ only where raw text decodes to nothing (a line-ending backslash and the whitespace after it):
 * `'start'` (default) gives where unit `i` is written, `'end'` gives where unit `i - 1` ends, so a range ending
 * before a line continuation stops on its own line. When the decoded token disagrees with the parser's value
 * (should not happen), we fall back to "content start + i", clamped to the content.
 */
export function tomlValueToDoc(text: string, node: TomlStringNode): (i: number, bias?: 'start' | 'end') => number {
  const [start, end] = node.range;
  if (!node.multiline && end - start >= 2 && (node.style === 'literal' || !hasBackslash(text, start + 1, end - 1))) {
    // One line and no escapes (every literal string, most basic ones): unit i is written at content start + i,
    // which is what decoding would find, without building its two arrays.
    const length = end - start - 2;
    return (i) => start + 1 + Math.max(0, Math.min(Math.trunc(i), length));
  }
  const decoded = decodeTomlString(text.slice(start, end), node);
  if (decoded && decoded.value === node.value) {
    const { offsets, ends } = decoded;
    return (i, bias = 'start') => {
      const k = Math.max(0, Math.min(Math.trunc(i), offsets.length - 1));
      return start + (bias === 'end' && k > 0 ? ends[k - 1] : offsets[k]);
    };
  }
  const delim = delimiterLength(node);
  const contentStart = Math.min(start + delim, end);
  const contentEnd = Math.max(contentStart, end - delim);
  return (i) => Math.max(contentStart, Math.min(contentStart + Math.trunc(i), contentEnd));
}

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 92) return true;
  return false;
}

// ---- Parsing a whole TOML document -------------------------------------------------------------------------------

/** A TOML document that failed to parse: why, and the document offset the parser stopped at. */
export interface TomlTextError {
  message: string;
  offset: number;
}

export type TomlParseResult = { ast: AST.TOMLProgram; error?: undefined } | { ast?: undefined; error: TomlTextError };

/** Offset of the first carriage return that is not part of a CRLF, or -1. */
function bareCarriageReturn(text: string): number {
  if (!text.includes('\r')) return -1; // the usual case, found much faster than by the expression
  const match = /\r(?!\n)/.exec(text);
  return match ? match.index : -1;
}

function libraryError(e: unknown): TomlTextError {
  if (e instanceof RangeError) {
    // toml-eslint-parser recurses once per nesting level; thousands of nested arrays/inline tables overflow it.
    return { message: 'nesting is too deep to read', offset: 0 };
  }
  if (e instanceof ParseError) return { message: e.message, offset: e.index };
  // Not expected from the library; still a document we cannot read, never an exception for the caller.
  return { message: e instanceof Error ? e.message : String(e), offset: 0 };
}

/** Deeper nesting than any real manifest; far below where the library's recursion can run out of stack. */
export const MAX_TOML_NESTING = 500;

/** Whether `text` has three `quote` characters at `at`. */
function tripleAt(text: string, at: number, quote: number): boolean {
  return text.charCodeAt(at) === quote && text.charCodeAt(at + 1) === quote && text.charCodeAt(at + 2) === quote;
}

/** End of a string token starting at `at` (its closing quote included), or of the line for a broken one. */
function skipTomlString(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  const triple = tripleAt(text, at, quote);
  let i = at + (triple ? 3 : 1);
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ && quote === 34 /* " */) i += 2;
    else if (triple && tripleAt(text, i, quote)) {
      // Up to two more quotes right before the delimiter belong to the content (`"""a"""""`).
      let end = i + 3;
      while (end < i + 5 && text.charCodeAt(end) === quote) end++;
      return end;
    }
    else if (!triple && (c === quote || c === 10 /* \n */)) return i + 1;
    else i++;
  }
  return i;
}

/**
 * Offset of the first `[` or `{` that opens more than `limit` levels, or -1. Strings and comments are skipped.
 * toml-eslint-parser recurses once per level, and a stack overflow deep inside V8 can be fatal rather than a
 * catchable RangeError (it happens while compiling a regular expression), so we refuse such input up front.
 */
export function tomlNestingTooDeep(text: string, limit = MAX_TOML_NESTING): number {
  // Going deeper than `limit` takes more than `limit` opening brackets, and most documents have far fewer in all:
  // counting them (a fast native search) settles it without the character-by-character scan.
  if (occurrences(text, '[', limit + 1) + occurrences(text, '{', limit + 1) <= limit) return -1;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */ || c === 39 /* ' */) i = skipTomlString(text, i) - 1;
    else if (c === 35 /* # */) {
      // Up to the line feed, which the loop then steps onto.
      const nl = text.indexOf('\n', i + 1);
      i = nl < 0 ? Math.max(i, text.length - 1) : nl - 1;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > limit) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth = Math.max(0, depth - 1);
  }
  return -1;
}

/** How many times `c` occurs in `text`, counting no further than `max`. */
function occurrences(text: string, c: string, max: number): number {
  let n = 0;
  for (let i = text.indexOf(c); i >= 0 && n < max; i = text.indexOf(c, i + 1)) n++;
  return n;
}

/**
 * Parses TOML 1.0 with toml-eslint-parser, never throwing. `text` is already decoded: the caller's decoder (VS Code,
 * or `TextDecoder`) removes one byte-order mark, so a U+FEFF still in the text is an error, as TOML says.
 * One correction around the library: a carriage return not followed by a line feed is rejected. TOML 1.0's ABNF
 * allows CR only inside a CRLF newline, in comments and in every string form alike, but the library lets a bare
 * CR through (toml-test `invalid/control/bare-cr.toml`). When both find a problem, the earlier offset wins.
 */
export function parseTomlText(text: string): TomlParseResult {
  // Most pyproject files are headers, strings and arrays of strings: read directly, the same nodes, much faster.
  const fast = fastParseToml(text);
  if (fast) return { ast: fast };
  const deep = tomlNestingTooDeep(text);
  if (deep >= 0) return { error: { message: `nesting is too deep (more than ${MAX_TOML_NESTING} levels)`, offset: deep } };
  const cr = bareCarriageReturn(text);
  const crError: TomlTextError | undefined = cr < 0 ? undefined
    : { message: 'A carriage return must be followed by a line feed (TOML allows only LF or CRLF line endings)', offset: cr };
  try {
    const ast = parseTOML(text, { tomlVersion: '1.0' });
    return crError ? { error: crError } : { ast };
  } catch (e) {
    const error = libraryError(e);
    return { error: crError && crError.offset < error.offset ? crError : error };
  }
}
