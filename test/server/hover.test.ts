// The hover's "a fresh install takes" is the engine's answer (what the other pins' releases declare narrows it), not
// the top of what the pin alone admits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hoverMarkdown } from '../../src/server/hover';
import { check, ROOT } from '../core/engine/helpers';

test('hover: a bare torch beside torchvision==0.17.0 takes the torch that torchvision declares', async () => {
  const result = await check({ 'requirements.txt': 'torchvision==0.17.0\ntorch\n' });
  const value = hoverMarkdown(result, `${ROOT}/requirements.txt`, { line: 1, character: 2 }, [])?.value ?? '';
  assert.match(value, /admits any version; a fresh install takes 2\.2\.0\n/);
});
