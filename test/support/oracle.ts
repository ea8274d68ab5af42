// Real pip as the oracle for the resolver: seeded random ecosystems (packages, releases, Requires-Dist with ranges,
// extras and markers, Requires-Python, yanked and pre-releases) served from a loopback index as real wheels; pip
// resolves each case with `pip install --dry-run --ignore-installed --report`, the resolver resolves the same
// requirements from the same index (PEP 691 + PEP 658 through src/node/index-client.ts), and the answers are compared.
//
// pip runs in-process in a small Python driver (one interpreter per worker, `pip._internal.cli.main.main` per case):
// pip's start-up costs seconds on a loaded machine, its resolution a fraction of that.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetEnvironment, type ResolveResult } from '../../src/core/resolver';
import { IndexClient, LiveMetadata } from '../../src/node/index-client';
import { startIndex, type IndexRelease } from './index-server';
import { rng } from './random';

export interface OracleCase {
  id: number;
  packages: Record<string, IndexRelease[]>;
  roots: string[];
}

export interface PipAnswer {
  ok: boolean;
  /** `name==version`, sorted (when ok). */
  picks: string[];
  /** The error output when not ok. */
  error?: string;
  /** Not a resolution failure (pip crashed or failed otherwise). */
  unexpected?: boolean;
}

export interface CaseOutcome {
  case: OracleCase;
  pip: PipAnswer;
  ours: { ok: boolean; picks: string[]; message?: string; reason?: string };
  sameVerdict: boolean;
  samePicks: boolean;
}

export interface OracleReport {
  cases: number;
  resolvable: number;
  sameVerdict: number;
  samePicks: number;
  /** Resolvable cases (by pip) with the same picks. */
  samePicksResolvable: number;
  unexpected: number;
  outcomes: CaseOutcome[];
  pipSeconds: number;
  oursMs: number;
}

const POOL = ['0.9', '1.0', '1.1', '1.2', '2.0', '2.1', '3.0'];
const MARKERS = ['python_version >= "3.12"', 'python_version < "3.12"', 'sys_platform == "win32"', 'sys_platform == "linux"'];
const PYTHONS = ['>=3.12', '>=3.8', '<3.11', '>=3.11'];

/** Ecosystem size: `small` (2-5 packages), `large` (4-9 packages, denser releases and dependencies: more backtracking). */
export type CaseSize = 'small' | 'large';

export function generateCase(seed: number, id: number, size: CaseSize = 'small'): OracleCase {
  const r = rng(seed * 7919 + id);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const large = size === 'large';
  const n = large ? 4 + Math.floor(r() * 6) : 2 + Math.floor(r() * 4);
  const releaseP = large ? 0.75 : 0.55;
  const depP = large ? 0.5 : 0.45;
  const names = Array.from({ length: n }, (_, i) => `c${id}-p${i}`);
  const spec = (): string => {
    const a = pick(POOL);
    const b = pick(POOL);
    switch (Math.floor(r() * 8)) {
      case 0: case 1: return '';
      case 2: return `>=${a}`;
      case 3: return `<${a}`;
      case 4: return `==${a}`;
      case 5: return `!=${a}`;
      case 6: return a < b ? `>=${a},<${b}` : `>=${b}`;
      default: return `~=${a}`;
    }
  };
  const packages: Record<string, IndexRelease[]> = {};
  names.forEach((name, i) => {
    const versions = POOL.filter(() => r() < releaseP);
    if (!versions.length) versions.push(pick(POOL));
    if (r() < 0.15) versions.push('4.0b1');
    packages[name] = versions.map((version) => {
      const requires: string[] = [];
      for (let j = i + 1; j < n; j++) {
        if (r() < depP) requires.push(`${names[j]}${spec()}${r() < 0.15 ? ` ; ${pick(MARKERS)}` : ''}`);
        else if (r() < 0.15) requires.push(`${names[j]}${spec()} ; extra == "fast"`);
      }
      const release: IndexRelease = { version, requires_dist: requires };
      if (r() < 0.12) release.requires_python = pick(PYTHONS);
      if (r() < 0.07) release.yanked = 'broken build';
      return release;
    });
  });
  const rootCount = 1 + Math.floor(r() * 3);
  const roots: string[] = [];
  const used = new Set<string>();
  for (let k = 0; k < rootCount; k++) {
    const name = names[Math.floor(r() * r() * n)];
    if (used.has(name)) continue;
    used.add(name);
    roots.push(`${name}${r() < 0.15 ? '[fast]' : ''}${spec()}`);
  }
  return { id, packages, roots };
}

const DRIVER = `
import contextlib, io, json, os, sys
from pip._internal.cli.main import main
cases = json.load(open(sys.argv[1]))
out = {}
for case in cases:
    report = case["report"]
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(case["args"] + ["--report", report])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException as e:
            code = 99
            err.write(repr(e))
    out[str(case["id"])] = {"code": code, "stderr": err.getvalue()[-4000:]}
json.dump(out, open(sys.argv[2], "w"))
`;

function pipEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_')) env[k] = v;
  return { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', PYTHONDONTWRITEBYTECODE: '1' };
}

/** Runs pip on every case (in `workers` interpreters); one answer per case id. */
export async function runPip(cases: OracleCase[], indexUrl: string, workers = 2): Promise<Map<number, PipAnswer>> {
  const dir = mkdtempSync(join(tmpdir(), 'ml-pins-oracle-'));
  try {
    writeFileSync(join(dir, 'driver.py'), DRIVER);
    const jobs = cases.map((c) => ({
      id: c.id, report: join(dir, `report-${c.id}.json`),
      args: ['install', '--dry-run', '--ignore-installed', '--quiet', '--no-cache-dir', '--disable-pip-version-check', '--no-input',
        '--index-url', indexUrl, ...c.roots],
    }));
    const chunks: (typeof jobs)[] = Array.from({ length: Math.max(1, workers) }, () => []);
    jobs.forEach((j, k) => chunks[k % chunks.length].push(j));
    const results = await Promise.all(chunks.filter((c) => c.length).map(async (chunk, w) => {
      const input = join(dir, `cases-${w}.json`);
      const output = join(dir, `out-${w}.json`);
      writeFileSync(input, JSON.stringify(chunk));
      await new Promise<void>((ok, fail) => {
        const p = spawn('python3', [join(dir, 'driver.py'), input, output], { env: pipEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        p.stderr.on('data', (d) => { stderr += d; });
        p.on('error', fail);
        p.on('close', (code) => (code === 0 ? ok() : fail(new Error(`pip driver exited ${code}: ${stderr.slice(-2000)}`))));
      });
      return JSON.parse(readFileSync(output, 'utf8')) as Record<string, { code: number; stderr: string }>;
    }));
    const answers = new Map<number, PipAnswer>();
    for (const job of jobs) {
      const r = results.find((x) => String(job.id) in x)![String(job.id)];
      if (r.code === 0) {
        const report = JSON.parse(readFileSync(job.report, 'utf8')) as { install: { metadata: { name: string; version: string } }[] };
        answers.set(job.id, { ok: true, picks: report.install.map((i) => `${normalize(i.metadata.name)}==${i.metadata.version}`).sort() });
      } else {
        const resolution = /ResolutionImpossible|No matching distribution found|conflicting dependencies/.test(r.stderr);
        answers.set(job.id, { ok: false, picks: [], error: r.stderr, ...(resolution ? {} : { unexpected: true }) });
      }
    }
    return answers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const normalize = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();

export function picksOf(result: ResolveResult): string[] {
  if (!result.ok) return [];
  return [...result.packages.values()].map((p) => `${p.name}==${p.version ?? '*'}`).sort();
}

/** Generates `count` cases from `seed`, resolves each with pip and with the resolver, and compares. */
/** `mixed`: every third case large. */
export async function runOracle(count: number, seed: number, workers = 2, size: CaseSize | 'mixed' = 'mixed'): Promise<OracleReport> {
  const cases = Array.from({ length: count }, (_, i) => generateCase(seed, i, size === 'mixed' ? (i % 3 === 2 ? 'large' : 'small') : size));
  const packages: Record<string, IndexRelease[]> = {};
  for (const c of cases) Object.assign(packages, c.packages);
  const index = await startIndex({ packages });
  try {
    const t0 = performance.now();
    const pip = await runPip(cases, index.url, workers);
    const pipSeconds = (performance.now() - t0) / 1000;
    const live = new LiveMetadata(new IndexClient({ indexes: [index.url] }));
    const environment = targetEnvironment('3.11.7', 'linux');
    const outcomes: CaseOutcome[] = [];
    let oursMs = 0;
    for (const c of cases) {
      const roots = c.roots.map((requirement) => ({ requirement }));
      await live.resolve(roots, { environment }); // fetch (not timed)
      const t = performance.now();
      const result = await live.resolve(roots, { environment });
      oursMs += performance.now() - t;
      const ours = { ok: result.ok, picks: picksOf(result), message: !result.ok && result.reason === 'conflict' ? result.conflict.message : undefined, reason: result.ok ? undefined : result.reason };
      const p = pip.get(c.id)!;
      outcomes.push({ case: c, pip: p, ours, sameVerdict: p.ok === ours.ok, samePicks: p.ok === ours.ok && p.picks.join(' ') === ours.picks.join(' ') });
    }
    const resolvable = outcomes.filter((o) => o.pip.ok).length;
    return {
      cases: count, resolvable,
      sameVerdict: outcomes.filter((o) => o.sameVerdict).length,
      samePicks: outcomes.filter((o) => o.samePicks).length,
      samePicksResolvable: outcomes.filter((o) => o.pip.ok && o.samePicks).length,
      unexpected: outcomes.filter((o) => o.pip.unexpected).length,
      outcomes, pipSeconds, oursMs,
    };
  } finally {
    await index.close();
  }
}
