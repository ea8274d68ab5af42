// What pytorch/test-infra states about each PyTorch release, read from its history (docs/metadata.md, "PyTorch release
// matrix"):
//   npm run metadata:pytorch-matrix -- --repo <test-infra git dir> [--out metadata/release-matrix/pytorch.json]
// - Builds: the commit that moves `CURRENT_STABLE_VERSION` to a release in tools/scripts/generate_binary_build_matrix.py
//   defines it; its "release" lists name the CUDA / ROCm builds (local labels +cuXYZ / +rocmX.Y, each served by
//   download.pytorch.org/whl/<label>) and the CPython versions the release was validated on. This is the validation
//   matrix, not pytorch/pytorch's build matrix: wheels for other CPythons may exist (torch 2.5.1 has cp313 wheels that
//   the 2.5.1 matrix does not list), so the CPython list is a lower bound.
// - Pairings: tools/scripts/generate_release_matrix.py (RELEASE_DICT, the commit that adds each release) and
//   release/release_versions.sh (a commit that moves PYTORCH_VERSION and a library's version together; triton too). The
//   release builds of torchvision and torchaudio pin `torch==<PYTORCH_VERSION>` of the build environment, which these
//   files set; a pairing is what the release build was given, not proof that the wheel declares it (torchaudio 2.11.0
//   ships no torch requirement).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareVersions, parseVersion } from '../../src/core/pep440';
import type { ReleaseRecord } from '../../src/core/metadata/types';
import { gitDir } from './from-source';
import { byVersion, DEFAULT_METADATA_DIR, mergeReleases } from './snapshot';

const BUILD_MATRIX = 'tools/scripts/generate_binary_build_matrix.py';
const RELEASE_MATRIX = 'tools/scripts/generate_release_matrix.py';
const RELEASE_VERSIONS = 'release/release_versions.sh';
const INDEX = 'https://download.pytorch.org/whl';

export interface MatrixBuild {
  torch: string;
  /** CPython minors validated for the release (free-threaded builds left out): a lower bound of the wheels. */
  python: string[];
  /** Local label -> the index that serves it (cpu, cuXYZ, rocmX.Y). */
  variants: Record<string, string>;
  source: string;
}

export interface MatrixPairing {
  torch: string;
  /** Domain library -> its release built against this torch. */
  companions: Record<string, string>;
  source: string;
}

export interface PytorchMatrix {
  repository: 'pytorch/test-infra';
  builds: MatrixBuild[];
  pairings: MatrixPairing[];
}

function git(repo: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** Module-level literal assignments of a Python file (names -> values), read with ast.literal_eval. */
function pythonLiterals(text: string, names: string[]): Record<string, unknown> {
  const script = [
    'import ast, json, sys',
    'req = json.load(sys.stdin)',
    'out = {}',
    'try:',
    '    tree = ast.parse(req["text"])',
    'except SyntaxError:',
    '    tree = ast.Module(body=[], type_ignores=[])',
    'for node in tree.body:',
    '    targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else []',
    '    for t in targets:',
    '        if isinstance(t, ast.Name) and t.id in req["names"]:',
    '            try:',
    '                out[t.id] = ast.literal_eval(node.value)',
    '            except ValueError:',
    '                pass',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const out = execFileSync('python3', ['-c', script], { input: JSON.stringify({ text, names }), encoding: 'utf8', maxBuffer: 16 << 20 });
  return JSON.parse(out) as Record<string, unknown>;
}

/** `NAME=${NAME:-value}` lines of a shell file. */
function shellDefaults(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([A-Z_]+)=\$\{\1:-([^}]+)\}/gm)) out[m[1]] = m[2].trim();
  return out;
}

const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const releaseList = (v: unknown): string[] | undefined => {
  const list = v && typeof v === 'object' ? (v as Record<string, unknown>).release : undefined;
  return isStrList(list) ? list : undefined;
};

function history(repo: string, path: string): string[] {
  return (git(repo, ['log', '--reverse', '--format=%H', '--', path]) ?? '').split('\n').filter(Boolean);
}

/** The builds each release's defining commit states. */
export function readBuilds(repo: string): MatrixBuild[] {
  const builds: MatrixBuild[] = [];
  const seen = new Set<string>();
  let previous: string | undefined;
  for (const commit of history(repo, BUILD_MATRIX)) {
    const text = git(repo, ['show', `${commit}:${BUILD_MATRIX}`]);
    if (text === undefined) continue;
    const stable = text.match(/^CURRENT_STABLE_VERSION\s*=\s*"([^"]+)"/m)?.[1];
    const moved = stable !== undefined && stable !== previous;
    previous = stable ?? previous;
    if (!stable || !moved || seen.has(stable) || !parseVersion(stable)) continue;
    const v = pythonLiterals(text, ['PYTHON_ARCHES_DICT', 'CUDA_ARCHES_DICT', 'ROCM_ARCHES_DICT']);
    const python = releaseList(v.PYTHON_ARCHES_DICT), cuda = releaseList(v.CUDA_ARCHES_DICT), rocm = releaseList(v.ROCM_ARCHES_DICT);
    // Before the per-channel dictionaries the lists described the nightlies, not the release: nothing is stated.
    if (!python || !cuda || !rocm) continue;
    seen.add(stable);
    const variants: Record<string, string> = { cpu: `${INDEX}/cpu` };
    for (const c of cuda) variants[`cu${c.replace('.', '')}`] = `${INDEX}/cu${c.replace('.', '')}`;
    for (const r of rocm) variants[`rocm${r}`] = `${INDEX}/rocm${r}`;
    builds.push({
      torch: stable, python: python.filter((p) => /^3\.\d+$/.test(p)), variants,
      source: `pytorch/test-infra@${commit}:${BUILD_MATRIX} (release matrix of CURRENT_STABLE_VERSION ${stable}; validation matrix: CPython list is a lower bound)`,
    });
  }
  return builds;
}

const COMPANIONS: Record<string, string> = { TORCHVISION_VERSION: 'torchvision', TORCHAUDIO_VERSION: 'torchaudio', TRITON_VERSION: 'triton' };

/** torch -> domain library releases, from the release matrix and the release version file. */
export function readPairings(repo: string): MatrixPairing[] {
  const pairings = new Map<string, MatrixPairing>();
  const add = (torch: string, lib: string, version: string, source: string) => {
    const p = pairings.get(torch) ?? { torch, companions: {}, source };
    if (p.companions[lib] !== undefined && p.companions[lib] !== version) throw new Error(`torch ${torch}: ${lib} ${p.companions[lib]} and ${version}`);
    if (p.companions[lib] === undefined) {
      p.companions[lib] = version;
      if (!p.source.includes(source)) p.source = `${p.source}; ${source}`;
    }
    pairings.set(torch, p);
  };
  for (const commit of history(repo, RELEASE_MATRIX)) {
    const text = git(repo, ['show', `${commit}:${RELEASE_MATRIX}`]);
    const dict = text === undefined ? undefined : pythonLiterals(text, ['RELEASE_DICT']).RELEASE_DICT;
    if (!dict || typeof dict !== 'object') continue;
    for (const [key, row] of Object.entries(dict as Record<string, Record<string, unknown>>)) {
      if (!row || row.torch !== key || !parseVersion(key) || pairings.get(key)?.source.includes(RELEASE_MATRIX)) continue;
      for (const lib of Object.values(COMPANIONS)) {
        if (typeof row[lib] === 'string') add(key, lib, row[lib] as string, `pytorch/test-infra@${commit}:${RELEASE_MATRIX}`);
      }
    }
  }
  let before: Record<string, string> = {};
  for (const commit of history(repo, RELEASE_VERSIONS)) {
    const text = git(repo, ['show', `${commit}:${RELEASE_VERSIONS}`]);
    if (text === undefined) continue;
    const now = shellDefaults(text);
    const torch = now.PYTORCH_VERSION;
    // A library's default is stated for this torch only when the commit moves both (defaults left from an earlier
    // release are not pairings: the file once read PYTORCH_VERSION 2.7.0 next to TORCHVISION_VERSION 0.24.0).
    if (torch && torch !== before.PYTORCH_VERSION && parseVersion(torch)) {
      for (const [key, lib] of Object.entries(COMPANIONS)) {
        if (now[key] && now[key] !== before[key]) add(torch, lib, now[key], `pytorch/test-infra@${commit}:${RELEASE_VERSIONS}`);
      }
    }
    before = now;
  }
  return [...pairings.values()];
}

export function readPytorchMatrix(repoPath: string): PytorchMatrix {
  const repo = gitDir(repoPath);
  const byTorch = (a: { torch: string }, b: { torch: string }) => compareVersions(parseVersion(a.torch)!, parseVersion(b.torch)!);
  return { repository: 'pytorch/test-infra', builds: readBuilds(repo).sort(byTorch), pairings: readPairings(repo).sort(byTorch) };
}

/** One build or pairing a line, so that diffs show which release changed. */
export function formatMatrix(m: PytorchMatrix): string {
  const lines = (xs: unknown[]) => xs.map((x) => `  ${JSON.stringify(x)}`).join(',\n');
  return `{"repository":${JSON.stringify(m.repository)},\n"builds":[\n${lines(m.builds)}\n],\n"pairings":[\n${lines(m.pairings)}\n]}\n`;
}

export const DEFAULT_MATRIX_FILE = join(__dirname, '..', '..', 'metadata', 'release-matrix', 'pytorch.json');

/**
 * torchaudio releases from this one on are built on the PyTorch stable ABI, and their release builds no longer pin the
 * torch of the build (torchaudio 2.11.0 ships no torch requirement): a pairing is then no declared requirement.
 */
export const TORCHAUDIO_UNPINNED_FROM = '2.11.0';

const PIN_SOURCE: Record<string, string> = {
  torchvision: 'torch pin injected at build time: pytorch/vision setup.py get_requirements() appends `==$PYTORCH_VERSION` of the release build',
  torchaudio: 'torch pin injected at build time: pytorch/audio setup.py `install_requires=[torch==$PYTORCH_VERSION]` of the release build',
};

/**
 * The package entries the matrix states (docs/metadata.md): torch releases with the local builds each index serves;
 * torchvision and torchaudio releases with the torch their release build pinned, as a partial Requires-Dist (their
 * other requirements are not read here). The matrix names some releases only, so the files say so (`complete_from`).
 */
export function matrixPackages(m: PytorchMatrix): Record<string, ReleaseRecord[]> {
  const out: Record<string, ReleaseRecord[]> = { torch: [], torchvision: [], torchaudio: [] };
  for (const b of m.builds) out.torch.push({ version: b.torch, variants: b.variants, source: b.source });
  for (const p of m.pairings) {
    for (const lib of ['torchvision', 'torchaudio']) {
      const version = p.companions[lib];
      if (!version || !parseVersion(version)) continue;
      const unpinned = lib === 'torchaudio' && compareVersions(parseVersion(version)!, parseVersion(TORCHAUDIO_UNPINNED_FROM)!) >= 0;
      out[lib].push(unpinned
        ? { version, source: `${p.source} (built with torch ${p.torch}; from torchaudio ${TORCHAUDIO_UNPINNED_FROM} the release pins no torch, so its Requires-Dist is not known here)` }
        : { version, requires_dist: [`torch==${p.torch}`], requires_dist_partial: true, source: `${p.source} (release build of torch ${p.torch}); ${PIN_SOURCE[lib]}` });
    }
  }
  return out;
}

/** Writes the matrix file and the torch, torchvision and torchaudio package files (partial listings). */
export function writeMatrix(matrix: PytorchMatrix, options: { out?: string; metadataDir?: string; registryNewest?: Record<string, string>; snapshotDate?: string } = {}): void {
  const out = options.out ?? DEFAULT_MATRIX_FILE;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, formatMatrix(matrix));
  for (const [name, records] of Object.entries(matrixPackages(matrix))) {
    if (!records.length) continue;
    const newest = [...records].sort(byVersion)[records.length - 1].version;
    mergeReleases(name, records, {
      dir: options.metadataDir ?? DEFAULT_METADATA_DIR, registryNewest: options.registryNewest?.[name],
      snapshotDate: options.snapshotDate, completeFrom: newest,
    });
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      repo: { type: 'string' }, out: { type: 'string' }, 'metadata-dir': { type: 'string' },
      'registry-newest': { type: 'string' }, 'snapshot-date': { type: 'string' },
    },
  });
  if (!values.repo) {
    console.error('usage: pytorch-matrix --repo <pytorch/test-infra git dir> [--out <file>] [--metadata-dir <dir>] [--registry-newest torch=X,torchvision=Y,torchaudio=Z]');
    process.exit(2);
  }
  const matrix = readPytorchMatrix(values.repo);
  const registryNewest = Object.fromEntries((values['registry-newest'] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=', 2)));
  writeMatrix(matrix, { out: values.out, metadataDir: values['metadata-dir'], registryNewest, snapshotDate: values['snapshot-date'] });
  console.log(`pytorch/test-infra: ${matrix.builds.length} release builds, ${matrix.pairings.length} pairings -> ${values.out ?? DEFAULT_MATRIX_FILE}; torch, torchvision, torchaudio package files`);
}

if (require.main === module) main();
