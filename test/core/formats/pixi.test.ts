// pixi.toml end to end: the format reads [pypi-dependencies] and each [feature.<name>.pypi-dependencies] with exact
// ranges, each feature is an environment of its own, findings land on the pin's characters, and fixes rewrite pins.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixProject } from '../../../src/core/engine/apply';
import { environmentsOf } from '../../../src/core/engine/environment';
import { detectManifestKind, parseManifest } from '../../../src/core/formats';
import { parsePixi } from '../../../src/core/formats/pixi';
import { LineIndex } from '../../../src/core/text';
import type { ParsedManifest, Range, Requirement } from '../../../src/core/types';
import { check, findings, ROOT, toInput } from '../engine/helpers';

function at(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

function find(m: ParsedManifest, name: string, feature?: string): Requirement {
  const r = m.requirements.find((q) => q.normalizedName === name && q.scope.name === feature);
  assert.ok(r, `no requirement ${name}${feature ? ` in feature ${feature}` : ''}`);
  return r;
}

// The shape `pixi init` writes, with PyPI dependencies in the default feature and two features on top.
const PIXI = `[workspace]
name = "sd-server"
channels = ["conda-forge"]
platforms = ["linux-64", "osx-arm64"]

[dependencies]
python = ">=3.10,<3.12"

[pypi-dependencies]
diffusers = ">=0.21.0"
transformers = { version = " >=4.35 ", extras = ["torch", "sentencepiece"] }
numpy = "*"
mylib = { path = "./mylib", editable = true }

[pypi-options]
extra-index-urls = ["https://pypi.example.org/simple"]

[feature.cuda.pypi-dependencies]
torch = { version = "==2.2.0+cu121", index = "https://download.pytorch.org/whl/cu121" }

[feature.legacy.pypi-dependencies]
huggingface-hub = ">=0.26.0"

[environments]
cuda = ["cuda"]
legacy = ["legacy"]
`;

describe('pixi.toml: reading', () => {
  test('pixi.toml is its own kind, in any folder; other TOML files are not', () => {
    assert.equal(detectManifestKind('pixi.toml'), 'pixi');
    assert.equal(detectManifestKind('services/api/pixi.toml'), 'pixi');
    assert.equal(detectManifestKind('pixi.lock'), undefined);
    assert.equal(parseManifest('pixi.toml', PIXI).kind, 'pixi');
  });

  test('each entry has its name, specifier and whole-entry ranges on the exact characters', () => {
    const m = parsePixi('pixi.toml', PIXI);
    assert.deepEqual(m.findings, []);
    const diffusers = find(m, 'diffusers');
    assert.equal(diffusers.specifier, '>=0.21.0');
    assert.equal(at(PIXI, diffusers.nameRange), 'diffusers');
    assert.equal(at(PIXI, diffusers.specifierRange), '>=0.21.0');
    assert.equal(at(PIXI, diffusers.range), 'diffusers = ">=0.21.0"');
    const transformers = find(m, 'transformers');
    assert.deepEqual(transformers.extras, ['torch', 'sentencepiece']);
    assert.equal(transformers.specifier, '>=4.35');
    assert.equal(at(PIXI, transformers.specifierRange), '>=4.35', 'the blanks inside the string are not part of it');
    const numpy = find(m, 'numpy');
    assert.equal(numpy.specifier, '');
    assert.equal(at(PIXI, numpy.specifierRange), '*', 'a fix writes over the star');
    const mylib = find(m, 'mylib');
    assert.equal(mylib.url, './mylib');
    assert.equal(mylib.editable, true);
    assert.equal(m.requiresPython?.specifier, '>=3.10,<3.12');
    assert.equal(at(PIXI, m.requiresPython!.range), '>=3.10,<3.12');
  });

  test('feature dependencies carry their feature; a per-package index serves that package only', () => {
    const m = parsePixi('pixi.toml', PIXI);
    const torch = find(m, 'torch', 'cuda');
    assert.equal(torch.specifier, '==2.2.0+cu121');
    assert.equal(torch.source, 'https://download.pytorch.org/whl/cu121');
    assert.equal(find(m, 'huggingface-hub', 'legacy').specifier, '>=0.26.0');
    const perPackage = m.indexes.find((i) => i.url === 'https://download.pytorch.org/whl/cu121');
    assert.equal(perPackage?.explicit, true);
    assert.equal(at(PIXI, perPackage!.range), 'https://download.pytorch.org/whl/cu121');
    const extra = m.indexes.find((i) => i.kind === 'extra-index-url' && !i.explicit);
    assert.equal(extra?.url, 'https://pypi.example.org/simple');
  });

  test('the default feature alone, and each feature on top of it, are the environments', () => {
    const envs = environmentsOf(parsePixi('pixi.toml', PIXI));
    assert.deepEqual(envs.map((e) => e.label), [
      'pixi.toml [pypi-dependencies]',
      'pixi.toml [pypi-dependencies] + feature "cuda"',
      'pixi.toml [pypi-dependencies] + feature "legacy"',
    ]);
    assert.deepEqual([...envs[0].packages.keys()], ['diffusers', 'transformers', 'numpy', 'mylib']);
    assert.ok(envs[1].packages.has('torch') && !envs[1].packages.has('huggingface-hub'));
    assert.ok(envs[2].packages.has('huggingface-hub') && !envs[2].packages.has('torch'));
    assert.equal(envs[1].installer.name, 'pixi');
    assert.deepEqual(envs[0].indexes.map((i) => i.url), ['https://pypi.example.org/simple']);
  });

  test('a version that is not PEP 440 and a value of the wrong type are reported at their characters', () => {
    const text = '[pypi-dependencies]\ntorch = "^2.1"\nnumpy = 2\n';
    const m = parsePixi('pixi.toml', text);
    const bad = m.findings.find((f) => f.code === 'requirement-syntax');
    assert.ok(bad);
    assert.equal(at(text, bad.range), '^2.1');
    const schema = m.findings.find((f) => f.code === 'pixi-schema');
    assert.ok(schema);
    assert.equal(at(text, schema.range), '2');
    assert.equal(find(m, 'torch').specifier, '');
  });

  test('broken TOML is one toml-syntax finding, nothing else', () => {
    const m = parsePixi('pixi.toml', '[pypi-dependencies]\ntorch = ">=2\n');
    assert.deepEqual(m.findings.map((f) => f.code), ['toml-syntax']);
    assert.deepEqual(m.requirements, []);
  });
});

describe('pixi.toml through the engine', () => {
  test('diffusers>=0.21.0 admits releases that import cached_download: flagged at the entry, once for all environments', async () => {
    const all = findings(await check({ 'pixi.toml': PIXI }));
    const hits = all.filter((f) => f.code === 'hf-hub-cached-download');
    assert.equal(hits.length, 1, all.map((f) => f.code).join(', '));
    const hit = hits[0];
    assert.equal(hit.path, 'pixi.toml');
    assert.equal(at(PIXI, hit.range), 'diffusers = ">=0.21.0"');
    assert.match(hit.message, /huggingface_hub 0\.26\.0 removed it/);
  });

  test('the preferred fix rewrites the pin inside its string and the finding is gone', async () => {
    const { changed, result } = await fixProject(toInput({ 'pixi.toml': PIXI }), { only: (f) => f.code === 'hf-hub-cached-download' });
    const text = changed.get(`${ROOT}/pixi.toml`);
    assert.equal(text, PIXI.replace('diffusers = ">=0.21.0"', 'diffusers = ">=0.29.0"'));
    assert.deepEqual(findings(result).filter((f) => f.code === 'hf-hub-cached-download'), []);
  });

  test('a star is replaced by a specifier, and a table entry keeps its other keys', async () => {
    const text = '[pypi-dependencies]\nnumpy = "*"\n\n[feature.gpu.pypi-dependencies]\ntorch = { version = "==2.2.0", extras = ["opt-einsum"] }\n';
    const { changed } = await fixProject(toInput({ 'pixi.toml': text }), { only: (f) => f.code === 'numpy2-abi-torch' });
    const after = changed.get(`${ROOT}/pixi.toml`);
    assert.ok(after, 'a fix was applied');
    assert.match(after, /^torch = \{ version = "==2\.3\.0", extras = \["opt-einsum"\] \}$/m);
  });
});

// pixi's PyTorch guide splits the CUDA build per platform: [target.<platform>.pypi-dependencies] (pixi.prefix.dev,
// "Multi Platform"; selectors as pixi_manifest's TargetSelector reads them: a platform name, or linux / osx / win / unix).
const TARGETS = `[workspace]
name = "vision"
channels = ["conda-forge"]
platforms = ["linux-64", "osx-arm64", "win-64"]

[dependencies]
python = "3.11.*"

[pypi-dependencies]
transformers = ">=4.46"
torch = "==2.2.0"

[target.linux-64.pypi-dependencies]
torch = { version = "==2.3.0", index = "https://download.pytorch.org/whl/cu121" }
torchvision = { version = "==0.18.0", index = "https://download.pytorch.org/whl/cu121" }

[target.osx.pypi-dependencies]
torchvision = "==0.17.0"

[feature.gpu.target.unix.pypi-dependencies]
xformers = ">=0.0.28"

[target.emscripten-wasm32.pypi-dependencies]
torch = "==1.0.0"
`;

describe('pixi.toml: per-platform tables', () => {
  test('each target entry is read on its exact characters, bound to its platform by a marker', () => {
    const m = parsePixi('/p/pixi.toml', TARGETS);
    const rows = m.requirements.map((q) => [q.name, q.specifier, q.marker, q.scope.name, q.scope.table, at(TARGETS, q.specifierRange)]);
    assert.deepEqual(rows, [
      ['transformers', '>=4.46', undefined, undefined, 'pypi-dependencies', '>=4.46'],
      // The default entry applies where the linux-64 one does not (a target replaces it on its platform).
      ['torch', '==2.2.0', "sys_platform != 'linux' or platform_machine != 'x86_64'", undefined, 'pypi-dependencies', '==2.2.0'],
      ['torch', '==2.3.0', "sys_platform == 'linux' and platform_machine == 'x86_64'", undefined, 'target.linux-64.pypi-dependencies', '==2.3.0'],
      ['torchvision', '==0.18.0', "sys_platform == 'linux' and platform_machine == 'x86_64'", undefined, 'target.linux-64.pypi-dependencies', '==0.18.0'],
      ['torchvision', '==0.17.0', "sys_platform == 'darwin'", undefined, 'target.osx.pypi-dependencies', '==0.17.0'],
      ['xformers', '>=0.0.28', "sys_platform != 'win32'", 'gpu', 'feature.gpu.target.unix.pypi-dependencies', '>=0.0.28'],
      // emscripten-wasm32: where it applies is not known here, so it is not read.
    ]);
    assert.equal(find(m, 'torch').source, undefined);
    assert.equal(m.requirements[2].source, 'https://download.pytorch.org/whl/cu121');
    assert.deepEqual(m.findings, []);
  });

  test('a break only a platform table brings is found; a target that replaces the default entry is no contradiction', async () => {
    // (Without the macOS torchvision: a requires rule judges all of a package's marker branches together.)
    const mismatch = TARGETS.replace('torch = { version = "==2.3.0"', 'torch = { version = "==2.2.0"').replace('[target.osx.pypi-dependencies]\ntorchvision = "==0.17.0"\n', '');
    const found = findings(await check({ 'pixi.toml': mismatch }));
    const f = found.find((x) => x.code === 'torchvision-torch-mismatch');
    assert.ok(f, JSON.stringify(found.map((x) => x.code)));
    assert.equal(at(mismatch, f.range), 'torchvision = { version = "==0.18.0", index = "https://download.pytorch.org/whl/cu121" }');
    // torch==2.2.0 by default and ==2.3.0 on linux-64: one per platform, never both.
    const clean = findings(await check({ 'pixi.toml': TARGETS }));
    assert.deepEqual(clean.filter((x) => x.code === 'conflicting-pins' || x.code === 'torchvision-torch-mismatch'), []);
    // On Windows the linux-64 table does not apply: torchvision is not there at all.
    const windows = findings(await check({ 'pixi.toml': mismatch }, { platform: 'windows' }));
    assert.deepEqual(windows.filter((x) => x.code === 'torchvision-torch-mismatch'), []);
  });
});

describe('pyproject.toml [tool.pixi]: the same tables, read by the same reader', () => {
  // pixi's pyproject layout (pixi.prefix.dev, "pyproject.toml"): [project] dependencies, tables under [tool.pixi].
  const PYPROJECT = `[project]
name = "vision"
version = "0.1.0"
requires-python = ">=3.11,<3.13"
dependencies = ["transformers>=4.46", "torch==2.2.0"]

[tool.pixi.workspace]
channels = ["conda-forge"]
platforms = ["linux-64", "osx-arm64"]

[tool.pixi.pypi-dependencies]
vision = { path = ".", editable = true }

[tool.pixi.target.linux-64.pypi-dependencies]
torch = { version = "==2.3.0", index = "https://download.pytorch.org/whl/cu121" }
torchvision = { version = "==0.18.0", index = "https://download.pytorch.org/whl/cu121" }
`;
  test('the per-platform entries are read with their marker, on their exact characters; pixi installs it', () => {
    const m = parseManifest('/p/pyproject.toml', PYPROJECT);
    const pixi = m.requirements.filter((q) => q.scope.kind === 'pixi-pypi');
    assert.deepEqual(pixi.map((q) => [q.name, q.marker, q.scope.table, at(PYPROJECT, q.specifierRange)]), [
      ['vision', undefined, 'tool.pixi.pypi-dependencies', ''],
      ['torch', "sys_platform == 'linux' and platform_machine == 'x86_64'", 'tool.pixi.target.linux-64.pypi-dependencies', '==2.3.0'],
      ['torchvision', "sys_platform == 'linux' and platform_machine == 'x86_64'", 'tool.pixi.target.linux-64.pypi-dependencies', '==0.18.0'],
    ]);
    assert.equal(pixi[1].source, 'https://download.pytorch.org/whl/cu121');
    // The [project] pin is left as written: `pip install .` reads it too.
    assert.equal(m.requirements.find((q) => q.scope.kind === 'project' && q.name === 'torch')?.marker, undefined);
    const envs = environmentsOf(m, {});
    assert.deepEqual(envs.map((e) => e.label), ['pyproject.toml [project] dependencies', 'pyproject.toml [tool.pixi] pypi-dependencies']);
  });
  test('the linux-64 torch replaces the [project] one there: no contradiction; a torchvision for another torch is found', async () => {
    const clean = findings(await check({ 'pyproject.toml': PYPROJECT }));
    assert.deepEqual(clean.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.range.start.line} ${f.code}`),
      ['4 numpy2-abi-torch']); // the [project] torch==2.2.0 with numpy 2, wherever it applies
    const broken = findings(await check({ 'pyproject.toml': PYPROJECT.replace('version = "==2.3.0"', 'version = "==2.2.0"') }));
    const f = broken.find((x) => x.code === 'torchvision-torch-mismatch');
    assert.ok(f, JSON.stringify(broken.map((x) => x.code)));
    assert.equal(f.range.start.line, 15);
  });
});
