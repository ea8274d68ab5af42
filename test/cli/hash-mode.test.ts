// hashes-required against real pip: each requirement file below is installed with pip (into an empty target, from a
// loopback PEP 691 index of real wheels) and checked by ML Pins. ML Pins reports hashes-required exactly where pip
// refuses the install for its hash-checking mode, and nothing where pip installs it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startIndex, type RunningIndex } from '../support/index-server';
import { checkProject, knowledgeFrom } from '../../src/core/engine/check';
import { memoryProvider } from '../../src/core/metadata/provider';
import { bundledFamilies } from '../../src/core/rules/bundled';
import { findings, messageProblems, toInput } from '../core/engine/helpers';

// What ML Pins knows of the index's packages: parent-pkg 1.0 declares other>=0.1, as its wheel does.
const knowledge = knowledgeFrom(bundledFamilies, memoryProvider([
  { format: 1, name: 'parent-pkg', snapshot_date: '2026-12-07', complete_through: '1.0', releases: [{ versions: ['1.0'], requires_dist: ['other>=0.1'], source: 'test' }] },
  { format: 1, name: 'other', snapshot_date: '2026-12-07', complete_through: '0.5', releases: [{ versions: ['0.5'], requires_dist: [], source: 'test' }] },
]));

const work = mkdtempSync(join(tmpdir(), 'ml-pins-hash-mode-'));
const python = spawnSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
const pip = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });

function pipInstall(dir: string, file: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((ok) => {
    const env: NodeJS.ProcessEnv = { PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', NO_COLOR: '1' };
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_')) env[k] ??= v;
    const p = spawn('python3', ['-m', 'pip', 'install', '--no-cache-dir', '--no-build-isolation', '--target', mkdtempSync(join(work, 'target-')), '-r', file], { cwd: dir, env });
    let stderr = '';
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => ok({ code, stderr }));
  });
}

/** pip's own words when its hash-checking mode refuses an install (pip 23.2's exceptions and prepare.py). */
const HASH_MODE_REFUSAL = /Hashes are required in --require-hashes mode|In --require-hashes mode, all requirements must have their versions pinned|cannot be installed when requiring hashes|Can't verify hashes for these/;

describe('hashes-required agrees with pip', { skip: (pip.status !== 0 || python.status !== 0) && 'no pip' }, () => {
  let index: RunningIndex;
  const sha = new Map<string, string>();
  const urls = new Map<string, string>();
  before(async () => {
    index = await startIndex({ packages: { 'demo-pkg': [{ version: '1.0' }, { version: '2.0' }], other: [{ version: '0.5' }], 'parent-pkg': [{ version: '1.0', requires_dist: ['other>=0.1'] }] } });
    for (const name of ['demo-pkg', 'other', 'parent-pkg']) {
      const page = await fetch(`${index.url}/${name}/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } });
      for (const f of ((await page.json()) as { files: { filename: string; url: string; hashes: { sha256: string } }[] }).files) {
        sha.set(f.filename, f.hashes.sha256);
        urls.set(f.filename, new URL(f.url, `${index.url}/${name}/`).href);
      }
    }
  });
  after(async () => { await index?.close(); rmSync(work, { recursive: true, force: true }); });

  const hash = (file: string) => `--hash=sha256:${sha.get(file) ?? assert.fail(`no ${file}`)}`;
  const demo1 = () => hash('demo_pkg-1.0-py3-none-any.whl');
  const demo2 = () => hash('demo_pkg-2.0-py3-none-any.whl');
  const other = () => hash('other-0.5-py3-none-any.whl');
  const parent = () => hash('parent_pkg-1.0-py3-none-any.whl');

  /** Files of one project (requirements.txt is installed), with the index named at the top of requirements.txt. */
  const cases: { name: string; files: () => Record<string, string>; refused: boolean }[] = [
    { name: 'every requirement pinned and hashed', refused: false, files: () => ({ 'requirements.txt': `demo-pkg==2.0 ${demo2()}\nother==0.5 ${other()}\n` }) },
    { name: 'a line added without its hash', refused: true, files: () => ({ 'requirements.txt': `demo-pkg==2.0 ${demo2()}\nother==0.5\n` }) },
    { name: 'a hashed line that is a range', refused: true, files: () => ({ 'requirements.txt': `demo-pkg>=1.0 ${demo1()} ${demo2()}\nother==0.5 ${other()}\n` }) },
    { name: '==X.* is pinned for pip', refused: false, files: () => ({ 'requirements.txt': `demo-pkg==1.* ${demo1()}\n` }) },
    { name: '--require-hashes without hashes', refused: true, files: () => ({ 'requirements.txt': '--require-hashes\nother==0.5\n' }) },
    { name: 'no hashes and no --require-hashes', refused: false, files: () => ({ 'requirements.txt': 'demo-pkg>=1.0\nother\n' }) },
    { name: 'hashes in a constraint file only', refused: true, files: () => ({ 'requirements.txt': '-c constraints.txt\nother==0.5\n', 'constraints.txt': `other==0.5 ${other()}\n` }) },
    { name: 'an included file without hashes', refused: true, files: () => ({ 'requirements.txt': `-r extra.txt\ndemo-pkg==2.0 ${demo2()}\n`, 'extra.txt': 'other==0.5\n' }) },
    { name: 'an editable project beside hashed lines', refused: true, files: () => ({ 'requirements.txt': `demo-pkg==2.0 ${demo2()}\n-e ./app\n` }) },
    { name: 'a folder beside hashed lines', refused: true, files: () => ({ 'requirements.txt': `demo-pkg==2.0 ${demo2()}\n./app\n` }) },
    { name: 'an unhashed line whose marker fails here', refused: false, files: () => ({ 'requirements.txt': `demo-pkg==2.0 ${demo2()}\nother==0.5 ; python_version < "3.0"\n` }) },
    { name: 'a package hashed on one line and repeated after it without', refused: false, files: () => ({ 'requirements.txt': `demo-pkg==2.0 ${demo2()}\ndemo-pkg==2.0\n` }) },
    { name: 'a direct URL with its hash', refused: false, files: () => ({ 'requirements.txt': `demo-pkg @ ${urls.get('demo_pkg-2.0-py3-none-any.whl')} ${demo2()}\nother==0.5 ${other()}\n` }) },
    { name: 'a direct URL without a hash beside hashed lines', refused: true, files: () => ({ 'requirements.txt': `demo-pkg @ ${urls.get('demo_pkg-2.0-py3-none-any.whl')}\nother==0.5 ${other()}\n` }) },
    { name: '--require-hashes in an included file', refused: true, files: () => ({ 'requirements.txt': '-r options.txt\nother==0.5\n', 'options.txt': '--require-hashes\n' }) },
    { name: 'a hashed pin whose release requires a package no line names', refused: true, files: () => ({ 'requirements.txt': `parent-pkg==1.0 ${parent()}\n` }) },
    { name: 'a hashed pin with its dependency hashed too', refused: false, files: () => ({ 'requirements.txt': `parent-pkg==1.0 ${parent()}\nother==0.5 ${other()}\n` }) },
  ];

  for (const c of cases) {
    test(`${c.name}: ${c.refused ? 'pip refuses it, and it is an error' : 'pip installs it, and nothing is said'}`, { timeout: 120_000 }, async () => {
      const dir = mkdtempSync(join(work, 'project-'));
      const files = c.files();
      files['requirements.txt'] = `--index-url ${index.url}\n${files['requirements.txt']}`;
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      mkdirSync(join(dir, 'app'));
      writeFileSync(join(dir, 'app', 'pyproject.toml'), '[project]\nname = "app"\nversion = "0.1"\n');
      const [installed, result] = await Promise.all([pipInstall(dir, 'requirements.txt'), checkProject({ ...toInput(files, { targetPython: python.stdout.trim() }), knowledge })]);
      assert.deepEqual(result.files.flatMap((f) => f.findings.flatMap(messageProblems)), []);
      const said = findings(result).filter((f) => f.code === 'hashes-required');
      if (c.refused) {
        assert.notEqual(installed.code, 0, 'pip installed it');
        assert.match(installed.stderr, HASH_MODE_REFUSAL);
        assert.ok(said.length > 0, 'pip refuses it, ML Pins said nothing');
        assert.ok(said.every((f) => f.severity === 'error'));
      } else {
        assert.equal(installed.code, 0, installed.stderr);
        assert.deepEqual(said, []);
      }
    });
  }
});
