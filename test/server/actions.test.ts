// The edits fix-all-in-workspace sends: applying them to the old text gives exactly the new one, and lines that did
// not change are not part of any edit (comments and formatting stay untouched).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editsToApply } from '../../src/core/engine/apply';
import type { Finding, TextEdit } from '../../src/core/types';
import { textEditsBetween } from '../../src/server/actions';

const apply = (from: string, to: string) => TextDocument.applyEdits(TextDocument.create('file:///x', 'x', 1, from), textEditsBetween(from, to));

test('textEditsBetween: line edits that reproduce the new text', () => {
  const before = '# keep me\ntorch==2.2.0\n\nnumpy<2  # and me\ndiffusers>=0.21.0';
  const after = '# keep me\ntorch==2.3.0\n\nnumpy<2  # and me\ndiffusers>=0.29.0\n\n[tool.uv]\n';
  assert.equal(apply(before, after), after);
  const edits = textEditsBetween(before, after);
  assert.deepEqual(edits.map((e) => e.range.start.line), [1, 4]);
  assert.equal(apply('a\nb\n', 'a\nb\n'), 'a\nb\n');
  assert.deepEqual(textEditsBetween('a\nb\n', 'a\nb\n'), []);
  assert.equal(apply('', 'x\n'), 'x\n');
  assert.equal(apply('x\r\ny\r\n', 'x\r\nz\r\n'), 'x\r\nz\r\n');
});

test('textEditsBetween: any two texts', () => {
  const line = fc.constantFrom('a', 'b', '# c', '', 'torch==2.2.0', 'x  ');
  const text = fc.array(line, { maxLength: 8 }).chain((ls) => fc.constantFrom('', '\n').map((end) => ls.join('\n') + end));
  fc.assert(fc.property(text, text, (a, b) => apply(a, b) === b), { numRuns: 300 });
});

// Fix-all (workspace, file, on save) takes its edits from the core's fix loop: the same rule holds there.
test('editsToApply: a fix whose edits touch a taken edit is left out whole', () => {
  const e = (line: number, text: string) => ({ path: '/p', range: { start: { line, character: 0 }, end: { line, character: 3 } }, newText: text });
  const nonOverlapping = (groups: TextEdit[][]) => editsToApply(groups.map((edits) => ({ path: '/p', finding: {
    code: 'x', severity: 'error', message: '', packages: [], range: edits[0].range, fixes: [{ title: 't', applicability: 'safe', edits }] } satisfies Finding })))
    .get('/p') ?? [];
  assert.deepEqual(nonOverlapping([[e(1, 'a')], [e(1, 'b'), e(5, 'c')], [e(5, 'd')]]).map((x) => x.newText), ['a', 'd']);
});
