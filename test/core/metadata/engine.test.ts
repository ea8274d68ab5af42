// The engine reads declared facts from a metadata snapshot (test/fixtures/metadata, hand-made test data): companion
// pins, implicit installs with their declared ranges, Requires-Python, accelerator builds; nothing is built on a
// release newer than the snapshot, and where the snapshot covers a package the hand rows for it are not used.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom } from '../../../src/core/engine/check';
import type { CheckSettings } from '../../../src/core/engine/config';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { NodeMetadata } from '../../../src/node/metadata';
import { validateRuleFamily } from '../../../src/core/rules/validate';
import type { RuleFamily } from '../../../src/core/rules/types';
import { findings } from '../engine/helpers';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'metadata');
const knowledge = knowledgeFrom(bundledFamilies, new NodeMetadata(FIXTURE));
const handOnly = knowledgeFrom(bundledFamilies);

async function check(files: Record<string, string>, settings?: CheckSettings, k = knowledge) {
  return checkProject({
    files: Object.entries(files).map(([p, text]) => ({ path: `/project/${p}`, text })),
    readFile: async (p: string) => files[p.slice('/project/'.length)], knowledge: k, settings,
  });
}
const checkWithoutSnapshot = (files: Record<string, string>) => check(files, undefined, handOnly);
const codes = (r: Awaited<ReturnType<typeof check>>) => findings(r).map((f) => `${f.code} ${f.severity}`);

describe('declared facts from the snapshot', () => {
  test('companion pin: torchvision 0.17.0 declares torch==2.2.0', async () => {
    const r = await check({ 'requirements.txt': 'torch==2.1.0\ntorchvision==0.17.0\n' });
    const f = findings(r).find((x) => x.code === 'torchvision-torch-mismatch');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /torch ==2\.2\.0|2\.2\.0/);
    assert.ok(f.sources?.some((s) => s.startsWith('fixture:torchvision 0.17.0')), JSON.stringify(f.sources));
    // The companion fix aligns torchvision to the release made for torch 2.1.0.
    assert.ok(f.fixes.some((x) => /torchvision==0\.16\.0/.test(x.title)), JSON.stringify(f.fixes.map((x) => x.title)));
  });

  test('a release newer than the snapshot: the snapshot says nothing of it; evidence-backed hand rows still speak', async () => {
    // The hand rows pair torchvision 0.23.0 with torch 2.8.0; the snapshot stops at 0.17.2. One source per fact, not
    // per package: the hand row is the only source for 0.23.0, so it is used.
    const pins = { 'requirements.txt': 'torch==2.1.0\ntorchvision==0.23.0\n' };
    assert.ok(codes(await checkWithoutSnapshot(pins)).some((c) => c.startsWith('torchvision-torch-mismatch')), 'the hand rows speak without a snapshot');
    assert.ok(codes(await check(pins)).some((c) => c.startsWith('torchvision-torch-mismatch')), 'and with it');
    // A release neither knows is unknown: no finding is built on it.
    assert.deepEqual(codes(await check({ 'requirements.txt': 'torch==2.1.0\ntorchvision==0.29.1\n' })).filter((c) => c.startsWith('torchvision-torch')), []);
  });

  test('one source per fact: torchaudio 2.11.0 declares no torch requirement', async () => {
    const pins = { 'requirements.txt': 'torch==2.9.0\ntorchaudio==2.11.0\n' };
    assert.ok(codes(await checkWithoutSnapshot(pins)).some((c) => c.startsWith('torchaudio-torch-mismatch')), 'the hand rows say torchaudio 2.11 needs torch 2.11');
    assert.deepEqual(codes(await check(pins)).filter((c) => c.startsWith('torchaudio-torch')), []);
  });

  test('implicit install: a plain pandas==2.1.4 brings numpy with no upper bound, so a fresh install takes numpy 2', async () => {
    const pins = { 'requirements.txt': 'pandas==2.1.4\n' };
    assert.deepEqual(codes(await checkWithoutSnapshot(pins)), [], 'nothing without the snapshot');
    const r = await check(pins);
    const f = findings(r).find((x) => x.code === 'numpy2-abi-pandas');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /installed by pandas|numpy/);
    // pandas 2.2.2 is built for NumPy 2: silent.
    assert.deepEqual(codes(await check({ 'requirements.txt': 'pandas==2.2.2\n' })), []);
  });

  test('declared range: tensorflow 2.13.0 declares numpy<=1.24.3', async () => {
    const r = await check({ 'requirements.txt': 'tensorflow==2.13.0\nnumpy==2.0.0\n' });
    const f = findings(r).find((x) => x.code === 'tensorflow-numpy-range');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.match(f.message, /1\.24\.3/);
    assert.equal(f.severity, 'error');
  });

  test('a declared requirement no curated rule names gets the generic code', async () => {
    const r = await check({ 'requirements.txt': 'pandas==2.2.2\npython-dateutil==2.7.0\n' });
    const f = findings(r).find((x) => x.code === 'declared-requirement');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.match(f.message, /pandas==2\.2\.2 declares python-dateutil 2\.8\.2 and later \(Requires-Dist\)/);
    assert.ok(!/\{[a-z-]+(:[a-z0-9._-]+)?\}/i.test(f.message), f.message);
  });

  test('an open range: every release that exists declares it, pre-releases included (the registry has nothing newer)', async () => {
    const r = await check({ 'requirements.txt': 'pandas>=2.1.4\npython-dateutil==2.7.0\n' });
    assert.ok(codes(r).includes('declared-requirement error'), JSON.stringify(codes(r)));
    // torchvision's registry lists releases after the snapshot: an open range is unknown there.
    assert.deepEqual(codes(await check({ 'requirements.txt': 'torchvision>=0.16.0\ntorch==1.13.0\n' })).filter((c) => c.startsWith('torchvision-torch')), []);
    assert.ok(codes(await check({ 'requirements.txt': 'torchvision>=0.16.0,<=0.17.2\ntorch==1.13.0\n' })).includes('torchvision-torch-mismatch error'));
  });

  test('extras: diffusers[torch] declares torch>=1.4, plain diffusers does not', async () => {
    const withExtra = await check({ 'requirements.txt': 'diffusers[torch]==0.27.0\ntorch==1.3.0\n' });
    assert.ok(codes(withExtra).some((c) => c.startsWith('diffusers-torch-extra')), JSON.stringify(codes(withExtra)));
    assert.deepEqual(codes(await check({ 'requirements.txt': 'diffusers==0.27.0\ntorch==1.3.0\n' })).filter((c) => c.startsWith('diffusers-torch')), []);
  });

  test('Requires-Python per release: numpy 2.1.0 needs Python 3.10', async () => {
    const r = await check({ 'requirements.txt': 'numpy==2.1.0\n' }, { targetPython: '3.9' });
    const f = findings(r).find((x) => x.code === 'numpy-python-unsupported');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.equal(f.severity, 'error');
    assert.deepEqual(codes(await check({ 'requirements.txt': 'numpy==2.1.0\n' }, { targetPython: '3.12' })), []);
  });

  test('wheels per CPython: torch 2.1.2 has none for 3.12; a package without a hand rule gets the generic code', async () => {
    const torch = await check({ 'requirements.txt': 'torch==2.1.2\n' }, { targetPython: '3.12' });
    assert.ok(codes(torch).includes('torch-python-unsupported error'), JSON.stringify(codes(torch)));
    // tensorflow has a hand rule of its own now (tensorflow-python-unsupported), whose code the declared fact keeps.
    const tf = await check({ 'requirements.txt': 'tensorflow==2.13.0\n' }, { targetPython: '3.12' });
    assert.ok(codes(tf).includes('tensorflow-python-unsupported error'), JSON.stringify(codes(tf)));
    const pandas = await check({ 'requirements.txt': 'pandas==2.1.4\n' }, { targetPython: '3.13' });
    assert.ok(codes(pandas).includes('declared-python-unsupported error'), JSON.stringify(codes(pandas)));
  });

  test('accelerator builds come from the snapshot\'s variants', async () => {
    const r = await check({ 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/rocm6.0\ntorch==2.2.0+rocm6.0\n' });
    const f = findings(r).find((x) => x.code === 'torch-variant-unknown');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.match(f.message, /rocm5\.6, rocm5\.7/);
    assert.ok(f.sources?.some((s) => s.startsWith('fixture:torch')), JSON.stringify(f.sources));
  });

  test('a clean, current project stays silent', async () => {
    const r = await check({ 'pyproject.toml': '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10,<3.13"\ndependencies = [\n  "torch==2.2.2",\n  "torchvision==0.17.2",\n  "pandas>=2.2.2",\n  "numpy>=1.26,<2",\n]\n' });
    assert.deepEqual(codes(r), []);
  });

  test('deleting a family\'s declared rows leaves the rule\'s code, message and fix to the snapshot', async () => {
    const families = JSON.parse(JSON.stringify(bundledFamilies)) as RuleFamily[];
    const companions = families.find((f) => f.family === 'torch-companions')!;
    for (const rule of companions.rules) if (rule.kind === 'requires') rule.rows = [];
    assert.deepEqual(validateRuleFamily(companions).errors, []);
    const k = knowledgeFrom(families, new NodeMetadata(FIXTURE));
    const r = await check({ 'requirements.txt': 'torch==2.1.0\ntorchvision==0.17.0\n' }, undefined, k);
    const f = findings(r).find((x) => x.code === 'torchvision-torch-mismatch');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.ok(f.fixes.some((x) => /torchvision==0\.16\.0/.test(x.title)));
    // Without the snapshot, a rule without rows says nothing.
    assert.deepEqual(codes(await check({ 'requirements.txt': 'torch==2.1.0\ntorchvision==0.17.0\n' }, undefined, knowledgeFrom(families))).filter((c) => c.startsWith('torchvision-torch')), []);
  });
});
