// A resolution that installed takes a change of one root from the round where the two part (PipResolver.resume,
// src/core/resolver/pip.ts; kept by the memo, src/core/resolver/memo.ts): a keystroke in a file that installs. The
// outcome must be the one a fresh resolution gives. Checked on literal ecosystems (each way the changed requirement
// steers a run: the round that pins its package, an earlier round that turned a candidate down because of it, a
// requirement added to it that leaves no candidate), then on chains of random edits to every environment of the
// real-project corpus and the example projects, resumed and resolved afresh side by side.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rootsOf } from '../../src/core/resolver/environment';
import { resolve, targetEnvironment, type MetadataSource, type RootRequirement } from '../../src/core/resolver';
import { ResolveMemo } from '../../src/core/resolver/memo';
import { PipResolver } from '../../src/core/resolver/pip';
import { bundledSnapshot, corpusEnvironments, meta, rel } from '../support/ecosystems';
const db = new Map([
  ['transformers', meta('transformers', [rel('4.40.0', ['huggingface-hub>=0.19']), rel('4.57.0', ['huggingface-hub>=0.34,<1.0', 'tokenizers>=0.22'])])],
  ['huggingface-hub', meta('huggingface-hub', [rel('0.19.0'), rel('0.34.0'), rel('0.36.0'), rel('1.9.2')])],
  ['tokenizers', meta('tokenizers', [rel('0.13.3'), rel('0.22.1')])],
  ['numpy', meta('numpy', [rel('1.26.4'), rel('2.0.0'), rel('2.2.6')])],
  ['pandas', meta('pandas', [rel('2.2.3', ['numpy>=1.26.0'])])],
  // x 2.0 and y disagree on z: pip pins x 2.0 first, then backjumps to x 1.0.
  ['x', meta('x', [rel('1.0', ['z==1.0']), rel('2.0', ['z==2.0'])])],
  ['y', meta('y', [rel('1.0', ['z==1.0'])])],
  ['z', meta('z', [rel('1.0'), rel('2.0')])],
]);
const source = (n: string) => db.get(n);
const on = (python: string) => ({ environment: targetEnvironment(python) });
const roots = (lines: string[]): RootRequirement[] => lines.map((requirement) => ({ requirement }));
const text = (o: unknown) => JSON.stringify(o, (_, v) => (v instanceof Map ? [...v] : v));

/** Resolves `before`, then resumes with the root at `index` changed to `line`: the resumed outcome (undefined when
 *  not resumed) and a fresh one. */
function both(before: string[], index: number, line: string, snapshot: MetadataSource = source, python = '3.11') {
  const resolver = new PipResolver(snapshot, on(python));
  resolver.resolve(roots(before));
  const after = roots(before.map((l, i) => (i === index ? line : l)));
  return { resumed: resolver.resume(after, index), fresh: new PipResolver(snapshot, on(python)).resolve(after) };
}

describe('a resolution resumed where a changed root parts from it', () => {
  test('the changed package\'s own round: the rounds before are kept, the outcome is a fresh one\'s', () => {
    const { resumed, fresh } = both(['pandas', 'transformers', 'numpy<=2.2.6'], 2, 'numpy<=2.0.0');
    assert.ok(resumed?.ok && fresh.ok);
    assert.equal(text(resumed), text(fresh));
    assert.equal(fresh.packages.get('numpy')?.version, '2.0.0');
  });

  test('an earlier round turned a candidate down because of the changed requirement: resumed from there', () => {
    // With huggingface-hub>=1.9.2, transformers 4.57.0 is turned down (it needs hub below 1.0) and 4.40.0 pinned;
    // with >=0.19 it is not turned down.
    const { resumed, fresh } = both(['transformers', 'huggingface-hub>=1.9.2'], 1, 'huggingface-hub>=0.19');
    assert.ok(resumed?.ok && fresh.ok);
    assert.equal(fresh.packages.get('transformers')?.version, '4.57.0');
    assert.equal(text(resumed), text(fresh));
  });

  test('not resumed: another kind of specifier, a change that leaves no candidate, a run that went back', () => {
    assert.equal(both(['pandas', 'numpy<=2.2.6'], 1, 'numpy==2.0.0').resumed, undefined);
    const none = both(['pandas', 'numpy<=2.2.6'], 1, 'numpy<=1.0');
    assert.equal(none.resumed, undefined);
    assert.ok(!none.fresh.ok);
    // A run that backjumped (x 2.0 pinned first, then given up for y's z).
    const backtracked = new PipResolver(source, on('3.11'));
    const went = backtracked.resolve(roots(['x', 'y', 'numpy<=2.2.6']));
    assert.ok(went.ok && went.packages.get('x')?.version === '1.0');
    assert.equal(backtracked.resume(roots(['x', 'y', 'numpy<=2.0.0']), 2), undefined);
  });

  test('the memo resumes the resolution a keystroke parts from, with the outcome resolve gives', () => {
    const memo = new ResolveMemo(source);
    for (const v of ['2.2.6', '2.2.5', '2.0.0', '1.26.9', '2.1']) {
      const list = roots(['pandas', 'transformers', `numpy<=${v}`]);
      assert.equal(text(memo.resolve(list, on('3.11'))), text(resolve(list, source, on('3.11'))));
    }
    assert.equal(memo.misses, 5);
    assert.equal(memo.resumed, 4);
  });
});

describe('on real projects and the bundled snapshot', () => {
  const { metadata, knowledge, snapshot } = bundledSnapshot();

  test('chains of random edits, each to one pin\'s version: every resumed outcome is the fresh one', async () => {
    let seed = 20261206;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    let resumed = 0;
    for await (const { dir, env } of corpusEnvironments(knowledge)) {
      for (const python of ['3.8', '3.12']) {
        let list = rootsOf(env);
        let resolver = new PipResolver(snapshot, on(python));
        if (!resolver.resolve(list).ok) continue;
        for (let step = 0; step < 15; step++) {
          const i = Math.floor(random() * list.length);
          const m = /^([A-Za-z0-9._-]+(?:\[[^\]]*\])?)\s*(==|>=|<=|~=|<|>)\s*[0-9][^;,\s]*$/.exec(list[i].requirement.trim());
          const versions = m ? metadata.get(m[1].replace(/\[.*$/, '').toLowerCase().replace(/[._-]+/g, '-'))?.releases.flatMap((r) => r.versions) ?? [] : [];
          if (!m || !versions.length) continue;
          const next = list.map((r, k) => (k === i ? { ...r, requirement: `${m[1]}${m[2]}${versions[Math.floor(random() * versions.length)]}` } : r));
          const fresh = new PipResolver(snapshot, on(python)).resolve(next);
          const got = resolver.resume(next, i);
          if (got) {
            resumed++;
            assert.equal(text(got), text(fresh), `${dir} ${env.label} on ${python}: ${list[i].requirement} -> ${next[i].requirement}`);
          }
          if (fresh.ok) list = next;
          if (!got) { resolver = new PipResolver(snapshot, on(python)); resolver.resolve(list); }
        }
      }
    }
    assert.ok(resumed > 200, `${resumed} resumed`);
  });
});
