// resolution-conflict-known on real manifest text, checked by the real engine over the metadata snapshot that ships
// (metadata/): an environment that installs only through releases the snapshot does not describe, while every release
// it describes refuses the pins, is a warning; an exact pin of an unlisted release, a floor beyond the snapshot, a floor
// at its newest release, a companion below every described release and a gap that may hold the release that fits stay
// silent. The CLI reports it the same way.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { applyEdits } from '../../../src/core/engine/apply';
import { checkProject } from '../../../src/core/engine/check';
import type { CheckSettings } from '../../../src/core/engine/config';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import type { Finding } from '../../../src/core/types';
import { NodeMetadata } from '../../../src/node/metadata';
import { knowledge, messageProblems } from './helpers';

const root = join(__dirname, '..', '..', '..');
const metadata = new NodeMetadata(join(root, 'metadata'));
const CODE = 'resolution-conflict-known';

/** meta-math/MetaMath's requirements.txt (test/fixtures/real-projects/broken/metamath), as its reporter installed it. */
const METAMATH = `transformers>=4.34.0
wandb==0.15.3
torch==2.0.1
sentencepiece==0.1.99
tokenizers==0.13.3
accelerate==0.21.0
`;

async function findingsOf(text: string, settings?: CheckSettings): Promise<Finding[]> {
  const result = await checkProject({ files: [{ path: '/p/requirements.txt', text }], knowledge, settings,
    ...declaredMetadataHooks((name) => metadata.get(name)) });
  const all = result.files.flatMap((f) => f.findings);
  assert.deepEqual(all.flatMap(messageProblems), []);
  return all;
}
const known = async (text: string, settings?: CheckSettings) => (await findingsOf(text, settings)).filter((f) => f.code === CODE);

describe('resolution-conflict-known', () => {
  test('metamath: every transformers release the snapshot describes from 4.34.0 on refuses tokenizers 0.13.3', async () => {
    const found = await known(METAMATH);
    assert.deepEqual(found.map((f) => [f.range.start.line, f.severity]).sort(), [[0, 'warning'], [4, 'warning']]);
    const f = found.find((x) => x.range.start.line === 4)!;
    assert.deepEqual(f.related?.map((r) => [r.range.start.line, r.message]), [[0, 'transformers>=4.34.0 takes part in the conflict']]);
    assert.deepEqual(f.packages, ['transformers', 'tokenizers']);
    const [head, ...rest] = f.message.split('\n');
    assert.equal(head, 'pip cannot install these requirements together with any release of transformers that the metadata snapshot ' +
      'describes (lists with its requirements), on any Python from 3.8 to 3.14. Of those, these pins allow transformers 4.35.1 … 5.18.0; ' +
      'a range of transformers below stands for them only.');
    // The derivation, in uv's words, over the described releases, ending at the two pins.
    assert.match(rest[0], /^Because transformers==4\.35\.1 depends on tokenizers>=0\.14,<0\.15/);
    assert.match(rest.join('\n'), /And because you require transformers>=4\.34\.0 \(\/p\/requirements\.txt:1\) and you require tokenizers==0\.13\.3 \(\/p\/requirements\.txt:5\), we can conclude that your requirements are unsatisfiable\./);
    // What the snapshot does not describe is named, and nothing is said of it.
    assert.equal(rest[rest.length - 1], 'These pins also allow transformers releases that the snapshot (2026-12-06) does not describe: 4.40.2 and ' +
      '4.47.0 (listed without their requirements), releases older than 5.18.0 that it does not list, and releases newer than 5.18.0 ' +
      '(the registry lists up to 5.23.0). Only such a release could make these install; the snapshot does not say whether one does.');
    // The upgrade installs with described releases, and the fixed file is quiet.
    assert.ok(f.fixes.length >= 1, 'an upgrade fix');
    assert.match(f.fixes[0].title, /^Upgrade transformers and tokenizers to the newest set that installs together \([\d.]+ \/ [\d.]+\)$/);
    const fixed = applyEdits(METAMATH, f.fixes[0].edits).text;
    assert.notEqual(fixed, METAMATH);
    assert.deepEqual(await known(fixed), []);
    assert.deepEqual((await findingsOf(fixed)).filter((x) => x.code === 'resolution-conflict'), []);
  });

  test('severityOverrides and disabledRules apply to it like to every code; resolution-conflict off leaves it on', async () => {
    assert.deepEqual(await known(METAMATH, { disabledRules: [CODE] }), []);
    assert.deepEqual((await known(METAMATH, { severityOverrides: { [CODE]: 'error' } })).map((f) => f.severity), ['error', 'error']);
    assert.deepEqual(await known(METAMATH, { severityOverrides: { [CODE]: 'off' } }), []);
    assert.equal((await known(METAMATH, { disabledRules: ['resolution-conflict'] })).length, 2);
  });

  test('silent: an exact pin of a release the snapshot does not list', async () => {
    // 4.45.1 is not listed (4.44.2 and 4.45.2 are): held to the described releases nothing would match the pin at all.
    assert.deepEqual(await known('transformers==4.45.1\ntokenizers==0.13.3\n'), []);
  });

  test('silent: a floor beyond the snapshot, or at its newest release', async () => {
    assert.deepEqual(await known('transformers>=5.19\ntokenizers==0.13.3\n'), []);
    assert.deepEqual(await known('torch>=2.15\ntorchvision\n'), []);
    // Only releases newer than the snapshot are undescribed here: its age, not a gap in what it lists.
    assert.deepEqual(await known('transformers>=5.18.0\ntokenizers==0.13.3\n'), []);
    // A hub floor beyond every listed release, under a transformers that requires a hub the snapshot lists.
    assert.deepEqual(await known('transformers>=5.0\nhuggingface-hub>=2.1\n'), []);
  });

  test('silent: a described release fits, or undescribed releases may hold the one that fits', async () => {
    assert.deepEqual(await known('transformers>=4.34.0\ntokenizers==0.14.1\n'), []);
    // torch 2.0.1's torchaudio and torchvision are older than every release the snapshot describes.
    assert.deepEqual(await known('torch==2.0.1\ntorchaudio\ntorchvision\n'), []);
    // torch 2.10.0's torchvision is not listed, but lies between 0.22.0 (torch 2.7.0) and 0.26.0 (torch 2.11.0).
    assert.deepEqual(await known('torch==2.10.0\ntorchvision\n'), []);
    assert.deepEqual(await known('torch==2.10.0\ntorchvision>=0.16.0\n'), []);
  });

  test('the CLI reports it: ml-pins check on the metamath project', () => {
    const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'check', 'test/fixtures/real-projects/broken/metamath',
      '--offline', '--format', 'json', '--disable', 'numpy2-abi-torch', '--fail-on', 'warning'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { files: { path: string; findings: Finding[] }[] };
    const found = out.files.flatMap((f) => f.findings).filter((f) => f.severity !== 'information');
    assert.deepEqual(found.map((f) => [f.code, f.severity, f.range.start.line]).sort(), [[CODE, 'warning', 0], [CODE, 'warning', 4]]);
    const quiet = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'check', 'test/fixtures/real-projects/broken/metamath',
      '--offline', '--format', 'json', '--disable', 'numpy2-abi-torch', '--disable', CODE, '--fail-on', 'warning'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(quiet.status, 0, quiet.stdout);
  });
});
