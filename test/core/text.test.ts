// normalizeName returns already-normalized names as they are. LineIndex answers from the line of its previous lookup when it can, and scans line breaks two ways (with and
// without carriage returns): checked against a plain reference on generated texts and lookup orders.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupThousands, LineIndex, normalizeName } from '../../src/core/text';

/** The definition: lines end at \n, \r\n or \r; an offset is clamped to the text. */
function reference(text: string, offset: number): { line: number; character: number } {
  const o = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let start = 0;
  for (let i = 0; i < o; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') continue; // the \n ends the line
    if (c === '\n' || c === '\r') {
      line++;
      start = i + 1;
    }
  }
  return { line, character: o - start };
}

describe('LineIndex', () => {
  test('positionAt agrees with the definition whatever the order of lookups', () => {
    const textArb = fc.array(fc.constantFrom('a', 'b', ' ', '\n', '\r', '\r\n', '\n\n', 'é'), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(fc.property(textArb, fc.array(fc.integer({ min: -3, max: 45 }), { maxLength: 30 }), (text, offsets) => {
      const index = new LineIndex(text);
      for (const o of [...offsets, ...[...offsets].sort((a, b) => a - b)]) {
        assert.deepStrictEqual(index.positionAt(o), reference(text, o), `${JSON.stringify(text)} @ ${o}`);
        const p = index.positionAt(o);
        assert.equal(index.offsetAt(p), Math.max(0, Math.min(o, text.length)));
      }
    }), { numRuns: 3000 });
  });
});

describe('normalizeName', () => {
  test('is PEP 503 normalization, with or without its shortcut', () => {
    const nameArb = fc.array(fc.constantFrom('a', 'z', 'A', '0', '9', '-', '--', '_', '.', 'é', 'İ', 'K'), { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(fc.property(nameArb, (name) => {
      assert.equal(normalizeName(name), name.toLowerCase().replace(/[-_.]+/g, '-'), JSON.stringify(name));
    }), { numRuns: 5000 });
  });
});

describe('groupThousands', () => {
  test("writes whole numbers as toLocaleString('en-US') does", () => {
    for (const n of [0, 7, 999, 1000, 2500, 10_000, 999_999, 1_000_000, -1234, Number.MAX_SAFE_INTEGER, 1.5]) {
      assert.equal(groupThousands(n), n.toLocaleString('en-US'), String(n));
    }
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (n) => groupThousands(n) === n.toLocaleString('en-US')), { numRuns: 2000 });
  });
});
