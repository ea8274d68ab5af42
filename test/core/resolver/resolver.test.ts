// The resolver on hand-made metadata shaped like the real cases of the issue: backtracking as pip does it, pre-release
// and yanked policy, Requires-Python, extras and markers, packages outside the metadata, the snapshot's edge, the step
// budget, and the derivation of a conflict in uv's words.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PackageMetadata, ReleaseEntry } from '../../../src/core/metadata/types';
import { resolve, targetEnvironment, type ResolveResult, type RootRequirement } from '../../../src/core/resolver';

type Rel = Omit<ReleaseEntry, 'source' | 'versions'> & { v: string };
function pkg(name: string, releases: Rel[], extra: Partial<PackageMetadata> = {}): PackageMetadata {
  return {
    format: 1, name, snapshot_date: '2026-12-06', complete_through: releases[releases.length - 1].v,
    releases: releases.map(({ v, ...r }) => ({ versions: [v], source: 'test', requires_dist: [], ...r })), ...extra,
  };
}
const db = (...ps: PackageMetadata[]) => (name: string) => ps.find((p) => p.name === name);
const roots = (...reqs: string[]): RootRequirement[] => reqs.map((requirement, line) => ({ requirement, origin: { path: 'requirements.txt', line } }));
const py311 = { environment: targetEnvironment('3.11') };
const picks = (r: ResolveResult): Record<string, string | boolean> =>
  (r.ok ? Object.fromEntries([...r.packages.values()].map((p) => [p.name, p.version ?? '*'])) : { ok: false, reason: r.reason });

const torch = pkg('torch', [{ v: '2.1.0' }, { v: '2.2.0' }, { v: '2.3.0' }, { v: '2.4.0', requires_python: '>=3.12' }]);
const torchvision = pkg('torchvision', [
  { v: '0.16.0', requires_dist: ['torch==2.1.0'] }, { v: '0.17.0', requires_dist: ['torch==2.2.0', 'numpy'] }, { v: '0.18.0', requires_dist: ['torch==2.3.0'] },
]);

describe('what pip would install', () => {
  test('a bare torch next to torchvision==0.17.0 is torch 2.2.0, not the newest', () => {
    assert.deepEqual(picks(resolve(roots('torch', 'torchvision==0.17.0'), db(torch, torchvision), py311)), { torchvision: '0.17.0', torch: '2.2.0', numpy: '*' });
  });

  test('Requires-Python: torch 2.4.0 needs 3.12, so 3.11 gets 2.3.0 and 3.12 gets 2.4.0', () => {
    assert.equal(picks(resolve(roots('torch'), db(torch), py311)).torch, '2.3.0');
    assert.equal(picks(resolve(roots('torch'), db(torch), { environment: targetEnvironment('3.12') })).torch, '2.4.0');
  });

  test('diffusers backtracks to the newest release whose huggingface-hub range fits the transformers pin', () => {
    const source = db(
      pkg('diffusers', [{ v: '0.30.0', requires_dist: ['huggingface-hub>=0.23'] }, { v: '0.31.0', requires_dist: ['huggingface-hub>=0.23'] }, { v: '0.36.0', requires_dist: ['huggingface-hub>=1.0'] }]),
      pkg('transformers', [{ v: '4.44.0', requires_dist: ['huggingface-hub>=0.23,<1.0'] }]),
      pkg('huggingface-hub', [{ v: '0.23.0' }, { v: '0.26.0' }, { v: '1.0.0' }, { v: '1.1.0' }]),
    );
    assert.deepEqual(picks(resolve(roots('diffusers>=0.21', 'transformers==4.44'), source, py311)), { transformers: '4.44.0', 'huggingface-hub': '0.26.0', diffusers: '0.31.0' });
  });

  test('pre-releases only when a specifier names one, when nothing else exists, or with --pre', () => {
    const source = db(pkg('a', [{ v: '1.0' }, { v: '2.0b1' }]), pkg('b', [{ v: '1.0rc1' }]));
    assert.equal(picks(resolve(roots('a'), source, py311)).a, '1.0');
    assert.equal(picks(resolve(roots('a>=1.0'), source, py311)).a, '1.0');
    assert.equal(picks(resolve(roots('a>=2.0b1'), source, py311)).a, '2.0b1');
    assert.equal(picks(resolve(roots('a'), source, { ...py311, prereleases: true })).a, '2.0b1');
    assert.equal(picks(resolve(roots('b'), source, py311)).b, '1.0rc1');
    // packaging 21.3 (pip 23.2): a non-empty specifier that names no pre-release admits none, even when nothing else fits.
    assert.equal(resolve(roots('b>=0.1'), source, py311).ok, false);
  });

  test('a yanked release only when pinned exactly, and then with its reason', () => {
    const source = db(pkg('a', [{ v: '1.0' }, { v: '1.1', yanked: 'broken wheel' }]));
    assert.equal(picks(resolve(roots('a'), source, py311)).a, '1.0');
    assert.equal(picks(resolve(roots('a>=1.1'), source, py311)).ok, false);
    const pinned = resolve(roots('a==1.1'), source, py311);
    assert.ok(pinned.ok);
    assert.equal(pinned.packages.get('a')?.yanked, 'broken wheel');
  });

  test('extras and markers are evaluated for the target', () => {
    const source = db(
      pkg('diffusers', [{ v: '0.31.0', requires_dist: ['numpy', 'torch>=2.2 ; extra == "torch"', 'pywin32 ; sys_platform == "win32"'] }]),
      torch, pkg('numpy', [{ v: '1.26.4' }, { v: '2.1.0' }]),
    );
    assert.deepEqual(picks(resolve(roots('diffusers'), source, py311)), { diffusers: '0.31.0', numpy: '2.1.0' });
    assert.deepEqual(picks(resolve(roots('diffusers[torch]'), source, py311)), { diffusers: '0.31.0', numpy: '2.1.0', torch: '2.3.0' });
    assert.equal(picks(resolve(roots('diffusers'), source, { environment: targetEnvironment('3.11', 'windows') })).pywin32, '*');
    assert.equal(resolve(roots('numpy<2 ; python_version < "3.10"', 'numpy>=2'), source, py311).ok, true);
  });

  test('packages the metadata does not cover take any version, unless their own specifiers exclude each other', () => {
    assert.deepEqual(picks(resolve(roots('requests>=2', 'requests<3'), db(), py311)), { requests: '*' });
    assert.equal(resolve(roots('requests>=3', 'requests<2'), db(), py311).ok, false);
  });

  test('a release newer than the snapshot is unknown: no false conflict, and said so', () => {
    const stale = pkg('torch', [{ v: '2.1.0' }, { v: '2.2.0' }], { complete_through: '2.2.0', registry_newest: '2.15.0' });
    const r = resolve(roots('torch>=2.10'), db(stale), py311);
    assert.ok(r.ok);
    assert.equal(r.packages.get('torch')?.version, undefined);
    assert.match(r.packages.get('torch')?.newerUnknown ?? '', /2\.15\.0/);
    assert.equal(resolve(roots('torch'), db(stale), py311).ok && picks(resolve(roots('torch'), db(stale), py311)).torch, '2.2.0');
  });

  test('the work is bounded: a budget, never a hang', () => {
    // 12 packages of 12 releases each; every release of p<i> excludes every release of p<i+1> but the oldest.
    const ps: PackageMetadata[] = [];
    for (let i = 0; i < 12; i++) {
      const releases: Rel[] = [];
      for (let v = 1; v <= 12; v++) releases.push({ v: `${v}.0`, requires_dist: i < 11 ? [`p${i + 1}<1.0`, `q>=${v}`] : [] });
      ps.push(pkg(`p${i}`, releases));
    }
    ps.push(pkg('q', [{ v: '1.0' }]));
    const r = resolve(roots('p0'), db(...ps), { ...py311, maxSteps: 500 });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && (r.reason === 'budget' || r.reason === 'conflict'));
    assert.ok(r.steps <= 501);
  });

  test('malformed metadata and requirements never throw', () => {
    const bad = { format: 1, name: 'x', snapshot_date: '', complete_through: '1', releases: [{ versions: ['not a version', '1.0'], requires_dist: ['(((', 'y>='], requires_python: '>>3', source: '' }, null] } as unknown as PackageMetadata;
    assert.deepEqual(picks(resolve(roots('x'), db(bad), py311)), { x: '1.0' });
    const invalid = resolve(roots('x >= = 1'), db(bad), py311);
    assert.equal(!invalid.ok && invalid.reason, 'invalid');
    assert.equal(resolve(roots('x'), () => { throw new Error('boom'); }, py311).ok, true);
  });
});

describe('why nothing installs', () => {
  test('a pinned companion and a floor: the derivation in uv\'s words, with where each requirement was written', () => {
    const r = resolve(roots('torch>=2.3', 'torchvision==0.17.0'), db(torch, torchvision), py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.equal(r.conflict.message,
      'Because torchvision==0.17.0 depends on torch==2.2.0 and you require torch>=2.3 (requirements.txt:1), we can conclude that torchvision==0.17.0 cannot be used.\n' +
      'And because you require torchvision==0.17.0 (requirements.txt:2), we can conclude that your requirements are unsatisfiable.');
    assert.deepEqual(r.conflict.packages.sort(), ['torch', 'torchvision']);
    assert.deepEqual(r.conflict.roots.map((x) => x.requirement).sort(), ['torch>=2.3', 'torchvision==0.17.0']);
    assert.deepEqual(r.conflict.causes.map((c) => c.requirement).sort(), ['torch==2.2.0', 'torch>=2.3']);
  });

  test('versions of a range that each pin another torch are summarized', () => {
    const r = resolve(roots('torch>=2.3', 'torchvision<0.18'), db(torch, torchvision), py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.match(r.conflict.message, /^Because torchvision==0\.16\.0 depends on torch==2\.1\.0 and torchvision==0\.17\.0 depends on torch==2\.2\.0, we can conclude that torchvision<0\.18\.0 depends on torch>=2\.1\.0,<2\.3\.0\.\nAnd because you require torch>=2\.3 \(requirements\.txt:1\) and you require torchvision<0\.18 \(requirements\.txt:2\), we can conclude that your requirements are unsatisfiable\.$/);
  });

  test('Requires-Python in the derivation', () => {
    const r = resolve(roots('torch>=2.4'), db(torch), py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.match(r.conflict.message, /Because torch>=2\.4\.0 depends on Python>=3\.12/);
    assert.match(r.conflict.message, /the target is Python 3\.11/);
  });

  test('a pinned yanked release and a dependency with no version at all', () => {
    const source = db(pkg('a', [{ v: '1.0' }, { v: '1.1', yanked: 'bad', requires_dist: ['b>=2'] }]), pkg('b', [{ v: '1.0' }]));
    const r = resolve(roots('a==1.1'), source, py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.equal(r.conflict.message, 'Because a>=1.1 depends on b>=2 and there is no version of b>=2, we can conclude that a>=1.1 cannot be used.\n' +
      'And because you require a==1.1 (requirements.txt:1), we can conclude that your requirements are unsatisfiable.');
  });

  test('a pin on a release newer than the snapshot takes no part in the derivation of another conflict', () => {
    // safetensors 0.8.0 is newer than the snapshot (unknown, never "no version"); scipy 1.18.1 needs Python 3.12.
    const source = db(
      pkg('safetensors', [{ v: '0.7.0' }], { registry_newest: '0.8.0' }),
      pkg('scipy', [{ v: '1.17.1', requires_python: '>=3.11' }, { v: '1.18.1', requires_python: '>=3.12' }]),
    );
    const r = resolve(roots('safetensors==0.8.0', 'scipy==1.18.1'), source, py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.doesNotMatch(r.conflict.message, /safetensors/);
    assert.match(r.conflict.message, /^Because scipy>=1\.18\.1 depends on Python>=3\.12 and the target is Python 3\.11/);
    assert.deepEqual(r.conflict.roots.map((x) => x.requirement), ['scipy==1.18.1']);
  });

  test('a conflict two levels down names the chain', () => {
    const source = db(
      pkg('app', [{ v: '1.0', requires_dist: ['lib>=2'] }]),
      pkg('lib', [{ v: '2.0', requires_dist: ['core<1'] }, { v: '2.1', requires_dist: ['core<1'] }]),
      pkg('core', [{ v: '0.5' }, { v: '1.0' }]),
    );
    const r = resolve(roots('app', 'core>=1'), source, py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.match(r.conflict.message, /all versions of lib depend on core<1/);
    assert.match(r.conflict.message, /app==1\.0 depends on lib>=2\b/);
    assert.match(r.conflict.message, /your requirements are unsatisfiable\.$/);
    assert.deepEqual(r.conflict.packages.sort(), ['app', 'core', 'lib']);
  });
});

describe('releases the snapshot does not describe', () => {
  // A partial listing (complete_from): 1.1 and 1.3 are listed with their requirements, 1.2 without; 1.0, 1.4, 1.5 and
  // everything between are unknown, and the registry lists 2.0, newer than the snapshot.
  const lib = pkg('lib', [{ v: '1.1', requires_dist: ['core>=2'] }, { v: '1.2', requires_dist: undefined }, { v: '1.3', requires_dist: ['core>=3'] }],
    { complete_from: '1.3', complete_through: '1.3', registry_newest: '2.0' });
  const core = pkg('core', [{ v: '1.0' }, { v: '2.0' }, { v: '3.0' }]);

  test('the unknown candidate and a release listed without requirements take any requirement; describedOnly holds them out', () => {
    assert.deepEqual(picks(resolve(roots('lib>=1.1', 'core==1.0'), db(lib, core), py311)), { lib: '1.2', core: '1.0' });
    assert.deepEqual(picks(resolve(roots('lib>=1.3', 'core==1.0'), db(lib, core), py311)), { lib: '*', core: '1.0' });
    const held = resolve(roots('lib>=1.1', 'core==1.0'), db(lib, core), { ...py311, describedOnly: ['lib'] });
    assert.ok(!held.ok && held.reason === 'conflict');
    assert.equal(held.conflict.message,
      'Because lib==1.1 depends on core>=2 and lib>=1.3 depends on core>=3, we can conclude that lib>=1.1 depends on core>=2.0.\n' +
      'And because you require lib>=1.1 (requirements.txt:1) and you require core==1.0 (requirements.txt:2), we can conclude that your requirements are unsatisfiable.');
    assert.deepEqual(picks(resolve(roots('lib>=1.1', 'core==3.0'), db(lib, core), { ...py311, describedOnly: ['lib'] })), { lib: '1.3', core: '3.0' });
  });

  test('a pick the snapshot does not describe says what the requirements on it allow of what it describes', () => {
    const r = resolve(roots('lib>=1.1', 'core==1.0'), db(lib, core), py311);
    assert.ok(r.ok);
    assert.deepEqual(r.packages.get('lib')?.admitted,
      { described: ['1.1', '1.3'], withoutRequirements: ['1.2'], unlisted: true, newerThan: '1.3', gaps: [['1.1', '1.3']], belowAll: false });
    assert.equal(r.packages.get('core')?.admitted, undefined);
    const open = resolve(roots('lib', 'core==1.0'), db(lib, core), py311);
    assert.ok(open.ok && open.packages.get('lib')?.admitted?.belowAll === true);
    const exact = resolve(roots('lib==1.2.5', 'core==1.0'), db(lib, core), py311);
    assert.ok(exact.ok);
    assert.deepEqual(exact.packages.get('lib')?.admitted, { described: [], withoutRequirements: [], unlisted: false, gaps: [[]], belowAll: false });
  });

  test('what a requirement through an extra asks of a pick it does not describe counts as the plain requirement would', () => {
    const withExtra = pkg('lib', [{ v: '1.1', requires_dist: ['core>=2', 'fastlib; extra == "fast"'] }, { v: '1.2', requires_dist: undefined }, { v: '1.3', requires_dist: ['core>=3', 'fastlib; extra == "fast"'] }],
      { complete_from: '1.3', complete_through: '1.3', registry_newest: '2.0' });
    const source = db(withExtra, core, pkg('fastlib', [{ v: '1.0' }]));
    const viaExtra = resolve(roots('lib>=1.1', 'lib[fast]<1.3', 'core==1.0'), source, py311);
    const plain = resolve(roots('lib>=1.1,<1.3', 'core==1.0'), source, py311);
    assert.ok(viaExtra.ok && plain.ok);
    assert.equal(viaExtra.packages.get('lib')?.version, '1.2');
    assert.deepEqual(viaExtra.packages.get('lib')?.admitted, { described: ['1.1'], withoutRequirements: ['1.2'], unlisted: false, gaps: [['1.1']], belowAll: false });
    assert.deepEqual(viaExtra.packages.get('lib')?.admitted, plain.packages.get('lib')?.admitted);
  });

  test('an exact pin of the newest release of a complete listing is that release, never the unknown newer one', () => {
    // ==1.1 allows 1.1's local builds (1.1+cu121), which sort above 1.1: they are the release itself, not a newer one.
    const app = pkg('app', [{ v: '1.0', requires_dist: ['core==1.0'] }, { v: '1.1', requires_dist: ['core==2.0'] }], { registry_newest: '1.5' });
    const r = resolve(roots('app==1.1', 'core==1.0'), db(app, core), py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.equal(r.conflict.message, 'Because app>=1.1 depends on core==2.0 and you require app==1.1 (requirements.txt:1), we can conclude that core==2.0 is required.\n' +
      'And because you require core==1.0 (requirements.txt:2), we can conclude that your requirements are unsatisfiable.');
  });

  test('a requirement only unknown releases outside the root pins could meet takes part in the derivation', () => {
    // core 4.0 (newer than the snapshot) would meet app 1.0's core>=4, but core==1.0 is pinned.
    const app = pkg('app', [{ v: '1.0', requires_dist: ['core>=4'] }]);
    const stale = pkg('core', [{ v: '1.0' }, { v: '3.0' }], { registry_newest: '4.0' });
    const r = resolve(roots('app==1.0', 'core==1.0'), db(app, stale), py311);
    assert.ok(!r.ok && r.reason === 'conflict');
    assert.equal(r.conflict.message, 'Because app==1.0 depends on core>=4 and you require app==1.0 (requirements.txt:1), we can conclude that core>=4 is required.\n' +
      'And because you require core==1.0 (requirements.txt:2), we can conclude that your requirements are unsatisfiable.');
  });
});

test('a wheel URL whose local label no index lists (torch-2.1.0+cpu.cxx11.abi) is that release: it installs, and its release\'s requirements still count', () => {
  const url = 'torch @ https://download.pytorch.org/whl/cpu-cxx11-abi/torch-2.1.0%2Bcpu.cxx11.abi-cp311-cp311-linux_x86_64.whl';
  // The accelerator indexes' builds of 2.1.0 are known (+cpu, +cu121); the cxx11-abi one is not among them.
  const builds = pkg('torch', [{ v: '2.1.0', variants: { cpu: 'https://download.pytorch.org/whl/cpu', cu121: 'https://download.pytorch.org/whl/cu121' } }, { v: '2.2.0' }]);
  const r = resolve(roots(url), db(builds, torchvision), py311);
  assert.ok(r.ok, JSON.stringify(picks(r)));
  assert.deepEqual(picks(resolve(roots(url, 'torchvision'), db(builds, torchvision), py311)), { torch: '2.1.0', torchvision: '0.16.0' });
  const conflict = resolve(roots(url, 'torchvision==0.17.0'), db(builds, torchvision), py311);
  assert.ok(!conflict.ok && conflict.reason === 'conflict');
  assert.match(conflict.conflict.message, /torchvision==0\.17\.0 depends on torch==2\.2\.0/);
});
