// What a new install takes is read from pip's resolution over the snapshot, but a pick that rests on a release newer
// than the snapshot might be is not what pip installs: `tensorflow>=2.6.0` resolves to 2.19.1, the newest whose
// requirements the snapshot holds, while the registry lists 2.21.0. tensorboard's pick (2.19.0, through 2.19.1's
// `tensorboard~=2.19.0`) rests on it, and must not make a break of tensorboard 2.19 an error (src/core/engine/resolution.ts,
// uncertainPicks). With tensorflow pinned to 2.19.1, the pick is what pip takes, and the break is one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProject } from '../../../src/core/engine/check';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import { findingFor, knowledge, toInput } from './helpers';

/** Checked as the CLI and the editor check: resolved over the snapshot. */
const severityOf = async (text: string, code: string) => {
  const result = await checkProject({ ...toInput({ 'requirements.txt': text }), ...declaredMetadataHooks((name) => knowledge.metadata!.get(name)) });
  return findingFor(result, code)?.severity;
};

test('tensorflow>=2.6.0: tensorboard is picked through a tensorflow the snapshot may not be newest about, so no error', async () => {
  const severity = await severityOf('tensorflow>=2.6.0\n', 'tensorboard-setuptools82-pkg-resources');
  assert.notEqual(severity, 'error');
  assert.notEqual(severity, 'warning');
});

test('tensorflow==2.19.1: its tensorboard 2.19 is what pip installs, and setuptools 82 breaks its command', async () => {
  assert.equal(await severityOf('tensorflow==2.19.1\n', 'tensorboard-setuptools82-pkg-resources'), 'error');
});

test('tensorflow==2.19.1 with setuptools kept below 82: nothing', async () => {
  assert.equal(await severityOf('tensorflow==2.19.1\nsetuptools<82\n', 'tensorboard-setuptools82-pkg-resources'), undefined);
});
