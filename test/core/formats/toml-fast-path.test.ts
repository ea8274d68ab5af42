// pyproject.toml files of the common shape are read by fastParseToml, everything else by toml-eslint-parser. Whenever
// the fast reader accepts a document it must give the parser's AST (every node's type, value, range, resolved key),
// and it must never accept a document the parser rejects: checked on toml-test 1.0.0 (valid and invalid), on the
// example projects, and on generated documents mixing the common shapes with near misses.
import { CONFORMANCE } from '../../conformance-data';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseTOML } from 'toml-eslint-parser';
import { fastParseToml } from '../../../src/core/formats/toml/fast';

const root = join(import.meta.dirname, '..', '..', '..');

/** The AST without what the fast reader does not build (tokens, comments, loc, parent links). */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'parent' || k === 'loc' || k === 'tokens' || k === 'comments') continue;
    out[k] = strip(v);
  }
  return out;
}

function full(text: string): unknown {
  try {
    return strip(parseTOML(text, { tomlVersion: '1.0' }));
  } catch {
    return undefined;
  }
}

/** Returns whether the fast reader took the document. */
function same(text: string, where = JSON.stringify(text)): boolean {
  const fast = fastParseToml(text);
  if (!fast) return false;
  const expected = full(text);
  assert.ok(expected !== undefined && !/\r(?!\n)/.test(text), `the fast reader accepted an invalid document: ${where}`);
  assert.deepStrictEqual(strip(fast), expected, where);
  return true;
}

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'node_modules') files(p, out); } else if (name.endsWith('.toml')) out.push(p);
  }
  return out;
}

describe('fastParseToml', () => {
  test('the common pyproject shape is read fast and exactly', () => {
    const doc = [
      '# A project', '[build-system]', 'requires = ["setuptools>=61", "wheel"]', 'build-backend = "setuptools.build_meta"', '',
      '[project]', "name = 'demo'  # the name", 'version = "1.0"', 'requires-python = ">=3.10"', 'dependencies = [',
      '    "torch>=2.1",  # pinned below', "    'numpy<2; python_version < \"3.12\"',", '    "diffusers==0.27.2",', ']', 'dynamic = []',
      '', '[project.optional-dependencies]', 'dev = ["pytest"]', 'docs = [', '  "sphinx", "furo"', ']', '',
      '[dependency-groups]', 'test = ["pytest>=8"]', '', '[[tool.uv.index]]', 'name = "pytorch"', 'url = "https://download.pytorch.org/whl/cpu"',
      'explicit = true', '[[tool.uv.index]]', 'name = "other"', '', '[tool.ml-pins]', 'disable = ["x"]', '',
    ];
    for (const eol of ['\n', '\r\n']) {
      for (const text of [doc.join(eol), doc.join(eol).trimEnd(), `${eol}${doc.join(eol)}`, `  # lead${eol}${doc.slice(5).join(eol)}`]) {
        assert.ok(same(text), `read fast: ${JSON.stringify(text.slice(0, 40))}`);
      }
    }
    assert.ok(same(''));
    assert.ok(same('\n# only a comment\n'));
    assert.ok(same('a = "top"\nb = true\n[t]\n'));
  });

  test('decimal integers are read fast, with the parser\'s value, bigint and text; other numbers are left to it', () => {
    for (const v of ['0', '7', '-7', '+7', '1_000', '-12_345_678', '123456789012345']) assert.ok(same(`[tool.x]\nk = ${v}\n`), v);
    for (const v of ['+0', '-0', '01', '1__0', '1_', '_1', '1.5', '1e3', '0x1f', '0o7', '0b1', 'inf', '1979-05-27', '1234567890123456', '12abc']) {
      assert.equal(fastParseToml(`k = ${v}\n`), undefined, v);
    }
    assert.equal(fastParseToml('k = 0'), undefined, 'a number that ends the text (the parser gives `0` an empty range there)');
  });

  test('toml-test 1.0.0: never accepts an invalid document, and gives the parser AST for valid ones', () => {
    const base = join(CONFORMANCE, 'toml-test');
    const list = readFileSync(join(base, 'files-toml-1.0.0'), 'utf8').split('\n').filter((f) => f.endsWith('.toml'));
    let fast = 0;
    for (const file of list) {
      let text: string;
      try { text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(base, file))); } catch { continue; }
      if (same(text, file)) fast++;
    }
    assert.ok(fast > 10, `some toml-test documents take the fast path (${fast})`);
  });

  test('the example projects and test fixtures', () => {
    for (const file of files(join(root, 'examples')).concat(files(join(root, 'test')))) same(readFileSync(file, 'utf8'), file);
  });

  test('generated documents: the common shapes and near misses', () => {
    const PIECES = ['[project]', '[tool.x]', '[tool.x.y]', '[[tool.a]]', '[[tool.a.b]]', '[tool]', '[ tool ]', '[tool.x ]', '[a."b"]',
      '[project.urls]', '[[project]]', '[]', '[a..b]', 'dependencies = [', 'dependencies = []', 'x = "a"', 'x = \'b\'', 'y = true', 'y = false',
      'y = trueish', 'z = 1', 'z = -42', 'z = +1_000', 'z = 0', 'z = +0', 'z = -0', 'z = 01', 'z = 1__0', 'z = 1_', 'z = 1.5', 'z = 1e3',
      'z = 0x1f', 'z = 1979-05-27', 'z = 1234567890123456', 'z = 12abc', 'k = [1]', 'k = "a\\"b"', "k = '''m'''", 'k = """m"""', 'k = "é😀"', 'k = "\u007f"', 'k = "\t"', '"q" = 1', 'a.b = "x"',
      'urls = "x"', 'k="x"', 'k= [ "a" , ]', 'k = ["a",,]', 'k = [,]', 'k = ["a" "b"]', 'k = [true]', 'k = [["a"]]', 'k = {a = "b"}',
      '"torch>=2",', "'numpy',", '"x" # c', '# comment', '#\u0001', ']', '],', '', ' ', '\t', 'x', '=', 'x =', '= "a"', 'k = "unterminated',
      '\ufeff', '\r', 'k = "a"\r'];
    const SEPARATORS = ['\n', '\n', '\r\n', ' ', '\n\n', ' # c\n', '\r', ''];
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom(...PIECES), fc.constantFrom(...SEPARATORS)), { maxLength: 14 }),
      (parts) => { same(parts.map(([p, s]) => p + s).join('')); },
    ), { numRuns: 3000 });
  });
});
