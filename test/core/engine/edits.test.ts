import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits } from '../../../src/core/engine/apply';
import { capBelow, insertAfter, raiseFloor, replaceSpecifier } from '../../../src/core/engine/edits';
import { parseManifest } from '../../../src/core/formats';

describe('raiseFloor', () => {
  const cases: [string, string, string | undefined][] = [
    ['>=0.21.0', '0.29.0', '>=0.29.0'],
    ['>=0.21.0,<1', '0.29.0', '>=0.29.0,<1'],
    ['>=0.21.0, <1', '0.29.0', '>=0.29.0, <1'],
    ['==0.27.0', '0.29.0', '==0.29.0'],
    ['', '0.29.0', '>=0.29.0'],
    ['<0.29', '0.29.0', '>=0.29.0'],
    ['~=0.27', '0.29.0', '~=0.29'],
    ['~=2.1', '2.4.1', '~=2.4,>=2.4.1'], // `~=2.4` alone would still allow 2.4.0
    ['>=0.30', '0.29.0', '>=0.30'], // a floor already above is never lowered
    ['>=0.39.0', '0.29.0', '>=0.39.0'],
    ['!=0.28.0,>=0.21', '0.29.0', '>=0.29.0,!=0.28.0'],
    ['==0.30.0', '0.29.0', '==0.30.0'],
  ];
  for (const [spec, floor, want] of cases) test(`${JSON.stringify(spec)} -> ${want}`, () => assert.equal(raiseFloor(spec, floor), want));
});

describe('capBelow', () => {
  const cases: [string, string, string | undefined][] = [
    ['', '0.26', '<0.26'],
    ['>=0.20.0', '0.26', '>=0.20.0,<0.26'],
    ['>=0.20.0, <1.0', '0.26', '>=0.20.0, <0.26'],
    ['==0.30.0', '0.26', undefined],
    ['>=0.27', '0.26', undefined],
  ];
  for (const [spec, below, want] of cases) test(`${JSON.stringify(spec)} -> ${want}`, () => assert.equal(capBelow(spec, below), want));
});

/** Inserts `huggingface_hub<0.26` after the diffusers requirement and returns the new text. */
function insertHub(path: string, text: string): string {
  const m = parseManifest(path, text);
  const anchor = m.requirements.find((r) => r.normalizedName === 'diffusers');
  assert.ok(anchor, `no diffusers requirement in ${path}`);
  const edits = insertAfter(m, text, anchor, 'huggingface_hub<0.26');
  assert.ok(edits, 'no insertion');
  return applyEdits(text, edits).text;
}

describe('insertAfter keeps the list style', () => {
  test('requirements.txt, after the logical line (with its continuation)', () => {
    const text = 'torch==2.2.0\ndiffusers>=0.21.0 \\\n    --hash=sha256:abc\nnumpy<2\n';
    assert.equal(insertHub('/p/requirements.txt', text), 'torch==2.2.0\ndiffusers>=0.21.0 \\\n    --hash=sha256:abc\nhuggingface_hub<0.26\nnumpy<2\n');
  });
  test('CRLF line endings are kept', () => {
    assert.equal(insertHub('/p/requirements.txt', 'diffusers>=0.21.0\r\nnumpy\r\n'), 'diffusers>=0.21.0\r\nhuggingface_hub<0.26\r\nnumpy\r\n');
  });
  test('pyproject multi-line array with trailing commas and a comment', () => {
    const text = '[project]\nname = "x"\ndependencies = [\n    "diffusers>=0.21.0",  # images\n    \'numpy<2\',\n]\n';
    assert.equal(insertHub('/p/pyproject.toml', text), '[project]\nname = "x"\ndependencies = [\n    "diffusers>=0.21.0",  # images\n    "huggingface_hub<0.26",\n    \'numpy<2\',\n]\n');
  });
  test('pyproject last element without a trailing comma', () => {
    const text = "[project]\nname = \"x\"\ndependencies = [\n  'torch',\n  'diffusers>=0.21.0'\n]\n";
    assert.equal(insertHub('/p/pyproject.toml', text), "[project]\nname = \"x\"\ndependencies = [\n  'torch',\n  'diffusers>=0.21.0',\n  'huggingface_hub<0.26'\n]\n");
  });
  test('pyproject one-line array', () => {
    const text = '[project]\nname = "x"\ndependencies = ["diffusers>=0.21.0", "torch"]\n';
    assert.equal(insertHub('/p/pyproject.toml', text), '[project]\nname = "x"\ndependencies = ["diffusers>=0.21.0", "huggingface_hub<0.26", "torch"]\n');
  });
  test('a shell pip install line quotes the new argument', () => {
    const text = 'pip install diffusers==0.27.0 torch\n';
    assert.equal(insertHub('/p/install.sh', text), 'pip install diffusers==0.27.0 "huggingface_hub<0.26" torch\n');
  });
  test('a Python list', () => {
    const text = 'REQUIRED = [\n    "diffusers>=0.21.0",\n    "torch>=2.0",\n]\n';
    assert.equal(insertHub('/p/setup_models.py', text), 'REQUIRED = [\n    "diffusers>=0.21.0",\n    "huggingface_hub<0.26",\n    "torch>=2.0",\n]\n');
  });
});

describe('replaceSpecifier', () => {
  test('quotes a shell argument that would become a redirection', () => {
    const text = 'pip install torch==2.2.0 diffusers==0.27.0\n';
    const m = parseManifest('/p/install.sh', text);
    const r = m.requirements.find((x) => x.normalizedName === 'diffusers')!;
    assert.equal(applyEdits(text, [replaceSpecifier('/p/install.sh', r, '>=0.29.0', text)]).text, 'pip install torch==2.2.0 "diffusers>=0.29.0"\n');
  });
  test('edits only the specifier elsewhere, keeping the space after the operator', () => {
    const text = 'diffusers [torch] >= 0.21.0 ; python_version >= "3.9"  # keep\n';
    const m = parseManifest('/p/requirements.txt', text);
    assert.equal(applyEdits(text, [replaceSpecifier('/p/requirements.txt', m.requirements[0], '>=0.29.0', text)]).text,
      'diffusers [torch] >= 0.29.0 ; python_version >= "3.9"  # keep\n');
  });
});
