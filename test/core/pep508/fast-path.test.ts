// parseRequirement reads the common shapes (`name==1.2`, `name>=1,<2; marker`) by hand. That fast path must give
// exactly what the tokenizer path gives, or decline: checked here on the conformance vectors and on generated text
// built from the pieces where the two could disagree (names, operators, versions, trails, whitespace, markers).
import { CONFORMANCE } from '../../conformance-data';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRequirement } from '../../../src/core/pep508';
import { parseRequirementGeneral, parseSimpleRequirement } from '../../../src/core/pep508/requirement';

/** The fast path either declines or returns exactly the general path's value (which must then be a success). */
function agree(text: string): boolean {
  const fast = parseSimpleRequirement(text);
  const general = parseRequirementGeneral(text);
  assert.deepStrictEqual(parseRequirement(text), fast ? { ok: true, value: fast } : general, JSON.stringify(text));
  if (!fast) return false;
  assert.ok(general.ok, `fast path accepted ${JSON.stringify(text)}, general path rejects it: ${general.ok ? '' : general.error.message}`);
  assert.deepStrictEqual(fast, general.value, JSON.stringify(text));
  // Same key order too, so anything serialized from a requirement does not depend on the path taken.
  assert.deepEqual(Object.keys(fast), Object.keys(general.value), JSON.stringify(text));
  // Without the marker tree: everything else is the same.
  const { marker, ...withoutTree } = fast;
  void marker;
  assert.deepStrictEqual(parseRequirement(text, { markerTree: false }), { ok: true, value: withoutTree }, JSON.stringify(text));
  return true;
}

const NAMES = ['torch', 'a', 'A9', 'huggingface-hub', 'zope.interface', 'foo_bar', 'x-', 'x_', 'x.', '9', 'é', 'naïve', 'a__b'];
const OPS = ['==', '!=', '>=', '<=', '<', '>', '~=', '===', '=', '=>', '!', '~'];
const VERSIONS = ['1', '1.2.3', '2.1.0', '0.17', '1.0rc1', '1.0.post1', '1.0.dev0', '1!2.0', 'v1.0', '1.0+cu121', '2.*', '1.0.*',
  '1.0a', '1.0-1', '1.0_a1', 'abc', '1..2', ''];
const TRAILS = ['', '.*', '+local', ',', ', ', ' ,', ' ', '\t', '\x1c', '\u00a0', ')', ']', '@', '#', 'é', ';', ' ;'];
const MARKERS = ["python_version >= '3.10'", 'sys_platform == "linux"', 'extra == "Test_X"', 'os_name', '(python_version<"3.9")',
  'python_version >= "3" and os_name == "nt" or extra == "a"', '"a" in extras', 'platform_machine not in "x86_64"', 'bad', ''];

/** Mostly `usual`, sometimes one of the odd pieces: generated text then lands on both sides of the fast path. */
const mostly = (usual: string, odd: string[]) => fc.oneof({ weight: 6, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });

const clause = fc.tuple(fc.constantFrom(...OPS), mostly('', [' ', '\x1c']), fc.constantFrom(...VERSIONS), mostly('', TRAILS))
  .map(([op, ws, v, trail]) => `${op}${ws}${v}${trail}`);
const requirementText = fc.tuple(
  mostly('', [' ', '\t']),
  fc.constantFrom(...NAMES),
  mostly('', [' ', '[x]', '(', '@ https://x/y.whl', '\u00e9']),
  fc.array(clause, { maxLength: 3 }),
  mostly('', [' ', ',', ')']),
  fc.option(fc.tuple(fc.constantFrom(';', ' ;', '; ', ' ; ', ';;'), fc.constantFrom(...MARKERS), mostly('', [' ', ' x'])), { nil: undefined }),
).map(([lead, name, mid, clauses, end, marker]) =>
  `${lead}${name}${mid}${clauses.join(',')}${end}${marker ? `${marker[0]}${marker[1]}${marker[2]}` : ''}`);

describe('pep508 fast path agrees with the tokenizer path', () => {
  test('takes the common shapes', () => {
    for (const text of ['torch==2.1.0', 'numpy', 'a>=1,<2', 'huggingface-hub~=0.20.3', 'Zope.Interface!=1.0',
      "diffusers>=0.25; python_version >= '3.10'", 'torch==2.1.0+cu121', 'x>=1 ; os_name == "nt"', 'numpy;extra=="A"', 'torch==1.*']) {
      assert.ok(agree(text), `the fast path declined ${JSON.stringify(text)}`);
    }
  });

  test('declines what it does not read, leaving errors and messages to the tokenizer path', () => {
    for (const text of ['', ' torch', 'torch ', 'torch >=1', 'torch>= 1', 'torch>=1,', 'torch>=1 ,<2', 'torch>=1.*', 'torch>=1.0+cu1',
      'torch===1.0', 'torch[x]', 'torch(>=1)', 'torch @ https://x', 'x_==1', 'torch>=1;', 'torch>=1; bad', 'torch>=1 x',
      'torch>=\x1c1', 'naïve==1']) {
      assert.equal(agree(text), false, JSON.stringify(text));
    }
  });

  test('conformance vectors (pypa/packaging)', () => {
    const vectors = JSON.parse(readFileSync(join(CONFORMANCE, 'pep508.json'), 'utf8')) as {
      requirements_valid: { input: string }[];
      requirements_invalid: { input: string }[];
    };
    let taken = 0;
    for (const { input } of [...vectors.requirements_valid, ...vectors.requirements_invalid]) if (agree(input)) taken++;
    assert.ok(taken > 0, 'the fast path took none of the conformance inputs');
  });

  test('generated requirement text', () => {
    let taken = 0;
    fc.assert(fc.property(requirementText, (text) => { if (agree(text)) taken++; }), { numRuns: 20000 });
    assert.ok(taken > 1000, `the fast path took only ${taken} generated inputs`);
  });

  test('generated text from a small alphabet', () => {
    const chars = fc.constantFrom(...'aZ9._-=<>!~,;*+ \t()[]@\'"\x1c\u00e9'.split(''));
    fc.assert(fc.property(fc.array(chars, { maxLength: 14 }).map((cs) => cs.join('')), (text) => { agree(text); }), { numRuns: 20000 });
  });
});
