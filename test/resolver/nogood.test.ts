// Conflicts kept for the packages they speak of (src/core/resolver/memo.ts, `Nogood`): while one pin is typed, a
// conflict among other pins is not resolved again on every keystroke, and every answer is still the one a resolution
// gives (whether it installs; the conflict's words when read). Not kept where a requirement elsewhere could let pip
// take another release (a pre-release, a yanked one), nor where the typed pin takes part in the conflict. Then on the
// bundled snapshot: a check per keystroke of the bench's generated file, against checks without remembered resolutions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkProject, type CheckInput } from '../../src/core/engine/check';
import { declaredMetadataHooks, freshVersions, resolutionFindings } from '../../src/core/engine/resolution';
import { yankedFindings } from '../../src/core/engine/yanked';
import { resolve, targetEnvironment, type ResolveResult, type RootRequirement } from '../../src/core/resolver';
import { ResolveMemo } from '../../src/core/resolver/memo';
import type { PackageMetadata } from '../../src/core/metadata/types';
import { requirementsFile } from '../../bench/files.mjs';
import { rootsOf } from '../../src/core/resolver/environment';
import { bundledSnapshot, corpusEnvironments, meta, rel } from '../support/ecosystems';
import { rng } from '../support/random';

const db = new Map<string, PackageMetadata>([
  ['numpy', meta('numpy', [rel('1.21.0'), rel('1.23.5'), rel('1.26.4'), rel('2.0.0')])],
  ['scipy', meta('scipy', [rel('1.7.2', ['numpy<1.24.0,>=1.16.5']), rel('1.11.0', ['numpy>=1.21'])])],
  ['torch', meta('torch', [rel('2.1.0'), rel('2.2.0'), rel('2.3.0', ['numpy>=1.22'])])],
  // pandas 2.0.0 declares numpy<1.24 only for what its extra asks for; 2.1.0 declares it plainly.
  ['pandas', meta('pandas', [rel('2.0.0', ['numpy<1.24 ; extra == "old"']), rel('2.1.0', ['numpy<1.24'])])],
  // A yanked release: pip takes it only where a requirement pins it exactly.
  ['b', { ...meta('b', [rel('1.0'), rel('2.0')]), releases: [{ ...rel('1.0'), yanked: 'broken' }, rel('2.0')] }],
  ['a', meta('a', [rel('1.0', ['b<2'])])],
  ['z', meta('z', [rel('1.0', ['b==1.0'])])],
  ['c', meta('c', [rel('1.0'), rel('2.0')])],
]);
const source = (n: string) => db.get(n);
/** The question a check asks of the Pythons after the first (whether the roots install there). */
const options = { environment: targetEnvironment('3.11') };
const roots = (lines: string[]): RootRequirement[] => lines.map((requirement, line) => ({ requirement, origin: { path: 'requirements.txt', line } }));
const text = (r: ResolveResult) => JSON.stringify(r.ok ? [...r.packages.values()].map((p) => `${p.name}==${p.version}`) : r.reason === 'conflict' ? [r.reason, r.conflict.message, r.conflict.packages] : r.reason);

/** Each list asked of the memo as a check asks it, then its conflict's words read: the answers resolve() gives. */
function typed(memo: ResolveMemo, lists: string[][]): ResolveResult[] {
  return lists.map((lines) => {
    const own = roots(lines);
    const bare = memo.resolve(own, options, false);
    const fresh = resolve(own, source, options);
    assert.equal(bare.ok, fresh.ok, lines.join(' '));
    // Read with the caller's origins: the words pip's resolution gives, whether or not a kept conflict answered.
    assert.equal(text(memo.resolve(own, options)), text(fresh), lines.join(' '));
    return bare;
  });
}

describe('conflicts kept for the packages they speak of', () => {
  test('a pin typed beside a conflict among other pins: the conflict stands without a resolution', () => {
    const memo = new ResolveMemo(source);
    const versions = ['2.1.0', '2.2.0', '9.9', '2.1', '2.3.0', '3', '2.2.0'];
    const got = typed(memo, versions.map((v) => [`torch==${v}`, 'numpy==2.0.0', 'scipy==1.7.2']));
    assert.ok(got.every((r) => !r.ok));
    // The first two are resolved (the second makes the first's conflict a nogood); the rest stand on it.
    assert.ok(memo.nogoodHits >= versions.length - 3, `${memo.nogoodHits} answered by the kept conflict`);
    // Its own Python only: the Pythons alike to the resolution that found it are not said to fail with it.
    const last = memo.resolve(roots(['torch==2.3', 'numpy==2.0.0', 'scipy==1.7.2']), options, false);
    assert.ok(!last.ok && last.reason === 'conflict');
    assert.deepEqual(last.samePythons, ['3.11']);
  });

  test('typing in a pin of the conflict: each keystroke resolved, one that installs installs', () => {
    const memo = new ResolveMemo(source);
    const got = typed(memo, ['2.0.0', '1.26.4', '2.0.0', '1.23.5', '2.0.0', '1.21.0'].map((v) => ['torch==2.1.0', `numpy==${v}`, 'scipy==1.7.2']));
    assert.deepEqual(got.map((r) => r.ok), [false, false, false, true, false, true]);
    assert.equal(memo.nogoodHits, 0);
  });

  test('a conflict only a requirement elsewhere could lift is not kept: a yanked release pinned exactly', () => {
    // a 1.0 requires b<2, whose only release there is yanked: nothing installs. z 1.0 pins b==1.0 exactly, which lets
    // pip take the yanked release once z is pinned first: with z before it, a==1.0 installs. A conflict kept on a's pin
    // would have said no.
    const memo = new ResolveMemo(source);
    const got = typed(memo, [['a==1.0', 'c==1.0'], ['a==1.0', 'c==2.0'], ['a==1.0', 'c>=1'], ['z==1.0', 'a==1.0', 'c==2.0'], ['z==1.0', 'a==1.0', 'c==1.0']]);
    assert.deepEqual(got.map((r) => r.ok), [false, false, false, true, true]);
    assert.equal(memo.nogoodHits, 0);
  });

  test('a requirement declared under a marker that does not hold here is no cause that stands', () => {
    const memo = new ResolveMemo(source);
    const got = typed(memo, ['2.1.0', '2.2.0', '9.9', '2.1', '3'].map((v) => [`torch==${v}`, 'numpy==2.0.0', 'pandas==2.1.0']));
    assert.ok(got.every((r) => !r.ok));
    assert.ok(memo.nogoodHits >= 3, `${memo.nogoodHits}`);
    const free = typed(new ResolveMemo(source), ['2.1.0', '2.2.0', '2.1.0'].map((v) => [`torch==${v}`, 'numpy==2.0.0', 'pandas==2.0.0']));
    assert.ok(free.every((r) => r.ok));
  });
});

describe('on the bundled snapshot', () => {
  const { knowledge, snapshot } = bundledSnapshot();
  const uncached: Pick<CheckInput, 'environmentFindings' | 'freshVersions'> = {
    environmentFindings: (env, c) => [...resolutionFindings(env, { source: snapshot, ...c }), ...yankedFindings(env, { source: snapshot, settings: c.settings })],
    freshVersions: (env, c) => freshVersions(env, { source: snapshot, settings: c.settings }),
  };

  test('a kept conflict read where the resolution runs out of its budget: explained from the roots pip reads here', () => {
    // Twelve more exact pins cost the resolution steps before it meets the numpy/scipy conflict: with a budget of 8 it
    // gives up, and the kept conflict's words are explained from the roots alone. f==9.0 matches no release of f, but its
    // marker fails on 3.11: pip never reads it there, and the explanation must not blame it.
    const more = new Map(db).set('f', meta('f', [rel('1.0')]));
    for (let i = 0; i < 12; i++) more.set(`x${i}`, meta(`x${i}`, [rel('1.0')]));
    const from = (n: string) => more.get(n);
    const budget = { environment: targetEnvironment('3.11'), maxSteps: 8 };
    const memo = new ResolveMemo(from);
    for (const v of ['2.1.0', '2.2.0']) memo.resolve(roots([`torch==${v}`, 'numpy==2.0.0', 'scipy==1.7.2']), budget, false);
    const lines = ['f==9.0 ; python_version < "3.9"', ...Array.from({ length: 12 }, (_, i) => `x${i}==1.0`), 'numpy==2.0.0', 'scipy==1.7.2'];
    const alone = resolve(roots(lines), from, budget);
    assert.ok(!alone.ok && alone.reason === 'budget', 'the resolution alone gives up');
    const kept = memo.resolve(roots(lines), budget);
    assert.equal(memo.nogoodHits, 2, 'the second torch pin and these lines are answered by the kept conflict');
    assert.ok(!kept.ok && kept.reason === 'conflict');
    assert.deepEqual([...kept.conflict.packages].sort(), ['numpy', 'scipy']);
    assert.doesNotMatch(kept.conflict.message, /\bf==9\.0/);
    assert.match(kept.conflict.message, /^Because scipy==1\.7\.2 depends on numpy>=1\.16\.5,<1\.24\.0 and you require numpy==2\.0\.0 \(requirements\.txt:14\)/);
  });

  test('chains of random edits to the corpus and example environments: every answer is a fresh resolution\'s', async () => {
    // One pin's version changed per step (a release of its package, one that does not exist, or a floor), as typing
    // makes them; each list asked as a check asks the Pythons after the first. Kept conflicts answer some of them.
    const { metadata } = bundledSnapshot();
    const random = rng(20261207);
    let asked = 0;
    let kept = 0;
    for await (const { dir, env } of corpusEnvironments(knowledge)) {
      for (const python of ['3.8', '3.12']) {
        const question = { environment: targetEnvironment(python) };
        const memo = new ResolveMemo(snapshot);
        let list = [...rootsOf(env)];
        for (let step = 0; step < 12; step++) {
          const i = Math.floor(random() * list.length);
          const m = /^([A-Za-z0-9._-]+)\s*(==|>=|<=|~=|<|>)\s*([0-9][^;,\s]*)$/.exec(list[i].requirement.trim());
          if (!m) continue;
          const versions = metadata.get(m[1].toLowerCase().replace(/[._-]+/g, '-'))?.releases.flatMap((r) => r.versions) ?? [];
          const pick = random();
          const version = pick < 0.5 && versions.length ? versions[Math.floor(random() * versions.length)] : `${m[3]}.${step + 9}`;
          list = list.map((r, k) => (k === i ? { ...r, requirement: `${m[1]}${pick < 0.8 ? '==' : '>='}${version}` } : r));
          const got = memo.resolve(list, question, false);
          const fresh = resolve(list, snapshot, question);
          asked++;
          assert.equal(got.ok ? 'ok' : got.reason, fresh.ok ? 'ok' : fresh.reason, `${dir} ${env.label} on ${python}: ${list[i].requirement}`);
        }
        kept += memo.nogoodHits;
      }
    }
    assert.ok(asked > 500, `${asked} asked`);
    assert.ok(kept > 100, `${kept} answered by kept conflicts`);
  });

  test('the bench\'s generated file typed into: the findings of checks without remembered resolutions', async () => {
    // torch==1.0.N, a release the snapshot does not list, retyped: on the older Pythons the file's numpy pin clashes with
    // scipy 1.7.2's declared numpy range, a conflict among other pins on every keystroke.
    const base = requirementsFile(200);
    // declaredMetadataHooks' hooks, with the memo in hand.
    const memo = new ResolveMemo(snapshot);
    const hooks: Pick<CheckInput, 'environmentFindings' | 'freshVersions'> = {
      environmentFindings: (env, c) => [...resolutionFindings(env, { source: snapshot, memo, ...c }), ...yankedFindings(env, { source: snapshot, settings: c.settings })],
      freshVersions: (env, c) => freshVersions(env, { source: snapshot, memo, settings: c.settings }),
    };
    for (let k = 0; k < 12; k++) {
      const text = base.replace('torch==1.0.0', `torch==1.0.${k + 2}`);
      const got = await checkProject({ ...hooks, files: [{ path: '/typed/requirements.txt', text }], knowledge, settings: {} });
      const want = await checkProject({ ...uncached, files: [{ path: `/fresh/${k}/requirements.txt`, text }], knowledge, settings: {} });
      const findings = (r: typeof got) => JSON.stringify(r.files[0].findings).replaceAll(/\/(typed|fresh\/\d+)\//g, '/');
      assert.equal(findings(got), findings(want), `keystroke ${k}`);
      assert.ok(got.files[0].findings.some((f) => f.code === 'resolution-conflict'));
    }
    // From the third keystroke on, the older Pythons' clash is the kept conflict (3.10, 3.9, 3.8: one each).
    assert.ok(memo.nogoodHits >= 9 * 3, `${memo.nogoodHits} answered by kept conflicts`);
    assert.ok(declaredMetadataHooks(snapshot).environmentFindings);
  });
});
