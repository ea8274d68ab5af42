// A package that only another one installs brings its rules, judged with pip's resolution as the CLI and the server
// judge it: realesrgan and gfpgan require basicsr>=1.4.2 (the snapshot, from their tags), whose import breaks with
// torchvision 0.17 and later (basicsr-functional-tensor).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProject } from '../../../src/core/engine/check';
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
