// The from-index generator on a local mirror: a `file:` PEP 503 index and a find-links folder that this test lays out
// with wheels it builds (as /opt/pypi is laid out: pages link `../../files/<wheel>#sha256=…`). Each wheel's METADATA
// is read from the wheel; its SHA-256 is checked against the link; the releases join the package file as sparse
// entries next to the rows read from source at tags, which they must agree with.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { readFromMirror, updateFromMirror } from '../../scripts/metadata/from-index';
import { mergeReleases, readPackage } from '../../scripts/metadata/snapshot';
import { validPackage, versionStatus } from '../../src/core/metadata/provider';
import { buildWheel, type BuiltWheel, type WheelSpec } from '../support/wheels';

interface Mirror { index: string; findLinks: string; root: string; wheels: Map<string, BuiltWheel> }

/** A mirror: simple/<name>/index.html linking ../../files/<wheel>#sha256=<digest> (`lie` states another digest;
 *  `absent` links a file that is not there), and a find-links folder. */
function layMirror(indexed: WheelSpec[], flat: WheelSpec[] = [], o: { lie?: string; absent?: string } = {}): Mirror {
  const root = mkdtempSync(join(tmpdir(), 'ml-pins-mirror-'));
  const wheels = new Map<string, BuiltWheel>();
  mkdirSync(join(root, 'files'));
  const pages = new Map<string, string[]>();
  for (const spec of indexed) {
    const w = buildWheel(spec);
    wheels.set(w.filename, w);
    if (o.absent !== w.filename) writeFileSync(join(root, 'files', w.filename), w.bytes);
    const digest = o.lie === w.filename ? '0'.repeat(64) : w.sha256;
    const name = spec.name.toLowerCase().replace(/[-_.]+/g, '-');
    pages.set(name, [...(pages.get(name) ?? []), `<a href="../../files/${w.filename}#sha256=${digest}">${w.filename}</a>`]);
  }
  for (const [name, links] of pages) {
    mkdirSync(join(root, 'simple', name), { recursive: true });
    writeFileSync(join(root, 'simple', name, 'index.html'), `<!DOCTYPE html><html><body>\n${links.join('\n')}\n</body></html>\n`);
  }
  const findLinks = join(root, 'wheels');
  mkdirSync(findLinks);
  for (const spec of flat) {
    const w = buildWheel(spec);
    wheels.set(w.filename, w);
    writeFileSync(join(findLinks, w.filename), w.bytes);
  }
  return { index: pathToFileURL(join(root, 'simple')).href, findLinks, root, wheels };
}

const CP311 = 'cp311-cp311-manylinux_2_28_x86_64';
const HUB = (version: string, requires_dist: string[], requires_python = '>=3.10.0'): WheelSpec => ({ name: 'hubby', version, requires_python, requires_dist });

/** A package file as the from-source driver writes it: every release up to 1.28.0, each with its tag. */
function sourceFile(dir: string): void {
  mergeReleases('hubby', [
    { version: '1.26.0', requires_python: '>=3.9.0', requires_dist: ['httpx<1,>=0.23.0', 'torch; extra == "torch"'], source: 'example/hubby@v1.26.0:setup.py' },
    { version: '1.28.0', requires_python: '>=3.10.0', requires_dist: ['httpx<1,>=0.23.0'], source: 'example/hubby@v1.28.0:setup.py' },
  ], { dir, registryNewest: '2.4.0', snapshotDate: '2026-12-06' });
}

describe('metadata:from-index on a local mirror', () => {
  test('a file: index and a find-links folder: METADATA from each wheel, provenance with its SHA-256, no wheel summary', async () => {
    const m = layMirror([
      { name: 'PandaLib', version: '3.0.6', requires_python: '>=3.11', requires_dist: ['numpy>=1.26.0; python_version < "3.14"', 'numpy>=2.3.3; python_version >= "3.14"', 'pytest>=7; extra == "test"'], tag: CP311 },
      { name: 'PandaLib', version: '2.3.3', requires_python: '>=3.9', requires_dist: ['numpy>=1.23.2; python_version == "3.11"'], tag: CP311 },
    ], [
      { name: 'PandaLib', version: '2.2.3', requires_python: '>=3.9', requires_dist: ['numpy>=1.23.2'], tag: CP311 },
      { name: 'PandaLib', version: '3.0.6+cpu', requires_dist: ['something-else'], tag: CP311 },
    ]);
    const got = await readFromMirror('pandalib', { indexes: [m.index], findLinks: [m.findLinks] });
    assert.deepEqual(got.records.map((r) => r.version), ['2.2.3', '2.3.3', '3.0.6']);
    const r306 = got.records[2];
    assert.equal(r306.requires_python, '>=3.11');
    assert.deepEqual(r306.requires_dist, ['numpy>=1.26.0; python_version < "3.14"', 'numpy>=2.3.3; python_version >= "3.14"'], 'the test extra is dropped');
    assert.equal(r306.wheels, undefined, 'one cp311 wheel says nothing of other Pythons');
    assert.equal(r306.yanked, undefined);
    assert.equal(r306.sparse, true);
    const w = m.wheels.get('pandalib-3.0.6-cp311-cp311-manylinux_2_28_x86_64.whl')!;
    assert.equal(r306.source, `index:${m.index}/ (${w.filename} sha256:${w.sha256})`);
    const flat = m.wheels.get('pandalib-2.2.3-cp311-cp311-manylinux_2_28_x86_64.whl')!;
    assert.equal(got.records[0].source, `find-links:${m.findLinks} (${flat.filename} sha256:${flat.sha256})`);
    assert.ok(got.skipped.some((s) => /3\.0\.6\+cpu.*local build/.test(s)), 'a +cpu build does not speak for the release');

    const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    const merged = await updateFromMirror('pandalib', { indexes: [m.index], findLinks: [m.findLinks], out, snapshotDate: '2026-12-06', registryNewest: '3.1.1' });
    const pkg = readPackage(out, 'pandalib')!;
    assert.ok(validPackage(pkg, 'pandalib'));
    assert.equal(pkg.complete_through, '3.0.6');
    assert.equal(pkg.complete_from, '3.0.6', 'a new file lists its newest release as its complete listing');
    assert.equal(pkg.registry_newest, '3.1.1');
    assert.deepEqual(pkg.releases.map((e) => [e.versions, e.sparse]), [[['2.2.3'], true], [['2.3.3'], true], [['3.0.6'], undefined]]);
    assert.equal(versionStatus(pkg, '2.3.0'), 'unknown');
    assert.equal(versionStatus(pkg, '3.0.7'), 'unknown');
    assert.deepEqual(merged.added, ['2.2.3', '2.3.3', '3.0.6']);
    const index = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8'));
    assert.deepEqual(index.packages.pandalib, { complete_through: '3.0.6', complete_from: '3.0.6', registry_newest: '3.1.1', releases: 3, sparse: 2 });
  });

  test('merged into a file read from source at tags: its rows are kept, the releases both speak for agree, newer ones are sparse', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    sourceFile(out);
    const m = layMirror([
      HUB('1.28.0', ['httpx<1,>=0.23.0', 'torch; extra == "torch"', 'pytest; extra == "testing"']),
      HUB('1.33.0', ['httpx<1,>=0.23.0']),
      HUB('2.0.0', ['httpx2<3,>=2.0.0']),
    ]);
    const got = await updateFromMirror('hubby', { indexes: [m.index], out, snapshotDate: '2026-12-06' });
    assert.deepEqual(got.confirmed, ['1.28.0'], 'the wheel may declare extras the source row leaves out');
    assert.deepEqual(got.added, ['1.33.0', '2.0.0']);
    const pkg = readPackage(out, 'hubby')!;
    assert.ok(validPackage(pkg, 'hubby'));
    assert.equal(pkg.complete_through, '1.28.0', 'the complete listing does not grow');
    assert.equal(pkg.registry_newest, '2.4.0');
    assert.deepEqual(pkg.releases.map((e) => e.source.split(' ')[0]), ['example/hubby@v1.26.0:setup.py', 'example/hubby@v1.28.0:setup.py', `index:${m.index}/`, `index:${m.index}/`]);
    assert.deepEqual(pkg.releases.map((e) => e.sparse), [undefined, undefined, true, true]);
    assert.equal(versionStatus(pkg, '1.30.0'), 'unknown', 'between the listing and a sparse release');
    assert.equal(versionStatus(pkg, '1.27.0'), 'nonexistent');

    // Read again: the same releases agree with themselves; nothing changes.
    const again = await updateFromMirror('hubby', { indexes: [m.index], out, snapshotDate: '2026-12-06' });
    assert.deepEqual(again.confirmed, ['1.28.0', '1.33.0', '2.0.0']);
    assert.deepEqual(readPackage(out, 'hubby'), pkg);

    // A later complete listing from source (through 1.33.0) keeps 2.0.0 sparse and lists 1.33.0.
    mergeReleases('hubby', [{ version: '1.33.0', requires_python: '>=3.10.0', requires_dist: ['httpx<1,>=0.23.0'], source: 'example/hubby@v1.33.0:setup.py' }], { dir: out, snapshotDate: '2026-12-06' });
    const later = readPackage(out, 'hubby')!;
    assert.equal(later.complete_through, '1.33.0');
    assert.ok(validPackage(later, 'hubby'));
    assert.deepEqual(later.releases.map((e) => [e.versions, e.sparse]), [[['1.26.0'], undefined], [['1.28.0', '1.33.0'], undefined], [['2.0.0'], true]]);
  });

  test('a wheel that contradicts the source row, or a release the complete listing says does not exist, is refused and nothing is written', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    sourceFile(out);
    const before = readFileSync(join(out, 'packages', 'hubby.json'), 'utf8');
    const other = layMirror([HUB('1.28.0', ['httpx<2,>=0.23.0']), HUB('2.0.0', ['httpx2'])]);
    await assert.rejects(updateFromMirror('hubby', { indexes: [other.index], out }), /hubby 1\.28\.0: the snapshot \(example\/hubby@v1\.28\.0:setup\.py\) and index:.* disagree: the wheel does not declare httpx<1,>=0\.23\.0/);
    const python = layMirror([HUB('1.28.0', ['httpx<1,>=0.23.0'], '>=3.9')]);
    await assert.rejects(updateFromMirror('hubby', { indexes: [python.index], out }), /Requires-Python ">=3\.10\.0" against the wheel's ">=3\.9"/);
    const ghost = layMirror([HUB('1.27.0', ['httpx<1,>=0.23.0'])]);
    await assert.rejects(updateFromMirror('hubby', { indexes: [ghost.index], out }), /hubby 1\.27\.0: .* lists it, but the snapshot lists every release from the first to 1\.28\.0 without it/);
    assert.equal(readFileSync(join(out, 'packages', 'hubby.json'), 'utf8'), before);
  });

  test('a SHA-256 that differs from the link is refused; a linked file that is missing is reported and its release left out', async () => {
    const releases = [HUB('1.33.0', ['httpx<1']), HUB('2.0.0', ['httpx2'])];
    const lying = layMirror(releases, [], { lie: 'hubby-2.0.0-py3-none-any.whl' });
    await assert.rejects(readFromMirror('hubby', { indexes: [lying.index] }), /hubby-2\.0\.0-py3-none-any\.whl .*SHA-256 [0-9a-f]{64}, but the index states 0{64}: refused/);
    const out = mkdtempSync(join(tmpdir(), 'ml-pins-meta-'));
    await assert.rejects(updateFromMirror('hubby', { indexes: [lying.index], out }), /refused/);
    assert.equal(readPackage(out, 'hubby'), undefined);

    const gappy = layMirror(releases, [], { absent: 'hubby-1.33.0-py3-none-any.whl' });
    const got = await readFromMirror('hubby', { indexes: [gappy.index] });
    assert.deepEqual(got.records.map((r) => r.version), ['2.0.0']);
    assert.deepEqual(got.missing, [`hubby-1.33.0-py3-none-any.whl (index:${gappy.index}/)`]);
  });

  test('a wheel whose METADATA names another release is refused; a package no page lists gives nothing', async () => {
    const m = layMirror([HUB('2.0.0', [])]);
    const page = join(m.root, 'simple', 'hubby', 'index.html');
    const w = buildWheel({ name: 'hubby', version: '1.9.0' });
    writeFileSync(join(m.root, 'files', 'hubby-2.0.1-py3-none-any.whl'), w.bytes);
    writeFileSync(page, `<a href="../../files/hubby-2.0.1-py3-none-any.whl#sha256=${w.sha256}">x</a>`);
    await assert.rejects(readFromMirror('hubby', { indexes: [m.index] }), /its METADATA names hubby 1\.9\.0/);
    assert.deepEqual((await readFromMirror('absent-pkg', { indexes: [m.index], findLinks: [m.findLinks] })).records, []);
  });
});
