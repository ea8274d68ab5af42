// How the engine judges real-world shapes: marker branches, bare names, and fixes that must never widen a pin.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyEdits, fixProject } from '../../../src/core/engine/apply';
import { check, findings, toInput } from './helpers';

const of = async (files: Record<string, string>, code: string) => findings(await check(files)).filter((f) => f.code === code);

describe('marker branches are judged one by one', () => {
  const pyproject = '[project]\nname = "x"\nversion = "1"\ndependencies = [\n' +
    '  "diffusers>=0.39.0 ; python_version >= \'3.10\'",\n  "diffusers ; python_version < \'3.10\'",\n  "huggingface_hub>=0.34.0",\n]\n';
  test('only the branch that admits a breaking release is reported, with its own text', async () => {
    const found = await of({ 'pyproject.toml': pyproject }, 'hf-hub-cached-download');
    assert.deepEqual(found.map((f) => f.range.start.line), [5]);
    assert.match(found[0].message, /^diffusers ; python_version < '3\.10' allows/);
  });
  test('the fix raises the open branch and leaves the higher floor alone', async () => {
    const { changed } = await fixProject(toInput({ 'pyproject.toml': pyproject }), { only: (f) => f.code === 'hf-hub-cached-download' });
    const text = [...changed.values()][0];
    assert.match(text, /"diffusers>=0\.39\.0 ; python_version >= '3\.10'"/);
    assert.match(text, /"diffusers>=0\.29\.0 ; python_version < '3\.10'"/);
  });
  test('in a requirements file too', async () => {
    const found = await of({ 'requirements.txt': 'diffusers>=0.39.0; python_version >= "3.10"\ndiffusers==0.27.0; python_version < "3.10"\n' }, 'hf-hub-cached-download');
    assert.deepEqual(found.map((f) => [f.range.start.line, f.severity]), [[1, 'error']]);
  });
});

describe('bare names', () => {
  test('an admitted-only break between packages nobody bounded informs', async () => {
    const found = await of({ 'requirements.txt': 'torch\nnumpy\n' }, 'numpy2-abi-torch');
    assert.deepEqual(found.map((f) => f.severity), ['information']);
  });
  test('a written floor on the package that breaks warns', async () => {
    assert.deepEqual((await of({ 'requirements.txt': 'torch>=2.0\nnumpy\n' }, 'numpy2-abi-torch')).map((f) => f.severity), ['warning']);
  });
  test('a bare name next to a written floor of the other package informs: no floor the user wrote admits the break', async () => {
    assert.deepEqual((await of({ 'requirements.txt': 'torch\nnumpy>=1.24\n' }, 'numpy2-abi-torch')).map((f) => f.severity), ['information']);
  });
  test('a cap alone is no floor', async () => {
    assert.deepEqual((await of({ 'requirements.txt': 'torch<2.5\nnumpy\n' }, 'numpy2-abi-torch')).map((f) => f.severity), ['information']);
  });
  test('a floor above the break is quiet, a floor inside it warns', async () => {
    assert.deepEqual((await of({ 'requirements.txt': 'torch>=2.3\nnumpy\n' }, 'numpy2-abi-torch')).map((f) => f.severity), []);
    assert.deepEqual((await of({ 'requirements.txt': 'torch>=2.1,<2.4\nnumpy\n' }, 'numpy2-abi-torch')).map((f) => f.severity), ['warning']);
  });
  test('a package another one installs informs (no floor was written for it)', async () => {
    assert.deepEqual((await of({ 'requirements.txt': 'torchvision>=0.15\nnumpy>=2\n' }, 'numpy2-abi-torch')).map((f) => f.severity), ['information']);
  });
  test('the original failure still warns: diffusers>=0.21.0 with the hub it installs', async () => {
    assert.deepEqual((await of({ 'requirements.txt': 'diffusers>=0.21.0\n' }, 'hf-hub-cached-download')).map((f) => f.severity), ['warning']);
  });
});

describe('a Dockerfile is one image', () => {
  test('a later RUN meets the requirements an earlier RUN installed with -r', async () => {
    const found = await of({
      Dockerfile: 'FROM python:3.10\nCOPY requirements_docker.txt /app/\nWORKDIR /app\nRUN pip install -r requirements_docker.txt\nRUN pip install xformers==0.0.23 --no-dependencies\n',
      'requirements_docker.txt': 'torch==2.1.0\n',
    }, 'xformers-torch-mismatch');
    assert.deepEqual(found.map((f) => [f.path, f.range.start.line, f.severity]), [['Dockerfile', 4, 'error']]);
  });
  test('commands chained in one RUN share the image', async () => {
    const found = await of({ Dockerfile: 'FROM python:3.10\nRUN pip install torch==2.1.2 && \\\n    pip install numpy\n' }, 'numpy2-abi-torch');
    assert.deepEqual(found.map((f) => f.severity), ['error']);
  });
  test('a later pin replaces an earlier one', async () => {
    const found = await of({ Dockerfile: 'FROM python:3.10\nRUN pip install torch==2.0.1 torchvision==0.15.2\nRUN pip install --upgrade torch==2.1.0 torchvision==0.16.0\n' }, 'torchvision-torch-mismatch');
    assert.deepEqual(found, []);
  });
  test('shell scripts are not combined (installs often sit in alternative branches)', async () => {
    const found = await of({ 'install.sh': 'if nvidia-smi; then\n  pip install torch==2.1.0\nelse\n  pip install torchvision==0.17.0\nfi\n' }, 'torchvision-torch-mismatch');
    assert.deepEqual(found, []);
  });
});

describe('conda', () => {
  test('conda builds are solved with the numpy they were built for; pip packages in the same environment are not', async () => {
    const env = 'name: app\ndependencies:\n  - python=3.10\n  - pytorch=1.13.1\n  - pip\n  - pip:\n    - diffusers==0.27.0\n    - opencv-python==4.7.0.72\n';
    const codes = findings(await check({ 'environment.yml': env })).map((f) => `${f.code}@${f.range.start.line}`);
    assert.ok(!codes.some((c) => c.startsWith('numpy2-abi-torch')), codes.join(' '));
    assert.ok(codes.includes('numpy2-abi-opencv-python@7'), codes.join(' '));
    assert.ok(codes.includes('hf-hub-cached-download@6'), codes.join(' '));
  });
});

describe('fixes never break TOML', () => {
  test('a table entry without a version gets no specifier fix', async () => {
    const pipfile = '[packages]\ndiffusers = { extras = ["torch"] }\ntorch = "==2.1.0"\n';
    const found = (await of({ Pipfile: pipfile }, 'hf-hub-cached-download'));
    assert.ok(found.length > 0);
    for (const f of found) {
      for (const fix of f.fixes) assert.ok(!fix.edits.some((e) => e.range.start.line === 1 && e.newText.startsWith('>=')), JSON.stringify(fix));
    }
    const { changed } = await fixProject(toInput({ Pipfile: pipfile }));
    for (const text of changed.values()) assert.match(text, /^diffusers = \{ extras = \["torch"\] \}$/m);
  });
});

describe('the project\'s Pythons narrow what can be installed', () => {
  test('an old torch with an open numpy is fine where only Python 3.8 runs (numpy 2 needs 3.9)', async () => {
    const py38 = '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.8,<3.9"\ndependencies = ["torch==2.2.0", "numpy"]\n';
    assert.deepEqual(await of({ 'pyproject.toml': py38 }, 'numpy2-abi-torch'), []);
    const py39 = py38.replace('>=3.8,<3.9', '>=3.9');
    assert.deepEqual((await of({ 'pyproject.toml': py39 }, 'numpy2-abi-torch')).map((f) => f.severity), ['error']);
  });
  test('conda python=3.8 too', async () => {
    const env = 'name: app\ndependencies:\n  - python=3.8\n  - pip\n  - pip:\n    - torch==2.2.0\n    - numpy\n';
    assert.deepEqual(await of({ 'environment.yml': env }, 'numpy2-abi-torch'), []);
  });
});

describe('files and URLs', () => {
  test('a constraints file installs nothing, so it breaks nothing by itself', async () => {
    assert.deepEqual(findings(await check({ 'reqs_constraints.txt': 'torch==2.2.1\ngradio==4.44.0\n' })), []);
  });
  test('a wheel URL is its own source and keeps the version in its name', async () => {
    const files = { 'requirements.txt': 'torch @ https://download.pytorch.org/whl/cpu/torch-1.8.1%2Bcpu-cp37-cp37m-linux_x86_64.whl\ntorchvision==0.16.0\n' };
    const codes = findings(await check(files)).map((f) => f.code);
    assert.ok(!codes.includes('torch-variant-no-index'), codes.join(' '));
    assert.ok(codes.includes('torchvision-torch-mismatch'), codes.join(' '));
  });
});

describe('a pip install command with -r / -c files', () => {
  test('the files join the command\'s environment', async () => {
    assert.deepEqual(await of({ 'install.sh': 'pip install diffusers==0.24.0 -r requirements.txt\n', 'requirements.txt': 'huggingface_hub==0.25.2\n' }, 'hf-hub-cached-download'), []);
    assert.deepEqual(await of({ 'install.sh': 'pip install diffusers==0.24.0 -c constraints.txt\n', 'constraints.txt': 'huggingface_hub==0.25.2\n' }, 'hf-hub-cached-download'), []);
    assert.equal((await of({ 'install.sh': 'pip install diffusers==0.24.0 -r requirements.txt\n', 'requirements.txt': 'requests\n' }, 'hf-hub-cached-download')).length, 1);
  });
  test('uv --torch-backend and pip config set provide the PyTorch index', async () => {
    assert.deepEqual(await of({ 'install.sh': 'uv pip install torch==2.1.0+cu121 --torch-backend=cu121\n' }, 'torch-variant-no-index'), []);
    assert.deepEqual(await of({ 'install.sh': 'pip config set global.extra-index-url https://download.pytorch.org/whl/cu121\npip install torch==2.1.0+cu121\n' }, 'torch-variant-no-index'), []);
    assert.equal((await of({ 'install.sh': 'pip install torch==2.1.0+cu121\n' }, 'torch-variant-no-index')).length, 1);
  });
});

describe('Dockerfile stages and shells', () => {
  test('each FROM starts a new image', async () => {
    const dockerfile = 'FROM python:3.11 AS cpu\nRUN pip install torch==2.2.0\nRUN pip install tqdm\nFROM python:3.11 AS xpu\nRUN pip install numpy==2.1.0\nRUN pip install requests\n';
    assert.deepEqual(await of({ Dockerfile: dockerfile }, 'numpy2-abi-torch'), []);
    assert.equal((await of({ Dockerfile: dockerfile.replace('FROM python:3.11 AS xpu\n', '') }, 'numpy2-abi-torch')).length, 1);
  });
  test('RUN lines under a PowerShell SHELL are not read as POSIX shell', async () => {
    const dockerfile = 'FROM mcr.microsoft.com/windows/servercore\nSHELL ["powershell", "-Command"]\nRUN if ($env:X) { pip install chroma-hnswlib }\n';
    assert.deepEqual(findings(await check({ Dockerfile: dockerfile })), []);
  });
});

test('wheels pinned for one CPython tell the environment\'s Python (cp37: no numpy 2)', async () => {
  const files = { 'requirements.txt': 'https://download.pytorch.org/whl/cpu/torch-1.8.1%2Bcpu-cp37-cp37m-linux_x86_64.whl\nnumpy\n' };
  assert.deepEqual(await of(files, 'numpy2-abi-torch'), []);
  assert.equal((await of({ 'requirements.txt': 'torch==1.8.1\nnumpy\n' }, 'numpy2-abi-torch')).length, 1);
});

test('a break that only an extra brings in names the extra', async () => {
  const pyproject = '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch>=1.13.1", "numpy"]\n[project.optional-dependencies]\ndev = ["torch<2.2"]\n';
  const found = await of({ 'pyproject.toml': pyproject }, 'numpy2-abi-torch');
  const onBase = found.find((f) => f.range.start.line === 3 && f.severity === 'error');
  assert.ok(onBase, JSON.stringify(found.map((f) => [f.range.start.line, f.severity, f.message])));
  assert.match(onBase.message, /\(with extra "dev"\)$/);
});

describe('pins that contradict each other in one environment', () => {
  test('an error at each pin, with the other as related, and the companion finding is not lost to a third package', async () => {
    const result = await check({ 'requirements.txt': 'torchvision==0.15.2\ntorch==2.2.0\ntorchvision>=0.17.0\n' });
    const found = findings(result);
    assert.deepEqual(found.filter((f) => f.code === 'conflicting-pins').map((f) => [f.severity, f.range.start.line, f.related?.map((r) => r.range.start.line)]),
      [['error', 0, [2]], ['error', 2, [0]]]);
    assert.match(found[0].message, /torchvision==0\.15\.2 and torchvision>=0\.17\.0 allow no version of torchvision together: pip refuses/);
    // Nothing else is blamed for the empty set.
    assert.deepEqual(found.filter((f) => f.code !== 'conflicting-pins').filter((f) => /no version/.test(f.message)), []);
  });
  test('an arbitrary-equality pin and a local build of the same release do not meet', async () => {
    const found = findings(await check({ 'requirements.txt': 'torch===2.2.0\ntorch==2.2.0+rocm5.7\naccelerate>=0.26\n' }));
    assert.deepEqual(found.filter((f) => f.code === 'conflicting-pins').map((f) => f.range.start.line), [0, 1]);
    assert.deepEqual(found.filter((f) => f.path === 'requirements.txt' && f.range.start.line === 2), []);
  });
  test('across an include: reported once as the contradiction, not again as inconsistent pins', async () => {
    const found = findings(await check({ 'requirements.txt': '-r base.txt\nnumpy<2\ndiffusers>=0.29\n', 'base.txt': 'numpy>=2\n' }));
    assert.deepEqual(found.map((f) => [f.path, f.code, f.range.start.line]).sort(),
      [['base.txt', 'conflicting-pins', 0], ['requirements.txt', 'conflicting-pins', 1]]);
  });
  test('pins in different marker branches do not contradict', async () => {
    const found = findings(await check({ 'requirements.txt': 'numpy<2; python_version < "3.9"\nnumpy>=2; python_version >= "3.9"\n' }));
    assert.deepEqual(found.filter((f) => f.code === 'conflicting-pins'), []);
  });
  test('the fix (for review: it picks a side) makes the other pins agree, and the environment is then consistent', async () => {
    const text = 'numpy<2\nnumpy>=2.1\n';
    const found = findings(await check({ 'requirements.txt': text })).filter((f) => f.code === 'conflicting-pins' && f.range.start.line === 1);
    assert.deepEqual(found[0].fixes.map((f) => [f.title, f.applicability]), [['Keep numpy>=2.1 and make the other pins agree', 'unsafe']]);
    const fixed = applyEdits(text, found[0].fixes[0].edits).text;
    assert.equal(fixed, 'numpy>=2.1\nnumpy>=2.1\n');
    assert.deepEqual(findings(await check({ 'requirements.txt': fixed })).filter((f) => f.code === 'conflicting-pins'), []);
  });
});

describe('one root cause, one diagnostic', () => {
  test('findings on one requirement that the same edit mends are one finding that lists each reason', async () => {
    const found = findings(await check({ 'requirements.txt': 'diffusers>=0.21.0\n' }));
    assert.deepEqual(found.map((f) => [f.code, f.severity, f.reasons?.map((r) => [r.code, r.severity])]),
      [['hf-hub-cached-download', 'warning', [['hf-hub1-hffolder-diffusers', 'information']]]]);
    assert.match(found[0].message, /cached_download.* Also \(hf-hub1-hffolder-diffusers\): .*HfFolder/);
    assert.deepEqual(found[0].fixes.filter((f) => f.applicability === 'safe').map((f) => f.title), ['Require diffusers>=0.29.0']);
    assert.equal(new Set(found[0].fixes.map((f) => f.title)).size, found[0].fixes.length);
  });
  test('breaks of one pin whose fixes raise its floor to different versions are one finding under the highest floor', async () => {
    // Before 2.3.0 torch is built against NumPy 1.x everywhere; 2.4.0's Windows wheels too. torch>=2.4.1 mends both.
    for (const [pin, fixed] of [['torch>=2.1', 'torch>=2.4.1'], ['torch~=2.1', 'torch~=2.4,>=2.4.1']]) {
      const files = { 'requirements.txt': `${pin}\nnumpy>=2\n` };
      const found = findings(await check(files));
      assert.deepEqual(found.map((f) => [f.code, f.severity, f.reasons?.map((r) => [r.code, r.severity])]),
        [['numpy2-abi-torch', 'warning', [['numpy2-abi-torch-windows', 'information']]]], pin);
      assert.match(found[0].message, /2\.3\.0 is the first release that supports NumPy 2\. Also \(numpy2-abi-torch-windows\): On Windows: /);
      assert.deepEqual(found[0].fixes.map((f) => [f.title, f.applicability]), [['Require torch>=2.4.1', 'safe']]); // numpy>=2 cannot be kept below 2
      const { changed } = await fixProject(toInput(files), { only: (f) => f.code === 'numpy2-abi-torch' });
      const text = [...changed.values()][0];
      assert.equal(text, `${fixed}\nnumpy>=2\n`);
      assert.deepEqual(findings(await check({ 'requirements.txt': text })).map((f) => f.code), []);
    }
    // Where Windows is ruled out, the Windows break is not there to merge: the lower floor is enough.
    const linux = findings(await check({ 'requirements.txt': 'torch>=2.1\nnumpy>=2\n' }, { platform: 'linux' }));
    assert.deepEqual(linux.map((f) => [f.code, f.reasons, f.fixes[0].title]), [['numpy2-abi-torch', undefined, 'Require torch>=2.3.0']]);
  });
  test('findings whose fixes differ stay apart', async () => {
    const found = findings(await check({ 'requirements.txt': 'torch==2.2.0\ntorchvision==0.18.0\n' }));
    assert.ok(found.every((f) => !f.reasons || f.reasons.every((r) => r.code !== f.code)));
    assert.ok(new Set(found.map((f) => `${f.range.start.line} ${JSON.stringify(f.fixes.find((x) => x.applicability === 'safe')?.edits)}`)).size === found.length);
  });
});

describe('requires-python capped only at the next major is open-ended', () => {
  // torch 2.7.0 has no wheels for Python 3.14.
  const poetry = (python: string) => ({ 'pyproject.toml': `[tool.poetry]\nname = "x"\nversion = "0.1.0"\ndescription = ""\nauthors = ["a <a@b.c>"]\n\n[tool.poetry.dependencies]\npython = "${python}"\ntorch = "2.7.0"\n` });
  const pep621 = (python: string) => ({ 'pyproject.toml': `[project]\nname = "x"\nversion = "1"\nrequires-python = "${python}"\ndependencies = ["torch==2.7.0"]\n` });
  const severities = async (files: Record<string, string>) => (await of(files, 'torch-python-unsupported')).map((f) => f.severity);
  test('Poetry\'s default caret (^3.11 is >=3.11,<4.0) informs, as >=3.11 does', async () => {
    assert.deepEqual(await severities(poetry('^3.11')), ['information']);
    assert.deepEqual(await severities(pep621('>=3.11,<4')), ['information']);
    assert.deepEqual(await severities(pep621('>=3.11,<4.0')), ['information']);
    assert.deepEqual(await severities(pep621('>=3.11')), ['information']);
  });
  test('a cap inside 3.x that allows a Python without wheels still warns', async () => {
    assert.deepEqual(await severities(pep621('>=3.11,<3.15')), ['warning']);
    assert.deepEqual(await severities(poetry('>=3.11,<3.15')), ['warning']);
  });
});

describe('a URL that names no version is not judged as every release', () => {
  const pyproject = (diffusers: string) => ({ 'pyproject.toml': `[project]\nname = "x"\nversion = "1"\ndependencies = ["${diffusers}", "huggingface_hub>=0.34"]\n` });
  test('diffusers from its git repository (the development head): no cached_download finding', async () => {
    assert.deepEqual(await of(pyproject('diffusers @ git+https://github.com/huggingface/diffusers'), 'hf-hub-cached-download'), []);
    assert.deepEqual(await of(pyproject('diffusers @ https://github.com/huggingface/diffusers/archive/refs/heads/main.zip'), 'hf-hub-cached-download'), []);
  });
  test('a wheel URL names its release, and that release is judged', async () => {
    const found = await of(pyproject('diffusers @ https://files.example/diffusers-0.21.0-py3-none-any.whl'), 'hf-hub-cached-download');
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'error');
  });
});
