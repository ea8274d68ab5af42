// The common line, read directly (the fast path of a requirement file).

import { parseRequirement } from '../../pep508';
import type { Requirement } from '../../types';
import { requirementFromParsed, type ValueToDoc } from '../requirement';
import { type LineContext, hasArchiveExtension } from './interpret';

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
// test/core/formats/requirements-fast-path.test.ts compares both paths on generated files.

/** Line breaks pip's splitlines() honours besides \n and \r\n: a file with one is read by the general path only. */
const IRREGULAR_BREAKS = ['\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029'];

/** Whether the text has an irregular line break or a CR outside CRLF (one includes() per character is several times
 * faster than a character-class expression over a large file). */
export const hasIrregularBreak = (text: string): boolean =>
  IRREGULAR_BREAKS.some((c) => text.includes(c)) || (text.includes('\r') && /\r(?!\n)/.test(text));

/** The characters readSimpleLine accepts in a requirement (1), by character code. */
const SIMPLE_REQUIREMENT_CHARS = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-=<>!~,*+') SIMPLE_REQUIREMENT_CHARS[c.charCodeAt(0)] = 1;

const HASH_OPTION = /--hash=sha(?:256|384|512):[A-Za-z0-9]*/y;

const isAsciiAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** The text ends with a line break that is not a continuation (`\` before it, or before its `\r`). */
function endsWithOwnBreak(t: string): boolean {
  if (t.charCodeAt(t.length - 1) !== 10 /* \n */) return false;
  const before = t.charCodeAt(t.length - 2) === 13 /* \r */ ? t.length - 3 : t.length - 2;
  return t.charCodeAt(before) !== 92; /* \ */
}

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
  // The same logical line at the same line as in the file's last read: the same requirement, ranges and all. A line
  // that ends with its break is the whole logical line when the text matches through that break (whether a line is
  // continued is read from its own characters); one without ends the file, and so does one whose last break is a
  // continuation's (`\` before it): the file ended there, and what follows now would join it.
  const line = ctx.reuse ? ctx.index.lineOf(start) : -1;
  const made = ctx.reuse?.before?.[line];
  if (made && text.startsWith(made.text, start) && (endsWithOwnBreak(made.text) || start + made.text.length === text.length)) {
    ctx.reuse!.after[line] = made;
    out.push(made.requirement);
    return start + made.text.length;
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
  if (ctx.reuse) ctx.reuse.after[line] = { text: text.slice(start, at), requirement };
  return at;
}
