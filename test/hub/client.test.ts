// The Hub client against a loopback Hub (fake-hub.ts): real @huggingface/hub calls over real HTTP, no network.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  getModelInfo,
  HubClientError,
  isValidRepoId,
  readModelLibraryVersion,
  resolveModelAlias,
  searchModels,
  selectPipelineFiles,
} from '../../src/hub/client';
import { MODEL_ALIASES } from '../../src/hub/aliases';
import { diffusersRepo, EXPECTED_SD_FILES, startFakeHub, transformersRepo, type FakeHub, type FakeRepo } from './fake-hub';

const TOKEN = 'hf_testTokenForTheClient0123456789';
const tinySd = diffusersRepo('test-org/tiny-sd', '0.29.0', { downloads: 500, likes: 7 });
const gatedSd = diffusersRepo('test-org/gated-sd', '0.30.2', { gated: 'manual', downloads: 300, license: 'other' });
const otherSd = diffusersRepo('other-org/sd-variant', '0.27.0', { downloads: 900 });
const tinyGpt = transformersRepo('test-org/tiny-gpt', '4.41.2', { downloads: 1000 });
const bare: FakeRepo = { id: 'test-org/bare', files: { 'README.md': '# nothing here\n' } };

let hub: FakeHub;
before(async () => {
  hub = await startFakeHub({ repos: [tinySd, gatedSd, otherSd, tinyGpt, bare], validToken: TOKEN });
});
after(async () => {
  await hub.close();
});

async function rejectsWith(promise: Promise<unknown>, kind: HubClientError['kind'], status?: number): Promise<HubClientError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HubClientError, `expected HubClientError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    if (status !== undefined) assert.equal(err.status, status);
    return err;
  }
  assert.fail(`expected a ${kind} error`);
}

test('searchModels filters by query and library, keeps owner/name ids, sorts by downloads, honours limit', async () => {
  const diffusers = await searchModels('sd', { library: 'diffusers', hubUrl: hub.url });
  assert.deepEqual(
    diffusers.map((m) => m.id),
    ['other-org/sd-variant', 'test-org/tiny-sd', 'test-org/gated-sd'],
  );
  const gated = diffusers.find((m) => m.id === 'test-org/gated-sd');
  assert.deepEqual(gated, { id: 'test-org/gated-sd', downloads: 300, likes: 0, gated: true, task: 'text-to-image', license: 'other' });
  assert.equal(diffusers.find((m) => m.id === 'test-org/tiny-sd')?.gated, false);
  assert.equal(diffusers.find((m) => m.id === 'test-org/tiny-sd')?.license, 'openrail');

  const last = hub.requests.filter((r) => r.path.startsWith('/api/models?')).at(-1);
  assert.ok(last && new URL(last.path, hub.url).searchParams.getAll('filter').includes('diffusers'));

  const limited = await searchModels('test-org', { hubUrl: hub.url, limit: 2 });
  assert.deepEqual(limited.map((m) => m.id), ['test-org/tiny-gpt', 'test-org/tiny-sd']);
  assert.deepEqual(await searchModels('no-such-thing', { hubUrl: hub.url }), []);
});

test('getModelInfo returns metadata, sizes, and the size of the files a pipeline download fetches', async () => {
  const info = await getModelInfo('test-org/tiny-sd', { hubUrl: hub.url });
  assert.equal(info.id, 'test-org/tiny-sd');
  assert.equal(info.gated, false);
  assert.equal(info.gatedMode, undefined);
  assert.equal(info.license, 'openrail');
  assert.equal(info.task, 'text-to-image');
  assert.equal(info.library, 'diffusers');
  assert.equal(info.siblings.length, Object.keys(tinySd.files).length);
  const size = (p: string) => Buffer.byteLength(tinySd.files[p]);
  assert.equal(info.siblings.find((s) => s.path === 'unet/diffusion_pytorch_model.bin')?.size, size('unet/diffusion_pytorch_model.bin'));
  const expected = EXPECTED_SD_FILES;
  assert.deepEqual(info.pipelineFiles, expected);
  assert.equal(info.variant, 'fp16');
  assert.equal(info.downloadSize, expected.reduce((sum, p) => sum + size(p), 0));

  const alias = await getModelInfo('tiny-gpt2', { hubUrl: hub.url }).catch((e: unknown) => e);
  assert.ok(alias instanceof HubClientError && alias.kind === 'not-found' && /sshleifer\/tiny-gpt2/.test(alias.message),
    'an alias is resolved to its repo id before the request');

  const text = await getModelInfo('test-org/tiny-gpt', { hubUrl: hub.url });
  assert.deepEqual(text.pipelineFiles, ['config.json', 'merges.txt', 'model.safetensors', 'tokenizer_config.json', 'vocab.json']);
  assert.equal(text.variant, null);
  assert.equal(text.library, 'transformers');
});

test('gated model: metadata is public, files need a token with access', async () => {
  const info = await getModelInfo('test-org/gated-sd', { hubUrl: hub.url });
  assert.equal(info.gated, true);
  assert.equal(info.gatedMode, 'manual');
  // Without access model_index.json cannot be read, so every component folder counts.
  assert.ok(info.pipelineFiles.includes('safety_checker/model.safetensors'));

  const noToken = await rejectsWith(readModelLibraryVersion('test-org/gated-sd', { hubUrl: hub.url }), 'gated', 401);
  assert.match(noToken.message, /token/);
  await rejectsWith(readModelLibraryVersion('test-org/gated-sd', { hubUrl: hub.url, accessToken: 'hf_notTheRightOne' }), 'gated', 403);
  assert.deepEqual(await readModelLibraryVersion('test-org/gated-sd', { hubUrl: hub.url, accessToken: TOKEN }), {
    library: 'diffusers',
    version: '0.30.2',
  });
  const withToken = await getModelInfo('test-org/gated-sd', { hubUrl: hub.url, accessToken: TOKEN });
  assert.ok(!withToken.pipelineFiles.includes('safety_checker/model.safetensors'));
  assert.ok(hub.requests.some((r) => r.authorized), 'the token travels as an Authorization header');
  // A token that @huggingface/hub refuses locally (no hf_ prefix) is an auth problem, not a crash.
  await rejectsWith(readModelLibraryVersion('test-org/gated-sd', { hubUrl: hub.url, accessToken: 'not-a-token' }), 'gated');
});

test('missing model: the HubApiError 404 becomes not-found', async () => {
  await rejectsWith(getModelInfo('test-org/does-not-exist', { hubUrl: hub.url }), 'not-found', 404);
  await rejectsWith(readModelLibraryVersion('test-org/does-not-exist', { hubUrl: hub.url }), 'not-found', 404);
  const before = hub.requests.length;
  await rejectsWith(getModelInfo('../etc/passwd', { hubUrl: hub.url }), 'not-found');
  assert.equal(hub.requests.length, before, 'an invalid id is rejected without a request');
});

test('readModelLibraryVersion reads _diffusers_version, then transformers_version, else null', async () => {
  assert.deepEqual(await readModelLibraryVersion('test-org/tiny-sd', { hubUrl: hub.url }), { library: 'diffusers', version: '0.29.0' });
  assert.deepEqual(await readModelLibraryVersion('other-org/sd-variant', { hubUrl: hub.url }), { library: 'diffusers', version: '0.27.0' });
  assert.deepEqual(await readModelLibraryVersion('test-org/tiny-gpt', { hubUrl: hub.url }), { library: 'transformers', version: '4.41.2' });
  assert.equal(await readModelLibraryVersion('test-org/bare', { hubUrl: hub.url }), null);
});

test('a Hub that never answers times out quickly; a caller abort is cancelled; a closed port is a network error', async () => {
  const hanging: Server = createServer(() => {
    /* never answers */
  });
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  try {
    let started = Date.now();
    await rejectsWith(searchModels('sd', { hubUrl: url, timeoutMs: 150 }), 'timeout');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);

    started = Date.now();
    await rejectsWith(getModelInfo('test-org/tiny-sd', { hubUrl: url, timeoutMs: 150 }), 'timeout');
    assert.ok(Date.now() - started < 2000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await rejectsWith(readModelLibraryVersion('test-org/tiny-sd', { hubUrl: url, signal: controller.signal }), 'cancelled');
    await rejectsWith(searchModels('sd', { hubUrl: url, signal: AbortSignal.abort() }), 'cancelled');
  } finally {
    hanging.closeAllConnections();
    await new Promise<void>((resolve) => hanging.close(() => resolve()));
  }
  await rejectsWith(searchModels('sd', { hubUrl: url, timeoutMs: 2000 }), 'network');
});

test('aliases and repo id validation', () => {
  assert.equal(resolveModelAlias('sdxl-1.0'), 'stabilityai/stable-diffusion-xl-base-1.0');
  assert.equal(resolveModelAlias('sd-1.5'), 'stable-diffusion-v1-5/stable-diffusion-v1-5');
  assert.equal(resolveModelAlias('toString'), undefined);
  assert.equal(resolveModelAlias('nope'), undefined);
  for (const id of Object.values(MODEL_ALIASES)) assert.ok(isValidRepoId(id), id);
  for (const ok of ['a/b', 'stabilityai/sdxl-turbo', 'Org_1/model.v2-fp16', '_a/b_', `a/${'x'.repeat(96)}`]) assert.ok(isValidRepoId(ok), ok);
  // huggingface_hub's validate_repo_id: each part starts and ends with a letter, digit or '_'.
  for (const bad of ['', 'a', 'a/b/c', '../x', 'a/..', '-a/b', 'a/.', 'a/-x', 'a/b.', 'a./b', 'a/b-', `a/${'x'.repeat(97)}`, 'a b/c', 'https://huggingface.co/a/b', 'a/b.git', 'a--b/c', `a/${'x'.repeat(100)}`]) {
    assert.ok(!isValidRepoId(bad), bad);
  }
});

test('selectPipelineFiles: sharded fp16, .bin-only folders, skipped folders', () => {
  const sel = selectPipelineFiles([
    'model_index.json',
    'unet/config.json',
    'unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors',
    'unet/diffusion_pytorch_model.fp16-00002-of-00002.safetensors',
    'unet/diffusion_pytorch_model.safetensors.index.fp16.json',
    'unet/diffusion_pytorch_model-00001-of-00002.safetensors',
    'text_encoder/config.json',
    'text_encoder/pytorch_model.bin',
    'text_encoder/flax_model.msgpack',
    'onnx/unet/model.onnx',
    'vae/diffusion_pytorch_model.ema.safetensors',
    'vae/diffusion_pytorch_model.bin',
  ]);
  assert.deepEqual(sel.files, [
    'model_index.json',
    'text_encoder/config.json',
    'text_encoder/pytorch_model.bin',
    'unet/config.json',
    'unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors',
    'unet/diffusion_pytorch_model.fp16-00002-of-00002.safetensors',
    'unet/diffusion_pytorch_model.safetensors.index.fp16.json',
    'vae/diffusion_pytorch_model.bin',
  ]);
  assert.equal(sel.variant, 'fp16');
  assert.equal(sel.kind, 'diffusers');
});
