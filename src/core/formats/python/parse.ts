// Requirements written in Python files: `setup(install_requires=[...], extras_require={...})`, module-level lists of
// requirement strings (`REQUIRED_PACKAGES = ["torch>=2.1", ...]`, also inside a module-level dict), and pip run from
// Python (`subprocess.check_call([sys.executable, "-m", "pip", "install", "torch==2.2.0"])`, `os.system("pip ...")`).
// A small streaming tokenizer feeds a stack of open brackets; each bracket is judged when it closes. There is no
// Python parser here, so module-level lists are taken only when every element is a requirement and one is pinned.
// Over 500 lines: the tokenizer and the bracket stack that judges each list share their state, one scan.

import { LineIndex } from '../../text';
import type { ParsedManifest, Requirement, RequirementScope } from '../../types';
import { buildRequirement, syntaxFinding, type ValueToDoc } from '../requirement';
import { analyzeCommand, wordsWithin } from '../script/commands';
import { makeSink } from '../script/parse';
import { collectPipInstallArgs, type PipSink } from '../script/pip';
import { scanShell } from '../script/shell';
import { WordBuilder, type ArgWord } from '../script/words';

// ---------------------------------------------------------------------------------------------------------------
// Tokens

interface StringToken {
  kind: 'string';
  start: number;
  end: number;
  /** The decoded value; undefined for bytes, f-strings and unterminated strings (they are never requirements). */
  value?: string;
  toDoc?: ValueToDoc;
}

interface SimpleToken {
  kind: 'name' | 'op' | 'newline' | 'number';
  start: number;
  end: number;
  text: string;
}

type Token = StringToken | SimpleToken;

const STRING_PREFIXES = new Set(['r', 'u', 'b', 'f', 't', 'br', 'rb', 'fr', 'rf', 'tr', 'rt']);
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};
/** F-strings nest strings inside replacement fields; deeper than this we stop decoding structure. */
const MAX_FSTRING_NESTING = 32;

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c.charCodeAt(0) >= 0x80;
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

function isLineBreak(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** Python tokens one at a time: names, numbers, strings (decoded), operators, and NEWLINE at bracket depth 0. */
class PythonTokenizer {
  private i = 0;
  private depth = 0;
  private lineStart = 0;
  /** True until the first token of a logical line has been returned. */
  atLogicalStart = true;
  /** Column of the last token returned (UTF-16 units from its physical line start). */
  column = 0;

  constructor(private readonly text: string) {}

  next(): Token | undefined {
    const { text } = this;
    const n = text.length;
    while (this.i < n) {
      const c = text[this.i];
      if (c === ' ' || c === '\t' || c === '\f') {
        this.i++;
      } else if (c === '\\' && isLineBreak(text[this.i + 1] ?? '')) {
        this.i = this.afterBreak(this.i + 1);
      } else if (isLineBreak(c)) {
        this.i = this.afterBreak(this.i);
        if (this.depth === 0 && !this.atLogicalStart) {
          this.atLogicalStart = true;
          return { kind: 'newline', start: this.i, end: this.i, text: '' };
        }
      } else if (c === '#') {
        while (this.i < n && !isLineBreak(text[this.i])) this.i++;
      } else {
        this.column = this.i - this.lineStart;
        return this.token(c);
      }
    }
    return undefined;
  }

  /** Marks the token just returned as consumed for logical-line purposes. */
  consumed(): void {
    this.atLogicalStart = false;
  }

  private afterBreak(i: number): number {
    const j = this.text[i] === '\r' && this.text[i + 1] === '\n' ? i + 2 : i + 1;
    this.lineStart = j;
    return j;
  }

  private token(c: string): Token {
    const { text } = this;
    const start = this.i;
    if (isIdentStart(c)) {
      let j = start + 1;
      while (j < text.length && isIdentPart(text[j])) j++;
      const word = text.slice(start, j);
      if ((text[j] === '"' || text[j] === "'") && STRING_PREFIXES.has(word.toLowerCase())) return this.string(start, j, word.toLowerCase());
      this.i = j;
      return { kind: 'name', start, end: j, text: word };
    }
    if (c === '"' || c === "'") return this.string(start, start, '');
    if ((c >= '0' && c <= '9') || (c === '.' && /[0-9]/.test(text[start + 1] ?? ''))) {
      let j = start + 1;
      while (j < text.length && (/[0-9A-Za-z_.]/.test(text[j]) || ((text[j] === '+' || text[j] === '-') && /[eE]/.test(text[j - 1])))) j++;
      this.i = j;
      return { kind: 'number', start, end: j, text: text.slice(start, j) };
    }
    let j = start + 1;
    if (text[j] === '=' && '=!<>:+-*/%&|^@~'.includes(c)) j++;
    if ('([{'.includes(c)) this.depth++;
    else if (')]}'.includes(c)) this.depth = Math.max(0, this.depth - 1);
    this.i = j;
    return { kind: 'op', start, end: j, text: text.slice(start, j) };
  }

  /** A string literal whose prefix starts at `start` and quote at `q`. */
  private string(start: number, q: number, prefix: string): StringToken {
    const raw = prefix.includes('r');
    const decoded = !prefix.includes('b') && !prefix.includes('f') && !prefix.includes('t');
    const r = scanPythonString(this.text, q, raw, decoded ? 'decode' : prefix.includes('f') || prefix.includes('t') ? 'fstring' : 'skip', 0);
    this.i = r.end;
    // A string spanning lines moves the physical line start for later columns.
    for (let k = r.end - 1; k > q; k--) {
      if (isLineBreak(this.text[k])) {
        this.lineStart = k + 1;
        break;
      }
    }
    const token: StringToken = { kind: 'string', start, end: r.end };
    if (r.builder && !r.unterminated) {
      token.value = r.builder.value();
      token.toDoc = r.builder.mapper(r.contentStart);
    }
    return token;
  }
}

interface ScannedString {
  end: number;
  contentStart: number;
  unterminated: boolean;
  builder?: WordBuilder;
}

/**
 * Scans a string literal whose opening quote is at `q`. `mode`: decode the value, or only find the end (bytes), or
 * find the end of an f-string (whose replacement fields may hold strings with the same quotes, as Python 3.12
 * allows). A single-quoted string ends at its line break when unterminated; a triple-quoted one at the end.
 */
function scanPythonString(text: string, q: number, raw: boolean, mode: 'decode' | 'skip' | 'fstring', nesting: number): ScannedString {
  const quote = text[q];
  const triple = text[q + 1] === quote && text[q + 2] === quote;
  const contentStart = q + (triple ? 3 : 1);
  const builder = mode === 'decode' ? new WordBuilder() : undefined;
  const n = text.length;
  let i = contentStart;
  while (i < n) {
    const c = text[i];
    if (c === quote && (!triple || (text[i + 1] === quote && text[i + 2] === quote))) {
      return { end: i + (triple ? 3 : 1), contentStart, unterminated: false, builder };
    }
    if (!triple && isLineBreak(c)) return { end: i, contentStart, unterminated: true };
    if (c === '\\' && i + 1 < n) {
      i = raw ? rawEscape(text, i, builder) : decodeEscape(text, i, builder);
      continue;
    }
    if (mode === 'fstring' && c === '{') {
      if (text[i + 1] === '{') i += 2;
      else i = skipReplacementField(text, i + 1, nesting, triple);
      continue;
    }
    let j = i + 1;
    while (j < n && text[j] !== quote && text[j] !== '\\' && !isLineBreak(text[j]) && !(mode === 'fstring' && text[j] === '{')) j++;
    if (triple) while (j < n && isLineBreak(text[j])) j++;
    builder?.appendSlice(text, i, j);
    i = j;
  }
  return { end: n, contentStart, unterminated: true };
}

/** In a raw string a backslash only keeps the next character from ending the string. */
function rawEscape(text: string, i: number, builder: WordBuilder | undefined): number {
  const j = text[i + 1] === '\r' && text[i + 2] === '\n' ? i + 3 : i + 2;
  builder?.appendSlice(text, i, j);
  return j;
}

function decodeEscape(text: string, i: number, builder: WordBuilder | undefined): number {
  const e = text[i + 1];
  if (isLineBreak(e)) return e === '\r' && text[i + 2] === '\n' ? i + 3 : i + 2; // line continuation: nothing
  if (SIMPLE_ESCAPES[e] !== undefined) {
    builder?.appendUnit(SIMPLE_ESCAPES[e], i, 2);
    return i + 2;
  }
  const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hex && new RegExp(`^[0-9A-Fa-f]{${hex}}$`).test(text.slice(i + 2, i + 2 + hex))) {
    const code = parseInt(text.slice(i + 2, i + 2 + hex), 16);
    builder?.appendUnit(code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd', i, 2 + hex);
    return i + 2 + hex;
  }
  const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
  if (octal) {
    builder?.appendUnit(String.fromCharCode(parseInt(octal[0], 8)), i, 1 + octal[0].length);
    return i + 1 + octal[0].length;
  }
  // Unknown escapes (and `\N{...}`) keep their backslash.
  builder?.appendSlice(text, i, i + 2);
  return i + 2;
}

/** Skips an f-string replacement field from just after its `{`; returns the offset after its `}`. */
function skipReplacementField(text: string, i: number, nesting: number, multiline: boolean): number {
  let depth = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    // In a one-line f-string a line break ends everything; the string then reports itself unterminated.
    if (!multiline && isLineBreak(c)) return i;
    if ((c === '"' || c === "'") && nesting < MAX_FSTRING_NESTING) {
      let p = i;
      while (p > 0 && /[A-Za-z]/.test(text[p - 1]) && i - p < 2) p--;
      const prefix = text.slice(p, i).toLowerCase();
      i = scanPythonString(text, i, prefix.includes('r'), prefix.includes('f') ? 'fstring' : 'skip', nesting + 1).end;
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Brackets

type Atom =
  | { t: 'str'; tok: StringToken }
  | { t: 'frame'; frame: Frame }
  | { t: 'name'; name: string }
  | { t: 'op'; op: string }
  | { t: 'other' };

interface Frame {
  open: string;
  /** `NAME = [` at module level, or `name=[` as a call's keyword argument. */
  context?: { kind: 'assign' | 'kwarg'; name: string };
  /** For `(`: the name right before it (`check_call(`, `setup(`, `dict(`). */
  callee?: string;
  elements: Atom[][];
  current: Atom[];
  commas: number;
}

/** Enough atoms to recognise every element shape we look for; longer elements are never plain. */
const MAX_ATOMS = 6;
const SETUP_LISTS = new Set(['install_requires', 'setup_requires', 'tests_require']);
const SHELL_CALLS = new Set(['system', 'run', 'call', 'check_call', 'check_output', 'Popen', 'popen', 'getoutput', 'getstatusoutput']);

/** The plain decoded string an element consists of, if it is exactly one such string. */
function plainString(element: Atom[]): StringToken | undefined {
  const [a] = element;
  return element.length === 1 && a.t === 'str' && a.tok.value !== undefined ? a.tok : undefined;
}

function stringWord(tok: StringToken): ArgWord {
  return { value: tok.value ?? '', toDoc: tok.toDoc ?? (() => tok.start), start: tok.start, end: tok.end, expansion: tok.value === undefined, glob: false };
}

/** Elements of a list or tuple literal; undefined for anything else (a parenthesized expression, a dict). */
function sequenceElements(frame: Frame): Atom[][] | undefined {
  if (frame.open === '[') return frame.elements;
  if (frame.open === '(' && frame.callee === undefined && frame.commas > 0) return frame.elements;
  return undefined;
}

interface ListCandidate {
  scope: RequirementScope;
  requirements: Requirement[];
}

class PythonReader {
  private readonly stack: Frame[] = [];
  private readonly tokenizer: PythonTokenizer;
  /** Module-level line head: `NAME =` / `NAME: annotation =` before a literal. */
  private head: { state: 'name' | 'annot' | 'eq' | 'none'; name: string } = { state: 'none', name: '' };
  private prev: Token[] = [];
  /** Module lists that passed every check but pinning; a setup() keyword or pip call may vouch for them. */
  private readonly unpinned = new Map<string, ListCandidate>();
  private readonly vouched = new Set<string>();

  constructor(private readonly text: string, private readonly sink: PipSink) {
    this.tokenizer = new PythonTokenizer(text);
  }

  read(): void {
    for (let tok = this.tokenizer.next(); tok; tok = this.tokenizer.next()) {
      if (tok.kind === 'newline') {
        this.head = { state: 'none', name: '' };
        this.prev = [];
        continue;
      }
      const logicalStart = this.tokenizer.atLogicalStart;
      this.tokenizer.consumed();
      const topLevel = this.stack.length === 0;
      // The bracket opening a value must see `NAME =` still in force, so the head moves on after it.
      this.feed(tok);
      if (topLevel) this.trackHead(tok, logicalStart);
      this.prev.push(tok);
      if (this.prev.length > 4) this.prev.shift();
    }
    for (const name of this.vouched) {
      const candidate = this.unpinned.get(name);
      if (candidate) this.accept(candidate);
    }
  }

  private trackHead(tok: Token, logicalStart: boolean): void {
    const text = tok.kind === 'string' ? '' : tok.text;
    if (logicalStart) {
      this.head = tok.kind === 'name' && this.tokenizer.column === 0 ? { state: 'name', name: text } : { state: 'none', name: '' };
      return;
    }
    if (this.head.state === 'name') this.head.state = text === '=' ? 'eq' : text === ':' ? 'annot' : 'none';
    else if (this.head.state === 'annot' && text === '=') this.head.state = 'eq';
    else if (this.head.state === 'eq') this.head.state = 'none';
  }

  private feed(tok: Token): void {
    const top = this.stack[this.stack.length - 1];
    if (tok.kind === 'op' && '([{'.includes(tok.text)) {
      this.stack.push(this.open(tok.text));
      return;
    }
    if (tok.kind === 'op' && ')]}'.includes(tok.text)) {
      const frame = this.stack.pop();
      if (!frame) return;
      if (frame.current.length) frame.elements.push(frame.current);
      this.close(frame);
      const parent = this.stack[this.stack.length - 1];
      if (parent) this.addAtom(parent, { t: 'frame', frame });
      return;
    }
    if (!top) return;
    if (tok.kind === 'op' && tok.text === ',') {
      top.elements.push(top.current);
      top.current = [];
      top.commas++;
      return;
    }
    if (tok.kind === 'string') this.addAtom(top, { t: 'str', tok });
    else if (tok.kind === 'name') this.addAtom(top, { t: 'name', name: tok.text });
    else if (tok.kind === 'op') this.addAtom(top, { t: 'op', op: tok.text });
    else this.addAtom(top, { t: 'other' });
  }

  private addAtom(frame: Frame, atom: Atom): void {
    if (frame.current.length < MAX_ATOMS) frame.current.push(atom);
  }

  private open(open: string): Frame {
    const back = (k: number): Token | undefined => this.prev[this.prev.length - k];
    const textOf = (t: Token | undefined): string | undefined => (t && t.kind !== 'string' ? t.text : undefined);
    const p1 = back(1);
    const frame: Frame = { open, elements: [], current: [], commas: 0 };
    const top = this.stack[this.stack.length - 1];
    // `name=[...]`, or `name=dict(...)`, as a keyword argument: `(` or `,` comes before the name.
    const kwargAt = open === '(' && textOf(p1) === 'dict' ? 2 : 1;
    const kwarg = back(kwargAt + 1);
    if (!top && this.head.state === 'eq' && textOf(p1) === '=') frame.context = { kind: 'assign', name: this.head.name };
    else if (top && top.open === '(' && textOf(back(kwargAt)) === '=' && kwarg?.kind === 'name' && ['(', ','].includes(textOf(back(kwargAt + 2)) ?? '')) {
      frame.context = { kind: 'kwarg', name: kwarg.text };
    }
    if (open === '(' && p1?.kind === 'name') frame.callee = p1.text;
    return frame;
  }

  /** Judges a bracket that just closed. */
  private close(frame: Frame): void {
    const { context } = frame;
    if (context?.kind === 'assign') this.moduleValue(frame, context.name);
    if (context?.kind === 'kwarg') this.keywordValue(frame, context.name);
    if (frame.callee !== undefined) this.call(frame);
    const elements = sequenceElements(frame);
    if (elements) this.pipList(elements);
  }

  private moduleValue(frame: Frame, name: string): void {
    const elements = sequenceElements(frame);
    if (elements) this.gatedList(elements, name, SETUP_LISTS.has(name));
    else if (frame.open === '{') {
      for (const [key, list] of dictLists(frame)) this.gatedList(list, `${name}.${key}`, false);
    }
  }

  private keywordValue(frame: Frame, name: string): void {
    const elements = sequenceElements(frame);
    if (SETUP_LISTS.has(name) && elements) this.emitList(plainStrings(elements), name, true);
    if (name !== 'extras_require') return;
    const lists = frame.open === '{' ? dictLists(frame) : frame.callee === 'dict' ? kwargLists(frame) : [];
    for (const [extra, list] of lists) this.emitList(plainStrings(list), extra, true);
  }

  /** `setup(install_requires=REQUIRED)`: the variable holds requirements even if none of them is pinned. */
  private call(frame: Frame): void {
    for (const element of frame.elements) {
      const [a, b, c] = element;
      if (element.length === 3 && a.t === 'name' && SETUP_LISTS.has(a.name) && b.t === 'op' && b.op === '=' && c.t === 'name') this.vouched.add(c.name);
    }
    if (!SHELL_CALLS.has(frame.callee ?? '')) return;
    const first = frame.elements[0] && plainString(frame.elements[0]);
    if (!first || !/\bpip|\buv\b/.test(first.value ?? '')) return;
    const outer = stringWord(first);
    for (const command of scanShell(outer.value).commands) {
      analyzeCommand({ words: command.words.map((w) => wordsWithin(outer, w)), heredocs: [] }, this.text, this.sink, {}, 1);
    }
  }

  /**
   * `[sys.executable, "-m", "pip", "install", "torch==2.2.0", *EXTRA]`: the strings after "install". "install" must
   * follow "pip" (or `uv pip`) with nothing but options between, so other lists that mention pip are left alone.
   */
  private pipList(elements: Atom[][]): void {
    let sawPip = false;
    for (let k = 0; k < elements.length; k++) {
      const value = plainString(elements[k])?.value;
      if (value === undefined) {
        sawPip = false;
        continue;
      }
      if (value.length < 300 && /^(?:[^\s]*[\\/])?(?:pip[0-9.]*|uv)(?:\.exe)?$/.test(value)) sawPip = true;
      else if (sawPip && value.startsWith('-')) continue;
      else if (value === 'install' && sawPip) {
        const args = elements.slice(k + 1);
        for (const element of args) {
          const [a, b] = element;
          if (element.length === 2 && a.t === 'op' && a.op === '*' && b.t === 'name') this.vouched.add(b.name);
        }
        collectPipInstallArgs(args.map(argWord), this.sink);
        return;
      } else sawPip = false;
    }
  }

  /** A module-level list counts only if every element is a requirement and at least one is pinned. */
  private gatedList(elements: Atom[][], name: string, trusted: boolean): void {
    const strings = plainStrings(elements);
    if (!strings.length || strings.length !== elements.length) return;
    if (trusted) {
      this.emitList(strings, name, true);
      return;
    }
    // One scope object for the whole list: its block is filled in only if the list is accepted.
    const scope: RequirementScope = { kind: 'python-list', name };
    const requirements: Requirement[] = [];
    let pinned = false;
    for (const s of strings) {
      if (!/^\s*[A-Za-z0-9]/.test(s.value ?? '')) return;
      const { requirement } = buildRequirement(s.value ?? '', s.toDoc ?? (() => s.start), this.sink.index, scope, this.sink.path);
      if (!requirement) return;
      if (requirement.specifier || requirement.url) pinned = true;
      requirements.push(requirement);
    }
    if (pinned) this.accept({ scope, requirements });
    else this.unpinned.set(name, { scope, requirements });
  }

  private accept(candidate: ListCandidate): void {
    candidate.scope.block = this.sink.nextBlock();
    for (const r of candidate.requirements) this.sink.requirements.push(r);
  }

  private emitList(strings: StringToken[], name: string, withFindings: boolean): void {
    if (!strings.length) return;
    const scope = { kind: 'python-list' as const, name, block: this.sink.nextBlock() };
    for (const s of strings) {
      const { requirement, finding } = buildRequirement(s.value ?? '', s.toDoc ?? (() => s.start), this.sink.index, scope, this.sink.path);
      if (requirement) this.sink.requirements.push(requirement);
      if (finding && withFindings) this.sink.findings.push(finding);
    }
  }
}

function plainStrings(elements: Atom[][]): StringToken[] {
  const out: StringToken[] = [];
  for (const e of elements) {
    const s = plainString(e);
    if (s) out.push(s);
  }
  return out;
}

/** `{"key": [...], ...}`: the keys whose value is a list or tuple literal. */
function dictLists(frame: Frame): [string, Atom[][]][] {
  const out: [string, Atom[][]][] = [];
  for (const element of frame.elements) {
    const [k, colon, v] = element;
    if (element.length !== 3 || k.t !== 'str' || k.tok.value === undefined || colon.t !== 'op' || colon.op !== ':' || v.t !== 'frame') continue;
    const list = sequenceElements(v.frame);
    if (list) out.push([k.tok.value, list]);
  }
  return out;
}

/** `dict(gpu=[...], ...)`: keyword arguments whose value is a list or tuple literal. */
function kwargLists(frame: Frame): [string, Atom[][]][] {
  const out: [string, Atom[][]][] = [];
  for (const element of frame.elements) {
    const [k, eq, v] = element;
    if (element.length !== 3 || k.t !== 'name' || eq.t !== 'op' || eq.op !== '=' || v.t !== 'frame') continue;
    const list = sequenceElements(v.frame);
    if (list) out.push([k.name, list]);
  }
  return out;
}

/** A pip argument from a list element: a plain string, or an unknown value (a variable, `*args`). */
function argWord(element: Atom[]): ArgWord {
  const s = plainString(element);
  if (s) return stringWord(s);
  const first = element.find((a): a is { t: 'str'; tok: StringToken } => a.t === 'str');
  const at = first ? first.tok.start : 0;
  return { value: '', toDoc: () => at, start: at, end: at, expansion: true, glob: false };
}

function byPosition<T extends { range: { start: { line: number; character: number } } }>(a: T, b: T): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** Reads the requirements a Python file declares or installs. Never throws. */
export function parsePythonFile(path: string, text: string): ParsedManifest {
  const manifest: ParsedManifest = { path, kind: 'python', requirements: [], findings: [], indexes: [], includes: [] };
  const index = new LineIndex(text);
  const sink = makeSink(manifest, index);
  try {
    new PythonReader(text, sink).read();
  } catch (e) {
    manifest.findings.push(syntaxFinding('internal-error', `ML Pins could not read this file: ${(e as Error).message}`, index.range(0, 0), 'information'));
  }
  manifest.requirements.sort(byPosition<Requirement>);
  manifest.findings.sort(byPosition);
  return manifest;
}
