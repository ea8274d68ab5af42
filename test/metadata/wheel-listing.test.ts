// Wheel summaries from the wheel file names a published-files store lists, on stores this test lays out the way the
// pypi-data repositories keep uploads (`packages/<name>/<wheel file name>/…`, empty files standing for what a listing
// shows): which absences a listing proves (dense, and not contradicted by the release's METADATA), a release whose
// wheels span two repositories, provenance naming each repository and its commits, and the merge into a file that
// already holds the release. What the engine makes of each kind of summary is checked through pythonsOf.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readPublishedFiles, readWheelListing, recordsFromPublished, updateFromPublished } from '../../scripts/metadata/from-published';
import { mergeReleases, readPackage } from '../../scripts/metadata/snapshot';
import { summaryFromListing } from '../../scripts/metadata/wheel-listing';
import { parseDistFilename } from '../../src/core/metadata/index-formats';
import { curatedDisagreements } from '../../src/core/metadata/curated';
import { memoryProvider, pythonsOf, validPackage } from '../../src/core/metadata/provider';
import type { RuleFamily } from '../../src/core/rules/types';
import { layStore } from './store';

const M274 = 'pypi-data+pypi-mirror-274@1686d6014eedebaabe9d4e10d0158b99628bcf65';
const M274B = 'pypi-data+pypi-mirror-274@e94e234b6a8787ceddbb2e1fc5987eb42c650726';
const M275 = 'pypi-data+pypi-mirror-275@0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

const PLATFORMS = ['macosx_11_0_universal2', 'manylinux_2_27_aarch64.manylinux_2_28_aarch64', 'manylinux_2_27_x86_64.manylinux_2_28_x86_64', 'win32', 'win_amd64'];
const wheelNames = (version: string, minors: number[], platforms = PLATFORMS) =>
  minors.flatMap((m) => platforms.map((p) => `onnxruntime-${version}-cp3${m}-cp3${m}-${p}.whl`));
const dists = (names: string[]) => names.map((n) => parseDistFilename(n, 'onnxruntime')!);

/** onnxruntime's METADATA as published: no Requires-Python, classifiers from 3.7 to the newest CPython it names. */
const metadata = (version: string, classifiers: number[], requiresPython?: string) =>
  `Metadata-Version: 2.1\nName: onnxruntime\nVersion: ${version}\n${requiresPython ? `Requires-Python: ${requiresPython}\n` : ''}` +
  classifiers.map((m) => `Classifier: Programming Language :: Python :: 3.${m}\n`).join('') +
  'Requires-Dist: coloredlogs\nRequires-Dist: flatbuffers\nRequires-Dist: numpy>=1.21.6\nRequires-Dist: packaging\nRequires-Dist: protobuf\nRequires-Dist: sympy\n\nONNX Runtime\n';

const record = (store: string, wheel: string, version: string) => ({ [`${store}/packages/onnxruntime/${wheel}/onnxruntime-${version}.dist-info/RECORD`]: '' });

describe('wheel summaries from a store listing', () => {
  test('which absences a listing proves', () => {
    const full = dists(wheelNames('1.18.0', [8, 9, 10, 11, 12]));
    // Dense, METADATA naming 3.7–3.12: newer absences only (3.7 is named, yet no cp37 wheel is listed).
    assert.deepEqual(summaryFromListing(full, metadata('1.18.0', [7, 8, 9, 10, 11, 12])), {
      python: ['3.8', '3.9', '3.10', '3.11', '3.12'], abi3: false, pure: false,
      platforms: ['macosx_11_0_universal2', 'manylinux_2_27_aarch64', 'manylinux_2_27_x86_64', 'manylinux_2_28_aarch64', 'manylinux_2_28_x86_64', 'win32', 'win_amd64'],
      absence: 'newer',
    });
    // A Requires-Python whose floor is the oldest listed, classifiers within: every absence.
    assert.equal(summaryFromListing(full, metadata('1.18.0', [8, 9, 10, 11, 12], '>=3.8'))!.absence, undefined);
    // No METADATA in the store, or METADATA naming no CPython: nothing to check the listing against.
    assert.equal(summaryFromListing(full)!.absence, 'none');
    assert.equal(summaryFromListing(full, metadata('1.18.0', []))!.absence, 'none');
    // A classifier newer than the newest listed: a CPython's wheels may be missing from the sample.
    assert.equal(summaryFromListing(full, metadata('1.18.0', [8, 9, 10, 11, 12, 13]))!.absence, 'none');
    // A gap: 3.10 without its win_amd64 wheel; the sample is thin.
    const gap = full.filter((d) => !(d.wheel!.python[0] === 'cp310' && d.wheel!.platform[0] === 'win_amd64'));
    assert.equal(summaryFromListing(gap, metadata('1.18.0', [7, 8, 9, 10, 11, 12]))!.absence, 'none');
    // Two platforms per CPython, or a single CPython: too thin.
    assert.equal(summaryFromListing(dists(wheelNames('1.18.0', [10, 11, 12], ['win32', 'win_amd64'])), metadata('1.18.0', [10, 11, 12]))!.absence, 'none');
    assert.equal(summaryFromListing(dists(wheelNames('1.18.0', [12])), metadata('1.18.0', [12]))!.absence, 'none');
    // CPython 3.7 has no macOS arm64 build: its wheels are compared without it.
    const arm = ['macosx_10_15_x86_64', 'macosx_11_0_arm64', 'manylinux_2_17_x86_64.manylinux2014_x86_64', 'win_amd64'];
    const withArm = [...wheelNames('1.14.1', [7], arm.filter((p) => !p.includes('arm64'))), ...wheelNames('1.14.1', [8, 9, 10], arm)];
    assert.equal(summaryFromListing(dists(withArm), metadata('1.14.1', [7, 8, 9, 10]))!.absence, 'newer');
    assert.equal(summaryFromListing(dists(withArm.filter((n) => n !== 'onnxruntime-1.14.1-cp39-cp39-macosx_11_0_arm64.whl')), metadata('1.14.1', [7, 8, 9, 10]))!.absence, 'none');
    // Free-threaded builds (cp313t) are not compared with the others' platforms.
    const ft = dists([...wheelNames('1.20.0', [10, 11, 12, 13], PLATFORMS.slice(1)), 'onnxruntime-1.20.0-cp313-cp313t-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl']);
    assert.equal(summaryFromListing(ft, metadata('1.20.0', [7, 8, 9, 10, 11, 12]))!.absence, 'newer');
  });

  test('the engine reads a summary for what it proves', () => {
    const wheels = summaryFromListing(dists(wheelNames('1.16.3', [8, 9, 10, 11])), metadata('1.16.3', [7, 8, 9, 10, 11]))!;
    assert.deepEqual(pythonsOf({ requires_python: '', wheels }), ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11'],
      'newer absences: 3.12 on has none; older CPythons may have wheels the listing did not show');
    assert.deepEqual(pythonsOf({ requires_python: '', wheels: { ...wheels, absence: undefined } }), ['3.8', '3.9', '3.10', '3.11']);
    assert.deepEqual(pythonsOf({ requires_python: '>=3.10', wheels: { ...wheels, absence: 'none' } }), ['3.10', '3.11', '3.12', '3.13', '3.14', '3.15'],
      'a lower bound: Requires-Python alone decides');
    assert.equal(pythonsOf({ wheels: { ...wheels, absence: 'none' } }), undefined, 'and without Requires-Python nothing is known');
  });

  test('a release whose wheels span two repositories: summary and provenance from both', () => {
    const names = wheelNames('1.18.0', [8, 9, 10, 11, 12]);
    const late = 'onnxruntime-1.18.0-cp310-cp310-win_amd64.whl';
    const files: Record<string, string> = {};
    names.filter((n) => n !== late).forEach((n, i) => Object.assign(files, record(i % 2 ? M274 : M274B, n, '1.18.0')));
    files[`${M274B}/packages/onnxruntime/onnxruntime-1.18.0-cp311-cp311-win32.whl/onnxruntime-1.18.0.dist-info/METADATA`] = metadata('1.18.0', [7, 8, 9, 10, 11, 12]);
    files[`${M274}/packages/onnxruntime/onnxruntime-1.18.0-cp312-cp312-win32.whl/onnxruntime/__init__.py`] = '';
    // A local build and another project's wheel are not listed.
    Object.assign(files, record(M274, 'onnxruntime-1.18.0+cpu-cp310-cp310-linux_x86_64.whl', '1.18.0+cpu'));
    files[`${M274}/packages/onnxruntime-gpu/onnxruntime_gpu-1.18.0-cp310-cp310-win_amd64.whl/onnxruntime_gpu-1.18.0.dist-info/RECORD`] = '';
    const one = layStore(files);
    assert.equal(readWheelListing(one, 'onnxruntime').filter((w) => w.filename === names[0]).length, 1, 'several files of one wheel are one wheel');
    const [alone] = recordsFromPublished(readPublishedFiles(one, 'onnxruntime'), {}, readWheelListing(one, 'onnxruntime'));
    assert.equal(alone.wheels!.absence, 'none', 'one repository misses the cp310 win_amd64 wheel');

    const both = layStore({ ...files, ...record(M275, late, '1.18.0') });
    const [r] = recordsFromPublished(readPublishedFiles(both, 'onnxruntime'), {}, readWheelListing(both, 'onnxruntime'));
    assert.equal(r.version, '1.18.0');
    assert.equal(r.wheels!.absence, 'newer');
    assert.deepEqual(r.wheels!.python, ['3.8', '3.9', '3.10', '3.11', '3.12']);
    assert.equal(r.requires_python, '');
    assert.ok(r.requires_dist!.includes('numpy>=1.21.6'));
    assert.equal(r.source, [
      `pypi-data/pypi-mirror-274@e94e234b6a8787ceddbb2e1fc5987eb42c650726:packages/onnxruntime/onnxruntime-1.18.0-cp311-cp311-win32.whl/onnxruntime-1.18.0.dist-info/METADATA`,
      `pypi-data/pypi-mirror-274@1686d6014eedebaabe9d4e10d0158b99628bcf65,e94e234b6a8787ceddbb2e1fc5987eb42c650726:packages/onnxruntime/ (24 wheel file names of 1.18.0)`,
      `pypi-data/pypi-mirror-275@0a1b2c3d4e5f60718293a4b5c6d7e8f901234567:packages/onnxruntime/ (1 wheel file name of 1.18.0)`,
    ].join('; '));

    // --wheels-only: the METADATA checks the listing; the row holds the wheels alone.
    const [w] = recordsFromPublished(readPublishedFiles(both, 'onnxruntime'), { wheelsOnly: true }, readWheelListing(both, 'onnxruntime'));
    assert.deepEqual([w.requires_python, w.requires_dist, w.wheels!.absence], [undefined, undefined, 'newer']);
    assert.match(w.source, /; checked against pypi-data\/pypi-mirror-274@e94e234b6a8787ceddbb2e1fc5987eb42c650726:packages\/onnxruntime\/onnxruntime-1\.18\.0-cp311-cp311-win32\.whl\/onnxruntime-1\.18\.0\.dist-info\/METADATA$/);

    // Wheels only (no METADATA in the store): the Pythons seen, a lower bound.
    const bare = layStore(Object.fromEntries(Object.entries(files).filter(([p]) => !p.endsWith('METADATA'))));
    const [b] = recordsFromPublished(readPublishedFiles(bare, 'onnxruntime'), {}, readWheelListing(bare, 'onnxruntime'));
    assert.deepEqual([b.requires_python, b.requires_dist, b.wheels!.absence], [undefined, undefined, 'none']);
  });

  test('merged: a new release as a sparse entry; a release the file holds gains the summary, once', () => {
    const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    mergeReleases('onnxruntime', [{ version: '1.30.0', requires_python: '>=3.11', requires_dist: ['numpy>=1.21.6'],
      source: 'index:file:///opt/pypi/simple/ (onnxruntime-1.30.0-cp311-cp311-manylinux_2_28_x86_64.whl sha256:00)' }], { dir: out, snapshotDate: '2026-12-06', completeFrom: '1.30.0' });
    const files: Record<string, string> = {};
    for (const n of wheelNames('1.16.3', [8, 9, 10, 11])) Object.assign(files, record(M274, n, '1.16.3'));
    files[`${M274}/packages/onnxruntime/onnxruntime-1.16.3-cp39-cp39-win_amd64.whl/onnxruntime-1.16.3.dist-info/METADATA`] = metadata('1.16.3', [7, 8, 9, 10, 11]);
    const oneRecord = 'onnxruntime-1.30.0-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl';
    for (const n of wheelNames('1.30.0', [11, 12, 13, 14])) Object.assign(files, record(M275, n, '1.30.0'));
    const root = layStore(files);
    const got = updateFromPublished(root, 'onnxruntime', { out, snapshotDate: '2026-12-06' });
    assert.deepEqual([got.added, got.wheelsAdded], [['1.16.3'], ['1.30.0']]);
    const pkg = readPackage(out, 'onnxruntime')!;
    assert.ok(validPackage(pkg, 'onnxruntime'));
    const [old, held] = pkg.releases;
    assert.deepEqual([old.versions, old.sparse, old.wheels!.absence, old.wheels!.python], [['1.16.3'], true, 'newer', ['3.8', '3.9', '3.10', '3.11']]);
    assert.deepEqual([held.versions, held.sparse, held.wheels!.absence, held.requires_python], [['1.30.0'], undefined, 'none', '>=3.11'],
      'no METADATA of 1.30.0 in the store: its wheels are a lower bound');
    assert.match(held.source, /^index:file:.*; pypi-data\/pypi-mirror-275@0a1b2c3d4e5f60718293a4b5c6d7e8f901234567:packages\/onnxruntime\/ \(20 wheel file names of 1\.30\.0\)$/);
    assert.ok(readWheelListing(root, 'onnxruntime').some((w) => w.filename === oneRecord));
    // Read again: nothing changes, the provenance is not repeated.
    assert.deepEqual(updateFromPublished(root, 'onnxruntime', { out, snapshotDate: '2026-12-06' }).wheelsAdded, []);
    assert.equal(readPackage(out, 'onnxruntime')!.releases[1].source, held.source);
    // A smaller sample of the same wheels changes nothing; one that shows other wheels and misses some disagrees.
    const fewer = layStore(record(M275, 'onnxruntime-1.30.0-cp311-cp311-win_amd64.whl', '1.30.0'));
    assert.deepEqual(updateFromPublished(fewer, 'onnxruntime', { out, snapshotDate: '2026-12-06' }).wheelsAdded, []);
    const other = layStore(record(M275, 'onnxruntime-1.30.0-cp310-cp310-win_amd64.whl', '1.30.0'));
    assert.throws(() => updateFromPublished(other, 'onnxruntime', { out }), /onnxruntime 1\.30\.0: .* disagree: its wheels/);
  });

  test('a curated Python row that denies a CPython the listing shows wheels for disagrees, even with a lower bound', () => {
    const wheels = summaryFromListing(dists(wheelNames('1.18.0', [8, 9, 10, 11, 12])), metadata('1.18.0', [8, 9, 10, 11, 12, 13]))!;
    assert.equal(wheels.absence, 'none');
    const pkg = { format: 1 as const, name: 'onnxruntime', snapshot_date: '2026-12-06', complete_through: '1.18.0', releases: [{ versions: ['1.18.0'], wheels, source: 'pypi-data/pypi-mirror-274@1686d6014e:packages/onnxruntime/ (25 wheel file names of 1.18.0)' }] };
    const family = (python: string): RuleFamily => ({ family: 'f', description: 'd', rules: [{
      code: 'ort-python', kind: 'python-support', failure: 'no-wheels', package: 'onnxruntime', title: 't', message: 'm', explanation: 'e',
      sources: ['s'], examples: { fires: [], passes: [] }, rows: [{ versions: '==1.18.0', python }],
    }] });
    assert.deepEqual(curatedDisagreements([family('>=3.8,<3.12')], memoryProvider([pkg])).map((d) => `${d.release}: ${d.curated} | ${d.snapshot}`),
      ['1.18.0: Python 3.8, 3.9, 3.10, 3.11 | wheels for Python 3.12 (pypi-data/pypi-mirror-274@1686d6014e:packages/onnxruntime/ (25 wheel file names of 1.18.0))']);
    assert.deepEqual(curatedDisagreements([family('>=3.8,<3.14')], memoryProvider([pkg])), [], 'a row may name more: the listing is a lower bound');
  });
});
