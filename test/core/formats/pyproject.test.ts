import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePyproject } from '../../../src/core/formats/pyproject';
import { LineIndex } from '../../../src/core/text';
import type { Range, Requirement } from '../../../src/core/types';

const FIXTURES = join(__dirname, '../../fixtures/manifests');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** The document text a range covers. */
function at(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

function find(reqs: Requirement[], name: string, scopeKind?: string): Requirement {
  const r = reqs.find((q) => q.normalizedName === name && (!scopeKind || q.scope.kind === scopeKind));
  assert.ok(r, `no requirement ${name}`);
  return r;
}

describe('parsePyproject: PEP 621 / 735 / uv fixture', () => {
  const text = fixture('uv-project.toml');
  const m = parsePyproject('pyproject.toml', text);

  test('reads every list with its scope and no findings', () => {
    assert.deepEqual(m.findings, []);
    assert.equal(m.kind, 'pyproject');
    const summary = m.requirements.map((r) => `${r.scope.kind}:${r.scope.name ?? ''}:${r.normalizedName}`);
    assert.deepEqual(summary, [
      'project::diffusers', 'project::huggingface-hub', 'project::transformers', 'project::torch',
      'project::accelerate', 'project::numpy', 'optional:rocm:torchvision', 'group:test:pytest', 'group:lint:ruff',
      'build::hatchling', 'build::setuptools-scm', 'uv-constraint::protobuf', 'uv-override::numpy', 'uv-dev::ipython',
    ]);
    assert.equal(find(m.requirements, 'torchvision').scope.table, 'project.optional-dependencies');
  });

  test('a requirement range is the inside of its string, with exact line/character', () => {
    const diffusers = find(m.requirements, 'diffusers');
    assert.deepEqual(diffusers.range, { start: { line: 9, character: 3 }, end: { line: 9, character: 20 } });
    assert.deepEqual(diffusers.nameRange, { start: { line: 9, character: 3 }, end: { line: 9, character: 12 } });
    assert.equal(at(text, diffusers.specifierRange), '==0.25.1');
    const hub = find(m.requirements, 'huggingface-hub');
    assert.equal(at(text, hub.nameRange), 'huggingface_hub');
    assert.equal(hub.marker, "python_version >= '3.10'");
  });

  test('literal strings, escapes and multi-line strings map to the raw characters', () => {
    const transformers = find(m.requirements, 'transformers');
    assert.deepEqual(transformers.extras, ['torch']);
    assert.equal(at(text, transformers.specifierRange), '>=4.38');

    const torch = find(m.requirements, 'torch');
    assert.equal(torch.text, 'torch>=2.1');
    assert.equal(torch.specifier, '>=2.1');
    assert.equal(at(text, torch.nameRange), 'torch');
    assert.equal(at(text, torch.specifierRange), '\\u003e=2.1');

    const accelerate = find(m.requirements, 'accelerate');
    assert.deepEqual(accelerate.nameRange, { start: { line: 14, character: 2 }, end: { line: 14, character: 12 } });
    assert.equal(at(text, accelerate.specifierRange), '>=0.27');

    const numpy = find(m.requirements, 'numpy', 'project');
    assert.equal(numpy.specifier, '<2');
    assert.deepEqual(numpy.nameRange, { start: { line: 15, character: 5 }, end: { line: 15, character: 10 } });
    assert.deepEqual(numpy.specifierRange, { start: { line: 16, character: 5 }, end: { line: 16, character: 7 } });
  });

  test('requires-python, include-group, indexes, uv sources and tool config', () => {
    assert.equal(m.requiresPython?.specifier, '>=3.10,<3.13');
    assert.equal(at(text, m.requiresPython!.range), '>=3.10,<3.13');
    assert.deepEqual(m.groupIncludes.map((g) => [g.group, g.include, at(text, g.range)]), [['test', 'lint', 'lint']]);
    assert.deepEqual(m.indexes.map((i) => [i.kind, i.name, i.url, at(text, i.range)]), [
      ['uv-index', 'pytorch-rocm', 'https://download.pytorch.org/whl/rocm6.0', 'https://download.pytorch.org/whl/rocm6.0'],
      ['uv-index', 'pytorch-cpu', 'https://download.pytorch.org/whl/cpu', 'https://download.pytorch.org/whl/cpu'],
    ]);
    assert.deepEqual(m.uvSources.map((s) => [s.package, s.index, s.marker, at(text, s.nameRange), at(text, s.indexRange!)]), [
      ['torch', 'pytorch-rocm', undefined, 'torch', 'pytorch-rocm'],
      ['torchvision', 'pytorch-cpu', "sys_platform == 'darwin'", 'torchvision', 'pytorch-cpu'],
      ['torchvision', 'pytorch-rocm', "sys_platform == 'linux'", 'torchvision', 'pytorch-rocm'],
    ]);
    assert.equal(at(text, m.uvSources[1].range), `{ index = "pytorch-cpu", marker = "sys_platform == 'darwin'" }`);
    // One index for torch: source set. Two marker-split indexes for torchvision: left to uvSources.
    assert.equal(find(m.requirements, 'torch').source, 'pytorch-rocm');
    assert.equal(find(m.requirements, 'torchvision').source, undefined);
    assert.deepEqual(m.toolConfig?.value, { ignore: ['torch-cuda-index'], severity: { numpy2: 'warning' } });
    assert.equal(at(text, m.toolConfig!.range).split('\n')[0], '[tool.ml-pins]');
  });
});

describe('parsePyproject: Poetry fixture', () => {
  const text = fixture('poetry-project.toml');
  const m = parsePyproject('pyproject.toml', text);
  const poetry = (name: string): Requirement[] => m.requirements.filter((r) => r.normalizedName === name);

  test('no findings; python becomes requiresPython, not a requirement', () => {
    assert.deepEqual(m.findings, []);
    assert.deepEqual(m.requiresPython, {
      specifier: '>=3.10,<4.0', range: { start: { line: 5, character: 10 }, end: { line: 5, character: 15 } },
    });
    assert.equal(poetry('python').length, 0);
  });

  test('caret and tilde strings are translated; ranges sit on the key and inside the version string', () => {
    const [diffusers] = poetry('diffusers');
    assert.equal(diffusers.specifier, '>=0.25,<0.26');
    assert.equal(diffusers.originalSpecifier, '^0.25');
    assert.deepEqual(diffusers.nameRange, { start: { line: 6, character: 0 }, end: { line: 6, character: 9 } });
    assert.deepEqual(diffusers.specifierRange, { start: { line: 6, character: 13 }, end: { line: 6, character: 18 } });
    assert.equal(diffusers.scope.kind, 'poetry');
    assert.equal(diffusers.scope.table, 'tool.poetry.dependencies');
    const [hub] = poetry('huggingface-hub');
    assert.equal(hub.specifier, '>=0.20.3,<0.21.0');
    assert.equal(at(text, hub.specifierRange), '~0.20.3');
    const [transformers] = poetry('transformers');
    assert.equal(transformers.specifier, '');
    assert.equal(transformers.originalSpecifier, '*');
  });

  test('table form: version, extras, source; quoted keys point inside the quotes', () => {
    const [torch] = poetry('torch');
    assert.equal(torch.specifier, '>=2.1,<3.0');
    assert.deepEqual(torch.extras, ['opt-einsum']);
    assert.equal(torch.source, 'pytorch');
    assert.equal(at(text, torch.nameRange), 'torch');
    assert.equal(at(text, torch.specifierRange), '^2.1');
    assert.equal(at(text, torch.range), torch.text);
    assert.ok(torch.text.startsWith('torch = {'));
    const [pillow] = poetry('pillow');
    assert.equal(pillow.name, 'Pillow');
    assert.equal(at(text, pillow.nameRange), 'Pillow');
    assert.equal(pillow.specifier, '>=10,<11');
    assert.equal(pillow.originalSpecifier, undefined);
  });

  test('multiple-constraint lists give one requirement per element with python markers', () => {
    const numpy = poetry('numpy');
    assert.deepEqual(numpy.map((r) => [r.specifier, r.marker, at(text, r.specifierRange)]), [
      ['<2', 'python_version < "3.12"', '<2'],
      ['>=2', 'python_version >= "3.12"', '>=2'],
    ]);
    assert.deepEqual(numpy.map((r) => at(text, r.nameRange)), ['numpy', 'numpy']);
    assert.equal(at(text, numpy[1].range), '{ version = ">=2", python = ">=3.12" }');
  });

  test('an || union keeps the original and claims no PEP 440 specifier', () => {
    const [safetensors] = poetry('safetensors');
    assert.equal(safetensors.specifier, '');
    assert.equal(safetensors.originalSpecifier, '^0.4 || ^0.5');
  });

  test('git dependencies and sub-table headers', () => {
    const [mylib] = poetry('mylib');
    assert.equal(mylib.url, 'git+https://github.com/acme/mylib.git@v1.2');
    assert.equal(mylib.specifier, '');
    assert.deepEqual(mylib.specifierRange.start, mylib.nameRange.end);
    const [xformers] = poetry('xformers');
    assert.equal(xformers.specifier, '==0.0.23');
    assert.equal(xformers.marker, "sys_platform == 'linux'");
    assert.equal(at(text, xformers.nameRange), 'xformers');
    assert.equal(at(text, xformers.specifierRange), '0.0.23');
  });

  test('groups, legacy dev-dependencies and sources', () => {
    const [pytest] = poetry('pytest');
    assert.deepEqual(pytest.scope, { kind: 'poetry-group', name: 'dev', table: 'tool.poetry.group.dev.dependencies' });
    const [black] = poetry('black');
    assert.deepEqual(black.scope, { kind: 'poetry-group', name: 'dev', table: 'tool.poetry.dev-dependencies' });
    assert.deepEqual(m.indexes.map((i) => [i.kind, i.name, i.url]), [
      ['poetry-source', 'pytorch', 'https://download.pytorch.org/whl/cu121'],
    ]);
  });
});

describe('parsePyproject: equivalent TOML layouts', () => {
  const summary = (text: string): string[] => {
    const m = parsePyproject('p.toml', text);
    assert.deepEqual(m.findings, []);
    return m.requirements.map((r) => `${r.scope.kind}/${r.scope.name ?? ''}/${r.name}${r.specifier}/${at(text, r.nameRange)}`);
  };
  const expected = ['project//torch>=2/torch', 'optional/gpu/triton==2.2/triton'];

  test('[project] table, dotted keys and inline tables read the same', () => {
    assert.deepEqual(summary('[project]\ndependencies = ["torch>=2"]\noptional-dependencies.gpu = ["triton==2.2"]\n'), expected);
    assert.deepEqual(summary('project.dependencies = ["torch>=2"]\nproject.optional-dependencies = { gpu = ["triton==2.2"] }\n'), expected);
    assert.deepEqual(summary('project = { dependencies = ["torch>=2"], optional-dependencies = { gpu = ["triton==2.2"] } }\n'), expected);
    assert.deepEqual(summary('[project.optional-dependencies]\ngpu = ["triton==2.2"]\n[project]\ndependencies = ["torch>=2"]\n'),
      expected);
  });

  test('characters are UTF-16 units: astral characters earlier on the line count twice', () => {
    const text = 'project = { description = "\u{1F680}\u{1F680}", dependencies = ["torch>=2"] }\n';
    const [torch] = parsePyproject('p.toml', text).requirements;
    assert.deepEqual(torch.nameRange, { start: { line: 0, character: 51 }, end: { line: 0, character: 56 } });
    assert.equal(at(text, torch.nameRange), 'torch');
  });

  test('poetry dotted keys, uv sources via sub-tables and array-of-tables indexes', () => {
    const text = '[tool]\npoetry.dependencies.torch = "^2.1"\n[tool.uv.sources.jax]\nindex = "tpu"\n';
    const m = parsePyproject('p.toml', text);
    assert.deepEqual(m.findings, []);
    assert.equal(m.requirements[0].specifier, '>=2.1,<3.0');
    assert.equal(at(text, m.requirements[0].nameRange), 'torch');
    assert.deepEqual(m.uvSources.map((s) => [s.package, s.index]), [['jax', 'tpu']]);
  });

  test('uv sources restricted by extra or group only apply there', () => {
    const text = [
      '[project]', 'dependencies = ["torch"]', 'optional-dependencies.cu = ["torch"]',
      '[tool.uv.sources]', 'torch = [{ index = "cu121", extra = "cu" }]', '',
    ].join('\n');
    const m = parsePyproject('p.toml', text);
    assert.deepEqual(m.requirements.map((r) => [r.scope.kind, r.source]), [['project', undefined], ['optional', 'cu121']]);
  });
});

describe('parsePyproject: broken input', () => {
  test('malformed TOML is one toml-syntax error at the parser position and nothing else', () => {
    const text = '[project]\ndependencies = [\n  "torch>=2",\n  "numpy" "scipy",\n]\n';
    const m = parsePyproject('p.toml', text);
    assert.equal(m.findings.length, 1);
    const [f] = m.findings;
    assert.equal(f.code, 'toml-syntax');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^Invalid TOML: /);
    assert.deepEqual(f.range.start, { line: 3, character: 10 });
    assert.deepEqual(m.requirements, []);
  });

  test('unterminated string and bare CR', () => {
    const m = parsePyproject('p.toml', 'a = "x\nb = 1\n');
    assert.deepEqual(m.findings.map((f) => [f.code, f.range.start]), [['toml-syntax', { line: 0, character: 6 }]]);
    const cr = parsePyproject('p.toml', '# x\rdependencies = []\n');
    assert.deepEqual(cr.findings.map((f) => [f.code, f.range.start]), [['toml-syntax', { line: 0, character: 3 }]]);
    assert.match(cr.findings[0].message, /carriage return/);
  });

  test('wrong types are pyproject-schema warnings at the value, and reading continues', () => {
    const text = [
      '[project]', 'dependencies = "torch"', 'optional-dependencies.gpu = ["triton", 3, { a = 1 }]',
      'requires-python = 3.10', '[dependency-groups]', 'dev = ["pytest", { include-group = 5 }]',
      '[tool.poetry.dependencies]', 'numpy = 2', 'scipy = "^1.11"', '',
    ].join('\n');
    const m = parsePyproject('p.toml', text);
    assert.deepEqual(m.findings.map((f) => [f.code, f.severity, at(text, f.range)]), [
      ['pyproject-schema', 'warning', '"torch"'],
      ['pyproject-schema', 'warning', '3'],
      ['pyproject-schema', 'warning', '{ a = 1 }'],
      ['pyproject-schema', 'warning', '3.10'],
      ['pyproject-schema', 'warning', '{ include-group = 5 }'],
      ['pyproject-schema', 'warning', '2'],
    ]);
    assert.deepEqual(m.requirements.map((r) => r.name), ['triton', 'pytest', 'scipy']);
  });

  test('invalid PEP 508 strings and Poetry constraints are requirement-syntax findings at the string', () => {
    const text = '[project]\ndependencies = ["torch>=>2", "numpy"]\n[tool.poetry.dependencies]\nscipy = "^^1"\n';
    const m = parsePyproject('p.toml', text);
    assert.deepEqual(m.findings.map((f) => [f.code, at(text, f.range)]), [
      ['requirement-syntax', 'torch>=>2'], ['requirement-syntax', '^^1'],
    ]);
    assert.deepEqual(m.requirements.map((r) => r.name), ['numpy', 'scipy']);
  });

  test('10,000-deep arrays and inline tables do not crash', () => {
    for (const text of [
      `x = ${'['.repeat(10000)}${']'.repeat(10000)}\n`,
      `x = ${'{a='.repeat(10000)}1${'}'.repeat(10000)}\n`,
      `[tool.ml-pins]\nx = ${'['.repeat(10000)}${']'.repeat(10000)}\n`,
    ]) {
      const m = parsePyproject('p.toml', text);
      assert.deepEqual(m.findings.map((f) => f.code), ['toml-syntax']);
      assert.match(m.findings[0].message, /too deep/);
    }
    // Moderate nesting is fine, including through the tool config's static value.
    const ok = parsePyproject('p.toml', `[tool.ml-pins]\nx = ${'['.repeat(200)}${']'.repeat(200)}\n`);
    assert.deepEqual(ok.findings, []);
  });

  test('never throws on arbitrary prefixes of a real file', () => {
    const text = fixture('uv-project.toml') + fixture('poetry-project.toml').replace('[tool.poetry]', '[tool.poetry2]');
    for (let cut = 0; cut <= text.length; cut += 7) {
      const m = parsePyproject('p.toml', text.slice(0, cut));
      assert.ok(Array.isArray(m.findings));
    }
  });
});

describe('parsePyproject: uv sources split by platform marker', () => {
  // uv's PyTorch guide: one requirement per platform, each bound to its platform's index by a marker-split source.
  const text = `[project]
name = "x"
version = "0.1"
dependencies = [
    "torch==2.7.0+cu128; platform_system == 'Linux'",
    "torch==2.7.0+cpu; platform_system == 'Windows'",
    "torch==2.7.0; platform_system == 'Darwin'",
    "torchvision>=0.22",
]

[tool.uv.sources]
torch = [
    { index = "pytorch-cpu", marker = "platform_system == 'Windows'" },
    { index = "pytorch-cu128", marker = "platform_system == 'Linux'" },
]
torchvision = [
    { index = "pytorch-cpu", marker = "sys_platform == 'win32'" },
    { index = "pytorch-cu128", marker = "sys_platform == 'linux'" },
]
`;
  const m = parsePyproject('pyproject.toml', text);
  const torch = m.requirements.filter((r) => r.normalizedName === 'torch');

  test('a requirement whose own marker picks one platform takes that platform\'s index', () => {
    assert.deepEqual(torch.map((r) => [r.specifier, r.source]), [
      ['==2.7.0+cu128', 'pytorch-cu128'],
      ['==2.7.0+cpu', 'pytorch-cpu'],
      // On macOS no entry applies: uv reads its default index, as before.
      ['==2.7.0', undefined],
    ]);
  });

  test('a requirement installed on every platform keeps no single index', () => {
    assert.equal(find(m.requirements, 'torchvision').source, undefined);
  });
});
