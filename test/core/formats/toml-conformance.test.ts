// toml-test 1.0.0 conformance of our TOML reading path (toml-eslint-parser plus the corrections in parseTomlText),
// checked both on parseTomlText directly and through parsePyproject's `toml-syntax` findings.
import { CONFORMANCE } from '../../conformance-data';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getStaticTOMLValue, traverseNodes } from 'toml-eslint-parser';
import { MAX_TOML_NESTING, parseTomlText, tomlNestingTooDeep } from '../../../src/core/formats/toml/strings';
import { parsePyproject } from '../../../src/core/formats/pyproject';

const ROOT = join(CONFORMANCE, 'toml-test');
const LIST = readFileSync(join(ROOT, 'files-toml-1.0.0'), 'utf8').split('\n').filter((f) => f.endsWith('.toml'));
const VALID = LIST.filter((f) => f.startsWith('valid/'));
const INVALID = LIST.filter((f) => f.startsWith('invalid/'));

/** Decodes as the extension does; undefined for bytes that are not UTF-8 (reported as `unreadable-file`). */
function readUtf8(file: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(ROOT, file)));
  } catch {
    return undefined;
  }
}

type Tagged = { type: string; value: string } | Tagged[] | { [key: string]: Tagged };

function isLeaf(x: Tagged): x is { type: string; value: string } {
  return !Array.isArray(x) && typeof x.type === 'string' && typeof x.value === 'string' && Object.keys(x).length === 2;
}

function expectedFloat(s: string): number {
  if (/^[+-]?nan$/.test(s)) return NaN;
  if (/^[+-]?inf$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return Number(s);
}

/** Compares a getStaticTOMLValue result with toml-test's tagged JSON; returns a difference or undefined. */
function diff(actual: unknown, expected: Tagged, at: string): string | undefined {
  if (isLeaf(expected)) {
    const { type, value } = expected;
    switch (type) {
      case 'string': return actual === value ? undefined : `${at}: ${JSON.stringify(actual)} != ${JSON.stringify(value)}`;
      case 'bool': return actual === (value === 'true') ? undefined : `${at}: ${String(actual)} != ${value}`;
      // Beyond 2^53 getStaticTOMLValue can only give the nearest double; the exact bigint is checked separately.
      case 'integer': return actual === Number(BigInt(value)) ? undefined : `${at}: ${String(actual)} != ${value}`;
      case 'float': return Object.is(actual, expectedFloat(value)) ? undefined : `${at}: ${String(actual)} != ${value}`;
      default: return actual instanceof Date ? undefined : `${at}: expected a ${type}, got ${String(actual)}`;
    }
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${at}: array shape differs`;
    for (let i = 0; i < expected.length; i++) {
      const d = diff(actual[i], expected[i], `${at}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual) || actual instanceof Date) {
    return `${at}: expected a table`;
  }
  const keys = Object.keys(expected).sort();
  const actualKeys = Object.keys(actual).sort();
  if (JSON.stringify(keys) !== JSON.stringify(actualKeys)) return `${at}: keys ${actualKeys} != ${keys}`;
  for (const k of keys) {
    const d = diff((actual as Record<string, unknown>)[k], expected[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}

function hasTomlSyntaxFinding(file: string, text: string): boolean {
  return parsePyproject(file, text).findings.some((f) => f.code === 'toml-syntax');
}

describe('toml-test 1.0.0', () => {
  test('the list has the expected size', () => {
    assert.equal(VALID.length, 210);
    assert.equal(INVALID.length, 499);
  });

  test('every valid file parses and its value matches the tagged JSON', () => {
    const failures: string[] = [];
    for (const file of VALID) {
      const text = readUtf8(file);
      if (text === undefined) { failures.push(`${file}: not UTF-8`); continue; }
      const result = parseTomlText(text);
      if (!result.ast) { failures.push(`${file}: ${result.error.message}`); continue; }
      const expected = JSON.parse(readFileSync(join(ROOT, file.replace(/\.toml$/, '.json')), 'utf8')) as Tagged;
      const d = diff(getStaticTOMLValue(result.ast), expected, file);
      if (d) failures.push(d);
    }
    assert.deepEqual(failures, []);
  });

  test('every valid file gives no toml-syntax finding through parsePyproject', () => {
    const failures = VALID.filter((file) => hasTomlSyntaxFinding(file, readUtf8(file) ?? ''));
    assert.deepEqual(failures, []);
  });

  test('integers beyond 2^53 keep their exact value on the AST', () => {
    const text = readUtf8('valid/integer/long.toml')!;
    const result = parseTomlText(text);
    assert.ok(result.ast);
    const bigints: bigint[] = [];
    traverseNodes(result.ast, {
      enterNode(node) { if (node.type === 'TOMLValue' && node.kind === 'integer') bigints.push(node.bigint); },
      leaveNode() {},
    });
    assert.deepEqual(bigints.sort(), [-9223372036854775808n, 9223372036854775807n].sort());
  });

  test('every invalid file is rejected (non-UTF-8 ones by the decoder) with no expected exceptions', () => {
    const accepted: string[] = [];
    let undecodable = 0;
    for (const file of INVALID) {
      const text = readUtf8(file);
      if (text === undefined) { undecodable++; continue; }
      if (parseTomlText(text).ast) accepted.push(file);
      if (!hasTomlSyntaxFinding(file, text)) accepted.push(`${file} (parsePyproject)`);
    }
    assert.deepEqual(accepted, []);
    assert.equal(undecodable, 9);
  });

  test('a bare CR is rejected at its own position; CRLF is fine', () => {
    const bad = parseTomlText('a = 1\r\nb = 2 # note\rc = 3\n');
    assert.equal(bad.error?.offset, 19);
    assert.ok(parseTomlText('a = 1\r\nb = """x\r\ny"""\r\n').ast);
    // The earlier of a library error and a bare CR wins.
    assert.equal(parseTomlText('a = 1 # x\rb = =').error?.offset, 9);
    assert.equal(parseTomlText('a = =\r').error?.offset, 4);
  });

  test('a byte-order mark left after decoding is an error, not whitespace', () => {
    assert.ok(parseTomlText('a = 1\n').ast);
    assert.equal(parseTomlText('\ufeffa = 1\n').error?.offset, 0);
  });
});

describe('nesting guard', () => {
  test('refuses more than MAX_TOML_NESTING levels at the first opener past the limit', () => {
    const deep = `a = ${'['.repeat(MAX_TOML_NESTING + 1)}${']'.repeat(MAX_TOML_NESTING + 1)}\n`;
    assert.equal(parseTomlText(deep).error?.offset, 4 + MAX_TOML_NESTING);
    const ok = `a = ${'['.repeat(MAX_TOML_NESTING)}${']'.repeat(MAX_TOML_NESTING)}\n`;
    assert.ok(parseTomlText(ok).ast);
  });

  test('brackets in strings and comments do not count', () => {
    const many = '['.repeat(MAX_TOML_NESTING + 10);
    for (const text of [`a = "${many}"\n`, `a = '${many}'\n`, `a = """\n${many}\n"""\n`, `a = '''${many}'''\n`,
      `# ${many}\na = 1\n`, `a = """x""""\nb = "${many}"\n`, `a = "\\"${many}"\n`]) {
      assert.equal(tomlNestingTooDeep(text), -1, text.slice(0, 12));
      assert.ok(parseTomlText(text).ast, text.slice(0, 12));
    }
  });
});
