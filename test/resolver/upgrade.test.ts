// Upgrade fixes from the resolver, applied to real manifest text: the newest set of companions that installs together,
// the newest release compatible with the other pins, a conflict repaired. Each edited manifest resolves again to the
// versions the title names, and pip installs exactly those from a loopback index.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { applyEdits } from '../../src/core/engine/apply';
import { environmentsOf } from '../../src/core/engine/environment';
import { parseManifest } from '../../src/core/formats';
import type { PackageMetadata } from '../../src/core/metadata/types';
import { resolve, targetEnvironment } from '../../src/core/resolver';
import { pinVersions, upgradeFix, upgradeFixes, upgradeGroups } from '../../src/core/resolver/upgrade';
import { rootsOf } from '../../src/cli/resolve';
import { startIndex, type IndexRelease } from '../support/index-server';
import { runPip } from '../support/oracle';

const ecosystem: Record<string, IndexRelease[]> = {
  torch: [{ version: '2.1.0' }, { version: '2.2.0' }, { version: '2.3.1' }, { version: '2.4.0', requires_python: '>=3.12' }],
  torchvision: [{ version: '0.16.0', requires_dist: ['torch==2.1.0'] }, { version: '0.17.0', requires_dist: ['torch==2.2.0'] }, { version: '0.18.1', requires_dist: ['torch==2.3.1'] }, { version: '0.19.0', requires_dist: ['torch==2.4.0'] }],
  torchaudio: [{ version: '2.1.0', requires_dist: ['torch==2.1.0'] }, { version: '2.2.0', requires_dist: ['torch==2.2.0'] }, { version: '2.3.1', requires_dist: ['torch==2.3.1'] }, { version: '2.4.0', requires_dist: ['torch==2.4.0'] }],
  numpy: [{ version: '1.26.4' }, { version: '2.1.0' }],
  diffusers: [{ version: '0.30.0', requires_dist: ['huggingface-hub>=0.23'] }, { version: '0.31.0', requires_dist: ['huggingface-hub>=0.23'] }, { version: '0.36.0', requires_dist: ['huggingface-hub>=1.0'] }],
  transformers: [{ version: '4.44.0', requires_dist: ['huggingface-hub>=0.23,<1.0'] }],
  'huggingface-hub': [{ version: '0.23.0' }, { version: '0.26.0' }, { version: '1.0.0' }],
};
const metadata = new Map<string, PackageMetadata>(Object.entries(ecosystem).map(([name, rels]) => [name, {
  format: 1, name, snapshot_date: '2026-12-06', complete_through: rels[rels.length - 1].version,
  releases: rels.map((r) => ({ versions: [r.version], requires_dist: r.requires_dist ?? [], ...(r.requires_python ? { requires_python: r.requires_python } : {}), source: 'test' })),
}]));
const options = { environment: targetEnvironment('3.11.7') };
const ctxFor = (path: string, text: string) => ({ source: (n: string) => metadata.get(n), options, texts: new Map([[path, text]]) });
const envOf = (path: string, text: string) => environmentsOf(parseManifest(path, text), { targetPython: '3.11' })[0];
const applied = (path: string, text: string, edits: { path: string; range: never; newText: string }[] | import('../../src/core/types').TextEdit[]) =>
  applyEdits(text, edits.filter((e) => e.path === path) as import('../../src/core/types').TextEdit[]).text;
const resolvedVersions = (path: string, text: string) => {
  const r = resolve(rootsOf(envOf(path, text)), (n) => metadata.get(n), options);
  return r.ok ? Object.fromEntries([...r.packages].map(([n, p]) => [n, p.version])) : r.reason;
};

describe('upgrade fixes', () => {
  const reqPath = '/p/requirements.txt';
  const reqText = 'torch==2.1.0\ntorchvision==0.16.0  # vision\ntorchaudio==2.1.0\nnumpy>=1.20\n';

  test('companions upgrade as one set: the newest that installs together on the target Python', () => {
    const env = envOf(reqPath, reqText);
    const ctx = ctxFor(reqPath, reqText);
    assert.deepEqual(upgradeGroups(env, ctx).map((g) => g.sort()), [['torch', 'torchaudio', 'torchvision'], ['numpy']]);
    const ups = upgradeFixes(env, ctx);
    assert.equal(ups.length, 1, 'numpy>=1.20 already installs the newest');
    const up = ups[0];
    assert.equal(up.fix.title, 'Upgrade torch, torchvision and torchaudio to the newest set that installs together (2.3.1 / 0.18.1 / 2.3.1)');
    const text = applied(reqPath, reqText, up.fix.edits);
    assert.equal(text, 'torch==2.3.1\ntorchvision==0.18.1  # vision\ntorchaudio==2.3.1\nnumpy>=1.20\n');
    assert.deepEqual(resolvedVersions(reqPath, text), { torch: '2.3.1', torchvision: '0.18.1', torchaudio: '2.3.1', numpy: '2.1.0' });
  });

  test('the newest diffusers compatible with the transformers pin, in a pyproject', () => {
    const path = '/p/pyproject.toml';
    const text = '[project]\nname = "app"\nversion = "1"\ndependencies = [\n  "diffusers==0.30.0",\n  "transformers==4.44.0",\n]\n';
    const env = envOf(path, text);
    const up = upgradeFix(env, ['diffusers'], ctxFor(path, text));
    assert.ok(up);
    assert.equal(up.fix.title, 'Upgrade diffusers to 0.31.0, the newest release compatible with your transformers pin');
    const out = applied(path, text, up.fix.edits);
    assert.match(out, /"diffusers==0\.31\.0",\n {2}"transformers==4\.44\.0"/);
    // A floor that pip already takes to the newest compatible release needs no fix.
    const open = text.replace('diffusers==0.30.0', 'diffusers>=0.30.0');
    assert.equal(upgradeFix(envOf(path, open), ['diffusers'], ctxFor(path, open)), undefined);
    assert.equal((resolvedVersions(path, out) as Record<string, string>).diffusers, '0.31.0');
    assert.equal(upgradeFix(env, ['transformers'], ctxFor(path, text)), undefined, 'nothing newer');
  });

  test('a conflict repaired by upgrading the companion', () => {
    const text = 'torch>=2.3\ntorchvision==0.17.0\n';
    assert.equal(resolvedVersions(reqPath, text), 'conflict');
    const up = upgradeFix(envOf(reqPath, text), ['torchvision'], ctxFor(reqPath, text));
    assert.ok(up);
    const out = applied(reqPath, text, up.fix.edits);
    assert.equal(out, 'torch>=2.3\ntorchvision==0.18.1\n');
    assert.deepEqual(resolvedVersions(reqPath, out), { torch: '2.3.1', torchvision: '0.18.1' });
  });

  const pip = spawnSync('python3', ['-m', 'pip', '--version']);
  test('pip installs exactly what an upgraded manifest names', { skip: pip.status !== 0 && 'no pip', timeout: 120000 }, async () => {
    const up = upgradeFixes(envOf(reqPath, reqText), ctxFor(reqPath, reqText))[0];
    const text = applied(reqPath, reqText, up.fix.edits);
    const index = await startIndex({ packages: ecosystem });
    try {
      const roots = text.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
      const answer = (await runPip([{ id: 0, packages: ecosystem, roots }], index.url, 1)).get(0)!;
      assert.ok(answer.ok, answer.error);
      assert.deepEqual(answer.picks, ['numpy==2.1.0', 'torch==2.3.1', 'torchaudio==2.3.1', 'torchvision==0.18.1']);
    } finally {
      await index.close();
    }
  });
});

describe('pin versions for the hover', () => {
  test('the newest release, and the newest one compatible with the other pins', () => {
    const path = '/p/requirements.txt';
    const text = 'diffusers>=0.30\ntransformers==4.44.0\n';
    const env = envOf(path, text);
    const ctx = { source: (n: string) => metadata.get(n), options };
    // diffusers 0.36.0 needs huggingface-hub 1.x, which transformers 4.44.0 excludes: pip backtracks to 0.31.0.
    assert.deepEqual(pinVersions(env, 'diffusers', ctx), { newest: '0.36.0', newestCompatible: '0.31.0' });
    assert.deepEqual(pinVersions(env, 'transformers', ctx), { newest: '4.44.0', newestCompatible: '4.44.0' });
    assert.deepEqual(pinVersions(env, 'not-in-the-metadata', ctx), {});
  });
});
