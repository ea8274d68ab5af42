import type { Position, Range } from './types';

/** Maps between UTF-16 offsets and 0-based line/character positions. Lines end at \n, \r\n or \r. */
export class LineIndex {
  private readonly lineStarts: number[];
  /** The line of the previous positionAt: parsers ask in document order, so the next answer is usually there. */
  private lastLine = 0;

  constructor(readonly text: string) {
    const starts = [0];
    if (!text.includes('\r')) {
      // The usual case, and indexOf skips ahead much faster than a loop over every character.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(o);
    return { line, character: o - this.lineStarts[line] };
  }

  /** The line an offset (within the text) is on. */
  lineOf(o: number): number {
    const starts = this.lineStarts;
    let line = this.lastLine;
    // The line of the last lookup or the one after it; otherwise a binary search.
    if (starts[line] > o || (line + 1 < starts.length && starts[line + 1] <= o)) {
      line++;
      if (line >= starts.length || starts[line] > o || (line + 1 < starts.length && starts[line + 1] <= o)) {
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid] <= o) lo = mid;
          else hi = mid - 1;
        }
        line = lo;
      }
    }
    this.lastLine = line;
    return line;
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return Math.min(start + Math.max(0, position.character), next);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** Start offset of a line. */
  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** The line's text without its line break. */
  lineText(line: number): string {
    const start = this.lineStart(line);
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return this.text.slice(start, next).replace(/\r?\n$|\r$/, '');
  }
}

/**
 * A LineIndex for `text`, shared with the recent callers that asked for the same text. Fixes and edits look up
 * positions in the manifest they change, once per pin and finding: building a new index each time made checking a
 * file with many related pins cubic in its size.
 */
export function lineIndexFor(text: string): LineIndex {
  for (const index of recentIndexes) if (index.text === text) return index;
  const index = new LineIndex(text);
  recentIndexes.unshift(index);
  if (recentIndexes.length > 4) recentIndexes.pop();
  return index;
}

const recentIndexes: LineIndex[] = [];

/** PEP 503 name normalization. */
export function normalizeName(name: string): string {
  // Most names are already normalized (lowercase ASCII letters and digits, single dashes): return those as they are.
  let normalized = true;
  for (let i = 0; i < name.length && normalized; i++) {
    const c = name.charCodeAt(i);
    normalized = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c === 45 && name.charCodeAt(i - 1) !== 45);
  }
  return normalized ? name : name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function compareRanges(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character ||
    a.end.line - b.end.line || a.end.character - b.end.character;
}

/** Words joined for a sentence: `a`, `a and b`, `a, b and c`. */
export function joinWords(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** A whole number with commas between groups of three digits, as `toLocaleString('en-US')` writes it, without
 *  loading ICU's number formatting (~30 ms at a process's first call). */
export function groupThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = digits.length; i > 0; i -= 3) out = digits.slice(Math.max(0, i - 3), i) + (out ? `,${out}` : '');
  return n < 0 ? `-${out}` : out;
}
