// scripts/vscode-server-setup.mjs builds the VS Code server's native modules against the running Node's own headers
// when its installation ships them, so an empty home with no route to nodejs.org still builds them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localNodeDir } from '../../scripts/vscode-server-setup.mjs';

test('localNodeDir: the headers beside the node binary, only for the same version', () => {
  const prefix = mkdtempSync(join(tmpdir(), 'ml-pins-nodedir-'));
  const node = join(prefix, 'bin', 'node');
  assert.equal(localNodeDir(node, '20.20.2'), undefined, 'no headers');
  mkdirSync(join(prefix, 'include', 'node'), { recursive: true });
  writeFileSync(join(prefix, 'include', 'node', 'node_version.h'),
    '#ifndef SRC_NODE_VERSION_H_\n#define NODE_MAJOR_VERSION 20\n#define NODE_MINOR_VERSION 20\n#define NODE_PATCH_VERSION 2\n');
  assert.equal(localNodeDir(node, '20.20.2'), undefined, 'no common.gypi');
  writeFileSync(join(prefix, 'include', 'node', 'common.gypi'), '{}\n');
  assert.equal(localNodeDir(node, '20.20.2'), prefix);
  assert.equal(localNodeDir(node, '20.20.1'), undefined);
  assert.equal(localNodeDir(node, '22.20.2'), undefined);
  rmSync(prefix, { recursive: true });
});
