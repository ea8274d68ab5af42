// Maps offsets in a decoded TOML string back to the raw characters of the document, so a range computed on the
// value (a package name inside "torch\u003e=2" or a ''' string) underlines exactly what the user wrote.

/** The four TOML string forms, as toml-eslint-parser reports them on string values and quoted keys. */
export interface TomlStringForm {
  style: 'basic' | 'literal';
  multiline: boolean;
}

/** A string value decoded from its raw token, with the raw offset of each decoded UTF-16 unit. */
export interface DecodedTomlString {
  value: string;
  /**
   * `offsets[i]` is the raw offset (relative to the token start, quotes included) where decoded unit `i` begins;
   * `offsets[value.length]` is where the content ends (just before the closing quotes). Both units of a surrogate
   * pair produced by one `\U` escape map to the escape's start.
   */
  offsets: number[];
}

const SIMPLE_ESCAPES: Record<string, string> = {
  b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\',
  e: '\u001b', // TOML 1.1; harmless here because the 1.0 parser rejects it before we decode.
};

function isHex(s: string): boolean {
  return /^[0-9A-Fa-f]+$/.test(s);
}

/** Length of the delimiter that opens a token of this form (`"`, `'`, `"""`, `'''`). */
function delimiterLength(form: TomlStringForm): number {
  return form.multiline ? 3 : 1;
}

/** A newline right after the opening delimiter of a multi-line string is not part of the value. */
function skipLeadingNewline(raw: string, at: number): number {
  if (raw.startsWith('\r\n', at)) return at + 2;
  if (raw[at] === '\n') return at + 1;
  return at;
}

/** After a line-ending backslash, TOML drops all whitespace and newlines up to the next other character. */
function skipLineContinuation(raw: string, at: number, end: number): number | undefined {
  let i = at;
  while (i < end && (raw[i] === ' ' || raw[i] === '\t')) i++;
  if (raw[i] !== '\n' && !raw.startsWith('\r\n', i)) return undefined;
  while (i < end && (raw[i] === ' ' || raw[i] === '\t' || raw[i] === '\n' || raw[i] === '\r')) i++;
  return i;
}

/**
 * Decodes the raw token of a TOML string (quotes included). Returns undefined when the token is not a well-formed
 * string of the given form; callers fall back to a plain mapping then.
 */
export function decodeTomlString(raw: string, form: TomlStringForm): DecodedTomlString | undefined {
  const delim = delimiterLength(form);
  const end = raw.length - delim;
  if (end < delim) return undefined;
  let i = form.multiline ? skipLeadingNewline(raw, delim) : delim;
  let value = '';
  const offsets: number[] = [];
  const emit = (text: string, at: number): void => {
    value += text;
    for (let k = 0; k < text.length; k++) offsets.push(at);
  };
  while (i < end) {
    const c = raw[i];
    if (form.multiline && raw.startsWith('\r\n', i)) {
      // toml-eslint-parser normalizes CRLF inside multi-line strings to LF.
      emit('\n', i);
      i += 2;
      continue;
    }
    if (c !== '\\' || form.style === 'literal') {
      emit(c, i);
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next !== undefined && Object.hasOwn(SIMPLE_ESCAPES, next)) {
      emit(SIMPLE_ESCAPES[next], i);
      i += 2;
    } else if (next === 'u' || next === 'U' || next === 'x') {
      const digits = next === 'u' ? 4 : next === 'U' ? 8 : 2;
      const hex = raw.slice(i + 2, i + 2 + digits);
      if (hex.length !== digits || !isHex(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
      emit(String.fromCodePoint(code), i);
      i += 2 + digits;
    } else if (form.multiline) {
      const resume = skipLineContinuation(raw, i + 1, end);
      if (resume === undefined) return undefined;
      i = resume;
    } else {
      return undefined;
    }
  }
  offsets.push(end);
  return { value, offsets };
}

/** A TOML string node as toml-eslint-parser gives it: document range of the token (quotes included) and value. */
export interface TomlStringNode extends TomlStringForm {
  range: [number, number];
  value: string;
}

/**
 * Returns `valueToDoc(i)`: the document offset of decoded unit `i` of the node's value, with
 * `valueToDoc(value.length)` = the end of the content (before the closing quotes). Offsets past the end clamp.
 *
 * When characters decode to nothing (a line-ending backslash and the whitespace after it), an offset just after
 * them maps to the next written character, so a range that ends there spans the continuation. When the decoded
 * token disagrees with the parser's value (should not happen), we fall back to "content start + i", clamped.
 */
export function tomlValueToDoc(text: string, node: TomlStringNode): (i: number) => number {
  const [start, end] = node.range;
  const decoded = decodeTomlString(text.slice(start, end), node);
  if (decoded && decoded.value === node.value) {
    const { offsets } = decoded;
    return (i) => start + offsets[Math.max(0, Math.min(Math.trunc(i), offsets.length - 1))];
  }
  const delim = delimiterLength(node);
  const contentStart = Math.min(start + delim, end);
  const contentEnd = Math.max(contentStart, end - delim);
  return (i) => Math.max(contentStart, Math.min(contentStart + Math.trunc(i), contentEnd));
}
