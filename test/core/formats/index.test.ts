import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeManifest, detectManifestKind, invalidUtf8Offset, parseManifest } from '../../../src/core/formats';

describe('detectManifestKind', () => {
  const cases: [string, string | undefined][] = [
    ['requirements.txt', 'requirements'],
    ['/p/requirements-dev.txt', 'requirements'],
    ['requirements_gpu.in', 'requirements'],
    ['dev-requirements.txt', 'requirements'],
    ['constraints.txt', 'requirements'],
    ['C:\\p\\requirements\\base.txt', 'requirements'],
    ['requirements/gpu/cuda12.in', 'requirements'],
    ['docs/notes.txt', undefined],
    ['Requirements.TXT', 'requirements'],
    ['pyproject.toml', 'pyproject'],
    ['other.toml', undefined],
    ['setup.cfg', 'setup-cfg'],
    ['environment.yml', 'conda'],
    ['environment-gpu.yaml', 'conda'],
    ['conda_env.yml', 'conda'],
    ['docker-compose.yml', undefined],
    ['scripts/server-setup.sh', 'script'],
    ['install.bash', 'script'],
    ['Dockerfile', 'script'],
    ['docker/Dockerfile.gpu', 'script'],
    ['Dockerfile-dev', 'script'],
    ['api.dockerfile', 'script'],
    ['Containerfile', 'script'],
    ['Dockerfile.md', undefined],
    ['setup.py', 'python'],
    ['examples/seed-project/setup_ai_models.py', 'python'],
    ['install_gpu.py', 'python'],
    ['requirements.py', 'python'],
    ['get_deps.py', 'python'],
    ['env_setup.py', 'python'],
    ['app.py', undefined],
    ['test_install.py', undefined],
    ['conftest.py', undefined],
    ['README.md', undefined],
  ];
  for (const [path, kind] of cases) {
    test(`${path} -> ${kind}`, () => assert.equal(detectManifestKind(path), kind));
  }
});

describe('parseManifest', () => {
  test('dispatches on the kind; unknown names read as requirement files', () => {
    const pins = { script: 'pip install torch==2.1\n', python: 'R = ["torch==2.1"]\n', requirements: 'torch==2.1\n' };
    assert.equal(parseManifest('a/run.sh', pins.script).kind, 'script');
    assert.equal(parseManifest('a/setup_models.py', pins.python).kind, 'python');
    assert.equal(parseManifest('a/requirements.txt', pins.requirements).kind, 'requirements');
    assert.equal(parseManifest('a/whatever.lst', pins.requirements).kind, 'requirements');
    assert.equal(parseManifest('pyproject.toml', '[project]\ndependencies = ["torch==2.1"]\n').kind, 'pyproject');
    assert.equal(parseManifest('setup.cfg', '[options]\ninstall_requires =\n    torch==2.1\n').kind, 'setup-cfg');
    assert.equal(parseManifest('environment.yml', 'dependencies:\n  - pip:\n    - torch==2.1\n').kind, 'conda');
    for (const [path, text] of [['run.sh', pins.script], ['x_setup.py', pins.python], ['r.txt', pins.requirements]]) {
      const m = parseManifest(path, text);
      assert.deepEqual(m.requirements.map((r) => [r.normalizedName, r.specifier]), [['torch', '==2.1']], path);
      assert.equal(m.path, path);
    }
  });
});

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function findingOf(r: ReturnType<typeof decodeManifest>): string {
  assert.ok('finding' in r, `expected a finding, got text ${JSON.stringify('text' in r ? r.text : '')}`);
  assert.equal(r.finding.code, 'unreadable-file');
  assert.equal(r.finding.severity, 'error');
  assert.deepEqual(r.finding.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  return r.finding.message;
}

function textOf(r: ReturnType<typeof decodeManifest>): string {
  assert.ok('text' in r, `expected text, got ${'finding' in r ? r.finding.message : ''}`);
  return r.text;
}

describe('decodeManifest', () => {
  test('UTF-8 text, with or without a BOM, for every kind', () => {
    for (const path of ['requirements.txt', 'pyproject.toml', 'run.sh', 'setup.py', 'environment.yml', 'setup.cfg']) {
      assert.equal(textOf(decodeManifest(path, utf8('torch==2.1 # é ✓\n'))), 'torch==2.1 # é ✓\n', path);
      assert.equal(textOf(decodeManifest(path, utf8('\ufefftorch'))), 'torch', path);
    }
  });

  test('binary content (NUL bytes) is unreadable, with the offset', () => {
    for (const path of ['requirements.txt', 'pyproject.toml', 'Dockerfile']) {
      assert.match(findingOf(decodeManifest(path, bytes(0x61, 0x62, 0x00, 0x63))), /NUL bytes \(the first at byte 2\)/);
    }
  });

  test('invalid UTF-8 names the bad byte', () => {
    assert.match(findingOf(decodeManifest('pyproject.toml', bytes(0x61, 0xc3, 0x28))), /not valid UTF-8 \(byte 0xC3 at offset 1\)/);
    assert.match(findingOf(decodeManifest('requirements.txt', bytes(0x61, 0x0a, 0xff))), /not valid UTF-8 \(byte 0xFF at offset 2\)/);
  });

  test('requirement files decode as pip does: UTF-16 BOM, PEP 263 coding comment', () => {
    const utf16 = bytes(0xff, 0xfe, ...[...'torch\n'].flatMap((c) => [c.charCodeAt(0), 0]));
    assert.equal(textOf(decodeManifest('requirements.txt', utf16)), 'torch\n');
    const latin1 = bytes(...utf8('# -*- coding: latin-1 -*-\n'), 0xe9);
    assert.equal(textOf(decodeManifest('requirements.txt', latin1)), '# -*- coding: latin-1 -*-\né');
    assert.match(findingOf(decodeManifest('requirements.txt', bytes(...utf8('# coding: nope\n'), 0xe9))), /nope/);
  });

  test('other kinds read UTF-16 with a BOM and refuse UTF-32', () => {
    assert.equal(textOf(decodeManifest('run.sh', bytes(0xfe, 0xff, 0, 0x70))), 'p');
    assert.match(findingOf(decodeManifest('run.sh', bytes(0xff, 0xfe, 0, 0, 0x70, 0, 0, 0))), /UTF-32/);
  });

  test('invalidUtf8Offset rejects overlongs, surrogates and truncation', () => {
    assert.equal(invalidUtf8Offset(utf8('aé✓😀')), -1);
    assert.equal(invalidUtf8Offset(bytes(0x61, 0xc0, 0x80)), 1);
    assert.equal(invalidUtf8Offset(bytes(0xe0, 0x80, 0x80)), 0);
    assert.equal(invalidUtf8Offset(bytes(0xed, 0xa0, 0x80)), 0);
    assert.equal(invalidUtf8Offset(bytes(0x61, 0x62, 0xf0, 0x9f)), 2);
    assert.equal(invalidUtf8Offset(bytes(0xf4, 0x90, 0x80, 0x80)), 0);
  });
});

describe('files given by name that do not look like manifests', () => {
  test('are read by their extension, not as requirement files', () => {
    const py = parseManifest('/x/launch.py', 'import os\nimport subprocess\nsubprocess.run(["pip", "install", "torch==2.0.1"])\n');
    assert.equal(py.kind, 'python');
    assert.deepEqual(py.findings.map((f) => f.code), []);
    assert.deepEqual(py.requirements.map((r) => r.text), ['torch==2.0.1']);
    assert.equal(parseManifest('/x/deps.yaml', 'dependencies:\n  - numpy=1.26\n').kind, 'conda');
    assert.equal(parseManifest('/x/reqs.list', 'torch==2.0.1\n').kind, 'requirements');
  });
});

test('common misspellings and singulars of requirement files are detected', () => {
  for (const name of ['requirments_cu118_py312.txt', 'requirement.txt', 'constraint.txt', 'dev-requirements.in']) {
    assert.equal(detectManifestKind(`/p/${name}`), 'requirements', name);
  }
  assert.equal(detectManifestKind('/p/notes.txt'), undefined);
});

test('prefixed Dockerfiles and environment files are detected', () => {
  for (const name of ['GPUDockerfile', 'app.Dockerfile', 'docker/CPUDockerfile']) assert.equal(detectManifestKind(`/p/${name}`), 'script', name);
  for (const name of ['tft2v_environment.yaml', 'environment-gpu.yml', 'conda-env.yml']) assert.equal(detectManifestKind(`/p/${name}`), 'conda', name);
  assert.equal(detectManifestKind('/p/docker-compose.yml'), undefined);
});

test('a requirement line that only pip\'s environment expansion completes is not an error', () => {
  const m = parseManifest('/p/requirements.txt', '${PKG_SPEC}\ntorch==2.1.0\n');
  assert.deepEqual(m.findings.map((f) => f.severity), ['information']);
  assert.deepEqual(m.requirements.map((r) => r.name), ['torch']);
});
