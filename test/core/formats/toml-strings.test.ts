import { CONFORMANCE } from '../../conformance-data';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseTOML, traverseNodes } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { decodeTomlString, tomlValueToDoc } from '../../../src/core/formats/toml/strings';

/** The first string value in a one-key document. */
function stringNode(text: string): AST.TOMLStringValue {
  const ast = parseTOML(text, { tomlVersion: '1.0' });
  const kv = ast.body[0].body[0];
  assert.equal(kv.type, 'TOMLKeyValue');
  const value = kv.value;
  assert.ok(value.type === 'TOMLValue' && value.kind === 'string');
  return value;
}

/** The raw document text covered by decoded units [from, to). */
function rawSlice(text: string, from: number, to: number): string {
  const node = stringNode(text);
  const map = tomlValueToDoc(text, node);
  return text.slice(map(from), map(to));
}

describe('tomlValueToDoc', () => {
  test('basic string: offsets sit inside the quotes', () => {
    const text = 'a = "torch>=2"\n';
    const map = tomlValueToDoc(text, stringNode(text));
    assert.equal(map(0), 5);
    assert.equal(map(5), 10);
    assert.equal(map(8), 13);
    assert.equal(text[map(8)], '"');
  });

  test('unicode escapes cover their whole escape sequence', () => {
    const text = 'a = "torch\\u003e=2"';
    const node = stringNode(text);
    assert.equal(node.value, 'torch>=2');
    const map = tomlValueToDoc(text, node);
    assert.equal(text.slice(map(0), map(5)), 'torch');
    assert.equal(text.slice(map(5), map(8)), '\\u003e=2');
    assert.equal(text.slice(map(5), map(6)), '\\u003e');
  });

  test('\\U escape producing a surrogate pair maps both units to the escape', () => {
    const text = 'a = "x\\U0001F600y"';
    const node = stringNode(text);
    assert.equal(node.value, 'x\u{1F600}y');
    const map = tomlValueToDoc(text, node);
    assert.equal(map(1), map(2));
    assert.equal(text.slice(map(1), map(3)), '\\U0001F600');
    assert.equal(text.slice(map(3), map(4)), 'y');
  });

  test('literal strings map one to one, backslashes included', () => {
    const text = "a = 'C:\\path>=1'";
    assert.equal(rawSlice(text, 0, 9), 'C:\\path>=');
  });

  test('multi-line basic: leading newline trimmed, CRLF normalized, line-ending backslash skipped', () => {
    const text = 'a = """\r\ntorch \\\r\n     >=2\r\nnumpy"""';
    const node = stringNode(text);
    assert.equal(node.value, 'torch >=2\nnumpy');
    const map = tomlValueToDoc(text, node);
    assert.equal(text.slice(map(0), map(5)), 'torch');
    assert.equal(text.slice(map(6), map(9)), '>=2');
    assert.equal(text.slice(map(9), map(10)), '\r\n');
    assert.equal(text.slice(map(10), map(15)), 'numpy');
    assert.equal(text.slice(map(15)), '"""');
  });

  test("'end' bias stops a range before a line continuation; 'start' skips past it", () => {
    const text = 'a = """torch\\\n    >=2"""';
    const node = stringNode(text);
    assert.equal(node.value, 'torch>=2');
    const map = tomlValueToDoc(text, node);
    assert.equal(text.slice(map(0), map(5, 'end')), 'torch');
    assert.equal(text.slice(map(0), map(5)), 'torch\\\n    ');
    assert.equal(text.slice(map(5), map(8, 'end')), '>=2');
    assert.equal(map(0, 'end'), map(0));
  });

  test('multi-line literal keeps backslashes and trims only the first newline', () => {
    const text = "a = '''\ntorch\\\n>=2'''";
    const node = stringNode(text);
    assert.equal(node.value, 'torch\\\n>=2');
    assert.equal(rawSlice(text, 0, 6), 'torch\\');
    assert.equal(rawSlice(text, 7, 10), '>=2');
  });

  test('multi-line basic with quotes right before the closing delimiter', () => {
    const text = 'a = """x>=1"""""';
    const node = stringNode(text);
    assert.equal(node.value, 'x>=1""');
    assert.equal(rawSlice(text, 0, 6), 'x>=1""');
  });

  test('falls back to a clamped mapping when the node does not match its token', () => {
    const text = 'a = "abc"';
    const node = { ...stringNode(text), value: 'something else' };
    const map = tomlValueToDoc(text, node);
    assert.equal(map(0), 5);
    assert.equal(map(100), 8);
  });

  test('property: one-line strings without escapes map as decoding them would (the shortcut agrees)', () => {
    const chars = fc.constantFrom('a', 'Z', '>', '=', ' ', ';', 'é', '\u{1F600}', "'", '\\', '"');
    fc.assert(fc.property(fc.array(chars, { maxLength: 12 }), fc.boolean(), (cs, literal) => {
      const body = cs.filter((c) => (literal ? c !== "'" : c !== '"' && c !== '\\')).join('');
      const q = literal ? "'" : '"';
      const text = `k = ${q}${body}${q}\n`;
      const node = stringNode(text);
      const decoded = decodeTomlString(text.slice(node.range[0], node.range[1]), node)!;
      const map = tomlValueToDoc(text, node);
      for (let i = -2; i <= body.length + 2; i++) {
        const k = Math.max(0, Math.min(i, decoded.offsets.length - 1));
        assert.equal(map(i), node.range[0] + decoded.offsets[k], `${text} @ ${i}`);
        assert.equal(map(i, 'end'), node.range[0] + (k > 0 ? decoded.ends[k - 1] : decoded.offsets[k]), `${text} @ ${i} end`);
      }
    }));
  });

  test('decodeTomlString rejects malformed escapes instead of guessing', () => {
    assert.equal(decodeTomlString('"\\q"', { style: 'basic', multiline: false }), undefined);
    assert.equal(decodeTomlString('"\\u12"', { style: 'basic', multiline: false }), undefined);
    assert.equal(decodeTomlString('"\\uD800"', { style: 'basic', multiline: false }), undefined);
  });

  test('decodes every string of the toml-test valid suite exactly as the parser does', () => {
    const root = join(CONFORMANCE, 'toml-test');
    const files = readFileSync(join(root, 'files-toml-1.0.0'), 'utf8').split('\n')
      .filter((f) => f.startsWith('valid/') && f.endsWith('.toml'));
    assert.ok(files.length > 200);
    let strings = 0;
    for (const file of files) {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(join(root, file)));
      const ast = parseTOML(text, { tomlVersion: '1.0' });
      traverseNodes(ast, {
        enterNode(node) {
          if ((node.type === 'TOMLValue' && node.kind === 'string') || node.type === 'TOMLQuoted') {
            const decoded = decodeTomlString(text.slice(node.range[0], node.range[1]), node);
            assert.equal(decoded?.value, node.value, `${file} at ${node.range[0]}`);
            strings++;
          }
        },
        leaveNode() {},
      });
    }
    assert.ok(strings > 300, `only ${strings} strings checked`);
  });

  test('property: every decoded unit maps to the raw text that produced it', () => {
    // Each character is written either plainly or as a \u escape; the mapped raw slice must decode to it.
    const piece = fc.record({
      ch: fc.constantFrom('a', 'Z', '>', '=', ' ', ';', 'é', '\u{1F600}', '"', '\\'),
      escape: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }), fc.boolean(), (pieces, multiline) => {
      const rawOf = (ch: string, escape: boolean): string => {
        if (escape || ch === '"' || ch === '\\') {
          const cp = ch.codePointAt(0)!;
          return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
        }
        return ch;
      };
      const body = pieces.map((p) => rawOf(p.ch, p.escape)).join('');
      const q = multiline ? '"""' : '"';
      const text = `k = ${q}${body}${q}\n`;
      const node = stringNode(text);
      const expected = pieces.map((p) => p.ch).join('');
      assert.equal(node.value, expected);
      const map = tomlValueToDoc(text, node);
      let unit = 0;
      for (const p of pieces) {
        assert.equal(text.slice(map(unit), map(unit + p.ch.length)), rawOf(p.ch, p.escape));
        unit += p.ch.length;
      }
      assert.equal(text.slice(map(unit)), `${q}\n`);
    }));
  });
});
