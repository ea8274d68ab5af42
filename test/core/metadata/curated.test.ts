// Curated rows beside the snapshot (docs/metadata.md): every release a curated fact names exists, a curated row and the
// snapshot agree where both speak about a release, and no curated row is one the engine never reads (a second home
// for a fact the snapshot holds) or one that reaches releases nobody has read. Checked against the shipped rules and
// snapshot, and on a small knowledge base made to break each check, so that the checks are seen to fail.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { knowledgeFrom } from '../../../src/core/engine/check';
import { curatedDisagreements, curatedVersionProblems, unusedCuratedRows } from '../../../src/core/metadata/curated';
import { memoryProvider, versionStatus } from '../../../src/core/metadata/provider';
import type { PackageMetadata } from '../../../src/core/metadata/types';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import type { RuleFamily } from '../../../src/core/rules/types';
import { NodeMetadata } from '../../../src/node/metadata';
import { check, findings } from '../engine/helpers';

const shipped = new NodeMetadata(join(__dirname, '..', '..', '..', 'metadata'));

/** Open-ended rows kept on purpose, each with the fact that makes it hold for releases not yet read. */
const OPEN_BY_POLICY: Record<string, string> = {
  // NEP 29 / SPEC 0: a Python version NumPy drops is never supported again, so the 2.5.0 floor holds for later releases.
  'numpy-python-unsupported': 'Python support is dropped on a schedule and never added back',
};

describe('curated rows against the shipped snapshot', () => {
  // That every release they name exists is checked in snapshot-access.test.ts.
  test('where a curated row and the snapshot speak about one release, they agree', () => {
    assert.deepEqual(curatedDisagreements(bundledFamilies, shipped), []);
  });

  test('no curated row restates releases the snapshot covers, and none reaches every future release', () => {
    const unused = unusedCuratedRows(knowledgeFrom(bundledFamilies, shipped), bundledFamilies)
      .filter((u) => !(u.why === 'open-ended' && u.code in OPEN_BY_POLICY));
    assert.deepEqual(unused, []);
  });

  test('a rule whose rows the snapshot replaced still names and explains the declared finding', async () => {
    const codes = async (text: string) => findings(await check({ 'requirements.txt': text })).map((f) => `${f.code} ${f.severity}`);
    assert.ok((await codes('diffusers==0.40.0\nhuggingface_hub<1.0\n')).includes('diffusers-hub-range error'));
    assert.ok((await codes('scipy==1.11.4\nnumpy>=2\n')).includes('scipy-numpy-range error'));
    assert.ok((await codes('xformers==0.0.28.post3\ntorch==2.4.1\n')).includes('xformers-torch-mismatch error'));
  });

  test('a release newer than the snapshot gets no finding from a curated range read at an older tag', async () => {
    // diffusers 0.42.1 and peft 0.21.2 are newer than the snapshot: the ranges of 0.40.0 and 0.20.0 are not theirs.
    for (const text of ['diffusers==0.42.1\nhuggingface_hub<1.0\n', 'peft==0.21.2\nhuggingface_hub<0.25\n', 'gradio==6.31.0\nnumpy>=3\n']) {
      const loud = findings(await check({ 'requirements.txt': text })).filter((f) => f.severity === 'error' || f.severity === 'warning');
      assert.deepEqual(loud.map((f) => f.code), [], text);
    }
  });

  test('torchtext releases without a tag are unknown to the snapshot, and the curated rows speak for them', async () => {
    const torchtext = shipped.get('torchtext')!;
    assert.equal(versionStatus(torchtext, '0.8.0'), 'unknown');
    const found = findings(await check({ 'requirements.txt': 'torchtext==0.8.0\ntorch==1.6.0\n' }));
    assert.ok(found.some((f) => f.code === 'torchtext-torch-mismatch' && f.severity === 'error'), JSON.stringify(found.map((f) => f.code)));
  });
});

// A companion package whose snapshot lists 1.0.0–1.2.0 completely, and the anchor it pins.
const companion: PackageMetadata = {
  format: 1, name: 'companion', snapshot_date: '2026-12-06', registry_newest: '1.3.0', complete_through: '1.2.0',
  releases: [
    { versions: ['1.0.0'], requires_python: '>=3.9', requires_dist: ['anchor==2.0.0'], wheels: { python: ['3.10', '3.11'] }, source: 'example/companion@v1.0.0:setup.py' },
    { versions: ['1.1.0'], requires_python: '>=3.9', requires_dist: ['anchor==2.1.0'], wheels: { python: ['3.10', '3.11'] }, source: 'example/companion@v1.1.0:setup.py' },
    { versions: ['1.2.0'], requires_python: '>=3.9', requires_dist: ['anchor>=2.1'], wheels: { python: ['3.10', '3.11', '3.12'] }, source: 'example/companion@v1.2.0:setup.py' },
  ],
};
const anchor: PackageMetadata = {
  format: 1, name: 'anchor', snapshot_date: '2026-12-06', complete_through: '2.1.0',
  releases: [{ versions: ['2.0.0', '2.1.0'], requires_dist: [], source: 'example/anchor@v2.0.0:setup.py' }],
};
const examples = { fires: [], passes: [] };
const base = { title: 't', message: '{requirement:companion} requires anchor {requires:anchor}, but the pins here allow anchor {version:anchor}.', explanation: 'e', sources: ['s'], examples };
const family: RuleFamily = {
  family: 'test', description: 'd',
  rules: [
    {
      ...base, code: 'companion-anchor', kind: 'requires', failure: 'resolver', package: 'companion',
      rows: [
        { versions: '==1.0.0', requires: { anchor: '==2.0.0' } }, // agrees, and the snapshot covers it: unused
        { versions: '==1.1.0', requires: { anchor: '>=2.1.0,<2.1.5' } }, // states less than the release: agrees
        { versions: '==1.0.5', requires: { anchor: '==2.0.5' } }, // neither release exists
        { versions: '>=1.1.0,<1.2.0', requires: { anchor: '==2.0.0' } }, // 1.1.0 declares anchor==2.1.0
        { versions: '>=1.2.0', requires: { anchor: '>=2.1' } }, // reaches releases nobody has read
      ],
    },
    { ...base, code: 'companion-python', kind: 'python-support', failure: 'no-wheels', package: 'companion', rows: [{ versions: '==1.1.0', python: '>=3.9' }] },
  ],
};
const provider = memoryProvider([companion, anchor]);

describe('the checks fail where they should', () => {
  test('a release that does not exist', () => {
    assert.deepEqual(curatedVersionProblems([family], provider).map((p) => `${p.package} ${p.version} ${p.where}`),
      ['companion 1.0.5 rows[2].versions', 'anchor 2.0.5 rows[2].requires.anchor']);
  });

  test('a curated row that allows less than the release declares, or other Pythons than its wheels', () => {
    const found = curatedDisagreements([family], provider).map((d) => `${d.code} row${d.row} ${d.release}: ${d.curated} | ${d.snapshot}`);
    assert.deepEqual(found, [
      'companion-anchor row3 1.1.0: anchor "==2.0.0" | anchor==2.1.0 (example/companion@v1.1.0:setup.py)',
      'companion-python row0 1.1.0: Python 3.9, 3.10, 3.11, 3.12, 3.13, 3.14, 3.15 | Python 3.10, 3.11 (example/companion@v1.1.0:setup.py)',
    ]);
  });

  test('rows the snapshot covers, and an open-ended row', () => {
    const unused = unusedCuratedRows(knowledgeFrom([family], provider), [family]).map((u) => `${u.code} row${u.row} ${u.why}`);
    assert.deepEqual(unused, ['companion-anchor row0 covered', 'companion-anchor row1 covered', 'companion-anchor row2 covered', 'companion-anchor row3 covered', 'companion-anchor row4 open-ended', 'companion-python row0 covered']);
  });

  test('a hand-listed accelerator build of a release the snapshot lists with its builds', () => {
    // The release matrix lists 2.1.0 (complete_from): 2.0.0 is older than it, so only the hand list knows its builds.
    const anchor2: PackageMetadata = {
      format: 1, name: 'anchor2', snapshot_date: '2026-12-06', complete_through: '2.1.0', complete_from: '2.1.0',
      releases: [{ versions: ['2.1.0'], variants: { cu121: 'https://example.org/whl/cu121' }, source: 'example/matrix@abc:release.py' }],
    };
    const builds: RuleFamily = {
      family: 'builds', description: 'd',
      rules: [{
        ...base, code: 'anchor2-builds', kind: 'accelerator-variant', failure: 'no-wheels', packages: ['anchor2'],
        variants: { '2.0.0': ['cu118'], '2.1.0': ['cu121'] }, indexUrl: 'https://example.org/whl/{variant}',
        codes: { unknownVariant: 'anchor2-unknown', missingIndex: 'anchor2-no-index', mixedVariants: 'anchor2-mixed' },
      }],
    };
    const k = knowledgeFrom([builds], memoryProvider([anchor2]));
    assert.deepEqual(unusedCuratedRows(k, [builds]).map((u) => `${u.code} ${u.versions} ${u.why}`), ['anchor2-builds ==2.1.0 covered']);
  });
});
