// Real public projects (test/fixtures/real-projects; README.md there names each repository, commit and issue): the
// dependency lists of well-known ML projects at a recent commit, and of projects whose install or import failed
// because of their pins. Each project is checked as `ml-pins check <dir> --offline` checks it (discovery, the
// snapshot's declared metadata, pip's resolution), and its errors and warnings must be exactly the ones listed here:
// the suite fails when the checker misses a break it caught, and when it gets noisier on any project.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom } from '../../src/core/engine/check';
import { declaredMetadataHooks } from '../../src/core/engine/resolution';
import { bundledFamilies } from '../../src/core/rules/bundled';
import type { Finding } from '../../src/core/types';
import { NodeMetadata } from '../../src/node/metadata';
import { loadProject } from '../../src/node/project';

const root = join(import.meta.dirname, '..', '..');
const corpus = join(root, 'test', 'fixtures', 'real-projects');
const projects = (kind: string) =>
  readdirSync(join(corpus, kind), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const metadata = new NodeMetadata(join(root, 'metadata'));
const knowledge = knowledgeFrom(bundledFamilies, metadata);

/** The Python a reporter ran, where the break depends on it (`--target-python`): pip listed torch 1.13.0 as its oldest
 *  (mage); the README's `python=3.7`, on which the reporter ran (mvs2d: on 3.8 and later its OpenCV 3.4.2.17 has no wheels). */
const TARGET_PYTHON: Record<string, string> = { mage: '3.11', mvs2d: '3.7' };

/** `file:line severity code` of each error and warning, sorted. */
async function loudFindings(dir: string, targetPython?: string): Promise<string[]> {
  const input = await loadProject([dir], root, knowledge, targetPython ? { targetPython, disabledRules: [] } : undefined);
  const result = await checkProject({ ...input, ...declaredMetadataHooks((name) => metadata.get(name)) });
  return result.files
    .flatMap((f) => f.findings.map((x: Finding) => ({ ...x, file: relative(dir, f.path) })))
    .filter((f) => f.severity === 'error' || f.severity === 'warning')
    .map((f) => `${f.file}:${f.range.start.line + 1} ${f.severity} ${f.code}`)
    .sort();
}

/**
 * The errors and warnings each project gets. Broken projects: the break the reporter hit comes first, with what else
 * is true of the same pins. Clean projects: none, or the warnings the severity rules give a written floor that admits
 * a NumPy-1 build next to an open numpy (docs/survey.md says why each stays).
 */
const EXPECTED: Record<'broken' | 'clean', Record<string, string[]>> = {
  broken: {
    // `pytorch>=1.11.0+cu113`: pip refuses a local version label after `>=`.
    'codi-eval': ['requirement.txt:1 error requirement-syntax'],
    // diffusers 0.24.0 imports cached_download; huggingface_hub is left open.
    distrifuser: ['setup.py:6 error hf-hub-cached-download', 'setup.py:6 warning numpy2-abi-torch'],
    easyedit: ['requirements.txt:15 error hf-hub-cached-download-sentence-transformers', 'requirements.txt:19 error transformers-tokenizers-window'],
    'fl-wireless': ['requirements.txt:4 error torchvision-torch-mismatch'],
    // Found by the survey (no report): the tensorrt extra pins an OpenCV built for NumPy 1.x, numpy is left open.
    flux: ['pyproject.toml:43 error numpy2-abi-opencv-python-headless'],
    // Found by the survey (no report): numpy==2.1 next to opencv-python==4.6.0.66. And pytorch-lightning 2.0.1, whose
    // `import` runs pkg_resources' declare_namespace, next to the newest setuptools that torch brings (found since).
    'generative-models': [
      'requirements/pt2.txt:12 warning numpy2-abi-matplotlib', 'requirements/pt2.txt:19 error numpy2-abi-opencv-python',
      'requirements/pt2.txt:20 warning numpy2-abi-pandas', 'requirements/pt2.txt:23 error pytorch-lightning-setuptools82-pkg-resources',
      'requirements/pt2.txt:31 warning numpy2-abi-torch',
    ],
    // Missed: the project's own code used Keras 2 APIs, which TensorFlow 2.16's Keras 3 lacks; the pins allow both. What
    // is reported are the floors that admit NumPy-1 builds next to an open numpy.
    deepface: ['requirements.txt:2 warning numpy2-abi-pandas', 'requirements.txt:6 warning numpy2-abi-opencv-python', 'requirements.txt:7 warning numpy2-abi-tensorflow', 'requirements.txt:9 warning flask-itsdangerous-json'],
    // torch 1.12.0 has no wheels for the reporter's Python 3.11 (silent when no Python is known: the file names none).
    mage: ['requirements.txt:6 error torch-python-unsupported'],
    // chex 0.1.85 installs jaxlib (>=0.1.37) and a new install takes the newest, which jax 0.4.20 refuses at import
    // (jax 0.4.20 names jaxlib only in extras, so pip does not avoid the pair: judged as a break).
    octo: ['requirements.txt:8 error jaxlib-jax-mismatch'],
    // transformers>=4.34.0 / tokenizers==0.13.3: every transformers release the snapshot describes refuses it, and the
    // ones it does not describe lie between them (a warning: those are unknown); and torch 2.0.1 next to an open numpy.
    metamath: ['requirements.txt:1 warning resolution-conflict-known', 'requirements.txt:3 error numpy2-abi-torch', 'requirements.txt:5 warning resolution-conflict-known'],
    // pandas>=2.1 admits 2.1.0, which the reporter's cache supplied next to numpy 2.1.
    'open-mastr': ['pyproject.toml:9 warning numpy2-abi-pandas'],
    osx: ['requirements.txt:4 error sklearn-package-name'],
    'pyramid-flow': ['requirements.txt:5 error numpy2-abi-torch'],
    // torchvision 0.11.2 declares torch==1.10.1.
    'quantized-nets': ['requirements.txt:10 error torchvision-torch-mismatch'],
    // basicsr 1.4.2 (the newest) imports torchvision.transforms.functional_tensor; torchvision is left open.
    'real-esrgan': ['requirements.txt:1 error basicsr-functional-tensor', 'requirements.txt:7 warning numpy2-abi-torch'],
    // tensorboard 2.16.2 (stable-hair) and 2.13 (tt-forge-fe) import pkg_resources when their command starts, and
    // setuptools, which they declare without a ceiling, is open: true of the same pins, found since.
    'stable-hair': [
      'requirements.txt:124 error tensorboard-setuptools82-pkg-resources',
      'requirements.txt:131 error torch-variant-no-index', 'requirements.txt:132 error torch-variant-no-index',
      'requirements.txt:132 error torchvision-torch-mismatch', 'requirements.txt:144 error resolution-conflict',
      'requirements.txt:85 warning opencv-multiple-wheels', 'requirements.txt:86 warning opencv-multiple-wheels',
    ],
    stylestudio: ['requirements.txt:5 error transformers-tokenizers-window'],
    superadapters: ['requirements.txt:101 error transformers-tokenizers-window'],
    // tensorboard 2.2.2's generated _pb2.py modules fail with protobuf 4.21 or later, and its command imports pkg_resources,
    // which setuptools 82 removed; a new install takes both (tensorboard declares them without a ceiling): true of the same
    // pins, found since.
    'tabular-transfer': ['requirements.txt:11 error tensorboard-protobuf4-generated-code', 'requirements.txt:11 error tensorboard-setuptools82-pkg-resources',
      'requirements.txt:14 error torchvision-torch-mismatch'],
    // optimum 1.19.2 declares transformers<4.41.0 (pip's own words in tenstorrent/tt-forge-onnx#493); the rest is true of
    // the same pins: diffusers 0.27.2 with huggingface_hub open, and three OpenCV wheels in one environment.
    // flask 1.1.2 imports `json` from itsdangerous, which 2.1.0 removed (opendilab/DI-sheep#1); werkzeug==0.16.0 keeps
    // Flask 2.2.4 out of reach, so the fix is the itsdangerous cap the project itself added.
    'di-sheep': ['requirement.txt:1 error flask-itsdangerous-json'],
    // pytorch-lightning 1.3.1 imports get_num_classes, which torchmetrics 0.8.0 removed (zjunlp/OpenUE#25). The tensorboard
    // and tensorboardX floors allow releases whose generated _pb2.py modules protobuf 4.21 refuses: written floors that
    // allow the break.
    openue: ['requirements.txt:11 warning tensorboardx-protobuf4-generated-code', 'requirements.txt:6 warning tensorboard-protobuf4-generated-code',
      'requirements.txt:6 warning tensorboard-setuptools82-pkg-resources', 'requirements.txt:7 error pytorch-lightning-setuptools82-pkg-resources',
      'requirements.txt:7 error pytorch-lightning-torchmetrics-get-num-classes'],
    // gradio 4.44.0 (the gradio extra) imports HfFolder, which huggingface_hub 1.0 removed (facebookresearch/EdgeTAM#20);
    // opencv-python>=4.7.0 (notebooks extra) allows NumPy-1 builds next to numpy 2: a written floor that allows the break.
    edgetam: ['setup.py:19 warning numpy2-abi-opencv-python', 'setup.py:23 error hf-hub1-hffolder-gradio'],
    'tt-forge-fe': [
      'env/core_requirements.txt:32 error opencv-multiple-wheels', 'env/core_requirements.txt:41 error tensorboard-setuptools82-pkg-resources',
      'env/linux_requirements.txt:40 error opencv-multiple-wheels',
      'env/linux_requirements.txt:6 error hf-hub-cached-download', 'env/linux_requirements.txt:7 error declared-requirement',
    ],
    // librosa 0.8.x sets `dtype=np.complex` as a default when imported; NumPy 1.24 removed the alias (tsurumeso/vocal-remover#134).
    // opencv_python>=4.2.0 allows NumPy-1 builds of OpenCV next to numpy 2: a written floor that allows the break.
    'vocal-remover': ['requirements.txt:5 error librosa-numpy-complex-alias', 'requirements.txt:6 warning numpy2-abi-opencv-python'],
    // Two pyhocon pins, and tensorboardX 2.4.1, whose generated _pb2.py modules protobuf 4.21 refuses, with protobuf left
    // open (zhenpeiyang/MVS2D#19 reports both: `from tensorboardX import SummaryWriter` fails in resource_handle_pb2.py).
    // pytorch-lightning 1.7.7's wheel declares `torch (>=1.9.*)`, which pip 24.1 and later refuse: "Ignoring version 1.7.7
    // of pytorch-lightning since it has invalid metadata" (hammoudhasan/SynthCLIP#7).
    synthclip: ['requirements.txt:3 error invalid-metadata'],
    // torchsde 0.2.5's wheel declares `numpy (>=1.19.*)`, refused the same way (antgroup/echomimic_v2#23). Also true of
    // its pins: imageio-ffmpeg 0.4.9 imports pkg_resources with setuptools open, and two OpenCV wheels share cv2.
    // fairseq 0.12.2 requires hydra-core>=1.0.7,<1.1 and omegaconf<2.1, whose releases there (2.0.5, 2.0.6) pip 24.1
    // and later ignore for their metadata (RVC-Project/Retrieval-based-Voice-Conversion-WebUI#2556).
    'rvc-webui': ['requirements.txt:8 error resolution-conflict'],
    'echomimic-v2': ['requirements.txt:13 warning opencv-multiple-wheels', 'requirements.txt:23 error imageio-ffmpeg-setuptools82-pkg-resources',
      'requirements.txt:27 warning opencv-multiple-wheels', 'requirements.txt:34 error invalid-metadata'],
    mvs2d: ['requirements.txt:11 error conflicting-pins', 'requirements.txt:15 error tensorboardx-protobuf4-generated-code', 'requirements.txt:18 error conflicting-pins'],
    // And tensorboard 2.2.2, whose command imports pkg_resources, with setuptools open (found since).
    xmdpt: ['requirements.txt:85 error tensorboard-setuptools82-pkg-resources', 'requirements.txt:93 error torch-variant-no-index', 'requirements.txt:94 error torch-variant-no-index', 'requirements.txt:95 error torch-variant-no-index'],
  },
  clean: {
    accelerate: ['setup.py:13 warning numpy2-abi-torch'],
    alphafold: [],
    comfyui: [],
    datasets: ['setup.py:47 warning numpy2-abi-tensorflow', 'setup.py:49 warning numpy2-abi-tensorflow'],
    // numpy>=2.0.0 is required, so these floors admit only broken OpenCV and pandas builds.
    lerobot: ['pyproject.toml:232 warning openai-httpx-proxies', 'pyproject.toml:44 warning numpy2-abi-opencv-python-headless', 'pyproject.toml:78 warning numpy2-abi-pandas'],
    // Written floors that allow releases importing pkg_resources next to the setuptools that torch and lightning-utilities
    // 0.10+ bring (setuptools 82 removed it): torchmetrics >0.7.0 (0.7.1-0.11.4), lightning-utilities >=0.10.0 (0.10.0-0.11.3.post0).
    lightning: ['requirements/fabric/base.txt:8 warning lightning-utilities-setuptools82-pkg-resources',
      'requirements/pytorch/base.txt:11 warning lightning-utilities-setuptools82-pkg-resources', 'requirements/pytorch/base.txt:8 warning torchmetrics-setuptools82-pkg-resources'],
    llamafactory: ['pyproject.toml:40 warning numpy2-abi-torch-windows', 'pyproject.toml:50 warning hf-hub1-hffolder-gradio', 'pyproject.toml:51 warning numpy2-abi-matplotlib'],
    'open-clip': [],
    peft: ['setup.py:13 warning numpy2-abi-torch'],
    sam2: ['setup.py:17 warning numpy2-abi-opencv-python'],
    'sentence-transformers': ['pyproject.toml:38 warning numpy2-abi-torch'],
    smolagents: [],
    trl: [],
    whisper: [],
  },
};

describe('real public projects: exactly the expected errors and warnings', () => {
  for (const kind of ['broken', 'clean'] as const) {
    test(`every ${kind} project has its expectation, and the corpus has at least 14`, () => {
      assert.deepEqual(projects(kind), Object.keys(EXPECTED[kind]).sort());
      assert.ok(projects(kind).length >= 14);
    });
    for (const name of projects(kind)) {
      test(`engine: ${kind}/${name}`, async () => {
        assert.deepEqual(await loudFindings(join(corpus, kind, name), TARGET_PYTHON[name]), [...EXPECTED[kind][name]].sort());
      });
    }
  }

  test('the CLI agrees: the broken projects fail --fail-on error, the clean ones pass it', () => {
    const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const run = (kind: string) => spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), 'check',
      ...projects(kind).map((p) => relative(root, join(corpus, kind, p))), '--offline', '--format', 'json', '--fail-on', 'error'],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const clean = run('clean');
    assert.equal(clean.status, 0, clean.stderr);
    assert.equal((JSON.parse(clean.stdout) as { summary: { errors: number } }).summary.errors, 0);
    const broken = run('broken');
    assert.equal(broken.status, 1, broken.stderr);
    const out = JSON.parse(broken.stdout) as { files: { path: string; findings: Finding[] }[] };
    for (const name of projects('broken').filter((n) => EXPECTED.broken[n].length && !TARGET_PYTHON[n])) {
      assert.ok(out.files.some((f) => f.path.includes(`/real-projects/broken/${name}/`) && f.findings.some((x) => x.severity === 'error' || x.severity === 'warning')),
        `${name}: nothing reported through the CLI`);
    }
  });
});
