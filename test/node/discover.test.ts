import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverManifests } from '../../src/node/discover';

let root = '';

function put(rel: string, text = ''): void {
  const full = join(root, rel);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
}

before(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'ml-pins-discover-')));
  for (const f of [
    'pyproject.toml', 'requirements.txt', 'requirements/gpu.txt', 'setup.cfg', 'environment.yml', 'setup_ai_models.py',
    'scripts/server-setup.sh', 'docker/Dockerfile.gpu', 'src/app.py', 'README.md', 'notes.txt',
    'node_modules/pkg/requirements.txt', '.git/requirements.txt', '.venv/requirements.txt', 'venv/setup.py',
    'lib/site-packages/x/setup.py', 'src/__pycache__/requirements.txt', '.tox/py/requirements.txt', '.ml-pins/requirements.txt',
    'myenv/pyvenv.cfg', 'myenv/lib/requirements.txt',
  ]) put(f, 'x\n');
  // A link loop and a link to a file that is also reached directly.
  symlinkSync(root, join(root, 'scripts', 'loop'));
  symlinkSync(join(root, 'requirements.txt'), join(root, 'scripts', 'requirements-link.txt'));
  symlinkSync(join(root, 'missing.txt'), join(root, 'dangling-requirements.txt'));
});

after(() => rmSync(root, { recursive: true, force: true }));

describe('discoverManifests', () => {
  test('searches a folder for every kind, skipping tool and environment folders', async () => {
    const found = await discoverManifests(['.'], root);
    assert.deepEqual(found.map((p) => p.slice(root.length + 1)), [
      'docker/Dockerfile.gpu', 'environment.yml', 'pyproject.toml', 'requirements.txt', 'requirements/gpu.txt',
      'scripts/server-setup.sh', 'setup.cfg', 'setup_ai_models.py',
    ]);
  });

  test('files are taken whatever their name; results are absolute, sorted and unique', async () => {
    const found = await discoverManifests(['notes.txt', join(root, 'README.md'), './notes.txt', 'requirements.txt', 'scripts/requirements-link.txt'], root);
    assert.deepEqual(found, [join(root, 'README.md'), join(root, 'notes.txt'), join(root, 'requirements.txt')]);
  });

  test('an explicitly named environment folder is searched', async () => {
    const found = await discoverManifests(['myenv'], root);
    assert.deepEqual(found, [join(root, 'myenv/lib/requirements.txt')]);
  });

  test('a missing path is a one-line error', async () => {
    await assert.rejects(discoverManifests(['nope/requirements.txt'], root), (e: Error) => {
      assert.equal(e.message, 'No such file or folder: nope/requirements.txt');
      return true;
    });
  });
});
