// The installed environment, read into settings: findings on the pins about what is installed now.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckSettings, InstalledEnvironment } from '../../../src/core/engine/config';
import { check, findings } from './helpers';

function venv(packages: Record<string, string | [string, string[]]>, more: Partial<InstalledEnvironment> = {}): CheckSettings {
  return { environment: { label: '.venv', ...more, packages: Object.fromEntries(Object.entries(packages).map(([n, v]) =>
    [n, typeof v === 'string' ? { version: v, requiresDist: [] } : { version: v[0], requiresDist: v[1] }])) } };
}
const at = (xs: Awaited<ReturnType<typeof findings>>) => xs.map((f) => [f.code, f.severity, f.range.start.line]);

describe('a known break among the installed versions', () => {
  const files = { 'requirements.txt': 'diffusers>=0.21.0\n' };
  test('is an error on the pin, with the rule code, replacing the finding about what the pins admit', async () => {
    const found = findings(await check(files, venv({ diffusers: '0.21.0', 'huggingface-hub': '0.26.2' })))
      .filter((f) => f.code === 'hf-hub-cached-download');
    assert.deepEqual(at(found), [['hf-hub-cached-download', 'error', 0]]);
    assert.match(found[0].message, /installed diffusers 0\.21\.0 and huggingface_hub 0\.26\.2 break together/);
    assert.deepEqual(found[0].fixes.map((f) => [f.title, f.applicability]), [['Require diffusers>=0.29.0', 'safe'], ['Keep huggingface_hub below 0.26.0', 'needs-review']]);
    // Each fix also says what to install afterwards: the environment is what breaks ("update the pin and install it").
    assert.deepEqual(found[0].fixes.map((f) => f.install), [{ requirements: ['diffusers>=0.29.0'], installer: 'pip' }, { requirements: ['huggingface_hub<0.26.0'], installer: 'pip' }]);
  });
  test('in a uv project, the install goes through uv', async () => {
    const pyproject = '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["diffusers>=0.21.0"]\n\n[tool.uv]\ndev-dependencies = []\n';
    const found = findings(await check({ 'pyproject.toml': pyproject }, venv({ diffusers: '0.21.0', 'huggingface-hub': '0.26.2' })))
      .filter((f) => f.code === 'hf-hub-cached-download' && f.severity === 'error');
    assert.deepEqual(found.map((f) => f.fixes[0].install), [{ requirements: ['diffusers>=0.29.0'], installer: 'uv' }]);
  });
  test('is not reported when the installed versions are fine', async () => {
    const found = findings(await check(files, venv({ diffusers: '0.21.0', 'huggingface-hub': '0.25.2' })));
    assert.deepEqual(found.filter((f) => f.code === 'hf-hub-cached-download').map((f) => f.severity), ['warning']);
  });
  test('follows the rule being turned off', async () => {
    const settings = { ...venv({ diffusers: '0.21.0', 'huggingface-hub': '0.26.2' }), disabledRules: ['hf-hub-cached-download'] };
    assert.deepEqual(findings(await check(files, settings)).filter((f) => f.code === 'hf-hub-cached-download'), []);
  });
});

describe('what the installed packages declare (pip check)', () => {
  test('an exact companion pin that is not met is an error, with the other pin related', async () => {
    const found = findings(await check({ 'requirements.txt': 'torch>=2.2\ntorchvision==0.17.0\n' },
      venv({ torch: '2.3.0', torchvision: ['0.17.0', ['numpy', 'torch==2.2.0']] }))).filter((f) => f.code === 'installed-conflict');
    assert.deepEqual(at(found), [['installed-conflict', 'error', 1]]);
    assert.match(found[0].message, /installed torchvision 0\.17\.0 requires torch==2\.2\.0, but torch 2\.3\.0 is installed/);
    assert.deepEqual(found[0].related?.map((r) => r.range.start.line), [0]);
  });
  test('a range that is not met warns; a requirement under an undecidable marker is not judged', async () => {
    const env = venv({ transformers: ['4.41.2', ['huggingface-hub<1.0,>=0.23.0', 'tokenizers<0.20; python_version < "3.0"']], 'huggingface-hub': '1.1.0', tokenizers: '0.22.0' });
    const found = findings(await check({ 'requirements.txt': 'transformers==4.41.2\n' }, env)).filter((f) => f.code === 'installed-conflict');
    assert.deepEqual(found.map((f) => f.severity), ['warning']);
    assert.match(found[0].message, /huggingface_hub<1\.0,>=0\.23\.0, but huggingface_hub 1\.1\.0/);
  });
  test('markers are decided by the environment\'s Python when it is known', async () => {
    const env = venv({ transformers: ['4.41.2', ['tokenizers<0.20; python_version < "3.12"']], tokenizers: '0.22.0' }, { python: '3.11' });
    const found = findings(await check({ 'requirements.txt': 'transformers==4.41.2\n' }, env)).filter((f) => f.code === 'installed-conflict');
    assert.equal(found.length, 1);
  });
});

describe('installed PyTorch builds for the wrong accelerator', () => {
  const rocm = '--index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.2.0+rocm5.7\ntorchvision==0.17.0+rocm5.7\n';
  const builds = async (files: Record<string, string>, settings: CheckSettings) =>
    findings(await check(files, settings)).filter((f) => f.code.startsWith('torch-variant-') && /installed/.test(f.message));
  test('a CUDA build in a ROCm project is an error on its pin, as the doctor reports it on the machine', async () => {
    const found = await builds({ 'requirements.txt': rocm }, venv({ torch: '2.2.0+cu121', torchvision: '0.17.0+cu121' }));
    assert.deepEqual(at(found), [['torch-variant-accelerator', 'error', 1], ['torch-variant-accelerator', 'error', 2]]);
    assert.match(found[0].message, /^In \.venv, the installed torch 2\.2\.0\+cu121 is a CUDA build, but this project targets ROCm \(the builds the pins name\)/);
  });
  test('builds for two accelerators side by side are an error on the odd one', async () => {
    const found = await builds({ 'requirements.txt': rocm }, venv({ torch: '2.2.0+rocm5.7', torchvision: '0.17.0+cu121' }));
    assert.deepEqual(found.map((f) => [f.code, f.severity, f.range.start.line]).sort(), [['torch-variant-accelerator', 'error', 2], ['torch-variant-mixed', 'error', 2]]);
    assert.match(found.find((f) => f.code === 'torch-variant-mixed')!.message, /torchvision 0\.17\.0\+cu121 is a CUDA build and torch 2\.2\.0\+rocm5\.7 a ROCm one/);
  });
  test('the accelerator setting decides where the pins name no build; a CPU build there warns', async () => {
    const plain = { 'requirements.txt': 'torch==2.2.0\n' };
    assert.deepEqual(at(await builds(plain, { ...venv({ torch: '2.2.0+cpu' }), accelerator: 'cuda' })), [['torch-variant-accelerator', 'warning', 0]]);
    assert.deepEqual(at(await builds(plain, { ...venv({ torch: '2.2.0+rocm5.7' }), accelerator: 'cuda' })), [['torch-variant-accelerator', 'error', 0]]);
    // The index that replaces PyPI names the build too.
    assert.deepEqual(at(await builds({ 'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.2.0\n' }, venv({ torch: '2.2.0+cu121' }))),
      [['torch-variant-accelerator', 'error', 1]]);
  });
  test('quiet when nothing says which accelerator, and for another build of the same one', async () => {
    assert.deepEqual(await builds({ 'requirements.txt': 'torch==2.2.0\n' }, venv({ torch: '2.2.0+cu121' })), []);
    assert.deepEqual(await builds({ 'requirements.txt': rocm }, venv({ torch: '2.2.0+rocm5.6', torchvision: '0.17.0+rocm5.6' })), []);
    assert.deepEqual(await builds({ 'requirements.txt': rocm }, venv({ torch: '2.2.0', torchvision: '0.17.0' })), []);
  });
});

describe('drift between the pins and the environment', () => {
  test('a pin the installed version does not meet, and a pinned package that is not installed, inform', async () => {
    const found = findings(await check({ 'requirements.txt': 'torch>=2.3\nnumpy<2\n' }, venv({ torch: '2.1.0' })));
    assert.deepEqual(at(found.filter((f) => f.code.startsWith('installed-'))), [['installed-drift', 'information', 0], ['installed-missing', 'information', 1]]);
  });
  test('a pin the installed version does not meet warns when that version is in a known-broken combination', async () => {
    // The pins were moved past the break, the environment was not: diffusers 0.21.0 with huggingface_hub 0.26.2.
    const found = findings(await check({ 'requirements.txt': 'diffusers>=0.29.0\nhuggingface_hub<0.26\ntorch>=2.3\n' },
      venv({ diffusers: '0.21.0', 'huggingface-hub': '0.26.2', torch: '2.1.0' })));
    assert.deepEqual(at(found.filter((f) => f.code === 'installed-drift')), [['installed-drift', 'warning', 0], ['installed-drift', 'warning', 1], ['installed-drift', 'information', 2]]);
    assert.deepEqual(at(found.filter((f) => f.code === 'hf-hub-cached-download')), [['hf-hub-cached-download', 'error', 0]]);
    // With the break's rule off, nothing says the drift is why it fails: information again.
    const off = findings(await check({ 'requirements.txt': 'diffusers>=0.29.0\n' }, { ...venv({ diffusers: '0.21.0', 'huggingface-hub': '0.26.2' }), disabledRules: ['hf-hub-cached-download'] }));
    assert.deepEqual(at(off.filter((f) => f.code === 'installed-drift')), [['installed-drift', 'information', 0]]);
  });
  test('local builds meet a public pin (PEP 440), and optional extras need not be installed', async () => {
    const pyproject = '[project]\nname = "x"\nversion = "1"\ndependencies = ["torch==2.2.0"]\n[project.optional-dependencies]\ndev = ["pytest"]\n';
    const found = findings(await check({ 'pyproject.toml': pyproject }, venv({ torch: '2.2.0+rocm5.7' })));
    assert.deepEqual(found.filter((f) => f.code.startsWith('installed-')), []);
  });
});

describe('the environment\'s Python and platform', () => {
  test('are the target ones: no wheels for the environment\'s Python is an error', async () => {
    const pyproject = '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.9"\ndependencies = ["torch==2.2.0"]\n';
    const open = findings(await check({ 'pyproject.toml': pyproject })).filter((f) => f.code === 'torch-python-unsupported');
    assert.deepEqual(open.map((f) => f.severity), ['information']);
    const inEnv = findings(await check({ 'pyproject.toml': pyproject }, venv({ torch: '2.2.0' }, { python: '3.13' }))).filter((f) => f.code === 'torch-python-unsupported');
    assert.deepEqual(inEnv.map((f) => f.severity), ['error']);
  });
  test('a platform marker is decided by the environment\'s platform', async () => {
    const reqs = 'torch==2.2.0; sys_platform == "win32"\ntorch==2.3.0; sys_platform != "win32"\nnumpy>=2\n';
    const linux = findings(await check({ 'requirements.txt': reqs }, { platform: 'linux' })).filter((f) => f.code === 'numpy2-abi-torch');
    assert.deepEqual(linux, []);
    const windows = findings(await check({ 'requirements.txt': reqs }, { platform: 'windows' })).filter((f) => f.code === 'numpy2-abi-torch');
    assert.deepEqual(windows.map((f) => [f.severity, f.range.start.line]), [['error', 0]]);
  });
});
