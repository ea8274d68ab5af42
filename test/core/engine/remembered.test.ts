// What checks remember from one another (src/core/engine/rules/sets.ts: applicable rows per Pythons and extras asked
// for, install entries per extras; requires' cells; the resolution memo) never carries one environment's answer into
// another's: the same knowledge and hooks check edit after edit, as the language server does, and each check says
// what a check made afresh says.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom, type CheckInput } from '../../../src/core/engine/check';
import type { CheckSettings } from '../../../src/core/engine/config';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { NodeMetadata } from '../../../src/node/metadata';

const metadata = new NodeMetadata(join(import.meta.dirname, '..', '..', '..', 'metadata'));
const source = (n: string) => metadata.get(n);

/** A checker that keeps its knowledge and resolution memo between checks, as the server's basis does. */
function checker() {
  const knowledge = knowledgeFrom(bundledFamilies, metadata);
  const { resolution: _, ...hooks } = declaredMetadataHooks(source);
  return async (files: Record<string, string>, settings: CheckSettings = {}) => {
    const input: CheckInput = { ...hooks, knowledge, settings, files: Object.entries(files).map(([path, text]) => ({ path, text })),
      readFile: async (path) => files[path] };
    const result = await checkProject(input);
    return Object.fromEntries(result.files.map((f) => [f.path, f.findings.map((x) => `${x.range.start.line + 1} ${x.severity} ${x.code}: ${x.message}`)]));
  };
}

const codes = (report: Record<string, string[]>, path: string) => (report[path] ?? []).map((l) => l.split(':')[0]);

describe('checks that remember never answer for another environment', () => {
  test('rows for an extra: asked for, then not, then again', async () => {
    const check = checker();
    const withExtra = { '/p/requirements.txt': 'diffusers[torch]==0.31.0\ntorch==2.6.0\n' };
    const without = { '/p/requirements.txt': 'diffusers==0.31.0\ntorch==2.6.0\n' };
    const first = await check(withExtra);
    assert.ok(codes(first, '/p/requirements.txt').some((c) => c.includes('diffusers-torch-extra')), JSON.stringify(first));
    assert.deepEqual(await check(without), await checker()(without));
    assert.ok(!codes(await check(without), '/p/requirements.txt').some((c) => c.includes('diffusers-torch-extra')));
    assert.deepEqual(await check(withExtra), first);
  });

  test('rows for a Python: the target Python changes, and back', async () => {
    const check = checker();
    const files = { '/p/requirements.txt': 'pandas==2.1.1\nnumpy==1.22.4\n' };
    const on311 = await check(files, { targetPython: '3.11' });
    assert.ok(codes(on311, '/p/requirements.txt').some((c) => c.includes('pandas-installs-numpy')), JSON.stringify(on311));
    const on310 = await check(files, { targetPython: '3.10' });
    assert.deepEqual(on310, await checker()(files, { targetPython: '3.10' }));
    assert.ok(!codes(on310, '/p/requirements.txt').some((c) => c.includes('pandas-installs-numpy')));
    assert.deepEqual(await check(files, { targetPython: '3.11' }), on311);
  });

  test('an edit to a pin in one file changes the findings of the other files in its environment', async () => {
    const check = checker();
    const project = (torch: string) => ({ '/p/requirements.txt': '-r base.txt\ntorchvision==0.17.0\n', '/p/base.txt': `numpy<2\ntorch==${torch}\n` });
    const matched = await check(project('2.2.0'));
    assert.ok(!codes(matched, '/p/requirements.txt').some((c) => c.includes('torchvision-torch-mismatch')), JSON.stringify(matched));
    const edited = await check(project('2.3.0'));
    assert.ok(codes(edited, '/p/requirements.txt').some((c) => c.includes('torchvision-torch-mismatch')), JSON.stringify(edited));
    assert.deepEqual(edited, await checker()(project('2.3.0')));
    assert.deepEqual(await check(project('2.2.0')), matched);
  });
});
