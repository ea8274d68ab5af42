// `ml-pins check` and `fix` read the project's own package indexes, as `resolve` does: a loopback PEP 691/658 index
// that knows a release newer than the snapshot changes the verdict; an index that is down or never answers leaves the
// snapshot's verdict, quickly, and is named (credentials redacted); --offline and ML_PINS_OFFLINE never connect.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { startIndex } from '../support/index-server';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** The CLI as a real process, without the test runner's ML_PINS_OFFLINE (unless given) or the user's pip settings. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((ok) => {
    const vars: NodeJS.ProcessEnv = { NO_COLOR: '1', PIP_CONFIG_FILE: '/dev/null' };
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_') && !k.startsWith('ML_PINS_')) vars[k] = v;
    const start = Date.now();
    const p = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args], { env: { ...vars, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => ok({ code, stdout, stderr, ms: Date.now() - start }));
  });
}

const rel = (v: string, requires_dist: string[] = []) => ({ versions: [v], requires_dist, source: 'test' });

/** A snapshot where alpha 1.0 (its newest) needs beta<2: `alpha` next to `beta>=2` installs nothing. */
function project(requirements: string): { dir: string; file: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-live-'));
  const meta = join(dir, 'metadata');
  mkdirSync(join(meta, 'packages'), { recursive: true });
  writeFileSync(join(meta, 'packages', 'alpha.json'), JSON.stringify({ format: 1, name: 'alpha', snapshot_date: '2026-12-01', complete_through: '1.0', releases: [rel('1.0', ['beta<2', 'gamma'])] }));
  writeFileSync(join(meta, 'packages', 'gamma.json'), JSON.stringify({ format: 1, name: 'gamma', snapshot_date: '2026-12-01', complete_through: '1.0', releases: [rel('1.0')] }));
  writeFileSync(join(meta, 'packages', 'beta.json'), JSON.stringify({ format: 1, name: 'beta', snapshot_date: '2026-12-01', complete_through: '2.0', releases: [rel('1.0'), rel('2.0')] }));
  writeFileSync(join(meta, 'snapshot.json'), JSON.stringify({ format: 1, snapshot_date: '2026-12-01', packages: { alpha: { complete_through: '1.0', releases: 1 }, beta: { complete_through: '2.0', releases: 2 }, gamma: { complete_through: '1.0', releases: 1 } } }));
  mkdirSync(join(dir, 'project'));
  const file = join(dir, 'project', 'requirements.txt');
  writeFileSync(file, requirements);
  return { dir, file, env: { ML_PINS_METADATA_DIR: meta, ML_PINS_CACHE_DIR: join(dir, 'cache') } };
}

/** The index the project reads: alpha 1.1, newer than the snapshot, takes beta>=2. */
const newer = { alpha: [{ version: '1.0', requires_dist: ['beta<2', 'gamma'] }, { version: '1.1', requires_dist: ['beta>=2', 'gamma'] }], beta: [{ version: '1.0' }, { version: '2.0' }], gamma: [{ version: '1.0' }] };

type Json = { files: { findings: { code: string; message: string; fixes: { title: string }[] }[] }[]; unreachable_indexes?: { url: string; reason: string }[] };
const codes = (out: Json) => out.files.flatMap((f) => f.findings.map((x) => x.code));

/** A server that takes requests and never answers (an index behind a dead proxy). */
async function silent(): Promise<{ url: string; requests: string[]; close: () => void }> {
  const requests: string[] = [];
  const server: Server = createServer((req) => { requests.push(req.url ?? ''); });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`, requests, close: () => { server.closeAllConnections(); server.close(); } };
}

describe('check and fix with live index metadata', () => {
  test('a release the index knows and the snapshot does not changes the verdict; --offline never connects', async () => {
    const index = await startIndex({ packages: newer });
    try {
      const p = project('alpha\nbeta>=2\n');
      const live = await cli(['check', p.file, '--format', 'json'], { ...p.env, PIP_INDEX_URL: index.url });
      assert.equal(live.code, 0, live.stdout + live.stderr);
      assert.deepEqual(codes(JSON.parse(live.stdout)), []);
      assert.equal(JSON.parse(live.stdout).unreachable_indexes, undefined);
      assert.ok(index.requests.some((q) => q.path.endsWith('.metadata')), 'PEP 658 metadata files were read');
      const asked = index.requests.length;
      for (const offline of [['--offline'], []]) {
        const r = await cli(['check', p.file, '--format', 'json', ...offline], { ...p.env, PIP_INDEX_URL: index.url, ...(offline.length ? {} : { ML_PINS_OFFLINE: '1' }) });
        assert.equal(r.code, 1, r.stderr);
        assert.deepEqual(codes(JSON.parse(r.stdout)), ['resolution-conflict', 'resolution-conflict']);
        assert.match(JSON.parse(r.stdout).files[0].findings[0].message, /alpha==1\.0 depends on beta<2/);
      }
      assert.equal(index.requests.length, asked, 'offline: the index saw no request');
      // --no-resolve reads no index either.
      await cli(['check', p.file, '--no-resolve'], { ...p.env, PIP_INDEX_URL: index.url });
      assert.equal(index.requests.length, asked);
    } finally {
      await index.close();
    }
  });

  test('a release whose index metadata PEP 508 rejects (`numpy (>=1.19.*)`): pip 24.1 ignores it, so the pin of it is an error', async () => {
    const index = await startIndex({ packages: { sdelike: [
      { version: '1.0', requires_dist: ['numpy (>=1.19.*) ; python_version >= "3.7"'] },
      { version: '1.1', requires_dist: ['numpy>=1.19'] },
    ] } });
    try {
      const p = project('sdelike==1.0\n');
      const live = await cli(['check', p.file, '--format', 'json'], { ...p.env, PIP_INDEX_URL: index.url });
      assert.equal(live.code, 1, live.stdout + live.stderr);
      const found = JSON.parse(live.stdout).files[0].findings;
      assert.deepEqual(found.map((f: { code: string }) => f.code), ['invalid-metadata']);
      assert.match(found[0].message, /sdelike 1\.0 declares "numpy \(>=1\.19\.\*\) ; python_version >= "3\.7""/);
      assert.match(found[0].message, /sdelike 1\.1 is the next release with valid metadata/);
      // The snapshot does not know the package: offline, nothing is said.
      const offline = await cli(['check', p.file, '--format', 'json', '--offline'], p.env);
      assert.equal(offline.code, 0, offline.stdout + offline.stderr);
    } finally {
      await index.close();
    }
  });

  test('fix upgrades to the release only the index knows; credentials in the file reach the index, not the output', async () => {
    const index = await startIndex({ packages: newer });
    try {
      const secret = index.url.replace('http://', 'http://carol:t0ps3cret@');
      const p = project(`--index-url ${secret}\nalpha==1.0\nbeta>=2\n`);
      const offline = await cli(['fix', p.file, '--dry-run'], { ...p.env, ML_PINS_OFFLINE: '1' });
      assert.equal(offline.stdout, '', 'the snapshot knows no alpha that takes beta>=2');
      const r = await cli(['fix', p.file, '--dry-run'], p.env);
      assert.match(r.stdout, /-alpha==1\.0\n\+alpha==1\.1\n/);
      assert.ok(index.requests.length > 0 && index.requests.every((q) => q.authorization === `Basic ${Buffer.from('carol:t0ps3cret').toString('base64')}`));
      await cli(['fix', p.file], p.env);
      assert.equal(readFileSync(p.file, 'utf8'), `--index-url ${secret}\nalpha==1.1\nbeta>=2\n`);
      const after = await cli(['check', p.file, '--format', 'json'], p.env);
      assert.equal(after.code, 0, after.stdout);
      for (const out of [offline, r, after]) assert.ok(!`${out.stdout}${out.stderr}`.includes('t0ps3cret'));
    } finally {
      await index.close();
    }
  });

  test('a package bound to an explicit index is read from that index only, and the explicit index serves no other', async () => {
    // The general index knows only alpha 1.0 (which needs beta<2); the explicit one, bound to alpha, has alpha 1.1.
    const general = await startIndex({ packages: { alpha: [{ version: '1.0', requires_dist: ['beta<2', 'gamma'] }], beta: newer.beta, gamma: newer.gamma } });
    const explicit = await startIndex({ packages: newer });
    try {
      const p = project('');
      const file = join(p.dir, 'project', 'pyproject.toml');
      writeFileSync(file, ['[project]', 'name = "demo"', 'version = "0.1"', 'dependencies = ["alpha", "beta>=2"]', '',
        '[[tool.uv.index]]', 'name = "acme"', `url = "${explicit.url}"`, 'explicit = true', '', '[tool.uv.sources]', 'alpha = { index = "acme" }', ''].join('\n'));
      const r = await cli(['check', file, '--format', 'json'], { ...p.env, PIP_INDEX_URL: general.url });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const asked = (index: typeof general) => [...new Set(index.requests.map((q) => /^\/simple\/([^/]+)\//.exec(q.path)?.[1]).filter(Boolean))].sort();
      assert.deepEqual(asked(explicit), ['alpha'], 'the explicit index serves only the package bound to it');
      assert.ok(!asked(general).includes('alpha'), `alpha is read from its own index only: ${asked(general)}`);
      assert.ok(asked(general).includes('beta'));
      // A general index that is down from the start (nothing cached), remembered so by the run that finds it: the next
      // run skips it, not the bound index, so alpha 1.1 still comes from there (the snapshot alone knows only alpha
      // 1.0, which conflicts with beta>=2).
      const fresh = project('');
      writeFileSync(join(fresh.dir, 'project', 'pyproject.toml'), readFileSync(file, 'utf8'));
      const downUrl = general.url;
      await general.close();
      for (const run of ['finds it down', 'remembers it']) {
        const r = await cli(['check', join(fresh.dir, 'project', 'pyproject.toml'), '--format', 'json'], { ...fresh.env, PIP_INDEX_URL: downUrl });
        assert.equal(r.code, 0, `${run}: ${r.stdout}${r.stderr}`);
        assert.deepEqual(codes(JSON.parse(r.stdout)), [], run);
      }
    } finally {
      await general.close();
      await explicit.close();
    }
  });

  test('an index that is down: the snapshot\'s verdict, the index named without its credentials', async () => {
    const index = await startIndex({ packages: newer, trailingSlash: false });
    const url = index.url.replace('http://', 'http://dave:pa55word@');
    await index.close(); // nothing listens on its port now
    const p = project(`--index-url ${url}\nalpha\nbeta>=2\n`);
    const r = await cli(['check', p.file, '--format', 'json'], p.env);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Json;
    assert.ok(codes(out).includes('resolution-conflict'));
    assert.deepEqual(out.unreachable_indexes, [{ url: url.replace('dave:pa55word@', ''), reason: 'connection refused' }]);
    assert.match(r.stderr, /could not read the package index http:\/\/127\.0\.0\.1:\d+\/simple \(connection refused\); the bundled metadata snapshot stands in/);
    const text = await cli(['check', p.file], p.env);
    assert.match(text.stdout, /resolution-conflict/);
    for (const o of [r, text]) assert.ok(!`${o.stdout}${o.stderr}`.includes('pa55word'));
  });

  test('an index that never answers: check waits one request timeout, and the next run does not ask it again', { timeout: 90_000 }, async () => {
    const index = await silent();
    try {
      const p = project(`--index-url ${index.url}\nalpha\nbeta>=2\n`);
      const first = await cli(['check', p.file, '--format', 'json'], p.env);
      assert.equal(first.code, 1, first.stderr);
      assert.ok(codes(JSON.parse(first.stdout)).includes('resolution-conflict'));
      assert.deepEqual(JSON.parse(first.stdout).unreachable_indexes, [{ url: index.url, reason: 'no answer within 4 s' }]);
      // The index's first request goes alone and times out; beta, and gamma, which the resolution reaches next, are not
      // asked of an index found down (one wait, not one per package). The whole wait is bounded (15 s) whatever the load.
      assert.deepEqual(index.requests, ['/simple/alpha/']);
      assert.ok(first.ms < 60_000, `${first.ms} ms`);
      const again = await cli(['check', p.file, '--format', 'json'], p.env);
      assert.equal(index.requests.length, 1, 'an index found unreachable is not asked again within the pause');
      assert.match(JSON.parse(again.stdout).unreachable_indexes[0].reason, /^no answer within 4 s when last asked; asked again in \d+ min$/);
      assert.ok(codes(JSON.parse(again.stdout)).includes('resolution-conflict'));
    } finally {
      index.close();
    }
  });
});
