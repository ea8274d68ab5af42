// Every message the engine produces is plain words for ML engineers: the Problems panel and the CLI's JSON show it as
// written, so no Markdown (backticks, emphasis, links) and none of the in-house words ("admits", "a fresh install").
// Scanned: every rule's examples (so every rule code), the example projects, and manifests that make each format's
// parser and the built-in checks speak. helpers.check() applies the same scan to every engine test's manifests.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkProject } from '../../../src/core/engine/check';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import type { Finding } from '../../../src/core/types';
import { messageProblems, toInput } from './helpers';

/** Checks without the helper's own scan, to collect every problem at once. */
async function allFindings(files: Record<string, string>, settings?: Parameters<typeof toInput>[1]): Promise<Finding[]> {
  return (await checkProject(toInput(files, settings))).files.flatMap((f) => f.findings);
}

test('every rule speaks plainly in its examples (each rule code is heard)', async () => {
  const problems: string[] = [];
  const heard = new Set<string>();
  for (const family of bundledFamilies) {
    for (const rule of family.rules) {
      for (const ex of [...rule.examples.fires, ...rule.examples.passes]) {
        for (const f of await allFindings(ex.files, ex.settings)) {
          heard.add(f.code);
          for (const r of f.reasons ?? []) heard.add(r.code);
          problems.push(...messageProblems(f));
        }
      }
    }
  }
  assert.deepEqual([...new Set(problems)], []);
  const codes = bundledFamilies.flatMap((f) => f.rules.flatMap((r) => (r.kind === 'accelerator-variant' ? [] : [r.code])));
  assert.deepEqual(codes.filter((c) => !heard.has(c)), [], 'rules whose message no example produced');
});

test('the example projects speak plainly', async () => {
  const root = join(__dirname, '..', '..', '..', 'examples');
  for (const project of readdirSync(root)) {
    const files = Object.fromEntries(readdirSync(join(root, project)).filter((f) => f !== 'README.md').map((f) => [f, readFileSync(join(root, project, f), 'utf8')]));
    const found = await allFindings(files);
    assert.ok(found.length > 0, project);
    assert.deepEqual(found.flatMap(messageProblems), [], project);
  }
});

test('parsers and built-in checks speak plainly', async () => {
  const manifests: Record<string, string>[] = [
    { 'pyproject.toml': '[project]\nname = "x"\ndependencies = "torch"\n' },
    { 'pyproject.toml': '[project]\nname = "x"\ndependencies = [1]\n[project.optional-dependencies]\ndev = "pytest"\n[dependency-groups]\ndev = [2]\n' },
    { 'pyproject.toml': '[tool.poetry.dependencies]\npython = "^3.10"\ntorch = "^^2"\n[tool.poetry.group.dev.dependencies]\npytest = 3\n' },
    { 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["torch"]\n[tool.uv]\nindex = [{ name = "pytorch" }]\n[tool.uv.sources]\ntorch = 3\n' },
    { 'pyproject.toml': '[project\nname = "x"\n' },
    { 'Pipfile': '[packages]\ntorch = ">>2"\nnumpy = { version = "*", sys_platform = "linux" }\ndiffusers = { version = "*", markers = "os_name ==" }\n[requires]\npython_version = "three"\n[[source]]\nname = "pypi"\n' },
    { 'environment.yml': 'dependencies:\n  - python=3.10\n  - pip:\n      - 3\n' },
    { 'environment.yml': 'dependencies: torch\n' },
    { 'environment.yml': 'dependencies: [\n' },
    { 'setup.cfg': '[options]\ninstall_requires =\n    torch\ninstall_requires =\n    numpy\n' },
    { 'setup.sh': 'pip install torch>=2.0 numpy\n' },
    { 'requirements.txt': 'numpy>=1.24,<2.0,\n--frobnicate\n-r missing.txt\ntorch==2.2.0 --index-url https://example.org\n--hash=sha256:abc\nnot a requirement !!\n' },
    { 'requirements.txt': 'torchvision==0.15.2\ntorchvision>=0.17.0\ntorch==2.2.0\n' },
    { 'requirements.txt': 'transformers==4.30.0\n', 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["transformers>=4.35.0"]\n' },
    { 'requirements.txt': '-r b.txt\n', 'b.txt': '-r requirements.txt\n' },
    { 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["torch"]\n[tool.ml-pins]\nfrobnicate = 1\ndisable = "x"\n' },
  ];
  const codes = new Set<string>();
  const problems: string[] = [];
  for (const files of manifests) {
    const found = await allFindings(files);
    for (const f of found) codes.add(f.code);
    problems.push(...found.flatMap(messageProblems));
  }
  assert.deepEqual(problems, []);
  // The corpus reaches the parsers' and the engine's own findings.
  for (const c of ['pyproject-schema', 'toml-syntax', 'requirement-trailing-comma', 'include-missing', 'conflicting-pins', 'inconsistent-pins', 'config-invalid']) {
    assert.ok(codes.has(c), `${c} not produced; got ${[...codes].join(', ')}`);
  }
});

test('a range that starts and ends at one release names it once ("torch 2.4.0", not "torch 2.4–2.4.0")', async () => {
  // torch>=2.4 is written "2.4"; the rule's last breaking release is "2.4.0": the same PEP 440 version.
  const found = await allFindings({ 'requirements.txt': 'torch>=2.4\nnumpy>=1.26\n' });
  const windows = found.find((f) => f.code === 'numpy2-abi-torch-windows');
  assert.ok(windows, found.map((f) => f.code).join(', '));
  assert.match(windows.message, /torch>=2\.4 allows torch 2\.4\.0, whose Windows wheels/);
  assert.doesNotMatch(windows.message, /2\.4–2\.4\.0/);
});

test('marker-split pins of one package are each named in their own finding', async () => {
  const found = await allFindings({ 'pyproject.toml': `[project]\nname = "x"\nversion = "0.1"\nrequires-python = ">=3.10"\ndependencies = [\n  "torch==2.7.0+cpu; sys_platform == 'win32'",\n  "torch==2.7.0; sys_platform == 'darwin'",\n]\n` });
  const python = found.filter((f) => f.code === 'torch-python-unsupported');
  assert.deepEqual(python.map((f) => [f.range.start.line, f.message.split(' has no wheels')[0]]), [
    [5, "torch==2.7.0+cpu; sys_platform == 'win32'"],
    [6, "torch==2.7.0; sys_platform == 'darwin'"],
  ]);
});

test('a set cut by per-Python rows reads as ranges of releases, without pre-release slivers or ".dev0"', async () => {
  // torch's rows per CPython leave only pre-release slivers between the releases Python 3.11 excludes.
  const found = await allFindings({ 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.11"\ndependencies = ["sentence-transformers>=5.0.0", "numpy>=2.0"]\n' });
  const torch = found.find((f) => f.code === 'numpy2-abi-torch');
  assert.ok(torch, found.map((f) => f.code).join(', '));
  const allowed = /allows torch (.*), built against/.exec(torch.message)?.[1] ?? '';
  assert.doesNotMatch(allowed, /dev0/);
  assert.ok(allowed.split(' or ').length <= 2, allowed);
});

test('a range with whole releases left out reads as the range "except" those releases, not as PEP 440 pieces', async () => {
  const { VersionSet } = await import('../../../src/core/pep440/intervals');
  const { describeSet } = await import('../../../src/core/engine/messages');
  const f = (s: string) => VersionSet.fromSpecifierSet(s);
  assert.equal(describeSet(f('>=2.6.0,<2.16.0').minus(f('==2.12.0')).minus(f('>=2.15.0,<=2.15.1'))), '>=2.6.0, <2.16.0 except 2.12.0 and 2.15.0–2.15.1');
  assert.equal(describeSet(f('!=2.12.0')), '!=2.12.0');
  // Gaps of other shapes keep the PEP 440 text.
  assert.equal(describeSet(f('<1.0').union(f('>=2.0'))), '<1.0 or >=2.0');
  // The real case (datasets' `tensorflow>=2.6.0` extra): the releases whose numpy cap keeps NumPy 2 away are named.
  const [finding] = (await allFindings({ 'requirements.txt': 'tensorflow>=2.6.0\n' })).filter((x) => x.code === 'numpy2-abi-tensorflow');
  assert.ok(finding, 'numpy2-abi-tensorflow is reported');
  assert.doesNotMatch(finding.message, /post0|dev0| or >=/);
});
