// Logical lines: text plus, for every character, where it starts and ends in the document (through \
// continuations, stripped comments and ${VAR} expansion), as pip's preprocessing reads them.

import type { ValueToDoc } from '../requirement';

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
export interface MappedText {
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

export function slice(m: MappedText, start: number, end = m.text.length): MappedText {
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

export function trimmed(m: MappedText): MappedText {
  let start = 0;
  let end = m.text.length;
  while (start < end && isPySpace(m.text[start])) start++;
  while (end > start && isPySpace(m.text[end - 1])) end--;
  return start === 0 && end === m.text.length ? m : slice(m, start, end);
}

export function toDoc(m: MappedText): ValueToDoc {
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
export function joinLine(text: string, start: number): { line: MappedText; next: number } {
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
export function preprocess(joined: MappedText, env: Record<string, string | undefined> | undefined): MappedText | undefined {
  const line = trimmed(stripComment(joined));
  return line.text ? expandEnv(line, env) : undefined;
}
