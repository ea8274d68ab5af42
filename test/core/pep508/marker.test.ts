import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  evalPythonString,
  evaluateMarker,
  markerToString,
  markerVariables,
  parseMarker,
  type Marker,
} from '../../../src/core/pep508';

function marker(text: string): Marker {
  const result = parseMarker(text);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

describe('evaluateMarker with a partial environment', () => {
  test('unknown variables give undefined', () => {
    assert.equal(evaluateMarker(marker('sys_platform == "linux"'), { python_version: '3.11' }), undefined);
  });

  test('false and unknown is false; true or unknown is true', () => {
    const env = { python_version: '3.11' };
    assert.equal(evaluateMarker(marker('python_version < "3.9" and sys_platform == "linux"'), env), false);
    assert.equal(evaluateMarker(marker('python_version >= "3.9" or sys_platform == "linux"'), env), true);
    assert.equal(evaluateMarker(marker('python_version >= "3.9" and sys_platform == "linux"'), env), undefined);
    assert.equal(evaluateMarker(marker('python_version < "3.9" or sys_platform == "linux"'), env), undefined);
  });

  test('and binds tighter than or', () => {
    const env = { os_name: 'posix', sys_platform: 'linux', python_version: '3.8' };
    // (false and true) or true  -> true;  false and (true or true) -> false
    assert.equal(evaluateMarker(marker('os_name == "nt" and sys_platform == "linux" or python_version == "3.8"'), env), true);
    assert.equal(evaluateMarker(marker('os_name == "nt" and (sys_platform == "linux" or python_version == "3.8")'), env), false);
  });

  test('versions compare as PEP 440, not as strings', () => {
    assert.equal(evaluateMarker(marker('python_version >= "3.9"'), { python_version: '3.10' }), true);
    assert.equal(evaluateMarker(marker('python_version > "3.9"'), { python_version: '3.10' }), true);
    // PEP 440: `<3.12` excludes 3.12's own pre-releases even with pre-releases allowed
    assert.equal(evaluateMarker(marker('python_full_version < "3.12"'), { python_full_version: '3.12.0rc1' }), false);
    // not a version variable: plain string comparison; < and > are never true for strings
    assert.equal(evaluateMarker(marker('platform_machine > "a"'), { platform_machine: 'x86_64' }), false);
  });

  test('a missing extra is unknown, an empty extra is none', () => {
    const m = marker('extra == "gpu"');
    assert.equal(evaluateMarker(m, {}), undefined);
    assert.equal(evaluateMarker(m, { extra: '' }), false);
    assert.equal(evaluateMarker(m, { extra: 'GPU' }), true);
  });
});

describe('marker spans', () => {
  test('the expression and each comparison cover their own text', () => {
    const text = '  os_name == "nt"  or ( python_version < "3.9" ) ';
    const m = marker(text);
    assert.equal(text.slice(m.span.start, m.span.end), 'os_name == "nt"  or ( python_version < "3.9" )');
    assert.equal(text.slice(m.items[0].span.start, m.items[0].span.end), 'os_name == "nt"');
    assert.equal(text.slice(m.items[1].span.start, m.items[1].span.end), '( python_version < "3.9" )');
  });
});

describe('marker strings', () => {
  test('PEP 345 names and quoting are normalized', () => {
    assert.equal(markerToString(marker("os.name=='posix' and (python_implementation=='CPython')")),
      'os_name == "posix" and platform_python_implementation == "CPython"');
    assert.equal(markerToString(marker(`os_name == '"'`)), `os_name == '"'`);
  });

  test('values holding both quotes still print as a re-parseable marker', () => {
    const m = marker(`os_name == '\\x22\\x27'`);
    const printed = markerToString(m);
    assert.equal(markerToString(marker(printed)), printed);
    assert.equal(evaluateMarker(marker(printed), { os_name: `"'` }), true);
  });

  test('markerVariables lists canonical names', () => {
    assert.deepEqual([...markerVariables(marker('os.name == "a" or (python_version > "3" and extra == "x")'))].sort(),
      ['extra', 'os_name', 'python_version']);
  });
});

describe('evalPythonString', () => {
  test('escapes as Python evaluates them', () => {
    assert.equal(evalPythonString(String.raw`'a\tb'`), 'a\tb');
    assert.equal(evalPythonString(String.raw`'\x41\u00e9\101\d'`), 'A\u00e9A\\d');
    assert.equal(evalPythonString(String.raw`"\U0001F600"`), '\u{1F600}');
  });

  test('invalid literals', () => {
    assert.equal(evalPythonString(String.raw`"C:\"`), undefined);
    assert.equal(evalPythonString(String.raw`"\x4"`), undefined);
    assert.equal(evalPythonString('"a\nb"'), undefined);
  });
});
