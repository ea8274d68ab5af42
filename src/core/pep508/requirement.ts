// PEP 508 dependency specifiers: a port of pypa/packaging `_parser.py` (requirement part) and `requirements.py`,
// keeping the span of every part so callers can underline or rewrite exactly what the user wrote.

import { BoundedCache, detached } from '../pep440/version';
import {
  markerToString, parseMarkerExpression, runParser, type Marker, type MarkerExpression, type MarkerNode, type MarkerOperand,
  type ParseResult,
} from './marker';
import {
  PY_WHITESPACE, SPECIFIER_CLAUSE, SPECIFIER_SOURCE, Tokenizer, type Span,
} from './tokenizer';

export interface ParsedRequirement {
  /** As written. */
  name: string;
  nameSpan: Span;
  /** As written, in order (duplicates kept). */
  extras: string[];
  /** From `[` to `]` inclusive. */
  extrasSpan?: Span;
  /** Clauses without whitespace or parentheses, joined by `,` ('' when none); parseable by parseSpecifierSet. */
  specifier: string;
  /** The specifier as written, parentheses included; absent when there is no specifier. */
  specifierSpan?: Span;
  url?: string;
  urlSpan?: Span;
  /** Extra names in `extra == "..."` are PEP 685-normalized, as packaging does. */
  marker?: Marker;
  /** The marker as written (trimmed). */
  markerText?: string;
  markerSpan?: Span;
}

export interface ParseRequirementOptions {
  /**
   * false: the caller only keeps `markerText` / `markerSpan`, so `marker` (the tree) may be left out. Building a
   * private copy of the tree for every requirement of a large manifest, only to drop it, is most of what a
   * requirement costs once its marker has been parsed before.
   */
  markerTree?: boolean;
}

export function parseRequirement(text: string, options: ParseRequirementOptions = {}): ParseResult<ParsedRequirement> {
  const simple = parseSimpleRequirement(text, options.markerTree ?? true);
  return simple ? { ok: true, value: simple } : parseRequirementGeneral(text);
}

/** The tokenizer path alone, without the fast path: what parseSimpleRequirement must agree with (tests use it). */
export function parseRequirementGeneral(text: string): ParseResult<ParsedRequirement> {
  return runParser(text, parseRequirementTokens);
}

// ---- Fast path ---------------------------------------------------------------------------------------------------
// Most requirements are `name`, `name==1.2.3` or `name>=1,<2`, optionally followed by `; marker`. Running the
// tokenizer on those costs a dozen regular-expression probes and as many token objects each, which dominates large
// lock-style files. parseSimpleRequirement reads exactly that shape by hand and returns what the tokenizer path
// returns for it (the same SPECIFIER regex decides each clause, and the marker is parsed by parseDetails' own steps,
// see markerTails); on anything else, including every input that is an error, it returns undefined and the tokenizer
// path decides. test/core/pep508/fast-path.test.ts checks the agreement on generated and conformance inputs.

const SPECIFIER_STICKY = new RegExp(SPECIFIER_SOURCE, 'iy');

const isAsciiAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** `.`, `-` and `_`, the other characters of a name. */
const isNamePunct = (c: number): boolean => c === 46 || c === 45 || c === 95;
/** A digit or `v` (either case): how a version starts. */
const startsVersion = (c: number): boolean => (c >= 48 && c <= 57) || c === 118 || c === 86;
/** `<`, `=`, `>`, `!`, `~`: the characters a specifier operator starts with. */
const isOperatorStart = (c: number): boolean => c === 60 || c === 61 || c === 62 || c === 33 || c === 126;

/**
 * `NAME (CLAUSE (',' CLAUSE)*)? (WS? ';' marker)?` with no other whitespace, an ASCII name that starts and ends with
 * a letter or digit, and no `===` clause (it may swallow commas); undefined for anything else.
 */
export function parseSimpleRequirement(text: string, markerTree = true): ParsedRequirement | undefined {
  const length = text.length;
  if (length === 0 || !isAsciiAlnum(text.charCodeAt(0))) return undefined;
  let pos = 1;
  while (pos < length && (isAsciiAlnum(text.charCodeAt(pos)) || isNamePunct(text.charCodeAt(pos)))) pos++;
  // The name ends on a letter or digit and the next character is not a word character: the IDENTIFIER rule then
  // matches exactly this run (its word-boundary test holds), as it does for every name packaging accepts.
  if (!isAsciiAlnum(text.charCodeAt(pos - 1))) return undefined;
  const nameEnd = pos;
  let specifierSpan: Span | undefined;
  if (pos < length && isOperatorStart(text.charCodeAt(pos))) {
    for (;;) {
      // The version must follow the operator directly: whitespace there is removed by the general path, and `===`
      // (which reads up to whitespace, `;` or `)`, commas included) is left to it as well.
      const operatorLength = text.charCodeAt(pos + 1) === 61 /* = */ ? 2 : 1;
      if (!startsVersion(text.charCodeAt(pos + operatorLength))) return undefined;
      SPECIFIER_STICKY.lastIndex = pos;
      if (!SPECIFIER_STICKY.test(text)) return undefined;
      pos = SPECIFIER_STICKY.lastIndex;
      // A comma must lead to another clause here (a trailing comma, `.*` or `+local` trails: general path).
      if (text.charCodeAt(pos) !== 44 /* , */) break;
      pos++;
      if (!isOperatorStart(text.charCodeAt(pos))) return undefined;
    }
    specifierSpan = { start: nameEnd, end: pos };
  }
  // Each shape is built in one literal (the keys in the tokenizer path's order): properties added afterwards would
  // cost every requirement a second allocation for them.
  const name = text.slice(0, nameEnd);
  const nameSpan = { start: 0, end: nameEnd };
  // The clauses with the single commas between them and nothing else: what joining them gives.
  const specifier = specifierSpan ? text.slice(nameEnd, pos) : '';
  if (pos === length) {
    return specifierSpan ? { name, nameSpan, extras: [], specifier, specifierSpan } : { name, nameSpan, extras: [], specifier };
  }
  const c = text.charCodeAt(pos);
  if (c !== 59 /* ; */ && c !== 32 && c !== 9) return undefined;
  let marker: { marker: Marker; text: string } | null | undefined;
  if (lastTail !== undefined && length - pos === lastTail.length && text.startsWith(lastTail, pos)) {
    marker = lastTailMarker; // the previous requirement's tail (neighbours often share one): no slice, no lookup
  } else {
    const tail = text.slice(pos);
    marker = markerTails.get(tail);
    // Parsed from a copy: the cached text must not keep the whole document alive.
    if (marker === undefined) markerTails.set(tail, (marker = parseMarkerTail(detached(tail))));
    lastTail = detached(tail);
    lastTailMarker = marker;
  }
  if (!marker) return undefined;
  const markerText = marker.text;
  if (markerTree) {
    const moved = movedMarker(marker.marker, pos);
    return specifierSpan
      ? { name, nameSpan, extras: [], specifier, specifierSpan, marker: moved, markerSpan: moved.span, markerText }
      : { name, nameSpan, extras: [], specifier, marker: moved, markerSpan: moved.span, markerText };
  }
  const markerSpan = movedSpan(marker.marker.span, pos);
  return specifierSpan
    ? { name, nameSpan, extras: [], specifier, specifierSpan, markerSpan, markerText }
    : { name, nameSpan, extras: [], specifier, markerSpan, markerText };
}

/**
 * What follows a requirement's specifier, `WS? ';' marker WS?` to the end, parses the same wherever it stands: it
 * starts with `;` or whitespace, where no rule looks behind. Markers repeat across a project's requirements
 * (`python_version >= "3.10"` on many lines) and cost more to parse than the rest, so each tail is parsed once, by
 * the same steps as parseDetails, and its marker reused with the spans moved. null: not a valid marker tail.
 */
const markerTails = new BoundedCache<string, { marker: Marker; text: string } | null>(5000);
let lastTail: string | undefined;
let lastTailMarker: { marker: Marker; text: string } | null = null;

function parseMarkerTail(tail: string): { marker: Marker; text: string } | null {
  const tokenizer = new Tokenizer(tail);
  const req: ParsedRequirement = { name: '', nameSpan: { start: 0, end: 0 }, extras: [], specifier: '' };
  try {
    tokenizer.consume('WS');
    if (!tokenizer.peek('SEMICOLON')) return null;
    parseRequirementMarker(tokenizer, req, 0, '');
    tokenizer.expect('END', '');
  } catch {
    return null; // a bad marker: the general path reports it with packaging's message
  }
  return { marker: req.marker!, text: req.markerText! };
}

/** A copy of a parsed marker with every span moved by `by` (same shape and key order as the parser builds). */
function movedMarker(m: MarkerExpression, by: number): MarkerExpression {
  return { kind: 'expression', items: m.items.map((item) => movedNode(item, by)), ops: [...m.ops], span: movedSpan(m.span, by) };
}

function movedNode(node: MarkerNode, by: number): MarkerNode {
  if (node.kind === 'expression') return movedMarker(node, by);
  return { kind: 'comparison', left: movedOperand(node.left, by), op: node.op, right: movedOperand(node.right, by), span: movedSpan(node.span, by) };
}

function movedOperand(o: MarkerOperand, by: number): MarkerOperand {
  return o.kind === 'variable'
    ? { kind: 'variable', name: o.name, span: movedSpan(o.span, by) }
    : { kind: 'string', value: o.value, span: movedSpan(o.span, by) };
}

const movedSpan = (span: Span, by: number): Span => ({ start: span.start + by, end: span.end + by });

/** requirement = WS? IDENTIFIER WS? extras WS? requirement_details END */
function parseRequirementTokens(tokenizer: Tokenizer): ParsedRequirement {
  tokenizer.consume('WS');
  const nameToken = tokenizer.expect('IDENTIFIER', 'package name at the start of dependency specifier');
  const req: ParsedRequirement = {
    name: nameToken.text,
    nameSpan: { start: nameToken.position, end: nameToken.position + nameToken.text.length },
    extras: [],
    specifier: '',
  };
  tokenizer.consume('WS');
  parseExtras(tokenizer, req);
  tokenizer.consume('WS');
  parseDetails(tokenizer, req);
  tokenizer.expect('END', 'end of dependency specifier');
  return req;
}

/** extras = ('[' WS? extras_list? WS? ']')? */
function parseExtras(tokenizer: Tokenizer, req: ParsedRequirement): void {
  if (!tokenizer.peek('LEFT_BRACKET')) return;
  const start = tokenizer.position;
  tokenizer.enclosed('LEFT_BRACKET', 'RIGHT_BRACKET', 'extras', () => {
    tokenizer.consume('WS');
    req.extras = parseExtrasList(tokenizer);
    tokenizer.consume('WS');
  });
  req.extrasSpan = { start, end: tokenizer.position };
}

/** extras_list = IDENTIFIER (WS? ',' WS? IDENTIFIER)* */
function parseExtrasList(tokenizer: Tokenizer): string[] {
  const first = tokenizer.take('IDENTIFIER');
  if (!first) return [];
  const extras = [first.text];
  for (;;) {
    tokenizer.consume('WS');
    if (tokenizer.peek('IDENTIFIER')) tokenizer.fail('Expected comma between extra names');
    if (!tokenizer.take('COMMA')) break;
    tokenizer.consume('WS');
    extras.push(tokenizer.expect('IDENTIFIER', 'extra name after comma').text);
  }
  return extras;
}

/** requirement_details = '@' WS? URL (WS requirement_marker?)? | specifier WS? requirement_marker? */
function parseDetails(tokenizer: Tokenizer, req: ParsedRequirement): void {
  if (tokenizer.take('AT')) {
    tokenizer.consume('WS');
    const url = tokenizer.expect('URL', 'URL after @');
    req.url = url.text;
    req.urlSpan = { start: url.position, end: url.position + url.text.length };
    if (tokenizer.peek('END')) return;
    tokenizer.expect('WS', 'whitespace after URL');
    if (tokenizer.peek('END')) return;
    parseRequirementMarker(tokenizer, req, url.position, 'semicolon (after URL and whitespace)');
    return;
  }
  const specifierStart = tokenizer.position;
  parseSpecifier(tokenizer, req);
  tokenizer.consume('WS');
  if (tokenizer.peek('END')) return;
  const expected = req.specifierSpan
    ? 'comma (within version specifier), semicolon (after version specifier)'
    : 'semicolon (after name with no version specifier)';
  parseRequirementMarker(tokenizer, req, specifierStart, expected);
}

/** requirement_marker = ';' marker WS? */
function parseRequirementMarker(tokenizer: Tokenizer, req: ParsedRequirement, spanStart: number, expected: string): void {
  if (!tokenizer.take('SEMICOLON')) tokenizer.fail(`Expected ${expected} or end`, spanStart);
  tokenizer.consume('WS');
  const marker = parseMarkerExpression(tokenizer, 0);
  tokenizer.consume('WS');
  req.marker = marker;
  req.markerSpan = marker.span;
  req.markerText = tokenizer.source.slice(marker.span.start, marker.span.end);
}

/** specifier = '(' WS? version_many WS? ')' | WS? version_many WS? */
function parseSpecifier(tokenizer: Tokenizer, req: ParsedRequirement): void {
  const start = tokenizer.position;
  const parenthesized = tokenizer.peek('LEFT_PARENTHESIS');
  const { clauses, end } = tokenizer.enclosed('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'version specifier', () => {
    tokenizer.consume('WS');
    const found = parseVersionMany(tokenizer);
    tokenizer.consume('WS');
    return found;
  });
  // A parenthesized specifier's span includes the parentheses, so replacing it leaves no stray `()`.
  if (parenthesized) req.specifierSpan = { start, end: tokenizer.position };
  else if (clauses.length) req.specifierSpan = { start, end };
  req.specifier = clauses.join(',');
}

/**
 * version_many = (SPECIFIER (WS? ',' WS? SPECIFIER)*)?
 * Returns the clauses, whitespace removed, and where the last clause (or trailing comma) ends. An `===` clause may
 * swallow commas (its version is "anything but whitespace, `;` and `)`"), so each token is split and checked the
 * way packaging's SpecifierSet does.
 */
function parseVersionMany(tokenizer: Tokenizer): { clauses: string[]; end: number } {
  const clauses: string[] = [];
  let end = tokenizer.position;
  for (let token = tokenizer.take('SPECIFIER'); token; token = tokenizer.take('SPECIFIER')) {
    const spanStart = token.position;
    if (tokenizer.peek('VERSION_PREFIX_TRAIL')) {
      const message = /^(!=|==(?!=))/.test(token.text)
        ? '.* suffix cannot be used with pre-release, post-release, dev or local versions'
        : '.* suffix can only be used with `==` or `!=` operators';
      tokenizer.fail(message, spanStart, tokenizer.position + 1);
    }
    if (tokenizer.peek('VERSION_LOCAL_LABEL_TRAIL')) {
      tokenizer.fail('Local version label can only be used with `==` or `!=` operators', spanStart, tokenizer.position);
    }
    clauses.push(...splitClauses(tokenizer, token.text, spanStart));
    end = tokenizer.position;
    tokenizer.consume('WS');
    if (!tokenizer.take('COMMA')) break;
    end = tokenizer.position;
    tokenizer.consume('WS');
  }
  return { clauses, end };
}

function splitClauses(tokenizer: Tokenizer, text: string, start: number): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    if (!part.replace(PY_WHITESPACE, '')) continue;
    if (!SPECIFIER_CLAUSE.test(part)) tokenizer.fail(`Invalid specifier: '${part.trim()}'`, start, start + text.length);
    out.push(part.replace(PY_WHITESPACE, ''));
  }
  return out;
}

/** packaging's `str(Requirement)`: extras sorted, clauses sorted, normalized marker. */
export function requirementToString(req: ParsedRequirement): string {
  let out = req.name;
  const extras = [...new Set(req.extras)].sort();
  if (extras.length) out += `[${extras.join(',')}]`;
  if (req.specifier) out += [...new Set(req.specifier.split(','))].sort().join(',');
  if (req.url) out += ` @ ${req.url}${req.marker ? ' ' : ''}`;
  if (req.marker) out += `; ${markerToString(req.marker)}`;
  return out;
}
