// The optimum, openai-whisper, trl, deepspeed, tensorflow-text, fastapi, albumentations, librosa, pytorch-lightning, openai, tensorboard, tensorboardX, setuptools, lightning-utilities, imageio-ffmpeg, omegaconf, hydra-core, torchsde and fairseq extractors (with the legacy ".*" lines PEP 508 rejects), each on a small tagged repository shaped like the real one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import optimum from '../../../scripts/metadata/extractors/optimum';
import whisper from '../../../scripts/metadata/extractors/openai-whisper';
import { extractFromRepo } from '../../../scripts/metadata/from-source';
import { makeRepo, py, removeRepos } from './git-repo';

after(removeRepos);
const byVersion = <T extends { version: string }>(records: T[]) => new Map(records.map((r) => [r.version, r]));

test('optimum: setup.py lists with their extras, the quality and tests extras dropped', () => {
  const repo = makeRepo([{ files: { 'setup.py': py(
    'from setuptools import setup',
    'REQUIRED_PKGS = ["coloredlogs", "transformers[sentencepiece]>=4.26.0,<4.41.0", "torch>=1.11"]',
    'TESTS_REQUIRE = ["pytest"]', 'QUALITY_REQUIRE = ["ruff==0.1.5"]',
    'EXTRAS_REQUIRE = {"onnxruntime": ["onnx", "onnxruntime>=1.11.0"], "habana": ["optimum-habana", "transformers >= 4.38.0, < 4.39.0"],',
    '    "tests": TESTS_REQUIRE, "quality": QUALITY_REQUIRE}',
    'setup(name="optimum", version="1.19.2", install_requires=REQUIRED_PKGS, extras_require=EXTRAS_REQUIRE, python_requires=">=3.7.0")') },
  tags: ['v1.19.2'] }]);
  const [r] = extractFromRepo(optimum, repo);
  assert.equal(r.version, '1.19.2');
  assert.equal(r.requires_python, '>=3.7.0');
  assert.deepEqual(r.requires_dist, [
    'coloredlogs', 'transformers[sentencepiece]<4.41.0,>=4.26.0', 'torch>=1.11',
    'optimum-habana; extra == "habana"', 'transformers<4.39.0,>=4.38.0; extra == "habana"',
    'onnx; extra == "onnxruntime"', 'onnxruntime>=1.11.0; extra == "onnxruntime"',
  ]);
  assert.equal(r.source, 'huggingface/optimum@v1.19.2:setup.py');
});

test('openai-whisper: the x86-64 Linux triton branch becomes its marker, an nvcc-chosen one stays unknown, then pyproject', () => {
  const setup = (branch: string) => py(
    'import os', 'import platform', 'import sys', 'import pkg_resources', 'from setuptools import find_packages, setup',
    'def read_version(fname="whisper/version.py"):',
    '    exec(compile(open(fname, encoding="utf-8").read(), fname, "exec"))',
    '    return locals()["__version__"]',
    branch,
    'setup(name="openai-whisper", py_modules=["whisper"], version=read_version(), python_requires=">=3.8",',
    '    install_requires=requirements',
    '    + [',
    '        str(r)',
    '        for r in pkg_resources.parse_requirements(',
    '            open(os.path.join(os.path.dirname(__file__), "requirements.txt"))',
    '        )',
    '    ],',
    '    extras_require={"dev": ["pytest", "scipy"]})');
  const nvcc = ['requirements = []', 'if sys.platform.startswith("linux"):', '    triton_requirement = "triton>=2.0.0.dev20221202"',
    '    try:', '        import subprocess', '        subprocess.check_output(["nvcc", "--version"])', '    except OSError:', '        pass',
    '    requirements.append(triton_requirement)'].join('\n');
  const x86 = (req: string) => `requirements = []\nif sys.platform.startswith("linux") and platform.machine() == "x86_64":\n    requirements.append("${req}")\n`;
  const repo = makeRepo([
    { files: { 'setup.py': setup(nvcc), 'requirements.txt': 'numba\ntorch\n', 'whisper/version.py': '__version__ = "20230306"\n' }, tags: ['v20230306'] },
    { files: { 'setup.py': setup(x86('triton==2.0.0')), 'requirements.txt': 'numba\ntorch\ntiktoken==0.3.1\n', 'whisper/version.py': '__version__ = "20230314"\n' }, tags: ['v20230314'] },
    { files: { 'setup.py': setup(x86('triton>=2.0.0,<3')), 'requirements.txt': 'torch\ntiktoken\n', 'whisper/version.py': '__version__ = "20231117"\n' }, tags: ['v20231117'] },
    { files: { 'setup.py': null, 'requirements.txt': null, 'whisper/version.py': '__version__ = "20250625"\n', 'pyproject.toml': [
      '[build-system]', 'requires = [ "setuptools>=61.2" ]', '[project]', 'name = "openai-whisper"', 'requires-python = ">=3.8"',
      'dynamic = [ "version" ]', 'dependencies = [ "torch", "triton>=2; (platform_machine==\'x86_64\' and sys_platform==\'linux\') or sys_platform==\'linux2\'" ]',
      'optional-dependencies.dev = [ "pytest" ]', ''].join('\n') }, tags: ['v20250625'] },
  ]);
  const r = byVersion(extractFromRepo(whisper, repo));
  assert.deepEqual([...r.keys()], ['20230306', '20230314', '20231117', '20250625']);
  // The installing machine's nvcc picks the triton requirement: unknown, and the source says why.
  assert.equal(r.get('20230306')!.requires_dist, undefined);
  assert.match(r.get('20230306')!.source, /nvcc/);
  assert.deepEqual(r.get('20230314')!.requires_dist, ['triton==2.0.0; sys_platform == "linux" and platform_machine == "x86_64"', 'numba', 'torch', 'tiktoken==0.3.1']);
  assert.equal(r.get('20230314')!.requires_python, '>=3.8');
  assert.equal(r.get('20230314')!.source, 'openai/whisper@v20230314:setup.py; openai/whisper@v20230314:requirements.txt');
  assert.deepEqual(r.get('20231117')!.requires_dist, ['triton<3,>=2.0.0; sys_platform == "linux" and platform_machine == "x86_64"', 'torch', 'tiktoken']);
  assert.deepEqual(r.get('20250625')!.requires_dist, ['torch', 'triton>=2; (platform_machine == "x86_64" and sys_platform == "linux") or sys_platform == "linux2"']);
});

test('trl: a bare setup() takes setup.cfg\'s [options]; the listing is complete from 0.10.1', async () => {
  const { default: trl } = await import('../../../scripts/metadata/extractors/trl');
  assert.equal(trl.completeFrom, '0.10.1');
  const repo = makeRepo([{ files: { 'setup.py': py('from setuptools import setup', 'setup()'), 'setup.cfg': [
    '[metadata]', 'name = trl', 'version = 0.18.0', '[options]', 'python_requires = >=3.9', 'install_requires =',
    '    accelerate>=0.34.0', '    transformers>=4.50.0', '[options.extras_require]', 'peft =', '    peft>=0.8.0',
    'test =', '    pytest', 'dev =', '    %(peft)s', '    %(test)s', ''].join('\n') }, tags: ['v0.18.0'] }]);
  const [r] = extractFromRepo(trl, repo);
  assert.equal(r.requires_python, '>=3.9');
  assert.deepEqual(r.requires_dist, ['accelerate>=0.34.0', 'transformers>=4.50.0', 'peft>=0.8.0; extra == "peft"']);
  assert.equal(r.source, 'huggingface/trl@v0.18.0:setup.py; huggingface/trl@v0.18.0:setup.cfg');
});

test('deepspeed: requirements/requirements.txt as a partial Requires-Dist; a tag whose version.txt names another version is skipped', async () => {
  const { default: deepspeed } = await import('../../../scripts/metadata/extractors/deepspeed');
  const setup = py('import os', 'from setuptools import setup', 'def fetch_requirements(path):', '    with open(path, "r") as fd:',
    '        return [r.strip() for r in fd.readlines()]', "install_requires = fetch_requirements('requirements/requirements.txt')",
    'if torch_available and get_accelerator().device_name() == "cuda":', '    install_requires.append("nvidia-ml-py")',
    'setup(name="deepspeed", version=version_str, install_requires=install_requires)');
  const repo = makeRepo([
    { files: { 'setup.py': setup, 'version.txt': '0.9.5\n', 'requirements/requirements.txt': 'hjson\npydantic<2.0.0\ntorch\n' }, tags: ['v0.9.5'] },
    { files: { 'version.txt': '0.9.6\n' }, tags: ['v0.9.7' /* a mis-tag */] },
  ]);
  const records = extractFromRepo(deepspeed, repo);
  assert.deepEqual(records.map((r) => r.version), ['0.9.5']);
  assert.deepEqual(records[0].requires_dist, ['hjson', 'pydantic<2.0.0', 'torch']);
  assert.equal(records[0].requires_dist_partial, true);
  assert.equal(records[0].requires_python, '');
  assert.match(records[0].source, /^deepspeedai\/DeepSpeed@v0\.9\.5:setup\.py; deepspeedai\/DeepSpeed@v0\.9\.5:requirements\/requirements\.txt/);
  assert.equal(deepspeed.partial, true);
});

test('tensorflow-text: oss_scripts/pip_package/setup.py at final-release tags; pre-release tags left out', async () => {
  const { default: tft } = await import('../../../scripts/metadata/extractors/tensorflow-text');
  const setup = (version: string, tf: string) => py('from setuptools import setup', "project_name = 'tensorflow-text'", `project_version = '${version}'`,
    'setup(name=project_name, version=project_version.replace("-", ""),',
    `      install_requires=['${tf}', 'tensorflow_hub>=0.8.0'], extras_require={'tensorflow_cpu': ['tensorflow-cpu>=2.12.0, <2.13'], 'tests': ['pytest']})`);
  const repo = makeRepo([
    { files: { 'oss_scripts/pip_package/setup.py': setup('2.12.0', 'tensorflow>=2.12.0, <2.13') }, tags: ['v2.12.0'] },
    { files: { 'oss_scripts/pip_package/setup.py': setup('2.13.0-rc0', 'tensorflow>=2.12.0, <2.13') }, tags: ['v2.13.0-rc0'] },
  ]);
  const records = extractFromRepo(tft, repo);
  assert.deepEqual(records.map((r) => r.version), ['2.12.0']);
  assert.deepEqual(records[0].requires_dist, ['tensorflow<2.13,>=2.12.0', 'tensorflow_hub>=0.8.0', 'tensorflow-cpu<2.13,>=2.12.0; extra == "tensorflow-cpu"']);
  assert.equal(records[0].source, 'tensorflow/text@v2.12.0:oss_scripts/pip_package/setup.py');
  assert.equal(tft.partial, true);
});

test('fastapi: bare version tags, pyproject.toml [project]; complete from 0.84.0 (flit metadata before it)', async () => {
  const { default: fastapi } = await import('../../../scripts/metadata/extractors/fastapi');
  assert.equal(fastapi.completeFrom, '0.84.0');
  const repo = makeRepo([{ files: { 'pyproject.toml': ['[build-system]', 'requires = ["hatchling"]', 'build-backend = "hatchling.build"',
    '[project]', 'name = "fastapi"', 'requires-python = ">=3.7"', 'dynamic = ["version"]',
    'dependencies = ["starlette>=0.27.0,<0.28.0", "pydantic >=1.7.4,!=1.8,!=1.8.1,<2.0.0"]', '[project.optional-dependencies]',
    'all = ["httpx >=0.23.0"]', ''].join('\n'), 'fastapi/__init__.py': '__version__ = "0.99.0"\n' }, tags: ['0.99.0', 'v0.1.16'] }]);
  const r = byVersion(extractFromRepo(fastapi, repo));
  assert.deepEqual([...r.keys()].sort(), ['0.1.16', '0.99.0']);
  assert.deepEqual(r.get('0.99.0')!.requires_dist, ['starlette<0.28.0,>=0.27.0', 'pydantic!=1.8,!=1.8.1,<2.0.0,>=1.7.4', 'httpx>=0.23.0; extra == "all"']);
  assert.equal(r.get('0.99.0')!.requires_python, '>=3.7');
});

test('albumentations: INSTALL_REQUIRES as a partial Requires-Dist (the build machine picks the OpenCV one); version from [project]', async () => {
  const { default: albumentations } = await import('../../../scripts/metadata/extractors/albumentations');
  const setup = py('from setuptools import setup', 'INSTALL_REQUIRES = [', '    "numpy>=1.24.4",', "    \"typing-extensions>=4.9.0; python_version<'3.10'\",",
    '    "pydantic>=2.9.2",', '    "albucore==0.0.24",', ']', 'MIN_OPENCV_VERSION = "4.9.0.80"', 'INSTALL_REQUIRES.append(choose_opencv_requirement())',
    'setup(packages=find_packages(), install_requires=INSTALL_REQUIRES)');
  const repo = makeRepo([
    { files: { 'setup.py': setup, 'pyproject.toml': '[project]\nname = "albumentations"\nversion = "2.0.8"\nrequires-python = ">=3.9"\ndynamic = [ "dependencies" ]\n' }, tags: ['2.0.8'] },
    { files: { 'pyproject.toml': '[project]\nname = "albumentations"\nversion = "2.0.8"\n' }, tags: ['2.0.9' /* names another version */] },
  ]);
  const records = extractFromRepo(albumentations, repo);
  assert.deepEqual(records.map((r) => r.version), ['2.0.8']);
  assert.deepEqual(records[0].requires_dist, ['numpy>=1.24.4', 'typing-extensions>=4.9.0; python_version < "3.10"', 'pydantic>=2.9.2', 'albucore==0.0.24']);
  assert.equal(records[0].requires_dist_partial, true);
  assert.equal(records[0].requires_python, '>=3.9');
  assert.equal(albumentations.partial, true);
});

test('librosa: v-prefixed tags, then bare ones; setup.cfg beside setup.py from 0.8.1rc1; complete from 0.10.1', async () => {
  const { default: librosa } = await import('../../../scripts/metadata/extractors/librosa');
  assert.equal(librosa.completeFrom, '0.10.1');
  const repo = makeRepo([
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="librosa", version="0.3.1",',
      '    install_requires=["audioread", "numpy >= 1.8.0", "scipy >= 0.13.0"])') }, tags: ['v0.3.1'] },
    { files: { 'setup.py': py('from setuptools import setup', 'setup()'), 'librosa/version.py': 'short_version = "0.8"\nversion = "0.8.1"\n',
      'setup.cfg': ['[metadata]', 'name = librosa', 'version = attr: librosa.version.version', '', '[options]',
        'python_requires = >= 3.6', 'install_requires =', '    numpy >= 1.15.0', '    numba >= 0.43.0', ''].join('\n') }, tags: ['0.8.1'] },
  ]);
  const r = byVersion(extractFromRepo(librosa, repo));
  assert.deepEqual([...r.keys()].sort(), ['0.3.1', '0.8.1']);
  assert.deepEqual(r.get('0.3.1')!.requires_dist, ['audioread', 'numpy>=1.8.0', 'scipy>=0.13.0']);
  assert.deepEqual(r.get('0.8.1')!.requires_dist, ['numpy>=1.15.0', 'numba>=0.43.0']);
  assert.equal(r.get('0.8.1')!.requires_python, '>=3.6');
});

test('pytorch-lightning: literal install_requires, then the lines setup.py loads from requirements.txt (partial: extras not read)', async () => {
  const { default: pl } = await import('../../../scripts/metadata/extractors/pytorch-lightning');
  assert.equal(pl.partial, true);
  const repo = makeRepo([
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="pytorch-lightning", version="1.0.8", python_requires=">=3.6",',
      '    install_requires=["numpy>=1.16.4", "torch>=1.3"])') }, tags: ['1.0.8'] },
    { files: { 'setup.py': py('import os', 'from setuptools import setup', 'from pytorch_lightning import setup_tools', '_PATH_ROOT = os.path.dirname(__file__)',
      'setup(name="pytorch-lightning", version="1.4.4", python_requires=">=3.6",',
      '    install_requires=setup_tools._load_requirements(_PATH_ROOT))'),
      'requirements.txt': '# the default package dependencies\n\nnumpy>=1.17.2\ntorch>=1.6\nfuture>=0.17.1  # required for builtins in setup.py\ntorchmetrics>=0.4.0\n' },
      tags: ['1.4.4'] },
  ]);
  const r = byVersion(extractFromRepo(pl, repo));
  assert.deepEqual(r.get('1.0.8')!.requires_dist, ['numpy>=1.16.4', 'torch>=1.3']);
  assert.deepEqual(r.get('1.4.4')!.requires_dist, ['numpy>=1.17.2', 'torch>=1.6', 'future>=0.17.1', 'torchmetrics>=0.4.0']);
  assert.equal(r.get('1.4.4')!.requires_dist_partial, true);
  assert.equal(r.get('1.4.4')!.requires_python, '>=3.6');
  assert.equal(r.get('1.4.4')!.source, 'Lightning-AI/pytorch-lightning@1.4.4:setup.py; Lightning-AI/pytorch-lightning@1.4.4:requirements.txt (base requirements; extras not read)');
});

test('openai: v<version> tags, setup.py in 0.x, pyproject.toml [project] from 1.0.0; the listing speaks for its own releases', async () => {
  const { default: openai } = await import('../../../scripts/metadata/extractors/openai');
  assert.equal(openai.partial, true);
  const repo = makeRepo([
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="openai", version="0.28.1", python_requires=">=3.7.1",',
      '    install_requires=["requests>=2.20", "tqdm", "aiohttp"])') }, tags: ['v0.28.1'] },
    { files: { 'setup.py': null, 'pyproject.toml': ['[project]', 'name = "openai"', 'version = "1.55.2"', 'requires-python = ">= 3.8"',
      'dependencies = [', '    "httpx>=0.23.0, <1",', '    "pydantic>=1.9.0, <3",', ']', ''].join('\n') }, tags: ['v1.55.2'] },
  ]);
  const r = byVersion(extractFromRepo(openai, repo));
  assert.deepEqual(r.get('0.28.1')!.requires_dist, ['requests>=2.20', 'tqdm', 'aiohttp']);
  assert.deepEqual(r.get('1.55.2')!.requires_dist, ['httpx<1,>=0.23.0', 'pydantic<3,>=1.9.0']);
  assert.equal(r.get('1.55.2')!.requires_python, '>=3.8');
});

test('tensorboard: tensorboard/pip_package/setup.py reads the requirements.txt beside it; tensorflow-tensorboard tags left out', async () => {
  const { default: tensorboard } = await import('../../../scripts/metadata/extractors/tensorboard');
  assert.equal(tensorboard.completeFrom, '1.6.0');
  const setup = (name: string) => py('from setuptools import find_packages, setup', 'import tensorboard.version',
    'def get_required_packages():', '    with open("requirements.txt") as f:', '        return f.read().splitlines()',
    'REQUIRED_PACKAGES = get_required_packages()',
    `setup(name="${name}", version=tensorboard.version.VERSION.replace("-", ""), install_requires=REQUIRED_PACKAGES, python_requires=">=3.6")`);
  const repo = makeRepo([
    { files: { 'tensorboard/pip_package/setup.py': setup('tensorflow-tensorboard'), 'tensorboard/version.py': 'VERSION = "1.5.1"\n',
      'tensorboard/pip_package/requirements.txt': 'protobuf >= 3.4.0\n' }, tags: ['1.5.1'] },
    { files: { 'tensorboard/pip_package/setup.py': setup('tensorboard'), 'tensorboard/version.py': 'VERSION = "2.9.1"\n',
      'tensorboard/pip_package/requirements.txt': '# Protobuf 4.0 is incompatible with TF. Force < 3.20 until they unblock upgrade.\nabsl-py >= 0.4\nprotobuf >= 3.9.2, < 3.20\n' },
      tags: ['2.9.1'] },
  ]);
  const r = byVersion(extractFromRepo(tensorboard, repo));
  assert.deepEqual([...r.keys()], ['2.9.1']);
  assert.deepEqual(r.get('2.9.1')!.requires_dist, ['absl-py>=0.4', 'protobuf<3.20,>=3.9.2']);
  assert.equal(r.get('2.9.1')!.requires_python, '>=3.6');
  assert.equal(r.get('2.9.1')!.source, 'tensorflow/tensorboard@2.9.1:tensorboard/pip_package/setup.py');
});

test('tensorboardX: v<version> tags, a version setup.py computes read from the tag; the listing speaks for its own releases', async () => {
  const { default: tensorboardx } = await import('../../../scripts/metadata/extractors/tensorboardx');
  assert.equal(tensorboardx.partial, true);
  const setup = (version: string, requirements: string) => py('import subprocess', 'from setuptools import setup',
    `version_git = version = '${version}'`, 'preparing_PyPI_package = False',
    "if not preparing_PyPI_package:", "    sha = subprocess.check_output(['git', 'rev-parse', 'HEAD']).decode('ascii').strip()",
    "    version_git = version_git + '+' + sha[:7]", `requirements = [${requirements}]`,
    "setup(name='tensorboardX', version=version_git, install_requires=requirements)");
  const repo = makeRepo([
    { files: { 'setup.py': setup('2.5', "'six', 'numpy', 'protobuf >= 3.8.0'") }, tags: ['v2.5'] },
    { files: { 'setup.py': setup('2.5.1', "'numpy', 'protobuf>=3.8.0,<=3.20.1'") }, tags: ['v2.5.1'] },
  ]);
  const r = byVersion(extractFromRepo(tensorboardx, repo));
  assert.deepEqual(r.get('2.5')!.requires_dist, ['six', 'numpy', 'protobuf>=3.8.0']);
  assert.deepEqual(r.get('2.5.1')!.requires_dist, ['numpy', 'protobuf<=3.20.1,>=3.8.0']);
  assert.equal(r.get('2.5.1')!.source, 'lanpa/tensorboardX@v2.5.1:setup.py');
});

test('setuptools: v<version> tags, pyproject.toml [project] with its Requires-Python; the listing speaks for its own releases', async () => {
  const { default: setuptools } = await import('../../../scripts/metadata/extractors/setuptools');
  assert.equal(setuptools.partial, true);
  const pyproject = (version: string, python: string) => ['[build-system]', 'requires = []', 'build-backend = "setuptools.build_meta"', '',
    '[project]', 'name = "setuptools"', `version = "${version}"`, `requires-python = ">=${python}"`, 'dependencies = []', '',
    '[project.optional-dependencies]', 'core = ["packaging>=24.2"]', 'test = ["pytest>=6"]', ''].join('\n');
  const repo = makeRepo([
    { files: { 'pyproject.toml': pyproject('82.0.0', '3.9') }, tags: ['v82.0.0'] },
    { files: { 'pyproject.toml': pyproject('84.0.0', '3.10') }, tags: ['v84.0.0'] },
  ]);
  const r = byVersion(extractFromRepo(setuptools, repo));
  assert.equal(r.get('82.0.0')!.requires_python, '>=3.9');
  assert.equal(r.get('84.0.0')!.requires_python, '>=3.10');
  assert.deepEqual(r.get('84.0.0')!.requires_dist, ['packaging>=24.2; extra == "core"']);
  assert.equal(r.get('84.0.0')!.source, 'pypa/setuptools@v84.0.0:pyproject.toml');
});

test('lightning-utilities: the requirements file setup.py parses (base.txt, then core.txt) as a partial Requires-Dist', async () => {
  const { default: lutils } = await import('../../../scripts/metadata/extractors/lightning-utilities');
  assert.equal(lutils.partial, true);
  const setup = (file: string) => py('import os', 'from pkg_resources import parse_requirements', 'from setuptools import setup',
    '_PATH_ROOT = os.path.dirname(__file__)', '_PATH_REQUIRE = os.path.join(_PATH_ROOT, "requirements")',
    `with open(os.path.join(_PATH_REQUIRE, "${file}")) as fp:`, '    requirements = list(map(str, parse_requirements(fp.readlines())))',
    'setup(name="lightning-utilities", version="0.0.0", install_requires=requirements, python_requires=">=3.8")');
  const repo = makeRepo([
    { files: { 'setup.py': setup('base.txt'), 'requirements/base.txt': 'packaging >=17.1\nsetuptools\ntyping_extensions\n', 'requirements/docs.txt': 'sphinx\n' }, tags: ['v0.10.1'] },
    { files: { 'setup.py': setup('core.txt'), 'requirements/core.txt': 'packaging >=17.1\nsetuptools\n', 'requirements/base.txt': 'fire\n' }, tags: ['v0.11.2'] },
  ]);
  const r = byVersion(extractFromRepo(lutils, repo));
  assert.deepEqual(r.get('0.10.1')!.requires_dist, ['packaging>=17.1', 'setuptools', 'typing_extensions']);
  assert.deepEqual(r.get('0.11.2')!.requires_dist, ['packaging>=17.1', 'setuptools']);
  assert.equal(r.get('0.11.2')!.requires_dist_partial, true);
  assert.equal(r.get('0.11.2')!.requires_python, '>=3.8');
  assert.equal(r.get('0.11.2')!.source, 'Lightning-AI/utilities@v0.11.2:setup.py; Lightning-AI/utilities@v0.11.2:requirements/core.txt (base requirements; extras not read)');
});

test('imageio-ffmpeg: setup.py at v<version> tags, its literal install_requires; the listing speaks for its own releases', async () => {
  const { default: iff } = await import('../../../scripts/metadata/extractors/imageio-ffmpeg');
  assert.equal(iff.partial, true);
  const setup = (version: string, requires: string) => py('from setuptools import setup',
    `setup(name="imageio-ffmpeg", version="${version}", python_requires=">=3.5", install_requires=[${requires}])`);
  const repo = makeRepo([
    { files: { 'setup.py': setup('0.4.8', '') }, tags: ['v0.4.8'] },
    { files: { 'setup.py': setup('0.4.9', '"setuptools"') }, tags: ['v0.4.9'] },
  ]);
  const r = byVersion(extractFromRepo(iff, repo));
  assert.deepEqual(r.get('0.4.8')!.requires_dist, []);
  assert.deepEqual(r.get('0.4.9')!.requires_dist, ['setuptools']);
  assert.equal(r.get('0.4.9')!.requires_python, '>=3.5');
});

test('legacy ".*" specifiers: the lines PEP 508 rejects are the release\'s requires_dist_invalid, from 1.5.x and the 1.7 src layout', async () => {
  const { default: pl } = await import('../../../scripts/metadata/extractors/pytorch-lightning');
  const loadsRoot = py('import os', 'from setuptools import setup', 'from pytorch_lightning import setup_tools', '_PATH_ROOT = os.path.dirname(__file__)',
    'setup(name="pytorch-lightning", version="1.5.10", python_requires=">=3.6",', '    install_requires=setup_tools._load_requirements(_PATH_ROOT))');
  const srcSetup = ['import os', '_PATH_REQUIREMENTS = os.path.join("requirements", "pytorch")', 'def _setup_args():', '    return dict(',
    '        install_requires=_setup_tools.load_requirements(_PATH_REQUIREMENTS, unfreeze=not _FREEZE_REQUIREMENTS),', '    )', ''].join('\n');
  const repo = makeRepo([
    { files: { 'setup.py': loadsRoot, 'requirements.txt': 'numpy>=1.17.2\ntorch>=1.7.*\ntqdm>=4.41.0\n' }, tags: ['1.5.10'] },
    { files: { 'setup.py': loadsRoot.replace('1.5.10', '1.5.10.post0'), 'requirements.txt': 'numpy>=1.17.2\ntorch>=1.7.0\ntqdm>=4.41.0\n' }, tags: ['1.5.10.post0'] },
    { files: { 'setup.py': py('from setuptools import setup', 'setup(name="lightning", version="1.7.7")'), 'requirements.txt': null,
      'src/pytorch_lightning/__setup__.py': srcSetup,
      'requirements/pytorch/base.txt': '# NOTE: the upper bound for the package version is only set for CI stability\nnumpy>=1.17.2, <1.23.1\ntorch>=1.9.*, <1.13.0\nlightning-utilities==0.3.*\n' },
      tags: ['1.7.7'] },
  ]);
  const r = byVersion(extractFromRepo(pl, repo));
  assert.deepEqual(r.get('1.5.10')!.requires_dist_invalid, ['torch>=1.7.*']);
  assert.equal(r.get('1.5.10')!.requires_dist, undefined);
  assert.equal(r.get('1.5.10')!.requires_python, '>=3.6');
  assert.equal(r.get('1.5.10.post0')!.requires_dist_invalid, undefined);
  assert.deepEqual(r.get('1.5.10.post0')!.requires_dist, ['numpy>=1.17.2', 'torch>=1.7.0', 'tqdm>=4.41.0']);
  // `==0.3.*` is valid: only the ordering operator's wildcard is not.
  assert.deepEqual(r.get('1.7.7')!.requires_dist_invalid, ['torch>=1.9.*, <1.13.0']);
  assert.match(r.get('1.7.7')!.source, /@1\.7\.7:src\/pytorch_lightning\/__setup__\.py; .*@1\.7\.7:requirements\/pytorch\/base\.txt$/);
});

test('omegaconf and hydra-core: setup.py parses one requirements file, the whole Requires-Dist; omegaconf complete from 2.0.0', async () => {
  const { default: omegaconf } = await import('../../../scripts/metadata/extractors/omegaconf');
  const { default: hydra } = await import('../../../scripts/metadata/extractors/hydra-core');
  assert.equal(omegaconf.completeFrom, '2.0.0');
  // 2.2.0, yanked before it was tagged, is known to exist: listed yanked, its requirements unknown, cited by the report.
  assert.deepEqual(omegaconf.known?.map((k) => [k.version, k.yanked]), [['2.2.0', true]]);
  assert.equal(hydra.completeFrom, '1.0.0');
  const setup = (file: string, name: string) => py('import pathlib', 'import pkg_resources', 'import setuptools',
    `with pathlib.Path("${file}").open() as requirements_txt:`, '    install_requires = [', '        str(requirement)',
    '        for requirement in pkg_resources.parse_requirements(requirements_txt)', '    ]',
    `setuptools.setup(name="${name}", python_requires=">=3.6", install_requires=install_requires)`);
  const repo = makeRepo([
    { files: { 'setup.py': setup('requirements/base.txt', 'omegaconf'), 'requirements/base.txt': "PyYAML>=5.1.*\n# Use dataclasses backport for Python 3.6.\ndataclasses;python_version=='3.6'\ntyping-extensions\n" }, tags: ['v2.0.6'] },
    { files: { 'requirements/base.txt': "antlr4-python3-runtime==4.8\nPyYAML>=5.1.0\ndataclasses;python_version=='3.6'\n" }, tags: ['v2.1.1'] },
  ]);
  const r = byVersion(extractFromRepo(omegaconf, repo));
  assert.deepEqual(r.get('2.2.0'), { version: '2.2.0', source: omegaconf.known![0].evidence, yanked: true });
  assert.deepEqual(r.get('2.0.6')!.requires_dist_invalid, ['PyYAML>=5.1.*']);
  assert.equal(r.get('2.0.6')!.requires_dist, undefined);
  assert.deepEqual(r.get('2.1.1')!.requires_dist, ['antlr4-python3-runtime==4.8', 'PyYAML>=5.1.0', 'dataclasses; python_version == "3.6"']);
  assert.equal(r.get('2.1.1')!.requires_dist_partial, undefined);
  const hydraRepo = makeRepo([{ files: { 'setup.py': setup('requirements/requirements.txt', 'hydra-core').replace(', python_requires=">=3.6"', ''),
    'requirements/requirements.txt': "omegaconf>=2.0.5,<2.1\nantlr4-python3-runtime==4.8\nimportlib-resources;python_version<'3.9'\n" }, tags: ['v1.0.7'] }]);
  const [h] = extractFromRepo(hydra, hydraRepo);
  assert.deepEqual(h.requires_dist, ['omegaconf<2.1,>=2.0.5', 'antlr4-python3-runtime==4.8', 'importlib-resources; python_version < "3.9"']);
  assert.equal(h.requires_python, '');
});

test('torchsde: published releases only, and 0.2.5 read at its untagged release commit, its legacy numpy line invalid', async () => {
  const { default: sde } = await import('../../../scripts/metadata/extractors/torchsde');
  const setup = (requires: string, python: string) => py('import setuptools', 'setuptools.setup(', '    name="torchsde",', '    version="0.0.0",',
    `    install_requires=[${requires}],`, `    python_requires='${python}',`, ')');
  const repo = makeRepo([
    { files: { 'setup.py': setup("'torch>=1.6.0', 'numpy==1.19.*', 'scipy==1.5.*'", '~=3.6').replace('0.0.0', '0.2.4') }, tags: ['v0.2.4'] },
    { files: { 'setup.py': setup('\n        "numpy==1.19.*;python_version<\'3.7\'",\n        "numpy>=1.19.*;python_version>=\'3.7\'",\n        "torch>=1.6.0",\n    ', '~=3.6').replace('0.0.0', '0.2.5') }, tags: [] },
    { files: { 'setup.py': setup('\n        "numpy>=1.19",\n        "torch>=1.6.0",\n    ', '>=3.8').replace('0.0.0', '0.2.6') }, tags: ['v0.2.6'] },
  ]);
  // The untagged release is the second commit: name it as the extractor names cf8f9cb.
  const commit = execFileSync('git', ['--git-dir', `${repo}/.git`, 'rev-list', '--max-count=1', 'v0.2.6~1'], { encoding: 'utf8' }).trim();
  const r = byVersion(extractFromRepo({ ...sde, untagged: [{ version: '0.2.5', commit, evidence: 'the test\'s release commit' }] }, repo));
  assert.deepEqual([...r.keys()].sort(), ['0.2.5', '0.2.6']);
  assert.deepEqual(r.get('0.2.5')!.requires_dist_invalid, ["numpy>=1.19.*;python_version>='3.7'"]);
  assert.equal(r.get('0.2.5')!.requires_python, '~=3.6');
  assert.equal(r.get('0.2.5')!.source, `google-research/torchsde@${commit}:setup.py (untagged release: the test's release commit)`);
  assert.deepEqual(r.get('0.2.6')!.requires_dist, ['numpy>=1.19', 'torch>=1.6.0']);
  assert.equal(sde.untagged![0].commit, 'cf8f9cb');
});

test('fairseq: setup.py at its tags, but v0.12.3, which was tagged and never published', async () => {
  const { default: fairseq } = await import('../../../scripts/metadata/extractors/fairseq');
  const setup = (version: string) => py('from setuptools import setup', `setup(name="fairseq", version="${version}",`,
    '    install_requires=["cffi", "hydra-core>=1.0.7,<1.1", "omegaconf<2.1", "torch"])');
  const repo = makeRepo([{ files: { 'setup.py': setup('0.12.2') }, tags: ['v0.12.2'] }, { files: { 'setup.py': setup('0.12.3') }, tags: ['v0.12.3'] }]);
  const r = byVersion(extractFromRepo(fairseq, repo));
  assert.deepEqual([...r.keys()], ['0.12.2']);
  assert.deepEqual(r.get('0.12.2')!.requires_dist, ['cffi', 'hydra-core<1.1,>=1.0.7', 'omegaconf<2.1', 'torch']);
});
