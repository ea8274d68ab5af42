// The editor finds manifests by the formats' own patterns: the extension's selector and workspace search (evaluated
// into the bundle by the build), the server's watched files and package.json's activation events all come from
// src/core/formats, and each format's globs cover every name it reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, matchesGlob } from 'node:path';
import { test } from 'node:test';
import { detectManifestKind, FORMATS } from '../../../src/core/formats';
import { activationEvents, braceGlob, manifestGlobs } from '../../../src/core/formats/patterns';
import { WATCH_GLOBS } from '../../../src/server/server';

const root = join(import.meta.dirname, '..', '..', '..');

/** Names each format reads, as real projects spell them. */
const NAMES: Record<string, string[]> = {
  requirements: ['requirements.txt', 'app/requirements-dev.txt', 'requirments_cu118.txt', 'requirements.in', 'constraints.txt',
    'ci/test-constraints.in', 'requirements/base.txt', 'requirements/gpu/cuda.in'],
  pyproject: ['pyproject.toml', 'packages/core/pyproject.toml'],
  pipfile: ['Pipfile', 'api/Pipfile'],
  'setup-cfg': ['setup.cfg'],
  conda: ['environment.yml', 'gpu_environment.yaml', 'conda-cuda.yml', 'envs/environment-dev.yml'],
  script: ['install.sh', 'scripts/setup.bash', 'Dockerfile', 'docker/Dockerfile.gpu', 'app.dockerfile', 'GPUDockerfile', 'Containerfile'],
  python: ['setup.py', 'setup_ai_models.py', 'tools/install_gpu.py', 'requirements.py', 'get_deps.py', 'dependencies.py'],
};

test('every format has sample names here, and its globs cover each name it reads', () => {
  assert.deepEqual(Object.keys(NAMES).filter((k) => !FORMATS.some((f) => f.kind === k)), []);
  for (const format of FORMATS) {
    const names = NAMES[format.kind] ?? [];
    if (!names.length) continue; // formats added later bring their own test of their names
    const matches = (name: string) => format.globs.some((g) => matchesGlob(name, g));
    for (const name of names) {
      assert.equal(detectManifestKind(name), format.kind, `${name} is read by ${format.kind}`);
      assert.ok(matches(name), `${name} matches a glob of ${format.kind}: ${format.globs.join(' ')}`);
    }
  }
});

test("package.json's activation events are the formats' own", () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { activationEvents: string[] };
  const fromFormats = [...activationEvents(FORMATS), 'onLanguage:pip-requirements'];
  assert.deepEqual([...pkg.activationEvents].sort(), [...fromFormats].sort());
});

test("the built extension searches and selects by the formats' globs; the server watches them", () => {
  const globs = manifestGlobs(FORMATS);
  for (const bundle of ['dist/extension.js', 'dist/web/extension.js']) {
    const text = readFileSync(join(root, bundle), 'utf8');
    assert.ok(text.includes(JSON.stringify(globs)), `${bundle} carries the formats' globs (run npm run build)`);
  }
  for (const g of globs) assert.ok(WATCH_GLOBS.includes(g), `the server watches ${g}`);
  assert.equal(braceGlob(['**/a.toml', '**/b/*.txt']), '**/{a.toml,b/*.txt}');
});
