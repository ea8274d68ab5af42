// The CLI on declared ranges: a TensorFlow pin that declares numpy below 2 next to a numpy 2 pin is the declared-range
// conflict (pip refuses the pair), not an ABI break pip would never install; and a range declared for some Pythons
// only is read over the Pythons the project's pins can run on when the project names none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

function checkJson(files: Record<string, string>, flags: string[] = []): { code: string; severity: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-declared-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'check', dir, '--format', 'json', ...flags],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout).files.flatMap((f: { findings: { code: string; severity: string }[] }) => f.findings);
}

test('ml-pins check: tensorflow 2.17.0 with numpy 2 is the tensorflow-numpy-range error alone', () => {
  const found = checkJson({ 'requirements.txt': 'tensorflow==2.17.0\nnumpy>=2.0\n' });
  assert.deepEqual(found.map((f) => `${f.code} ${f.severity}`), ['tensorflow-numpy-range error']);
});

test('ml-pins check: tensorflow 2.14.0 declares no numpy cap, so numpy 2 next to it is still an ABI break', () => {
  const found = checkJson({ 'requirements.txt': 'tensorflow==2.14.0\nnumpy>=2.0\n' });
  assert.deepEqual(found.map((f) => `${f.code} ${f.severity}`), ['numpy2-abi-tensorflow warning']);
});

test('ml-pins check: opencv-python 4.12.0.88 with numpy 1.26.4 and no Python named: numpy 1.26.4 needs Python 3.9+, where 4.12.0.88 declares numpy>=2,<2.3.0', () => {
  const found = checkJson({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==1.26.4\n' });
  assert.deepEqual(found.map((f) => `${f.code} ${f.severity}`), ['opencv-python-installs-numpy error']);
  // numpy 1.24.4 also installs on Python 3.8, where 4.12.0.88 declares numpy<2.0: no finding.
  assert.deepEqual(checkJson({ 'requirements.txt': 'opencv-python==4.12.0.88\nnumpy==1.24.4\n' }), []);
});

test('ml-pins check: openai-whisper 20230314 pins tiktoken 0.3.1 and, on x86-64 Linux, triton 2.0.0; optimum 1.19.2 caps transformers', () => {
  const codes = (text: string) => checkJson({ 'requirements.txt': text }).map((f) => `${f.code} ${f.severity}`);
  assert.deepEqual(codes('openai-whisper==20230314\ntiktoken==0.5.1\n'), ['declared-requirement error']);
  // Said at both pins, in pip's words: the triton pin is the reason, though the snapshot lists no triton 2.x.
  const triton = checkJson({ 'requirements.txt': 'openai-whisper==20230314\ntriton==2.1.0\n' }) as unknown as { code: string; message: string }[];
  assert.deepEqual(triton.map((f) => f.code), ['resolution-conflict', 'resolution-conflict']);
  assert.match(triton[0].message, /depends on triton==2\.0\.0 and you require triton==2\.1\.0/);
  // The requirement's marker names x86-64 Linux: on Windows and macOS pip installs the pair.
  for (const platform of ['windows', 'macos']) assert.deepEqual(checkJson({ 'requirements.txt': 'openai-whisper==20230314\ntriton==2.1.0\n' }, ['--platform', platform]), [], platform);
  // 20231117 allows triton 2.x: no conflict with triton 2.1.0.
  assert.deepEqual(codes('openai-whisper==20231117\ntriton==2.1.0\n'), []);
  assert.deepEqual(codes('optimum==1.19.2\ntransformers==4.41.0\n'), ['declared-requirement error']);
  // deepspeed 0.9.1-0.11.1 declare pydantic<2.0.0 (the lines of their requirements.txt; the rest of what they
  // declare is decided where they are installed), 0.15.0 and later pydantic>=2.0.0; trl 0.12.0 transformers>=4.46.0.
  assert.deepEqual(codes('deepspeed==0.9.5\npydantic==2.5.0\n'), ['declared-requirement error']);
  assert.deepEqual(codes('deepspeed==0.15.0\npydantic==1.10.13\n'), ['declared-requirement error']);
  assert.deepEqual(codes('trl==0.12.0\ntransformers==4.45.0\n'), ['declared-requirement error']);
  // tensorflow-text pins a TensorFlow series. The snapshot lists TensorFlow's releases in part, so the derivation,
  // which leaves unknown releases out, cannot show it; pip's own causes do: no TensorFlow is both <2.16 and >=2.16.
  assert.deepEqual(codes('tensorflow-text==2.15.0\ntensorflow>=2.16\n'), ['resolution-conflict error', 'resolution-conflict error']);
  assert.deepEqual(codes('tensorflow-text==2.12.0\ntensorflow==2.13.0\n'), ['resolution-conflict error', 'resolution-conflict error']);
  assert.deepEqual(codes('tensorflow-text==2.15.0\ntensorflow>=2.15\n').filter((c) => !c.endsWith(' information')), []);
  // fastapi 0.84.0-0.99.1 cap pydantic below 2, and each release pins a starlette series.
  assert.deepEqual(codes('fastapi==0.95.0\npydantic==2.5.0\n'), ['declared-requirement error']);
  assert.deepEqual(codes('fastapi==0.110.0\nstarlette==0.38.0\n'), ['declared-requirement error']);
  assert.deepEqual(codes('fastapi>=0.95\npydantic==2.5.0\n'), []);
  // albumentations pins its albucore exactly (2.0.6-2.0.8: 0.0.24) and needs pydantic 2.
  assert.deepEqual(codes('albumentations==2.0.8\nalbucore==0.0.20\n'), ['declared-requirement error']);
  assert.deepEqual(codes('albumentations==1.4.10\npydantic==1.10.13\n'), ['declared-requirement error']);
  // Two releases' requirements that exclude each other (gradio 4.0.0 needs pydantic>=2.0): pip's causes prove it, and
  // the rule that says it at gradio's pin says it once, with the conflict's upgrade.
  const pair = checkJson({ 'requirements.txt': 'fastapi==0.99.0\ngradio==4.0.0\n' }) as unknown as { code: string; fixes: { title: string }[] }[];
  assert.deepEqual(pair.map((f) => f.code), ['declared-requirement']);
  assert.match(pair[0].fixes.map((f) => f.title).join(' | '), /Upgrade fastapi and gradio/);
  // Flask 1.1.3-1.1.4 cap Jinja2, itsdangerous and Werkzeug below their 2.0/3.0 (the curated flask rules leave those
  // releases to the declared ranges); Flask 3.0 needs Werkzeug 3.
  assert.deepEqual(codes('flask==1.1.4\njinja2==3.0.0\nmarkupsafe<2.1\n'), ['declared-requirement error']);
  assert.deepEqual(codes('flask==1.1.4\nitsdangerous==2.0.1\nmarkupsafe<2.1\n'), ['declared-requirement error']);
  assert.deepEqual(codes('flask==3.0.0\nwerkzeug==2.3.8\n'), ['declared-requirement error']);
  assert.deepEqual(codes('flask==1.1.4\nmarkupsafe<2.1\n'), []);
  // A floor lets pip take a release without the cap (1.23.0 and later): no finding.
  assert.deepEqual(codes('optimum>=1.19\ntransformers==4.45.0\n'), []);
});
