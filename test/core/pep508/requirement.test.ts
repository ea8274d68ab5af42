import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequirement, markerToString, type ParsedRequirement, type Span } from '../../../src/core/pep508';
import { parseSpecifierSet } from '../../../src/core/pep440';

function parse(text: string): ParsedRequirement {
  const result = parseRequirement(text);
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  return result.value;
}

const slice = (text: string, span: Span | undefined): string | undefined => span && text.slice(span.start, span.end);

describe('parseRequirement spans', () => {
  test('name, extras, specifier and marker spans land on the written text', () => {
    const text = '  Torch_Vision [ cuda , extra ] >= 0.17 , < 0.19 ; python_version >= "3.9"  ';
    const req = parse(text);
    assert.equal(slice(text, req.nameSpan), 'Torch_Vision');
    assert.equal(slice(text, req.extrasSpan), '[ cuda , extra ]');
    assert.deepEqual(req.extras, ['cuda', 'extra']);
    assert.equal(slice(text, req.specifierSpan), '>= 0.17 , < 0.19');
    assert.equal(req.specifier, '>=0.17,<0.19');
    assert.equal(slice(text, req.markerSpan), 'python_version >= "3.9"');
    assert.equal(req.markerText, 'python_version >= "3.9"');
  });

  test('a parenthesized specifier span includes the parentheses', () => {
    const text = 'name (>=1.0, <2)';
    const req = parse(text);
    assert.equal(slice(text, req.specifierSpan), '(>=1.0, <2)');
    assert.equal(req.specifier, '>=1.0,<2');
  });

  test('no specifier: no span and empty specifier', () => {
    const req = parse('numpy ; sys_platform == "linux"');
    assert.equal(req.specifier, '');
    assert.equal(req.specifierSpan, undefined);
  });

  test('url span', () => {
    const text = 'pkg[a] @ https://example.com/p.whl ; os_name == "nt"';
    const req = parse(text);
    assert.equal(slice(text, req.urlSpan), 'https://example.com/p.whl');
    assert.equal(req.url, 'https://example.com/p.whl');
    assert.equal(markerToString(req.marker!), 'os_name == "nt"');
  });

  test('the specifier string is parseable by parseSpecifierSet', () => {
    for (const text of ['a == 1.0.*', 'a (~= 2.2, != 2.2.1)', 'a ===  weird-thing', 'a>=1,', 'a<=1!3.0.0.rc2']) {
      const req = parse(text);
      assert.ok(parseSpecifierSet(req.specifier), `${text} -> ${req.specifier}`);
    }
  });

  test('extra names in markers are normalized, the raw text is kept', () => {
    const req = parse("x; extra == 'Foo_Bar'");
    assert.equal(markerToString(req.marker!), 'extra == "foo-bar"');
    assert.equal(req.markerText, "extra == 'Foo_Bar'");
  });
});

describe('parseRequirement errors', () => {
  test('error spans point at the problem', () => {
    const text = 'name >= 1.0 <= 2.0';
    const result = parseRequirement(text);
    assert.ok(!result.ok);
    assert.equal(result.error.span.start, 5);
    assert.match(result.error.message, /Expected comma/);
  });

  test('an invalid === clause swallowed with a comma is reported', () => {
    const result = parseRequirement('demo===x,y');
    assert.ok(!result.ok);
    assert.equal(result.error.message, "Invalid specifier: 'y'");
  });

  test('hostile input neither throws nor hangs', () => {
    const deep = 'x; ' + '('.repeat(5000) + 'os_name == "a"' + ')'.repeat(5000);
    const result = parseRequirement(deep);
    assert.ok(!result.ok);
    const long = 'a' + '-'.repeat(100000) + '!';
    const started = Date.now();
    assert.ok(!parseRequirement(long).ok);
    assert.ok(Date.now() - started < 2000);
  });

  test('unclosed extras report the bracket', () => {
    const result = parseRequirement('name[bar, baz');
    assert.ok(!result.ok);
    assert.equal(result.error.span.start, 4);
  });
});
