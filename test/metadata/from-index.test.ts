// The from-index generator against a loopback index that speaks PEP 503/691/658/714/592 and the PyPI JSON API, and
// the index itself checked with real pip.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readFromIndex, updateFromIndex } from '../../scripts/metadata/from-index';
import { readPackage } from '../../scripts/metadata/snapshot';
import { startIndex, type IndexRelease, type RunningIndex } from '../support/index-server';

const TV: IndexRelease[] = [
  { version: '0.17.0', requires_python: '>=3.8', requires_dist: ['numpy', 'torch==2.2.0', 'pillow!=8.3.*,>=5.3.0', 'scipy; extra == "scipy"', 'pytest; extra == "test"'],
    files: ['torchvision-0.17.0-cp310-cp310-manylinux1_x86_64.whl', 'torchvision-0.17.0-cp311-cp311-manylinux1_x86_64.whl', 'torchvision-0.17.0-cp311-cp311-win_amd64.whl', 'torchvision-0.17.0.tar.gz'] },
  { version: '0.17.1', requires_python: '>=3.8', requires_dist: ['numpy', 'torch==2.2.1', 'pillow!=8.3.*,>=5.3.0'], yanked: 'broken wheels',
    files: ['torchvision-0.17.1-cp311-cp311-manylinux1_x86_64.whl'] },
  { version: '0.18.0rc1', requires_python: '>=3.8', requires_dist: ['torch==2.3.0'], files: ['torchvision-0.18.0rc1-cp311-cp311-manylinux1_x86_64.whl'] },
];

function run(cmd: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: { ...process.env, PIP_CONFIG_FILE: '/dev/null' } });
    let output = '';
    p.stdout.on('data', (d) => { output += d; });
    p.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => p.kill(), 100000);
    p.on('close', (status) => { clearTimeout(timer); resolve({ status, output }); });
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'ml-pins-index-'));

describe('metadata:from-index', () => {
  let index: RunningIndex;
  before(async () => { index = await startIndex({ packages: { torchvision: TV, 'Demo_Pkg': [{ version: '1.0.0', requires_dist: [] }] } }); });
  after(() => index.close());

  test('PEP 691 JSON and PEP 658 metadata files: Requires-Dist as published, wheels, yanked, provenance', async () => {
    const out = tmp();
    index.requests.length = 0;
    const pkg = await updateFromIndex('torchvision', { index: index.url, out, snapshotDate: '2026-01-15' });
    assert.equal(pkg.complete_through, '0.18.0rc1');
    assert.equal(pkg.registry_newest, '0.17.1');
    const r = readPackage(out, 'torchvision')!.releases;
    assert.deepEqual(r[0].versions, ['0.17.0']);
    assert.deepEqual(r[0].requires_dist, ['numpy', 'torch==2.2.0', 'pillow!=8.3.*,>=5.3.0', 'scipy; extra == "scipy"'], 'the test extra is dropped');
    assert.equal(r[0].requires_python, '>=3.8');
    assert.deepEqual(r[0].wheels, { python: ['3.10', '3.11'], abi3: false, pure: false, platforms: ['manylinux1_x86_64', 'win_amd64'] });
    assert.equal(r[0].yanked, undefined);
    assert.match(r[0].source, /^index:http:\/\/127\.0\.0\.1:\d+\/simple\/ \(torchvision-0\.17\.0-cp310-cp310-manylinux1_x86_64\.whl\.metadata\)$/);
    assert.equal(r[1].yanked, 'broken wheels');
    const page = index.requests.find((q) => q.path === '/simple/torchvision/');
    assert.match(page?.accept ?? '', /application\/vnd\.pypi\.simple\.v1\+json/);
    assert.equal(index.requests.filter((q) => q.path.endsWith('.metadata')).length, 3);
    assert.equal(index.requests.filter((q) => q.path.startsWith('/pypi/')).length, 0, 'no JSON API call when metadata files exist');
    const snapshot = JSON.parse(readFileSync(join(out, 'snapshot.json'), 'utf8'));
    assert.deepEqual(snapshot.packages.torchvision, { complete_through: '0.18.0rc1', registry_newest: '0.17.1', releases: 3 });
  });

  test('PEP 503 HTML gives the same releases', async () => {
    const html = await startIndex({ packages: { torchvision: TV }, pep691: false });
    try {
      const a = await readFromIndex('torchvision', { index: index.url });
      const b = await readFromIndex('torchvision', { index: html.url });
      const strip = (rs: typeof a.records) => rs.map(({ source: _s, ...r }) => r);
      assert.deepEqual(strip(b.records), strip(a.records));
      assert.ok(html.requests.some((q) => q.path === '/simple/torchvision/'));
    } finally { await html.close(); }
  });

  test('without metadata files the PyPI JSON API is the fallback', async () => {
    const plain = await startIndex({ packages: { torchvision: TV }, pep658: false });
    try {
      const got = await readFromIndex('torchvision', { index: plain.url });
      assert.deepEqual(got.records[0].requires_dist, ['numpy', 'torch==2.2.0', 'pillow!=8.3.*,>=5.3.0', 'scipy; extra == "scipy"']);
      assert.match(got.records[0].source, /\/pypi\/torchvision\/0\.17\.0\/json$/);
      assert.ok(plain.requests.some((q) => q.path === '/pypi/torchvision/0.17.0/json'));
      assert.ok(!plain.requests.some((q) => q.path.endsWith('.metadata')));
    } finally { await plain.close(); }
  });

  test('a project page missing from the simple API falls back to the JSON API; names are normalized', async () => {
    const got = await readFromIndex('demo.pkg', { index: index.url });
    assert.equal(got.name, 'demo-pkg');
    assert.deepEqual(got.records.map((r) => [r.version, r.requires_dist]), [['1.0.0', []]]);
  });

  test('an accelerator index adds its local builds to the releases as variants', async () => {
    const out = tmp();
    await updateFromIndex('torchvision', { index: index.url, out, snapshotDate: '2026-01-15' });
    const cu = await startIndex({ packages: { torchvision: [
      { version: '0.17.0+cu121', requires_dist: ['numpy', 'torch==2.2.0+cu121'], files: ['torchvision-0.17.0+cu121-cp311-cp311-linux_x86_64.whl'] },
    ] } });
    try {
      await updateFromIndex('torchvision', { index: cu.url, out, snapshotDate: '2026-01-15' });
      const r = readPackage(out, 'torchvision')!.releases[0];
      assert.deepEqual(r.versions, ['0.17.0']);
      assert.deepEqual(r.variants, { cu121: `${cu.url}` });
      assert.deepEqual(r.requires_dist, ['numpy', 'torch==2.2.0', 'pillow!=8.3.*,>=5.3.0', 'scipy; extra == "scipy"'], 'the public metadata stays');
      assert.match(r.source, /\+cu121: index:/);
    } finally { await cu.close(); }
  });

  test('real pip installs from the loopback index (PEP 691 and 658 as pip reads them)', { timeout: 120000 }, async (t) => {
    const probe = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });
    if (probe.status !== 0) return t.skip('python3 -m pip is not available');
    const dep = await startIndex({ packages: {
      'demo-app': [{ version: '1.0.0', requires_dist: ['demo-lib>=2.0,<3'] }, { version: '1.1.0', requires_dist: ['demo-lib>=3'], yanked: 'bad' }],
      'demo-lib': [{ version: '2.5.0', requires_dist: [] }, { version: '3.0.0', requires_dist: [] }],
    } });
    try {
      const target = tmp();
      // Asynchronous: the index answers from this process.
      const r = await run('python3', ['-m', 'pip', 'install', '--isolated', '--disable-pip-version-check', '--no-cache-dir', '--index-url', dep.url, '--target', target, 'demo-app']);
      assert.equal(r.status, 0, r.output);
      const installed = readdirSync(target).filter((f) => f.endsWith('.dist-info')).sort();
      assert.deepEqual(installed, ['demo_app-1.0.0.dist-info', 'demo_lib-2.5.0.dist-info'], 'the yanked 1.1.0 is skipped and demo-lib follows 1.0.0\'s range');
      assert.ok(dep.requests.some((q) => q.path.endsWith('.whl.metadata') || q.path.endsWith('.whl')), JSON.stringify(dep.requests));
    } finally { await dep.close(); }
  });
});
