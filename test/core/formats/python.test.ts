import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parsePythonFile } from '../../../src/core/formats/python';
import { LineIndex } from '../../../src/core/text';
import type { ParsedManifest, Range } from '../../../src/core/types';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/scripts/${name}`, import.meta.url), 'utf8');

function slice(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

/** scope name (or kind), block and requirement, in document order. */
function summary(m: ParsedManifest): string[] {
  return m.requirements.map((r) => `${r.scope.kind === 'pip-install' ? 'pip' : r.scope.name}#${r.scope.block}:${r.normalizedName}${r.specifier}`);
}

const names = (text: string): string[] => parsePythonFile('x.py', text).requirements.map((r) => r.name);

describe('parsePythonFile: module-level lists', () => {
  test('the seed project list, with ranges inside the quotes', () => {
    const url = new URL('../../../examples/seed-project/setup_ai_models.py', import.meta.url);
    const text = existsSync(url) ? readFileSync(url, 'utf8') : 'REQUIRED_PACKAGES = [\n    "transformers==4.30.0",\n    "diffusers>=0.21.0",\n]\n';
    const m = parsePythonFile('setup_ai_models.py', text);
    assert.equal(m.kind, 'python');
    const transformers = m.requirements.find((r) => r.normalizedName === 'transformers');
    assert.ok(transformers);
    assert.deepEqual(transformers.scope, { kind: 'python-list', name: 'REQUIRED_PACKAGES', block: 0 });
    assert.equal(slice(text, transformers.range), 'transformers==4.30.0');
    assert.equal(slice(text, transformers.specifierRange), '==4.30.0');
    assert.ok(m.requirements.some((r) => r.normalizedName === 'diffusers' && r.specifier === '>=0.21.0'));
    assert.deepEqual(m.findings, []);
  });

  test('arbitrary string lists are never taken', () => {
    assert.deepEqual(names('NAMES = ["alice", "bob"]'), [], 'nothing pinned');
    assert.deepEqual(names('GLOBS = ["*.py", "torch>=2"]'), [], 'an element is not a requirement');
    assert.deepEqual(names('MIXED = ["torch>=2", VERSION]'), [], 'an element is not a string');
    assert.deepEqual(names('F = [f"torch>={v}", "numpy>=1"]'), [], 'f-strings are not plain');
    assert.deepEqual(names('C = ["torch" ">=2", "numpy>=1"]'), [], 'implicit concatenation');
    assert.deepEqual(names('def f():\n    X = ["torch>=2"]\n'), [], 'not module level');
    assert.deepEqual(names('x.y = ["torch>=2"]\nZ = foo(["numpy>=1"])'), [], 'not a plain assignment');
    assert.deepEqual(names('"""\nA = ["torch>=2"]\n"""\n# B = ["numpy>=1"]\n'), [], 'strings and comments');
    assert.deepEqual(names('P = ("torch>=2")'), [], 'a parenthesized string is not a tuple');
  });

  test('lists, tuples, annotated assignments and dicts of lists are taken', () => {
    const text = 'A = ["torch>=2", \'numpy\']\nB: tuple[str, ...] = ("x==1",)\nC: list[str] = [\n  "y~=1.0",  # pinned\n]\n' +
      'REQS = {"sdxl": ["diffusers>=0.21.0"], "other": "x", \'gpu\': ("cupy>=13", "z")}\n';
    const m = parsePythonFile('x.py', text);
    assert.deepEqual(summary(m), ['A#0:torch>=2', 'A#0:numpy', 'B#1:x==1', 'C#2:y~=1.0', 'REQS.sdxl#3:diffusers>=0.21.0', 'REQS.gpu#4:cupy>=13', 'REQS.gpu#4:z']);
    for (const r of m.requirements) assert.equal(slice(text, r.range), r.text);
  });

  test('escapes are decoded and ranges map back to the raw characters', () => {
    const text = 'A = ["n\\x75mpy\\u003e=1.26", "tor\\\nch==2.1", r"pillow>=10"]\n';
    const m = parsePythonFile('x.py', text);
    assert.deepEqual(m.requirements.map((r) => [r.name, r.specifier]), [['numpy', '>=1.26'], ['torch', '==2.1'], ['pillow', '>=10']]);
    assert.equal(slice(text, m.requirements[0].nameRange), 'n\\x75mpy');
    assert.equal(slice(text, m.requirements[0].specifierRange), '\\u003e=1.26');
    assert.deepEqual(m.requirements[1].nameRange.start, { line: 0, character: 29 });
    assert.deepEqual(m.requirements[1].nameRange.end, { line: 1, character: 2 });
    assert.equal(slice(text, m.requirements[2].range), 'pillow>=10');
  });
});

describe('parsePythonFile: setup() keywords', () => {
  test('the setup.py fixture', () => {
    const text = fixture('setup.py');
    const m = parsePythonFile('pkg/setup.py', text);
    assert.deepEqual(summary(m), [
      'CORE#5:numpy', 'CORE#5:pillow',
      'EXTRAS.gpu#0:torch>=2.1,<2.4', 'EXTRAS.gpu#0:xformers==0.0.26.post1',
      'EXTRAS.docs#1:sphinx>=7',
      'setup_requires#2:setuptools-scm>=8',
      'dev#3:pytest>=8', 'dev#3:ruff',
      'hub#4:huggingface-hub>=0.23',
    ]);
    const hub = m.requirements[m.requirements.length - 1];
    assert.equal(slice(text, hub.specifierRange), '\\x3e=0.23');
    assert.equal(m.requirements[3].marker, "platform_system == 'Linux'");
    assert.deepEqual(m.findings, []);
  });

  test('setup lists report bad requirements; extras through dict(); variables vouched for', () => {
    const text = 'DEPS = ["a", "b"]\nsetup(install_requires=DEPS, tests_require=["ok", "bad=1"], extras_require=dict(cuda=["cupy>=13"]))\n';
    const m = parsePythonFile('setup.py', text);
    assert.deepEqual(summary(m), ['DEPS#2:a', 'DEPS#2:b', 'tests_require#0:ok', 'cuda#1:cupy>=13']);
    assert.deepEqual(m.findings.map((f) => [f.code, slice(text, f.range)]), [['requirement-syntax', 'bad=1']]);
  });
});

describe('parsePythonFile: pip run from Python', () => {
  test('subprocess lists and os.system strings', () => {
    const text = fixture('install_models.py');
    const m = parsePythonFile('tools/install_models.py', text);
    assert.deepEqual(summary(m), [
      'REQUIREMENTS.sdxl#0:diffusers>=0.21.0', 'REQUIREMENTS.sdxl#0:transformers>=4.30', 'REQUIREMENTS.sd#1:diffusers>=0.19',
      'pip#2:torch==2.3.1+cu121', 'pip#3:accelerate>=0.30',
    ]);
    assert.deepEqual(m.indexes.map((x) => [x.kind, x.url, x.block, slice(text, x.range)]), [
      ['index-url', 'https://download.pytorch.org/whl/cu121', 2, 'https://download.pytorch.org/whl/cu121'],
    ]);
    assert.deepEqual(m.includes.map((x) => [x.target, x.resolvedPath]), [['constraints.txt', 'tools/constraints.txt']]);
    const accelerate = m.requirements[4];
    assert.equal(slice(text, accelerate.range), 'accelerate>=0.30');
  });

  test('only real pip commands: other lists mentioning pip are ignored', () => {
    assert.deepEqual(names('f(["pip", "show", "torch==1"])\nf(["install", "torch==1"])\nf(["pip", "list", "install", "a==1"])'), []);
    assert.deepEqual(names('run(["uv", "pip", "install", "--system", "torch==2.1"])'), ['torch']);
    assert.deepEqual(names('print("pip install nope==1")\nsubprocess.run("python -m pip install yes==1", shell=True)'), ['yes']);
  });
});

describe('parsePythonFile: robustness', () => {
  test('broken code yields no exception and in-document ranges', () => {
    for (const text of ['A = ["torch>=2', 'A = ["torch>=2",', 'A = """', 'f"{', 'x = [[[[', ')))]]]}}}', 'A = ["a>=1"]]]', '\\', 'A = [b"x>=1", u"y>=1"]']) {
      const m = parsePythonFile('x.py', text);
      const index = new LineIndex(text);
      for (const r of m.requirements) {
        assert.ok(index.offsetAt(r.range.end) <= text.length);
        assert.equal(slice(text, r.range), r.text);
      }
    }
    assert.deepEqual(names('A = [b"x>=1", u"y>=1"]'), []);
    assert.deepEqual(names('A = [u"y>=1", R"z"]'), ['y', 'z']);
  });

  test('deep nesting and long input stay fast', () => {
    const deep = 'X = ' + '['.repeat(20000) + ']'.repeat(20000) + '\nA = ["torch>=2"]\n';
    assert.deepEqual(names(deep), ['torch']);
    const long = 'A = [' + '"numpy>=1", '.repeat(100000) + ']\n';
    const started = Date.now();
    assert.equal(parsePythonFile('x.py', long).requirements.length, 100000);
    assert.ok(Date.now() - started < 5000);
  });
});
