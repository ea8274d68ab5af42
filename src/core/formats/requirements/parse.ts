// pip requirement files (requirements.txt, constraints.txt, *.in), read the way pip reads them (pip's
// `req/req_file.py` and `req/constructors.py`): logical lines, comments, ${VAR} expansion, options through an
// optparse-like parser, then each requirement interpreted (PEP 508, URLs, #egg=, wheel files, local paths).
// Every range maps back through continuations and expansions to the exact characters in the file.

import { parseVersion } from '../pep440';
import { parseMarker, parseRequirement, type ParsedRequirement, type Span } from '../pep508';
import { LineIndex, normalizeName } from '../text';
import { readFailureReason, ReadRefused } from '../read';
import { clip } from '../redact';
import type {
  Finding, Include, PackageIndex, ParsedManifest, Range, Requirement, RequirementScope, Severity,
} from '../types';
import {
  requirementErrorMessage, requirementFromParsed, syntaxFinding, valueRange, type ValueToDoc,
} from './common';

export interface RequirementsFileOptions {
  /** Environment for `${VAR}` expansion; without it nothing is expanded. */
  env?: Record<string, string | undefined>;
  /** The file is read through `-c`: its requirements only constrain. */
  constraint?: boolean;
}

/** A requirement pip accepts but that names no package (a local directory, an archive, a URL without #egg=). */
export interface UnnamedRequirement {
  target: string;
  kind: 'path' | 'url';
  editable: boolean;
  range: Range;
}

export interface RequirementsFileDetails {
  manifest: ParsedManifest;
  unnamed: UnnamedRequirement[];
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding (pip's _decode_req_file)
// ---------------------------------------------------------------------------------------------------------------

type Decoder = (bytes: Uint8Array) => string;

const BOMS: [number[], Decoder][] = [
  [[0xef, 0xbb, 0xbf], (b) => decodeWith('utf-8', b)],
  [[0xff, 0xfe, 0x00, 0x00], (b) => decodeUtf32(b, true)], // utf-32 with a native (little-endian) BOM
  [[0x00, 0x00, 0xfe, 0xff], (b) => decodeUtf32(b, false)],
  [[0xff, 0xfe], (b) => decodeWith('utf-16le', b)],
  [[0xfe, 0xff], (b) => decodeWith('utf-16be', b)],
];

function decodeWith(label: string, bytes: Uint8Array): string {
  return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
}

function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  if (bytes.length % 4) throw new Error('truncated UTF-32 data');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const code = view.getUint32(i, littleEndian);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Error('invalid UTF-32 code point');
    out += String.fromCodePoint(code);
  }
  return out;
}

/** Python's latin-1 maps every byte to the same code point (TextDecoder's 'latin1' is windows-1252). */
function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function decodeAscii(bytes: Uint8Array): string {
  for (const b of bytes) if (b > 0x7f) throw new Error('byte outside ASCII');
  return decodeLatin1(bytes);
}

/** Python codec names (normalized: lowercase, `-`/space to `_`) that TextDecoder spells differently or lacks. */
const PYTHON_CODECS: Record<string, Decoder> = {
  latin_1: decodeLatin1, latin1: decodeLatin1, iso_8859_1: decodeLatin1, iso8859_1: decodeLatin1, '8859': decodeLatin1,
  cp819: decodeLatin1, l1: decodeLatin1, latin: decodeLatin1,
  ascii: decodeAscii, us_ascii: decodeAscii, '646': decodeAscii,
  utf_8: (b) => decodeWith('utf-8', b), utf8: (b) => decodeWith('utf-8', b), u8: (b) => decodeWith('utf-8', b),
  utf_8_sig: (b) => new TextDecoder('utf-8', { fatal: true }).decode(b),
  utf_16: (b) => decodeWith('utf-16le', b), utf_16_le: (b) => decodeWith('utf-16le', b),
  utf_16_be: (b) => decodeWith('utf-16be', b),
  utf_32: (b) => decodeUtf32(b, true), utf_32_le: (b) => decodeUtf32(b, true), utf_32_be: (b) => decodeUtf32(b, false),
};

function decoderFor(encoding: string): Decoder | undefined {
  const key = encoding.toLowerCase().replace(/[- ]/g, '_');
  if (PYTHON_CODECS[key]) return PYTHON_CODECS[key];
  try {
    new TextDecoder(encoding);
    return (b) => decodeWith(encoding, b);
  } catch {
    return undefined;
  }
}

const CODING_RE = /coding[:=][ \t\n\r\f\v]*([-\w.]+)/;

/** pip's auto-decoding of a requirements file: BOM, else a PEP 263 `coding` comment in the first two lines, else UTF-8. */
export function decodeRequirementsBytes(bytes: Uint8Array): { text: string } | { error: string } {
  try {
    for (const [bom, decode] of BOMS) {
      if (bom.every((b, i) => bytes[i] === b)) return { text: decode(bytes.subarray(bom.length)) };
    }
    const encoding = pep263Encoding(bytes);
    if (encoding) {
      const decode = decoderFor(encoding);
      if (!decode) return { error: `Unknown encoding "${clip(encoding)}" in the coding comment` };
      return { text: decode(bytes) };
    }
    return { text: decodeWith('utf-8', bytes) };
  } catch (e) {
    return { error: `Cannot decode the file: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function pep263Encoding(bytes: Uint8Array): string | undefined {
  let start = 0;
  for (let line = 0; line < 2 && start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (bytes[start] === 0x23 /* # */) {
      const m = CODING_RE.exec(decodeLatin1(bytes.subarray(start, end)));
      if (m) return m[1];
    }
    start = end + 1;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Logical lines: text plus, for every character, where it starts and ends in the document
// ---------------------------------------------------------------------------------------------------------------

/**
 * A stretch of text that maps to the document in one piece, from text offset `at` up to the next run: character
 * `at + k` is document character `doc + k`; or, when `docEnd` is set, every character stands for the whole span
 * `[doc, docEnd)` (the characters of an expanded `${VAR}`, the space pip puts before a comment line).
 */
interface Run {
  at: number;
  doc: number;
  docEnd?: number;
}

/**
 * Text with its document mapping. Runs rather than one entry per character: joining, slicing and trimming then cost
 * the number of pieces, not the number of characters, and plain lines (nearly all) are a single run.
 */
interface MappedText {
  text: string;
  /** Document offset used for an empty text. */
  anchor: number;
  /** Sorted by `at`, the first at 0; empty exactly when the text is. */
  runs: Run[];
}

const PY_SPACE_CHARS = '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006' +
  '\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const isPySpace = (c: string | undefined): boolean => c !== undefined && c !== '' && PY_SPACE_CHARS.includes(c);
// Python's str.splitlines() boundaries.
const LINE_BREAK = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;

function mapped(text: string, docStart: number): MappedText {
  return { text, anchor: docStart, runs: text ? [{ at: 0, doc: docStart }] : [] };
}

/** Index of the run holding character `i` (the last run starting at or before it). */
function runIndex(m: MappedText, i: number): number {
  const runs = m.runs;
  let lo = 0;
  let hi = runs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (runs[mid].at <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const runAt = (m: MappedText, i: number): Run => m.runs[runIndex(m, i)];

function startOf(m: MappedText, i: number): number {
  const r = runAt(m, i);
  return r.docEnd === undefined ? r.doc + (i - r.at) : r.doc;
}

function endOf(m: MappedText, i: number): number {
  const r = runAt(m, i);
  return r.docEnd === undefined ? r.doc + (i - r.at) + 1 : r.docEnd;
}

/** `r` moved to start at text offset `at`, `skip` characters into it. */
function movedRun(r: Run, at: number, skip: number): Run {
  return r.docEnd === undefined ? { at, doc: r.doc + skip } : { at, doc: r.doc, docEnd: r.docEnd };
}

/** Joins pieces in one pass (joining pairwise would be quadratic on long continued lines). */
function concat(pieces: MappedText[]): MappedText {
  if (pieces.length === 1) return pieces[0];
  const runs: Run[] = [];
  let offset = 0;
  for (const p of pieces) {
    for (const r of p.runs) runs.push(offset ? movedRun(r, r.at + offset, 0) : r);
    offset += p.text.length;
  }
  const first = pieces.find((p) => p.text) ?? pieces[0];
  return { text: pieces.map((p) => p.text).join(''), runs, anchor: first.anchor };
}

function slice(m: MappedText, start: number, end = m.text.length): MappedText {
  const anchor = start < m.text.length ? startOf(m, start) : start > 0 ? endOf(m, start - 1) : m.anchor;
  const text = m.text.slice(start, end);
  const runs: Run[] = [];
  if (text) {
    const stop = start + text.length;
    for (let k = runIndex(m, start); k < m.runs.length && m.runs[k].at < stop; k++) {
      const r = m.runs[k];
      const from = Math.max(r.at, start);
      runs.push(movedRun(r, from - start, from - r.at));
    }
  }
  return { text, anchor, runs };
}

function trimmed(m: MappedText): MappedText {
  let start = 0;
  let end = m.text.length;
  while (start < end && isPySpace(m.text[start])) start++;
  while (end > start && isPySpace(m.text[end - 1])) end--;
  return start === 0 && end === m.text.length ? m : slice(m, start, end);
}

function toDoc(m: MappedText): ValueToDoc {
  return (i, bias) => {
    if (m.text.length === 0) return m.anchor;
    if (bias === 'end' && i > 0) return endOf(m, Math.min(i, m.text.length) - 1);
    return i < m.text.length ? startOf(m, Math.max(0, i)) : endOf(m, m.text.length - 1);
  };
}

/** The physical line starting at `start`, and where the next one starts (the text's length after the last). */
function physicalLine(text: string, start: number): { text: string; start: number; next: number } {
  LINE_BREAK.lastIndex = start;
  const m = LINE_BREAK.exec(text);
  if (!m) return { text: text.slice(start), start, next: text.length };
  return { text: text.slice(start, m.index), start, next: m.index + m[0].length };
}

/** pip's COMMENT_RE `(^|\s+)#.*$`: where the comment (with the whitespace before it) starts, or -1. */
function commentStart(text: string): number {
  for (let j = text.indexOf('#'); j >= 0; j = text.indexOf('#', j + 1)) {
    if (j === 0 || isPySpace(text[j - 1])) {
      let cut = j;
      while (cut > 0 && isPySpace(text[cut - 1])) cut--;
      return cut;
    }
  }
  return -1;
}

const startsWithComment = (text: string): boolean => commentStart(text) === 0;

/**
 * pip's join_lines for the logical line that starts at document offset `start` (a physical line start): a line
 * ending in `\` continues on the next, unless it is a comment. Returns the line and where the next one starts.
 */
function joinLine(text: string, start: number): { line: MappedText; next: number } {
  const pending: MappedText[] = [];
  let at = start;
  while (at < text.length) {
    const physical = physicalLine(text, at);
    at = physical.next;
    let piece = mapped(physical.text, physical.start);
    const isComment = startsWithComment(physical.text);
    if (!physical.text.endsWith('\\') || isComment) {
      // pip prefixes a space so the comment is still recognized once joined.
      if (isComment) {
        const space: MappedText = { text: ' ', anchor: physical.start, runs: [{ at: 0, doc: physical.start, docEnd: physical.start }] };
        piece = concat([space, piece]);
      }
      return { line: concat([...pending, piece]), next: at };
    }
    pending.push(stripBackslashes(piece));
  }
  return { line: concat(pending), next: at }; // a continuation at EOF is kept
}

/** Python's `line.strip("\\")`. */
function stripBackslashes(m: MappedText): MappedText {
  let start = 0;
  let end = m.text.length;
  while (start < end && m.text[start] === '\\') start++;
  while (end > start && m.text[end - 1] === '\\') end--;
  return slice(m, start, end);
}

function stripComment(m: MappedText): MappedText {
  const cut = commentStart(m.text);
  return cut < 0 ? m : slice(m, 0, cut);
}

const ENV_VAR_RE = /\$\{([A-Z0-9_]+)\}/g;

/** pip's expand_env_variables: `${UPPER_CASE}` only, and only when set to a non-empty value. */
function expandEnv(m: MappedText, env: Record<string, string | undefined> | undefined): MappedText {
  if (!env || !m.text.includes('${')) return m;
  let out = m;
  // Each distinct variable once: replaceAll already covers its repeats.
  for (const whole of new Set(Array.from(m.text.matchAll(ENV_VAR_RE), (match) => match[0]))) {
    const value = env[whole.slice(2, -1)];
    if (value) out = replaceAll(out, whole, value);
  }
  return out;
}

function replaceAll(m: MappedText, needle: string, value: string): MappedText {
  const pieces: MappedText[] = [];
  let from = 0;
  for (let at = m.text.indexOf(needle); at >= 0; at = m.text.indexOf(needle, at + needle.length)) {
    pieces.push(slice(m, from, at));
    // Every character of the value underlines the whole `${VAR}` it came from.
    const start = startOf(m, at);
    const end = endOf(m, at + needle.length - 1);
    pieces.push({ text: value, anchor: start, runs: [{ at: 0, doc: start, docEnd: end }] });
    from = at + needle.length;
  }
  pieces.push(slice(m, from));
  return concat(pieces);
}

/** pip's preprocess of one joined line: the comment stripped, then trimmed; variables expanded when anything is left. */
function preprocess(joined: MappedText, env: Record<string, string | undefined> | undefined): MappedText | undefined {
  const line = trimmed(stripComment(joined));
  return line.text ? expandEnv(line, env) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Options: break_args_options, shlex.split and an optparse-like parser over pip's supported options
// ---------------------------------------------------------------------------------------------------------------

/** pip's break_args_options: the requirement is everything before the first ` -`-started token. */
function optionsStart(text: string): number {
  for (let p = 0; p < text.length; p++) {
    if (text[p] === '-' && (p === 0 || text[p - 1] === ' ')) return p;
  }
  return -1;
}

interface ShellToken {
  value: string;
  /**
   * Offset (in the split string) of each character of `value`; absent while they are consecutive from `start`
   * (a token without quotes or escapes, nearly all of them), see offsetIn.
   */
  offsets?: number[];
  start: number;
  end: number;
}

/** Where character `i` of the token's value is in the split string. */
const offsetIn = (token: ShellToken, i: number): number => (token.offsets ? token.offsets[i] : token.start + i);

const SHELL_SPECIAL = ' \t\r\n\\\'"';

/** POSIX shlex.split with the offset of every output character; a message for unclosed quotes or a lone `\`. */
function shellSplit(text: string): { tokens: ShellToken[] } | { error: string } {
  const tokens: ShellToken[] = [];
  let token: ShellToken | undefined;
  const open = (at: number): ShellToken => (token ??= { value: '', start: at, end: at });
  /** Appends text[from, to) to the token, each character with the offset it has in `text`. */
  const take = (from: number, to: number): void => {
    const t = open(from);
    if (!t.offsets && t.start + t.value.length !== from) {
      // No longer consecutive (after a quote or an escape): list the offsets from here on.
      t.offsets = Array.from({ length: t.value.length }, (_, k) => t.start + k);
    }
    t.value += text.slice(from, to);
    if (t.offsets) for (let k = from; k < to; k++) t.offsets.push(k);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (token) tokens.push({ ...token, end: i });
      token = undefined;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { error: 'No escaped character' };
      i++;
      take(i, i + 1);
    } else if (c === "'" || c === '"') {
      open(i);
      const close = readQuoted(text, i, c, take);
      if (close < 0) return { error: 'No closing quotation' };
      i = close;
    } else {
      // A run of ordinary characters, taken at once.
      let end = i + 1;
      while (end < text.length && !SHELL_SPECIAL.includes(text[end])) end++;
      take(i, end);
      i = end - 1;
    }
  }
  if (token) tokens.push({ ...token, end: text.length });
  return { tokens };
}

/** Reads a quoted part starting at `open`; returns the index of the closing quote or -1. */
function readQuoted(text: string, open: number, quote: string, take: (from: number, to: number) => void): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === quote) return i;
    // Inside double quotes a backslash escapes only `"` and `\` (shlex's escapedquotes).
    if (quote === '"' && c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
    take(i, i + 1);
  }
  return -1;
}

type OptionDest =
  | 'index_url' | 'extra_index_urls' | 'no_index' | 'constraints' | 'requirements' | 'editables' | 'find_links'
  | 'no_binary' | 'only_binary' | 'prefer_binary' | 'require_hashes' | 'no_require_hashes' | 'pre' | 'all_releases'
  | 'only_final' | 'trusted_hosts' | 'features_enabled' | 'hashes' | 'config_settings';

interface OptionSpec {
  names: string[];
  dest: OptionDest;
  takesValue: boolean;
  /** An error message for a bad value (pip's callbacks and choices). */
  check?: (value: string, flag: string) => string | undefined;
}

const STRONG_HASHES = ['sha256', 'sha384', 'sha512'];
const FEATURES = ['fast-deps', 'inprocess-build-deps', 'venv-isolation', 'truststore', 'no-binary-enable-wheel-cache', 'build-constraint'];

const checkHash = (value: string, flag: string): string | undefined => {
  const colon = value.indexOf(':');
  if (colon < 0) return `Arguments to ${flag} must be a hash name followed by a value, like --hash=sha256:abcde...`;
  const algo = value.slice(0, colon);
  if (!STRONG_HASHES.includes(algo)) return `Allowed hash algorithms for ${flag} are ${STRONG_HASHES.join(', ')}.`;
  return undefined;
};
const checkNotDash = (value: string, flag: string): string | undefined =>
  value.startsWith('-') ? `${flag} option requires 1 argument.` : undefined;

/** pip's SUPPORTED_OPTIONS + SUPPORTED_OPTIONS_REQ (req_file.build_parser). */
const OPTIONS: OptionSpec[] = [
  { names: ['-i', '--index-url', '--pypi-url'], dest: 'index_url', takesValue: true },
  { names: ['--extra-index-url'], dest: 'extra_index_urls', takesValue: true },
  { names: ['--no-index'], dest: 'no_index', takesValue: false },
  { names: ['-c', '--constraint'], dest: 'constraints', takesValue: true },
  { names: ['-r', '--requirement'], dest: 'requirements', takesValue: true },
  { names: ['-e', '--editable'], dest: 'editables', takesValue: true },
  { names: ['-f', '--find-links'], dest: 'find_links', takesValue: true },
  { names: ['--no-binary'], dest: 'no_binary', takesValue: true, check: checkNotDash },
  { names: ['--only-binary'], dest: 'only_binary', takesValue: true, check: checkNotDash },
  { names: ['--prefer-binary'], dest: 'prefer_binary', takesValue: false },
  { names: ['--require-hashes'], dest: 'require_hashes', takesValue: false },
  { names: ['--no-require-hashes'], dest: 'no_require_hashes', takesValue: false },
  { names: ['--pre'], dest: 'pre', takesValue: false },
  { names: ['--all-releases'], dest: 'all_releases', takesValue: true, check: checkNotDash },
  { names: ['--only-final'], dest: 'only_final', takesValue: true, check: checkNotDash },
  { names: ['--trusted-host'], dest: 'trusted_hosts', takesValue: true },
  {
    names: ['--use-feature'], dest: 'features_enabled', takesValue: true,
    check: (value) => FEATURES.includes(value) ? undefined
      : `option --use-feature: invalid choice: '${value}' (choose from ${FEATURES.map((f) => `'${f}'`).join(', ')})`,
  },
  { names: ['--hash'], dest: 'hashes', takesValue: true, check: checkHash },
  {
    names: ['-C', '--config-settings'], dest: 'config_settings', takesValue: true,
    check: (value, flag) => value.includes('=') ? undefined : `Arguments to ${flag} must be of the form KEY=VAL`,
  },
];

const LONG_OPTIONS = new Map(OPTIONS.flatMap((o) => o.names.filter((n) => n.startsWith('--')).map((n) => [n, o] as const)));
const SHORT_OPTIONS = new Map(OPTIONS.flatMap((o) => o.names.filter((n) => !n.startsWith('--')).map((n) => [n, o] as const)));

/** One option as parsed, with spans in the split string. */
interface ParsedOption {
  spec: OptionSpec;
  flag: string;
  value?: string;
  span: Span;
  valueSpan?: Span;
}

interface OptionProblem {
  code: 'unknown-option' | 'requirement-syntax';
  message: string;
  span: Span;
}

/** optparse's long-option matching: exact, else a unique prefix. */
function matchLong(flag: string): { spec?: OptionSpec; error?: string } {
  const exact = LONG_OPTIONS.get(flag);
  if (exact) return { spec: exact };
  const candidates = [...LONG_OPTIONS.keys()].filter((name) => name.startsWith(flag)).sort();
  if (candidates.length === 1) return { spec: LONG_OPTIONS.get(candidates[0]) };
  if (candidates.length > 1) return { error: `Ambiguous option ${flag} (${candidates.join(', ')}?): pip rejects the whole file` };
  return { error: `Unknown option ${flag}: pip rejects the whole file ("no such option")` };
}

function tokenPart(token: ShellToken, from: number): { value: string; span: Span } {
  const value = token.value.slice(from);
  const start = from < token.value.length ? offsetIn(token, from) : token.end;
  const end = value ? offsetIn(token, token.value.length - 1) + 1 : start;
  return { value, span: { start, end: Math.max(start, end) } };
}

/** optparse over the option tokens. Unknown options are reported and skipped so the rest still counts. */
function parseOptions(tokens: ShellToken[]): { options: ParsedOption[]; problems: OptionProblem[] } {
  const options: ParsedOption[] = [];
  const problems: OptionProblem[] = [];
  let i = 0;
  const takeValue = (spec: OptionSpec, flag: string, flagSpan: Span, inline?: { value: string; span: Span }): void => {
    let value = inline;
    if (!value && spec.takesValue) {
      const next = tokens[i];
      if (!next) {
        problems.push({ code: 'requirement-syntax', message: `${flag} option requires 1 argument`, span: flagSpan });
        return;
      }
      i++;
      value = tokenPart(next, 0);
    }
    if (!spec.takesValue) {
      if (value) problems.push({ code: 'requirement-syntax', message: `${flag} option does not take a value`, span: { start: flagSpan.start, end: value.span.end } });
      else options.push({ spec, flag, span: flagSpan });
      return;
    }
    const span = { start: flagSpan.start, end: Math.max(flagSpan.end, value!.span.end) };
    const error = spec.check?.(value!.value, flag);
    if (error) problems.push({ code: 'requirement-syntax', message: error, span });
    else options.push({ spec, flag, value: value!.value, span, valueSpan: value!.span });
  };
  while (i < tokens.length) {
    const token = tokens[i++];
    const text = token.value;
    if (text === '--') break; // everything after is positional (ignored by pip)
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      const flagText = eq >= 0 ? text.slice(0, eq) : text;
      const flagSpan = { start: token.start, end: eq >= 0 ? offsetIn(token, eq) : token.end };
      const { spec, error } = matchLong(flagText);
      if (!spec) {
        problems.push({ code: 'unknown-option', message: error!, span: { start: token.start, end: token.end } });
        continue;
      }
      const flag = spec.names.find((n) => n.startsWith('--'))!;
      takeValue(spec, flag, flagSpan, eq >= 0 ? tokenPart(token, eq + 1) : undefined);
    } else if (text.startsWith('-') && text.length > 1) {
      const spec = SHORT_OPTIONS.get(text.slice(0, 2));
      const flagSpan = { start: token.start, end: text.length > 2 ? offsetIn(token, 2) : token.end };
      if (!spec) {
        const message = `Unknown option ${text.slice(0, 2)}: pip rejects the whole file ("no such option")`;
        problems.push({ code: 'unknown-option', message, span: { start: token.start, end: token.end } });
        continue;
      }
      // All of pip's short options take a value, which may be glued on (`-rfile`).
      takeValue(spec, text.slice(0, 2), flagSpan, text.length > 2 ? tokenPart(token, 2) : undefined);
    }
    // Anything else is a positional argument, which pip silently ignores on an option line.
  }
  return { options, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// Interpreting a requirement (pip's parse_req_from_line / parse_editable, without touching the file system)
// ---------------------------------------------------------------------------------------------------------------

const VCS_SCHEMES = [
  'git+http', 'git+https', 'git+ssh', 'git+git', 'git+file',
  'hg+file', 'hg+http', 'hg+https', 'hg+ssh', 'hg+static-http',
  'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file',
  'bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file',
];
const URL_SCHEMES = ['http', 'https', 'file', 'ftp', ...VCS_SCHEMES];
const VCS_NAMES = ['git', 'hg', 'svn', 'bzr'];
const ARCHIVE_EXTENSIONS = ['.zip', '.whl', '.tar.bz2', '.tbz', '.tar.gz', '.tgz', '.tar', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma'];

/** urllib.parse.urlsplit's scheme, lowercased ('' when none). */
function urlScheme(text: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(text);
  return m ? m[1].toLowerCase() : '';
}

const isUrl = (text: string): boolean => URL_SCHEMES.includes(urlScheme(text));

/** pip's _looks_like_path; backslashes count too, so Windows-style paths are not mistaken for bad names. */
const looksLikePath = (text: string): boolean => text.includes('/') || text.includes('\\') || text.startsWith('.');

function isArchive(path: string): boolean {
  return hasArchiveExtension(path.toLowerCase().replace(/[?#].*$/, ''));
}

/** The last characters of the archive extensions: a path ending in anything else has none of them (a quick no). */
const ARCHIVE_LAST_CHARS = new Set(ARCHIVE_EXTENSIONS.map((ext) => ext[ext.length - 1]));

const hasArchiveExtension = (lowerPath: string): boolean =>
  ARCHIVE_LAST_CHARS.has(lowerPath[lowerPath.length - 1]) && ARCHIVE_EXTENSIONS.some((ext) => lowerPath.endsWith(ext));

/** pip's strip_extras: `path[extra1,extra2]`. */
function stripExtras(text: string): { path: string; extras: string[]; extrasStart?: number } {
  const m = /^(.+)(\[[^\]]+\])$/s.exec(text);
  if (!m) return { path: text, extras: [] };
  const parsed = parseRequirement(`placeholder${m[2].toLowerCase()}`);
  const extras = parsed.ok ? parsed.value.extras : [];
  return { path: m[1].trimEnd(), extras, extrasStart: m[1].length };
}

/** The `#egg=name` (or `&egg=`) fragment: its value and where it sits in `url`. */
function eggFragment(url: string): { name: string; start: number } | undefined {
  const m = /[#&]egg=([^&]*)/.exec(url);
  return m ? { name: m[1], start: m.index + 5 } : undefined;
}

const PROJECT_NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** Name and version from a wheel file name (packaging's parse_wheel_filename), with their spans in `url`. */
function wheelFromUrl(url: string): { name: string; nameSpan: Span; version: string; versionSpan: Span } | { error: string } {
  const pathEnd = url.search(/[?#]/) < 0 ? url.length : url.search(/[?#]/);
  const path = url.slice(0, pathEnd).replace(/\/+$/, '');
  const start = path.lastIndexOf('/') + 1;
  const raw = path.slice(start);
  const stem = raw.replace(/\.whl$/i, '');
  const dashes = stem.split('-').length - 1;
  if (dashes !== 4 && dashes !== 5) return { error: `Invalid wheel filename (wrong number of parts): "${clip(raw)}"` };
  const [namePart, versionPart] = stem.split('-');
  const name = safeDecode(namePart);
  const version = parseVersion(safeDecode(versionPart));
  if (!name || name.includes('__') || !/^[\p{L}\p{N}_.]*$/u.test(name)) return { error: `Invalid project name in wheel filename "${clip(raw)}"` };
  if (!version) return { error: `Invalid wheel filename (invalid version): "${clip(raw)}"` };
  const versionStart = start + namePart.length + 1;
  return {
    name, nameSpan: { start, end: start + namePart.length },
    version: version.toString(), versionSpan: { start: versionStart, end: versionStart + versionPart.length },
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

type Interpretation =
  | { kind: 'named'; requirement: Requirement }
  | { kind: 'unnamed'; unnamed: UnnamedRequirement }
  | { kind: 'error'; message: string };

export interface LineContext {
  index: LineIndex;
  scope: RequirementScope;
}

/** A requirement text (already trimmed) with its document mapping. */
interface ReqText {
  text: string;
  map: ValueToDoc;
}

function rangeOf(req: ReqText, span: Span, ctx: LineContext): Range {
  return valueRange(span, req.map, ctx.index);
}

function shifted(map: ValueToDoc, by: number): ValueToDoc {
  return (i, bias) => map(i + by, bias);
}

/** A requirement whose name comes from a URL (#egg= or a wheel file name). */
function linkRequirement(
  req: ReqText, url: string, urlStart: number, ctx: LineContext,
  name: { name: string; span: Span; specifier?: string; specifierSpan?: Span },
  marker: string | undefined, extras: string[] = [],
): Requirement {
  const nameSpan = { start: urlStart + name.span.start, end: urlStart + name.span.end };
  const specifierSpan = name.specifierSpan
    ? { start: urlStart + name.specifierSpan.start, end: urlStart + name.specifierSpan.end }
    : { start: nameSpan.end, end: nameSpan.end };
  const requirement: Requirement = {
    name: name.name, normalizedName: normalizeName(name.name), extras, specifier: name.specifier ?? '',
    text: req.text, url,
    range: rangeOf(req, { start: 0, end: req.text.length }, ctx),
    nameRange: rangeOf(req, nameSpan, ctx),
    specifierRange: rangeOf(req, specifierSpan, ctx),
    scope: ctx.scope,
  };
  if (marker) requirement.marker = marker;
  return requirement;
}

/** What a link (URL or archive path) names: a wheel's name and version, an #egg= name, or nothing. */
function interpretLink(req: ReqText, url: string, urlStart: number, ctx: LineContext, marker: string | undefined, editable: boolean): Interpretation {
  const egg = eggFragment(url);
  if (!editable && isArchive(url) && /\.whl$/i.test(url.replace(/[?#].*$/, ''))) {
    const wheel = wheelFromUrl(url);
    if ('error' in wheel) return { kind: 'error', message: wheel.error };
    const name = { name: wheel.name, span: wheel.nameSpan, specifier: `==${wheel.version}`, specifierSpan: wheel.versionSpan };
    return { kind: 'named', requirement: linkRequirement(req, url, urlStart, ctx, name, marker) };
  }
  if (egg) {
    if (!PROJECT_NAME_RE.test(egg.name)) return { kind: 'error', message: `Invalid #egg= fragment "${clip(egg.name)}": it must be a project name` };
    const name = { name: egg.name, span: { start: egg.start, end: egg.start + egg.name.length } };
    return { kind: 'named', requirement: linkRequirement(req, url, urlStart, ctx, name, marker) };
  }
  const kind = isUrl(url) && urlScheme(url) !== 'file' ? 'url' : 'path';
  return { kind: 'unnamed', unnamed: { target: url, kind, editable, range: rangeOf(req, { start: 0, end: req.text.length }, ctx) } };
}

/** pip's parse_req_from_line: split off the marker, then a URL, an archive, a PEP 508 string or a local path. */
function interpretLine(req: ReqText, ctx: LineContext): Interpretation {
  const sep = isUrl(req.text) ? '; ' : ';';
  const at = req.text.indexOf(sep);
  let marker: string | undefined;
  let head = req.text;
  if (at >= 0) {
    head = req.text.slice(0, at);
    marker = req.text.slice(at + sep.length).trim() || undefined;
    const parsed = marker && parseMarker(marker);
    if (parsed && !parsed.ok) return { kind: 'error', message: `Invalid marker "${clip(marker ?? "")}": ${parsed.error.message}` };
  }
  const name = head.trim();
  const nameStart = head.length - head.trimStart().length;
  if (isUrl(name)) return interpretLink(req, name, nameStart, ctx, marker, false);
  const { path } = stripExtras(name);
  const atParts = name.split('@');
  if (isArchive(path) && !(atParts.length >= 2 && !looksLikePath(atParts[0]))) {
    return interpretLink(req, path, nameStart, ctx, marker, false);
  }
  const parsed = parseRequirement(name);
  if (parsed.ok) return { kind: 'named', requirement: pep508Requirement(req, parsed.value, name, nameStart, marker, ctx) };
  if (looksLikePath(name)) {
    const unnamed: UnnamedRequirement = { target: path, kind: 'path', editable: false, range: rangeOf(req, { start: 0, end: req.text.length }, ctx) };
    return { kind: 'unnamed', unnamed };
  }
  return { kind: 'error', message: requirementErrorMessage(name, parsed.error.message, parsed.error.span) };
}

/** A PEP 508 requirement parsed from `name` (at `nameStart` in the line), with the marker pip split off. */
function pep508Requirement(req: ReqText, parsed: ParsedRequirement, name: string, nameStart: number, marker: string | undefined, ctx: LineContext): Requirement {
  const requirement = requirementFromParsed(parsed, name, shifted(req.map, nameStart), ctx.index, ctx.scope);
  requirement.text = req.text;
  requirement.range = rangeOf(req, { start: 0, end: req.text.length }, ctx);
  if (marker) requirement.marker = marker;
  return requirement;
}

/** pip's parse_editable: `name @ url`, a VCS URL with #egg=, a file: URL or a local project directory. */
function interpretEditable(req: ReqText, ctx: LineContext): Interpretation {
  const direct = parseRequirement(req.text);
  if (direct.ok && direct.value.url) {
    return { kind: 'named', requirement: requirementFromParsed(direct.value, req.text, req.map, ctx.index, ctx.scope) };
  }
  const { path, extras } = stripExtras(req.text);
  if (path.toLowerCase().startsWith('file:')) {
    const interpreted = interpretLink(req, path, 0, ctx, undefined, true);
    if (interpreted.kind === 'named') interpreted.requirement.extras = extras;
    return interpreted;
  }
  const bareVcs = VCS_NAMES.find((vcs) => req.text.toLowerCase().startsWith(`${vcs}:`));
  const url = bareVcs ? `${bareVcs}+${req.text}` : req.text;
  if (VCS_SCHEMES.includes(urlScheme(url))) {
    const egg = eggFragment(req.text);
    if (!egg) {
      return { kind: 'error', message: `Could not detect requirement name for "${clip(req.text)}", please specify one with your_package_name @ URL` };
    }
    return interpretLink(req, req.text, 0, ctx, undefined, true);
  }
  if (urlScheme(req.text) && urlScheme(req.text).length > 1) {
    return {
      kind: 'error',
      message: `${clip(req.text)} is not a valid editable requirement. It should either be a path to a local project or a VCS URL (beginning with ${VCS_SCHEMES.join(', ')}).`,
    };
  }
  // A local project directory (pip checks that it exists; loadRequirementTree does that when it can).
  const unnamed: UnnamedRequirement = { target: path, kind: 'path', editable: true, range: rangeOf(req, { start: 0, end: req.text.length }, ctx) };
  return { kind: 'unnamed', unnamed };
}

// ---------------------------------------------------------------------------------------------------------------
// The common line, read directly
// ---------------------------------------------------------------------------------------------------------------
//
// Nearly every line of a large requirements file is blank, a comment, or `name==1.2.3` / `name>=1,<2`, possibly
// with `--hash=...` options continued over several lines (pip-compile output). readSimpleLine reads such a logical
// line straight from the document and returns what the general path (joinLine, preprocess, readLine) returns for
// it, without character maps, shell splitting or the option parser. It accepts only text where those steps have
// nothing to do, and returns -1 for anything else:
// - the file has no line break but \n and \r\n (the caller checks once), and a line that is not a comment holds
//   only words separated by spaces, each ending where its physical line ends or at a space, so a `\` at the end is
//   the continuation mark and cannot glue two words. No comment, quote, escape or `${VAR}` can then be involved;
// - the first word is a requirement made of ASCII letters, digits and `._-=<>!~,*+`, starting with a letter or
//   digit (so pip reads it as PEP 508, not as an option, URL or path), that parseRequirement accepts and that is not
//   an archive name; every other word is `--hash=<sha256|sha384|sha512>:<letters and digits>`, an option pip honours
//   on a requirement line and whose value its check accepts.
// test/core/manifests/requirements-fast-path.test.ts compares both paths on generated files.

/** Line breaks pip's splitlines() honours besides \n and \r\n: a file with one is read by the general path only. */
const IRREGULAR_BREAKS = ['\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029'];

/** Whether the text has an irregular line break or a CR outside CRLF (one includes() per character is several times
 * faster than a character-class expression over a large file). */
const hasIrregularBreak = (text: string): boolean =>
  IRREGULAR_BREAKS.some((c) => text.includes(c)) || (text.includes('\r') && /\r(?!\n)/.test(text));

/** The characters readSimpleLine accepts in a requirement (1), by character code. */
const SIMPLE_REQUIREMENT_CHARS = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-=<>!~,*+') SIMPLE_REQUIREMENT_CHARS[c.charCodeAt(0)] = 1;

const HASH_OPTION = /--hash=sha(?:256|384|512):[A-Za-z0-9]*/y;

const isAsciiAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * Reads the logical line that starts at `start` when it has the common shape (see above), adding its requirement to
 * `out` if it has one. Returns where the next line starts, or -1 (and adds nothing) when the general path must read it.
 */
export function readSimpleLine(text: string, start: number, ctx: LineContext, out: Requirement[]): number {
  // A comment line: never continued, and empty once its comment is stripped.
  let i = start;
  while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
  if (text.charCodeAt(i) === 35 /* # */) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl + 1;
  }
  // One pass over the words of each physical line: the requirement first, then only hash options.
  let reqStart = -1;
  let reqEnd = -1;
  const hashes: string[] = [];
  let at = start;
  for (;;) {
    const nl = text.indexOf('\n', at);
    let end = nl < 0 ? text.length : nl;
    if (end > at && text.charCodeAt(end - 1) === 13) end--; // \r\n
    const continued = end > at && text.charCodeAt(end - 1) === 92; /* \ */
    if (continued) end--;
    for (let k = at; k < end;) {
      const c = text.charCodeAt(k);
      if (c === 32) {
        k++;
        continue;
      }
      let wordEnd = k;
      if (c === 45 /* - */) {
        // A hash option; its expression stops at any character it does not allow (a space, `\`, a line break).
        if (reqStart < 0) return -1; // an option line
        HASH_OPTION.lastIndex = k;
        if (!HASH_OPTION.test(text)) return -1;
        wordEnd = HASH_OPTION.lastIndex;
        hashes.push(text.slice(k + '--hash='.length, wordEnd));
      } else {
        if (reqStart >= 0 || !isAsciiAlnum(c)) return -1;
        while (wordEnd < end && SIMPLE_REQUIREMENT_CHARS[text.charCodeAt(wordEnd)] === 1) wordEnd++;
        reqStart = k;
        reqEnd = wordEnd;
      }
      // A word ends at a space or at the end of the line, and a continuation mark may not glue it to the next word.
      if (wordEnd < end ? text.charCodeAt(wordEnd) !== 32 : continued) return -1;
      k = wordEnd;
    }
    if (!continued) {
      at = nl < 0 ? text.length : nl + 1;
      break;
    }
    if (nl < 0) return -1; // a continuation at the end of the file
    at = nl + 1;
  }
  if (reqStart < 0) return at; // blank
  const name = text.slice(reqStart, reqEnd);
  // isArchive without its query stripping, which has nothing to strip here (no `?` or `#`).
  if (hasArchiveExtension(name.toLowerCase())) return -1;
  const parsed = parseRequirement(name);
  if (!parsed.ok) return -1;
  // The requirement sits inside one physical line: its map is the identity, clamped as toDoc clamps.
  const toDocument: ValueToDoc = (k) => reqStart + Math.max(0, Math.min(k, name.length));
  const requirement = requirementFromParsed(parsed.value, name, toDocument, ctx.index, ctx.scope);
  if (hashes.length) requirement.hashes = hashes;
  out.push(requirement);
  return at;
}

// ---------------------------------------------------------------------------------------------------------------
// The file
// ---------------------------------------------------------------------------------------------------------------

/** Per-requirement options pip honours (SUPPORTED_OPTIONS_REQ; editables only take --config-settings). */
const REQUIREMENT_DESTS: ReadonlySet<OptionDest> = new Set(['hashes', 'config_settings']);
const EDITABLE_DESTS: ReadonlySet<OptionDest> = new Set(['config_settings']);

const INDEX_KINDS: Partial<Record<OptionDest, PackageIndex['kind']>> = {
  index_url: 'index-url', extra_index_urls: 'extra-index-url', find_links: 'find-links', no_index: 'no-index',
};

class FileReader {
  readonly index: LineIndex;
  readonly manifest: ParsedManifest;
  readonly unnamed: UnnamedRequirement[] = [];
  private readonly scope: RequirementScope;

  /** `fastPath` false reads every line with the general path (tests compare the two). */
  constructor(readonly path: string, text: string, private readonly opts: RequirementsFileOptions, private readonly fastPath = true) {
    this.index = new LineIndex(text);
    this.scope = { kind: opts.constraint ? 'constraint' : 'requirements' };
    this.manifest = { path, kind: 'requirements', requirements: [], findings: [], indexes: [], includes: [], options: [] };
  }

  read(): RequirementsFileDetails {
    const text = this.index.text;
    const simple = this.fastPath && !hasIrregularBreak(text);
    const ctx: LineContext = { index: this.index, scope: this.scope };
    for (let at = 0; at < text.length;) {
      const fast = simple ? readSimpleLine(text, at, ctx, this.manifest.requirements) : -1;
      if (fast >= 0) {
        at = fast;
        continue;
      }
      const { line, next } = joinLine(text, at);
      at = next;
      const preprocessed = preprocess(line, this.opts.env);
      if (preprocessed) this.readLine(preprocessed);
    }
    return { manifest: this.manifest, unnamed: this.unnamed };
  }

  private finding(code: string, message: string, m: MappedText, span: Span, severity: Severity = 'error'): void {
    this.manifest.findings.push(syntaxFinding(code, message, valueRange(span, toDoc(m), this.index), severity));
  }

  private readLine(line: MappedText): void {
    const cut = optionsStart(line.text);
    const args = trimmed(slice(line, 0, cut < 0 ? line.text.length : Math.max(0, cut - 1)));
    const optionText = cut < 0 ? undefined : slice(line, cut);
    let options: ParsedOption[] = [];
    if (optionText) {
      const split = shellSplit(optionText.text);
      if ('error' in split) {
        this.finding('requirement-syntax', `Could not split options: ${split.error} in "${clip(optionText.text)}"`, optionText, { start: 0, end: optionText.text.length });
        if (!args.text) return;
      } else {
        const parsed = parseOptions(split.tokens);
        for (const p of parsed.problems) this.finding(p.code, p.message, optionText, p.span);
        options = parsed.options;
      }
    }
    const editables = options.filter((o) => o.spec.dest === 'editables');
    if (args.text) this.readRequirement({ text: args.text, map: toDoc(args) }, editables.length > 0, options, optionText);
    else if (editables.length) this.readEditableOption(editables[0], options, optionText!);
    else this.readOptionLine(options, optionText!);
  }

  private readRequirement(req: ReqText, editable: boolean, options: ParsedOption[], optionText: MappedText | undefined): void {
    const ctx = { index: this.index, scope: this.scope };
    const result = editable ? interpretEditable(req, ctx) : interpretLine(req, ctx);
    const honoured = editable ? EDITABLE_DESTS : REQUIREMENT_DESTS;
    const ignored = options.filter((o) => !honoured.has(o.spec.dest) && !(editable && o.spec.dest === 'editables'));
    for (const o of ignored) {
      if (!optionText) break;
      this.finding('option-ignored', `pip ignores ${o.flag} on a requirement line; put it on a line of its own`, optionText, o.span, 'warning');
    }
    const range = valueRange({ start: 0, end: req.text.length }, req.map, this.index);
    if (result.kind === 'error') {
      // `${PKG_SPEC}` left unexpanded: pip expands it from the environment it runs in, which we cannot see.
      if (/\$\{[A-Z0-9_]+\}/.test(req.text)) {
        this.manifest.findings.push(syntaxFinding('requirement-syntax', `This line is a requirement only once pip expands ${/\$\{[A-Z0-9_]+\}/.exec(req.text)![0]} from its environment; ML Pins cannot check it.`, range, 'information'));
        return;
      }
      this.manifest.findings.push(syntaxFinding('requirement-syntax', result.message, range));
      return;
    }
    if (result.kind === 'unnamed') {
      this.unnamed.push(result.unnamed);
      const { target, kind } = result.unnamed;
      if (kind === 'path' && !isArchive(target) && !this.opts.constraint) {
        // A local project (`-e .`): installed with this file's indexes. Resolved against the file's folder (pip uses
        // the working directory, which is that folder when the file sits at the project root).
        const dir = this.path.slice(0, Math.max(0, this.path.lastIndexOf('/')));
        const resolvedPath = target.includes('$') || target.startsWith('~') ? undefined : posixJoin(dir, target.replace(/^file:(\/\/)?/, ''));
        (this.manifest.localInstalls ??= []).push({ target, ...(resolvedPath ? { resolvedPath } : {}), range });
      }
      if (this.opts.constraint) this.constraintProblem('Unnamed requirements are not allowed as constraints', range, 'warning');
      return;
    }
    const requirement = result.requirement;
    if (editable) requirement.editable = true;
    const hashes = options.filter((o) => o.spec.dest === 'hashes').map((o) => o.value!);
    if (hashes.length && !editable) requirement.hashes = hashes;
    this.manifest.requirements.push(requirement);
    if (this.opts.constraint && editable) this.constraintProblem('Editable requirements are not allowed as constraints', range, 'error');
    else if (this.opts.constraint && requirement.extras.length) this.constraintProblem('Constraints cannot have extras', range, 'warning');
  }

  private constraintProblem(message: string, range: Range, severity: Severity): void {
    this.manifest.findings.push(syntaxFinding('constraint-form', `${message} (pip accepts only a name and a version specifier)`, range, severity));
  }

  /** `-e target` on a line of its own: the first -e is the requirement (pip reads only one per line). */
  private readEditableOption(option: ParsedOption, options: ParsedOption[], optionText: MappedText): void {
    const value = slice(optionText, option.valueSpan!.start, option.valueSpan!.end);
    const text = value.text.trim();
    const lead = value.text.length - value.text.trimStart().length;
    const req = { text, map: shifted(toDoc(value), lead) };
    this.readRequirement(req, true, options.filter((o) => o !== option), optionText);
  }

  private readOptionLine(options: ParsedOption[], optionText: MappedText): void {
    const includes = options.filter((o) => o.spec.dest === 'requirements' || o.spec.dest === 'constraints');
    // pip follows one include per line, preferring -r over -c.
    const include = includes.find((o) => o.spec.dest === 'requirements') ?? includes[0];
    if (include) {
      this.addInclude(include, optionText);
      return;
    }
    for (const o of options) {
      if (o.spec.dest === 'hashes') {
        this.finding('option-ignored', `${o.flag} without a requirement on the line is ignored by pip`, optionText, o.span, 'warning');
      }
    }
    this.addIndexes(options, optionText);
    for (const o of options) {
      if (INDEX_KINDS[o.spec.dest] || o.spec.dest === 'hashes') continue;
      const entry: { name: string; value?: string; range: Range } = { name: o.flag, range: valueRange(o.span, toDoc(optionText), this.index) };
      if (o.value !== undefined) entry.value = o.value;
      this.manifest.options!.push(entry);
    }
  }

  private addInclude(option: ParsedOption, optionText: MappedText): void {
    const include: Include = {
      kind: option.spec.dest === 'constraints' ? 'constraint' : 'requirement',
      target: option.value!,
      range: valueRange(option.valueSpan!, toDoc(optionText), this.index),
    };
    if (!isUrl(option.value!)) include.resolvedPath = posixJoin(posixDirname(this.path), option.value!);
    this.manifest.includes.push(include);
  }

  /**
   * Index options in the order pip applies them on one line: --no-index, the last --index-url, every
   * --extra-index-url, and only the first --find-links (pip's handle_option_line).
   */
  private addIndexes(options: ParsedOption[], optionText: MappedText): void {
    const of = (dest: OptionDest) => options.filter((o) => o.spec.dest === dest);
    const noIndex = of('no_index');
    const indexUrl = of('index_url').slice(-1);
    const applied = [...noIndex.slice(0, 1), ...indexUrl, ...of('extra_index_urls'), ...of('find_links').slice(0, 1)];
    for (const o of applied) {
      const span = o.valueSpan ?? o.span;
      this.manifest.indexes.push({ kind: INDEX_KINDS[o.spec.dest]!, url: o.value ?? '', range: valueRange(span, toDoc(optionText), this.index) });
    }
    for (const o of [...of('index_url').slice(0, -1), ...of('find_links').slice(1)]) {
      this.finding('option-ignored', `Only one ${o.flag} per line takes effect in pip; this one is ignored`, optionText, o.span, 'warning');
    }
  }
}

/** Reads a pip requirements (or constraints) file. Never throws; problems become findings. */
export function parseRequirementsFile(path: string, text: string, opts: RequirementsFileOptions = {}): ParsedManifest {
  return parseRequirementsFileDetails(path, text, opts).manifest;
}

/** As parseRequirementsFile, plus the requirements that name no package (local paths, plain URLs). */
export function parseRequirementsFileDetails(path: string, text: string, opts: RequirementsFileOptions = {}): RequirementsFileDetails {
  try {
    return new FileReader(path, text, opts).read();
  } catch (e) {
    // A bug of ours must not take the editor down: report it on the first line instead.
    const manifest: ParsedManifest = { path, kind: 'requirements', requirements: [], findings: [], indexes: [], includes: [], options: [] };
    const message = `Internal error while reading this file: ${e instanceof Error ? e.message : String(e)}`;
    manifest.findings.push(syntaxFinding('requirement-syntax', message, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }));
    return { manifest, unnamed: [] };
  }
}

/** Every line through the general path, without readSimpleLine: what the fast path must agree with (for tests). */
export function parseRequirementsFileGeneral(path: string, text: string, opts: RequirementsFileOptions = {}): RequirementsFileDetails {
  return new FileReader(path, text, opts, false).read();
}

// ---------------------------------------------------------------------------------------------------------------
// Following -r / -c
// ---------------------------------------------------------------------------------------------------------------

export function posixDirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '';
  return i === 0 ? '/' : path.slice(0, i);
}

/** Normalizes `.`/`..` and repeated slashes; keeps a leading `/` and leading `..` of relative paths. */
export function posixNormalize(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  const joined = parts.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

export function posixJoin(dir: string, path: string): string {
  if (path.startsWith('/') || !dir) return posixNormalize(path);
  return posixNormalize(`${dir}/${path}`);
}

/** A finding about an include, with the path of the file it belongs in. */
export type TreeFinding = Finding & { path: string };

export interface RequirementTree {
  /** Root first, then each included file once, in the order pip reaches them. */
  manifests: ParsedManifest[];
  /** include-missing / include-cycle (and local-path-missing), each with the path of the file to show it in. */
  findings: TreeFinding[];
  /** Requirements that name no package (local projects, archives, plain URLs), with the file they are in. */
  unnamed: (UnnamedRequirement & { path: string })[];
}

/**
 * Follow -r/-c from a root file. readFile returns undefined for a missing file. Paths are POSIX-style, resolved
 * relative to the including file. Also checks that local project paths (`-e ./pkg`, `./pkg`) hold a project.
 */
export async function loadRequirementTree(
  rootPath: string,
  readFile: (path: string) => Promise<string | undefined>,
  opts: RequirementsFileOptions & { cache?: Map<string, RequirementsFileDetails> } = {},
): Promise<RequirementTree> {
  const tree: RequirementTree = { manifests: [], findings: [], unnamed: [] };
  const seen = new Set<string>();
  const root = posixNormalize(rootPath);
  const text = await safeRead(readFile, root);
  if (text === undefined) {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    tree.findings.push({ ...syntaxFinding('include-missing', `Cannot open requirements file ${root}`, range), path: root });
    return tree;
  }
  // The chain of files being read (for cycles): a list for the message, a set for the test. A deep chain
  // (thousands of -r) must not cost a copy of the chain per file.
  const stack: string[] = [root];
  const onStack = new Set(stack);
  const { cache, ...parseOpts } = opts;
  await visit(root, text, opts.constraint ?? false);
  return tree;

  async function visit(path: string, content: string, constraint: boolean): Promise<void> {
    seen.add(path);
    // Several roots of one project share their included files: each is parsed once (same text, same mode).
    const key = `${constraint ? 'c' : 'r'}\u0000${path}\u0000${content.length}`;
    let details = cache?.get(key);
    if (!details || details.manifest.path !== path) {
      details = parseRequirementsFileDetails(path, content, { ...parseOpts, constraint });
      cache?.set(key, details);
    }
    tree.manifests.push(details.manifest);
    tree.unnamed.push(...details.unnamed.map((item) => ({ ...item, path })));
    await checkLocalPaths(details, readFile, posixDirname(root), tree);
    for (const include of details.manifest.includes) {
      const target = include.resolvedPath;
      if (!target) continue; // a URL: pip would download it; we do not follow it
      if (onStack.has(target)) {
        const chain = [...stack, target].join(' -> ');
        const message = `${target} recursively references itself in ${path} (${chain})`;
        tree.findings.push({ ...syntaxFinding('include-cycle', message, include.range), path });
        continue;
      }
      if (seen.has(target)) continue;
      const read = await tryRead(readFile, target);
      if (!('text' in read)) {
        const kind = include.kind === 'constraint' ? 'constraints' : 'requirements';
        const message = `Cannot open ${kind} file "${clip(include.target)}" (${clip(target)}): ${read.reason}`;
        tree.findings.push({ ...syntaxFinding('include-missing', message, include.range, read.refused ? 'warning' : 'error'), path });
        continue;
      }
      const included = read.text;
      // As pip: -r inside a constraints file includes requirements, -c includes constraints.
      stack.push(target);
      onStack.add(target);
      await visit(target, included, include.kind === 'constraint');
      stack.pop();
      onStack.delete(target);
    }
  }
}

async function safeRead(readFile: (path: string) => Promise<string | undefined>, path: string): Promise<string | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** The text of a file, or why it was not read (`refused`: the reader would not read it, e.g. outside the folder). */
async function tryRead(readFile: (path: string) => Promise<string | undefined>, path: string): Promise<{ text: string } | { reason: string; refused: boolean }> {
  try {
    const text = await readFile(path);
    return text === undefined ? { reason: 'no such file', refused: false } : { text };
  } catch (e) {
    return { reason: readFailureReason(e), refused: e instanceof ReadRefused };
  }
}

/**
 * pip installs a local directory only when it holds pyproject.toml or setup.py. It resolves the path against the
 * working directory, which we do not know: the root file's directory and its ancestors are tried, and the including
 * file's directory, before warning.
 */
async function checkLocalPaths(
  details: RequirementsFileDetails, readFile: (path: string) => Promise<string | undefined>, rootDir: string, tree: RequirementTree,
): Promise<void> {
  for (const item of details.unnamed) {
    // Archives and Windows drive paths cannot be checked this way.
    if (item.kind !== 'path' || isArchive(item.target) || /^[A-Za-z]:[\\/]/.test(item.target)) continue;
    const target = item.target.replace(/^file:(\/\/)?/i, '');
    const bases = [...ancestors(rootDir), posixDirname(details.manifest.path)];
    let found = false;
    for (const base of new Set(bases)) {
      const dir = posixJoin(base, target);
      const pyproject = await tryRead(readFile, posixJoin(dir, 'pyproject.toml'));
      // A project outside the checked folder is not looked at, and so not reported missing either.
      if ('text' in pyproject || pyproject.refused) { found = true; break; }
      const setup = await tryRead(readFile, posixJoin(dir, 'setup.py'));
      if ('text' in setup || setup.refused) { found = true; break; }
    }
    if (found) continue;
    const what = item.editable ? 'editable requirement' : 'local project';
    const message = `${clip(item.target)} is not a valid ${what}: no pyproject.toml or setup.py found there (pip will fail)`;
    tree.findings.push({ ...syntaxFinding('local-path-missing', message, item.range, 'warning'), path: details.manifest.path });
  }
}

function ancestors(dir: string, limit = 5): string[] {
  const out = [dir];
  let current = dir;
  for (let i = 0; i < limit && current && current !== '/' && current !== '.'; i++) {
    const up = posixDirname(current);
    if (up === current) break;
    out.push(up || '.');
    current = up;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The settings pip ends up with
// ---------------------------------------------------------------------------------------------------------------

export interface PipSettings {
  indexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
  trustedHosts: string[];
  noBinary: string[];
  onlyBinary: string[];
  preferBinary: boolean;
  /** --pre, or --all-releases :all: */
  pre: boolean;
  requireHashes: boolean;
}

/**
 * The index/finder state pip derives from these manifests, read in order (starting from no index URLs, as
 * pip's parser does; pip's default index applies when `indexUrls` stays empty and `noIndex` is false).
 * `exists` lets a relative --find-links resolve against its file's directory, as pip does when that path exists.
 */
export function pipSettings(manifests: ParsedManifest[], exists?: (path: string) => boolean): PipSettings {
  const s: PipSettings = {
    indexUrls: [], findLinks: [], noIndex: false, trustedHosts: [], noBinary: [], onlyBinary: [], preferBinary: false,
    pre: false, requireHashes: false,
  };
  for (const manifest of manifests) {
    for (const index of manifest.indexes) applyIndex(s, index, manifest.path, exists);
    for (const option of manifest.options ?? []) applyOption(s, option.name, option.value);
  }
  return s;
}

function applyIndex(s: PipSettings, index: PackageIndex, path: string, exists?: (path: string) => boolean): void {
  if (index.kind === 'no-index') {
    s.noIndex = true;
    s.indexUrls = [];
  } else if (index.kind === 'index-url' && !s.noIndex) {
    s.indexUrls = [index.url];
  } else if (index.kind === 'extra-index-url' && !s.noIndex) {
    s.indexUrls.push(index.url);
  } else if (index.kind === 'find-links') {
    const relative = posixJoin(posixDirname(path), index.url);
    s.findLinks.push(!isUrl(index.url) && exists?.(relative) ? relative : index.url);
  }
}

function applyOption(s: PipSettings, name: string, value: string | undefined): void {
  switch (name) {
    case '--trusted-host': s.trustedHosts.push(value ?? ''); break;
    case '--prefer-binary': s.preferBinary = true; break;
    case '--pre': s.pre = true; break;
    case '--all-releases': if (value?.split(',').includes(':all:')) s.pre = true; break;
    case '--require-hashes': s.requireHashes = true; break;
    case '--no-binary': applyFormatControl(value ?? '', s.noBinary, s.onlyBinary); break;
    case '--only-binary': applyFormatControl(value ?? '', s.onlyBinary, s.noBinary); break;
  }
}

/** pip's FormatControl.handle_mutual_excludes. */
function applyFormatControl(value: string, target: string[], other: string[]): void {
  let names = value.split(',');
  while (names.includes(':all:')) {
    other.length = 0;
    target.length = 0;
    target.push(':all:');
    names = names.slice(names.indexOf(':all:') + 1);
    if (!names.includes(':none:')) return;
  }
  for (const name of names) {
    if (name === ':none:') {
      target.length = 0;
      continue;
    }
    const canonical = normalizeName(name);
    const i = other.indexOf(canonical);
    if (i >= 0) other.splice(i, 1);
    if (!target.includes(canonical)) target.push(canonical);
  }
}
