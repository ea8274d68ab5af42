// pip stops at the first root whose package's roots so far match no release (a pin being typed), before any round.
// Where it stops is found from what earlier root stages on the same question found (RootVerdicts in
// src/core/resolver/pip.ts, kept by the memo): the outcome must be the one a resolution without them gives, field for
// field (the roots that match nothing alone, the Pythons alike). The memo explains such a stop from that package's roots
// as a question of its own (a typo's pin is asked alone too): its words must be resolve's. Checked on literal
// ecosystems, then on chains of random edits, typos among them, to every environment of the real-project corpus and
// the example projects.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rootsOf } from '../../src/core/resolver/environment';
import { resolve, targetEnvironment, type RootRequirement } from '../../src/core/resolver';
import { ResolveMemo } from '../../src/core/resolver/memo';
import { PipResolver } from '../../src/core/resolver/pip';
import { RootVerdicts } from '../../src/core/resolver/verdicts';
import { bundledSnapshot, corpusEnvironments, meta, rel } from '../support/ecosystems';
import { rng } from '../support/random';

const db = new Map([
  ['numpy', meta('numpy', [rel('1.26.4', [], '>=3.9'), rel('2.0.0', [], '>=3.9'), rel('2.2.6', [], '>=3.10')])],
  ['pandas', meta('pandas', [rel('2.2.3', ['numpy>=1.26.0'], '>=3.9')])],
  ['scipy', meta('scipy', [rel('1.11.4', ['numpy<1.28'], '>=3.9'), rel('1.14.1', ['numpy>=1.23.5'], '>=3.10')])],
]);
const source = (n: string) => db.get(n);
const on = (python: string) => ({ environment: targetEnvironment(python), unmatched: true });
const roots = (lines: string[], constraints: string[] = []): RootRequirement[] =>
  [...lines.map((requirement, line) => ({ requirement, origin: { path: 'requirements.txt', line } })), ...constraints.map((requirement) => ({ requirement, constraint: true }))];
const text = (o: unknown) => JSON.stringify(o, (_, v) => (v instanceof Map ? [...v] : v));

/** The outcome of `lines` with the verdicts that `seen` (resolved first, in order) left, and without any. */
function both(seen: string[][], lines: string[], python = '3.11', constraints: string[] = []) {
  const verdicts = new RootVerdicts();
  for (const s of seen) new PipResolver(source, on(python), verdicts).resolve(roots(s, constraints));
  return { kept: new PipResolver(source, on(python), verdicts).resolve(roots(lines, constraints)), fresh: new PipResolver(source, on(python)).resolve(roots(lines, constraints)), verdicts };
}

describe('where the root stage stops, from the verdicts kept', () => {
  test('a pin being typed: pip\'s stop, the roots that match nothing alone and the Pythons alike, as without them', () => {
    for (const python of ['3.8', '3.9', '3.11', '3.14']) {
      const { kept, fresh } = both([['pandas', 'numpy==2.0.0', 'scipy>=1.11']], ['pandas', 'numpy==2.0.1', 'scipy>=1.11.9', 'numpy>=9'], python);
      assert.ok(!kept.ok && kept.reason === 'conflict' && kept.steps === 0);
      assert.equal(text(kept), text(fresh), python);
    }
  });

  test('two pins of one package that exclude each other, and a constraint that excludes a pin', () => {
    let { kept, fresh } = both([['numpy>=2', 'pandas']], ['numpy>=2', 'pandas', 'numpy<2']);
    assert.ok(!kept.ok && kept.reason === 'conflict' && kept.atRoot === 'numpy');
    assert.equal(text(kept), text(fresh));
    ({ kept, fresh } = both([['pandas', 'numpy'], ['pandas', 'numpy']], ['pandas', 'numpy>=2'], '3.11', ['numpy<2']));
    assert.ok(!kept.ok && kept.reason === 'conflict');
    assert.equal(text(kept), text(fresh));
    // A verdict found with the constraint is not one without it.
    const verdicts = new RootVerdicts();
    new PipResolver(source, on('3.11'), verdicts).resolve(roots(['pandas', 'numpy>=2'], ['numpy<2']));
    const free = new PipResolver(source, on('3.11'), verdicts).resolve(roots(['pandas', 'numpy>=2']));
    assert.ok(free.ok);
    assert.equal(text(free), text(new PipResolver(source, on('3.11')).resolve(roots(['pandas', 'numpy>=2']))));
  });

  test('roots that stop nowhere resolve as pip does; the verdicts are read (a wrong one is followed)', () => {
    const { kept, fresh } = both([['pandas', 'numpy==2.0.0']], ['pandas', 'numpy==2.2.6', 'scipy']);
    assert.ok(kept.ok && fresh.ok);
    assert.equal(text(kept), text(fresh));
    // Verdicts left by a source where pandas has no release (a question they do not belong to): pip's stop is taken
    // from them, at the first root, where the source itself has releases.
    const verdicts = new RootVerdicts();
    const without = (n: string) => (n === 'pandas' ? meta('pandas', [rel('9.9.9', [], '>=4')]) : db.get(n));
    new PipResolver(without, on('3.11'), verdicts).resolve(roots(['pandas']));
    const wrong = new PipResolver(source, on('3.11'), verdicts).resolve(roots(['pandas', 'numpy==2.2.6', 'scipy']));
    assert.ok(!wrong.ok && wrong.reason === 'conflict' && wrong.atRoot === 'pandas');
    assert.ok(new PipResolver(source, on('3.11')).resolve(roots(['pandas', 'numpy==2.2.6', 'scipy'])).ok);
  });

  test('the memo keeps verdicts per question: a typo\'s outcome is the one resolve gives', () => {
    const memo = new ResolveMemo(source);
    for (const v of ['2.0.0', '2.0.1', '2.0.11', '2.2.6', '2.2.66']) {
      const list = roots(['pandas', `numpy==${v}`, 'scipy']);
      assert.equal(text(memo.resolve(list, on('3.12'))), text(resolve(list, source, on('3.12'))), v);
    }
  });
});

describe('on real projects and the bundled snapshot', () => {
  const { metadata, knowledge, snapshot } = bundledSnapshot();

  test('chains of random edits, typos among them: every outcome with the verdicts is the one without', async () => {
    const random = rng(20261207);
    let stopped = 0;
    let compared = 0;
    for await (const { dir, env } of corpusEnvironments(knowledge)) {
      for (const python of ['3.8', '3.12', '3.14']) {
        const options = { ...on(python), maxSteps: 5000 };
        const verdicts = new RootVerdicts();
        const memo = new ResolveMemo(snapshot);
        let list = rootsOf(env);
        new PipResolver(snapshot, options, verdicts).resolve(list);
        for (let step = 0; step < 12; step++) {
          const i = Math.floor(random() * list.length);
          const m = /^([A-Za-z0-9._-]+(?:\[[^\]]*\])?)\s*(==|>=|<=|~=|<|>)\s*[0-9][^;,\s]*$/.exec(list[i].requirement.trim());
          const versions = m ? metadata.get(m[1].replace(/\[.*$/, '').toLowerCase().replace(/[._-]+/g, '-'))?.releases.flatMap((r) => r.versions) ?? [] : [];
          if (!m || !versions.length) continue;
          // A release the package has, or one being typed (a digit more, which no release has here).
          const picked = versions[Math.floor(random() * versions.length)];
          const version = random() < 0.4 ? `${picked}9` : picked;
          const next = list.map((r, k) => (k === i ? { ...r, requirement: `${m[1]}${m[2]}${version}` } : r));
          const kept = new PipResolver(snapshot, options, verdicts).resolve(next);
          const fresh = new PipResolver(snapshot, options).resolve(next);
          compared++;
          const where = `${dir} ${env.label} on ${python}: ${list[i].requirement} -> ${next[i].requirement}`;
          assert.equal(text(kept), text(fresh), where);
          if (!fresh.ok && fresh.reason === 'conflict' && fresh.steps === 0) {
            stopped++;
            // The memo explains the package pip stopped at as a question of its own, which the pin alone then hits:
            // the words and roots of both are resolve's.
            assert.equal(text(memo.resolve(next, options)), text(resolve(next, snapshot, options)), where);
            assert.equal(text(memo.resolve([next[i]], options)), text(resolve([next[i]], snapshot, options)), where);
          }
          if (random() < 0.5) list = next;
        }
      }
    }
    assert.ok(stopped > 100 && compared > 500, `${stopped} stopped at the root stage of ${compared}`);
  });
});
