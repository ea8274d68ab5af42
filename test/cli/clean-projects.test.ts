// No false alarms on clean, current ML projects: each project in test/fixtures/clean-projects (manifests written the
// way projects write them today; README.md there says where each shape comes from) gets no error and no warning,
// through the real engine as the CLI feeds it (files found on disk, the snapshot's declared metadata and pip's
// resolution) and through the CLI itself. The broken siblings in test/fixtures/clean-projects-broken are the same
// shapes with one real break each: they must still be caught, so this suite fails when the checker goes quiet.
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
const clean = join(root, 'test', 'fixtures', 'clean-projects');
const broken = join(root, 'test', 'fixtures', 'clean-projects-broken');
const projects = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const metadata = new NodeMetadata(join(root, 'metadata'));
const knowledge = knowledgeFrom(bundledFamilies, metadata);

/** One project checked as `ml-pins check <dir> --offline` checks it: discovery, snapshot metadata, resolution. */
async function engineFindings(dir: string): Promise<(Finding & { file: string })[]> {
  const input = await loadProject([dir], root, knowledge);
  const result = await checkProject({ ...input, ...declaredMetadataHooks((name) => metadata.get(name)) });
  return result.files.flatMap((f) => f.findings.map((x) => ({ ...x, file: relative(dir, f.path) })));
}

const loud = (fs: (Finding & { file: string })[]) =>
  fs.filter((f) => f.severity === 'error' || f.severity === 'warning').map((f) => `${f.file}:${f.range.start.line + 1} ${f.severity} ${f.code}: ${f.message}`);

/** What each broken sibling must still report (code and severity), and where. */
const EXPECTED_BREAKS: Record<string, { file: string; line: number; code: string; severity: 'error' | 'warning' }> = {
  // The README's original failure: diffusers>=0.21.0 admits releases that import cached_download, hub left open.
  'diffusers-open-hub': { file: 'pyproject.toml', line: 7, code: 'hf-hub-cached-download', severity: 'warning' },
  // torchvision 0.22.0 is built for torch 2.7.0.
  'torchvision-wrong-torch': { file: 'requirements.txt', line: 3, code: 'torchvision-torch-mismatch', severity: 'error' },
  // The corpus's setup.cfg as first written (torch>=2.4): 2.4.0's Windows wheels break with numpy 2.
  'torch-floor-windows-numpy2': { file: 'setup.cfg', line: 7, code: 'numpy2-abi-torch-windows', severity: 'warning' },
  // uv sources that bind the Linux CUDA build to no index: uv looks for "+cu128" on PyPI.
  'uv-local-build-no-source': { file: 'pyproject.toml', line: 6, code: 'torch-variant-no-index', severity: 'error' },
  // A lock that pairs a NumPy-1 build of pandas with numpy 2.
  'pandas-lock-numpy2': { file: 'requirements.txt', line: 2, code: 'pandas-installs-numpy', severity: 'error' },
};

describe('clean, current projects get no error and no warning', () => {
  test('the corpus is there (about twenty projects, every manifest kind)', () => {
    assert.ok(projects(clean).length >= 20, projects(clean).join(', '));
  });

  for (const name of projects(clean)) {
    test(`engine: ${name}`, async () => {
      const found = await engineFindings(join(clean, name));
      assert.deepEqual(loud(found), []);
    });
  }

  for (const name of projects(broken)) {
    test(`engine: the broken sibling ${name} is caught`, async () => {
      const want = EXPECTED_BREAKS[name];
      assert.ok(want, `no expected break written for ${name}`);
      const found = await engineFindings(join(broken, name));
      assert.ok(found.some((f) => f.code === want.code && f.severity === want.severity && f.file === want.file && f.range.start.line + 1 === want.line),
        `${name}: expected ${want.severity} ${want.code} at ${want.file}:${want.line}, got\n${found.map((f) => `${f.file}:${f.range.start.line + 1} ${f.severity} ${f.code}`).join('\n')}`);
    });
  }
});

describe('clean, current projects through the CLI', () => {
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  type Report = { files: { path: string; findings: Finding[] }[]; summary: { files: number; errors: number; warnings: number } };

  test('every project at once: exit 0 with --fail-on warning, no error, no warning', () => {
    const dirs = projects(clean).map((p) => relative(root, join(clean, p)));
    const r = cli(['check', ...dirs, '--offline', '--format', 'json', '--fail-on', 'warning']);
    const out = JSON.parse(r.stdout) as Report;
    const loudOnes = out.files.flatMap((f) => f.findings.filter((x) => x.severity === 'error' || x.severity === 'warning').map((x) => `${f.path}:${x.range.start.line + 1} ${x.code}: ${x.message}`));
    assert.deepEqual(loudOnes, []);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(out.summary.errors + out.summary.warnings, 0);
    // Every project's manifests were found and read.
    for (const p of projects(clean)) assert.ok(out.files.some((f) => f.path.includes(`/clean-projects/${p}/`)), `${p}: no manifest found`);
  });

  test('on Python 3.12 too (--target-python: every Python-dependent fact decided)', () => {
    const dirs = projects(clean).map((p) => relative(root, join(clean, p)));
    const r = cli(['check', ...dirs, '--offline', '--format', 'json', '--fail-on', 'warning', '--target-python', '3.12']);
    const out = JSON.parse(r.stdout) as Report;
    const loudOnes = out.files.flatMap((f) => f.findings.filter((x) => x.severity === 'error' || x.severity === 'warning').map((x) => `${f.path}:${x.range.start.line + 1} ${x.code}: ${x.message}`));
    assert.deepEqual(loudOnes, []);
    assert.equal(r.code, 0, r.stderr);
  });

  test('the broken siblings fail the same command', () => {
    const dirs = projects(broken).map((p) => relative(root, join(broken, p)));
    const r = cli(['check', ...dirs, '--offline', '--format', 'json', '--fail-on', 'warning']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Report;
    for (const [name, want] of Object.entries(EXPECTED_BREAKS)) {
      const file = out.files.find((f) => f.path.endsWith(`/clean-projects-broken/${name}/${want.file}`));
      assert.ok(file?.findings.some((x) => x.code === want.code && x.severity === want.severity), `${name}: ${want.code} not reported`);
    }
  });
});
