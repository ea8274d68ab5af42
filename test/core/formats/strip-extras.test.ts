import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trailingExtrasStart } from '../../../src/core/formats/requirements/interpret';
import { parseManifest } from '../../../src/core/formats';
import { rng } from '../../support/random';

/** pip's strip_extras regex (req_install.py), which the function replaces: the reference for where it splits. */
const PIP_STRIP_EXTRAS = /^(.+)(\[[^\]]+\])$/s;
const reference = (text: string): number | undefined => {
  const m = PIP_STRIP_EXTRAS.exec(text);
  return m ? m[1].length : undefined;
};

test('trailingExtrasStart splits where pip\'s strip_extras regex does', () => {
  const fixed = ['./pkg[dev]', 'a[b]', '[b]', 'a[]', 'a[b]]', 'a[[b]', 'a[b][c]', 'a[b]c', './x[y\nz]', ']', '', 'a]', 'a[b] ', 'x[ [a]'];
  for (const text of fixed) assert.equal(trailingExtrasStart(text), reference(text), JSON.stringify(text));
  const rnd = rng(7);
  const alphabet = ['[', ']', 'a', ' ', '\n', '.', '/', ','];
  for (let i = 0; i < 20000; i++) {
    let text = '';
    for (let n = Math.floor(rnd() * 12); n > 0; n--) text += alphabet[Math.floor(rnd() * alphabet.length)];
    assert.equal(trailingExtrasStart(text), reference(text), JSON.stringify(text));
  }
});

test('a local path loses its extras as pip strips them; a line of thousands of brackets is read as one bad line', () => {
  const ok = parseManifest('requirements.txt', './vendor/pkg[dev,test]\n');
  assert.deepEqual(ok.localInstalls?.map((l) => l.target), ['./vendor/pkg']);
  // The regex took seconds here (quadratic backtracking); the fuzz test's time bound found it.
  const bad = parseManifest('requirements.txt', `--no-binary fred\n${'= ['.repeat(20000)}\n`);
  assert.equal(bad.requirements.length, 0);
  assert.ok(bad.findings.some((f) => f.range.start.line === 1), 'the bad line gets a finding');
});
