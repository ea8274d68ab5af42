import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { poetryToPep440 } from '../../../src/core/formats/pyproject/poetry';
import { VersionSet } from '../../../src/core/pep440/intervals';

const cases: [string, string[] | null][] = [
  // Poetry's documentation, "Caret requirements" and "Tilde requirements".
  ['^1.2.3', ['>=1.2.3,<2.0.0']],
  ['^1.2', ['>=1.2,<2.0']],
  ['^1', ['>=1,<2']],
  ['^0.2.3', ['>=0.2.3,<0.3.0']],
  ['^0.0.3', ['>=0.0.3,<0.0.4']],
  ['^0.0', ['>=0.0,<0.1']],
  ['^0', ['>=0,<1']],
  ['~1.2.3', ['>=1.2.3,<1.3.0']],
  ['~1.2', ['>=1.2,<1.3']],
  ['~1', ['>=1,<2']],
  // Wildcards, any, PEP 440 operators.
  ['0.25.*', ['==0.25.*']],
  ['==1.*', ['==1.*']],
  ['!=1.2.*', ['!=1.2.*']],
  ['*', ['']],
  ['x', ['']],
  ['~=0.25', ['~=0.25']],
  ['~=1.2.3', ['~=1.2.3']],
  ['~=1', ['>=1,<1.1']],
  ['~=1.2.3.4', ['>=1.2.3.4,<1.3.0.0']],
  // Several clauses, alternatives, bare versions.
  ['>=1,<2', ['>=1,<2']],
  ['>=1 <2', ['>=1,<2']],
  ['>= 1, < 2', ['>=1,<2']],
  ['>=2.0,', ['>=2.0']],
  ['1.2 || 1.4', ['==1.2', '==1.4']],
  ['^1.0 | ~0.9', ['>=1.0,<2.0', '>=0.9,<0.10']],
  ['==1.0', ['==1.0']],
  ['=1.0', ['==1.0']],
  ['1.0', ['==1.0']],
  ['<>1.0', ['!=1.0']],
  [' ^2.1 ', ['>=2.1,<3.0']],
  ['^1.2.3b1', ['>=1.2.3b1,<2.0.0']],
  ['^1!2.3', ['>=1!2.3,<1!3.0']],
  ['==2.2.0+rocm5.7', ['==2.2.0+rocm5.7']],
  ['>=1.0+cpu', ['>=1.0']],
  // Invalid.
  ['', null],
  ['foo', null],
  ['^', null],
  ['1.x', null],
  ['>=1.0,<', null],
  ['==2.0a1.*', null],
];

describe('poetryToPep440', () => {
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.deepEqual(poetryToPep440(input), expected));
  }

  test('caret and tilde keep Poetry meaning as version sets', () => {
    const set = (c: string) => VersionSet.fromSpecifierSet(poetryToPep440(c)![0]);
    assert.ok(set('^0.25').contains('0.25.9') && !set('^0.25').contains('0.26.0'));
    assert.ok(set('~0.25').contains('0.25.9') && !set('~0.25').contains('0.26.0'));
    assert.ok(set('^1.2').contains('1.9') && !set('^1.2').contains('2.0'));
    assert.ok(!set('^1.2').contains('2.0rc1')); // `<2.0` excludes 2.0's pre-releases, as Poetry does
  });

  test('never throws on odd input', () => {
    for (const odd of ['||', '|', ',', ' , ', '^^1', '~~1', '>=', '== ', '1.0 ||', '\u0000', 'a'.repeat(10000)]) {
      const r = poetryToPep440(odd);
      assert.ok(r === null || Array.isArray(r));
    }
  });
});
