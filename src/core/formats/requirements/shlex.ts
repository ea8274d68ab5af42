// The option part of a requirement line: pip's break_args_options, then POSIX shlex.split keeping the offset of
// every output character.


/** pip's break_args_options: the requirement is everything before the first ` -`-started token. */
export function optionsStart(text: string): number {
  for (let p = 0; p < text.length; p++) {
    if (text[p] === '-' && (p === 0 || text[p - 1] === ' ')) return p;
  }
  return -1;
}

export interface ShellToken {
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
export const offsetIn = (token: ShellToken, i: number): number => (token.offsets ? token.offsets[i] : token.start + i);

const SHELL_SPECIAL = ' \t\r\n\\\'"';

/** POSIX shlex.split with the offset of every output character; a message for unclosed quotes or a lone `\`. */
export function shellSplit(text: string): { tokens: ShellToken[] } | { error: string } {
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
