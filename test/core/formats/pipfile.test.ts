import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parsePipfile } from '../../../src/core/formats/pipfile';
import { detectManifestKind, parseManifest } from '../../../src/core/formats';
import { insertAfter } from '../../../src/core/engine/edits';
import { environmentsOf } from '../../../src/core/engine/environment';
import { applyEdits } from '../../../src/core/engine/apply';
import { LineIndex } from '../../../src/core/text';
import type { ParsedManifest, Range, Requirement } from '../../../src/core/types';

/** The document text a range covers. */
function at(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

function find(m: ParsedManifest, name: string): Requirement {
  const r = m.requirements.find((q) => q.normalizedName === name);
  assert.ok(r, `no requirement ${name}`);
  return r;
}

const PIPFILE = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[[source]]
url = "https://download.pytorch.org/whl/cu121"
verify_ssl = true
name = "pytorch"

[packages]
requests = "*"
diffusers = "==0.27.0"
"Flask" = ">=1, <2"
torch = {version = "==2.2.0+cu121", index = "pytorch"}
transformers = {version = " >=4.38 ", extras = ["torch", "sentencepiece"], markers = "python_version < '3.10'", sys_platform = "== 'linux'"}
mylib = {git = "https://github.com/acme/mylib.git", ref = "v1.2", editable = true}
local = {path = "./local", editable = true}
wheel = {file = "https://example.com/wheel-1.0-py3-none-any.whl"}
bare = "2.0"
escaped = "\\u003d=1.0"

[dev-packages]
pytest = "*"
ipython = {version = "*", platform_machine = "x86_64"}

[requires]
python_version = "3.10"
`;

describe('parsePipfile: entry forms', () => {
  const m = parsePipfile('Pipfile', PIPFILE);

  test('reads [packages] and [dev-packages] with their scopes, and nothing is wrong', () => {
    assert.deepEqual(m.findings, []);
    assert.equal(m.kind, 'pipfile');
    assert.deepEqual(m.requirements.map((r) => `${r.scope.kind}:${r.normalizedName}`), [
      'pipfile:requests', 'pipfile:diffusers', 'pipfile:flask', 'pipfile:torch', 'pipfile:transformers', 'pipfile:mylib',
      'pipfile:local', 'pipfile:wheel', 'pipfile:bare', 'pipfile:escaped', 'pipfile-dev:pytest', 'pipfile-dev:ipython',
    ]);
    assert.equal(find(m, 'requests').scope.table, 'packages');
    assert.equal(find(m, 'pytest').scope.table, 'dev-packages');
  });

  test('a string entry: exact name, specifier and whole-entry ranges', () => {
    const d = find(m, 'diffusers');
    assert.equal(d.specifier, '==0.27.0');
    assert.deepEqual(d.range, { start: { line: 12, character: 0 }, end: { line: 12, character: 22 } });
    assert.deepEqual(d.nameRange, { start: { line: 12, character: 0 }, end: { line: 12, character: 9 } });
    assert.deepEqual(d.specifierRange, { start: { line: 12, character: 13 }, end: { line: 12, character: 21 } });
    assert.equal(d.text, 'diffusers = "==0.27.0"');
    const flask = find(m, 'flask');
    assert.equal(flask.name, 'Flask');
    assert.equal(at(PIPFILE, flask.nameRange), 'Flask');
    assert.equal(at(PIPFILE, flask.specifierRange), '>=1, <2');
    assert.equal(at(PIPFILE, flask.range), '"Flask" = ">=1, <2"');
  });

  test('"*" is unconstrained and its specifierRange is the star', () => {
    const r = find(m, 'requests');
    assert.equal(r.specifier, '');
    assert.equal(r.originalSpecifier, '*');
    assert.deepEqual(r.specifierRange, { start: { line: 11, character: 12 }, end: { line: 11, character: 13 } });
    assert.equal(at(PIPFILE, r.specifierRange), '*');
  });

  test('inline tables: version, index, extras, markers and marker keys', () => {
    const torch = find(m, 'torch');
    assert.equal(torch.specifier, '==2.2.0+cu121');
    assert.equal(torch.source, 'pytorch');
    assert.equal(at(PIPFILE, torch.specifierRange), '==2.2.0+cu121');
    assert.equal(at(PIPFILE, torch.range), 'torch = {version = "==2.2.0+cu121", index = "pytorch"}');
    const t = find(m, 'transformers');
    assert.equal(t.specifier, '>=4.38');
    assert.equal(at(PIPFILE, t.specifierRange), '>=4.38', 'blanks inside the string stay out of the range');
    assert.deepEqual(t.extras, ['torch', 'sentencepiece']);
    assert.equal(t.marker, "(python_version < '3.10') and (sys_platform == 'linux')");
    const ipython = find(m, 'ipython');
    assert.equal(ipython.marker, 'platform_machine == "x86_64"', 'a marker key without an operator means ==');
  });

  test('git, path and file entries are url requirements without a version', () => {
    const git = find(m, 'mylib');
    assert.equal(git.url, 'git+https://github.com/acme/mylib.git@v1.2');
    assert.equal(git.specifier, '');
    assert.equal(git.editable, true);
    assert.deepEqual(git.specifierRange, { start: git.nameRange.end, end: git.nameRange.end });
    assert.equal(find(m, 'local').url, './local');
    assert.equal(find(m, 'wheel').url, 'https://example.com/wheel-1.0-py3-none-any.whl');
  });

  test('a bare version means ==, and escapes map to the raw characters', () => {
    const bare = find(m, 'bare');
    assert.equal(bare.specifier, '==2.0');
    assert.equal(bare.originalSpecifier, '2.0');
    assert.equal(at(PIPFILE, bare.specifierRange), '2.0');
    const escaped = find(m, 'escaped');
    assert.equal(escaped.specifier, '==1.0');
    assert.equal(at(PIPFILE, escaped.specifierRange), '\\u003d=1.0');
  });

  test('[[source]]: the first is the index-url, the others extra indexes, with names and url ranges', () => {
    assert.deepEqual(m.indexes.map((i) => [i.kind, i.name, i.url]), [
      ['index-url', 'pypi', 'https://pypi.org/simple'],
      ['extra-index-url', 'pytorch', 'https://download.pytorch.org/whl/cu121'],
    ]);
    assert.equal(at(PIPFILE, m.indexes[1].range), 'https://download.pytorch.org/whl/cu121');
    assert.equal(m.indexes[1].range.start.line, 6);
  });

  test('[requires] python_version gives ==X.Y.*', () => {
    assert.equal(m.requiresPython?.specifier, '==3.10.*');
    assert.equal(at(PIPFILE, m.requiresPython!.range), '3.10');
  });
});

describe('parsePipfile: other layouts and problems', () => {
  test('python_full_version wins and gives an exact version', () => {
    const m = parsePipfile('Pipfile', '[requires]\npython_version = "3.10"\npython_full_version = "3.10.4"\n');
    assert.equal(m.requiresPython?.specifier, '==3.10.4');
    assert.deepEqual(m.requiresPython?.range, { start: { line: 2, character: 23 }, end: { line: 2, character: 29 } });
  });

  test('a [packages.name] sub-table and dotted keys are read like inline tables', () => {
    const text = '[packages]\nnumpy.version = "<2"\n\n[packages.torch]\nversion = "==2.1.0"\nindex = "pytorch"\n';
    const m = parsePipfile('Pipfile', text);
    assert.deepEqual(m.findings, []);
    const numpy = find(m, 'numpy');
    assert.equal(numpy.specifier, '<2');
    assert.equal(at(text, numpy.range), 'numpy.version = "<2"');
    const torch = find(m, 'torch');
    assert.equal(torch.specifier, '==2.1.0');
    assert.equal(torch.source, 'pytorch');
    assert.equal(at(text, torch.nameRange), 'torch');
    assert.equal(at(text, torch.specifierRange), '==2.1.0');
  });

  test('an invalid version is a requirement-syntax finding at the string; the package stays unconstrained', () => {
    const text = '[packages]\ntorch = "=>2.0"\n';
    const m = parsePipfile('Pipfile', text);
    assert.equal(m.findings.length, 1);
    assert.equal(m.findings[0].code, 'requirement-syntax');
    assert.equal(at(text, m.findings[0].range), '=>2.0');
    assert.equal(find(m, 'torch').specifier, '');
  });

  test('an invalid marker is reported and left out', () => {
    const text = '[packages]\ntorch = {version = "*", markers = "python_version <"}\n';
    const m = parsePipfile('Pipfile', text);
    assert.deepEqual(m.findings.map((f) => [f.code, at(text, f.range)]), [['requirement-syntax', 'python_version <']]);
    assert.equal(find(m, 'torch').marker, undefined);
  });

  test('wrong types are schema warnings and reading goes on', () => {
    const text = '[packages]\ntorch = 2\nnumpy = "<2"\nscipy = {version = 1}\n\n[requires]\npython_version = "three"\n';
    const m = parsePipfile('Pipfile', text);
    assert.deepEqual(m.findings.map((f) => [f.code, f.severity, at(text, f.range)]), [
      ['pipfile-schema', 'warning', 'three'],
      ['pipfile-schema', 'warning', '2'],
      ['pipfile-schema', 'warning', '1'],
    ]);
    assert.deepEqual(m.requirements.map((r) => r.normalizedName), ['numpy', 'scipy']);
    assert.equal(m.requiresPython, undefined);
  });

  test('a [[source]] without url is a schema warning and does not shift the default index', () => {
    const m = parsePipfile('Pipfile', '[[source]]\nname = "x"\n\n[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\n');
    assert.deepEqual(m.findings.map((f) => f.code), ['pipfile-schema']);
    assert.deepEqual(m.indexes.map((i) => i.kind), ['index-url']);
  });

  test('broken TOML is one toml-syntax finding and nothing else', () => {
    const m = parsePipfile('Pipfile', '[packages]\ntorch = "==2.0\nnumpy = "*"\n');
    assert.equal(m.findings.length, 1);
    assert.equal(m.findings[0].code, 'toml-syntax');
    assert.equal(m.findings[0].range.start.line, 1);
    assert.deepEqual(m.requirements, []);
    assert.deepEqual(m.indexes, []);
  });

  test('never throws, whatever the text', () => {
    const inputs = ['', '\ufeff', '[packages', '[packages]\n= "*"', '[[packages]]\nx = "*"', 'packages = 1',
      'source = "x"', '[requires]\npython_version = 3', '[packages]\nx = {version = "*", sys_platform = 1}',
      '['.repeat(5000), '[packages]\nx = {' + 'a = {'.repeat(600), '[packages]\r\nx = "*"\r', '[packages]\nx = """*"""'];
    for (const text of inputs) {
      assert.doesNotThrow(() => parsePipfile('Pipfile', text), JSON.stringify(text.slice(0, 40)));
    }
  });
});

describe('Pipfile detection, environments and insertion', () => {
  test('Pipfile is detected by its exact name and dispatched', () => {
    assert.equal(detectManifestKind('/p/Pipfile'), 'pipfile');
    assert.equal(detectManifestKind('C:\\p\\pipfile'), 'pipfile');
    assert.equal(detectManifestKind('/p/Pipfile.lock'), undefined);
    assert.equal(parseManifest('/p/Pipfile', '[packages]\ntorch = "*"\n').kind, 'pipfile');
  });

  test('two environments: [packages], and [packages] + [dev-packages]', () => {
    const m = parsePipfile('/p/Pipfile', PIPFILE);
    const envs = environmentsOf(m);
    assert.deepEqual(envs.map((e) => e.label), ['Pipfile [packages]', 'Pipfile [packages] + [dev-packages]']);
    assert.ok(!envs[0].packages.has('pytest'));
    assert.ok(envs[1].packages.has('pytest') && envs[1].packages.has('torch'));
    assert.equal(envs[0].indexes.length, 2);
    assert.equal(envs[0].python?.contains('3.10.2'), true);
  });

  test('a new requirement goes on its own line after the anchor, in Pipfile form', () => {
    const text = '[packages]\n  diffusers = "==0.27.0"  # pinned\nrequests = "*"\n';
    const m = parsePipfile('Pipfile', text);
    const anchor = find(m, 'diffusers');
    const apply = (req: string) => applyEdits(text, insertAfter(m, text, anchor, req)!).text;
    assert.equal(apply('huggingface_hub<0.26'),
      '[packages]\n  diffusers = "==0.27.0"  # pinned\n  huggingface_hub = "<0.26"\nrequests = "*"\n');
    assert.equal(apply('accelerate'), '[packages]\n  diffusers = "==0.27.0"  # pinned\n  accelerate = "*"\nrequests = "*"\n');
    assert.equal(apply('diffusers[torch]>=0.29; python_version >= \'3.9\''),
      '[packages]\n  diffusers = "==0.27.0"  # pinned\n  diffusers = {version = ">=0.29", extras = ["torch"], markers = "python_version >= \'3.9\'"}\nrequests = "*"\n');
    const crlf = text.replace(/\n/g, '\r\n');
    const m2 = parsePipfile('Pipfile', crlf);
    assert.equal(applyEdits(crlf, insertAfter(m2, crlf, find(m2, 'diffusers'), 'numpy<2')!).text,
      '[packages]\r\n  diffusers = "==0.27.0"  # pinned\r\n  numpy = "<2"\r\nrequests = "*"\r\n');
  });

  test('no insertion after a [packages.name] sub-table', () => {
    const text = '[packages.torch]\nversion = "==2.1.0"\n';
    const m = parsePipfile('Pipfile', text);
    assert.equal(insertAfter(m, text, find(m, 'torch'), 'numpy<2'), undefined);
  });
});
