// `npm run bench [-- --json]`: speed and size figures as a table (or JSON). Targets from the issues are printed
// beside each figure; this is a benchmark, not a test: it never fails on a slow machine.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkProject, knowledgeFrom } from '../src/core/engine/check';
import { parseTOML } from 'toml-eslint-parser';
import { parseManifest } from '../src/core/formats';
import { fastParseToml } from '../src/core/formats/toml/fast';
import { bundledFamilies } from '../src/core/rules/bundled';
import { checkResolutionRows, resolverRows } from './resolver.mjs';
import { PACKAGES, requirementsFile } from './files.mjs';
import { serverRows } from './server.mjs';
import { groupRing, includeChain, manyExclusions, manyKeys, type Files } from '../test/adversarial/cases';

const json = process.argv.includes('--json');
const root = join(import.meta.dirname, '..');
const knowledge = knowledgeFrom(bundledFamilies);
const rows: { group: string; case: string; value: number; unit: string; target?: string; note?: string }[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn: () => void, runs: number): number {
  for (let i = 0; i < 3; i++) fn(); // warm up the JIT
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); fn(); xs.push(performance.now() - t); }
  return median(xs);
}
async function timeAsync(fn: () => Promise<unknown>, runs: number): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); await fn(); xs.push(performance.now() - t); }
  return median(xs);
}

function pyprojectFile(lines: number): string {
  const out = ['[project]', 'name = "bench"', 'version = "1.0"', 'requires-python = ">=3.10"', 'dependencies = ['];
  let i = 0;
  while (out.length < lines - 1) {
    const name = i < PACKAGES.length ? PACKAGES[i] : `package-${i}`;
    out.push(`    "${name}>=${1 + (i % 7)}.${i % 13}; python_version >= '3.10'",  # ${i}`);
    i++;
  }
  out.push(']');
  return `${out.join('\n')}\n`;
}

function pipParseMs(path: string, runs: number): number | undefined {
  const script = `
import sys, time, statistics
from pip._internal.req.req_file import parse_requirements
from pip._internal.network.session import PipSession
from packaging.requirements import Requirement
session = PipSession()
def once():
    for r in parse_requirements(sys.argv[1], session=session):
        if not r.is_editable: Requirement(r.requirement)
once()
xs = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); once(); xs.append((time.perf_counter() - t) * 1000)
print(statistics.median(xs))`;
  const r = spawnSync('python3', ['-c', script, path, String(runs)], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return Number(r.stdout.trim());
}

const dir = mkdtempSync(join(tmpdir(), 'ml-pins-bench-'));

// Parsing: ours vs pip's own parser on the same file.
const perLine: number[] = [];
for (const n of [100, 1000, 10000]) {
  const text = requirementsFile(n);
  const path = join(dir, `requirements-${n}.txt`);
  writeFileSync(path, text);
  const ours = time(() => parseManifest(path, text), n >= 10000 ? 15 : 40);
  perLine.push(ours / n);
  const pip = pipParseMs(path, n >= 10000 ? 3 : 10);
  rows.push({ group: 'parse', case: `requirements.txt, ${n} lines (hashes)`, value: ours, unit: 'ms', target: n === 10000 ? '< 20 ms' : undefined });
  if (pip !== undefined) rows.push({ group: 'parse', case: `  pip's parser, same file`, value: pip, unit: 'ms', note: `${(pip / ours).toFixed(0)}× slower than ours (target ≥ 100×)` });
}
rows.push({ group: 'parse', case: 'requirements.txt: µs per line at 100 / 1k / 10k', value: perLine[2] * 1000, unit: 'µs/line', note: perLine.map((x) => (x * 1000).toFixed(2)).join(' / ') + ' (linear when flat)' });
for (const n of [100, 1000, 10000]) {
  const text = pyprojectFile(n);
  rows.push({ group: 'parse', case: `pyproject.toml, ${n} lines`, value: time(() => parseManifest('/b/pyproject.toml', text), n >= 10000 ? 10 : 30), unit: 'ms' });
}
{
  // The TOML reading alone: the fast reader of the common shape against toml-eslint-parser, which it falls back to.
  const text = pyprojectFile(10000);
  const fast = time(() => { if (!fastParseToml(text)) throw new Error('the bench pyproject left the fast path'); }, 10);
  const full = time(() => parseTOML(text, { tomlVersion: '1.0' }), 10);
  rows.push({ group: 'parse', case: 'pyproject.toml, 10000 lines: TOML reading, fast path', value: fast, unit: 'ms', note: `toml-eslint-parser: ${full.toFixed(1)} ms (${(full / fast).toFixed(0)}×)` });
}

// Process to process: `ml-pins check` against pip's own parser on the same 10,000-line file, each a whole process
// (interpreter start-up included), run alternately; medians of wall-clock and of CPU time (user + system, from
// wait4, so a loaded machine does not blur it). The code cache lives in a temporary cache folder, warmed by one run.
function processRuns(commands: string[][], runs: number, env: Record<string, string>): { wall: number; cpu: number }[] | undefined {
  const script = `
import json, os, subprocess, sys, time, statistics
cmds, runs = json.loads(sys.argv[1]), int(sys.argv[2])
res = [[] for _ in cmds]
for _ in range(runs):
    for k, c in enumerate(cmds):
        t = time.perf_counter()
        p = subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) > 1: sys.exit(f"{c} failed: {status}")
        res[k].append(((time.perf_counter() - t) * 1000, (ru.ru_utime + ru.ru_stime) * 1000))
print(json.dumps([{"wall": statistics.median(x[0] for x in r), "cpu": statistics.median(x[1] for x in r)} for r in res]))`;
  const r = spawnSync('python3', ['-c', script, JSON.stringify(commands), String(runs)], { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) { process.stderr.write(`process bench failed: ${r.stderr}\n`); return undefined; }
  return JSON.parse(r.stdout);
}
{
  const path = join(dir, 'requirements-10000.txt');
  const cli = join(root, 'dist/cli.js');
  const pipOnce = `
import sys
from pip._internal.req.req_file import parse_requirements
from pip._internal.network.session import PipSession
from packaging.requirements import Requirement
for r in parse_requirements(sys.argv[1], session=PipSession()):
    if not r.is_editable: Requirement(r.requirement)`;
  const env = { XDG_CACHE_HOME: join(dir, 'cache'), NO_COLOR: '1' };
  spawnSync(process.execPath, [cli, 'check', path], { env: { ...process.env, ...env } }); // writes the code cache
  // The same check without the metadata snapshot (an empty snapshot folder): what the snapshot's facts cost.
  const noSnapshot = mkdtempSync(join(tmpdir(), 'ml-pins-bench-nosnapshot-'));
  const m = processRuns([[process.execPath, cli, 'check', path], ['python3', '-c', pipOnce, path], [process.execPath, cli, '--version'], [process.execPath, '-e', '0'],
    ['env', `ML_PINS_METADATA_DIR=${noSnapshot}`, process.execPath, cli, 'check', path], [process.execPath, cli, 'check', path, '--offline']], 7, env);
  if (m) {
    const [ours, pip, version, bare, without, offline] = m;
    rows.push({ group: 'cli', case: 'ml-pins check, requirements.txt 10000 lines (process, wall)', value: ours.wall, unit: 'ms', note: `CPU ${ours.cpu.toFixed(0)} ms` });
    rows.push({ group: 'cli', case: "  pip's parser, same file (process, wall)", value: pip.wall, unit: 'ms', note: `CPU ${pip.cpu.toFixed(0)} ms` });
    rows.push({ group: 'cli', case: '  pip ÷ ml-pins, process to process (wall)', value: pip.wall / ours.wall, unit: '×', target: '≥ 20×', note: `CPU time: ${(pip.cpu / ours.cpu).toFixed(1)}×` });
    rows.push({ group: 'cli', case: '  same check without the metadata snapshot (process, wall)', value: without.wall, unit: 'ms', note: `CPU ${without.cpu.toFixed(0)} ms: the snapshot's facts for the packages the file names cost ${(ours.cpu - without.cpu).toFixed(0)} ms CPU` });
    rows.push({ group: 'cli', case: '  same check --offline (process, wall)', value: offline.wall, unit: 'ms', note: `CPU ${offline.cpu.toFixed(0)} ms: reading the package indexes pip would read (and their cache) for the file's packages costs ${(ours.cpu - offline.cpu).toFixed(0)} ms CPU` });
    rows.push({ group: 'cli', case: 'ml-pins --version (process, wall)', value: version.wall, unit: 'ms', note: `CPU ${version.cpu.toFixed(0)} ms` });
    rows.push({ group: 'cli', case: '  node -e 0 (the floor: Node start-up alone)', value: bare.wall, unit: 'ms', note: `CPU ${bare.cpu.toFixed(0)} ms; pip ÷ this: ${(pip.wall / bare.wall).toFixed(1)}× wall, ${(pip.cpu / bare.cpu).toFixed(1)}× CPU` });
  }
}

// The full check: parse plus every rule.
const checkPer: number[] = [];
for (const n of [1000, 10000]) {
  const text = requirementsFile(n);
  const ms = await timeAsync(() => checkProject({ files: [{ path: '/b/requirements.txt', text }], knowledge }), n >= 10000 ? 10 : 20);
  checkPer.push(ms / n);
  rows.push({ group: 'check', case: `requirements.txt, ${n} lines, parse + all rules`, value: ms, unit: 'ms', target: n === 10000 ? '< 30 ms' : undefined });
}
{
  const text = pyprojectFile(10000);
  rows.push({ group: 'check', case: 'pyproject.toml, 10000 lines, parse + all rules', value: await timeAsync(() => checkProject({ files: [{ path: '/b/pyproject.toml', text }], knowledge }), 10), unit: 'ms', target: '< 30 ms' });
}
rows.push({ group: 'check', case: 'µs per line at 1k / 10k', value: checkPer[1] * 1000, unit: 'µs/line', note: checkPer.map((x) => (x * 1000).toFixed(2)).join(' / ') + ' (linear when flat)' });
{
  const files = Array.from({ length: 1000 }, (_, i) => ({ path: `/b/svc-${i}/requirements.txt`, text: `torch==2.${i % 9}.0\ntorchvision==0.${15 + (i % 9)}.0\ndiffusers>=0.${20 + (i % 15)}.0\nnumpy${i % 2 ? '<2' : '>=2'}\ntransformers>=4.35\n` }));
  rows.push({ group: 'check', case: 'a folder of 1,000 manifests', value: await timeAsync(() => checkProject({ files, knowledge }), 5), unit: 'ms', target: '< 2000 ms' });
}

// Adversarial inputs (test/adversarial/cases.ts): each should cost about twice as much at twice the size.
{
  const asInput = (files: Files) => ({ files: Object.entries(files).map(([p, text]) => ({ path: `/b/${p}`, text })), readFile: async (p: string) => files[p.slice(3)], knowledge });
  const cases: [string, (n: number) => Files, number[], string?][] = [
    ['-r chain, depth', includeChain, [1000, 5000], '< 5000 ms at 5000'],
    ['`!=` clauses in one requirement', manyExclusions, [2000, 20000], '< 5000 ms at 20000'],
    ['dependency groups in an include ring', groupRing, [100, 1000], '< 2000 ms at 1000'],
    ['pyproject.toml keys', manyKeys, [100000, 1000000]],
  ];
  for (const [label, make, sizes, target] of cases) {
    const ms: number[] = [];
    for (const n of sizes) {
      const input = asInput(make(n));
      const t = performance.now(); // one run each: these inputs are large enough, and the largest takes seconds
      await checkProject(input);
      ms.push(performance.now() - t);
      rows.push({ group: 'adversarial', case: `${label} ${n.toLocaleString('en')}`, value: ms[ms.length - 1], unit: 'ms', target: n === sizes[sizes.length - 1] ? target : undefined });
    }
    const growth = (ms[1] / ms[0]) / (sizes[1] / sizes[0]);
    rows[rows.length - 1].note = `${growth.toFixed(2)}× linear growth from ${sizes[0].toLocaleString('en')} (1.00 = linear)`;
  }
}

// The extension: bundle size and activation cost (module load + activate() against a stub VS Code API).
for (const [file, target] of [['dist/extension.js', '< 500 KB'], ['dist/language-client.js', undefined], ['dist/web/extension.js', undefined], ['dist/cli.js', undefined], ['dist/cli-main.js', undefined]] as const) {
  try {
    rows.push({ group: 'extension', case: `${file} (minified)`, value: statSync(join(root, file)).size / 1024, unit: 'KB', target });
  } catch {
    rows.push({ group: 'extension', case: `${file}`, value: NaN, unit: 'KB', note: 'not built (run npm run build)' });
  }
}
rows.push({ group: 'extension', case: '.vsix (npm run package)', value: vsixKB(), unit: 'KB', note: 'what the Marketplace ships: bundles, runner, rule pages, grammar, README images' });
{
  const { ms, cpuMs } = activation();
  rows.push({ group: 'extension', case: 'activation: load dist/extension.js + activate() (fresh process)', value: ms, unit: 'ms', target: '< 50 ms', note: `CPU ${cpuMs.toFixed(1)} ms; against a stub vscode API; the language client (dist/language-client.js) is loaded, made and started after activation` });
}

// The CLI: process start, and a first check that loads the snapshot files of the packages it names (and nothing else).
{
  const cli = join(root, 'dist/cli.js');
  const run = (args: string[], cwd = root) => { const t = performance.now(); spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' }); return performance.now() - t; };
  const startXs = Array.from({ length: 7 }, () => run(['--version']));
  rows.push({ group: 'cli', case: 'start: node dist/cli.js --version', value: median(startXs), unit: 'ms', note: 'the metadata snapshot is not read at start-up' });
  const project = mkdtempSync(join(tmpdir(), 'ml-pins-bench-cli-'));
  writeFileSync(join(project, 'requirements.txt'), 'torch==2.2.0\ntorchvision==0.17.0\ntransformers==4.40.0\npandas==2.1.4\n');
  const checkXs = Array.from({ length: 5 }, () => run(['check', project, '--fail-on', 'never']));
  rows.push({ group: 'cli', case: 'check: 4 pins, snapshot files loaded on demand', value: median(checkXs), unit: 'ms' });
}
{
  // The snapshot's cost per check: the package files a project names, read and derived on first use.
  const { NodeMetadata } = await import('../src/node/metadata');
  const shipped = new NodeMetadata(join(root, 'metadata'));
  const provider = shipped.snapshot() ? shipped : new NodeMetadata(join(root, 'test/fixtures/metadata'));
  const text = 'torch==2.2.0\ntorchvision==0.17.0\ntorchaudio==2.2.0\ntransformers==4.40.0\ndiffusers>=0.27\npandas==2.1.4\nnumpy\n';
  const t = performance.now();
  await checkProject({ files: [{ path: '/b/requirements.txt', text }], knowledge: knowledgeFrom(bundledFamilies, provider) });
  const first = performance.now() - t;
  const warm = knowledgeFrom(bundledFamilies, provider);
  const again = await timeAsync(() => checkProject({ files: [{ path: '/b/requirements.txt', text }], knowledge: warm }), 20);
  const loaded = provider.names().filter((n) => (provider as unknown as { cache: Map<string, unknown> }).cache.get(n)).length;
  rows.push({ group: 'metadata', case: 'first check with the snapshot (7 pins, files read on demand)', value: first, unit: 'ms', note: `${loaded} of ${provider.names().length} package files read (${shipped.snapshot() ? 'shipped snapshot' : 'test fixture: no metadata/ here'})` });
  rows.push({ group: 'metadata', case: 'same check, files cached', value: again, unit: 'ms' });
}

/** Size of the .vsix that `npm run package` makes (same vsce flags), packed into a temporary folder. */
function vsixKB(): number {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const flags = /vsce package (.*?) --out/.exec(pkg.scripts.package)?.[1].split(/\s+/) ?? [];
  const out = join(dir, 'ml-pins.vsix');
  const r = spawnSync(join(root, 'node_modules/.bin/vsce'), ['package', ...flags, '--out', out], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) { process.stderr.write(`vsce package failed: ${r.stderr}\n`); return NaN; }
  return statSync(out).size / 1024;
}

/** Load + activate() of dist/extension.js, each in a fresh process (bench/activation.mjs): medians of wall and CPU. */
function activation(): { ms: number; cpuMs: number } {
  const runs: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < 8; i++) {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, 'activation.mjs'), root], { encoding: 'utf8' });
    if (r.status !== 0) { process.stderr.write(`activation bench failed: ${r.stderr}\n`); return { ms: NaN, cpuMs: NaN }; }
    if (i > 0) runs.push(JSON.parse(r.stdout)); // the first run warms the file system cache
  }
  return { ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

rows.push(...(await resolverRows(root)));
rows.push(...(await checkResolutionRows(root)));

rows.push(...(await serverRows(root)));

if (json) {
  process.stdout.write(`${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
} else {
  const fmt = (v: number) => (Number.isNaN(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
  const lines = ['| group | case | value | target | note |', '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.group} | ${r.case} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`)];
  process.stdout.write(`${lines.join('\n')}\n`);
}
