// Resolver rows for `npm run bench`: a 40-package environment resolved from the snapshot (target ≤ 50 ms), and the
// agreement with real pip on generated ecosystems (test/support/oracle.ts; skipped when python3 -m pip is missing).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkProject, knowledgeFrom } from '../src/core/engine/check';
import { declaredMetadataHooks } from '../src/core/engine/resolution';
import { bundledFamilies } from '../src/core/rules/bundled';
import { bundledMetadata } from '../src/node/metadata';
import { requirementsFile } from './files.mjs';
import type { PackageMetadata } from '../src/core/metadata/types';
import { resolve, targetEnvironment, type RootRequirement } from '../src/core/resolver';
import { snapshotSource } from '../src/cli/live';
import { runOracle } from '../test/support/oracle';

type Row = { group: string; case: string; value: number; unit: string; target?: string; note?: string };

/** 40 packages x 40 releases, each release depending on up to three later packages with floors and caps. */
function syntheticSnapshot(): Map<string, PackageMetadata> {
  const out = new Map<string, PackageMetadata>();
  for (let i = 0; i < 40; i++) {
    const releases = [];
    for (let v = 0; v < 40; v++) {
      const deps: string[] = [];
      for (let k = 1; k <= 3 && i + k < 40; k++) {
        const lo = (v * 7 + k * 3 + i) % 30;
        deps.push(`pkg-${i + k}>=1.${lo}${(v + k) % 4 === 0 ? `,<1.${lo + 8}` : ''}`);
      }
      releases.push({ versions: [`1.${v}`], requires_python: '>=3.9', requires_dist: deps, source: 'synthetic' });
    }
    out.set(`pkg-${i}`, { format: 1, name: `pkg-${i}`, snapshot_date: '2026-12-06', complete_through: '1.39', releases });
  }
  return out;
}

/** A pip-compile file of `n` packages: every one pinned with `==`, each release requiring up to four later packages
 *  with floors (8 releases each), so that the pins are one consistent resolution. */
function compiledEcosystem(n: number): { source: (name: string) => PackageMetadata | undefined; roots: RootRequirement[] } {
  const out = new Map<string, PackageMetadata>();
  for (let i = 0; i < n; i++) {
    const releases = [];
    for (let v = 0; v < 8; v++) {
      const deps: string[] = [];
      for (let k = 1; k <= 4 && i + k * 7 < n; k++) deps.push(`pkg-${i + k * 7}>=1.${(v + k) % 4}`);
      releases.push({ versions: [`1.${v}`], requires_python: '>=3.9', requires_dist: deps, source: 'synthetic' });
    }
    out.set(`pkg-${i}`, { format: 1, name: `pkg-${i}`, snapshot_date: '2026-12-06', complete_through: '1.7', releases });
  }
  return { source: (name) => out.get(name), roots: [...out.keys()].map((name, i) => ({ requirement: `${name}==1.${4 + (i % 4)}` })) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `check` with resolution on (the default) and off (`--no-resolve`) on the bench's pip-compile files: in process
 * (the engine with the snapshot's resolution hooks, or without), and as whole processes (the default also asks the
 * indexes: here none is reachable, and the CLI remembers that after its first run; `--offline` resolves from the
 * snapshot alone).
 */
export async function checkResolutionRows(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const knowledge = knowledgeFrom(bundledFamilies, bundledMetadata());
  const hooks = declaredMetadataHooks((name) => bundledMetadata().get(name));
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-bench-resolve-'));
  const cli = join(root, 'dist/cli.js');
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), NO_COLOR: '1' };
  delete env.ML_PINS_OFFLINE;
  for (const lines of [4000, 10000]) {
    const text = requirementsFile(lines);
    const requirements = (text.match(/^\S+==/gm) ?? []).length;
    const inProcess = async (on: boolean) => {
      const xs: number[] = [];
      for (let i = 0; i < 6; i++) {
        const t = performance.now();
        await checkProject({ files: [{ path: '/b/requirements.txt', text }], knowledge, ...(on ? hooks : {}) });
        if (i > 0) xs.push(performance.now() - t); // the first run reads the snapshot files
      }
      return median(xs);
    };
    const path = join(dir, `requirements-${lines}.txt`);
    writeFileSync(path, text);
    const proc = (args: string[]) => {
      spawnSync(process.execPath, [cli, 'check', path, ...args], { env }); // writes the code cache; remembers an unreachable index
      return median(Array.from({ length: 5 }, () => {
        const t = performance.now();
        spawnSync(process.execPath, [cli, 'check', path, ...args], { env });
        return performance.now() - t;
      }));
    };
    const [on, off] = [await inProcess(true), await inProcess(false)];
    const skipped = requirements > 1000 ? ' (over the 1,000 resolved: one resolution-skipped finding)' : '';
    rows.push({ group: 'check', case: `pip-compile file, ${requirements} requirements: check with resolution / --no-resolve (in process)`, value: on, unit: 'ms', note: `--no-resolve: ${off.toFixed(1)} ms${skipped}` });
    const [live, offline, none] = [proc([]), proc(['--offline']), proc(['--no-resolve'])];
    rows.push({ group: 'cli', case: `ml-pins check, ${requirements} requirements: default / --offline / --no-resolve (process, wall)`, value: live, unit: 'ms',
      note: `--offline ${offline.toFixed(0)} ms, --no-resolve ${none.toFixed(0)} ms; the default asked the indexes (none reachable here: remembered after the first run)${skipped}` });
  }
  const compiled = compiledEcosystem(1000);
  const environment = targetEnvironment('3.11');
  resolve(compiled.roots, compiled.source, { environment });
  const xs: number[] = [];
  let last = resolve(compiled.roots, compiled.source, { environment });
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    last = resolve(compiled.roots, compiled.source, { environment });
    xs.push(performance.now() - t);
  }
  rows.push({ group: 'resolve', case: 'a 1,000-pin pip-compile environment (synthetic, every package declared)', value: median(xs), unit: 'ms',
    note: `${last.ok ? `${last.packages.size} packages installed` : last.reason}, ${last.steps} steps; 1,000 requirements is the most a check resolves` });
  return rows;
}

export async function resolverRows(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const environment = targetEnvironment('3.11');
  const dir = join(root, 'metadata');
  const names = existsSync(join(dir, 'packages')) ? readdirSync(join(dir, 'packages')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : [];
  let source: (n: string) => PackageMetadata | undefined;
  let roots: RootRequirement[];
  let note: string;
  if (names.length >= 40) {
    const snap = snapshotSource(dir);
    source = snap;
    roots = names.sort().slice(0, 40).map((requirement) => ({ requirement }));
    note = 'the first 40 packages of metadata/, bare names, Python 3.11';
  } else {
    const synth = syntheticSnapshot();
    source = (n) => synth.get(n);
    roots = [...synth.keys()].map((requirement) => ({ requirement }));
    note = `synthetic: metadata/ holds ${names.length} packages; 40 packages x 40 releases with floors and caps`;
  }
  for (let i = 0; i < 20; i++) resolve(roots, source, { environment }); // warm the JIT, as a long-running extension is
  const times: number[] = [];
  let last = resolve(roots, source, { environment });
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    last = resolve(roots, source, { environment });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  rows.push({ group: 'resolve', case: 'a 40-package environment from the snapshot', value: times[7], unit: 'ms', target: '≤ 50 ms',
    note: `${note}; ${last.ok ? `${last.packages.size} packages installed` : last.reason}, ${last.steps} steps` });

  if (spawnSync('python3', ['-m', 'pip', '--version']).status === 0) {
    const report = await runOracle(60, 20261206, 2);
    rows.push({ group: 'resolve', case: 'same verdict as pip, 60 generated ecosystems', value: (100 * report.sameVerdict) / report.cases, unit: '%', target: '100 %',
      note: `${report.sameVerdict}/${report.cases} (${report.resolvable} installable, ${report.cases - report.resolvable} not)` });
    rows.push({ group: 'resolve', case: 'same versions as pip, installable cases', value: (100 * report.samePicksResolvable) / Math.max(1, report.resolvable), unit: '%', target: '≥ 95 %',
      note: `${report.samePicksResolvable}/${report.resolvable}; pip ${report.pipSeconds.toFixed(1)} s in-process, resolver ${report.oursMs.toFixed(0)} ms for all` });
  } else {
    rows.push({ group: 'resolve', case: 'agreement with pip', value: NaN, unit: '%', note: 'python3 -m pip not available' });
  }
  return rows;
}
