// Words with their mapping back to the document: a shell argument after quote removal knows where each of its
// characters came from.

import type { ValueToDoc } from '../requirement';

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
