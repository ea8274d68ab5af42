// Every vector of the packaging-derived PEP 440 conformance file must agree with our implementation.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compareVersions, parseVersion } from '../../../src/core/pep440/version';
import { parseSpecifier, parseSpecifierSet } from '../../../src/core/pep440/specifier';

interface Case<I, E> {
  input: I;
  expected: E;
}
interface VersionFields {
  normalized: string;
  public: string;
  base_version: string;
  epoch: number;
  release: number[];
  pre: [string, number] | null;
  post: number | null;
  dev: number | null;
  local: string | null;
  is_prerelease: boolean;
  is_postrelease: boolean;
  is_devrelease: boolean;
}
interface ContainsInput {
  kind: 'specifier' | 'specifier_set';
  specifier: string;
  version: string;
  prereleases: boolean | null;
  contains_prereleases?: boolean | null;
  installed?: boolean | null;
}
interface FilterInput {
  kind: 'specifier' | 'specifier_set';
  specifier: string;
  prereleases: boolean | null;
  filter_prereleases: boolean | null;
  versions: string[];
}
interface Vectors {
  valid_versions: Case<string, VersionFields>[];
  invalid_versions: Case<string, unknown>[];
  version_ordering: Case<string[], unknown>[];
  version_comparisons: Case<[string, string], number>[];
  specifier_valid: Case<string, { normalized: string; operator: string; version: string; prereleases: boolean | null }>[];
  specifier_invalid: Case<string, unknown>[];
  specifier_set_valid: Case<string, { normalized: string; specifiers: string[] }>[];
  specifier_contains: Case<ContainsInput, boolean>[];
  specifier_filter: Case<FilterInput, string[]>[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/conformance/pep440.json', import.meta.url), 'utf8'),
) as Vectors;

const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** Runs `check` on every case and fails with the list of mismatches (so one run shows them all). */
function expectAll<I, E>(cases: Case<I, E>[], check: (c: Case<I, E>) => unknown) {
  assert.ok(cases.length > 0, 'no vectors');
  const mismatches: string[] = [];
  for (const c of cases) {
    const actual = check(c);
    try {
      assert.deepStrictEqual(actual, c.expected);
    } catch {
      mismatches.push(`${JSON.stringify(c.input)}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(actual)}`);
    }
  }
  assert.equal(mismatches.length, 0, `${mismatches.length}/${cases.length} mismatches:\n${mismatches.slice(0, 30).join('\n')}`);
}

describe('pep440 conformance (packaging 26.4.dev0)', () => {
  test('valid versions: every parsed field and the normalized string', () => {
    expectAll(vectors.valid_versions, ({ input }) => {
      const v = parseVersion(input);
      if (!v) return null;
      return {
        normalized: v.toString(),
        public: v.public,
        base_version: v.baseVersion,
        epoch: v.epoch,
        release: [...v.release],
        pre: v.pre ?? null,
        post: v.post ?? null,
        dev: v.dev ?? null,
        local: v.localText ?? null,
        is_prerelease: v.isPrerelease,
        is_postrelease: v.isPostrelease,
        is_devrelease: v.isDevrelease,
      };
    });
  });

  test('invalid versions are rejected', () => {
    expectAll(vectors.invalid_versions, ({ input }) => (parseVersion(input) === null ? { error: 'InvalidVersion' } : 'parsed'));
  });

  test('ordering list sorts into the given order', () => {
    assert.ok(vectors.version_ordering.length > 0);
    for (const { input, expected } of vectors.version_ordering as Case<string[], string[]>[]) {
      assert.ok(input.every((s) => parseVersion(s) !== null));
      const sorted = [...input].sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));
      assert.deepEqual(sorted, expected);
    }
  });

  test('pairwise comparisons', () => {
    expectAll(vectors.version_comparisons, ({ input: [a, b] }) => Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!)));
  });

  test('valid specifiers: operator, version, normalized text, implied pre-releases', () => {
    expectAll(vectors.specifier_valid, ({ input }) => {
      const s = parseSpecifier(input);
      if (!s) return null;
      return { normalized: s.toString(), operator: s.operator, version: s.version, prereleases: s.prereleases ?? null };
    });
  });

  test('invalid specifiers are rejected', () => {
    const rejected = vectors.specifier_invalid.map((c) => ({ input: c.input, expected: true }));
    expectAll(rejected, ({ input }) => parseSpecifier(input) === null && parseSpecifierSet(input) === null);
  });

  test('valid specifier sets', () => {
    expectAll(vectors.specifier_set_valid, ({ input }) => {
      const s = parseSpecifierSet(input);
      if (!s) return null;
      return { normalized: s.toString(), specifiers: s.specifiers.map(String).sort() };
    });
  });

  test('containment (specifier and set, every pre-release mode, installed)', () => {
    expectAll(vectors.specifier_contains, ({ input }) => {
      const pre = opt(input.prereleases);
      if (input.kind === 'specifier') {
        const s = parseSpecifier(input.specifier, pre);
        return s ? s.contains(input.version, opt(input.contains_prereleases)) : 'invalid';
      }
      const set = parseSpecifierSet(input.specifier, pre);
      return set
        ? set.contains(input.version, { prereleases: opt(input.contains_prereleases), installed: opt(input.installed) })
        : 'invalid';
    });
  });

  test('filter', () => {
    expectAll(vectors.specifier_filter, ({ input }) => {
      const pre = opt(input.prereleases);
      const s = input.kind === 'specifier' ? parseSpecifier(input.specifier, pre) : parseSpecifierSet(input.specifier, pre);
      return s ? s.filter(input.versions, opt(input.filter_prereleases)) : 'invalid';
    });
  });
});
