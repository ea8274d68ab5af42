// Yanked releases leave the rules' version sets (PEP 592): pip passes over a yanked release for a range, and takes it
// only for an exact pin that names it (the yanked-release finding speaks for that pin). Real manifests through the
// engine, with the shipped rules and snapshot; the yank is mostly laid over the snapshot's own entry for a release, so
// that the cases do not depend on which releases the shipped snapshot lists as yanked (tensorflow 2.16.0, last).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom } from '../../../src/core/engine/check';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import type { MetadataProvider } from '../../../src/core/metadata/provider';
import type { PackageMetadata } from '../../../src/core/metadata/types';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { NodeMetadata } from '../../../src/node/metadata';

const shipped = new NodeMetadata(join(__dirname, '..', '..', '..', 'metadata'));

/** The shipped snapshot with `version` of `pkg` yanked (its entry split so that its neighbours stay as they are). */
function withYank(pkg: string, version: string, reason: string): MetadataProvider {
  return {
    get snapshotDate() { return shipped.snapshotDate; },
    get(name) {
      const p = shipped.get(name);
      if (!p || name !== pkg) return p;
      assert.ok(p.releases.some((e) => e.versions.includes(version)), `${pkg} ${version} is in the snapshot`);
      const releases = p.releases.flatMap((e) => (e.versions.includes(version)
        ? e.versions.map((v) => ({ ...e, versions: [v], ...(v === version ? { yanked: reason } : {}) }))
        : [e]));
      return { ...p, releases } satisfies PackageMetadata;
    },
  };
}

async function codes(metadata: MetadataProvider, requirements: string, platform?: 'windows'): Promise<string[]> {
  const result = await checkProject({
    files: [{ path: '/project/requirements.txt', text: requirements }],
    readFile: async () => undefined,
    knowledge: knowledgeFrom(bundledFamilies, metadata),
    ...(platform ? { settings: { platform } } : {}),
    ...declaredMetadataHooks((name) => metadata.get(name)),
  });
  return result.files.flatMap((f) => f.findings.map((x) => `${x.code} ${x.severity}`)).sort();
}

describe('yanked releases leave the version sets', () => {
  // torch 2.4.0's Windows wheels break with numpy 2 (numpy2-abi-torch-windows names exactly that release).
  const yanked = withYank('torch', '2.4.0', 'test: a broken upload');

  test('a range whose only breaking release is yanked says nothing; with the release not yanked it warns', async () => {
    assert.deepEqual(await codes(shipped, 'torch>=2.4,<2.5\nnumpy>=2\n', 'windows'), ['numpy2-abi-torch-windows warning']);
    assert.deepEqual(await codes(yanked, 'torch>=2.4,<2.5\nnumpy>=2\n', 'windows'), []);
  });

  test('an exact pin of the yanked release keeps it: the break and the yank are both reported', async () => {
    assert.deepEqual(await codes(yanked, 'torch==2.4.0\nnumpy>=2\n', 'windows'), ['numpy2-abi-torch-windows error', 'yanked-release warning']);
    assert.deepEqual(await codes(yanked, 'torch===2.4.0\nnumpy>=2\n', 'windows'), ['numpy2-abi-torch-windows error', 'yanked-release warning']);
  });

  test('a range that allows the yanked release only is still judged on what it allows; pip finds nothing for it', async () => {
    assert.deepEqual(await codes(yanked, 'torch>=2.4.0,<=2.4.0\nnumpy>=2\n', 'windows'), ['numpy2-abi-torch-windows error', 'resolution-conflict error']);
  });

  test('a pin under a marker is read as the whole set is: the yanked release is passed over there too', async () => {
    const text = 'torch>=2.4,<2.5; python_version >= "3.10"\ntorch>=2.5; python_version < "3.10"\nnumpy>=2\n';
    assert.deepEqual(await codes(shipped, text, 'windows'), ['numpy2-abi-torch-windows warning']);
    assert.deepEqual(await codes(yanked, text, 'windows'), []);
  });

  test('a yanked release that breaks nothing changes nothing', async () => {
    const other = withYank('torch', '2.4.1', 'test: a broken upload');
    assert.deepEqual(await codes(other, 'torch>=2.4,<2.5\nnumpy>=2\n', 'windows'), ['numpy2-abi-torch-windows warning']);
  });
  test('the shipped snapshot: tensorflow 2.16.0 is yanked (reason not known), passed over by a range, judged when pinned', async () => {
    assert.deepEqual(await codes(shipped, 'tensorflow>=2.16\nnumpy>=1.26\n'), []);
    const result = await checkProject({
      files: [{ path: '/project/requirements.txt', text: 'tensorflow==2.16.0\nnumpy>=2\n' }], readFile: async () => undefined,
      knowledge: knowledgeFrom(bundledFamilies, shipped), ...declaredMetadataHooks((name) => shipped.get(name)),
    });
    const found = result.files.flatMap((f) => f.findings);
    assert.deepEqual(found.map((f) => `${f.code} ${f.severity}`).sort(), ['numpy2-abi-tensorflow warning', 'yanked-release warning']);
    assert.match(found.find((f) => f.code === 'yanked-release')!.message, /^tensorflow 2\.16\.0 was yanked from the index \(its reason is not recorded in the metadata snapshot\)\./);
  });
});
