// The PyTorch release matrix read from pytorch/test-infra's history (scripts/metadata/pytorch-matrix.ts): on a small
// repository made here, and the generated file (metadata/release-matrix/pytorch.json) against the hand rows that state
// the same facts (torch companions, accelerator builds, CPython support).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_MATRIX_FILE, readPytorchMatrix, type PytorchMatrix } from '../../../scripts/metadata/pytorch-matrix';
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

// ---- the generated file against the hand rows ----

const matrix = JSON.parse(readFileSync(DEFAULT_MATRIX_FILE, 'utf8')) as PytorchMatrix;
const family = (name: string) => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'rules', `${name}.json`), 'utf8')) as RuleFamily;
const rule = <T>(fam: string, code: string) => family(fam).rules.find((r) => r.code === code) as T;

test('every pairing the release matrix states agrees with the torchvision / torchaudio hand rows', () => {
  let checked = 0;
  for (const lib of ['torchvision', 'torchaudio']) {
    const r = rule<RequiresRule>('torch-companions', `${lib}-torch-mismatch`);
    for (const p of matrix.pairings) {
      const version = p.companions[lib];
      if (!version) continue;
      const rows = r.rows.filter((row) => VersionSet.fromSpecifierSet(row.versions).contains(version));
      assert.ok(rows.length, `${lib} ${version} (paired with torch ${p.torch} by ${p.source}) has a hand row`);
      for (const row of rows) {
        assert.ok(VersionSet.fromSpecifierSet(row.requires.torch).contains(p.torch), `${lib} ${version}: hand row torch ${row.requires.torch}, matrix ${p.torch}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 25, `${checked} pairings checked`);
});

test('the accelerator builds per torch release agree with the hand variants; the validated CPythons lie within the hand rows', () => {
  const acc = rule<AcceleratorRule>('accelerators', 'torch-accelerator-variant');
  const support = rule<PythonSupportRule>('python', 'torch-python-unsupported');
  let variants = 0;
  for (const b of matrix.builds) {
    const hand = acc.variants[b.torch];
    if (hand) {
      assert.deepEqual([...hand].sort(), Object.keys(b.variants).sort(), `torch ${b.torch}`);
      variants++;
    }
    for (const row of support.rows.filter((x) => VersionSet.fromSpecifierSet(x.versions).contains(b.torch))) {
      for (const minor of b.python) assert.ok(VersionSet.fromSpecifierSet(row.python).contains(`${minor}.0`), `torch ${b.torch}: CPython ${minor} validated, hand row ${row.python}`);
    }
  }
  assert.ok(variants >= 20, `${variants} releases compared`);
});
