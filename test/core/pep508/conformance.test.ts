// Runs all of test/fixtures/conformance/pep508.json (computed with pypa/packaging) against our PEP 508 code.
import { CONFORMANCE } from '../../conformance-data';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  evaluateMarker,
  markerToString,
  parseMarker,
  parseRequirement,
  requirementToString,
  type MarkerEnvironment,
} from '../../../src/core/pep508';

interface Vectors {
  default_environment: MarkerEnvironment;
  requirements_valid: {
    input: string;
    expected: { name: string; extras: string[]; specifier: string; url: string | null; marker: string | null; normalized: string };
  }[];
  requirements_invalid: { input: string; expected: { message: string } }[];
  markers_valid: { input: string; expected: { normalized: string } }[];
  markers_invalid: { input: string; expected: { message: string } }[];
  marker_evaluation: {
    input: { marker: string; environment: Record<string, string | string[]> };
    expected: boolean | { error: string };
  }[];
}

const vectors: Vectors = JSON.parse(readFileSync(join(CONFORMANCE, 'pep508.json'), 'utf8'));

function clauseSet(specifier: string): string[] {
  return [...new Set(specifier.split(',').filter(Boolean))].sort();
}

describe('pep508 conformance: valid requirements', () => {
  test(`all ${vectors.requirements_valid.length} parse with packaging's parts`, () => {
    for (const { input, expected } of vectors.requirements_valid) {
      const result = parseRequirement(input);
      assert.ok(result.ok, `${JSON.stringify(input)} rejected: ${result.ok ? '' : result.error.message}`);
      const req = result.value;
      const where = JSON.stringify(input);
      assert.equal(req.name, expected.name, where);
      assert.deepEqual([...new Set(req.extras)].sort(), expected.extras, where);
      assert.deepEqual(clauseSet(req.specifier), clauseSet(expected.specifier), where);
      assert.equal(req.url ?? null, expected.url, where);
      assert.equal(req.marker ? markerToString(req.marker) : null, expected.marker, where);
      assert.equal(requirementToString(req), expected.normalized, where);
    }
  });
});

describe('pep508 conformance: invalid requirements', () => {
  test(`all ${vectors.requirements_invalid.length} are rejected with packaging's message`, () => {
    for (const { input, expected } of vectors.requirements_invalid) {
      const result = parseRequirement(input);
      assert.ok(!result.ok, `${JSON.stringify(input)} accepted`);
      assert.equal(result.error.message, expected.message, JSON.stringify(input));
      assert.ok(result.error.span.start <= result.error.span.end && result.error.span.end <= input.length);
    }
  });
});

describe('pep508 conformance: markers', () => {
  test(`all ${vectors.markers_valid.length} valid markers print as packaging prints them`, () => {
    for (const { input, expected } of vectors.markers_valid) {
      const result = parseMarker(input);
      assert.ok(result.ok, `${JSON.stringify(input)} rejected: ${result.ok ? '' : result.error.message}`);
      assert.equal(markerToString(result.value), expected.normalized, JSON.stringify(input));
    }
  });

  test(`all ${vectors.markers_invalid.length} invalid markers are rejected`, () => {
    for (const { input, expected } of vectors.markers_invalid) {
      const result = parseMarker(input);
      assert.ok(!result.ok, `${JSON.stringify(input)} accepted`);
      assert.equal(result.error.message, expected.message, JSON.stringify(input));
    }
  });

  test(`all ${vectors.marker_evaluation.length} evaluations agree (errors become undefined)`, () => {
    for (const { input, expected } of vectors.marker_evaluation) {
      const parsed = parseMarker(input.marker);
      assert.ok(parsed.ok, input.marker);
      // packaging evaluates metadata markers with extra = '' unless given.
      const env = { ...vectors.default_environment, extra: '', ...input.environment } as Partial<MarkerEnvironment>;
      const want = typeof expected === 'boolean' ? expected : undefined;
      assert.equal(evaluateMarker(parsed.value, env), want, `${input.marker} with ${JSON.stringify(input.environment)}`);
    }
  });
});
