// `ml-pins metadata`: what the snapshot knows of a package, as a real process over a test snapshot
// (test/fixtures/metadata, hand-made test data).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
function cli(args: string[], dir = join(root, 'test', 'fixtures', 'metadata')) {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ML_PINS_METADATA_DIR: dir } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ml-pins metadata', () => {
  test('JSON: one entry per release, expanded', () => {
    const r = cli(['metadata', 'torch', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out).slice(0, 2), ['name', 'snapshot_date']);
    assert.equal(out.name, 'torch');
    assert.equal(out.snapshot_date, '2026-01-15');
    assert.deepEqual(out.releases.map((x: { version: string }) => x.version), ['2.1.0', '2.1.1', '2.1.2', '2.2.0', '2.2.1', '2.2.2']);
    for (const rel of out.releases) {
      assert.deepEqual(Object.keys(rel).slice(0, 5), ['version', 'requires_python', 'requires_dist', 'yanked', 'source']);
      assert.equal(rel.yanked, false);
    }
    assert.equal(out.releases[3].requires_python, '>=3.8.0');
    assert.ok(out.releases[3].requires_dist.includes('typing-extensions>=4.8.0'));
    assert.deepEqual(out.releases[0].python, ['3.8', '3.9', '3.10', '3.11']);
    assert.deepEqual(out.unknown_releases, { newer_than: '2.2.2', registry_newest: '2.9.1' });
  });

  test('text: readable, with the unknown newer releases', () => {
    const r = cli(['metadata', 'torchvision']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^torchvision: 6 releases known, through 0\.17\.2 \(metadata snapshot of 2026-01-15\)/);
    assert.match(r.stdout, /\n0\.17\.0 {2}Requires-Python >=3\.8; installs on CPython 3\.8–3\.12\n {2}requires: numpy, requests, torch==2\.2\.0/);
    assert.match(r.stdout, /unknown: the registry lists releases up to 0\.24\.1; those after 0\.17\.2 are newer than the knowledge snapshot \(2026-01-15\)/);
    const none = cli(['metadata', 'torchaudio']);
    assert.match(none.stdout, /requires: nothing/);
  });

  test('a partial listing (the shipped torchvision, from the release matrix): complete_from and partial requirements are said', () => {
    const shipped = join(root, 'metadata');
    const out = JSON.parse(cli(['metadata', 'torchvision', '--format', 'json'], shipped).stdout);
    assert.equal(out.complete_from, out.complete_through);
    const rel = out.releases.find((x: { version: string }) => x.version === '0.17.0');
    assert.deepEqual([rel.requires_dist, rel.requires_dist_partial], [['torch==2.2.0'], true]);
    const text = cli(['metadata', 'torchvision'], shipped).stdout;
    assert.match(text, /requires: torch==2\.2\.0 \(and more not known here\)/);
    assert.match(text, /lists some releases only; one before 0\.\d+\.\d+ that it does not list is unknown/);
    assert.equal(JSON.parse(cli(['metadata', 'numpy', '--format', 'json'], shipped).stdout).complete_from, null);
  });

  test('a release known to be yanked, with its reason and its requirements unknown (the shipped tensorflow 2.16.0)', () => {
    const shipped = join(root, 'metadata');
    const out = JSON.parse(cli(['metadata', 'tensorflow', '--format', 'json'], shipped).stdout);
    const rel = out.releases.find((x: { version: string }) => x.version === '2.16.0');
    assert.deepEqual([rel.yanked, rel.requires_dist, rel.requires_python], [true, null, null]);
    assert.match(rel.source, /keras-team\/keras-io#1787/);
    assert.match(cli(['metadata', 'tensorflow'], shipped).stdout, /2\.16\.0  Requires-Python unknown; yanked \(reason not known\)\n  requires: unknown/);
  });

  test('a package outside the snapshot, the package list, and no snapshot at all', () => {
    const r = cli(['metadata', 'left-pad']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /left-pad: not in the metadata snapshot of 2026-01-15/);
    const list = cli(['metadata']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^metadata snapshot of 2026-01-15: 7 packages\n/);
    assert.match(list.stdout, /\ntorch +6 releases through 2\.2\.2 \(registry: 2\.9\.1\)\n/);
    const empty = cli(['metadata', 'torch'], '/nonexistent');
    assert.equal(empty.code, 1);
    assert.match(empty.stdout, /torch: not in the metadata snapshot;/);
    assert.equal(cli(['metadata', 'torch', '--format', 'sarif']).code, 2);
  });

  test('check reads the snapshot: a plain pandas==2.1.4 is found', () => {
    const r = cli(['check', 'test/fixtures/metadata-project', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const codes = JSON.parse(r.stdout).files.flatMap((f: { findings: { code: string }[] }) => f.findings.map((x) => x.code));
    assert.ok(codes.includes('numpy2-abi-pandas'), JSON.stringify(codes));
  });
});
