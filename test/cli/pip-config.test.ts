// Which indexes `ml-pins resolve` reads: the manifest's options over PIP_INDEX_URL over pip.conf, as pip does.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { indexesOf, pipConfig } from '../../src/cli/live';
import { environmentsOf } from '../../src/core/engine/environment';
import { parseManifest } from '../../src/core/formats';

test('index options: requirement file, then PIP_* variables, then pip.conf ([install] over [global]), else PyPI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-pipconf-'));
  const conf = join(dir, 'pip.conf');
  writeFileSync(conf, '[global]\nindex-url = https://mirror.example/simple\nextra-index-url =\n    https://a.example/simple\n    https://b.example/simple\n[install]\nindex-url = https://install.example/simple\n');
  assert.deepEqual(pipConfig({ PIP_CONFIG_FILE: conf }), { indexUrl: 'https://install.example/simple', extra: ['https://a.example/simple', 'https://b.example/simple'] });
  const plain = environmentsOf(parseManifest('/p/requirements.txt', 'torch\n'))[0];
  const own = environmentsOf(parseManifest('/p/requirements.txt', '--index-url http://127.0.0.1:1/simple\n--extra-index-url http://127.0.0.1:2/simple\ntorch\n'))[0];
  assert.deepEqual(indexesOf(plain, { PIP_CONFIG_FILE: conf }).indexes, ['https://install.example/simple', 'https://a.example/simple', 'https://b.example/simple']);
  assert.deepEqual(indexesOf(plain, { PIP_CONFIG_FILE: conf, PIP_INDEX_URL: 'https://env.example/simple', PIP_EXTRA_INDEX_URL: '' }).indexes, ['https://env.example/simple']);
  assert.deepEqual(indexesOf(own, { PIP_CONFIG_FILE: conf, PIP_EXTRA_INDEX_URL: '' }).indexes, ['http://127.0.0.1:1/simple', 'http://127.0.0.1:2/simple']);
  assert.deepEqual(indexesOf(plain, { PIP_CONFIG_FILE: '/dev/null' }).indexes, ['https://pypi.org/simple']);
  assert.deepEqual(indexesOf(environmentsOf(parseManifest('/p/requirements.txt', '--no-index\ntorch\n'))[0], {}).indexes, []);
});
