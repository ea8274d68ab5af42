// Findings from the resolver in the engine: an environment pip cannot install is an error on each pin the derivation
// rests on, with the others as related information and an upgrade fix that resolves; one that installs on some
// Python, or packages the metadata does not cover, say nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../../src/core/engine/apply';
import { checkProject, knowledgeFrom } from '../../../src/core/engine/check';
import { declaredMetadataHooks, resolutionFindings } from '../../../src/core/engine/resolution';
import type { PackageMetadata } from '../../../src/core/metadata/types';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { NodeMetadata } from '../../../src/node/metadata';
import { join } from 'node:path';

const knowledge = knowledgeFrom(bundledFamilies);
const rel = (v: string, requires_dist: string[] = [], requires_python?: string) => ({ versions: [v], requires_dist, source: 'test', ...(requires_python ? { requires_python } : {}) });
const meta = (name: string, releases: ReturnType<typeof rel>[]): PackageMetadata => ({ format: 1, name, snapshot_date: '2026-12-06', complete_through: releases[releases.length - 1].versions[0], releases });
const db = new Map([
  ['torch', meta('torch', [rel('2.2.0'), rel('2.3.1'), rel('2.4.0', [], '>=3.12')])],
  ['torchvision', meta('torchvision', [rel('0.17.0', ['torch==2.2.0']), rel('0.18.1', ['torch==2.3.1']), rel('0.19.0', ['torch==2.4.0'])])],
]);
const source = (n: string) => db.get(n);
const check = (text: string, settings = {}) => checkProject({ files: [{ path: '/p/requirements.txt', text }], knowledge, settings,
  environmentFindings: (env, ctx) => resolutionFindings(env, { source, ...ctx }) });
const conflicts = async (text: string, settings = {}) => (await check(text, settings)).files.flatMap((f) => f.findings).filter((f) => f.code === 'resolution-conflict');

describe('resolution findings', () => {
  test('on each pin of the derivation, related to the others, with a fix that resolves', async () => {
    const text = 'torch>=2.3\ntorchvision==0.17.0\n';
    const found = await conflicts(text);
    assert.equal(found.length, 2);
    assert.deepEqual(found.map((f) => f.range.start.line).sort(), [0, 1]);
    const f = found.find((x) => x.range.start.line === 1)!;
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^pip cannot install these requirements together on any Python from 3\.8 to 3\.14\.\nBecause torchvision==0\.17\.0 depends on torch==2\.2\.0 and you require torch>=2\.3/);
    assert.deepEqual(f.related?.map((r) => r.range.start.line), [0]);
    assert.ok(f.fixes.length >= 1 && f.fixes[0].applicability === 'safe');
    const fixed = applyEdits(text, f.fixes[0].edits).text;
    // The newest set that installs on the oldest Python in question (3.8): torch 2.3.1 with torchvision 0.18.1; the
    // torch floor already admits it and stays as written.
    assert.equal(fixed, 'torch>=2.3\ntorchvision==0.18.1\n');
    assert.deepEqual(await conflicts(fixed), []);
  });

  test('installable on some Python: nothing; the target Python decides when set', async () => {
    assert.deepEqual(await conflicts('torchvision==0.19.0\n'), []);
    const on311 = await conflicts('torchvision==0.19.0\n', { targetPython: '3.11' });
    assert.equal(on311.length, 1);
    assert.match(on311[0].message, /on Python 3\.11\.\n/);
    assert.match(on311[0].message, /torch>=2\.4\.0 depends on Python>=3\.12/);
    assert.deepEqual(await conflicts('torchvision==0.19.0\n', { targetPython: '3.11', disabledRules: ['resolution-conflict'] }), []);
  });

  test('packages outside the metadata and plain resolvable environments say nothing', async () => {
    assert.deepEqual(await conflicts('requests==2.0\nflask>=3\n'), []);
    assert.deepEqual(await conflicts('torch\ntorchvision\n'), []);
  });
});

describe('severity from the resolution', () => {
  // The versions pip picks decide whether a break is an error ("a fresh install breaks") or admitted-but-not-fresh.
  const eco = new Map([
    ['diffusers', meta('diffusers', [rel('0.21.0'), rel('0.28.2'), rel('0.30.0')])],
    ['huggingface-hub', meta('huggingface-hub', [rel('0.25.0'), rel('0.26.0')])],
    ['acme', meta('acme', [rel('1.0', ['diffusers<0.29'])])],
    ['beta', meta('beta', [rel('1.0', ['huggingface-hub<0.26'])])],
  ]);
  const src = (n: string) => eco.get(n);
  const hub = async (text: string, resolve: boolean) => (await checkProject({ files: [{ path: '/p/requirements.txt', text }], knowledge, settings: {},
    ...(resolve ? declaredMetadataHooks(src) : {}) })).files.flatMap((f) => f.findings).filter((f) => f.code === 'hf-hub-cached-download');

  test('pip backtracks to an old diffusers that breaks with the newest huggingface_hub: an error', async () => {
    const text = 'diffusers>=0.21.0\nhuggingface_hub>=0.20\nacme==1.0\n';
    // Without the resolution, the newest diffusers the pin admits stands in for a fresh install: no error.
    assert.ok((await hub(text, false)).every((f) => f.severity !== 'error'));
    const found = await hub(text, true);
    assert.ok(found.length > 0);
    assert.ok(found.every((f) => f.severity === 'error'), JSON.stringify(found.map((f) => f.severity)));
  });

  test('pip keeps huggingface_hub below 0.26 for another package: the break is only admitted, not an error', async () => {
    const text = 'diffusers==0.21.0\nhuggingface_hub>=0.20\nbeta==1.0\n';
    assert.ok((await hub(text, false)).some((f) => f.severity === 'error'), 'the newest admitted hub breaks');
    assert.ok((await hub(text, true)).every((f) => f.severity !== 'error'));
  });
});

describe('environments the resolver does not finish', () => {
  // A pip-compile file: every line an exact pin; torch and torchvision disagree, the other packages are not covered.
  const compiled = (n: number) => ['torch==2.3.1', 'torchvision==0.17.0', ...Array.from({ length: n - 2 }, (_, i) => `package-${i}==1.0`)].join('\n') + '\n';
  const all = async (text: string, extra: { maxSteps?: number } = {}) => (await checkProject({ files: [{ path: '/p/requirements.txt', text }], knowledge, settings: { targetPython: '3.11' },
    environmentFindings: (env, ctx) => resolutionFindings(env, { source, ...ctx, ...extra }) })).files.flatMap((f) => f.findings).filter((f) => f.code.startsWith('resolution-'));

  test('1,000 pins are resolved (the conflict is found); 1,001 are not, and one information finding says so', async () => {
    const thousand = await all(compiled(1000));
    assert.deepEqual(thousand.map((f) => f.code).sort(), ['resolution-conflict', 'resolution-conflict']);
    const over = await all(compiled(1001));
    assert.deepEqual(over.map((f) => [f.code, f.severity, f.range.start.line]), [['resolution-skipped', 'information', 0]]);
    assert.match(over[0].message, /^ML Pins did not resolve requirements\.txt as pip would: it has 1,001 requirements, more than the 1,000 ML Pins resolves\. Conflicts that only a resolution finds are not reported for it/);
  });

  test('a resolution that runs out of steps says so too; both can be turned off', async () => {
    const out = await all('torch\ntorchvision\n', { maxSteps: 1 });
    assert.deepEqual(out.map((f) => [f.code, f.severity]), [['resolution-skipped', 'information']]);
    assert.match(out[0].message, /the resolver gave up after 1 resolver steps on Python 3\.11/);
    const off = await checkProject({ files: [{ path: '/p/requirements.txt', text: compiled(1001) }], knowledge, settings: { disabledRules: ['resolution-skipped'] },
      environmentFindings: (env, ctx) => resolutionFindings(env, { source, ...ctx }) });
    assert.deepEqual(off.files.flatMap((f) => f.findings).filter((f) => f.code.startsWith('resolution-')), []);
  });
});

describe('a conflict a rule already says is said once, there', () => {
  // The shipped rules and snapshot, as `ml-pins check --offline` uses them.
  const metadata = new NodeMetadata(join(import.meta.dirname, '..', '..', '..', 'metadata'));
  const shipped = knowledgeFrom(bundledFamilies, metadata);
  const run = async (text: string) => (await checkProject({ files: [{ path: '/p/requirements.txt', text }], knowledge: shipped,
    ...declaredMetadataHooks((n) => metadata.get(n)) })).files.flatMap((f) => f.findings).map((f) => `${f.range.start.line} ${f.severity} ${f.code}`);

  test('torchvision built for another torch: the companion rule only, not a resolution conflict too', async () => {
    assert.deepEqual(await run('torch==2.2.0\ntorchvision==0.18.0\n'), ['1 error torchvision-torch-mismatch']);
  });
  test('two contradicting pins: conflicting-pins only', async () => {
    assert.deepEqual(await run('torch==2.2.0\ntorch==2.3.0\n'), ['0 error conflicting-pins', '1 error conflicting-pins']);
  });
  test('a conflict no rule says, behind one a rule says, is still found', async () => {
    // jax 0.4.30 declares jaxlib 0.4.27–0.4.30 (a rule says it); torchvision 0.18.0 and torchaudio 2.2.0 need
    // different torch releases, which no single rule says: pip's derivation does, on both their pins.
    for (const text of ['jax==0.4.30\njaxlib==0.4.20\ntorchvision==0.18.0\ntorchaudio==2.2.0\n', 'torchvision==0.18.0\ntorchaudio==2.2.0\njax==0.4.30\njaxlib==0.4.20\n']) {
      const found = await run(text);
      const lines = text.split('\n');
      const at = (name: string) => String(lines.findIndex((l) => l.startsWith(name)));
      assert.deepEqual(found.filter((f) => f.endsWith('resolution-conflict')).map((f) => f.split(' ')[0]).sort(), [at('torchvision'), at('torchaudio')].sort(), text);
      assert.ok(found.includes(`${at('jax==')} error jaxlib-jax-mismatch`), text);
    }
  });
});
