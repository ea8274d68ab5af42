// `ml-pins resolve` as a real process: index options written in the requirement file, live PEP 691/658 metadata from a
// loopback index (answers compared with real pip), credentials kept out of every output, the snapshot with --offline.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startIndex } from '../support/index-server';
import { buildWheel } from '../support/wheels';
import { generateCase, runPip } from '../support/oracle';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** Asynchronous, so a loopback server in this process can answer the CLI. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const vars: NodeJS.ProcessEnv = { NO_COLOR: '1' };
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_') && !k.startsWith('ML_PINS_')) vars[k] = v;
    const p = spawn(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args], { env: { ...vars, ML_PINS_CACHE_DIR: cache, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

const cache = mkdtempSync(join(tmpdir(), 'ml-pins-cache-'));
const pip = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });

describe('ml-pins resolve', () => {
  test('reads --index-url from the requirement file and answers what pip answers', { skip: pip.status !== 0 && 'no pip', timeout: 180000 }, async () => {
    const cases = Array.from({ length: 6 }, (_, i) => generateCase(77, i, i % 2 ? 'large' : 'small'));
    const index = await startIndex({ packages: Object.assign({}, ...cases.map((c) => c.packages)) });
    try {
      const answers = await runPip(cases, index.url, 2);
      const dir = mkdtempSync(join(tmpdir(), 'ml-pins-resolve-'));
      let conflicts = 0;
      for (const c of cases) {
        const file = join(dir, `requirements-${c.id}.txt`);
        writeFileSync(file, `--index-url ${index.url}\n${c.roots.join('\n')}\n`);
        const r = await cli(['resolve', file, '--format', 'json', '--target-python', '3.11']);
        const out = JSON.parse(r.stdout);
        assert.equal(out.version, 1);
        assert.equal(out.environments.length, 1);
        const env = out.environments[0];
        assert.deepEqual(Object.keys(env), ['path', 'environment', 'python', 'resolution', 'conflict']);
        assert.equal(env.python, '3.11');
        const expected = answers.get(c.id)!;
        if (expected.ok) {
          assert.equal(r.code, 0, r.stderr);
          assert.deepEqual(Object.entries(env.resolution).map(([n, v]) => `${n}==${v}`).sort(), expected.picks, JSON.stringify(c));
          assert.equal(env.conflict, null);
        } else {
          conflicts++;
          assert.equal(r.code, 1);
          assert.equal(env.resolution, null);
          assert.match(env.conflict.message, /we can conclude that|cannot be installed together/);
          assert.ok(env.conflict.packages.length > 0);
        }
      }
      assert.ok(conflicts < cases.length);
      assert.ok(index.requests.some((q) => q.path.endsWith('.metadata')), 'PEP 658 metadata files were read');
      assert.ok(index.requests.some((q) => q.accept.includes('application/vnd.pypi.simple.v1+json')), 'PEP 691 JSON was asked for');
    } finally {
      await index.close();
    }
  });

  test('the HTML simple API works too, and credentials in the index URL reach the server but no output', async () => {
    const index = await startIndex({ pep691: false, packages: { torch: [{ version: '2.2.0' }, { version: '2.3.0' }], torchvision: [{ version: '0.17.0', requires_dist: ['torch==2.2.0'] }] } });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'ml-pins-resolve-'));
      const secret = index.url.replace('http://', 'http://alice:s3cr3t-token@');
      writeFileSync(join(dir, 'requirements.txt'), `--index-url ${secret}\ntorch\ntorchvision==0.17.0\n`);
      const r = await cli(['resolve', join(dir, 'requirements.txt'), '--format', 'json', '--target-python', '3.11']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout).environments[0].resolution, { torch: '2.2.0', torchvision: '0.17.0' });
      assert.ok(index.requests.every((q) => q.authorization === `Basic ${Buffer.from('alice:s3cr3t-token').toString('base64')}`));
      assert.ok(!r.stdout.includes('s3cr3t') && !r.stderr.includes('s3cr3t'));
    } finally {
      await index.close();
    }
  });

  test('--offline uses the snapshot only: a conflict explained, with where the pins are written', async () => {
    const index = await startIndex({ packages: { torch: [{ version: '9.0' }] } });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'ml-pins-resolve-'));
      const meta = join(dir, 'metadata');
      mkdirSync(join(meta, 'packages'), { recursive: true });
      const rel = (v: string, requires_dist: string[] = []) => ({ versions: [v], requires_dist, source: 'test' });
      writeFileSync(join(meta, 'packages', 'torch.json'), JSON.stringify({ format: 1, name: 'torch', snapshot_date: '2026-12-06', complete_through: '2.3.0', releases: [{ ...rel('2.1.0'), yanked: 'bad build' }, rel('2.2.0'), rel('2.3.0')] }));
      writeFileSync(join(meta, 'packages', 'torchvision.json'), JSON.stringify({ format: 1, name: 'torchvision', snapshot_date: '2026-12-06', complete_through: '0.18.0', releases: [rel('0.17.0', ['torch==2.2.0']), rel('0.18.0', ['torch==2.3.0'])] }));
      // The index of the snapshot (docs/metadata.md): the loader reads only packages it lists.
      writeFileSync(join(meta, 'packages', 'torchaudio.json'), JSON.stringify({ format: 1, name: 'torchaudio', snapshot_date: '2026-12-06', complete_through: '2.3.0', releases: [rel('2.3.0', ['torch==2.3.0'])] }));
      writeFileSync(join(meta, 'snapshot.json'), JSON.stringify({ format: 1, snapshot_date: '2026-12-06', packages: {
        torch: { complete_through: '2.3.0', releases: 3 }, torchvision: { complete_through: '0.18.0', releases: 2 }, torchaudio: { complete_through: '2.3.0', releases: 1 } } }));
      const project = join(dir, 'project');
      mkdirSync(project);
      writeFileSync(join(project, 'requirements.txt'), 'torch>=2.3\ntorchvision==0.17.0\n');
      const env = { ML_PINS_METADATA_DIR: meta, PIP_INDEX_URL: index.url };
      const json = await cli(['resolve', join(project, 'requirements.txt'), '--offline', '--format', 'json'], env);
      assert.equal(json.code, 1, json.stderr);
      const out = JSON.parse(json.stdout).environments[0];
      assert.equal(out.resolution, null);
      assert.match(out.conflict.message, /^Because torchvision==0\.17\.0 depends on torch==2\.2\.0 and you require torch>=2\.3 \(.*requirements\.txt:1\)/);
      assert.deepEqual(out.conflict.packages.sort(), ['torch', 'torchvision']);
      assert.equal(index.requests.length, 0, 'offline: no request');
      // check reads the indexes too unless offline (test/cli/live.test.ts): offline here, as the snapshot is the subject.
      // A conflict only the resolution finds (torchvision and torchaudio need different torch releases; the pair above
      // is torchvision-torch-mismatch's, which check reports instead).
      writeFileSync(join(project, 'requirements.txt'), 'torchvision==0.17.0\ntorchaudio==2.3.0\n');
      const codes = async (args: string[]) => JSON.parse((await cli(['check', join(project, 'requirements.txt'), '--format', 'json', '--offline', ...args], env)).stdout)
        .files.flatMap((f: { findings: { code: string }[] }) => f.findings.map((x) => x.code));
      // check resolves by default (milliseconds per environment); --no-resolve turns it off (--resolve is accepted).
      assert.ok((await codes([])).includes('resolution-conflict'));
      assert.ok((await codes(['--resolve'])).includes('resolution-conflict'));
      assert.ok(!(await codes(['--no-resolve'])).includes('resolution-conflict'));
      writeFileSync(join(project, 'requirements.txt'), 'torch>=2.3\ntorchvision==0.17.0\n');
      const text = await cli(['resolve', join(project, 'requirements.txt'), '--offline', '--target-python', '3.12'], env);
      assert.match(text.stdout, /requirements\.txt: requirements\.txt \(Python 3\.12\)\n  Because torchvision==0\.17\.0/);
      writeFileSync(join(project, 'requirements.txt'), 'torchvision\n');
      const ok = await cli(['resolve', join(project, 'requirements.txt'), '--offline', '--format', 'json'], env);
      assert.equal(ok.code, 0);
      assert.deepEqual(JSON.parse(ok.stdout).environments[0].resolution, { torch: '2.3.0', torchvision: '0.18.0' });
      writeFileSync(join(project, 'requirements.txt'), 'torch==2.1.0\n');
      const yanked = await cli(['resolve', join(project, 'requirements.txt'), '--offline'], env);
      assert.match(yanked.stdout, /torch {2}2\.1\.0 {2}\(yanked: bad build\)/);
      // check: a pinned yanked release is a warning that quotes the reason.
      const checked = JSON.parse((await cli(['check', join(project, 'requirements.txt'), '--format', 'json', '--offline'], env)).stdout);
      const found = checked.files.flatMap((f: { findings: { code: string; severity: string; message: string }[] }) => f.findings).filter((f: { code: string }) => f.code === 'yanked-release');
      assert.equal(found.length, 1);
      assert.equal(found[0].severity, 'warning');
      assert.match(found[0].message, /torch 2\.1\.0 was yanked from the index: "bad build"/);
      const bad = await cli(['resolve', project, '--platform', 'amiga']);
      assert.equal(bad.code, 2);
    } finally {
      await index.close();
    }
  });

  test('--find-links: a local folder of wheels (inside the checked folder only) and a flat HTML page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-find-links-'));
    const project = join(dir, 'project');
    const wheels = join(project, 'wheels');
    mkdirSync(wheels, { recursive: true });
    // One stored wheel (built in memory) and one deflated by Python's zipfile, as real wheels are.
    const stored = buildWheel({ name: 'torchvision', version: '0.17.0', requires_dist: ['torch==2.2.0'] });
    writeFileSync(join(wheels, stored.filename), stored.bytes);
    const py = spawnSync('python3', ['-c', `import zipfile,sys
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('torch-2.2.0.dist-info/METADATA', 'Metadata-Version: 2.1\\nName: torch\\nVersion: 2.2.0\\nRequires-Dist: filelock\\n' + 'Summary: padding\\n' * 50)
    z.writestr('torch/__init__.py', '')`, join(wheels, 'torch-2.2.0-py3-none-any.whl')], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    writeFileSync(join(project, 'requirements.txt'), '--no-index\n--find-links ./wheels\ntorch\ntorchvision\n');
    const r = await cli(['resolve', join(project, 'requirements.txt'), '--format', 'json', '--target-python', '3.11']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).environments[0].resolution, { filelock: '*', torch: '2.2.0', torchvision: '0.17.0' });
    // A folder outside the checked one is not read (the snapshot answers instead) unless --allow-outside.
    const outside = join(dir, 'elsewhere');
    mkdirSync(outside);
    writeFileSync(join(outside, 'requirements.txt'), '--no-index\n--find-links ../project/wheels\ntorchvision\n');
    const refused = JSON.parse((await cli(['resolve', join(outside, 'requirements.txt'), '--format', 'json', '--target-python', '3.11'], { ML_PINS_METADATA_DIR: join(dir, 'none') })).stdout);
    assert.deepEqual(refused.environments[0].resolution, { torchvision: '*' });
    const allowed = JSON.parse((await cli(['resolve', join(outside, 'requirements.txt'), '--format', 'json', '--target-python', '3.11', '--allow-outside'])).stdout);
    assert.deepEqual(allowed.environments[0].resolution, { torch: '2.2.0', torchvision: '0.17.0', filelock: '*' });
    // A flat page (pip's find-links HTML): the files it links, with PEP 658 metadata when the page advertises it.
    const index = await startIndex({ pep691: false, packages: { torch: [{ version: '2.2.0' }, { version: '2.3.0' }], torchvision: [{ version: '0.18.0', requires_dist: ['torch==2.3.0'] }] } });
    const flat = createServer(async (req, res) => {
      const links = await Promise.all(['torch', 'torchvision'].map(async (n) => (await fetch(`${index.url}/${n}/`)).text()));
      const anchors = links.join('\n').match(/<a [^>]*>[^<]*<\/a>/g)!.map((a) => a.replace(/href="([^"]+)"/, (_m, h) => `href="${new URL(h, index.url).href}"`));
      res.writeHead(req.url === '/links.html' ? 200 : 404, { 'content-type': 'text/html' });
      res.end(`<html><body>\n${anchors.join('<br>\n')}\n</body></html>`);
    });
    await new Promise<void>((ok) => flat.listen(0, '127.0.0.1', ok));
    try {
      const page = `http://127.0.0.1:${(flat.address() as AddressInfo).port}/links.html`;
      writeFileSync(join(outside, 'requirements.txt'), `--no-index\n--find-links ${page}\ntorchvision\n`);
      const fromPage = await cli(['resolve', join(outside, 'requirements.txt'), '--format', 'json', '--target-python', '3.11']);
      assert.equal(fromPage.code, 0, fromPage.stderr);
      assert.deepEqual(JSON.parse(fromPage.stdout).environments[0].resolution, { torch: '2.3.0', torchvision: '0.18.0' });
      assert.ok(index.requests.some((q) => q.path.endsWith('.whl.metadata')));
    } finally {
      flat.close();
      await index.close();
    }
  });
});
