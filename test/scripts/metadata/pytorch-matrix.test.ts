// The PyTorch release matrix read from pytorch/test-infra's history (scripts/metadata/pytorch-matrix.ts): on a small
// repository made here; the torch, torchvision and torchaudio package files it writes (partial listings); and the
// shipped files against each other and against the hand rows left for what the matrix does not state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  DEFAULT_MATRIX_FILE, matrixPackages, readPytorchMatrix, writeMatrix, type PytorchMatrix,
} from '../../../scripts/metadata/pytorch-matrix';
import { expand, readPackage } from '../../../scripts/metadata/snapshot';
import { versionStatus } from '../../../src/core/metadata/provider';
import type { PackageMetadata, SnapshotIndex } from '../../../src/core/metadata/types';
import { VersionSet } from '../../../src/core/pep440/intervals';
import type { AcceleratorRule, PythonSupportRule, RequiresRule, RuleFamily } from '../../../src/core/rules/types';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);

const BUILD = 'tools/scripts/generate_binary_build_matrix.py';
const RELEASE = 'tools/scripts/generate_release_matrix.py';
const VERSIONS = 'release/release_versions.sh';

const buildMatrix = (stable: string, python: string[], cuda: string[], rocm: string[]) => py(
  `PYTHON_ARCHES_DICT = {"nightly": ["3.99"], "test": ["3.99"], "release": ${JSON.stringify(python)}}`,
  `CUDA_ARCHES_DICT = {"nightly": ["99.0"], "test": ["99.0"], "release": ${JSON.stringify(cuda)}}`,
  `ROCM_ARCHES_DICT = {"nightly": ["9.9"], "test": ["9.9"], "release": ${JSON.stringify(rocm)}}`,
  `CURRENT_STABLE_VERSION = "${stable}"`,
);

test('builds: the commit that moves CURRENT_STABLE_VERSION defines the release; later edits and nightly-only lists do not', () => {
  const repo = makeRepo([
    // Before the per-channel dictionaries the lists are the nightlies': nothing is stated for 1.13.1.
    { files: { [BUILD]: py('PYTHON_ARCHES = ["3.7", "3.8"]', 'CUDA_ARCHES = ["11.6"]', 'CURRENT_STABLE_VERSION = "1.13.1"') }, tags: [] },
    { files: { [BUILD]: buildMatrix('2.0.0', ['3.8', '3.9'], ['11.7', '11.8'], ['5.3', '5.4.2']) }, tags: [] },
    // An edit while 2.0.0 is still stable (the next release's preparation) says nothing of 2.0.0.
    { files: { [BUILD]: buildMatrix('2.0.0', ['3.8', '3.9', '3.12'], ['12.1'], ['6.0']) }, tags: [] },
    { files: { [BUILD]: buildMatrix('2.9.0', ['3.10', '3.14', '3.14t'], ['13.0'], ['6.4']) }, tags: [] },
  ]);
  const m = readPytorchMatrix(repo);
  assert.deepEqual(m.builds.map((b) => [b.torch, b.python, Object.keys(b.variants)]), [
    ['2.0.0', ['3.8', '3.9'], ['cpu', 'cu117', 'cu118', 'rocm5.3', 'rocm5.4.2']],
    ['2.9.0', ['3.10', '3.14'], ['cpu', 'cu130', 'rocm6.4']],
  ]);
  assert.equal(m.builds[0].variants['rocm5.4.2'], 'https://download.pytorch.org/whl/rocm5.4.2');
  assert.match(m.builds[0].source, /^pytorch\/test-infra@[0-9a-f]{40}:tools\/scripts\/generate_binary_build_matrix\.py \(release matrix of CURRENT_STABLE_VERSION 2\.0\.0/);
});

test('pairings: RELEASE_DICT rows, and release_versions.sh only where one commit moves torch and the library together', () => {
  const repo = makeRepo([
    { files: { [RELEASE]: py('RELEASE_DICT = {', '    "2.1.0": {"torch": "2.1.0", "torchvision": "0.16.0", "torchaudio": "2.1.0", "torchtext": "0.16.0"},', '}') }, tags: [] },
    { files: { [VERSIONS]: py('PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.0}', 'TORCHVISION_VERSION=${TORCHVISION_VERSION:-0.22.0}', 'TORCHAUDIO_VERSION=${TORCHAUDIO_VERSION:-2.7.0}') }, tags: [] },
    // The libraries move without torch: the stale PYTORCH_VERSION default pairs with nothing.
    { files: { [VERSIONS]: py('PYTORCH_VERSION=${PYTORCH_VERSION:-2.7.0}', 'TORCHVISION_VERSION=${TORCHVISION_VERSION:-0.24.0}', 'TORCHAUDIO_VERSION=${TORCHAUDIO_VERSION:-2.9.0}') }, tags: [] },
    // torch moves, torchaudio does not: only torchvision is paired.
    { files: { [VERSIONS]: py('PYTORCH_VERSION=${PYTORCH_VERSION:-2.12.1}', 'TORCHVISION_VERSION=${TORCHVISION_VERSION:-0.27.1}', 'TORCHAUDIO_VERSION=${TORCHAUDIO_VERSION:-2.9.0}', 'TRITON_VERSION=${TRITON_VERSION:-3.7.1}') }, tags: [] },
  ]);
  const m = readPytorchMatrix(repo);
  assert.deepEqual(m.pairings.map((p) => [p.torch, p.companions]), [
    ['2.1.0', { torchvision: '0.16.0', torchaudio: '2.1.0' }],
    ['2.7.0', { torchvision: '0.22.0', torchaudio: '2.7.0' }],
    ['2.12.1', { torchvision: '0.27.1', triton: '3.7.1' }],
  ]);
  assert.match(m.pairings[0].source, /generate_release_matrix\.py$/);
  assert.match(m.pairings[1].source, /release\/release_versions\.sh$/);
});

test('package files: torch builds, the torch pin of torchvision and torchaudio release builds, partial listings', () => {
  const repo = makeRepo([
    { files: { [BUILD]: buildMatrix('2.1.0', ['3.8', '3.11'], ['11.8', '12.1'], ['5.6']) }, tags: [] },
    { files: { [RELEASE]: py('RELEASE_DICT = {', '    "2.1.0": {"torch": "2.1.0", "torchvision": "0.16.0", "torchaudio": "2.1.0"},', '}') }, tags: [] },
    { files: { [BUILD]: buildMatrix('2.11.0', ['3.10'], ['12.6'], ['7.1']) }, tags: [] },
    { files: { [VERSIONS]: py('PYTORCH_VERSION=${PYTORCH_VERSION:-2.11.0}', 'TORCHVISION_VERSION=${TORCHVISION_VERSION:-0.26.0}', 'TORCHAUDIO_VERSION=${TORCHAUDIO_VERSION:-2.11.0}') }, tags: [] },
  ]);
  const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
  try {
    writeMatrix(readPytorchMatrix(repo), { out: join(out, 'release-matrix', 'pytorch.json'), metadataDir: out, registryNewest: { torch: '2.15.0' }, snapshotDate: '2026-12-06' });
    const torch = readPackage(out, 'torch')!;
    assert.deepEqual([torch.complete_from, torch.complete_through, torch.registry_newest], ['2.11.0', '2.11.0', '2.15.0']);
    assert.deepEqual(torch.releases.map((e) => [e.versions, Object.keys(e.variants ?? {})]), [
      [['2.1.0'], ['cpu', 'cu118', 'cu121', 'rocm5.6']],
      [['2.11.0'], ['cpu', 'cu126', 'rocm7.1']],
    ]);
    assert.equal(torch.releases[0].requires_dist, undefined, 'torch\'s own requirements are not read here: unknown');
    assert.equal(torch.releases[0].wheels, undefined, 'the validated CPythons are a lower bound, not wheel data');
    // A release the matrix does not name is unknown, not non-existent.
    assert.equal(versionStatus(torch, '2.5.0'), 'unknown');
    assert.equal(versionStatus(torch, '2.1.0+cu121'), 'known');
    const tv = readPackage(out, 'torchvision')!;
    assert.deepEqual(expand(tv.releases).map((r) => [r.version, r.requires_dist, r.requires_dist_partial]), [
      ['0.16.0', ['torch==2.1.0'], true],
      ['0.26.0', ['torch==2.11.0'], true],
    ]);
    assert.match(tv.releases[0].source, /^pytorch\/test-infra@[0-9a-f]{40}:tools\/scripts\/generate_release_matrix\.py .*PYTORCH_VERSION/);
    const ta = readPackage(out, 'torchaudio')!;
    assert.deepEqual(expand(ta.releases).map((r) => [r.version, r.requires_dist]), [['2.1.0', ['torch==2.1.0']], ['2.11.0', undefined]],
      'torchaudio 2.11 pins no torch: the pairing is no declared requirement');
    const index = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8')) as SnapshotIndex;
    assert.deepEqual(index.packages.torchvision, { complete_through: '0.26.0', complete_from: '0.26.0', releases: 2 });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// ---- the shipped files ----

const matrix = JSON.parse(readFileSync(DEFAULT_MATRIX_FILE, 'utf8')) as PytorchMatrix;
const META = join(__dirname, '..', '..', '..', 'metadata');
const family = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'rules', `${name}.json`), 'utf8')) as RuleFamily;
const rule = <T>(fam: string, code: string) => family(fam).rules.find((r) => r.code === code) as T;
const shipped = (name: string) => readPackage(META, name) as PackageMetadata;

test('the shipped torch, torchvision and torchaudio files are what the shipped matrix gives (and sparse releases read from a mirror)', () => {
  const made = matrixPackages(matrix);
  for (const name of ['torch', 'torchvision', 'torchaudio']) {
    const pkg = shipped(name);
    const fromMatrix = expand(pkg.releases).filter((r) => !r.sparse);
    assert.deepEqual(fromMatrix.map((r) => r.version), made[name].map((r) => r.version), name);
    const sameFacts = (r: object) => JSON.stringify({ ...r, source: undefined });
    assert.deepEqual(fromMatrix.map(sameFacts), made[name].map(sameFacts), name);
    for (const r of expand(pkg.releases).filter((x) => x.sparse)) assert.match(r.source, /^(index|find-links):.* sha256:[0-9a-f]{64}\)$/, `${name} ${r.version}`);
    assert.equal(pkg.complete_from, pkg.complete_through, `${name}: the matrix names some releases only`);
  }
  assert.ok(expand(shipped('torchvision').releases).length >= 15);
});

test('the hand rows left for torchvision and torchaudio neither restate nor contradict the snapshot', () => {
  let compared = 0;
  for (const lib of ['torchvision', 'torchaudio']) {
    const r = rule<RequiresRule>('torch-companions', `${lib}-torch-mismatch`);
    const declared = expand(shipped(lib).releases).filter((x) => x.requires_dist);
    for (const row of r.rows) {
      for (const rel of declared) {
        if (!VersionSet.fromSpecifierSet(row.versions).contains(rel.version)) continue;
        assert.notEqual(row.versions, `==${rel.version}`, `${lib} ${rel.version}: the snapshot states it; the hand row is redundant`);
        // The release matrix states `torch==X`; a wheel's METADATA `torch (==X)` or `torch (>=X)`.
        const torch = rel.requires_dist!.map((l) => /^torch\s*\(?([^();]*)\)?$/.exec(l)?.[1]).find((x) => x !== undefined)!;
        assert.ok(VersionSet.fromSpecifierSet(torch).isSubsetOf(VersionSet.fromSpecifierSet(row.requires.torch)), `${lib} ${rel.version}: hand row torch ${row.requires.torch}, snapshot ${torch}`);
        compared++;
      }
    }
  }
  assert.ok(compared >= 2, `${compared} releases under a wider hand row`);
});

test('torch builds: the hand variants keep only releases the snapshot does not list; the validated CPythons lie within the hand rows', () => {
  const acc = rule<AcceleratorRule>('accelerators', 'torch-accelerator-variant');
  const support = rule<PythonSupportRule>('python', 'torch-python-unsupported');
  const torch = shipped('torch');
  for (const v of Object.keys(acc.variants)) assert.equal(versionStatus(torch, v), 'unknown', `torch ${v}: hand variants for a release the snapshot lists`);
  for (const b of matrix.builds) {
    const rel = expand(torch.releases).find((r) => r.version === b.torch);
    assert.deepEqual(Object.keys(rel?.variants ?? {}).sort(), Object.keys(b.variants).sort(), `torch ${b.torch}`);
    for (const row of support.rows.filter((x) => VersionSet.fromSpecifierSet(x.versions).contains(b.torch))) {
      for (const minor of b.python) assert.ok(VersionSet.fromSpecifierSet(row.python).contains(`${minor}.0`), `torch ${b.torch}: CPython ${minor} validated, hand row ${row.python}`);
    }
  }
  assert.ok(matrix.builds.length >= 20);
});
