// The POSIX-shell tokenizer: commands of words, operators, heredocs and comments, in one forward scan.

import { type ArgWord, WordBuilder } from './words';

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

export function isBlank(c: string): boolean {
  return c === ' ' || c === '\t';
}

export function isLineBreak(c: string): boolean {
  return c === '\n' || c === '\r';
}

/** Offset just after the line break at `i` (which must be one). */
export function afterLineBreak(text: string, i: number): number {
  return text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
}

/** Offset of the next line break at or after `i` (or `end`). */
export function lineEnd(text: string, i: number, end: number): number {
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
