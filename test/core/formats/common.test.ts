import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequirement, syntaxFinding, type ValueToDoc } from '../../../src/core/formats/requirement';
import { LineIndex } from '../../../src/core/text';
import type { Range, RequirementScope } from '../../../src/core/types';

const scope: RequirementScope = { kind: 'project', table: 'project' };

function textAt(index: LineIndex, range: Range): string {
  return index.text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

/** A document holding `value` inside double quotes on its second line. */
function inDocument(value: string) {
  const doc = `dependencies = [\n  "${value}",\n]\n`;
  const base = doc.indexOf('"') + 1;
  return { doc, index: new LineIndex(doc), map: ((i: number) => base + i) as ValueToDoc };
}

describe('buildRequirement', () => {
  test('ranges land on the name, the specifier and the whole string', () => {
    const value = 'Torch[cuda] >=2.1,<2.4 ; python_version >= "3.9"';
    const { index, map } = inDocument(value);
    const { requirement, finding } = buildRequirement(value, map, index, scope, 'pyproject.toml');
    assert.equal(finding, undefined);
    assert.ok(requirement);
    assert.equal(requirement.name, 'Torch');
    assert.equal(requirement.normalizedName, 'torch');
    assert.deepEqual(requirement.extras, ['cuda']);
    assert.equal(requirement.specifier, '>=2.1,<2.4');
    assert.equal(requirement.marker, 'python_version >= "3.9"');
    assert.equal(textAt(index, requirement.nameRange), 'Torch');
    assert.equal(textAt(index, requirement.specifierRange), '>=2.1,<2.4');
    assert.equal(textAt(index, requirement.range), value);
    assert.equal(requirement.range.start.line, 1);
    assert.equal(requirement.range.start.character, 3);
    assert.deepEqual(requirement.scope, scope);
  });

  test('without a specifier the specifier range is empty, right after the name and extras', () => {
    const value = 'diffusers[torch] ; sys_platform == "linux"';
    const { index, map } = inDocument(value);
    const { requirement } = buildRequirement(value, map, index, scope, 'pyproject.toml');
    assert.ok(requirement);
    assert.deepEqual(requirement.specifierRange.start, requirement.specifierRange.end);
    const at = index.offsetAt(requirement.specifierRange.start);
    assert.equal(index.text.slice(at - 'diffusers[torch]'.length, at), 'diffusers[torch]');
  });

  test('a url requirement keeps its url', () => {
    const value = 'pkg @ https://example.com/pkg-1.0.tar.gz';
    const { index, map } = inDocument(value);
    const { requirement } = buildRequirement(value, map, index, scope, 'pyproject.toml');
    assert.equal(requirement?.url, 'https://example.com/pkg-1.0.tar.gz');
  });

  test('escaped values map through the caller mapping (one decoded unit from six raw characters)', () => {
    // raw text: numpy\u003e=2 ; the decoded value is numpy>=2
    const doc = 'x = "numpy\\u003e=2"';
    const rawStart = doc.indexOf('n');
    const value = 'numpy>=2';
    const map: ValueToDoc = (i) => rawStart + (i <= 5 ? i : i + 5);
    const index = new LineIndex(doc);
    const { requirement } = buildRequirement(value, map, index, scope, 'pyproject.toml');
    assert.ok(requirement);
    assert.equal(textAt(index, requirement.specifierRange), '\\u003e=2');
    assert.equal(textAt(index, requirement.nameRange), 'numpy');
  });

  test('an end bias keeps ranges off skipped text', () => {
    // value "pkg>=1" joined from "pkg\\\n>=1": the name must end on line 0
    const doc = 'pkg\\\n>=1\n';
    const index = new LineIndex(doc);
    const map: ValueToDoc = (i, bias) => (i < 3 || (i === 3 && bias === 'end') ? i : i + 2);
    const { requirement } = buildRequirement('pkg>=1', map, index, scope, 'r.txt');
    assert.ok(requirement);
    assert.deepEqual(requirement.nameRange, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
    assert.deepEqual(requirement.specifierRange, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } });
  });

  test('a bad requirement becomes a requirement-syntax error over the whole (trimmed) string', () => {
    const value = ' my-package=1.0 ';
    const { index, map } = inDocument(value);
    const { requirement, finding } = buildRequirement(value, map, index, scope, 'pyproject.toml');
    assert.equal(requirement, undefined);
    assert.ok(finding);
    assert.equal(finding.code, 'requirement-syntax');
    assert.equal(finding.severity, 'error');
    assert.equal(textAt(index, finding.range), 'my-package=1.0');
    assert.match(finding.message, /my-package=1\.0/);
    assert.match(finding.message, /did you mean "=="/);
    assert.deepEqual(finding.fixes, []);
  });

  test('an empty string is reported, not thrown', () => {
    const { index, map } = inDocument('');
    const { finding } = buildRequirement('', map, index, scope, 'pyproject.toml');
    assert.equal(finding?.code, 'requirement-syntax');
  });
});

test('syntaxFinding defaults to error with no fixes or packages', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  assert.deepEqual(syntaxFinding('toml-syntax', 'bad', range), {
    code: 'toml-syntax', severity: 'error', message: 'bad', packages: [], range, fixes: [],
  });
  assert.equal(syntaxFinding('x', 'y', range, 'warning').severity, 'warning');
});
