// Release segments beyond 2^53 compare exactly and print as written (no `1e+30`).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareVersions, parseVersion, VersionSet } from '../../../src/core/pep440';

describe('arbitrary-precision release segments', () => {
  test('17+ digit segments that differ in the last digit are different versions', () => {
    const a = parseVersion('100000000000000000001')!;
    const b = parseVersion('100000000000000000002')!;
    assert.equal(compareVersions(a, b), -1);
    assert.equal(compareVersions(parseVersion('1.100000000000000000001.0')!, parseVersion('1.100000000000000000001')!), 0);
    assert.equal(VersionSet.fromSpecifierSet('==100000000000000000001').intersects(VersionSet.fromSpecifierSet('==100000000000000000002')), false);
    assert.ok(VersionSet.fromSpecifierSet('>100000000000000000001').contains('100000000000000000002'));
    assert.equal(compareVersions(parseVersion('99999999999999999999')!, parseVersion('2')!), 1);
  });
  test('large numbers print as digits, never in exponent form', () => {
    assert.equal(parseVersion('1000000000000000000000000000000')!.toString(), '1000000000000000000000000000000');
    assert.equal(parseVersion('v01.0000000000000000000000000000000001rc1')!.toString(), '1.1rc1');
    const text = VersionSet.fromSpecifierSet('<1000000000000000000000000000000').toString();
    assert.ok(!/e\+/.test(text), text);
    assert.match(text, /1000000000000000000000000000000/);
  });
});
