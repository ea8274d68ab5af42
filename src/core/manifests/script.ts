// `pip install` commands in shell scripts and Dockerfiles. A small POSIX-shell tokenizer turns the text into
// commands of words (quotes removed, each word keeping the way back to the document), then every command that runs
// pip (`pip install`, `python -m pip install`, `uv pip install`, behind sudo/env/assignments) yields requirements,
// indexes and `-r`/`-c` includes. Everything is a single forward scan: no backtracking, no regex over the whole text.

import { LineIndex } from '../text';
import type { Finding, Include, LocalInstall, PackageIndex, ParsedManifest, Range, Requirement } from '../types';
import { buildRequirement, syntaxFinding, type ValueToDoc } from './common';
import { clip } from '../redact';

// ---------------------------------------------------------------------------------------------------------------
// Words with their mapping back to the document

/** An argument after quote removal, with the document offset of each of its UTF-16 units. */
export interface ArgWord {
  value: string;
  /** Document offset of value unit `i` (`'end'`: where unit `i - 1` ends); `toDoc(value.length)` ends the content. */
  toDoc: ValueToDoc;
  /** Document offsets of the raw word, quotes included. */
  start: number;
  end: number;
  /** Contains `$VAR`, `${...}`, `$(...)` or backquotes: its real value is unknown. */
  expansion: boolean;
  /** Contains an unquoted brace expansion (`{a,b}`): the shell turns it into other words. */
  glob: boolean;
  /** Document offset of a quote (or `$(`) that is never closed. */
  unterminated?: number;
}

/**
 * Collects a word's value in slices, remembering runs: stretches where value units map to consecutive document
 * offsets. A decoded escape (`\n` in a Python string) is a run of its own whose document extent is the escape.
 */
export class WordBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  private readonly runValue: number[] = [];
  private readonly runDoc: number[] = [];
  private readonly runDocEnd: number[] = [];
  /** Whether the last run can be extended by the next slice. */
  private open = false;

  get size(): number {
    return this.length;
  }

  /** Appends `text.slice(from, to)`, which sits at the same offsets in the document. */
  appendSlice(text: string, from: number, to: number): void {
    if (to <= from) return;
    const last = this.runDocEnd.length - 1;
    if (!this.open || this.runDocEnd[last] !== from) this.startRun(from);
    this.parts.push(text.slice(from, to));
    this.length += to - from;
    this.runDocEnd[this.runDocEnd.length - 1] = to;
    this.open = true;
  }

  /** Appends decoded unit(s) that stand for `rawLength` document units starting at `docOffset`. */
  appendUnit(unit: string, docOffset: number, rawLength: number): void {
    if (!unit) return;
    this.startRun(docOffset);
    this.parts.push(unit);
    this.length += unit.length;
    this.runDocEnd[this.runDocEnd.length - 1] = docOffset + rawLength;
    this.open = unit.length === rawLength;
  }

  value(): string {
    return this.parts.join('');
  }

  /** The value-to-document mapping; `fallback` is used for an empty value. */
  mapper(fallback: number): ValueToDoc {
    const { runValue, runDoc, runDocEnd, length } = this;
    const unitEnd = (i: number): number => {
      // Where unit i - 1 ends.
      const k = lastAtMost(runValue, i - 1);
      const lastOfRun = k + 1 < runValue.length ? runValue[k + 1] - 1 : length - 1;
      return i - 1 >= lastOfRun ? runDocEnd[k] : runDoc[k] + (i - runValue[k]);
    };
    return (i, bias) => {
      if (runValue.length === 0) return fallback;
      if (i <= 0) return runDoc[0];
      if (i >= length) return runDocEnd[runDocEnd.length - 1];
      if (bias === 'end') return unitEnd(i);
      const k = lastAtMost(runValue, i);
      return Math.min(runDoc[k] + (i - runValue[k]), runDocEnd[k]);
    };
  }

  private startRun(docOffset: number): void {
    this.runValue.push(this.length);
    this.runDoc.push(docOffset);
    this.runDocEnd.push(docOffset);
  }
}

/** Index of the last element of a sorted array that is <= x (0 when none is). */
function lastAtMost(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A slice of a word, e.g. the URL of `--index-url=URL` or the file of `-rfile.txt`. */
export function subWord(word: ArgWord, from: number): ArgWord {
  return {
    value: word.value.slice(from),
    toDoc: (i, bias) => word.toDoc(i + from, i === 0 ? 'start' : bias),
    start: word.toDoc(from),
    end: word.end,
    expansion: word.expansion,
    glob: word.glob,
    unterminated: word.unterminated,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Shell tokenizer

export interface Heredoc {
  delimiter: string;
  stripTabs: boolean;
  /** Body extent (document offsets), set once the body has been located. */
  bodyStart?: number;
  bodyEnd?: number;
}

export interface ShellCommand {
  words: ArgWord[];
  heredocs: Heredoc[];
  /**
   * Words glued to a following redirection, as in `pip install torch>=2.0` (the shell installs `torch` and writes to
   * a file named `=2.0`): the word and the document offset where the glued redirections end.
   */
  glued?: Map<ArgWord, number>;
}

export interface ShellScanOptions {
  /** Dockerfile rules: the escape character followed by blanks and a line break continues the line (even inside
   * quotes), and comment or blank lines right after a continuation are dropped. */
  docker?: boolean;
  /** Dockerfile escape character (`\` unless a `# escape=` directive says otherwise). */
  escape?: string;
  /**
   * Receives each command as soon as it is complete (its heredoc bodies located), instead of collecting them in
   * `ShellScan.commands`: a huge script then never holds more than a line's worth of words.
   */
  onCommand?: (command: ShellCommand) => void;
}

export interface ShellScan {
  commands: ShellCommand[];
  /** Heredocs whose body starts after `end` (the Dockerfile scanner finds those). */
  pendingHeredocs: Heredoc[];
}

const OPERATOR_CHARS = ';&|()';

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t';
}

function isLineBreak(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** Offset just after the line break at `i` (which must be one). */
function afterLineBreak(text: string, i: number): number {
  return text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
}

/** Offset of the next line break at or after `i` (or `end`). */
function lineEnd(text: string, i: number, end: number): number {
  while (i < end && !isLineBreak(text[i])) i++;
  return i;
}

class ShellTokenizer {
  private i: number;
  private readonly commands: ShellCommand[] = [];
  private words: ArgWord[] = [];
  private heredocs: Heredoc[] = [];
  private pending: Heredoc[] = [];
  /** Commands finished on the current line, held back until the line's heredoc bodies are located. */
  private held: ShellCommand[] = [];
  private skipNextWord = false;
  private glued = new Map<ArgWord, number>();
  /** The word a redirection is glued to, and where that run of glued text currently ends. */
  private glue: { word: ArgWord; end: number } | undefined;
  private expectDelimiter: { stripTabs: boolean } | undefined;
  private readonly escape: string;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    private readonly docker: boolean,
    escape: string,
    private readonly onCommand: ((command: ShellCommand) => void) | undefined,
  ) {
    this.i = start;
    this.escape = escape;
  }

  run(): ShellScan {
    const { text, end } = this;
    while (this.i < end) {
      const c = text[this.i];
      if (isBlank(c)) this.i++;
      else if (this.atContinuation(this.i)) this.i = this.skipContinuation(this.i);
      else if (isLineBreak(c)) this.newline();
      else if (c === '#') this.i = lineEnd(text, this.i, end);
      else if ((c === '<' || c === '>') && text[this.i + 1] !== '(') this.redirection();
      else if (c === '&' && text[this.i + 1] === '>') this.redirection();
      else if (OPERATOR_CHARS.includes(c)) this.operator();
      else this.word();
    }
    this.finishCommand();
    this.release();
    return { commands: this.commands, pendingHeredocs: this.pending };
  }

  private release(): void {
    for (const command of this.held) {
      if (this.onCommand) this.onCommand(command);
      else this.commands.push(command);
    }
    this.held = [];
  }

  /** `\` + line break (Dockerfile: escape char + blanks + line break) joins two lines. */
  private atContinuation(i: number): boolean {
    const { text, end } = this;
    const esc = this.docker ? this.escape : '\\';
    if (text[i] !== esc) return false;
    let j = i + 1;
    if (this.docker) while (j < end && isBlank(text[j])) j++;
    return j < end && isLineBreak(text[j]);
  }

  /** Skips a continuation; under Dockerfile rules also the comment and blank lines that follow it. */
  private skipContinuation(i: number): number {
    const { text, end } = this;
    let j = i + 1;
    while (j < end && isBlank(text[j])) j++;
    j = afterLineBreak(text, j);
    if (!this.docker) return j;
    for (;;) {
      let k = j;
      while (k < end && isBlank(text[k])) k++;
      if (k < end && text[k] === '#') k = lineEnd(text, k, end);
      if (k < end && isLineBreak(text[k])) j = afterLineBreak(text, k);
      else return j;
    }
  }

  private newline(): void {
    this.i = afterLineBreak(this.text, this.i);
    this.finishCommand();
    if (this.pending.length) this.skipHeredocBodies();
    this.release();
  }

  private operator(): void {
    const { text } = this;
    const c = text[this.i];
    const n = text[this.i + 1];
    this.i += (c === '&' && n === '&') || (c === '|' && (n === '|' || n === '&')) || (c === ';' && (n === ';' || n === '&')) ? 2 : 1;
    this.finishCommand();
  }

  /** `<`, `>`, `>>`, `>&2`, `&>`, `<<EOF`, `<<<`...: the target word is not an argument. */
  private redirection(): void {
    const { text, end } = this;
    const opStart = this.i;
    const last = this.words[this.words.length - 1];
    const glueTo = this.glue?.end === opStart ? this.glue.word : last && last.end === opStart && !this.skipNextWord ? last : undefined;
    this.glue = undefined;
    let j = this.i;
    if (text[j] === '&') j++;
    const first = text[j];
    j++;
    if (first === '<' && text[j] === '<' && text[j + 1] !== '<') {
      j++;
      const stripTabs = text[j] === '-';
      if (stripTabs) j++;
      this.expectDelimiter = { stripTabs };
      this.i = j;
      return;
    }
    while (j < end && (text[j] === '<' || text[j] === '>' || text[j] === '|')) j++;
    if (text[j] === '&') {
      j++;
      // `>&2`, `<&-`: the target is part of the operator.
      if (j < end && (/[0-9]/.test(text[j]) || text[j] === '-')) {
        while (j < end && /[0-9-]/.test(text[j])) j++;
        this.i = j;
        return;
      }
    }
    this.skipNextWord = true;
    if (glueTo && text[opStart] !== '&' && j < end && !isBlank(text[j]) && !isLineBreak(text[j])) this.glue = { word: glueTo, end: j };
    this.i = j;
  }

  private word(): void {
    const start = this.i;
    const w = this.readWord();
    if (this.i === start) this.i++; // cannot happen, but the scan must always move on
    const next = this.text[this.i];
    // `2>file`: the digits are a file descriptor, not an argument.
    if ((next === '<' || next === '>') && /^[0-9]+$/.test(this.text.slice(start, this.i))) return;
    if (this.expectDelimiter) {
      this.heredocs.push({ delimiter: w.value, stripTabs: this.expectDelimiter.stripTabs });
      this.pending.push(this.heredocs[this.heredocs.length - 1]);
      this.expectDelimiter = undefined;
      return;
    }
    if (this.skipNextWord) {
      this.skipNextWord = false;
      if (this.glue && this.glue.end === start) {
        this.glue.end = this.i;
        this.glued.set(this.glue.word, this.i);
      }
      return;
    }
    this.words.push(w);
  }

  private finishCommand(): void {
    if (this.words.length || this.heredocs.length) {
      const command: ShellCommand = { words: this.words, heredocs: this.heredocs };
      if (this.glued.size) command.glued = this.glued;
      this.held.push(command);
      if (!this.pending.length) this.release();
    }
    this.words = [];
    this.heredocs = [];
    this.glued = new Map();
    this.glue = undefined;
    this.skipNextWord = false;
    this.expectDelimiter = undefined;
  }

  /** After the line that opened heredocs, their bodies follow, each up to its delimiter line. */
  private skipHeredocBodies(): void {
    const { text, end } = this;
    for (const h of this.pending) {
      h.bodyStart = this.i;
      h.bodyEnd = end;
      while (this.i < end) {
        const lineStart = this.i;
        const e = lineEnd(text, this.i, end);
        let content = lineStart;
        if (h.stripTabs) while (content < e && text[content] === '\t') content++;
        this.i = e < end ? afterLineBreak(text, e) : end;
        if (text.slice(content, e) === h.delimiter) {
          h.bodyEnd = lineStart;
          break;
        }
      }
    }
    this.pending = [];
  }

  /** Reads one word up to an unquoted blank, line break or operator. */
  private readWord(): ArgWord {
    const { text, end } = this;
    const start = this.i;
    const b = new WordBuilder();
    let expansion = false;
    let glob = false;
    let braceOpen = false;
    let unterminated: number | undefined;
    let i = this.i;
    while (i < end && unterminated === undefined) {
      const c = text[i];
      if ((c === '<' || c === '>') && text[i + 1] === '(') {
        // Process substitution `<(...)`: a file name nobody can know.
        const r = this.expansion(i);
        b.appendSlice(text, i, r.next);
        expansion = true;
        unterminated = r.unterminated;
        i = r.next;
        continue;
      }
      if (isBlank(c) || isLineBreak(c) || c === '<' || c === '>' || (OPERATOR_CHARS.includes(c) && c !== '(')) break;
      if (c === '(') {
        // A stray parenthesis inside a word (a syntax error for the shell): keep it literal.
        b.appendSlice(text, i, i + 1);
        i++;
        continue;
      }
      if (this.atContinuation(i)) {
        i = this.skipContinuation(i);
        continue;
      }
      if (c === '\\') {
        if (i + 1 < end) b.appendSlice(text, i + 1, i + 2);
        else b.appendSlice(text, i, i + 1);
        i += 2;
        continue;
      }
      if (c === "'") {
        const r = this.singleQuoted(i, b);
        i = r.next;
        unterminated = r.unterminated;
        continue;
      }
      if (c === '"') {
        const r = this.doubleQuoted(i, b);
        i = r.next;
        unterminated = r.unterminated;
        if (r.expansion) expansion = true;
        continue;
      }
      if (c === '$' && text[i + 1] === "'") {
        const r = this.ansiQuoted(i, b);
        i = r.next;
        unterminated = r.unterminated;
        continue;
      }
      if (c === '$' || c === '`') {
        const r = this.expansion(i);
        if (r.next > i + 1 || c === '`') {
          b.appendSlice(text, i, r.next);
          expansion = true;
          unterminated = r.unterminated;
          i = r.next;
          continue;
        }
      }
      // `numpy==1.26.*` unquoted survives globbing when no file matches, so only brace expansion counts.
      if (c === '{') braceOpen = true;
      if (c === ',' && braceOpen) glob = true;
      // Plain run: copy up to the next character that needs attention.
      let j = i + 1;
      while (j < end && !/[\s\\'"$`;&|()<>{,]/.test(text[j])) j++;
      if (this.docker && this.escape !== '\\') {
        const k = text.indexOf(this.escape, i + 1);
        if (k !== -1 && k < j) j = k;
      }
      b.appendSlice(text, i, j);
      i = j;
    }
    this.i = unterminated === undefined ? i : end;
    return {
      value: b.value(),
      toDoc: b.mapper(start + (text[start] === '"' || text[start] === "'" ? 1 : 0)),
      start,
      end: this.i,
      expansion,
      glob,
      unterminated,
    };
  }

  private singleQuoted(q: number, b: WordBuilder): { next: number; unterminated?: number } {
    const { text, end } = this;
    let i = q + 1;
    while (i < end) {
      let j = i;
      while (j < end && text[j] !== "'" && !(this.docker && text[j] === this.escape)) j++;
      b.appendSlice(text, i, j);
      if (j >= end) break;
      if (text[j] === "'") return { next: j + 1 };
      // Docker joins lines before the shell sees the quotes.
      if (this.atContinuation(j)) i = this.skipContinuation(j);
      else {
        b.appendSlice(text, j, j + 1);
        i = j + 1;
      }
    }
    return { next: end, unterminated: q };
  }

  private doubleQuoted(q: number, b: WordBuilder): { next: number; unterminated?: number; expansion: boolean } {
    const { text, end } = this;
    let i = q + 1;
    let expansion = false;
    while (i < end) {
      const c = text[i];
      if (c === '"') return { next: i + 1, expansion };
      if (this.atContinuation(i)) {
        i = this.skipContinuation(i);
        continue;
      }
      if (c === '\\') {
        const n = text[i + 1];
        if (n === '$' || n === '`' || n === '"' || n === '\\') {
          b.appendSlice(text, i + 1, i + 2);
          i += 2;
        } else {
          b.appendSlice(text, i, i + 1);
          i++;
        }
        continue;
      }
      if (c === '$' || c === '`') {
        const r = this.expansion(i);
        if (r.next > i + 1 || c === '`') {
          b.appendSlice(text, i, r.next);
          expansion = true;
          if (r.unterminated !== undefined) return { next: end, unterminated: r.unterminated, expansion };
          i = r.next;
          continue;
        }
      }
      let j = i + 1;
      while (j < end && text[j] !== '"' && text[j] !== '\\' && text[j] !== '$' && text[j] !== '`' && text[j] !== this.escape) j++;
      b.appendSlice(text, i, j);
      i = j;
    }
    return { next: end, unterminated: q, expansion };
  }

  /** `$'...'`: backslash escapes are decoded (roughly; only the common ones matter for requirement text). */
  private ansiQuoted(q: number, b: WordBuilder): { next: number; unterminated?: number } {
    const { text, end } = this;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
    let i = q + 2;
    while (i < end) {
      const c = text[i];
      if (c === "'") return { next: i + 1 };
      if (c === '\\' && i + 1 < end) {
        const n = text[i + 1];
        b.appendUnit(simple[n] ?? n, i, 2);
        i += 2;
        continue;
      }
      b.appendSlice(text, i, i + 1);
      i++;
    }
    return { next: end, unterminated: q };
  }

  /**
   * The extent of `$name`, `${...}`, `$(...)`, `$((...))` or a backquoted command starting at `i`. An unclosed one
   * runs to the end (the shell would reject the script; nothing after it can be trusted).
   */
  private expansion(i: number): { next: number; unterminated?: number } {
    const { text, end } = this;
    if (text[i] === '`') {
      let j = i + 1;
      while (j < end && text[j] !== '`') j += text[j] === '\\' ? 2 : 1;
      return j < end ? { next: j + 1 } : { next: end, unterminated: i };
    }
    const n = text[i + 1];
    if (n === '{' || n === '(') {
      const close = n === '{' ? '}' : ')';
      let depth = 0;
      let j = i + 1;
      while (j < end) {
        const c = text[j];
        if (c === '\\') j++;
        else if (c === "'" && n === '(') {
          const k = text.indexOf("'", j + 1);
          if (k === -1 || k >= end) break;
          j = k;
        } else if (c === n) depth++;
        else if (c === close && --depth === 0) return { next: j + 1 };
        j++;
      }
      return { next: end, unterminated: i };
    }
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      let j = i + 2;
      while (j < end && /[A-Za-z0-9_]/.test(text[j])) j++;
      return { next: j };
    }
    if (n !== undefined && /[0-9@*#?$!-]/.test(n)) return { next: i + 2 };
    return { next: i + 1 };
  }
}

/** Splits shell text (`text.slice(start, end)`) into commands. Never throws; linear in the length. */
export function scanShell(text: string, start = 0, end = text.length, options: ShellScanOptions = {}): ShellScan {
  return new ShellTokenizer(text, start, Math.min(end, text.length), options.docker ?? false, options.escape ?? '\\', options.onCommand).run();
}

// ---------------------------------------------------------------------------------------------------------------
// Recognizing pip

/** Everything a pip command line contributes to a manifest. */
export interface PipSink {
  path: string;
  index: LineIndex;
  requirements: Requirement[];
  findings: Finding[];
  indexes: PackageIndex[];
  includes: Include[];
  /** Local projects the commands install (`pip install .`); set on first use. */
  localInstalls?: LocalInstall[];
  /** Hands out block numbers; shared by every command and list of one file. */
  nextBlock(): number;
}

const SHELL_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'exec', 'command', 'builtin', 'nohup', 'noglob']);
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir', '--host', '--prompt']);
const ENV_VALUE_OPTIONS = new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']);
const RUNNER_VALUE_OPTIONS = new Set(['-n', '--name', '-p', '--prefix', '-e', '--env', '--cwd', '--python', '--with', '--project', '--directory', '--extra', '--group', '--env-file']);
const PYTHON_VALUE_OPTIONS = new Set(['-W', '-X', '--check-hash-based-pycs']);
const WRAPPER_VALUE_OPTIONS = new Set(['-n', '-c', '-I', '-P', '-L', '-d', '-a', '-s', '-E', '-i', '-o', '-e', '-k', '--signal']);
const WRAPPERS = new Set(['nice', 'ionice', 'stdbuf', 'xargs', 'timeout']);
const RUNNERS = new Set(['conda', 'mamba', 'micromamba', 'poetry', 'pipenv', 'pdm', 'hatch', 'uv', 'pixi', 'rye']);

/**
 * Options (of pip, `pip install`, `uv`, `uv pip install`) that take a value. Everything else starting with `-` is
 * a flag. A value-taking option we do not know would have its value read as a requirement; the list errs long.
 */
const VALUE_OPTIONS = new Set([
  '--requirement', '--constraint', '--editable', '--index-url', '--extra-index-url', '--find-links', '--target',
  '--platform', '--python-version', '--implementation', '--abi', '--root', '--prefix', '--src', '--upgrade-strategy',
  '--config-settings', '--config-setting', '--global-option', '--install-option', '--build-option', '--no-binary',
  '--only-binary', '--progress-bar', '--root-user-action', '--report', '--log', '--log-file', '--proxy', '--retries',
  '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--keyring-provider',
  '--use-feature', '--use-deprecated', '--python', '--group', '--resume-retries', '--format', '--build-dir',
  // uv
  '--override', '--overrides', '--build-constraint', '--build-constraints', '--index', '--default-index',
  '--index-strategy', '--torch-backend', '--prerelease', '--resolution', '--exclude-newer', '--exclude-newer-package',
  '--python-platform', '--reinstall-package', '--upgrade-package', '--link-mode', '--extra', '--no-build-package',
  '--no-binary-package', '--only-binary-package', '--no-build-isolation-package', '--refresh-package', '--color',
  '--directory', '--project', '--config-file', '--allow-insecure-host', '--python-preference', '--fork-strategy',
  '--config-settings-package', '--excludes', '--exclude', '--index-url-file',
]);
const SHORT_VALUE_OPTIONS = new Set(['r', 'c', 'e', 'i', 'f', 't', 'p', 'P', 'C', 'b']);
const SHORT_TO_LONG: Record<string, string> = {
  r: '--requirement', c: '--constraint', e: '--editable', i: '--index-url', f: '--find-links', t: '--target',
  p: '--python', P: '--upgrade-package', C: '--config-settings', b: '--build-constraint',
};
const LONG_ALIASES: Record<string, string> = { '--constraints': '--constraint', '--requirements': '--requirement' };

function basename(value: string): string {
  const k = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'));
  return value.slice(k + 1);
}

/** Skips `-x`-style options of a prefix command; `valueOptions` consume the next word. */
function skipOptions(words: ArgWord[], k: number, valueOptions: Set<string>): number {
  while (k < words.length && words[k].value.startsWith('-') && words[k].value.length > 1) {
    const v = words[k].value;
    if (v === '--') return k + 1;
    k += valueOptions.has(v) ? 2 : 1;
  }
  return k;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

/** Strips what may stand before the real program: assignments, keywords, sudo, env, `conda run`... */
function skipPrefixes(words: ArgWord[]): number {
  let k = 0;
  for (let guard = 0; guard < 64 && k < words.length; guard++) {
    const v = words[k].value;
    const name = basename(v);
    if (ASSIGNMENT.test(v)) k++;
    else if (SHELL_KEYWORDS.has(v)) k++;
    else if (name === 'sudo' || name === 'doas') k = skipOptions(words, k + 1, SUDO_VALUE_OPTIONS);
    else if (name === 'env') {
      k = skipOptions(words, k + 1, ENV_VALUE_OPTIONS);
      while (k < words.length && ASSIGNMENT.test(words[k].value)) k++;
    } else if (WRAPPERS.has(name)) {
      k = skipOptions(words, k + 1, WRAPPER_VALUE_OPTIONS);
      if (name === 'timeout' && k < words.length) k++; // the duration
    } else if (RUNNERS.has(name) && words[k + 1]?.value === 'run') {
      k = skipOptions(words, k + 2, RUNNER_VALUE_OPTIONS);
    } else break;
  }
  return k;
}

const PIP_EXE = /^pip(?:[0-9]+(?:\.[0-9]+)?)?(?:\.exe)?$/i;
const PYTHON_EXE = /^(?:python|py)(?:[0-9]+(?:\.[0-9]+)*)?[mtw]?(?:\.exe)?$/i;
const PIP_VARIABLE = /^"?\$\{?[A-Za-z0-9_]*pip[A-Za-z0-9_]*\}?"?$/i;

/** Index of the first argument after `install` when the command runs pip's (or uv's) install; else undefined. */
export function pipInstallArgsStart(words: ArgWord[]): number | undefined {
  let k = skipPrefixes(words);
  if (k >= words.length) return undefined;
  const exe = words[k];
  const name = basename(exe.value);
  if (PIP_EXE.test(name) || (exe.expansion && exe.value.length < 100 && PIP_VARIABLE.test(exe.value))) {
    k = skipOptions(words, k + 1, VALUE_OPTIONS);
  } else if (PYTHON_EXE.test(name) || exe.expansion) {
    k++;
    while (k < words.length && words[k].value.startsWith('-') && words[k].value !== '-m' && words[k].value !== '-mpip') {
      if (words[k].value === '-c' || words[k].value === '-') return undefined;
      k += PYTHON_VALUE_OPTIONS.has(words[k].value) ? 2 : 1;
    }
    if (words[k]?.value === '-mpip') k++;
    else if (words[k]?.value === '-m' && words[k + 1]?.value === 'pip') k += 2;
    else if (words[k]?.value === '-m' && words[k + 1]?.value === 'uv' && words[k + 2]?.value === 'pip') k += 3;
    else return undefined;
    k = skipOptions(words, k, VALUE_OPTIONS);
  } else if (name === 'uv' || name === 'uv.exe') {
    k = skipOptions(words, k + 1, VALUE_OPTIONS);
    if (words[k]?.value !== 'pip') return undefined;
    k = skipOptions(words, k + 1, VALUE_OPTIONS);
  } else return undefined;
  return words[k]?.value === 'install' ? k + 1 : undefined;
}

/** The range of a whole word's content. */
function wordRange(sink: PipSink, w: ArgWord): Range {
  return sink.index.range(w.toDoc(0), w.toDoc(w.value.length, 'end'));
}

const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const DIRECT_REFERENCE = /^[\t ]*[A-Za-z0-9][A-Za-z0-9._-]*[\t ]*(?:\[[^\]]*\][\t ]*)?@/;
const ARCHIVE = /\.(?:whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip|egg)$/i;

/** Local paths, archives and bare URLs are not requirements we can check. */
function isLocalOrUrl(value: string): boolean {
  if (DIRECT_REFERENCE.test(value)) return false;
  const head = value.split(';')[0].trim();
  return head === '.' || head === '..' || /^[./~\\]/.test(head) || head.includes('/') || head.includes('\\') ||
    URL_SCHEME.test(head) || ARCHIVE.test(head) || /^[A-Za-z]:/.test(head);
}

/** Resolves `target` against the directory of `path` without node:path (core code runs in browsers too). */
export function resolveRelative(path: string, target: string): string | undefined {
  if (!target || /^[A-Za-z]:[\\/]/.test(target) || target.startsWith('~') || URL_SCHEME.test(target) || target.includes('$')) return undefined;
  const sep = path.includes('\\') && !path.includes('/') ? '\\' : '/';
  const dirEnd = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  // An absolute target only gets normalized (`/opt/app/../r.txt`).
  const base = target.startsWith('/') ? [''] : dirEnd >= 0 ? path.slice(0, dirEnd).split(/[\\/]/) : [];
  const out = base.slice();
  for (const part of target.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(part);
  }
  const joined = out.join(sep);
  return joined || (target.startsWith('/') ? '/' : '.');
}

export interface PipArgsContext {
  /** Resolves an include target, e.g. through a Dockerfile's COPY instructions. */
  resolveInclude?: (target: string) => string | undefined;
  /** Index variables in force for every later command: Dockerfile `ENV`/`ARG`, shell `export`/assignments
   *  (`ENV PIP_EXTRA_INDEX_URL=…`, `export UV_INDEX=…`), by variable name: the option and the value's word. */
  persistent?: Map<string, { option: string; value: ArgWord }>;
  /** Dockerfile build stage of the commands being read. */
  stage?: number;
}

/** What the words around the arguments tell about one pip command. */
export interface PipCommandExtras {
  /** Words before the program: `PIP_INDEX_URL=... pip install` assignments set the command's index. */
  prefix?: ArgWord[];
  /** Arguments glued to a shell redirection (see ShellCommand.glued). */
  glued?: Map<ArgWord, number>;
}

const INDEX_VARIABLES: Record<string, string> = {
  PIP_INDEX_URL: '--index-url', PIP_EXTRA_INDEX_URL: '--extra-index-url', PIP_FIND_LINKS: '--find-links',
  UV_INDEX_URL: '--index-url', UV_DEFAULT_INDEX: '--default-index', UV_EXTRA_INDEX_URL: '--extra-index-url',
  UV_INDEX: '--index', UV_FIND_LINKS: '--find-links',
};

/** Reads the arguments of one `pip install` command (after `install`) into the sink. */
export function collectPipInstallArgs(words: ArgWord[], sink: PipSink, context: PipArgsContext = {}, extras: PipCommandExtras = {}): void {
  const block = sink.nextBlock();
  const scope = { kind: 'pip-install' as const, block, ...(context.stage !== undefined ? { stage: context.stage } : {}) };
  for (const { option, value } of context.persistent?.values() ?? []) applyOption(option, value, sink, block, context);
  for (const w of extras.prefix ?? []) {
    const eq = w.value.indexOf('=');
    const option = eq > 0 ? INDEX_VARIABLES[w.value.slice(0, eq)] : undefined;
    if (option) applyOption(option, subWord(w, eq + 1), sink, block, context);
  }
  let positionalOnly = false;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    const v = w.value;
    if (w.unterminated !== undefined) {
      sink.findings.push(syntaxFinding('script-syntax', 'This quote (or command substitution) is never closed, so the shell cannot run this command.', sink.index.range(w.unterminated, w.unterminated + 1), 'warning'));
      continue;
    }
    if (!positionalOnly && v === '--') {
      positionalOnly = true;
      continue;
    }
    if (!positionalOnly && v.startsWith('--')) {
      const eq = v.indexOf('=');
      const raw = eq === -1 ? v : v.slice(0, eq);
      const name = LONG_ALIASES[raw] ?? raw;
      if (name === '--no-index') sink.indexes.push({ kind: 'no-index', url: '', range: wordRange(sink, w), block });
      if (!VALUE_OPTIONS.has(name)) continue;
      const value = eq !== -1 ? subWord(w, eq + 1) : words[++k];
      if (value) applyOption(name, value, sink, block, context);
      continue;
    }
    if (!positionalOnly && v.startsWith('-') && v.length > 1) {
      // optparse-style clusters: `-qU`, `-rrequirements.txt`, `-r file`.
      for (let c = 1; c < v.length; c++) {
        if (!SHORT_VALUE_OPTIONS.has(v[c])) continue;
        const value = c + 1 < v.length ? subWord(w, c + 1) : words[++k];
        if (value) applyOption(SHORT_TO_LONG[v[c]], value, sink, block, context);
        break;
      }
      continue;
    }
    const requirement = addRequirement(w, sink, scope);
    const gluedEnd = extras.glued?.get(w);
    if (gluedEnd !== undefined) sink.findings.push(redirectFinding(w, gluedEnd, sink, requirement));
  }
}

/** `pip install torch>=2.0` unquoted: the shell reads `>` as a redirection, so the pin silently disappears. */
function redirectFinding(w: ArgWord, gluedEnd: number, sink: PipSink, requirement: Requirement | undefined): Finding {
  const raw = sink.index.text.slice(w.start, gluedEnd);
  const range = sink.index.range(w.start, gluedEnd);
  const quotable = raw.length < 500 && /^[A-Za-z0-9._\-[\],<>=!~*+ ]+$/.test(raw);
  return {
    code: 'shell-redirect',
    severity: 'error',
    message: `The shell reads "${raw.slice(w.end - w.start, w.end - w.start + 1)}" here as a redirection: this installs "${w.value}" without the version constraint and writes to a file. Quote the requirement.`,
    packages: requirement ? [requirement.normalizedName] : [],
    range,
    fixes: quotable ? [{ title: `Quote "${clip(raw)}"`, applicability: 'safe', edits: [{ path: sink.path, range, newText: `"${raw}"` }] }] : [],
  };
}

function applyOption(name: string, value: ArgWord, sink: PipSink, block: number, context: PipArgsContext): void {
  if (value.expansion || value.unterminated !== undefined) return;
  const range = wordRange(sink, value);
  switch (name) {
    case '--index-url':
    case '--default-index':
      sink.indexes.push({ kind: 'index-url', url: indexUrl(value.value), range, block });
      break;
    case '--extra-index-url':
    case '--index':
      sink.indexes.push({ kind: 'extra-index-url', url: indexUrl(value.value), range, block });
      break;
    case '--find-links':
      sink.indexes.push({ kind: 'find-links', url: value.value, range, block });
      break;
    case '--requirement':
    case '--constraint': {
      const kind = name === '--requirement' ? 'requirement' : 'constraint';
      const resolvedPath = context.resolveInclude ? context.resolveInclude(value.value) : resolveRelative(sink.path, value.value);
      const stage = context.stage !== undefined ? { stage: context.stage } : {};
      sink.includes.push(resolvedPath === undefined ? { kind, target: value.value, range, block, ...stage } : { kind, target: value.value, resolvedPath, range, block, ...stage });
      break;
    }
    case '--editable': {
      const head = value.value.trim();
      if (head && !URL_SCHEME.test(head) && !/^[A-Za-z][A-Za-z0-9+.-]*\+/.test(head)) {
        const resolvedPath = context.resolveInclude ? context.resolveInclude(head) : resolveRelative(sink.path, head);
        (sink.localInstalls ??= []).push({ target: head, ...(resolvedPath ? { resolvedPath } : {}), range, block });
      }
      break;
    }
    case '--torch-backend': {
      // uv picks the PyTorch index itself: `auto` any build, `cu121` that one.
      const backend = value.value.trim().toLowerCase();
      const url = backend === 'auto' ? 'https://download.pytorch.org/whl/' : `https://download.pytorch.org/whl/${backend}`;
      sink.indexes.push({ kind: backend === 'auto' ? 'find-links' : 'extra-index-url', url, range, block });
      break;
    }
    default:
      break;
  }
}

/** uv's `--index name=https://...` names its index; only the URL matters here. */
function indexUrl(value: string): string {
  const m = /^[A-Za-z0-9_.-]+=(?=[A-Za-z][A-Za-z0-9+.-]*:)/.exec(value);
  return m ? value.slice(m[0].length) : value;
}

function addRequirement(w: ArgWord, sink: PipSink, scope: { kind: 'pip-install'; block: number; stage?: number }): Requirement | undefined {
  const v = w.value;
  if (!v.trim() || v === '-' || w.expansion || w.glob) return undefined;
  if (isLocalOrUrl(v)) {
    // `pip install .`, `pip install -e ./app`: a local project, installed with this command's indexes.
    const head = v.split(';')[0].trim();
    if (!URL_SCHEME.test(head) && !ARCHIVE.test(head) && !/\.py$/.test(head)) {
      const resolvedPath = resolveRelative(sink.path, head);
      (sink.localInstalls ??= []).push({ target: head, ...(resolvedPath ? { resolvedPath } : {}), range: wordRange(sink, w), block: scope.block });
    }
    return undefined;
  }
  const { requirement, finding } = buildRequirement(v, w.toDoc, sink.index, scope, sink.path);
  if (requirement) sink.requirements.push(requirement);
  if (finding) sink.findings.push(finding);
  return requirement;
}

// ---------------------------------------------------------------------------------------------------------------
// Commands, nested shells and Dockerfiles

const SHELLS = /^(?:sh|bash|dash|ash|zsh|ksh)(?:\.exe)?$/;
const MAX_NESTING = 8;

/** Words of a string tokenized as a script of its own, mapped back through the string's own mapping. */
export function wordsWithin(outer: ArgWord, inner: ArgWord): ArgWord {
  return {
    value: inner.value,
    toDoc: (i, bias) => outer.toDoc(inner.toDoc(i, bias), bias),
    start: outer.toDoc(inner.start),
    end: outer.toDoc(inner.end),
    expansion: inner.expansion || outer.expansion,
    glob: inner.glob,
    unterminated: inner.unterminated === undefined ? undefined : outer.toDoc(inner.unterminated),
  };
}

/** `sh -c 'script'`, `bash -ec "..."`: the index of the script word, if the command is one. */
function shellScriptArg(words: ArgWord[], k: number): number | undefined {
  if (k >= words.length || !SHELLS.test(basename(words[k].value))) return undefined;
  for (let j = k + 1; j < words.length; j++) {
    const v = words[j].value;
    if (v === '-o' || v === '+o') {
      j++;
      continue;
    }
    if (/^[-+][a-z]*c[a-z]*$/.test(v)) return j + 1 < words.length ? j + 1 : undefined;
    if (!v.startsWith('-') && !v.startsWith('+')) return undefined;
  }
  return undefined;
}

/** Analyzes one command: a pip install, a nested `sh -c` script, or a shell reading a heredoc. */
export function analyzeCommand(command: ShellCommand, text: string, sink: PipSink, context: PipArgsContext, depth: number): void {
  const { words } = command;
  if (rememberIndexVariables(words, context) || rememberPipConfig(words, context)) return;
  const args = pipInstallArgsStart(words);
  if (args !== undefined) {
    const prefix = words.slice(0, skipPrefixes(words)).filter((w) => ASSIGNMENT.test(w.value));
    collectPipInstallArgs(words.slice(args), sink, context, { prefix, glued: command.glued });
    return;
  }
  if (depth >= MAX_NESTING) return;
  const k = skipPrefixes(words);
  const script = shellScriptArg(words, k);
  if (script !== undefined) {
    const outer = words[script];
    if (outer.expansion || outer.unterminated !== undefined) return;
    const scan = scanShell(outer.value);
    for (const c of scan.commands) {
      analyzeCommand({ words: c.words.map((w) => wordsWithin(outer, w)), heredocs: [] }, text, sink, context, depth + 1);
    }
    return;
  }
  const runsShell = k >= words.length || (SHELLS.test(basename(words[k].value)) && words.slice(k + 1).every((w) => w.value.startsWith('-')));
  if (runsShell) {
    for (const h of command.heredocs) {
      if (h.bodyStart === undefined || h.bodyEnd === undefined) continue;
      scanShell(text, h.bodyStart, h.bodyEnd, { onCommand: (c) => analyzeCommand(c, text, sink, context, depth + 1) });
    }
  }
}

/**
 * `export PIP_EXTRA_INDEX_URL=…`, `declare -x UV_INDEX=…` or a bare `PIP_INDEX_URL=…` command sets the index of every
 * later pip command of the script. True when the command was only that.
 */
function rememberIndexVariables(words: ArgWord[], context: PipArgsContext): boolean {
  let k = 0;
  if (words[k]?.value === 'export' || words[k]?.value === 'declare' || words[k]?.value === 'typeset') {
    k++;
    while (k < words.length && words[k].value.startsWith('-')) k++;
  }
  if (k >= words.length || !words.slice(k).every((w) => ASSIGNMENT.test(w.value))) return false;
  for (const w of words.slice(k)) setIndexVariable(w, context);
  return true;
}

const PIP_CONFIG_KEYS: Record<string, string> = {
  'global.index-url': 'PIP_INDEX_URL', 'install.index-url': 'PIP_INDEX_URL',
  'global.extra-index-url': 'PIP_EXTRA_INDEX_URL', 'install.extra-index-url': 'PIP_EXTRA_INDEX_URL',
  'global.find-links': 'PIP_FIND_LINKS', 'install.find-links': 'PIP_FIND_LINKS',
};

/** `pip config set global.extra-index-url URL` configures every later pip command, like the variable would. */
function rememberPipConfig(words: ArgWord[], context: PipArgsContext): boolean {
  let k = skipPrefixes(words);
  const exe = basename(words[k]?.value ?? '');
  if (PYTHON_EXE.test(exe) && words[k + 1]?.value === '-m' && words[k + 2]?.value === 'pip') k += 3;
  else if (PIP_EXE.test(exe)) k += 1;
  else return false;
  while (k < words.length && words[k].value.startsWith('-')) k++;
  if (words[k]?.value !== 'config' || words[k + 1]?.value !== 'set') return false;
  const variable = PIP_CONFIG_KEYS[words[k + 2]?.value ?? ''];
  const value = words[k + 3];
  if (!variable || !value) return false;
  context.persistent ??= new Map();
  context.persistent.set(variable, { option: INDEX_VARIABLES[variable], value });
  return true;
}

/** Records one `NAME=value` word when NAME is an index variable (and forgets it when set to nothing). */
function setIndexVariable(w: ArgWord, context: PipArgsContext): void {
  const eq = w.value.indexOf('=');
  const name = w.value.slice(0, eq).replace(/\+$/, '');
  const option = INDEX_VARIABLES[name];
  if (!option) return;
  context.persistent ??= new Map();
  const value = subWord(w, eq + 1);
  if (value.value.trim()) context.persistent.set(name, { option, value });
  else context.persistent.delete(name);
}

function emptyManifest(path: string): ParsedManifest {
  return { path, kind: 'script', requirements: [], findings: [], indexes: [], includes: [] };
}

/** Where pip arguments found in a file go; shared with the Python reader (pip run from Python). */
export function makeSink(manifest: ParsedManifest, index: LineIndex): PipSink {
  let block = 0;
  return {
    path: manifest.path,
    index,
    requirements: manifest.requirements,
    findings: manifest.findings,
    indexes: manifest.indexes,
    includes: manifest.includes,
    get localInstalls() { return manifest.localInstalls; },
    set localInstalls(value) { manifest.localInstalls = value; },
    nextBlock: () => block++,
  };
}

/** True for Dockerfile, Dockerfile.gpu, app.dockerfile, Containerfile... */
export function isDockerfilePath(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name.startsWith('dockerfile') || name.startsWith('containerfile') || name.endsWith('dockerfile') || name.endsWith('containerfile');
}

/** Parses a shell script or Dockerfile (chosen by the file name) into its `pip install` requirements. */
export function parseScript(path: string, text: string): ParsedManifest {
  const manifest = emptyManifest(path);
  const index = new LineIndex(text);
  const sink = makeSink(manifest, index);
  try {
    if (isDockerfilePath(path)) parseDockerfile(text, sink);
    else {
      const context: PipArgsContext = {}; // one for the script: exported index variables hold for later commands
      scanShell(text, 0, text.length, { onCommand: (c) => analyzeCommand(c, text, sink, context, 0) });
    }
  } catch (e) {
    // A bug here must not take the whole check down; report it where the user can see it.
    manifest.findings.push(syntaxFinding('internal-error', `ML Pins could not read this script: ${(e as Error).message}`, index.range(0, 0), 'information'));
  }
  return manifest;
}

// ---------------------------------------------------------------------------------------------------------------
// Dockerfiles

interface DockerState {
  escape: string;
  /** Container path -> build-context path, from COPY/ADD (used to resolve `pip install -r /app/requirements.txt`). */
  copies: { source: string; dest: string; workdir: string }[];
  workdir: string;
  /** ENV / ARG index variables of the current stage. */
  persistent: Map<string, { option: string; value: ArgWord }>;
  /** Build stage: -1 before the first FROM. */
  stage: number;
  /** False after `SHELL ["powershell", ...]` / cmd: shell-form RUN lines are not POSIX shell then. */
  posixShell: boolean;
}

/** Extent of one instruction: Docker joins lines ending in the escape character and drops comment lines in between. */
function instructionEnd(text: string, from: number, escape: string): number {
  const end = text.length;
  let i = from;
  for (;;) {
    const e = lineEnd(text, i, end);
    let k = e - 1;
    while (k >= i && isBlank(text[k])) k--;
    if (k < i || text[k] !== escape || e >= end) return e;
    i = afterLineBreak(text, e);
    // Comment and blank lines inside a continued instruction are removed before it is read.
    for (;;) {
      let j = i;
      while (j < end && isBlank(text[j])) j++;
      if (j < end && text[j] === '#') {
        const le = lineEnd(text, j, end);
        if (le >= end) return le;
        i = afterLineBreak(text, le);
      } else if (j < end && isLineBreak(text[j])) i = afterLineBreak(text, j);
      else break;
    }
    if (i >= end) return end;
  }
}

function parseDockerfile(text: string, sink: PipSink): void {
  const state: DockerState = { escape: escapeDirective(text), copies: [], workdir: '/', persistent: new Map(), stage: -1, posixShell: true };
  const end = text.length;
  let i = 0;
  while (i < end) {
    while (i < end && (isBlank(text[i]) || isLineBreak(text[i]))) i++;
    if (i >= end) break;
    if (text[i] === '#') {
      i = lineEnd(text, i, end);
      continue;
    }
    const stop = instructionEnd(text, i, state.escape);
    let keywordEnd = i;
    while (keywordEnd < stop && /[A-Za-z]/.test(text[keywordEnd])) keywordEnd++;
    let keyword = text.slice(i, keywordEnd).toUpperCase();
    let bodyStart = keywordEnd;
    if (keyword === 'ONBUILD') {
      let j = keywordEnd;
      while (j < stop && isBlank(text[j])) j++;
      let k = j;
      while (k < stop && /[A-Za-z]/.test(text[k])) k++;
      keyword = text.slice(j, k).toUpperCase();
      bodyStart = k;
    }
    const scan = scanShell(text, bodyStart, stop, { docker: true, escape: state.escape });
    // BuildKit heredocs (`RUN <<EOF`, `COPY <<EOF /app/x`): their bodies follow the instruction's line.
    const next = locateHeredocBodies(text, stop, scan.pendingHeredocs);
    if (keyword === 'RUN') dockerRun(text, bodyStart, stop, scan, sink, state);
    else if (keyword === 'WORKDIR') dockerWorkdir(text, bodyStart, stop, state);
    else if (keyword === 'COPY' || keyword === 'ADD') dockerCopy(text, bodyStart, stop, state);
    else if (keyword === 'ENV' || keyword === 'ARG') dockerEnv(scan, keyword, state);
    else if (keyword === 'FROM') { // a new stage starts with a new environment and the default shell
      state.persistent = new Map();
      state.stage++;
      state.posixShell = true;
    } else if (keyword === 'SHELL') {
      const exec = execForm(text, bodyStart, stop, state.escape);
      state.posixShell = !exec || !/^(?:.*[\\/])?(?:powershell|pwsh|cmd)(?:\.exe)?$/i.test(exec[0]?.value ?? '');
    }
    i = Math.max(next, stop, i + 1);
  }
}

/** Parser directives (`# escape=``) must come first, before any comment or instruction. */
function escapeDirective(text: string): string {
  const index = new LineIndex(text.slice(0, 4096));
  for (let line = 0; line < index.lineCount; line++) {
    const m = /^#[\t ]*([A-Za-z]+)[\t ]*=[\t ]*(\S+)[\t ]*$/.exec(index.lineText(line));
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/** Words of an instruction's arguments (shell-like split, enough for WORKDIR/COPY paths). */
function instructionWords(text: string, from: number, to: number, state: DockerState): string[] {
  const exec = execForm(text, from, to, state.escape);
  if (exec) return exec.map((w) => w.value);
  const scan = scanShell(text, from, to, { docker: true, escape: state.escape });
  return scan.commands.flatMap((c) => c.words.map((w) => w.value));
}

function dockerWorkdir(text: string, from: number, to: number, state: DockerState): void {
  const [dir] = instructionWords(text, from, to, state);
  if (!dir) return;
  state.workdir = dir.startsWith('/') ? dir : joinPosix(state.workdir, dir);
}

function dockerCopy(text: string, from: number, to: number, state: DockerState): void {
  const all = instructionWords(text, from, to, state);
  // Files from another stage or image are not in the build context.
  if (all.some((w) => w.startsWith('--from'))) return;
  const words = all.filter((w) => !w.startsWith('--') && !w.startsWith('<<'));
  if (words.length < 2) return;
  const dest = words[words.length - 1];
  for (const source of words.slice(0, -1)) state.copies.push({ source, dest, workdir: state.workdir });
}

function joinPosix(dir: string, rel: string): string {
  const parts = dir.split('/').filter(Boolean);
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return '/' + parts.join('/');
}

/** Maps a container path read by `pip install -r` back to the build-context file a COPY put there. */
function resolveThroughCopies(target: string, state: DockerState, sinkPath: string): string | undefined {
  if (target.includes('$')) return undefined;
  const containerPath = target.startsWith('/') ? joinPosix('/', target) : joinPosix(state.workdir, target);
  for (let k = state.copies.length - 1; k >= 0; k--) {
    const { source, dest, workdir } = state.copies[k];
    if (source.includes('*') || source.includes('$') || URL_SCHEME.test(source)) continue;
    const destPath = dest.startsWith('/') ? joinPosix('/', dest) : joinPosix(workdir, dest);
    const destIsDir = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
    const sourceName = basename(source.replace(/\/+$/, ''));
    if (!destIsDir && destPath === containerPath) return resolveRelative(sinkPath, source);
    if (destIsDir && joinPosix(destPath, sourceName) === containerPath) return resolveRelative(sinkPath, source);
    // A copied directory (`COPY . /app`, `COPY requirements/ /app/requirements/`): the rest of the path carries over.
    const prefix = destPath === '/' ? '/' : destPath + '/';
    if (containerPath.startsWith(prefix) && (source === '.' || source.endsWith('/') || !/\.[A-Za-z0-9]+$/.test(source))) {
      const rest = containerPath.slice(prefix.length);
      const sourceDir = source === '.' || source === './' ? rest : source.replace(/\/+$/, '') + '/' + rest;
      return resolveRelative(sinkPath, sourceDir);
    }
  }
  return target.startsWith('/') ? undefined : resolveRelative(sinkPath, target);
}

/** Finds each heredoc's body after the line that ends at `lineEnd`; returns where the instruction really ends. */
function locateHeredocBodies(text: string, stop: number, heredocs: Heredoc[]): number {
  if (!heredocs.length || stop >= text.length) return stop;
  let i = afterLineBreak(text, stop);
  for (const h of heredocs) {
    h.bodyStart = i;
    h.bodyEnd = text.length;
    while (i < text.length) {
      const ls = i;
      const e = lineEnd(text, i, text.length);
      let c = ls;
      if (h.stripTabs) while (c < e && text[c] === '\t') c++;
      i = e < text.length ? afterLineBreak(text, e) : text.length;
      if (text.slice(c, e) === h.delimiter) {
        h.bodyEnd = ls;
        break;
      }
    }
  }
  return i;
}

/** RUN: exec form (a JSON array) or shell form, with BuildKit flags (`--mount=...`) and heredocs. */
/** `ENV PIP_EXTRA_INDEX_URL=https://…` (or the older `ENV NAME value`), `ARG UV_INDEX=…`: index variables for later RUNs. */
function dockerEnv(scan: ShellScan, keyword: string, state: DockerState): void {
  const words = scan.commands.flatMap((c) => c.words);
  const context: PipArgsContext = { persistent: state.persistent };
  if (keyword === 'ENV' && words.length >= 2 && !words[0].value.includes('=') && INDEX_VARIABLES[words[0].value]) {
    // Legacy form: the value is the rest of the line (one word for a URL).
    state.persistent.set(words[0].value, { option: INDEX_VARIABLES[words[0].value], value: words[1] });
    return;
  }
  for (const w of words) if (ASSIGNMENT.test(w.value)) setIndexVariable(w, context);
}

function dockerRun(text: string, from: number, to: number, scan: ShellScan, sink: PipSink, state: DockerState): void {
  // A copy: an `export` inside one RUN does not outlive it.
  const context: PipArgsContext = { resolveInclude: (t) => resolveThroughCopies(t, state, sink.path), persistent: new Map(state.persistent), stage: Math.max(0, state.stage) };
  const exec = execForm(text, from, to, state.escape);
  if (exec) {
    analyzeCommand({ words: exec, heredocs: [] }, text, sink, context, 0);
    return;
  }
  if (!state.posixShell) return; // PowerShell or cmd syntax: not ours to read
  const first = scan.commands[0];
  if (first) {
    // RUN's own flags come before the command.
    let k = 0;
    while (k < first.words.length && first.words[k].value.startsWith('--')) k++;
    first.words = first.words.slice(k);
  }
  for (const c of scan.commands) analyzeCommand(c, text, sink, context, 0);
}

/** Parses `["pip", "install", "torch==2.2"]` (JSON strings, possibly across continuations); undefined if not JSON. */
function execForm(text: string, from: number, to: number, escape: string): ArgWord[] | undefined {
  let i = from;
  const skipSpace = (): void => {
    for (;;) {
      while (i < to && (isBlank(text[i]) || isLineBreak(text[i]))) i++;
      if (i < to && text[i] === escape) {
        let j = i + 1;
        while (j < to && isBlank(text[j])) j++;
        if (j < to && isLineBreak(text[j])) {
          i = j;
          continue;
        }
      }
      return;
    }
  };
  skipSpace();
  if (text[i] !== '[') return undefined;
  i++;
  const words: ArgWord[] = [];
  skipSpace();
  if (text[i] === ']') {
    i++;
  } else {
    for (;;) {
      skipSpace();
      if (text[i] !== '"') return undefined;
      const s = jsonString(text, i, to);
      if (!s) return undefined;
      words.push(s.word);
      i = s.next;
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        break;
      }
      return undefined;
    }
  }
  skipSpace();
  return i >= to ? words : undefined;
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function jsonString(text: string, q: number, to: number): { word: ArgWord; next: number } | undefined {
  const b = new WordBuilder();
  let i = q + 1;
  while (i < to) {
    const c = text[i];
    if (c === '"') {
      return {
        word: { value: b.value(), toDoc: b.mapper(q + 1), start: q, end: i + 1, expansion: false, glob: false },
        next: i + 1,
      };
    }
    if (isLineBreak(c)) return undefined;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
        b.appendUnit(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)), i, 6);
        i += 6;
      } else if (n !== undefined && JSON_ESCAPES[n] !== undefined) {
        b.appendUnit(JSON_ESCAPES[n], i, 2);
        i += 2;
      } else return undefined;
      continue;
    }
    let j = i + 1;
    while (j < to && text[j] !== '"' && text[j] !== '\\' && !isLineBreak(text[j])) j++;
    b.appendSlice(text, i, j);
    i = j;
  }
  return undefined;
}
