// Releases whose metadata declares a requirement PEP 508 rejects (`torch (>=1.7.*)`), which pip 24.1 and later ignore,
// pinned or not: read from the bundled snapshot's `requires_dist_invalid` (pytorch-lightning 1.5.4-1.8.3.post2 and
// omegaconf 2.0.1-2.1.0, from their sources at their tags), said at a pin that allows nothing else
// (src/core/engine/invalid-metadata.ts), and passed over by the resolver, whose conflict then says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProject } from '../../../src/core/engine/check';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import type { Finding } from '../../../src/core/types';
import { knowledge, messageProblems, toInput } from './helpers';

/** The findings of one file, checked as the CLI and the editor check it: resolved over the snapshot. */
async function findings(files: Record<string, string>, path = Object.keys(files)[0]): Promise<Finding[]> {
  const result = await checkProject({ ...toInput(files), ...declaredMetadataHooks((name) => knowledge.metadata!.get(name)) });
  const found = result.files.find((f) => f.path.endsWith(`/${path}`))?.findings ?? [];
  for (const f of found) assert.deepEqual(messageProblems(f), [], f.message);
  return found;
}

test('pytorch-lightning==1.7.7: an error at the pin, quoting the requirement pip refuses, and no second finding there', async () => {
  const found = await findings({ 'requirements.txt': 'torch==1.12.1\npytorch-lightning==1.7.7\n' });
  const invalid = found.filter((f) => f.code === 'invalid-metadata');
  assert.equal(invalid.length, 1);
  assert.equal(invalid[0].severity, 'error');
  assert.equal(invalid[0].range.start.line, 1);
  assert.match(invalid[0].message, /pytorch-lightning 1\.7\.7 declares "torch>=1\.9\.\*, <1\.13\.0".*pip ignores it \("has invalid metadata"\)/);
  assert.match(invalid[0].message, /pytorch-lightning 1\.8\.4 is the next release with valid metadata/);
  // The nearest release with valid metadata comes first; the resolution's upgrade moves further (a new major version),
  // and neither is applied unasked.
  assert.equal(invalid[0].fixes[0].title, 'Pin pytorch-lightning==1.8.4 (its metadata is valid)');
  assert.deepEqual(invalid[0].fixes.map((f) => f.applicability), invalid[0].fixes.map(() => 'needs-review'));
  // pytorch-lightning's releases from 1.7.0 are listed without their requirements: the upgrade claims nothing of torch.
  assert.deepEqual(invalid[0].fixes.slice(1).map((f) => f.title), ['Upgrade pytorch-lightning to 2.6.5, its newest release (what it requires is not known here)']);
  // The resolution finds no version of the pin either: said once, by the finding that says why.
  assert.deepEqual(found.filter((f) => f.range.start.line === 1 && f.code.startsWith('resolution-')), []);
});

test('pytorch-lightning==1.5.10: the post-release that mended its metadata is a safe fix, and it applies', async () => {
  const text = 'pytorch-lightning==1.5.10  # trainer\nomegaconf==2.0.6\n';
  const found = await findings({ 'requirements.txt': text });
  const lightning = found.find((f) => f.code === 'invalid-metadata' && f.range.start.line === 0)!;
  const fix = lightning.fixes[0];
  assert.equal(fix.applicability, 'safe');
  assert.equal(fix.edits.length, 1);
  const lines = text.split('\n');
  const e = fix.edits[0];
  lines[0] = lines[0].slice(0, e.range.start.character) + e.newText + lines[0].slice(e.range.end.character);
  assert.equal(lines[0], 'pytorch-lightning==1.5.10.post0  # trainer');
  const omegaconf = found.find((f) => f.code === 'invalid-metadata' && f.range.start.line === 1)!;
  assert.match(omegaconf.message, /omegaconf 2\.0\.6 declares "PyYAML>=5\.1\.\*"/);
  assert.match(omegaconf.message, /omegaconf 2\.1\.1 is the next release/);
});

test('a range that also allows releases with valid metadata: pip takes one of those, nothing is said', async () => {
  for (const text of ['pytorch-lightning>=1.5,<1.7\n', 'omegaconf<2.1\n', 'omegaconf>=2.0,<2.2\n', 'pytorch-lightning==1.8.4\n', 'omegaconf==2.1.1\n']) {
    const found = await findings({ 'requirements.txt': text });
    assert.deepEqual(found.filter((f) => f.code === 'invalid-metadata' || f.code.startsWith('resolution-')), [], text);
  }
});

test('omegaconf==2.2.0, yanked before it was tagged: pip still installs it, warning, so a warning and no error', async () => {
  const found = await findings({ 'requirements.txt': 'omegaconf==2.2.0\n' });
  assert.deepEqual(found.map((f) => `${f.code} ${f.severity}`), ['yanked-release warning']);
});

test('a range every release of which pip ignores is said too', async () => {
  const found = await findings({ 'requirements.txt': 'omegaconf>=2.0.5,<2.1\n' });
  const f = found.find((x) => x.code === 'invalid-metadata')!;
  assert.match(f.message, /the releases it allows \(2\.0\.5 and 2\.0\.6\) declare "PyYAML>=5\.1\.\*"/);
});

test('hydra-core==1.0.7: its omegaconf range holds only ignored releases, and the conflict says so', async () => {
  const found = await findings({ 'requirements.txt': 'hydra-core==1.0.7\n' });
  const conflict = found.find((f) => f.code === 'resolution-conflict')!;
  assert.equal(conflict.severity, 'error');
  assert.match(conflict.message, /there is no version of omegaconf>=2\.0\.5,<2\.1 that pip 24\.1 or later installs \(it ignores omegaconf 2\.0\.5 and 2\.0\.6: invalid metadata, "PyYAML>=5\.1\.\*"\)/);
});

test('uv reads such metadata leniently (`>=1.9.*` as `>=1.9`): a uv project or a conda file is told nothing of it, nor resolved as pip would', async () => {
  const pyproject = (deps: string) => `[project]\nname = "app"\nversion = "0.1.0"\ndependencies = [${deps}]\n`;
  for (const deps of ['"pytorch-lightning==1.7.7"', '"hydra-core==1.0.7"']) {
    const withUv = await findings({ 'pyproject.toml': pyproject(deps), 'uv.lock': 'version = 1\n' }, 'pyproject.toml');
    assert.deepEqual(withUv.filter((f) => f.code === 'invalid-metadata' || f.code.startsWith('resolution-')), [], deps);
    // A conda environment file says nothing either (its conda packages' metadata is conda's).
    const conda = await findings({ 'environment.yml': `name: x\ndependencies:\n  - python=3.10\n  - pip:\n    - ${JSON.parse(deps)}\n` });
    assert.deepEqual(conda.filter((f) => f.code === 'invalid-metadata' || f.code.startsWith('resolution-')), [], deps);
    // The same project installed with pip is refused.
    const withPip = await findings({ 'pyproject.toml': pyproject(deps) }, 'pyproject.toml');
    assert.equal(withPip.filter((f) => f.code === 'invalid-metadata' || f.code === 'resolution-conflict').length, 1, deps);
  }
});

test('torchsde==0.2.5 (pinned by Stable Diffusion front ends): 0.2.6 is the fix, once', async () => {
  const found = await findings({ 'requirements.txt': 'torch==2.0.1\ntorchsde==0.2.5\n' });
  const f = found.find((x) => x.code === 'invalid-metadata')!;
  assert.match(f.message, /torchsde 0\.2\.5 declares "numpy>=1\.19\.\*;python_version>='3\.7'"/);
  // The resolution's upgrade makes the same edit, and says it installs with the torch pin: it stands for the finding's own.
  assert.deepEqual(f.fixes.map((x) => [x.title, x.applicability]), [['Upgrade torchsde to 0.2.6, the newest release compatible with your torch pin', 'safe']]);
  const fixed = await findings({ 'requirements.txt': 'torch==2.0.1\ntorchsde==0.2.6\n' });
  assert.deepEqual(fixed.filter((x) => x.code === 'invalid-metadata' || x.code.startsWith('resolution-')), []);
});

test('fairseq 0.12.x and hydra-core 1.0.x require omegaconf<2.1: pip finds nothing it installs, and the derivation says why', async () => {
  for (const text of ['fairseq==0.12.2\n', 'hydra-core>=1.0.7,<1.1\n']) {
    const found = await findings({ 'requirements.txt': text });
    const conflict = found.find((f) => f.code === 'resolution-conflict');
    assert.ok(conflict, text);
    assert.equal(conflict.severity, 'error');
    assert.match(conflict.message, /it ignores omegaconf 2\.0\.5 and 2\.0\.6: invalid metadata/);
  }
  // An open fairseq: pip goes back to 0.10.2, which requires any hydra-core, and installs it. Nothing to say.
  const open = await findings({ 'requirements.txt': 'fairseq\n' });
  assert.deepEqual(open.filter((f) => f.code.startsWith('resolution-')), []);
});
