// The metadata snapshot ships beside the bundles in the .vsix and the npm package (read on demand, never bundled),
// and test fixtures do not. Checked with the real packagers' file lists on a copy of the manifest files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');

test('metadata/ is in the .vsix and the npm package; test fixtures and sources are not', { timeout: 120000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-pack-'));
  for (const f of ['package.json', '.vscodeignore', '.npmignore', 'README.md', 'LICENSE', 'CHANGELOG.md', 'language-configuration.json', 'docs/images/icon.png']) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    cpSync(join(root, f), join(dir, f));
  }
  for (const [p, text] of Object.entries({
    'dist/extension.js': '', 'dist/cli.js': '', 'dist/web/extension.js': '', 'dist/hub.js': '', 'python/ml_pins_runner.py': '',
    'metadata/snapshot.json': '{}', 'metadata/packages/numpy.json': '{}', 'src/node/metadata.ts': '', 'test/fixtures/metadata/snapshot.json': '{}',
  })) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  const vsix = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: dir, encoding: 'utf8' }).split('\n').filter(Boolean);
  // vsce package (as npm run package calls it) refuses a package.json "files" list next to .vscodeignore: it must succeed.
  execFileSync(vsce, ['package', '--no-dependencies', '--no-rewrite-relative-links', '--out', join(dir, 'test.vsix')], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  const npm = (JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' })) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  for (const [what, files] of [['vsix', vsix], ['npm', npm]] as const) {
    assert.ok(files.includes('metadata/snapshot.json') && files.includes('metadata/packages/numpy.json'), `${what}: ${files.join(', ')}`);
    assert.ok(files.includes(what === 'vsix' ? 'dist/extension.js' : 'dist/cli.js'), `${what}: the bundle`);
    assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/')), `${what}: ${files.join(', ')}`);
  }
  // The snapshot is read from disk, not compiled into a bundle.
  assert.ok(!readFileSync(join(root, 'src', 'extension', 'activate.ts'), 'utf8').includes('metadata/packages/'));
});
