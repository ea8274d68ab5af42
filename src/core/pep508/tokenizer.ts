// Context-sensitive tokenizer for PEP 508, a port of pypa/packaging `_tokenizer.py`. The parser asks for the token it
// expects at the current position; each rule is a sticky regular expression tried only there.

export interface Span {
  start: number;
  end: number;
}

export interface Token {
  name: TokenName;
  text: string;
  position: number;
}

/** A syntax error with packaging's message and the span it points at. Internal: the public API returns results. */
export class ParserSyntaxError extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

// Python's `\s` (str patterns are Unicode-aware), spelled out so JS matches the same characters.
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const S = `[${PY_SPACE}]`;
// Python's `\w` for str patterns: letters, numbers and `_`. Used to emulate `\b`, which in JS is ASCII-only.
const W = '[\\p{L}\\p{N}_]';

function wordBounded(body: string): RegExp {
  return new RegExp(`(?<!${W})(?:${body})(?!${W})`, 'uy');
}

const PRE = '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?';
const POST = '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?';
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?';
const LOCAL = '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?';
const RELEASE = 'v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*';

/** packaging's `Specifier._specifier_regex_str`: one clause, operator and version. */
export const SPECIFIER_SOURCE =
  `(?:===${S}*[^${PY_SPACE};)]*)` +
  `|(?:(?:==|!=)${S}*${RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})?)` +
  `|(?:~=${S}*v?(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)+${PRE}${POST}${DEV})` +
  `|(?:(?:<=|>=|<|>)${S}*${RELEASE}${PRE}${POST}${DEV})`;

/** A whole clause as packaging's `Specifier` accepts it (surrounding whitespace allowed). */
export const SPECIFIER_CLAUSE = new RegExp(`^${S}*(?:${SPECIFIER_SOURCE})${S}*$`, 'i');
export const PY_WHITESPACE = new RegExp(S, 'g');

const RULES = {
  LEFT_PARENTHESIS: /\(/y,
  RIGHT_PARENTHESIS: /\)/y,
  LEFT_BRACKET: /\[/y,
  RIGHT_BRACKET: /\]/y,
  SEMICOLON: /;/y,
  COMMA: /,/y,
  QUOTED_STRING: /'[^']*'|"[^"]*"/y,
  OP: /===|==|~=|!=|<=|>=|<|>/y,
  BOOLOP: wordBounded('or|and'),
  IN: wordBounded('in'),
  NOT: wordBounded('not'),
  VARIABLE: wordBounded(
    'python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)' +
      '|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)' +
      '|extras?|dependency_groups',
  ),
  // Not Unicode mode: the `i` flag then folds ASCII letters only, like packaging's `(?a:...)` groups.
  SPECIFIER: new RegExp(SPECIFIER_SOURCE, 'iy'),
  AT: /@/y,
  URL: /[^ \t]+/y,
  IDENTIFIER: new RegExp(`(?<!${W})[a-zA-Z0-9][a-zA-Z0-9._-]*(?:(?<=${W})(?!${W})|(?<!${W})(?=${W}))`, 'uy'),
  VERSION_PREFIX_TRAIL: /\.\*/y,
  VERSION_LOCAL_LABEL_TRAIL: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  WS: /[ \t]+/y,
} satisfies Record<string, RegExp>;

export type TokenName = keyof typeof RULES | 'END';

/**
 * The characters each rule's match can start with. The parser probes many rules at each position and most probes
 * fail; a failing probe then costs one character test instead of a regular-expression run (the Unicode lookbehinds
 * are slow). Rules not listed here always run their expression.
 */
const FIRST_CHARS: Partial<Record<TokenName, string>> = {
  LEFT_PARENTHESIS: '(',
  RIGHT_PARENTHESIS: ')',
  LEFT_BRACKET: '[',
  RIGHT_BRACKET: ']',
  SEMICOLON: ';',
  COMMA: ',',
  QUOTED_STRING: '\'"',
  OP: '=~!<>',
  BOOLOP: 'oa',
  IN: 'i',
  NOT: 'n',
  VARIABLE: 'posied',
  SPECIFIER: '=~!<>',
  AT: '@',
  VERSION_PREFIX_TRAIL: '.',
  VERSION_LOCAL_LABEL_TRAIL: '+',
  WS: ' \t',
};

export class Tokenizer {
  position = 0;

  constructor(readonly source: string) {}

  /** Length of the token `name` at the current position, or -1. */
  private match(name: TokenName): number {
    if (name === 'END') return this.position === this.source.length ? 0 : -1;
    const first = FIRST_CHARS[name];
    if (first !== undefined && (this.position >= this.source.length || !first.includes(this.source[this.position]))) return -1;
    const rule = RULES[name];
    rule.lastIndex = this.position;
    const m = rule.exec(this.source);
    return m ? m[0].length : -1;
  }

  /** Whether the next token is `name`, without consuming it. */
  peek(name: TokenName): boolean {
    return this.match(name) >= 0;
  }

  /** Consumes and returns the token `name` when it is next. */
  take(name: TokenName): Token | undefined {
    const length = this.match(name);
    if (length < 0) return undefined;
    const token = { name, text: this.source.slice(this.position, this.position + length), position: this.position };
    this.position += length;
    return token;
  }

  consume(name: TokenName): void {
    this.take(name);
  }

  expect(name: TokenName, expected: string): Token {
    const token = this.take(name);
    if (!token) this.fail(`Expected ${expected}`);
    return token;
  }

  fail(message: string, start = this.position, end = this.position): never {
    throw new ParserSyntaxError(message, { start, end });
  }

  /** Runs `body` inside optional `open`/`close` tokens (parentheses or brackets), as packaging's enclosing_tokens. */
  enclosed<T>(open: TokenName, close: TokenName, around: string, body: () => T): T {
    const openPosition = this.peek(open) ? this.position : undefined;
    if (openPosition !== undefined) this.consume(open);
    const result = body();
    if (openPosition !== undefined && !this.take(close)) {
      this.fail(`Expected matching ${close} for ${open}, after ${around}`, openPosition);
    }
    return result;
  }
}
