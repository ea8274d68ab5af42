// A conflict fails alike on each CPython a check tries (src/core/resolver/pythons.ts) where everything the resolution
// read reads as on its own Python (src/core/resolver/pip.ts, `samePythons`): a check does not resolve again on those,
// and the memo answers upgrade attempts there from it. Checked on small literal ecosystems (each way a Python takes
// part), then on every environment of the real-project corpus, the example projects and the bench's generated file
// against the bundled snapshot: on each Python a conflict names, resolving afresh gives the same conflict.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { rootsOf } from '../../src/core/resolver/environment';
import { CPYTHONS } from '../../src/core/resolver/pythons';
import { resolve, targetEnvironment, type ResolveResult, type RootRequirement } from '../../src/core/resolver';
import { ResolveMemo } from '../../src/core/resolver/memo';
import { requirementsFile } from '../../bench/files.mjs';
import { bundledSnapshot, corpusDirs, corpusEnvironments, meta, rel } from '../support/ecosystems';

const db = new Map([
  ['torch', meta('torch', [rel('2.2.0', [], '>=3.8'), rel('2.3.1'), rel('2.4.0', [], '>=3.9')])],
  ['torchvision', meta('torchvision', [rel('0.17.0', ['torch==2.2.0']), rel('0.18.1', ['torch==2.3.1']), rel('0.19.0', ['torch==2.4.0'])])],
  ['old', meta('old', [rel('1.0', ['torch==2.2.0; python_version < "3.12"', 'torch==2.3.1; python_version >= "3.12"'])])],
]);
const source = (n: string) => db.get(n);
const on = (python: string) => ({ environment: targetEnvironment(python) });
const roots = (lines: string[]): RootRequirement[] => lines.map((requirement) => ({ requirement }));

function conflict(r: ResolveResult) {
  assert.ok(!r.ok && r.reason === 'conflict', 'a conflict');
  return r;
}

describe('conflicts independent of the Python', () => {
  test('two pins that contradict through declared requirements, and a Requires-Python every checked CPython meets: all alike', () => {
    const r = conflict(resolve(roots(['torchvision==0.17.0', 'torch==2.3.1']), source, on('3.12')));
    assert.deepEqual(r.samePythons, CPYTHONS);
    for (const python of ['3.8', '3.10', '3.14']) assert.deepEqual(conflict(resolve(roots(['torchvision==0.17.0', 'torch==2.3.1']), source, on(python))).conflict.causes, r.conflict.causes);
  });

  test('a release that was a candidate, with a Requires-Python some checked CPython does not meet: those differ (torch 2.4.0 needs 3.9)', () => {
    const r = conflict(resolve(roots(['torchvision==0.17.0', 'torch>=2.4']), source, on('3.12')));
    assert.deepEqual(r.samePythons, ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14']);
    // On 3.8 it is another conflict (no torch at all): 3.8 is not alike.
    const old = conflict(resolve(roots(['torchvision==0.17.0', 'torch>=2.4']), source, on('3.8')));
    assert.notDeepEqual(old.conflict.causes, r.conflict.causes);
    assert.deepEqual(old.samePythons, ['3.8']);
  });

  test('a marker on the Python, in a root or in a release\'s requirements: alike where it reads the same', () => {
    assert.deepEqual(conflict(resolve(roots(['torch==2.2.0; python_version >= "3.10"', 'torchvision==0.18.1']), source, on('3.11'))).samePythons, ['3.10', '3.11', '3.12', '3.13', '3.14']);
    assert.deepEqual(conflict(resolve(roots(['torch==2.2.0; python_version >= "3.8"', 'torchvision==0.18.1']), source, on('3.11'))).samePythons, CPYTHONS);
    const viaDependency = conflict(resolve(roots(['old', 'torchvision==0.19.0']), source, on('3.11')));
    // old's marker reads otherwise from 3.12 on; torch 2.4.0 (what torchvision 0.19.0 takes) needs 3.9.
    assert.deepEqual(viaDependency.samePythons, ['3.9', '3.10', '3.11']);
    // A Python outside the checked ones is alike with none.
    assert.deepEqual(conflict(resolve(roots(['torchvision==0.17.0', 'torch==2.3.1']), source, on('3.7'))).samePythons, []);
    assert.deepEqual(conflict(resolve(roots(['torchvision==0.17.0', 'torch==2.3.1']), source, on('3.11.4'))).samePythons, []);
  });

  test('the explanation is made when read, once', () => {
    const r = conflict(resolve(roots(['torchvision==0.17.0', 'torch==2.3.1']), source, on('3.11')));
    const first = r.conflict;
    assert.equal(r.conflict, first);
    assert.match(first.message, /we can conclude that/);
  });

  test('the memo answers another Python from a conflict alike there only for callers that do not read its words', () => {
    const memo = new ResolveMemo(source);
    const list = roots(['torchvision==0.17.0', 'torch==2.3.1']);
    memo.resolve(list, on('3.13'));
    assert.equal(memo.misses, 1);
    const bare = memo.resolve(list, on('3.8'), false);
    assert.equal(memo.misses, 1, 'served from the 3.13 result');
    assert.deepEqual(conflict(bare).conflict.causes, conflict(resolve(list, source, on('3.8'))).conflict.causes);
    memo.resolve(list, on('3.8'));
    assert.equal(memo.misses, 2, 'a caller that reads the words gets its own Python\'s');
    // Not on a Python where it reads otherwise.
    const dependent = roots(['torchvision==0.17.0', 'torch>=2.4']);
    memo.resolve(dependent, on('3.13'));
    memo.resolve(dependent, on('3.9'), false);
    assert.equal(memo.misses, 3);
    memo.resolve(dependent, on('3.8'), false);
    assert.equal(memo.misses, 4);
  });
});

describe('on real projects and the bundled snapshot', () => {
  const { knowledge, snapshot } = bundledSnapshot();
  // The bench's pip-compile file (pins of releases that do not exist: conflicts on no Python-specific fact) beside the
  // real projects (whose conflicts read Requires-Python ranges the oldest checked CPythons miss).
  const generated = mkdtempSync(join(tmpdir(), 'ml-pins-python-independent-'));
  writeFileSync(join(generated, 'requirements.txt'), requirementsFile(200));
  const dirs = [...corpusDirs(), generated];
  const pythons = ['3.14', '3.13', '3.12', '3.11', '3.10', '3.9', '3.8'];

  test('on each Python a conflict names as alike, resolving afresh gives the same conflict', async () => {
    let everywhere = 0;
    let some = 0;
    for await (const { dir, env } of corpusEnvironments(knowledge, dirs)) {
      const list = rootsOf(env);
      for (const python of pythons) {
        const r = resolve(list, snapshot, on(python));
        if (r.ok || r.reason !== 'conflict') continue;
        assert.ok(r.samePythons?.includes(python), 'its own Python');
        if (r.samePythons!.length === pythons.length) everywhere++;
        else if (r.samePythons!.length > 1) some++;
        for (const other of r.samePythons!) {
          const o = resolve(list, snapshot, on(other));
          assert.ok(!o.ok && o.reason === 'conflict', `${dir} ${env.label}: a conflict on ${python} said alike on ${other}, where it ${o.ok ? 'installs' : o.reason}`);
          assert.deepEqual(o.conflict.causes, r.conflict.causes, `${dir} ${env.label} on ${other}`);
        }
      }
    }
    // Conflicts alike on every Python and on some only both occur.
    assert.ok(everywhere > 0 && some > 0, `alike on every Python ${everywhere}, on some ${some}`);
  });
});
