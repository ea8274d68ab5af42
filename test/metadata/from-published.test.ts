// The from-published generator on a store laid out as the pypi-data mirrors hold uploads (`packages/<name>/<file>/…`),
// under `<owner>+<repo>@<commit>` folders this test writes: an sdist's egg-info requires.txt (setuptools' sections,
// marker-only ones included), an sdist's PKG-INFO with and without Requires-Dist, a wheel's METADATA. Each release's
// source names the file in its repository; the releases join the package file as sparse entries.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseRequiresTxt, readPublishedFiles, recordsFromPublished, updateFromPublished, type ReleaseListing } from '../../scripts/metadata/from-published';
import { mergeReleases, readPackage } from '../../scripts/metadata/snapshot';
import { validPackage, versionStatus } from '../../src/core/metadata/provider';
import { layStore } from './store';

const STORE = 'pypi-data+pypi-mirror-292@ade92f51c0d2c05618a0b8a6809cb8bb05aef149';
const OTHER = 'pypi-data+pypi-mirror-236@26736d9b9d1cb83accf1c5d3b7c56901dbac0b93';

/** A requires.txt as setuptools writes it into an sdist's egg-info. */
const REQUIRES_TXT = `filelock
huggingface-hub<1.0,>=0.23.2
numpy>=1.17
tokenizers<0.20,>=0.19

[:python_version < "3.8"]
importlib_metadata

[dev]
pytest<8.0.0,>=7.2.0

[torch]
accelerate>=0.21.0
torch

[torch-speech:sys_platform != "win32"]
torchaudio
`;


describe('metadata:from-published', () => {
  test('requires.txt: sections become extras and markers; base-only keeps marker-only sections', () => {
    assert.deepEqual(parseRequiresTxt(REQUIRES_TXT), [
      'filelock', 'huggingface-hub<1.0,>=0.23.2', 'numpy>=1.17', 'tokenizers<0.20,>=0.19',
      'importlib_metadata; python_version < "3.8"',
      'pytest<8.0.0,>=7.2.0; extra == "dev"',
      'accelerate>=0.21.0; extra == "torch"', 'torch; extra == "torch"',
      'torchaudio; (sys_platform != "win32") and extra == "torch-speech"',
    ]);
    assert.deepEqual(parseRequiresTxt(REQUIRES_TXT, true), [
      'filelock', 'huggingface-hub<1.0,>=0.23.2', 'numpy>=1.17', 'tokenizers<0.20,>=0.19', 'importlib_metadata; python_version < "3.8"',
    ]);
  });

  test('records: provenance from the store folder, PKG-INFO for Requires-Python, requires.txt or METADATA for Requires-Dist', () => {
    const root = layStore({
      [`${STORE}/packages/transformers/transformers-4.44.2.tar.gz/transformers-4.44.2/src/transformers.egg-info/requires.txt`]: REQUIRES_TXT,
      [`${STORE}/packages/transformers/transformers-4.44.2.tar.gz/transformers-4.44.2/PKG-INFO`]:
        'Metadata-Version: 2.1\nName: transformers\nVersion: 4.44.2\nRequires-Python: >=3.8.0\n\nThe description.\n',
      [`${OTHER}/packages/scikit-learn/scikit-learn-1.3.2.tar.gz/scikit-learn-1.3.2/PKG-INFO`]:
        'Metadata-Version: 2.1\nName: scikit-learn\nVersion: 1.3.2\nRequires-Python: >=3.8\nProvides-Extra: tests\n\nReadme\n',
      [`${OTHER}/packages/scikit-learn/scikit_learn-1.6.0-cp311-cp311-manylinux_2_17_x86_64.whl/scikit_learn-1.6.0.dist-info/METADATA`]:
        'Metadata-Version: 2.1\nName: scikit-learn\nVersion: 1.6.0\nRequires-Python: >=3.9\nRequires-Dist: numpy>=1.19.5\nRequires-Dist: pytest>=7.1.2; extra == "tests"\n\n',
      [`${OTHER}/packages/scikit-learn/scikit_learn-1.6.0-cp311-cp311-manylinux_2_17_x86_64.whl/scikit_learn-1.6.0.dist-info/RECORD`]: 'ignored\n',
      [`${OTHER}/packages/torch/torch-2.3.0+cpu-cp311-cp311-linux_x86_64.whl/torch-2.3.0+cpu.dist-info/METADATA`]:
        'Metadata-Version: 2.1\nName: torch\nVersion: 2.3.0+cpu\n\n',
      ['notes/README.md']: 'not a store\n',
    });
    assert.deepEqual(readPublishedFiles(root).map((f) => `${f.project} ${f.version} ${f.kind}`).sort(),
      ['scikit-learn 1.3.2 PKG-INFO', 'scikit-learn 1.6.0 METADATA', 'transformers 4.44.2 PKG-INFO', 'transformers 4.44.2 requires.txt'],
      'a local build (+cpu) does not speak for the release; other files are not read');

    const [tf] = recordsFromPublished(readPublishedFiles(root, 'transformers'));
    assert.equal(tf.version, '4.44.2');
    assert.equal(tf.requires_python, '>=3.8.0');
    assert.ok(tf.requires_dist!.includes('torch; extra == "torch"'));
    assert.ok(!tf.requires_dist!.some((l) => /extra == "dev"/.test(l)), 'the dev extra is dropped, as both other generators drop it');
    assert.equal(tf.requires_dist_partial, undefined);
    assert.equal(tf.sparse, true);
    assert.equal(tf.source, ['transformers-4.44.2/PKG-INFO', 'transformers-4.44.2/src/transformers.egg-info/requires.txt']
      .map((p) => `pypi-data/pypi-mirror-292@ade92f51c0d2c05618a0b8a6809cb8bb05aef149:packages/transformers/transformers-4.44.2.tar.gz/${p}`).join('; '));

    const [base] = recordsFromPublished(readPublishedFiles(root, 'transformers'), { baseOnly: true });
    assert.deepEqual(base.requires_dist, ['filelock', 'huggingface-hub<1.0,>=0.23.2', 'numpy>=1.17', 'tokenizers<0.20,>=0.19', 'importlib_metadata; python_version < "3.8"']);
    assert.equal(base.requires_dist_partial, true, 'the extras were not read: the list is partial');
    assert.match(base.source, /requires\.txt \(base requirements; extras not read\)/);

    const sk = recordsFromPublished(readPublishedFiles(root, 'scikit-learn'));
    assert.deepEqual(sk.map((r) => [r.version, r.requires_python, r.requires_dist]), [
      ['1.3.2', '>=3.8', undefined],
      ['1.6.0', '>=3.9', ['numpy>=1.19.5']],
    ], 'an sdist PKG-INFO without Requires-Dist leaves it unknown; a wheel METADATA is the whole list');
    const skBase = recordsFromPublished(readPublishedFiles(root, 'scikit-learn'), { baseOnly: true });
    assert.deepEqual(skBase.map((r) => [r.version, r.requires_dist, r.requires_dist_partial]), [
      ['1.3.2', undefined, undefined],
      ['1.6.0', ['numpy>=1.19.5'], true],
    ], 'base-only reads a core metadata file\'s lines without an extra marker, and says the list is partial');
  });

  test('a file that names another release, or two files of one release that disagree, are refused', () => {
    const wrong = layStore({ [`${OTHER}/packages/pandas/pandas-2.0.0.tar.gz/pandas-2.0.0/PKG-INFO`]: 'Metadata-Version: 2.1\nName: pandas\nVersion: 2.0.1\n\n' });
    assert.throws(() => recordsFromPublished(readPublishedFiles(wrong)), /names pandas 2\.0\.1, not pandas 2\.0\.0/);
    const two = layStore({
      [`${STORE}/packages/pandas/pandas-2.0.0.tar.gz/pandas-2.0.0/PKG-INFO`]: 'Metadata-Version: 2.1\nName: pandas\nVersion: 2.0.0\nRequires-Python: >=3.8\n\n',
      [`${OTHER}/packages/pandas/pandas-2.0.0-cp311-cp311-win_amd64.whl/pandas-2.0.0.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: pandas\nVersion: 2.0.0\nRequires-Python: >=3.9\n\n',
    });
    assert.throws(() => recordsFromPublished(readPublishedFiles(two)), /pandas 2\.0\.0: Requires-Python ">=3\.9" and ">=3\.8"/);
  });

  test('merged as sparse entries next to a complete listing; a release it lists must agree', () => {
    const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    mergeReleases('transformers', [
      { version: '5.18.0', requires_python: '>=3.10.0', requires_dist: ['numpy>=1.17'], source: 'index:file:///opt/pypi/simple/ (transformers-5.18.0-py3-none-any.whl sha256:00)' },
    ], { dir: out, snapshotDate: '2026-12-06', completeFrom: '5.18.0', registryNewest: '5.23.0' });
    const root = layStore({ [`${STORE}/packages/transformers/transformers-4.44.2.tar.gz/transformers-4.44.2/src/transformers.egg-info/requires.txt`]: REQUIRES_TXT });
    const got = updateFromPublished(root, 'transformers', { baseOnly: true, out, snapshotDate: '2026-12-06' });
    assert.deepEqual(got.added, ['4.44.2']);
    const pkg = readPackage(out, 'transformers')!;
    assert.ok(validPackage(pkg, 'transformers'));
    assert.deepEqual(pkg.releases.map((e) => [e.versions, e.sparse, e.requires_dist_partial]), [[['4.44.2'], true, true], [['5.18.0'], undefined, undefined]]);
    assert.equal(pkg.complete_from, '5.18.0');
    assert.equal(versionStatus(pkg, '4.44.1'), 'unknown', 'the release next to a sparse one stays unknown');
    assert.equal(versionStatus(pkg, '5.20.0'), 'unknown');
    // Read again: the release it now lists agrees, nothing changes.
    assert.deepEqual(updateFromPublished(root, 'transformers', { baseOnly: true, out, snapshotDate: '2026-12-06' }).confirmed, ['4.44.2']);
    const other = layStore({ [`${OTHER}/packages/transformers/transformers-4.44.2.tar.gz/transformers-4.44.2/src/transformers.egg-info/requires.txt`]: 'numpy>=1.17\ntokenizers<0.21,>=0.20\n' });
    assert.throws(() => updateFromPublished(other, 'transformers', { baseOnly: true, out }), /transformers 4\.44\.2: the snapshot .* disagree/);
  });
  test('a release listing: releases known to exist and yanks, with their sources, make a complete listing with the files', () => {
    const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    const tf = (version: string, numpy: string) => `Metadata-Version: 2.1\nName: tensorflow\nVersion: ${version}\nRequires-Python: >=3.9\nRequires-Dist: keras >=3.0.0\nRequires-Dist: numpy ${numpy}\n\n`;
    const root = layStore({
      [`${STORE}/packages/tensorflow/tensorflow-2.16.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl/tensorflow-2.16.2.dist-info/METADATA`]: tf('2.16.2', '<2.0.0,>=1.23.5'),
      [`${OTHER}/packages/tensorflow/tensorflow-2.17.1-cp39-cp39-manylinux_2_17_x86_64.manylinux2014_x86_64.whl/tensorflow-2.17.1.dist-info/METADATA`]: tf('2.17.1', '<2.0.0,>=1.23.5'),
    });
    const listing: ReleaseListing = {
      complete_from: '2.16.0', complete_through: '2.16.2',
      releases: [
        { version: '2.16.0', yanked: true, source: 'keras-team/keras-io#1787 (2.16.0 was yanked)' },
        { version: '2.16.1', source: 'keras-team/keras-io#1787 (the release after it)' },
      ],
    };
    const got = updateFromPublished(root, 'tensorflow', { out, snapshotDate: '2026-12-06', registryNewest: '2.21.0', listing });
    assert.deepEqual(got.added, ['2.16.0', '2.16.1', '2.16.2', '2.17.1']);
    const pkg = readPackage(out, 'tensorflow')!;
    assert.ok(validPackage(pkg, 'tensorflow'));
    assert.equal(pkg.complete_from, '2.16.0');
    assert.equal(pkg.complete_through, '2.16.2');
    assert.deepEqual(pkg.releases.map((e) => [e.versions, e.sparse, e.yanked, e.requires_dist === undefined]),
      [[['2.16.0'], undefined, true, true], [['2.16.1'], undefined, undefined, true], [['2.16.2'], undefined, undefined, false], [['2.17.1'], true, undefined, false]]);
    assert.equal(pkg.releases[0].source, 'keras-team/keras-io#1787 (2.16.0 was yanked)');
    assert.equal(versionStatus(pkg, '2.16.0.post1'), 'nonexistent', 'inside the complete listing, an absent release does not exist');
    assert.equal(versionStatus(pkg, '2.17.0'), 'unknown', 'above it, next to a sparse release, it stays unknown');
    // A listing starts a file; its ends must be releases it or the files name; a release is listed or read, not both.
    assert.throws(() => updateFromPublished(root, 'tensorflow', { out, listing }), /starts a file/);
    const fresh = () => mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    assert.throws(() => updateFromPublished(root, 'tensorflow', { out: fresh(), listing: { ...listing, complete_through: '2.16.3' } }), /names no record of 2\.16\.3/);
    assert.throws(() => updateFromPublished(root, 'tensorflow', { out: fresh(), listing: { ...listing, releases: [...listing.releases, { version: '2.16.2', source: 'x' }] } }), /both listed and read/);
    assert.throws(() => updateFromPublished(root, 'tensorflow', { out: fresh(), listing: { ...listing, releases: [{ version: '2.16.0', source: '' }] } }), /needs a version, a source/);
  });
});
