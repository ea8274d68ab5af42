// The snapshot's access API: release look-up, known / unknown / nonexistent, declared requirements under markers and
// extras, Pythons from wheels and Requires-Python; the lazy Node loader, the web loader's preload, and the check that
// curated rules name only releases that exist.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom } from '../../../src/core/engine/check';
import { curatedVersionProblems } from '../../../src/core/metadata/curated';
import { asyncMetadata } from '../../../src/core/metadata/loader';
import {
  declaredRequirements, pythonsOf, releaseOf, snapshotNote, versionStatus,
} from '../../../src/core/metadata/provider';
import { VersionSet } from '../../../src/core/pep440/intervals';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { defaultMetadataDir, NodeMetadata } from '../../../src/node/metadata';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'metadata');
const node = new NodeMetadata(FIXTURE);

describe('snapshot access', () => {
  test('release look-up and version status', () => {
    const tv = node.get('TorchVision')!;
    assert.equal(releaseOf(tv, '0.17.0')?.requires_dist?.includes('torch==2.2.0'), true);
    assert.equal(releaseOf(tv, '0.17.0+cu121')?.version, '0.17.0', 'a local build is its public release');
    assert.equal(versionStatus(tv, '0.17.0'), 'known');
    assert.equal(versionStatus(tv, '0.16.5'), 'nonexistent');
    assert.equal(versionStatus(tv, '0.20.0'), 'unknown');
    assert.equal(node.get('not-covered'), undefined);
    assert.equal(node.get('../snapshot'), undefined, 'only names the index lists are read');
  });

  test('declared requirements: markers and extras', () => {
    const pandas = releaseOf(node.get('pandas')!, '2.1.4')!;
    const at = (py: string) => declaredRequirements(pandas, { python_version: py })!.filter((r) => r.name === 'numpy').map((r) => r.specifier);
    assert.deepEqual(at('3.10'), ['>=1.22.4']);
    assert.deepEqual(at('3.12'), ['>=1.26.0']);
    assert.deepEqual(declaredRequirements(pandas, {})!.map((r) => r.name), ['python-dateutil', 'pytz', 'tzdata'], 'undecidable markers are left out');
    const diffusers = releaseOf(node.get('diffusers')!, '0.27.0')!;
    const torch = declaredRequirements(diffusers, {})!.filter((r) => r.name === 'torch');
    assert.deepEqual(torch.map((r) => [r.extra, r.specifier]), [['torch', '>=1.4']]);
    assert.deepEqual(declaredRequirements(diffusers, {}, new Set())!.filter((r) => r.extra), []);
    assert.equal(declaredRequirements({}, {}), undefined, 'absent means unknown');
  });

  test('Pythons a release installs on', () => {
    assert.deepEqual(pythonsOf(releaseOf(node.get('torch')!, '2.1.2')!), ['3.8', '3.9', '3.10', '3.11']);
    assert.deepEqual(pythonsOf(releaseOf(node.get('numpy')!, '2.1.0')!), ['3.10', '3.11', '3.12', '3.13']);
    assert.deepEqual(pythonsOf({ requires_python: '>=3.11', wheels: { python: ['3.11'], abi3: true } }), ['3.11', '3.12', '3.13', '3.14', '3.15']);
    assert.deepEqual(pythonsOf({ requires_python: '>=3.12', wheels: { python: [], pure: true } }), ['3.12', '3.13', '3.14', '3.15']);
    assert.equal(pythonsOf({}), undefined);
  });

  test('the hover note: a pin newer than the snapshot', () => {
    assert.match(snapshotNote(node, 'torchvision', VersionSet.fromSpecifierSet('==0.20.0'))!, /newer than the knowledge snapshot \(2026-01-15\).*0\.17\.2/);
    assert.equal(snapshotNote(node, 'torchvision', VersionSet.fromSpecifierSet('==0.17.0')), undefined);
    assert.equal(snapshotNote(node, 'torchvision', VersionSet.fromSpecifierSet('>=0.17')), undefined, 'partly known');
  });

  test('the Node loader reads nothing until asked, then one file per package', () => {
    const fresh = new NodeMetadata(FIXTURE);
    assert.equal((fresh as unknown as { cache: Map<string, unknown> }).cache.size, 0);
    fresh.get('numpy');
    assert.deepEqual([...(fresh as unknown as { cache: Map<string, unknown> }).cache.keys()], ['numpy']);
    assert.equal(new NodeMetadata('/nonexistent/metadata').get('numpy'), undefined);
    assert.ok(defaultMetadataDir().endsWith('metadata'));
  });

  test('the web loader preloads what a check names and what that declares; the engine then agrees with the Node loader', async () => {
    const reads: string[] = [];
    const web = asyncMetadata(async (p) => { reads.push(p); return readFile(join(FIXTURE, p), 'utf8').catch(() => undefined); });
    await web.preload!(['torchvision']);
    assert.equal(web.get('torch')?.name, 'torch');
    assert.equal(web.get('numpy')?.name, 'numpy');
    assert.equal(web.get('pandas'), undefined, 'not named, not loaded');
    assert.ok(!reads.includes('packages/requests.json'), 'names the index does not list are not fetched');
    const files = [{ path: '/p/requirements.txt', text: 'torch==2.1.0\ntorchvision==0.17.0\npandas==2.1.4\n' }];
    const codes = async (k: ReturnType<typeof knowledgeFrom>) => (await checkProject({ files, knowledge: k })).files.flatMap((f) => f.findings.map((x) => `${x.code} ${x.severity}`)).sort();
    const viaWeb = await codes(knowledgeFrom(bundledFamilies, asyncMetadata(async (p) => readFile(join(FIXTURE, p), 'utf8').catch(() => undefined))));
    const viaNode = await codes(knowledgeFrom(bundledFamilies, new NodeMetadata(FIXTURE)));
    assert.deepEqual(viaWeb, viaNode);
    assert.ok(viaNode.includes('numpy2-abi-pandas error') && viaNode.includes('torchvision-torch-mismatch error'), JSON.stringify(viaNode));
  });
});

describe('curated rules name releases that exist', () => {
  test('the check finds a release the snapshot does not have', () => {
    const problems = curatedVersionProblems(bundledFamilies, node);
    // The fixture snapshot lists diffusers 0.27.0 only: the curated rules name 0.24.0 as the last release importing
    // HfFolder eagerly, and 0.4.0 as the first.
    assert.ok(problems.some((p) => p.code === 'hf-hub1-hffolder-diffusers' && p.version === '0.24.0' && p.where === 'when.diffusers.last'), JSON.stringify(problems));
    assert.ok(problems.some((p) => p.version === '0.4.0'));
    assert.ok(problems.every((p) => node.get(p.package)));
  });

  test('against the shipped snapshot, every named release exists', () => {
    const shipped = new NodeMetadata(join(__dirname, '..', '..', '..', 'metadata'));
    assert.deepEqual(curatedVersionProblems(bundledFamilies, shipped), []);
  });
});

describe('bad package files', () => {
  test('a malformed or hand-broken file is treated as absent, never as a fact', async () => {
    const { validPackage, memoryProvider } = await import('../../../src/core/metadata/provider');
    const good = node.get('numpy')!;
    assert.ok(validPackage(good, 'numpy'));
    const broken = [
      { ...good, complete_through: 'latest' },
      { ...good, releases: [{ versions: ['not a version'], source: 'x' }] },
      { ...good, releases: [{ versions: ['1.0'], requires_dist: 'numpy>=1', source: 'x' }] },
      { ...good, releases: [{ versions: [], source: 'x' }] },
      { ...good, name: 'other' },
      null, 'text', { format: 2 },
    ];
    for (const b of broken) assert.equal(validPackage(b, 'numpy'), false, JSON.stringify(b)?.slice(0, 80));
    const web = asyncMetadata(async (p) => (p === 'snapshot.json' ? '{"format":1,"snapshot_date":"2026-01-15","packages":{"numpy":{}}}' : '{"format":1,"name":"numpy","complete_through":"2.0","releases":[{"versions":["x"],"source":"s"}]}'));
    await web.preload!(['numpy']);
    assert.equal(web.get('numpy'), undefined);
    assert.equal(memoryProvider([]).get('numpy'), undefined);
  });
});
