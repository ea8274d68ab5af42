// A package that only another one installs brings its rules, judged with pip's resolution as the CLI and the server
// judge it: realesrgan and gfpgan require basicsr>=1.4.2 (the snapshot, from their tags), whose import breaks with
// torchvision 0.17 and later (basicsr-functional-tensor).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editsToApply, fixProject } from '../../../src/core/engine/apply';
import { checkProject } from '../../../src/core/engine/check';
import type { Finding, Fix } from '../../../src/core/types';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import { knowledge, toInput } from './helpers';

async function findings(requirements: string) {
  const result = await checkProject({ ...toInput({ 'requirements.txt': requirements }), ...declaredMetadataHooks((name) => knowledge.metadata!.get(name)) });
  return result.files.flatMap((f) => f.findings);
}

test('realesrgan alone: the break of the basicsr it installs is an error at its pin, with the torchvision cap as the fix', async () => {
  const all = await findings('realesrgan==0.3.0\n');
  const f = all.find((x) => x.code === 'basicsr-functional-tensor');
  assert.ok(f, JSON.stringify(all.map((x) => x.code)));
  assert.equal(f.severity, 'error');
  assert.equal(f.range.start.line, 0);
  assert.match(f.message, /^basicsr \(not pinned; installed by realesrgan\) allows basicsr 1\.4\.2/);
  assert.deepEqual(f.fixes.map((x) => x.title), ['Keep torchvision below 0.17.0']);
  // basicsr 1.0.x-1.1.x installed matplotlib; the 1.4.2 that realesrgan 0.3.0 requires does not.
  assert.ok(!all.some((x) => x.code === 'numpy2-abi-matplotlib'), 'matplotlib is not installed here');
});

test('gfpgan with torch 2.2.0: the break is said, and no torchvision cap is offered (it would need torch below 2.2)', async () => {
  const all = await findings('gfpgan==1.3.8\ntorch==2.2.0\nnumpy<2\n');
  const f = all.find((x) => x.code === 'basicsr-functional-tensor');
  assert.ok(f);
  assert.equal(f.severity, 'error');
  assert.deepEqual(f.fixes, []);
});

test('basicsr with a torch range that reaches below 2.2: the cap is offered; basicsr 1.3.5 (the import in a module not loaded) is quiet', async () => {
  const f = (await findings('basicsr==1.4.2\ntorch>=2.0\nnumpy<2\n')).find((x) => x.code === 'basicsr-functional-tensor');
  assert.deepEqual(f?.fixes.map((x) => x.title), ['Keep torchvision below 0.17.0']);
  assert.ok(!(await findings('gfpgan==1.3.4\nbasicsr==1.3.5\ntorchvision==0.17.0\n')).some((x) => x.code === 'basicsr-functional-tensor'));
});

test('ml-pins fix: the torchvision cap waits for a round of its own, so a torch raised beside it withholds it (no torchvision<0.17 next to torch>=2.4.1)', async () => {
  const list = 'basicsr>=1.4.2\nfacexlib>=0.2.5\ngfpgan>=1.3.5\nnumpy\nopencv-python\nPillow\ntorch>=1.7\ntorchvision\ntqdm\n';
  const hooks = declaredMetadataHooks((name) => knowledge.metadata!.get(name));
  const { changed, result } = await fixProject({ ...toInput({ 'requirements.txt': list }), ...hooks });
  const text = changed.get('/project/requirements.txt')!;
  assert.match(text, /^torch>=2\.4\.1$/m); // numpy2-abi-torch's fix
  assert.match(text, /^torchvision$/m, text); // not capped: torchvision 0.16.x requires torch 2.1.x
  const left = result.files.flatMap((f) => f.findings).filter((f) => f.code === 'basicsr-functional-tensor');
  assert.equal(left.length, 1);
  assert.deepEqual(left[0].fixes, []);
  // Alone, the cap is applied and mends it.
  const alone = await fixProject({ ...toInput({ 'requirements.txt': 'basicsr==1.4.2\ntorch>=2.0\nnumpy<2\n' }), ...hooks });
  assert.equal(alone.changed.get('/project/requirements.txt'), 'basicsr==1.4.2\ntorchvision<0.17.0\ntorch>=2.0\nnumpy<2\n');
  assert.ok(!alone.result.files.some((f) => f.findings.some((x) => x.code === 'basicsr-functional-tensor')));
});

test('editsToApply: a fix that reads other pins is applied only when no other fix is left', () => {
  const edit = (line: number, newText: string) => ({ path: '/p/r.txt', range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText });
  const finding = (fix: Fix) => ({ path: '/p/r.txt', finding: { code: 'x', severity: 'error', message: '', packages: [], range: edit(0, '').range, fixes: [fix] } as Finding });
  const reads: Fix = { title: 'cap', applicability: 'safe', edits: [edit(1, 'torchvision<0.17.0\n')], readsOtherPins: true };
  const raise: Fix = { title: 'raise', applicability: 'safe', edits: [edit(5, 'torch>=2.4.1\n')] };
  assert.deepEqual([...editsToApply([finding(reads), finding(raise)]).values()].flat().map((e) => e.newText), ['torch>=2.4.1\n']);
  assert.deepEqual([...editsToApply([finding(reads)]).values()].flat().map((e) => e.newText), ['torchvision<0.17.0\n']);
});
