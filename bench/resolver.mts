// Resolver rows for `npm run bench`: a 40-package environment resolved from the snapshot (target ≤ 50 ms), and the
// agreement with real pip on generated ecosystems (test/support/oracle.ts; skipped when python3 -m pip is missing).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
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
