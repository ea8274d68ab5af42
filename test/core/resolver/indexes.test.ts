// Which indexes an environment is read from, from real manifest text: explicit uv indexes and Poetry sources serve only
// the packages bound to them; a non-explicit uv index is read for every package, after the primary.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { environmentsOf } from '../../../src/core/engine/environment';
import { parseManifest } from '../../../src/core/formats';
import { indexSources, PYPI_SIMPLE } from '../../../src/core/resolver/indexes';

const sourcesOf = (text: string) => indexSources(environmentsOf(parseManifest('/p/pyproject.toml', text))[0]);

describe('index sources of an environment', () => {
  test('uv: an explicit index serves only the packages its sources bind; a plain one is an extra index', () => {
    const s = sourcesOf(['[project]', 'name = "d"', 'version = "0"', 'dependencies = ["torch==2.2.0", "numpy"]', '',
      '[[tool.uv.index]]', 'name = "pytorch-cpu"', 'url = "https://download.pytorch.org/whl/cpu"', 'explicit = true', '',
      '[[tool.uv.index]]', 'name = "mirror"', 'url = "https://mirror.example/simple"', '',
      '[tool.uv.sources]', 'torch = { index = "pytorch-cpu" }', ''].join('\n'));
    assert.deepEqual(s.indexes, [PYPI_SIMPLE, 'https://mirror.example/simple']);
    assert.deepEqual(s.bound, { torch: ['https://download.pytorch.org/whl/cpu'] });
  });

  test('Poetry: a dependency with source = reads that source only; an explicit source is no extra index', () => {
    const s = sourcesOf(['[tool.poetry]', 'name = "d"', 'version = "0"', '', '[tool.poetry.dependencies]', 'python = "^3.10"',
      'torch = { version = "2.2.0", source = "pytorch" }', 'numpy = "^1.26"', '',
      '[[tool.poetry.source]]', 'name = "pytorch"', 'url = "https://download.pytorch.org/whl/cu121"', 'priority = "explicit"', ''].join('\n'));
    assert.deepEqual(s.indexes, [PYPI_SIMPLE]);
    assert.deepEqual(s.bound, { torch: ['https://download.pytorch.org/whl/cu121'] });
  });

  test('no binding: no bound packages, and no explicit index read', () => {
    const s = sourcesOf(['[project]', 'name = "d"', 'version = "0"', 'dependencies = ["numpy"]', '',
      '[[tool.uv.index]]', 'name = "pytorch-cpu"', 'url = "https://download.pytorch.org/whl/cpu"', 'explicit = true', ''].join('\n'));
    assert.deepEqual(s.indexes, [PYPI_SIMPLE]);
    assert.equal(s.bound, undefined);
  });
});
