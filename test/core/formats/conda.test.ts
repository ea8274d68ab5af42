import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MAX_YAML_NESTING, condaVersionToPep440, parseCondaEnvironment, parseCondaMatchSpec, yamlNestingTooDeep,
} from '../../../src/core/formats/conda';
import { LineIndex } from '../../../src/core/text';
import type { Range, Requirement } from '../../../src/core/types';

const text = readFileSync(join(__dirname, '../../fixtures/manifests/environment.yml'), 'utf8');

function at(source: string, range: Range): string {
  const index = new LineIndex(source);
  return source.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

describe('parseCondaEnvironment', () => {
  const m = parseCondaEnvironment('envs/environment.yml', text);
  const byName = (name: string): Requirement[] => m.requirements.filter((r) => r.name === name);

  test('conda dependencies become requirements; python becomes requiresPython', () => {
    assert.equal(m.kind, 'conda');
    assert.deepEqual(m.findings, []);
    assert.deepEqual(m.requirements.map((r) => [r.scope.kind, r.name, r.normalizedName, r.specifier]), [
      ['conda', 'numpy', 'numpy', '>=1.24,<2'],
      ['conda', 'pytorch', 'torch', '>=2.1'],
      ['conda', 'cudatoolkit', 'cudatoolkit', '==11.8.*'],
      ['conda', 'pytorch', 'torch', '==2.2.0'],
      ['conda', 'scipy', 'scipy', '==1.11.4'],
      ['conda', 'matplotlib-base', 'matplotlib', '==3.8.*'],
      ['conda', 'openssl', 'openssl', ''],
      ['conda', 'pip', 'pip', ''],
      ['conda-pip', 'diffusers', 'diffusers', '==0.25.1'],
      ['conda-pip', 'huggingface_hub', 'huggingface-hub', '<0.26'],
    ]);
    assert.deepEqual(m.requiresPython, {
      specifier: '==3.10.*', range: { start: { line: 5, character: 10 }, end: { line: 5, character: 15 } },
    });
  });

  test('exact ranges for names and specifiers, channel prefixes and build strings excluded', () => {
    const [channelled, built] = byName('pytorch');
    assert.deepEqual(channelled.nameRange, { start: { line: 7, character: 13 }, end: { line: 7, character: 20 } });
    assert.equal(at(text, channelled.specifierRange), '>=2.1');
    assert.equal(channelled.source, 'pytorch');
    assert.equal(at(text, channelled.range), 'pytorch::pytorch>=2.1');
    assert.equal(at(text, built.specifierRange), '=2.2.0');
    assert.equal(built.originalSpecifier, '=2.2.0');
    const [numpy] = byName('numpy');
    assert.equal(at(text, numpy.specifierRange), '>=1.24,<2');
    assert.equal(numpy.originalSpecifier, undefined);
    const [scipy] = byName('scipy');
    assert.deepEqual(scipy.range, { start: { line: 10, character: 5 }, end: { line: 10, character: 18 } });
    const [openssl] = byName('openssl');
    assert.equal(openssl.originalSpecifier, '=1.1.1w');
    const [pip] = byName('pip');
    assert.deepEqual(pip.specifierRange, { start: pip.nameRange.end, end: pip.nameRange.end });
  });

  test('the pip: list: requirements, comments, index options and -r includes', () => {
    const [diffusers] = byName('diffusers');
    assert.deepEqual(diffusers.scope, { kind: 'conda-pip', table: 'dependencies.pip' });
    assert.deepEqual(diffusers.range, { start: { line: 16, character: 8 }, end: { line: 16, character: 25 } });
    const [hub] = byName('huggingface_hub');
    assert.equal(hub.marker, 'python_version >= "3.8"');
    assert.equal(at(text, hub.specifierRange), '<0.26');
    assert.deepEqual(m.indexes.map((i) => [i.kind, i.url, at(text, i.range)]), [
      ['extra-index-url', 'https://download.pytorch.org/whl/rocm6.0', 'https://download.pytorch.org/whl/rocm6.0'],
    ]);
    assert.deepEqual(m.includes.map((i) => [i.kind, i.target, i.resolvedPath, at(text, i.range)]), [
      ['requirement', 'requirements-extra.txt', 'envs/requirements-extra.txt', 'requirements-extra.txt'],
    ]);
  });

  test('YAML syntax errors are yaml-syntax findings at their position and nothing else', () => {
    const source = 'dependencies:\n  - numpy\n  - [torch\n';
    const r = parseCondaEnvironment('environment.yml', source);
    assert.ok(r.findings.length >= 1);
    assert.ok(r.findings.every((f) => f.code === 'yaml-syntax' && f.severity === 'error'));
    assert.equal(r.findings[0].range.start.line, 3);
    assert.doesNotMatch(r.findings[0].message, /\n/);
    assert.deepEqual(r.requirements, []);
    const tab = parseCondaEnvironment('environment.yml', 'dependencies:\n\t- numpy\n');
    assert.deepEqual(tab.findings.map((f) => [f.code, f.range.start.line]), [['yaml-syntax', 1]]);
  });

  test('wrong shapes are conda-schema warnings; bad match specs are requirement-syntax errors', () => {
    const source = 'dependencies:\n  - 3\n  - {pip: notalist}\n  - "=1.2"\n  - scipy\n';
    const r = parseCondaEnvironment('environment.yml', source);
    assert.deepEqual(r.findings.map((f) => [f.code, at(source, f.range)]), [
      ['conda-schema', '3'], ['conda-schema', 'notalist'], ['requirement-syntax', '=1.2'],
    ]);
    assert.deepEqual(r.requirements.map((q) => q.name), ['scipy']);
    const notList = parseCondaEnvironment('environment.yml', 'dependencies: numpy\n');
    assert.deepEqual(notList.findings.map((f) => [f.code, at('dependencies: numpy\n', f.range)]), [['conda-schema', 'numpy']]);
  });

  test('empty, scalar and deeply nested documents do not throw', () => {
    for (const source of ['', '# nothing\n', 'just a string', '---\n...\n', `a: ${'['.repeat(10000)}${']'.repeat(10000)}\n`]) {
      const r = parseCondaEnvironment('environment.yml', source);
      assert.ok(Array.isArray(r.findings));
    }
    for (let cut = 0; cut <= text.length; cut += 5) parseCondaEnvironment('environment.yml', text.slice(0, cut));
  });
});

describe('conda match specs', () => {
  test('splits channel, name, version and build', () => {
    assert.deepEqual(parseCondaMatchSpec('conda-forge/linux-64::numpy 1.26.4 py310h_0'), {
      channel: 'conda-forge/linux-64', name: 'numpy', nameSpan: { start: 22, end: 27 },
      version: '1.26.4', versionSpan: { start: 28, end: 34 }, build: 'py310h_0',
    });
    const bracket = parseCondaMatchSpec("numpy[version='>=1.24,<2', build=py310*]")!;
    assert.equal(bracket.version, '>=1.24,<2');
    assert.deepEqual(bracket.versionSpan, { start: 15, end: 24 });
    assert.equal(bracket.build, 'py310*');
    assert.equal(parseCondaMatchSpec('>=1.2'), undefined);
  });

  test('translates conda versions as conda reads them', () => {
    assert.equal(condaVersionToPep440('=1.26', false), '==1.26.*');
    assert.equal(condaVersionToPep440('=1.26', true), '==1.26');
    assert.equal(condaVersionToPep440('==1.26', false), '==1.26');
    assert.equal(condaVersionToPep440('1.26', false), '==1.26');
    assert.equal(condaVersionToPep440('1.26*', false), '==1.26.*');
    assert.equal(condaVersionToPep440('>=1.24,<2', false), '>=1.24,<2');
    assert.equal(condaVersionToPep440('!=1.2.*', false), '!=1.2.*');
    assert.equal(condaVersionToPep440('*', false), '');
    assert.equal(condaVersionToPep440('1.2|1.4', false), undefined);
  });
});

describe('YAML nesting guard', () => {
  const n = MAX_YAML_NESTING + 1;

  test('deep flow collections, compact sequences and indentation are refused before parsing', () => {
    for (const source of [
      `a: ${'['.repeat(10000)}${']'.repeat(10000)}\n`,
      `a: ${'{b: '.repeat(n)}1${'}'.repeat(n)}\n`,
      `dependencies:\n  ${'- '.repeat(n)}numpy\n`,
      Array.from({ length: n + 1 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n',
    ]) {
      const r = parseCondaEnvironment('environment.yml', source);
      assert.deepEqual(r.findings.map((f) => f.code), ['yaml-syntax'], source.slice(0, 20));
      assert.match(r.findings[0].message, /too deep/);
    }
    const flow = `a: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    assert.equal(yamlNestingTooDeep(flow), 3 + MAX_YAML_NESTING);
  });

  test('ordinary nesting and brackets inside quotes or comments pass', () => {
    const many = '['.repeat(MAX_YAML_NESTING + 5);
    for (const source of [text, `a: "${many}"\n`, `a: '${many}'\n`, `a: 1 # ${many}\n`, `a: [${'[1], '.repeat(500)}]\n`]) {
      assert.equal(yamlNestingTooDeep(source), -1, source.slice(0, 20));
    }
    const atLimit = `a: ${'['.repeat(MAX_YAML_NESTING)}${']'.repeat(MAX_YAML_NESTING)}\n`;
    assert.equal(yamlNestingTooDeep(atLimit), -1);
    assert.deepEqual(parseCondaEnvironment('environment.yml', atLimit).findings, []);
  });
});

test('pip entries that are URLs or paths are valid (pip install -r accepts them) and name nothing', () => {
  const text = 'dependencies:\n  - pip:\n    - git+https://github.com/crowsonkb/k-diffusion.git\n    - https://example.org/x-1.0-py3-none-any.whl\n    - file:///tmp/y.whl\n    - .\n    - ./vendor/foo\n    - torch @ https://example.org/torch-2.1.0-cp310-cp310-linux_x86_64.whl\n    - diffusers==0.27.0\n';
  const m = parseCondaEnvironment('/p/environment.yml', text);
  assert.deepEqual(m.findings.map((f) => f.code), []);
  assert.deepEqual(m.requirements.map((r) => r.name), ['torch', 'diffusers']);
});
