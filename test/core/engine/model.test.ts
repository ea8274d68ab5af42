// A model saved by a newer library than the pins allow: a finding made by the engine, so the settings reach it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL_NEEDS_NEWER_LIBRARY, modelFindings } from '../../../src/core/engine/model';
import { check } from './helpers';

const files = { 'requirements.txt': 'diffusers>=0.21.0,<0.30\n', 'requirements-dev.txt': 'diffusers>=0.21.0\n' };
const of = async (settings?: Parameters<typeof check>[1], version = '0.31.0') =>
  modelFindings(await check(files, settings), 'org/sd', 'diffusers', version).map((p) => [p.path.split('/').pop(), p.finding.severity, p.finding.message]);

test('model-needs-newer-library: on each pin that admits nothing as new, with the settings applied', async () => {
  assert.deepEqual(await of(), [['requirements.txt', 'warning', 'org/sd was saved with diffusers 0.31.0, but diffusers>=0.21.0,<0.30 allows no version that new.']]);
  assert.deepEqual(await of(undefined, '0.29.0'), [], 'a version the pins admit');
  assert.deepEqual(await of(undefined, 'not a version'), []);
  assert.deepEqual(await of({ disabledRules: [MODEL_NEEDS_NEWER_LIBRARY] }), [], 'a disabled rule');
  assert.deepEqual((await of({ severityOverrides: { [MODEL_NEEDS_NEWER_LIBRARY]: 'error' } })).map((x) => x[1]), ['error'], 'a severity override');
});
