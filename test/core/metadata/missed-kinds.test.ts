// The kinds of break that real broken manifests showed the knowledge missing, each on a manifest written as a project
// would write it, checked with the shipped rules and metadata snapshot: the finding, its severity (error when what pip
// would install breaks, warning when the written range merely allows a break), the text it marks, and a clean
// counterpart that stays silent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckSettings } from '../../../src/core/engine/config';
import { check, findings } from '../engine/helpers';

type Files = Record<string, string>;
const pyproject = (requiresPython: string, deps: string[]) =>
  `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = "${requiresPython}"\ndependencies = [\n${deps.map((d) => `    "${d}",\n`).join('')}]\n`;

async function found(files: Files, code: string, settings?: CheckSettings) {
  const all = findings(await check(files, settings));
  const f = all.find((x) => x.code === code);
  assert.ok(f, `expected ${code}; got ${JSON.stringify(all.map((x) => `${x.code} ${x.severity}`))}`);
  return f;
}
/** The text a finding marks, read back from the manifest. */
function marked(files: Files, f: Awaited<ReturnType<typeof found>>): string {
  const lines = files[f.path.split('/').pop()!].split('\n');
  assert.equal(f.range.start.line, f.range.end.line, 'one line');
  return lines[f.range.start.line].slice(f.range.start.character, f.range.end.character);
}
async function silent(files: Files, codes: string[], settings?: CheckSettings) {
  const all = findings(await check(files, settings)).filter((x) => codes.includes(x.code));
  assert.deepEqual(all.map((x) => `${x.code} ${x.severity}: ${x.message}`), []);
}

describe('torchvision 0.8–0.13 with torch 1.7–1.12 (torchvision README, older versions)', () => {
  test('torchvision 0.12 is the torch 1.11 series: error on the torchvision pin', async () => {
    const files = { 'requirements.txt': '# training\ntorch==1.12.1\ntorchvision==0.12.0\nPillow>=9.0\n' };
    const f = await found(files, 'torchvision-torch-mismatch');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'torchvision==0.12.0');
    // 0.12.0 declares torch==1.11.0 exactly (pip's words and PyTorch's previous-versions pair), not only the 1.11 series.
    assert.match(f.message, /requires torch 1\.11\.0,/);
  });
  test('clean: the pair the README lists', async () => {
    await silent({ 'requirements.txt': '# training\ntorch==1.12.1\ntorchvision==0.13.1\nPillow>=9.0\n' }, ['torchvision-torch-mismatch', 'resolution-conflict']);
  });
});

describe('xformers 0.0.16–0.0.20 (the torch build their wheel workflow publishes)', () => {
  test('xformers 0.0.20 pins torch 2.0.1: error', async () => {
    const files = { 'requirements.txt': 'torch==2.1.0\nxformers==0.0.20\ndiffusers==0.21.4\n' };
    const f = await found(files, 'xformers-torch-mismatch');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'xformers==0.0.20');
    assert.match(f.message, /2\.0\.1/);
  });
  test('xformers 0.0.16 is the torch 1.13.1 build; clean with that torch', async () => {
    const f = await found({ 'requirements.txt': 'torch==2.0.0\nxformers==0.0.16\n' }, 'xformers-torch-mismatch');
    assert.match(f.message, /1\.13\.1/);
    await silent({ 'requirements.txt': 'torch==1.13.1\nxformers==0.0.16\n' }, ['xformers-torch-mismatch', 'resolution-conflict']);
    await silent({ 'requirements.txt': 'torch==2.0.1\nxformers==0.0.20\n' }, ['xformers-torch-mismatch', 'resolution-conflict']);
  });
});

describe('TensorFlow\'s own numpy and keras windows', () => {
  test('tensorflow 2.13.0 declares numpy<=1.24.3: numpy 2 next to it is an error', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.9,<3.12', ['tensorflow==2.13.0', 'numpy>=2.0']) };
    const f = await found(files, 'tensorflow-numpy-range');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'tensorflow==2.13.0');
    assert.match(f.message, /1\.24\.3/);
  });
  test('tensorflow 2.13.0 alone is no longer said to meet numpy 2 (its own range keeps numpy on 1.x)', async () => {
    await silent({ 'requirements.txt': 'tensorflow==2.13.0\n' }, ['numpy2-abi-tensorflow', 'tensorflow-numpy-range']);
    await silent({ 'requirements.txt': 'tensorflow==2.13.0\nnumpy==1.24.3\n' }, ['numpy2-abi-tensorflow', 'tensorflow-numpy-range']);
  });
  test('Keras 3 next to tensorflow 2.13.1: error; its own keras series: clean', async () => {
    const files = { 'requirements.txt': 'tensorflow==2.13.1\nkeras==3.1.1\n' };
    const f = await found(files, 'tensorflow-keras-range');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'tensorflow==2.13.1');
    await silent({ 'requirements.txt': 'tensorflow==2.13.1\nkeras==2.13.1\n' }, ['tensorflow-keras-range']);
    await silent({ 'requirements.txt': 'tensorflow==2.16.1\nkeras>=3.0\n' }, ['tensorflow-keras-range', 'tf216-keras3']);
  });
});

describe('the numpy that pandas, scikit-learn and matplotlib install themselves', () => {
  test('a plain pandas==2.0.3 gets numpy 2 (pandas-dev/pandas#59052): error; pandas 2.1.1 declares numpy>=1.23.2 on Python 3.11', async () => {
    const files = { 'requirements.txt': 'pandas==2.0.3\npyarrow>=12\n' };
    const f = await found(files, 'numpy2-abi-pandas');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'pandas==2.0.3');
    const low = { 'requirements.txt': 'pandas==2.1.1\nnumpy==1.22.4\n' };
    const g = await found(low, 'pandas-installs-numpy', { targetPython: '3.11' });
    assert.equal(g.severity, 'error');
    assert.equal(marked(low, g), 'pandas==2.1.1');
    await silent({ 'requirements.txt': 'pandas==2.1.1\nnumpy==1.22.4\n' }, ['pandas-installs-numpy'], { targetPython: '3.10' });
    await silent({ 'pyproject.toml': pyproject('>=3.10', ['pandas>=2.2.2', 'numpy>=2.0']) }, ['numpy2-abi-pandas', 'pandas-installs-numpy']);
  });
  test('a plain scikit-learn==1.0.2 gets numpy 2 (it declares numpy>=1.14.6): error', async () => {
    const files = { 'requirements.txt': 'scikit-learn==1.0.2\njoblib\n' };
    const f = await found(files, 'numpy2-abi-scikit-learn');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'scikit-learn==1.0.2');
  });
  test('a written floor that allows matplotlib 3.5.1: warning', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.9', ['matplotlib>=3.5.1']) };
    const f = await found(files, 'numpy2-abi-matplotlib');
    assert.equal(f.severity, 'warning');
    assert.equal(marked(files, f), 'matplotlib>=3.5.1');
  });
  test('clean: numpy held below 2, or releases built for NumPy 2', async () => {
    const codes = ['numpy2-abi-scikit-learn', 'numpy2-abi-matplotlib', 'scikit-learn-installs-numpy', 'matplotlib-installs-numpy'];
    await silent({ 'requirements.txt': 'scikit-learn==1.0.2\nmatplotlib==3.5.1\nnumpy<2\n' }, codes);
    await silent({ 'pyproject.toml': pyproject('>=3.10', ['scikit-learn>=1.5', 'matplotlib>=3.9', 'numpy>=2.0']) }, codes);
    // matplotlib 3.8.0 caps numpy below 2 itself: alone it is fine, next to numpy 2 pip refuses.
    await silent({ 'requirements.txt': 'matplotlib==3.8.0\n' }, codes);
    assert.equal((await found({ 'requirements.txt': 'matplotlib==3.8.0\nnumpy>=2\n' }, 'matplotlib-installs-numpy')).severity, 'error');
  });
});

describe('transformers with tokenizers and huggingface_hub', () => {
  test('transformers 4.45.2 needs tokenizers 0.20.x: error; inside the window: clean', async () => {
    const files = { 'requirements.txt': 'transformers==4.45.2\ntokenizers==0.21.0\naccelerate>=0.26\n' };
    const f = await found(files, 'transformers-tokenizers-window');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'transformers==4.45.2');
    await silent({ 'requirements.txt': 'transformers==4.45.2\ntokenizers==0.20.3\naccelerate>=0.26\n' }, ['transformers-tokenizers-window']);
  });
  test('transformers 5.12.1 caps tokenizers at 0.23.0 (huggingface/transformers#46785)', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.10', ['transformers==5.12.1', 'tokenizers>=0.23.1']) };
    const f = await found(files, 'transformers-tokenizers-window');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'transformers==5.12.1');
  });
  test('transformers 5 needs huggingface_hub 1.x: a 0.x hub pin is an error, a 1.x one is clean', async () => {
    const files = { 'requirements.txt': 'transformers==5.0.0\nhuggingface-hub==0.34.0\n' };
    const f = await found(files, 'transformers4-hub-lt1');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'transformers==5.0.0');
    assert.doesNotMatch(f.message, /4\.x/);
    await silent({ 'requirements.txt': 'transformers==5.0.0\nhuggingface-hub>=1.3,<2\n' }, ['transformers4-hub-lt1']);
    await silent({ 'pyproject.toml': pyproject('>=3.10', ['transformers>=5', 'huggingface-hub>=1.0']) }, ['transformers4-hub-lt1', 'transformers-tokenizers-window']);
  });
});

describe('what each release of transformers, scikit-learn, matplotlib and tensorflow-cpu declares (published sdist and wheel metadata)', () => {
  test('transformers 4.42.4 declares numpy<2.0: numpy 2 next to it is an error; 4.43.4 dropped the cap: clean', async () => {
    const files = { 'requirements.txt': '# inference service\ntransformers==4.42.4\nnumpy>=2.0\nfastapi>=0.110\n' };
    const f = await found(files, 'transformers-installs-numpy');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'transformers==4.42.4');
    assert.match(f.message, /<2\.0/);
    await silent({ 'requirements.txt': '# inference service\ntransformers==4.43.4\nnumpy>=2.0\nfastapi>=0.110\n' }, ['transformers-installs-numpy', 'resolution-conflict']);
  });
  test('transformers 4.44.2 needs tokenizers 0.19.x, 4.36.2 tokenizers below 0.19: error; inside each window: clean', async () => {
    const files = { 'requirements.txt': 'transformers==4.44.2\ntokenizers==0.20.3\nsentencepiece\n' };
    const f = await found(files, 'transformers-tokenizers-window');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'transformers==4.44.2');
    assert.match(f.message, /<0\.20/);
    assert.equal((await found({ 'requirements.txt': 'transformers==4.36.2\ntokenizers==0.19.1\n' }, 'transformers-tokenizers-window')).severity, 'error');
    await silent({ 'requirements.txt': 'transformers==4.44.2\ntokenizers==0.19.1\nsentencepiece\n' }, ['transformers-tokenizers-window', 'resolution-conflict']);
    await silent({ 'requirements.txt': 'transformers==4.36.2\ntokenizers==0.15.2\n' }, ['transformers-tokenizers-window', 'resolution-conflict']);
  });
  test('transformers 4.22.2 caps tokenizers below 0.13: error; tokenizers 0.12.1 (a setuptools-rust release whose Cargo.toml still said 0.11.0) is clean', async () => {
    const files = { 'requirements.txt': 'transformers==4.22.2\ntokenizers==0.13.2\n' };
    const f = await found(files, 'transformers-tokenizers-window');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'transformers==4.22.2');
    await silent({ 'requirements.txt': 'transformers==4.22.2\ntokenizers==0.12.1\n' }, ['transformers-tokenizers-window', 'resolution-conflict']);
  });
  test('transformers 4.36.2 needs huggingface_hub>=0.19.3: an older hub pin is an error', async () => {
    const files = { 'requirements.txt': 'transformers==4.36.2\nhuggingface-hub==0.19.0\n' };
    const f = await found(files, 'transformers4-hub-lt1');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /0\.19\.3/);
    await silent({ 'requirements.txt': 'transformers==4.36.2\nhuggingface-hub==0.20.3\n' }, ['transformers4-hub-lt1', 'resolution-conflict']);
  });
  test('scikit-learn 1.7.0 declares numpy>=1.22.0 and Python >=3.10', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.10,<3.11', ['scikit-learn==1.7.0', 'numpy==1.21.6']) };
    const f = await found(files, 'scikit-learn-installs-numpy');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'scikit-learn==1.7.0');
    await silent({ 'pyproject.toml': pyproject('>=3.10,<3.11', ['scikit-learn==1.7.0', 'numpy==1.26.4']) }, ['scikit-learn-installs-numpy', 'resolution-conflict']);
    const old = { 'pyproject.toml': pyproject('>=3.8', ['scikit-learn==1.7.0', 'pandas>=2.0']) };
    const g = await found(old, 'declared-python-unsupported');
    assert.equal(marked(old, g), 'scikit-learn==1.7.0');
    assert.match(g.message, /3\.8 and 3\.9/);
    await silent({ 'pyproject.toml': pyproject('>=3.10', ['scikit-learn==1.7.0', 'pandas>=2.0']) }, ['declared-python-unsupported']);
  });
  test('matplotlib 3.8.4 declares numpy>=1.21: an older numpy pin is an error', async () => {
    const files = { 'requirements.txt': 'matplotlib==3.8.4\nnumpy==1.20.3\n' };
    const f = await found(files, 'matplotlib-installs-numpy');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'matplotlib==3.8.4');
    await silent({ 'requirements.txt': 'matplotlib==3.8.4\nnumpy==1.26.4\n' }, ['matplotlib-installs-numpy', 'resolution-conflict']);
  });
  test('tensorflow-cpu 2.21.0 declares protobuf>=6.31.1,<8 and keras>=3.12.0', async () => {
    const files = { 'requirements.txt': 'tensorflow-cpu==2.21.0\nprotobuf==4.25.3\n' };
    const f = await found(files, 'declared-requirement');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'tensorflow-cpu==2.21.0');
    assert.match(f.message, /protobuf >=6\.31\.1, <8\.0\.0/);
    assert.match((await found({ 'requirements.txt': 'tensorflow-cpu==2.21.0\nkeras==2.15.0\n' }, 'declared-requirement')).message, /keras 3\.12\.0 and later/);
    await silent({ 'requirements.txt': 'tensorflow-cpu==2.21.0\nprotobuf==6.31.1\nkeras==3.12.0\n' }, ['declared-requirement', 'resolution-conflict']);
  });
});

describe('opencv-python 4.12.0.88 declares numpy>=2,<2.3.0 on Python 3.9 and later', () => {
  test('numpy 1.26 next to it, in a project on Python 3.10+: error; numpy 2.2: clean', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.10', ['opencv-python==4.12.0.88', 'numpy==1.26.4']) };
    const f = await found(files, 'opencv-python-installs-numpy');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'opencv-python==4.12.0.88');
    await silent({ 'pyproject.toml': pyproject('>=3.10', ['opencv-python==4.12.0.88', 'numpy>=2,<2.3']) }, ['opencv-python-installs-numpy', 'numpy2-abi-opencv-python']);
  });
});

describe('Python support per release', () => {
  test('torch 1.12 has no wheels for Python 3.11: error when every allowed Python is 3.11 or later', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.11', ['torch==1.12.1', 'torchvision==0.13.1']) };
    const f = await found(files, 'torch-python-unsupported');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'torch==1.12.1');
    await silent({ 'pyproject.toml': pyproject('>=3.8,<3.11', ['torch==1.12.1', 'torchvision==0.13.1']) }, ['torch-python-unsupported', 'torchvision-python-unsupported']);
  });
  test('tensorflow 2.13.0 has no wheels for Python 3.12 (tested build configurations): error; 3.8–3.11: clean', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.12', ['tensorflow==2.13.0']) };
    const f = await found(files, 'tensorflow-python-unsupported');
    assert.equal(f.severity, 'error');
    assert.equal(marked(files, f), 'tensorflow==2.13.0');
    await silent({ 'pyproject.toml': pyproject('>=3.8,<3.12', ['tensorflow==2.13.0']) }, ['tensorflow-python-unsupported']);
  });
  test('numpy 2.4 declares Python >=3.11: a range that still allows 3.10 warns, with the declared reason', async () => {
    const files = { 'pyproject.toml': pyproject('>=3.10,<3.13', ['numpy==2.4.0']) };
    const f = await found(files, 'numpy-python-unsupported');
    assert.equal(f.severity, 'warning');
    assert.equal(marked(files, f), 'numpy==2.4.0');
    assert.doesNotMatch(f.message, /3\.9 or later/);
    await silent({ 'pyproject.toml': pyproject('>=3.11,<3.14', ['numpy==2.4.0']) }, ['numpy-python-unsupported']);
    // numpy 2.5 moved to Python 3.12.
    assert.equal((await found({ 'requirements.txt': 'numpy==2.5.0\n' }, 'numpy-python-unsupported', { targetPython: '3.11' })).severity, 'error');
  });
});

describe('clean, current projects stay silent for everything these kinds added', () => {
  const added = ['torchvision-torch-mismatch', 'xformers-torch-mismatch', 'tensorflow-numpy-range', 'tensorflow-keras-range',
    'tensorflow-python-unsupported', 'pandas-installs-numpy', 'scikit-learn-installs-numpy', 'matplotlib-installs-numpy',
    'numpy2-abi-pandas', 'numpy2-abi-scikit-learn', 'numpy2-abi-matplotlib', 'transformers-tokenizers-window',
    'transformers4-hub-lt1', 'torch-python-unsupported', 'torchvision-python-unsupported', 'numpy-python-unsupported', 'resolution-conflict'];
  test('a pinned PyTorch / Hugging Face stack on Python 3.10–3.12', async () => {
    await silent({ 'pyproject.toml': pyproject('>=3.10,<3.13', ['torch==2.5.1', 'torchvision==0.20.1', 'xformers==0.0.28.post3',
      'transformers==4.46.3', 'tokenizers==0.20.3', 'huggingface-hub==0.26.2', 'pandas==2.2.3', 'scikit-learn==1.5.2',
      'matplotlib==3.9.2', 'numpy==2.1.3']) }, added);
  });
  test('a TensorFlow project with Keras 3 and open floors', async () => {
    await silent({ 'requirements.txt': 'tensorflow==2.18.0\nkeras>=3.5\nnumpy>=1.26,<2.1\npandas>=2.2.2\nscikit-learn>=1.5\nmatplotlib>=3.9\n' }, added);
  });
  test('transformers 5 with huggingface_hub 1.x, unpinned companions', async () => {
    await silent({ 'pyproject.toml': pyproject('>=3.11', ['transformers>=5.0', 'huggingface-hub>=1.3', 'tokenizers', 'torch>=2.6', 'torchvision']) }, added);
  });
});
