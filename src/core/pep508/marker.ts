// PEP 508 environment markers: parsing (a port of pypa/packaging `_parser.py`), packaging's string form, and a
// three-valued evaluation that also works with a partially known environment.

import { parseSpecifier } from '../pep440';
import { normalizeName } from '../text';
import { ParserSyntaxError, Tokenizer, type Span } from './tokenizer';

export type { Span } from './tokenizer';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: { message: string; span: Span } };

export type MarkerVariableName =
  | 'python_version'
  | 'python_full_version'
  | 'os_name'
  | 'sys_platform'
  | 'platform_release'
  | 'platform_system'
  | 'platform_version'
  | 'platform_machine'
  | 'platform_python_implementation'
  | 'implementation_name'
  | 'implementation_version'
  | 'extra'
  | 'extras'
  | 'dependency_groups';

export type MarkerOperator = '<=' | '<' | '!=' | '==' | '>=' | '>' | '~=' | '===' | 'in' | 'not in';

/** One side of a comparison. `span` is the operand's text in the parsed string. */
export type MarkerOperand =
  | { kind: 'variable'; name: MarkerVariableName; span: Span }
  | { kind: 'string'; value: string; span: Span };

export interface MarkerComparison {
  kind: 'comparison';
  left: MarkerOperand;
  op: MarkerOperator;
  right: MarkerOperand;
  span: Span;
}

/**
 * Atoms joined by `and`/`or` exactly as written, left to right (`ops[i]` sits between `items[i]` and `items[i+1]`);
 * `and` binds tighter than `or` when evaluating. A parenthesized group is a nested expression. Keeping the written
 * shape lets `markerToString` reproduce packaging's output.
 */
export interface MarkerExpression {
  kind: 'expression';
  items: MarkerNode[];
  ops: ('and' | 'or')[];
  span: Span;
}

export type MarkerNode = MarkerComparison | MarkerExpression;
export type Marker = MarkerExpression;

export interface MarkerEnvironment {
  implementation_name: string;
  implementation_version: string;
  os_name: string;
  platform_machine: string;
  platform_release: string;
  platform_system: string;
  platform_version: string;
  python_full_version: string;
  platform_python_implementation: string;
  python_version: string;
  sys_platform: string;
  /** The extra being installed ('' for none). Missing means unknown. */
  extra?: string;
  /** Lock-file markers (PEP 751): the extras and dependency groups selected. */
  extras?: readonly string[];
  dependency_groups?: readonly string[];
}

// Deeper nesting than any real marker; stops hostile input from exhausting the stack.
const MAX_DEPTH = 100;

// ---------------------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------------------

export function parseMarker(text: string): ParseResult<Marker> {
  return runParser(text, (tokenizer) => {
    const marker = parseMarkerExpression(tokenizer, 0);
    tokenizer.expect('END', 'end of marker expression');
    return marker;
  });
}

/** Runs a parser on `text`, turning its syntax errors (and any stack exhaustion) into a result. */
export function runParser<T>(text: string, parse: (tokenizer: Tokenizer) => T): ParseResult<T> {
  const tokenizer = new Tokenizer(text);
  try {
    return { ok: true, value: parse(tokenizer) };
  } catch (e) {
    if (e instanceof ParserSyntaxError) return { ok: false, error: { message: e.message, span: e.span } };
    // A RangeError from recursion, should the depth limit ever be insufficient: still never throw.
    return { ok: false, error: { message: 'Could not parse', span: { start: tokenizer.position, end: text.length } } };
  }
}

/** marker = marker_atom (BOOLOP marker_atom)* */
export function parseMarkerExpression(tokenizer: Tokenizer, depth: number): MarkerExpression {
  if (depth > MAX_DEPTH) tokenizer.fail('Marker is nested too deeply');
  const items: MarkerNode[] = [parseMarkerAtom(tokenizer, depth)];
  const ops: ('and' | 'or')[] = [];
  for (let op = tokenizer.take('BOOLOP'); op; op = tokenizer.take('BOOLOP')) {
    ops.push(op.text as 'and' | 'or');
    items.push(parseMarkerAtom(tokenizer, depth));
  }
  return { kind: 'expression', items, ops, span: { start: items[0].span.start, end: lastEnd(items) } };
}

function lastEnd(items: MarkerNode[]): number {
  return items[items.length - 1].span.end;
}

/** marker_atom = WS? '(' WS? marker WS? ')' WS? | WS? marker_item WS? */
function parseMarkerAtom(tokenizer: Tokenizer, depth: number): MarkerNode {
  tokenizer.consume('WS');
  let atom: MarkerNode;
  if (tokenizer.peek('LEFT_PARENTHESIS')) {
    const open = tokenizer.position;
    atom = tokenizer.enclosed('LEFT_PARENTHESIS', 'RIGHT_PARENTHESIS', 'marker expression', () => {
      tokenizer.consume('WS');
      const inner = parseMarkerExpression(tokenizer, depth + 1);
      tokenizer.consume('WS');
      return inner;
    });
    // The group's span includes its parentheses.
    atom = { ...atom, span: { start: open, end: tokenizer.position } };
  } else {
    atom = parseMarkerItem(tokenizer);
  }
  tokenizer.consume('WS');
  return atom;
}

/** marker_item = WS? marker_var WS? marker_op WS? marker_var WS? */
function parseMarkerItem(tokenizer: Tokenizer): MarkerComparison {
  tokenizer.consume('WS');
  const left = parseMarkerVar(tokenizer);
  tokenizer.consume('WS');
  const op = parseMarkerOp(tokenizer);
  tokenizer.consume('WS');
  const right = parseMarkerVar(tokenizer);
  return normalizeExtraComparison({
    kind: 'comparison', left, op, right, span: { start: left.span.start, end: right.span.end },
  });
}

function parseMarkerVar(tokenizer: Tokenizer): MarkerOperand {
  const variable = tokenizer.take('VARIABLE');
  if (variable) {
    const span = { start: variable.position, end: variable.position + variable.text.length };
    return { kind: 'variable', name: canonicalVariable(variable.text), span };
  }
  const quoted = tokenizer.take('QUOTED_STRING');
  if (quoted) {
    const span = { start: quoted.position, end: quoted.position + quoted.text.length };
    const value = evalPythonString(quoted.text);
    if (value === undefined) tokenizer.fail('Invalid quoted string', span.start, span.end);
    return { kind: 'string', value, span };
  }
  return tokenizer.fail('Expected a marker variable or quoted string');
}

/** PEP 345 spellings (`os.name`) and `python_implementation` map to the PEP 508 names. */
function canonicalVariable(text: string): MarkerVariableName {
  const name = text.replace('.', '_');
  return (name === 'python_implementation' ? 'platform_python_implementation' : name) as MarkerVariableName;
}

function parseMarkerOp(tokenizer: Tokenizer): MarkerOperator {
  if (tokenizer.take('IN')) return 'in';
  if (tokenizer.take('NOT')) {
    tokenizer.expect('WS', "whitespace after 'not'");
    tokenizer.expect('IN', "'in' after 'not'");
    return 'not in';
  }
  const op = tokenizer.take('OP');
  if (op) return op.text as MarkerOperator;
  return tokenizer.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
}

const SET_VARIABLES: ReadonlySet<string> = new Set(['extras', 'dependency_groups']);

/** PEP 685 / PEP 735: extra and group names compare normalized, so the literal is stored normalized (as packaging). */
function normalizeExtraComparison(c: MarkerComparison): MarkerComparison {
  const { left, right } = c;
  if (left.kind === 'variable' && left.name === 'extra' && right.kind === 'string') {
    return { ...c, right: { ...right, value: normalizeName(right.value) } };
  }
  if (right.kind === 'variable' && left.kind === 'string' && (right.name === 'extra' || SET_VARIABLES.has(right.name))) {
    return { ...c, left: { ...left, value: normalizeName(left.value) } };
  }
  return c;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/**
 * Evaluates a quoted Python string literal the way `ast.literal_eval` does (packaging uses it for marker values).
 * Returns undefined where Python raises: an escaped closing quote, a bad `\x`/`\u`/`\U` escape, a raw line break.
 */
export function evalPythonString(token: string): string | undefined {
  const body = token.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\n' || c === '\r' || c === '\0') return undefined;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const decoded = decodeEscape(body, i + 1);
    if (!decoded) return undefined;
    out += decoded.text;
    i = decoded.next - 1;
  }
  return out;
}

function decodeEscape(body: string, at: number): { text: string; next: number } | undefined {
  if (at >= body.length) return undefined; // the backslash escapes the closing quote
  const c = body[at];
  if (c in SIMPLE_ESCAPES) return { text: SIMPLE_ESCAPES[c], next: at + 1 };
  if (c === '\n') return { text: '', next: at + 1 };
  if (c === '\r') return { text: '', next: body[at + 1] === '\n' ? at + 2 : at + 1 };
  if (c >= '0' && c <= '7') {
    const digits = /^[0-7]{1,3}/.exec(body.slice(at))![0];
    return { text: String.fromCodePoint(parseInt(digits, 8)), next: at + digits.length };
  }
  const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLength) {
    const hex = body.slice(at + 1, at + 1 + hexLength);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) return undefined;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return undefined;
    return { text: String.fromCodePoint(code), next: at + 1 + hexLength };
  }
  // \N{NAME} needs the Unicode name database, which we do not carry; treat it as invalid rather than guess.
  if (c === 'N') return undefined;
  // Python keeps unknown escapes as written (with a warning).
  return { text: '\\' + c, next: at + 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// String form (packaging's `str(Marker)`)
// ---------------------------------------------------------------------------------------------------------------

export function markerToString(marker: Marker): string {
  return formatNode(marker, true);
}

function formatNode(node: MarkerNode, first: boolean): string {
  if (node.kind === 'comparison') {
    return `${formatOperand(node.left)} ${node.op} ${formatOperand(node.right)}`;
  }
  // A redundant group around a single atom adds nothing: format the atom in the group's place.
  if (node.items.length === 1) return formatNode(node.items[0], first);
  const parts: string[] = [];
  node.items.forEach((item, i) => {
    if (i > 0) parts.push(node.ops[i - 1]);
    parts.push(formatNode(item, false));
  });
  return first ? parts.join(' ') : `(${parts.join(' ')})`;
}

function formatOperand(operand: MarkerOperand): string {
  if (operand.kind === 'variable') return operand.name;
  const value = operand.value;
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  // packaging cannot print this at all; an escape keeps our output parseable.
  return `"${value.replace(/"/g, '\\x22')}"`;
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------

type Tri = boolean | undefined;

/** Variables compared as PEP 440 versions when the other side parses as a specifier. */
const VERSION_VARIABLES: ReadonlySet<string> = new Set([
  'implementation_version', 'platform_release', 'python_full_version', 'python_version',
]);

/**
 * true/false when decidable from the given (partial) environment; undefined when it depends on an unknown variable
 * or on a comparison packaging rejects (`UndefinedComparison`, e.g. `~=` on a non-version). `false and unknown` is
 * false, `true or unknown` is true. A missing `extra` is unknown (packaging assumes '' for metadata).
 */
export function evaluateMarker(marker: Marker, env: Partial<MarkerEnvironment>): boolean | undefined {
  return evaluateNode(marker, env);
}

function evaluateNode(node: MarkerNode, env: Partial<MarkerEnvironment>): Tri {
  if (node.kind === 'comparison') return evaluateComparison(node, env);
  // Split on `or` into groups of `and`ed atoms.
  let result: Tri = false;
  let group: Tri = true;
  node.items.forEach((item, i) => {
    if (i > 0 && node.ops[i - 1] === 'or') {
      result = or3(result, group);
      group = true;
    }
    group = and3(group, evaluateNode(item, env));
  });
  return or3(result, group);
}

function and3(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  return a === undefined || b === undefined ? undefined : true;
}

function or3(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  return a === undefined || b === undefined ? undefined : false;
}

type EnvValue = string | readonly string[] | undefined;

function lookup(env: Partial<MarkerEnvironment>, key: string): EnvValue {
  const value = (env as Record<string, unknown>)[key];
  if (typeof value === 'string') {
    if (key === 'extra') return value ? normalizeName(value) : '';
    // Non-tagged CPython builds report e.g. '3.11.1+', which is not PEP 440 (packaging repairs it the same way).
    if (key === 'python_full_version' && value.endsWith('+')) return `${value}local`;
    return value;
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

function operandText(operand: MarkerOperand): string {
  return operand.kind === 'variable' ? operand.name : operand.value;
}

function evaluateComparison(c: MarkerComparison, env: Partial<MarkerEnvironment>): Tri {
  // As packaging: the environment key is the left variable, or else whatever the right side names.
  let key: string;
  let lhs: EnvValue;
  let rhs: EnvValue;
  if (c.left.kind === 'variable') {
    key = c.left.name;
    lhs = lookup(env, key);
    rhs = operandText(c.right);
  } else {
    key = operandText(c.right);
    lhs = c.left.value;
    rhs = lookup(env, key);
  }
  if (lhs === undefined || rhs === undefined) return undefined;
  if (typeof lhs !== 'string') return undefined; // a set-valued variable outside `"x" in extras`
  if (SET_VARIABLES.has(key)) {
    lhs = normalizeName(lhs);
    rhs = typeof rhs === 'string' ? normalizeName(rhs) : rhs.map(normalizeName);
  }
  return compare(lhs, c.op, rhs, key);
}

function compare(lhs: string, op: MarkerOperator, rhs: string | readonly string[], key: string): Tri {
  if (VERSION_VARIABLES.has(key) && typeof rhs === 'string') {
    const spec = parseSpecifier(`${op}${rhs}`);
    if (spec) return spec.contains(lhs, true);
  }
  switch (op) {
    case 'in':
      return rhs.includes(lhs);
    case 'not in':
      return !rhs.includes(lhs);
    case '==':
    case '<=':
    case '>=':
      return rhs === lhs;
    case '!=':
      return rhs !== lhs;
    case '<':
    case '>':
      return false;
    default:
      return undefined; // `~=` / `===` on non-versions: packaging raises UndefinedComparison
  }
}

/** The environment variables a marker refers to (after PEP 345 aliases are mapped). */
export function markerVariables(marker: Marker): Set<MarkerVariableName> {
  const names = new Set<MarkerVariableName>();
  const visit = (node: MarkerNode): void => {
    if (node.kind === 'expression') return node.items.forEach(visit);
    for (const side of [node.left, node.right]) if (side.kind === 'variable') names.add(side.name);
  };
  visit(marker);
  return names;
}

const parsedMarkers = new Map<string, ParseResult<Marker>>();
/** A marker written as text on a (partly known) environment: true when there is none, undefined when it does not parse
 *  or the known variables do not decide it. Parsed once per distinct text. */
export function markerTextHolds(marker: string | undefined, env: Partial<MarkerEnvironment>): boolean | undefined {
  if (!marker) return true;
  let parsed = parsedMarkers.get(marker);
  if (!parsed) {
    if (parsedMarkers.size >= 4096) parsedMarkers.clear(); // a long-lived server sees every marker typed
    parsedMarkers.set(marker, (parsed = parseMarker(marker)));
  }
  return parsed.ok ? evaluateMarker(parsed.value, env) : undefined;
}
