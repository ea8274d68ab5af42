// torch, torchvision and torchaudio in the shipped snapshot: files read from the PyTorch release matrix, which names
// some releases only (`complete_from`) and states only the torch pin of a companion's release build
// (`requires_dist_partial`). What they state is used; a release they do not name stays with the hand rows, or is
// unknown; nothing is a false conflict.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { memoryProvider, versionStatus } from '../../../src/core/metadata/provider';
import type { PackageMetadata } from '../../../src/core/metadata/types';
import { resolve, targetEnvironment } from '../../../src/core/resolver';
import { NodeMetadata } from '../../../src/node/metadata';
import { check, findings } from '../engine/helpers';

const shipped = new NodeMetadata(join(__dirname, '..', '..', '..', 'metadata'));
const codes = async (files: Record<string, string>) => findings(await check(files)).map((f) => f.code);

describe('partial listings', () => {
  const pkg: PackageMetadata = {
    format: 1, name: 'demo', snapshot_date: '2026-12-06', complete_through: '3.0.0', complete_from: '2.0.0',
    releases: [
      { versions: ['1.2.0'], requires_dist: ['dep==1.2.0'], requires_dist_partial: true, source: 'test' },
      { versions: ['2.0.0'], source: 'test' },
      { versions: ['3.0.0'], source: 'test' },
    ],
  };
  test('below complete_from an absent release is unknown; from it on, a release the file does not list does not exist', () => {
    assert.equal(versionStatus(pkg, '1.2.0'), 'known');
    assert.equal(versionStatus(pkg, '1.1.0'), 'unknown');
    assert.equal(versionStatus(pkg, '2.5.0'), 'nonexistent');
    assert.equal(versionStatus(pkg, '3.0.1'), 'unknown');
  });

  test('the resolver: a pin on an unlisted older release is unknown, never a conflict; a listed one is held to what it declares', () => {
    const provider = memoryProvider([pkg]);
    const run = (...requirements: string[]) => resolve(requirements.map((requirement) => ({ requirement })),
      (name) => provider.get(name), { environment: targetEnvironment('3.11') });
    assert.equal(run('demo==1.1.0').ok, true);
    assert.equal(run('demo==1.2.0', 'dep==1.3.0').ok, false);
    assert.equal(run('demo==1.2.0', 'dep==1.2.0').ok, true);
    assert.equal(run('demo==2.5.0').ok, false, 'where the file lists every release, 2.5.0 does not exist');
  });
});

describe('the shipped torch family', () => {
  test('the files are partial listings from the release matrix', () => {
    const torch = shipped.get('torch')!;
    assert.ok(torch.complete_from, 'torch lists some releases only');
    assert.equal(versionStatus(torch, '1.12.1'), 'unknown');
    assert.equal(versionStatus(torch, '2.2.0'), 'known');
    const tv = shipped.get('torchvision')!;
    assert.equal(versionStatus(tv, '0.21.0'), 'unknown', 'the matrix does not pair torchvision 0.21.0');
  });

  test('a torch pin the torchvision release build states is enforced, with the hand rule\'s code, the matrix as source and the companion fix', async () => {
    const r = findings(await check({ 'requirements.txt': 'torch==2.2.0\ntorchvision==0.18.0\n' }));
    const f = r.find((x) => x.code === 'torchvision-torch-mismatch');
    assert.ok(f, JSON.stringify(r.map((x) => x.code)));
    assert.ok(f.sources?.some((s) => s.startsWith('pytorch/test-infra@')), JSON.stringify(f.sources));
    assert.ok(f.fixes.some((x) => /torchvision==0\.17\.0/.test(x.title)), JSON.stringify(f.fixes.map((x) => x.title)));
  });

  test('the companion fix also finds a release only a hand row names (torch 2.6.0 -> torchvision 0.21.0)', async () => {
    const f = findings(await check({ 'requirements.txt': 'torch==2.6.0\ntorchvision==0.18.0\n' })).find((x) => x.code === 'torchvision-torch-mismatch');
    assert.ok(f);
    assert.ok(f.fixes.some((x) => /torchvision==0\.21\.0/.test(x.title)), JSON.stringify(f.fixes.map((x) => x.title)));
  });

  test('releases the matrix does not name keep their hand rows; torchaudio 2.11 keeps its stable-ABI row', async () => {
    assert.ok((await codes({ 'requirements.txt': 'torch==2.9.1\ntorchvision==0.23.0\n' })).includes('torchvision-torch-mismatch'));
    assert.ok((await codes({ 'requirements.txt': 'torch==2.0.0\ntorchaudio==2.0.2\n' })).includes('torchaudio-torch-mismatch'));
    assert.ok((await codes({ 'requirements.txt': 'torch==2.10.0\ntorchaudio==2.11.0\n' })).includes('torchaudio-torch-mismatch'));
    assert.deepEqual(await codes({ 'requirements.txt': 'torch==2.12.0\ntorchaudio==2.11.0\n' }), []);
  });

  test('consistent pins stay silent: PyPI pins, local builds of listed and unlisted releases, old releases the snapshot does not know', async () => {
    for (const text of [
      'torch==2.2.0\ntorchvision==0.17.0\ntorchaudio==2.2.0\n',
      '--index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.2.0+rocm5.7\ntorchvision==0.17.0+rocm5.7\ntorchaudio==2.2.0+rocm5.7\n',
      '--index-url https://download.pytorch.org/whl/cu124\ntorch==2.6.0+cu124\ntorchvision==0.21.0+cu124\n',
      '--extra-index-url https://download.pytorch.org/whl/cu116\ntorch==1.12.1+cu116\ntorchvision==0.13.1+cu116\n',
      'torch==1.8.1\ntorchvision==0.9.1\n',
    ]) assert.deepEqual(await codes({ 'requirements.txt': text }), [], text);
  });

  test('accelerator builds: the snapshot\'s for 2.x, the hand list\'s for 1.13', async () => {
    const modern = findings(await check({ 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/rocm6.0\ntorch==2.2.0+rocm6.0\n' })).find((x) => x.code === 'torch-variant-unknown');
    assert.ok(modern);
    assert.match(modern.message, /rocm5\.6, rocm5\.7/);
    assert.ok(modern.sources?.some((s) => s.startsWith('metadata/packages/torch.json')), JSON.stringify(modern.sources));
    const old = findings(await check({ 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/rocm5.3\ntorch==1.13.0+rocm5.3\n' })).find((x) => x.code === 'torch-variant-unknown');
    assert.ok(old);
    assert.match(old.message, /rocm5\.1\.1, rocm5\.2/);
  });
});
