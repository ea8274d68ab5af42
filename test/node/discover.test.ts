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

describe('discoverManifests: links and many folders', () => {
  let dir = '';
  before(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'ml-pins-discover-links-')));
    const write = (rel: string) => { mkdirSync(join(dir, rel, '..'), { recursive: true }); writeFileSync(join(dir, rel), 'x\n'); };
    write('z-real/requirements.txt');
    write('z-real/deeper/requirements.txt');
    write('node_modules/pkg/requirements.txt');
    write('node_modules/pkg/inner/requirements.txt');
    for (let i = 0; i < 300; i++) write(`services/svc-${String(i).padStart(3, '0')}/requirements.txt`);
    // Names that sort (and may be listed) before the folders they lead to.
    for (const name of ['a-link', 'b', 'link-c', 'm', 'q-link', 'y', 'zz-link']) symlinkSync(join(dir, 'z-real'), join(dir, name));
    symlinkSync(join(dir, 'z-real', 'deeper'), join(dir, 'services', '0-deeper-link'));
    // The only way to a folder the search skips; and a link inside it back to a folder read directly.
    symlinkSync(join(dir, 'node_modules', 'pkg'), join(dir, 'vendored'));
    symlinkSync(join(dir, 'z-real'), join(dir, 'node_modules', 'pkg', 'inner', 'back'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a folder reached directly and through links is found at its own path', async () => {
    const found = (await discoverManifests(['.'], dir)).map((p) => p.slice(dir.length + 1));
    assert.ok(found.includes('z-real/requirements.txt') && found.includes('z-real/deeper/requirements.txt'));
    assert.ok(!found.some((p) => !/^(z-real|services|vendored)\//.test(p) || p.includes('0-deeper-link') || p.includes('/back/')), found.filter((p) => !p.startsWith('services/svc-')).join(', '));
  });

  test('a folder reached only through a link is found through it, with what it holds', async () => {
    const found = (await discoverManifests(['.'], dir)).map((p) => p.slice(dir.length + 1));
    assert.deepEqual(found.filter((p) => !p.startsWith('services/svc-')), [
      'vendored/inner/requirements.txt', 'vendored/requirements.txt', 'z-real/deeper/requirements.txt', 'z-real/requirements.txt',
    ]);
  });

  test('every one of many folders is found once, sorted, the same on every search', async () => {
    const first = await discoverManifests(['.'], dir);
    const services = first.filter((p) => p.includes('/services/svc-'));
    assert.equal(services.length, 300);
    assert.equal(new Set(first).size, first.length);
    assert.deepEqual(first, [...first].sort());
    for (let i = 0; i < 3; i++) assert.deepEqual(await discoverManifests(['.'], dir), first);
  });
});
