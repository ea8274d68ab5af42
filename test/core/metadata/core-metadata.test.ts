import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCoreMetadata } from '../../../src/core/metadata/core-metadata';

describe('core metadata (METADATA / PKG-INFO)', () => {
  test('reads name, version, Requires-Python and every Requires-Dist, and stops at the body', () => {
    const text = '\uFEFFMetadata-Version: 2.1\r\nName: torchvision\r\nVersion: 0.17.0\r\nRequires-Python: >=3.8\r\n' +
      'Requires-Dist: numpy\r\nRequires-Dist: torch ==2.2.0\r\nRequires-Dist: scipy ; extra == "scipy"\r\n\r\nRequires-Dist: not-a-header\r\n';
    assert.deepEqual(parseCoreMetadata(text), {
      name: 'torchvision', version: '0.17.0', requiresPython: '>=3.8',
      requiresDist: ['numpy', 'torch ==2.2.0', 'scipy ; extra == "scipy"'],
    });
  });
  test('folded headers continue the previous value', () => {
    const m = parseCoreMetadata('Name: a\nVersion: 1\nRequires-Dist: b>=1;\n  python_version < "3.10"\n');
    assert.deepEqual(m?.requiresDist, ['b>=1; python_version < "3.10"']);
  });
  test('without Name or Version there is no package', () => {
    assert.equal(parseCoreMetadata('Name: a\n'), undefined);
    assert.equal(parseCoreMetadata(''), undefined);
    assert.equal(parseCoreMetadata('\0\0garbage'), undefined);
  });
});
