// A conflict pip meets while adding the roots (a pin no release matches: a typo, a release that does not exist, one
// without wheels for the Python) is explained from that package's root requirements alone (src/core/resolver/pip.ts
// `atRoot`, explain.ts): the conflict pip stops at, not whichever one a derivation over every root finds first (it read
// every other root's releases on such a keystroke, and could name a conflict further down the file). Checked on a
// literal ecosystem, then on every environment of the real-project corpus and the example projects, as written and
// with pins retyped to releases that do not exist: the explanation rests only on the roots of the package pip stopped
// at, and those roots alone fail in pip as the whole set does.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rootsOf } from '../../src/core/resolver/environment';
import { explainConflict, resolve, targetEnvironment, type MetadataSource, type RootRequirement } from '../../src/core/resolver';
import { PipResolver } from '../../src/core/resolver/pip';
import { bundledSnapshot, corpusEnvironments, meta, rel } from '../support/ecosystems';
const db = new Map([
  ['torch', meta('torch', [rel('2.2.0', [], '>=3.8'), rel('2.3.1'), rel('2.4.0', [], '>=3.9')])],
  ['torchvision', meta('torchvision', [rel('0.17.0', ['torch==2.2.0']), rel('0.18.1', ['torch==2.3.1'])])],
  ['numpy', meta('numpy', [rel('1.26.4', [], '>=3.9'), rel('2.0.0', [], '>=3.9')])],
]);
const source = (n: string) => db.get(n);
const on = (python: string) => ({ environment: targetEnvironment(python) });
const roots = (lines: string[]): RootRequirement[] => lines.map((requirement) => ({ requirement }));

/** The conflict's explanation from the package pip stopped at alone, and from every root: both, with pip's outcome. */
function bothWays(list: readonly RootRequirement[], snapshot: MetadataSource, python: string) {
  const outcome = new PipResolver(snapshot, on(python)).resolve(list);
  if (outcome.ok || outcome.reason !== 'conflict' || outcome.atRoot === undefined) return undefined;
  const restricted = explainConflict(list, snapshot, on(python), outcome.causes, outcome.rootsByName, outcome.atRoot);
  const whole = explainConflict(list, snapshot, on(python), outcome.causes, outcome.rootsByName);
  return { atRoot: outcome.atRoot, causes: outcome.causes, restricted, whole };
}

const nameOf = (r: RootRequirement) => /^\s*([A-Za-z0-9._-]+)/.exec(r.requirement)![1].toLowerCase().replace(/[._-]+/g, '-');

describe('a conflict met while adding the roots', () => {
  test('a pin with no release for the Python before a release that does not exist: pip\'s first is named, not the other', () => {
    // pip adds the roots in order and stops at numpy (2.0.0 needs Python 3.9); a derivation over every root names
    // torch==9.9 first (no version to choose from), which pip never reached.
    const list = roots(['numpy==2.0.0', 'torch==9.9']);
    const r = resolve(list, source, on('3.8'));
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.match(r.conflict.message, /^Because all versions of numpy depend on Python>=3\.9 and the target is Python 3\.8/);
    assert.doesNotMatch(r.conflict.message, /torch/);
    const both = bothWays(list, source, '3.8')!;
    assert.equal(both.atRoot, 'numpy');
    assert.equal(both.restricted.message, r.conflict.message);
    assert.match(both.whole.message, /no version of torch==9\.9/);
  });

  test('beside pins that conflict through declared requirements: the same words as the whole set', () => {
    const both = bothWays(roots(['torchvision==0.17.0', 'torch==2.3.1', 'numpy==1.26.9']), source, '3.11')!;
    assert.equal(both.atRoot, 'numpy');
    assert.equal(both.restricted.message, both.whole.message);
  });

  test('two root requirements on one package that exclude each other, and a Requires-Python the target misses', () => {
    const two = bothWays(roots(['torch==2.2.0', 'numpy>=2', 'numpy<1.26']), source, '3.11')!;
    assert.equal(two.atRoot, 'numpy');
    assert.equal(two.restricted.message, two.whole.message);
    assert.match(two.restricted.message, /numpy>=2/);
    const python = bothWays(roots(['torch==2.2.0', 'numpy==2.0.0']), source, '3.8')!;
    assert.equal(python.atRoot, 'numpy');
    assert.equal(python.restricted.message, python.whole.message);
    assert.match(python.restricted.message, /Python/);
  });

  test('a conflict through declared requirements is not one pip meets while adding the roots', () => {
    const outcome = new PipResolver(source, on('3.11')).resolve(roots(['torchvision==0.17.0', 'torch==2.3.1']));
    assert.ok(!outcome.ok && outcome.reason === 'conflict');
    assert.equal(outcome.atRoot, undefined);
  });
});

describe('on real projects and the bundled snapshot', () => {
  const { knowledge, snapshot } = bundledSnapshot();

  test('as written and with pins retyped to releases that do not exist, the explanation rests on the package pip stopped at', async () => {
    let compared = 0;
    let differed = 0;
    for await (const { dir, env } of corpusEnvironments(knowledge)) {
      const list = rootsOf(env);
      // As written, then with an exact pin retyped (a typo on a keystroke) at a few places through the file.
      const pinned = list.flatMap((r, i) => (/^[A-Za-z0-9._-]+(\[[^\]]*\])?==\d[^;,\s]*$/.test(r.requirement.trim()) ? [i] : []));
      const variants = [list, ...pinned.filter((_, j) => j % Math.max(1, Math.floor(pinned.length / 4)) === 0).slice(0, 4)
        .map((i) => list.map((r, k) => (k === i ? { ...r, requirement: `${r.requirement.trim()}.999` } : r)))];
      for (const variant of variants) {
        for (const python of ['3.8', '3.11', '3.14']) {
          const both = bothWays(variant, snapshot, python);
          if (!both) continue;
          const at = `${dir} ${env.label} on ${python} at ${both.atRoot}`;
          // A package the snapshot does not describe (two pins of pyhocon) has no releases to derive from: pip's own
          // causes are the words, and they name that package's requirements only.
          if (snapshot(both.atRoot)) assert.match(both.restricted.message, /we can conclude that your requirements are unsatisfiable/, at);
          else assert.ok(both.causes.every((c) => !c.parent && nameOf({ requirement: c.requirement }) === both.atRoot), at);
          assert.ok(both.restricted.roots.length && both.restricted.roots.every((r) => nameOf(r) === both.atRoot), at);
          // Those roots alone stop pip at the same requirements.
          const alone = resolve(variant.filter((r) => nameOf(r) === both.atRoot), snapshot, on(python));
          assert.ok(!alone.ok && alone.reason === 'conflict', at);
          assert.deepEqual(alone.conflict.causes, both.causes, at);
          if (both.restricted.message !== both.whole.message) differed++;
          compared++;
        }
      }
    }
    assert.ok(compared > 50, `${compared} conflicts met while adding the roots compared`);
    // Where a derivation over every root named another conflict than pip's (a later pin's), it is pip's now.
    assert.ok(differed > 0, 'some explanations differ from the whole set\'s');
  });
});

test('a dependency on a release older than a partial listing, next to a pin of another such release: the pin is the reason, not "no version"', () => {
  // triton's listing starts at 3.8.0 (complete_from), so 2.0.0 and 2.1.0 are unknown, neither absent: pip refuses
  // whisper 20230314 because the user pinned triton 2.1.0 next to whisper's triton==2.0.0.
  const partial = new Map([
    ['triton', { ...meta('triton', [rel('3.8.0')]), complete_from: '3.8.0', complete_through: '3.8.0' }],
    ['openai-whisper', meta('openai-whisper', [rel('20230314', ['triton==2.0.0; sys_platform == "linux" and platform_machine == "x86_64"'])])],
  ]);
  const list = roots(['openai-whisper==20230314', 'triton==2.1.0']);
  const r = resolve(list, (n) => partial.get(n), on('3.11'));
  assert.ok(!r.ok && r.reason === 'conflict');
  assert.match(r.conflict.message, /openai-whisper==20230314 depends on triton==2\.0\.0 and you require triton==2\.1\.0/);
  assert.doesNotMatch(r.conflict.message, /no version/);
  // On Windows the requirement's marker is false: it installs.
  assert.ok(resolve(list, (n) => partial.get(n), { environment: targetEnvironment('3.11', 'windows') }).ok);
});
