// The installed CLI starts through dist/cli.js (src/cli/bin.ts), which runs the CLI bundle through a V8 code cache.
// Built here as scripts/build.mjs builds it, into a temporary folder, and run as real processes: the output must be
// byte-identical to the CLI run without the start-up entry, with a missing, a valid and a corrupt cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const dist = mkdtempSync(join(tmpdir(), 'ml-pins-bin-'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;

function run(entry: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(dist, entry), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const cacheFiles = (dir: string) => (existsSync(join(dir, 'ml-pins')) ? readdirSync(join(dir, 'ml-pins')) : []);

describe('the start-up entry', () => {
  before(async () => {
    const common = { bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'es2022', logLevel: 'silent',
      absWorkingDir: root, define: { ML_PINS_VERSION: JSON.stringify(version) } } as const;
    await esbuild.build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(dist, 'cli-main.js') });
    await esbuild.build({ ...common, entryPoints: [join(root, 'src/cli/bin.ts')], outfile: join(dist, 'cli.js') });
  });

  test('writes a code cache on the first check, reuses it, and prints what the CLI prints', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ml-pins-cache-'));
    const env = { XDG_CACHE_HOME: cache };
    for (const args of [['check', 'examples/seed-project'], ['check', 'examples/seed-project', '--format', 'sarif'], ['rules']]) {
      const plain = run('cli-main.js', args, env);
      assert.equal(plain.code, args[0] === 'check' ? 1 : 0, plain.stderr);
      for (let i = 0; i < 2; i++) assert.deepEqual(run('cli.js', args, env), plain, `${args.join(' ')}, run ${i + 1}`);
    }
    const files = cacheFiles(cache);
    assert.equal(files.length, 1, `one cache file: ${files.join(', ')}`);
    assert.match(files[0], new RegExp(`^cli-${version.replace(/\./g, '\\.')}-\\d+-\\d+-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`));
    const file = join(cache, 'ml-pins', files[0]);
    const written = statSync(file).mtimeMs;
    assert.ok(statSync(file).size > 10_000, 'the cache holds compiled code');
    run('cli.js', ['check', 'examples/seed-project'], env);
    assert.equal(statSync(file).mtimeMs, written, 'a usable cache is not rewritten');
  });

  test('a corrupt cache is replaced and the output stays the same; a version run writes none', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ml-pins-cache-'));
    const env = { XDG_CACHE_HOME: cache };
    assert.deepEqual(run('cli.js', ['--version'], env), { code: 0, stdout: `${version}\n`, stderr: '' });
    assert.deepEqual(cacheFiles(cache), [], '--version leaves the cache to a run that checks');
    const plain = run('cli-main.js', ['check', 'examples/seed-project', '--format', 'json'], env);
    run('cli.js', ['check', 'examples/seed-project', '--format', 'json'], env);
    const [name] = cacheFiles(cache);
    const file = join(cache, 'ml-pins', name);
    const good = readFileSync(file);
    writeFileSync(file, Buffer.from('not a V8 code cache'));
    assert.deepEqual(run('cli.js', ['check', 'examples/seed-project', '--format', 'json'], env), plain);
    assert.ok(readFileSync(file).length > 10_000 && readFileSync(file).subarray(0, 8).equals(good.subarray(0, 8)), 'rewritten');
    // A stale cache of another build is removed when a new one is written.
    writeFileSync(join(cache, 'ml-pins', 'cli-0.0.1-1-1-v0-x.v8cache'), 'old');
    writeFileSync(file, 'corrupt again');
    run('cli.js', ['check', 'examples/seed-project'], env);
    assert.deepEqual(cacheFiles(cache), [name]);
  });

  test('ML_PINS_CODE_CACHE=0 writes no cache and prints the same', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ml-pins-cache-'));
    const env = { XDG_CACHE_HOME: cache, ML_PINS_CODE_CACHE: '0' };
    assert.deepEqual(run('cli.js', ['check', 'examples/seed-project'], env), run('cli-main.js', ['check', 'examples/seed-project'], env));
    assert.deepEqual(cacheFiles(cache), []);
  });

  test('an unwritable cache folder is no error', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ml-pins-cache-'));
    writeFileSync(join(cache, 'ml-pins'), 'a file where the folder should be');
    const env = { XDG_CACHE_HOME: cache };
    assert.deepEqual(run('cli.js', ['check', 'examples/seed-project'], env), run('cli-main.js', ['check', 'examples/seed-project'], env));
  });
});
