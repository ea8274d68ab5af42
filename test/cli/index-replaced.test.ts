// index-replaced against real pip: pip reads a requirement file's index options line by line (an included file's at
// its -r line), and a later --index-url replaces every index named before it. Two loopback indexes record what pip asks
// them; the indexes ML Pins says pip reads (the environment's) are exactly the ones pip asked, and each one pip never
// asked is an index-replaced warning.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startIndex, type RunningIndex } from '../support/index-server';
import { check, findings } from '../core/engine/helpers';

const work = mkdtempSync(join(tmpdir(), 'ml-pins-index-replaced-'));
const pip = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });

/** pip install in `dir`: `-r requirements.txt`, or the arguments of a command. The default index is a closed port
 *  (PyPI is not reached here); every case replaces it. */
function pipInstall(dir: string, args = ['-r', 'requirements.txt']): Promise<{ code: number | null; stderr: string }> {
  return new Promise((ok) => {
    const env: NodeJS.ProcessEnv = { PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', NO_COLOR: '1', PIP_INDEX_URL: 'http://127.0.0.1:9/simple/' };
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_')) env[k] ??= v;
    const p = spawn('python3', ['-m', 'pip', 'install', '--no-cache-dir', '--no-deps', '--target', mkdtempSync(join(work, 'target-')), ...args], { cwd: dir, env });
    let stderr = '';
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code) => ok({ code, stderr }));
  });
}

describe('index-replaced agrees with the indexes pip asks', { skip: pip.status !== 0 && 'no pip' }, () => {
  let a: RunningIndex;
  let b: RunningIndex;
  before(async () => {
    // Both serve both packages: pip installs whichever it reads, and the request logs tell which it read.
    const packages = { 'demo-pkg': [{ version: '1.0' }], other: [{ version: '0.5' }] };
    [a, b] = await Promise.all([startIndex({ packages }), startIndex({ packages })]);
  });
  after(async () => { await Promise.all([a?.close(), b?.close()]); rmSync(work, { recursive: true, force: true }); });

  const cases: { name: string; files: () => Record<string, string>; dropped: { file: string; line: number }[] }[] = [
    { name: 'an --extra-index-url, then an --index-url: only the second is read', dropped: [{ file: 'requirements.txt', line: 0 }],
      files: () => ({ 'requirements.txt': `--extra-index-url ${a.url}\n--index-url ${b.url}\ndemo-pkg==1.0\n` }) },
    { name: 'an --index-url, then an --extra-index-url: both are read', dropped: [],
      files: () => ({ 'requirements.txt': `--index-url ${a.url}\n--extra-index-url ${b.url}\ndemo-pkg==1.0\n` }) },
    { name: 'an included file\'s --index-url, read at its -r line, replaced by a later one', dropped: [{ file: 'base.txt', line: 0 }],
      files: () => ({ 'requirements.txt': `-r base.txt\n--index-url ${b.url}\ndemo-pkg==1.0\n`, 'base.txt': `--index-url ${a.url}\n` }) },
    { name: 'an --index-url replaced by an included file\'s, included after it', dropped: [{ file: 'requirements.txt', line: 0 }],
      files: () => ({ 'requirements.txt': `--index-url ${b.url}\n-r base.txt\ndemo-pkg==1.0\n`, 'base.txt': `--index-url ${a.url}\n` }) },
  ];

  /** pip installs in a folder of `files` (with `args`), and ML Pins checks them: the indexes pip asked, and what ML
   *  Pins says of the install at `envFile`: the indexes it reads and the index-replaced warnings. */
  const installAndCheck = async (files: Record<string, string>, envFile: string, args?: string[]) => {
    const dir = mkdtempSync(join(work, 'project-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const before = [a.requests.length, b.requests.length];
    const installed = await pipInstall(dir, args);
    assert.equal(installed.code, 0, installed.stderr);
    const asked = [a, b].filter((x, i) => x.requests.length > before[i]).map((x) => x.url).sort();
    const result = await check(files);
    const env = result.environments.find((e) => e.path.endsWith(`/${envFile}`))!;
    const read = env.indexes.filter((i) => i.kind === 'index-url' || i.kind === 'extra-index-url').map((i) => i.url).sort();
    return { asked, read, said: findings(result).filter((f) => f.code === 'index-replaced') };
  };

  for (const c of cases) {
    test(c.name, { timeout: 120_000 }, async () => {
      const { asked, read, said } = await installAndCheck(c.files(), 'requirements.txt');
      assert.deepEqual(read, asked, 'the indexes ML Pins reads are the ones pip asked');
      assert.deepEqual(said.map((f) => ({ file: f.path, line: f.range.start.line })), c.dropped);
      assert.ok(said.every((f) => f.severity === 'warning' && /^pip never reads http:\/\/127\.0\.0\.1:\d+\/simple\/: the --index-url at /.test(f.message)));
    });
  }

  // A pip install command with -r: pip takes the command line's indexes together (--index-url and every
  // --extra-index-url, whatever their order), then the file's options, where an --index-url replaces them.
  const commands: { name: string; command: () => string; file: () => string; dropped: { file: string; line: number }[] }[] = [
    { name: 'a command\'s --extra-index-url, replaced by the --index-url of the file it installs', dropped: [{ file: 'setup.sh', line: 1 }],
      command: () => `--extra-index-url ${a.url} -r requirements.txt other==0.5`, file: () => `--index-url ${b.url}\ndemo-pkg==1.0\n` },
    { name: 'a command\'s --index-url, and the file\'s --extra-index-url: both read', dropped: [],
      command: () => `--index-url ${b.url} -r requirements.txt other==0.5`, file: () => `--extra-index-url ${a.url}\ndemo-pkg==1.0\n` },
    { name: 'on the command line, an --extra-index-url before the --index-url: both read', dropped: [],
      command: () => `--extra-index-url ${a.url} --index-url ${b.url} other==0.5`, file: () => 'demo-pkg==1.0\n' },
  ];
  for (const c of commands) {
    test(`pip install ${c.name}`, { timeout: 120_000 }, async () => {
      const files = { 'setup.sh': `#!/bin/sh\npip install ${c.command()}\n`, 'requirements.txt': c.file() };
      const { asked, read, said } = await installAndCheck(files, 'setup.sh', c.command().split(' '));
      assert.deepEqual(read, asked, 'the indexes ML Pins reads for the command are the ones pip asked');
      assert.deepEqual(said.map((f) => ({ file: f.path, line: f.range.start.line })), c.dropped);
    });
  }
});
