// The opencv-python extractor on a small tagged repository shaped like opencv/opencv-python: numeric tags, the OpenCV
// version read from the commit that set the `opencv` submodule, the install_requires list main() passes to setup().
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import opencv from '../../../scripts/metadata/extractors/opencv-python';
import headless from '../../../scripts/metadata/extractors/opencv-python-headless';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { mergeReleases, readPackage } from '../../../scripts/metadata/snapshot';
import { versionStatus } from '../../../src/core/metadata/provider';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);

const computed = py('import sys', 'from skbuild import setup', 'def main():',
  '    minimum_supported_numpy = "1.13.3"', '    if sys.version_info[:2] >= (3, 9):', '        minimum_supported_numpy = "1.19.3"',
  '    numpy_version = "numpy>=%s" % minimum_supported_numpy',
  '    setup(name="opencv-python", install_requires=numpy_version, python_requires=">=3.6")', 'main()');
const listed = (floor311: string) => py('from skbuild import setup', 'def main():', '    install_requires = [',
  `        'numpy>=1.17.0; python_version>="3.7"', # https://github.com/numpy/numpy/pull/13725`,
  `        "numpy>=${floor311}; python_version>='3.11'"`, '    ]',
  '    setup(name="opencv-python", install_requires=install_requires, python_requires=">=3.6")', 'main()');
const A = 'a'.repeat(40), B = 'b'.repeat(40), C = 'c'.repeat(40);

test('opencv-python: version from the submodule commit\'s subject plus the tag; install_requires from main(); tags whose version is not stated are left out', () => {
  const repo = makeRepo([
    { files: { 'setup.py': computed }, gitlinks: { opencv: A }, message: 'OpenCV 4.5.1', tags: ['48'] },
    { files: { 'setup.py': listed('1.23.5') }, gitlinks: { opencv: B }, message: 'Updated submodules to 4.6.0 release', tags: ['66'] },
    { files: { 'README.md': 'rebuild' }, message: 'Fix name export', tags: ['68'] },
    { files: {}, gitlinks: { opencv: C }, message: 'Updated attached commit for opencv repository', tags: ['70'] },
    { files: {}, tags: ['4.x-nightly'] },
  ]);
  const records = extractFromRepo(opencv, repo);
  assert.deepEqual(records.map((r) => r.version).sort(), ['4.5.1.48', '4.6.0.66', '4.6.0.68']);
  const at = (v: string) => records.find((r) => r.version === v)!;
  assert.equal(at('4.5.1.48').requires_dist, undefined, 'a floor computed from the build\'s Python is unknown');
  assert.equal(at('4.5.1.48').requires_python, '>=3.6');
  assert.deepEqual(at('4.6.0.66').requires_dist, ['numpy>=1.17.0; python_version >= "3.7"', 'numpy>=1.23.5; python_version >= "3.11"']);
  assert.match(at('4.6.0.68').source, /^opencv\/opencv-python@68:setup\.py; version: submodule opencv at b{10}, set by opencv\/opencv-python@[0-9a-f]{10} \("Updated submodules to 4\.6\.0 release"\)/);
  assert.equal(extractFromRepo(headless, repo).find((r) => r.version === '4.6.0.66')!.requires_dist!.length, 2, 'the headless wheel: the same setup.py');

  // Written as a partial listing: tag 70's release is unknown, not non-existent.
  const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
  try {
    mergeReleases('opencv-python', records, { dir: out, completeFrom: '4.6.0.68', snapshotDate: '2026-12-06' });
    const pkg = readPackage(out, 'opencv-python')!;
    assert.equal(pkg.complete_from, '4.6.0.68');
    assert.equal(versionStatus(pkg, '4.5.4.60'), 'unknown');
    assert.equal(versionStatus(pkg, '4.6.0.66'), 'known');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
