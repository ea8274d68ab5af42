// The extras a manifest asks for bring what the shipped snapshot says they declare (Requires-Dist lines with
// `extra == "…"`, as the published METADATA writes them): their requirements are checked against the pins, and the
// packages they install are present for the other rules. Without the extra, neither. Real manifest text, the real
// parsers and engine, the metadata/ folder that ships.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, findings } from '../engine/helpers';

type Result = Awaited<ReturnType<typeof check>>;
const codes = (r: Result) => findings(r).map((f) => f.code);

describe('extras bring their declared requirements', () => {
  test('jax[cuda12]==0.4.30 declares jaxlib==0.4.30 (its base allows 0.4.27 to 0.4.30): jaxlib 0.4.29 is reported only with the extra', async () => {
    const r = await check({ 'requirements.txt': 'jax[cuda12]==0.4.30\njaxlib==0.4.29\n' });
    const f = findings(r).find((x) => x.code === 'jaxlib-jax-mismatch');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.equal(f.severity, 'error');
    assert.match(f.message, /jax\[cuda12\]==0\.4\.30 needs jaxlib 0\.4\.30/);
    assert.ok(f.sources?.some((s) => s.startsWith('metadata/packages/jax.json')), JSON.stringify(f.sources));
    assert.deepEqual(codes(await check({ 'requirements.txt': 'jax==0.4.30\njaxlib==0.4.29\n' })), []);
    // The same through a pyproject's dependencies.
    const py = await check({ 'pyproject.toml': '[project]\nname = "app"\nversion = "1"\ndependencies = ["jax[cuda12]==0.4.30", "jaxlib==0.4.29"]\n' });
    assert.ok(codes(py).includes('jaxlib-jax-mismatch'), JSON.stringify(codes(py)));
  });

  test('datasets[audio]==2.14.0 declares soundfile>=0.12.1: soundfile 0.10.3 is reported only with the extra', async () => {
    const r = await check({ 'requirements.txt': 'datasets[audio]==2.14.0\nsoundfile==0.10.3\n' });
    const f = findings(r).find((x) => x.code === 'declared-requirement');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.match(f.message, /datasets\[audio\]==2\.14\.0 declares soundfile 0\.12\.1 and later \(Requires-Dist\)/);
    assert.deepEqual(codes(await check({ 'requirements.txt': 'datasets==2.14.0\nsoundfile==0.10.3\n' })), []);
    assert.deepEqual(codes(await check({ 'requirements.txt': 'datasets[audio]==2.14.0\nsoundfile==0.12.1\n' })), []);
  });

  test('an extra installs what it declares: huggingface-hub[tensorflow] brings TensorFlow, whose 2.16 makes Keras 3 the default', async () => {
    const r = await check({ 'requirements.txt': 'huggingface-hub[tensorflow]==0.20.3\nkeras==2.15.0\n' });
    const f = findings(r).find((x) => x.code === 'tf216-keras3');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.match(f.message, /tensorflow \(not pinned; installed by huggingface_hub\[tensorflow\]\)/);
    // A TensorFlow pin below 2.16 keeps Keras 2: silent (setuptools kept below 82: the tensorboard 2.15 it installs
    // imports pkg_resources, another finding). And without the extra nothing installs TensorFlow.
    assert.deepEqual(codes(await check({ 'requirements.txt': 'huggingface-hub[tensorflow]==0.20.3\nkeras==2.15.0\ntensorflow==2.15.1\nsetuptools<82\n' })), []);
    assert.deepEqual(codes(await check({ 'requirements.txt': 'huggingface-hub==0.20.3\nkeras==2.15.0\n' })), []);
  });

  test('the range an extra declares narrows what it installs: safetensors[tensorflow]==0.4.5 declares tensorflow>=2.11.0', async () => {
    const r = await check({ 'requirements.txt': 'safetensors[tensorflow]==0.4.5\nkeras==2.15.0\n' });
    assert.ok(codes(r).includes('tf216-keras3'), JSON.stringify(codes(r)));
    // A constraint file below the declared range contradicts the extra.
    const c = await check({ 'requirements.txt': '-c constraints.txt\nsafetensors[tensorflow]==0.4.5\n', 'constraints.txt': 'tensorflow==2.10.1\n' });
    assert.ok(codes(c).some((x) => x === 'declared-requirement' || x === 'resolution-conflict'), JSON.stringify(codes(c)));
  });
});
