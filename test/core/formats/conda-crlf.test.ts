// A yaml-syntax finding on a CRLF line ends at the line's text, not between `\r` and `\n`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCondaEnvironment } from '../../../src/core/formats/conda';
import { LineIndex } from '../../../src/core/text';

const samples = [
  'dependencies:\r\n  - "a\r\n  - a: b\r\n  - "a\r\n',
  'dependencies:\r\n  - "numpy\r\n  - torch\r\n',
  'name: x\r\ndependencies:\r\n  - numpy\r\n - torch\r\n',
  'name: x\r\ndependencies: [numpy\r\n',
  'name: "x\r\ndependencies:\r\n',
  'dependencies:\r\n  - a\r\n  b: c\r\n',
  'key: value\r\n\tbad: tab\r\n',
  'a: b: c\r\n',
  '- a\r\nb: c\r\n',
  'dependencies:\r\n  - [a\r\n',
];

test('yaml-syntax ranges on CRLF lines end within the text of their line', () => {
  let found = 0;
  for (const text of samples) {
    const index = new LineIndex(text);
    for (const f of parseCondaEnvironment('environment.yml', text).findings.filter((x) => x.code === 'yaml-syntax')) {
      found++;
      for (const p of [f.range.start, f.range.end]) {
        assert.ok(p.character <= index.lineText(p.line).length, `${JSON.stringify(text)}: ${JSON.stringify(f.range)} ${f.message}`);
      }
    }
  }
  assert.ok(found >= 4, `only ${found} yaml-syntax findings`);
});
