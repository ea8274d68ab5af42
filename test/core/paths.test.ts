// The engine's path helpers and the one list of folders that are never searched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dirName, fileName, inSkippedFolder } from '../../src/core/paths';
import { EXCLUDE_GLOB } from '../../src/server/protocol';

test('fileName and dirName', () => {
  assert.deepEqual([fileName('/p/requirements.txt'), dirName('/p/requirements.txt')], ['requirements.txt', '/p']);
  assert.deepEqual([fileName('requirements.txt'), dirName('requirements.txt')], ['requirements.txt', '']);
});

test('skipped folders: any folder segment, never the file itself; the editor glob names the same folders', () => {
  assert.equal(inSkippedFolder('/p/.venv/lib/requirements.txt'), true);
  assert.equal(inSkippedFolder('/p/node_modules/x/setup.py'), true);
  assert.equal(inSkippedFolder('/p/.ruff_cache/requirements.txt'), true);
  assert.equal(inSkippedFolder('/p/venvs/requirements.txt'), false);
  assert.equal(inSkippedFolder('/p/venv'), false);
  assert.match(EXCLUDE_GLOB, /^\*\*\/\{\.git,\.hg,.*,\.ml-pins\}\/\*\*$/);
});
