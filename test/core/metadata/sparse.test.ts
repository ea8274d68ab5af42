// Sparse entries (docs/metadata.md): releases read from a mirror that holds some releases only. Each speaks for exactly
// its own release: the versions between two of them, and between the complete listing and a newer sparse release, are
// unknown, never taken not to exist and never given a neighbour's range.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom } from '../../../src/core/engine/check';
import { describedSet, memoryProvider, validPackage, versionStatus } from '../../../src/core/metadata/provider';
import type { PackageMetadata } from '../../../src/core/metadata/types';
import { resolve, targetEnvironment } from '../../../src/core/resolver';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { metadataJson, metadataText } from '../../../src/cli/metadata';

// Shaped as huggingface-hub's file: a complete listing from source at tags up to 1.28.0, then 1.33.0 and 2.0.0 from a mirror.
const hub: PackageMetadata = {
  format: 1, name: 'hubby', snapshot_date: '2026-12-06', registry_newest: '2.4.0', complete_through: '1.28.0',
  releases: [
    { versions: ['0.36.0'], requires_python: '>=3.8', requires_dist: ['httpx<1'], source: 'example/hubby@v0.36.0:setup.py' },
    { versions: ['1.26.0'], requires_python: '>=3.9', requires_dist: ['httpx<1'], source: 'example/hubby@v1.26.0:setup.py' },
    { versions: ['1.28.0'], requires_python: '>=3.10', requires_dist: ['httpx<1'], source: 'example/hubby@v1.28.0:setup.py' },
    { versions: ['1.33.0'], requires_python: '>=3.10', requires_dist: ['httpx<1'], sparse: true, source: 'index:file:///mirror/simple/ (hubby-1.33.0-py3-none-any.whl sha256:…)' },
    { versions: ['2.0.0'], requires_python: '>=3.11', requires_dist: ['httpx2>=2'], sparse: true, source: 'index:file:///mirror/simple/ (hubby-2.0.0-py3-none-any.whl sha256:…)' },
  ],
};
// A library that declares a range of hubby, and one that declares only a sparse release's requirement.
const lib: PackageMetadata = {
  format: 1, name: 'userlib', snapshot_date: '2026-12-06', complete_through: '5.18.0', complete_from: '5.18.0',
  releases: [
    { versions: ['4.57.6'], requires_dist: ['hubby<1.0,>=0.34'], sparse: true, source: 'index:file:///mirror/simple/ (userlib-4.57.6-py3-none-any.whl sha256:…)' },
    { versions: ['5.18.0'], requires_dist: ['hubby<3.0,>=1.31.0'], source: 'index:file:///mirror/simple/ (userlib-5.18.0-py3-none-any.whl sha256:…)' },
  ],
};
const provider = memoryProvider([hub, lib]);

describe('sparse entries', () => {
  test('a sparse release is known; the versions around it are unknown; inside the complete listing an absent release does not exist', () => {
    assert.equal(versionStatus(hub, '2.0.0'), 'known');
    assert.equal(versionStatus(hub, '1.33.0'), 'known');
    for (const v of ['1.29.0', '1.32.1', '1.34.0', '2.0.1', '2.4.0']) assert.equal(versionStatus(hub, v), 'unknown', v);
    assert.equal(versionStatus(hub, '1.27.0'), 'nonexistent');
    assert.equal(versionStatus(lib, '5.0.0'), 'unknown', 'below complete_from');
    assert.equal(versionStatus(lib, '5.20.0'), 'unknown', 'newer than the snapshot');
    assert.ok(describedSet(hub).contains('2.0.0') && !describedSet(hub).contains('1.30.0'));
  });

  test('validation: a release newer than the complete listing must be sparse, and a sparse entry must lie outside it', () => {
    assert.ok(validPackage(hub) && validPackage(lib));
    const unmarked = { ...hub, releases: hub.releases.map(({ sparse: _s, ...e }) => e) };
    assert.equal(validPackage(unmarked), false, '2.0.0 above complete_through without sparse');
    const inside = { ...hub, releases: [...hub.releases.slice(0, 1), { ...hub.releases[1], sparse: true as const }, ...hub.releases.slice(2)] };
    assert.equal(validPackage(inside), false, 'a sparse entry inside the complete listing');
    assert.equal(validPackage({ ...hub, releases: [{ ...hub.releases[2], sparse: 'yes' }] }), false);
  });

  test('the resolver: a sparse release is held to what it declares; a version between sparse releases is one unknown candidate, never a conflict', () => {
    const run = (...requirements: string[]) => resolve(requirements.map((requirement) => ({ requirement })),
      (name) => provider.get(name), { environment: targetEnvironment('3.11') });
    assert.equal(run('hubby==2.0.0', 'httpx<1').ok, true, 'httpx2 is another package');
    assert.equal(run('hubby==2.0.0', 'httpx2<2').ok, false, 'the sparse release declares httpx2>=2');
    const between = run('hubby==1.30.0', 'httpx>=1');
    assert.equal(between.ok, true, '1.30.0 is unknown, not taken to declare 1.28.0\'s or 1.33.0\'s range');
    assert.equal(run('hubby==1.27.0').ok, false, '1.27.0 does not exist: the complete listing lacks it');
    assert.equal(run('userlib==5.18.0', 'hubby<1.0').ok, false);
    assert.equal(run('userlib==5.0.0', 'hubby<1.0').ok, true, 'userlib 5.0.0 is unknown');
  });

  test('the engine: findings on the releases the mirror read, none on a version it did not', async () => {
    const knowledge = knowledgeFrom(bundledFamilies, provider);
    const codes = async (text: string) => {
      const r = await checkProject({ files: [{ path: '/p/requirements.txt', text }], readFile: async () => undefined, knowledge });
      return r.files.flatMap((f) => f.findings.map((x) => x.code));
    };
    assert.ok((await codes('userlib==5.18.0\nhubby==0.36.0\n')).includes('declared-requirement'));
    assert.deepEqual(await codes('userlib==5.17.0\nhubby==0.36.0\n'), [], 'no range is extended from 5.18.0 down to 5.17.0');
    assert.deepEqual(await codes('userlib==5.20.0\nhubby==0.36.0\n'), [], 'newer than the snapshot');
    assert.ok((await codes('userlib==4.57.6\nhubby==1.26.0\n')).includes('declared-requirement'));
    assert.deepEqual(await codes('userlib==4.58.0\nhubby==1.26.0\n'), [], 'no range is extended from 4.57.6 up');
  });

  test('ml-pins metadata: sparse releases are marked, and the versions around them named unknown', () => {
    const j = metadataJson(hub);
    assert.deepEqual(j.sparse_newer, ['1.33.0', '2.0.0']);
    assert.equal(j.releases.find((r) => r.version === '2.0.0')?.sparse, true);
    assert.equal(j.releases.find((r) => r.version === '1.28.0')?.sparse, undefined);
    const text = metadataText(hub);
    assert.match(text, /2\.0\.0 {2}Requires-Python >=3\.11.*\n {2}listed alone: says nothing about the releases next to it/);
    assert.match(text, /those after 1\.28\.0 \(except 1\.33\.0, 2\.0\.0, listed alone\) are newer than the knowledge snapshot/);
  });

  test('a release known by Requires-Python alone keeps the curated row\'s wheel knowledge: both hold', async () => {
    // Requires-Python >=3.9 (as a mirror's row gives it), and the curated row of torchvision-python-unsupported:
    // 0.24–0.28 have wheels for 3.10–3.14 only.
    const tv: PackageMetadata = {
      format: 1, name: 'torchvision', snapshot_date: '2026-12-06', complete_through: '0.28.0', complete_from: '0.28.0',
      releases: [{ versions: ['0.28.0'], requires_python: '>=3.9', requires_dist: ['numpy'], source: 'index:file:///mirror/simple/ (torchvision-0.28.0-cp311-cp311-manylinux_2_28_x86_64.whl sha256:…)' }],
    };
    const knowledge = knowledgeFrom(bundledFamilies, memoryProvider([tv]));
    const check = async (python: string) => {
      const text = `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = "${python}"\ndependencies = ["torchvision==0.28.0"]\n`;
      const r = await checkProject({ files: [{ path: '/p/pyproject.toml', text }], readFile: async () => undefined, knowledge });
      return r.files.flatMap((f) => f.findings);
    };
    const found = await check('>=3.9');
    assert.deepEqual(found.map((f) => f.code), ['torchvision-python-unsupported']);
    assert.match(found[0].message, /3\.9/);
    assert.deepEqual((await check('>=3.10,<3.14')).map((f) => f.code), []);
  });
});
