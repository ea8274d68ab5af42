// Adversarial inputs that once cost the square (or cube) of their size: their results are checked here, their
// speed in `npm run bench` (the adversarial rows). Sizes are kept small enough for a loaded CI machine.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkProject } from '../../src/core/engine/check';
import { VersionSet } from '../../src/core/pep440';
import { knowledge } from '../core/engine/helpers';
import { groupRing, includeChain, manyExclusions, manyKeys, type Files } from './cases';

const input = (files: Files) => ({ files: Object.entries(files).map(([p, text]) => ({ path: `/p/${p}`, text })), readFile: async (p: string) => files[p.slice(3)], knowledge });

describe('adversarial inputs give the same answers, cheaply', () => {
  test('a 1,000-deep -r chain: every pin of the chain is in the environment of its first file', async () => {
    const r = await checkProject(input(includeChain(1000)));
    const env = r.environments.find((e) => e.label.includes('requirements-0.txt'));
    assert.ok(env, r.environments.map((e) => e.label).join('\n'));
    assert.equal(env.packages.size, 1000);
    assert.ok(env.packages.has('package-999'));
    assert.equal(r.files.flatMap((f) => f.findings).filter((f) => f.code === 'include-missing' || f.code === 'include-cycle').length, 0);
  });

  test('a 5,000-deep -r chain with a hashed pin and an index option is read to its end (the walks that order pip\'s index options and find hash mode are not recursive)', async () => {
    const files = includeChain(5000);
    files['requirements-0.txt'] = `--extra-index-url https://download.pytorch.org/whl/cpu\n${files['requirements-0.txt'].replace(/\n$/, ` --hash=sha256:${'a'.repeat(64)}\n`)}`;
    files['requirements-4999.txt'] = `--index-url https://pypi.org/simple\n${files['requirements-4999.txt']}`;
    const r = await checkProject(input(files));
    const env = r.environments.find((e) => e.label.includes('requirements-0.txt'));
    assert.ok(env);
    assert.equal(env.packages.size, 5000);
    const codes = r.files.flatMap((f) => f.findings.map((x) => x.code));
    assert.ok(codes.includes('index-replaced'), 'the last file\'s --index-url replaces the first file\'s extra index');
    assert.ok(codes.includes('hashes-required'), 'the hashed pin turns on hash-checking mode for the other 4,999');
  });

  test('a short chain still checks each file as its own environment', async () => {
    const r = await checkProject(input(includeChain(4)));
    assert.equal(r.environments.filter((e) => /requirements-\d\.txt/.test(e.label)).length, 4);
  });

  test('a chain that closes into a ring still has a root, and reports the cycle', async () => {
    const files = includeChain(40);
    files['requirements-39.txt'] = '-r requirements-0.txt\npackage-39>=1\n';
    const r = await checkProject(input(files));
    assert.ok(r.environments.some((e) => e.packages.size === 40));
    assert.ok(r.files.some((f) => f.findings.some((x) => x.code === 'include-cycle')));
  });

  test('20,000 `!=` clauses: the set is all versions but those', () => {
    const spec = /numpy([^\n]*)/.exec(manyExclusions(20000)['requirements.txt'])![1];
    const set = VersionSet.fromSpecifierSet(spec);
    assert.equal(set.contains('1.0.0'), false);
    assert.equal(set.contains('1.199.99'), false);
    assert.equal(set.contains('1.200.0'), true);
    assert.equal(set.contains('2.0.0'), true);
    assert.equal(set.intervals().length, 20001);
  });

  test('1,000 dependency groups in a ring: one environment holds every group', async () => {
    const r = await checkProject(input(groupRing(1000)));
    const groups = r.environments.filter((e) => e.label.includes('dependency group'));
    assert.ok(groups.length >= 1);
    for (const g of groups) assert.equal(g.packages.size, 1000);
  });

  test('groups around a cycle share an environment; groups that include a cycle keep their own', async () => {
    const text = '[project]\nname = "x"\nversion = "1"\n[dependency-groups]\na = ["pa", {include-group = "b"}]\nb = ["pb", {include-group = "a"}]\nc = ["pc", {include-group = "a"}]\nd = ["pd"]\n';
    const r = await checkProject(input({ 'pyproject.toml': text }));
    const sizes = r.environments.filter((e) => e.label.includes('dependency group')).map((e) => [e.label.replace(/^.*group /, ''), e.packages.size]);
    assert.deepEqual(sizes, [['"a"', 2], ['"c"', 3], ['"d"', 1]]);
  });

  test('a pyproject.toml with 100,000 keys is read and checked', async () => {
    const r = await checkProject(input(manyKeys(100000)));
    assert.ok(r.files[0].findings.some((f) => f.code === 'hf-hub-cached-download'));
  });
});
