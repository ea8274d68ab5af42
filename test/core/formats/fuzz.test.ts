// Seeded fuzzing of every manifest parser through the public entry points (decodeManifest + parseManifest): real
// manifests are mutated thousands of times, and no exception may escape, every range must lie inside its document,
// and each parse must end in bounded time (a hang guard, not a speed test). Set FUZZ_SEED to replay another run;
// a failure message names the seed, the document path and the mutation so it can be reproduced.

import { CONFORMANCE } from '../../conformance-data';
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeManifest, detectManifestKind, parseManifest } from '../../../src/core/formats';
import { LineIndex } from '../../../src/core/text';
import type { ManifestKind, ParsedManifest, Range } from '../../../src/core/types';
import { rng as prng } from '../../support/random';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Hang guard for small documents (all mutated ones stay well under 1 MB). */
const SMALL_BOUND_MS = 2000;
/** Hang guard for the 10 MB documents: linear parsers take a few seconds on a slow machine. */
const HUGE_BOUND_MS = 20000;


/** One path per kind, to feed any text to any parser. */
const KIND_PATHS: Record<ManifestKind, string[]> = {
  requirements: ['requirements.txt'],
  pyproject: ['pyproject.toml'],
  pipfile: ['Pipfile'],
  'setup-cfg': ['setup.cfg'],
  conda: ['environment.yml'],
  script: ['setup.sh', 'Dockerfile'],
  python: ['setup.py'],
};
const ALL_PATHS = Object.values(KIND_PATHS).flat();

/** The name a corpus file is parsed under: its own when it is a manifest name, else one chosen by extension. */
function naturalPath(file: string): string | undefined {
  if (detectManifestKind(file)) return file;
  if (file.endsWith('.toml')) return 'pyproject.toml';
  if (file.endsWith('.yml') || file.endsWith('.yaml')) return 'environment.yml';
  if (file.endsWith('.cfg')) return 'setup.cfg';
  if (file.endsWith('.py')) return 'setup.py';
  if (file.endsWith('.sh')) return 'setup.sh';
  return undefined;
}

interface Doc {
  path: string;
  text: string;
  origin: string;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

function corpus(): Doc[] {
  const docs: Doc[] = [];
  // The conformance data is sampled below (its invalid TOML cases are not manifests worth mutating).
  const fixtures = walk(join(ROOT, 'test/fixtures')).filter((f) => !f.startsWith(CONFORMANCE));
  for (const file of [...walk(join(ROOT, 'examples')), ...fixtures]) {
    const path = naturalPath(file);
    if (!path || statSync(file).size > 64 * 1024) continue;
    docs.push({ path, text: readFileSync(file, 'utf8'), origin: relative(ROOT, file) });
  }
  const reqfile = join(CONFORMANCE, 'reqfile.json');
  if (existsSync(reqfile)) {
    const cases = (JSON.parse(readFileSync(reqfile, 'utf8')) as { cases: { id: string; input?: string }[] }).cases;
    for (const c of cases) if (typeof c.input === 'string') docs.push({ path: 'requirements.txt', text: c.input, origin: `reqfile.json#${c.id}` });
  }
  const toml = walk(join(CONFORMANCE, 'toml-test/valid')).filter((f) => f.endsWith('.toml')).sort();
  // Every fourth valid TOML file keeps the corpus (and the run time) modest while covering every folder.
  for (const file of toml.filter((_, i) => i % 4 === 0)) {
    docs.push({ path: 'pyproject.toml', text: readFileSync(file, 'utf8'), origin: relative(CONFORMANCE, file) });
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations

const CHARS = [
  '"', "'", '\\', '[', ']', '{', '}', '(', ')', '<', '>', '=', '!', '~', ';', ',', '#', '$', '@', '*', ':', '\n', '\r',
  '\r\n', '\t', ' ', '&', '|', '`', '-', '+', '.', '%', 'a', 'Z', '0', '9', '\u0000', '\ufeff', '\ud800', '\udc00',
  '😀', 'é', '\u2028', '\u00a0',
];
const TOKENS = [
  'pip install ', 'python -m pip install -r ', 'RUN ', 'RUN ["pip", "install", ', '<<EOF\n', '\nEOF\n', '\\\n', '${X}',
  '$(', '[project]\n', 'dependencies = [', '"""', "'''", '[tool.poetry.dependencies]\n', 'python = "^3.10"\n',
  '[options]\n', 'install_requires =\n    ', '[options.extras_require]\n', 'dependencies:\n', '- pip:\n', '  - ',
  'install_requires=[', 'extras_require={"x": [', 'subprocess.run([sys.executable, "-m", "pip", "install", ',
  '-r ', '-c ', '-e ', '--index-url ', '--hash=sha256:', ' @ https://x/y.whl', '; python_version < "3.10"',
  'torch==2.2.0+rocm5.7', 'numpy>=1.24,<2', 'diffusers[torch]>=0.29', 'f"{', 'r"', '= [', '{', '= {', 'X = [',
];

type Mutator = (text: string, rnd: () => number) => string;

const at = (text: string, rnd: () => number): number => Math.floor(rnd() * (text.length + 1));
const pick = <T>(items: T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)];

const MUTATORS: Record<string, Mutator> = {
  insertChar: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + pick(CHARS, r) + t.slice(i);
  },
  insertToken: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + pick(TOKENS, r) + t.slice(i);
  },
  delete: (t, r) => {
    const i = at(t, r);
    return t.slice(0, i) + t.slice(i + 1 + Math.floor(r() * 20));
  },
  duplicate: (t, r) => {
    const i = at(t, r);
    const j = Math.min(t.length, i + Math.floor(r() * 200));
    return t.slice(0, j) + t.slice(i, j) + t.slice(j);
  },
  swap: (t, r) => {
    if (t.length < 2) return t;
    const i = Math.floor(r() * (t.length - 1));
    const j = Math.floor(r() * t.length);
    const chars = [...t.slice(0, Math.max(i, j) + 1)];
    [chars[i], chars[j]] = [chars[j], chars[i]];
    return chars.join('') + t.slice(Math.max(i, j) + 1);
  },
  cutLines: (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    return r() < 0.5 ? lines.slice(0, i).join('\n') : [...lines.slice(0, i), ...lines.slice(i + 1 + Math.floor(r() * 3))].join('\n');
  },
  truncate: (t, r) => t.slice(0, at(t, r)),
  repeat: (t, r) => {
    // Huge repetition, kept under ~256 KB so the per-parse bound stays a hang guard.
    const i = at(t, r);
    const piece = t.slice(i, i + 1 + Math.floor(r() * 40)) || pick(TOKENS, r);
    const times = Math.min(Math.floor(256 * 1024 / piece.length), 1 + Math.floor(r() * 5000));
    return t.slice(0, i) + piece.repeat(times) + t.slice(i);
  },
  randomText: (t, r) => {
    const i = at(t, r);
    let s = '';
    for (let k = Math.floor(r() * 40); k > 0; k--) s += String.fromCharCode(Math.floor(r() * (r() < 0.8 ? 128 : 0x10000)));
    return t.slice(0, i) + s + t.slice(i);
  },
};
const MUTATOR_NAMES = Object.keys(MUTATORS);

function mutateBytes(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const out = Array.from(bytes);
  for (let k = 1 + Math.floor(rnd() * 8); k > 0; k--) {
    const i = Math.floor(rnd() * (out.length + 1));
    // Half the bytes ASCII, so that many mutants still decode and reach the parsers.
    const b = Math.floor(rnd() * (rnd() < 0.5 ? 128 : 256));
    if (rnd() < 0.5) out.splice(i, 0, b);
    else out[i] = b;
  }
  if (rnd() < 0.1) out.unshift(...pick([[0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0xff, 0xfe, 0, 0]], rnd));
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

function checkRange(index: LineIndex, range: Range | undefined, what: string): void {
  assert.ok(range && range.start && range.end, `${what}: missing range`);
  for (const p of [range.start, range.end]) {
    assert.ok(Number.isInteger(p.line) && Number.isInteger(p.character), `${what}: non-integer position ${JSON.stringify(p)}`);
    assert.ok(p.line >= 0 && p.line < index.lineCount, `${what}: line ${p.line} outside 0..${index.lineCount - 1}`);
    const length = index.lineText(p.line).length;
    assert.ok(p.character >= 0 && p.character <= length, `${what}: character ${p.character} outside line ${p.line} (length ${length})`);
  }
  const order = range.start.line - range.end.line || range.start.character - range.end.character;
  assert.ok(order <= 0, `${what}: start after end ${JSON.stringify(range)}`);
}

function checkManifest(m: ParsedManifest, path: string, text: string): void {
  const index = new LineIndex(text);
  assert.equal(m.path, path);
  assert.equal(m.kind, detectManifestKind(path) ?? 'requirements');
  for (const r of m.requirements) {
    checkRange(index, r.range, `requirement ${r.text}`);
    checkRange(index, r.nameRange, `name of ${r.text}`);
    checkRange(index, r.specifierRange, `specifier of ${r.text}`);
    assert.equal(typeof r.normalizedName, 'string');
  }
  for (const f of m.findings) {
    assert.notEqual(f.code, 'internal-error', f.message);
    checkRange(index, f.range, `finding ${f.code}`);
    for (const fix of f.fixes) for (const e of fix.edits) if (e.path === path) checkRange(index, e.range, `fix of ${f.code}`);
    for (const rel of f.related ?? []) if (rel.path === path) checkRange(index, rel.range, `related of ${f.code}`);
  }
  for (const x of m.indexes) checkRange(index, x.range, `index ${x.url}`);
  for (const x of m.includes) checkRange(index, x.range, `include ${x.target}`);
  for (const x of m.options ?? []) checkRange(index, x.range, `option ${x.name}`);
  if (m.requiresPython) checkRange(index, m.requiresPython.range, 'requires-python');
  if (m.toolConfig) checkRange(index, m.toolConfig.range, 'tool config');
  if ('groupIncludes' in m && Array.isArray(m.groupIncludes)) {
    for (const g of m.groupIncludes as { range: Range }[]) checkRange(index, g.range, 'group include');
  }
}

/** Parses with a time bound; any exception or bad range fails with enough context to replay. */
function run(path: string, text: string, context: string, bound = SMALL_BOUND_MS): number {
  const started = performance.now();
  let m: ParsedManifest;
  try {
    m = parseManifest(path, text);
  } catch (e) {
    assert.fail(`${context}: parseManifest threw ${(e as Error).stack}`);
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < bound, `${context}: took ${elapsed.toFixed(0)} ms (bound ${bound} ms)`);
  try {
    checkManifest(m, path, text);
  } catch (e) {
    assert.fail(`${context}: ${(e as Error).message}`);
  }
  return elapsed;
}

function runBytes(path: string, bytes: Uint8Array, context: string): void {
  let decoded: ReturnType<typeof decodeManifest>;
  try {
    decoded = decodeManifest(path, bytes);
  } catch (e) {
    assert.fail(`${context}: decodeManifest threw ${(e as Error).stack}`);
  }
  if ('finding' in decoded) {
    assert.equal(decoded.finding.code, 'unreadable-file', context);
    assert.deepEqual(decoded.finding.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context);
    assert.ok(decoded.finding.message.length > 10, context);
  } else run(path, decoded.text, context);
}

// ---------------------------------------------------------------------------------------------------------------

describe(`manifest fuzzing (seed ${SEED})`, () => {
  const docs = corpus();

  test('the corpus is there', () => {
    assert.ok(docs.length >= 50, `only ${docs.length} corpus documents`);
    const kinds = new Set(docs.map((d) => detectManifestKind(d.path) ?? 'requirements'));
    for (const kind of ['requirements', 'pyproject', 'script', 'python'] as const) assert.ok(kinds.has(kind), `no ${kind} document`);
  });

  test('every corpus document parses cleanly under every kind', () => {
    for (const d of docs) for (const path of ALL_PATHS) run(path, d.text, `${d.origin} as ${path}`);
  });

  test('thousands of text mutations', () => {
    const rnd = prng(SEED);
    let parses = 0;
    for (let round = 0; round < 20; round++) {
      for (const d of docs) {
        let text = d.text;
        const applied: string[] = [];
        for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
          const name = pick(MUTATOR_NAMES, rnd);
          applied.push(name);
          text = MUTATORS[name](text, rnd);
        }
        const path = rnd() < 0.7 ? d.path : pick(ALL_PATHS, rnd);
        run(path, text, `seed ${SEED} round ${round}: ${d.origin} as ${path} after ${applied.join('+')}`);
        parses++;
      }
    }
    assert.ok(parses >= 2000, `only ${parses} parses`);
  });

  test('byte mutations through decodeManifest', () => {
    const rnd = prng(SEED + 1);
    const encoder = new TextEncoder();
    for (let round = 0; round < 4; round++) {
      for (const d of docs) {
        const path = rnd() < 0.7 ? d.path : pick(ALL_PATHS, rnd);
        runBytes(path, mutateBytes(encoder.encode(d.text), rnd), `seed ${SEED} bytes round ${round}: ${d.origin} as ${path}`);
      }
    }
  });

  test('binary garbage, for every kind', () => {
    const rnd = prng(SEED + 2);
    for (const path of ALL_PATHS) {
      for (let k = 0; k < 20; k++) {
        const bytes = Uint8Array.from({ length: Math.floor(rnd() * 4096) }, () => Math.floor(rnd() * 256));
        runBytes(path, bytes, `seed ${SEED} garbage ${k} as ${path}`);
        // Garbage that happens to be valid text must parse too.
        run(path, new TextDecoder().decode(bytes), `seed ${SEED} garbage ${k} as text as ${path}`);
      }
    }
  });

  test('10,000-deep nesting in every format', () => {
    const D = 10000;
    const open = (s: string): string => s.repeat(D);
    const cases: [string, string][] = [
      ['requirements.txt', `torch[${open('[')}`],
      ['requirements.txt', `torch; ${open('(')}python_version > "3"${open(')')}`],
      ['requirements.txt', `torch; ${open('(')}`],
      ['pyproject.toml', `a = ${open('[')}${open(']')}`],
      ['pyproject.toml', `a = ${open('{b=')}1${open('}')}`],
      ['pyproject.toml', `[project]\ndependencies = ${open('[')}`],
      ['pyproject.toml', `${open('[a.')}b]`],
      ['setup.cfg', `[options]\ninstall_requires = ${open('(')}`],
      ['setup.cfg', `[options]\ninstall_requires =\n${Array.from({ length: D }, (_, i) => ' '.repeat(i + 1) + 'x').join('\n')}`],
      ['environment.yml', `dependencies: ${open('[')}${open(']')}`],
      ['environment.yml', `dependencies: ${open('{a: ')}1${open('}')}`],
      ['environment.yml', Array.from({ length: D }, (_, i) => ' '.repeat(i) + '- a:').join('\n')],
      ['setup.sh', `pip install ${open('$(')}${open(')')} "${open('${')}" ${open('(')}`],
      ['setup.sh', `${open('bash -c "')}pip install x`],
      ['Dockerfile', `RUN ${open('[')}${open(']')}\nRUN ${open('["sh", "-c", ')}`],
      ['setup.py', `X = ${open('[')}${open(']')}\nY = ${open('{')}\nZ = ${open('f"{')}`],
      ['setup.py', `setup(install_requires=${open('[')}"torch>=2"${open(']')})`],
    ];
    for (const [path, text] of cases) run(path, text, `deep ${path}: ${text.slice(0, 40)}`);
  });

  test('a 10 MB requirements file and a 10 MB pyproject.toml', () => {
    const line = 'torch>=2.1,<3 ; python_version >= "3.9"  # pinned for CUDA 12.1\n';
    const requirements = `--index-url https://download.pytorch.org/whl/cu121\n${line.repeat(Math.ceil(10e6 / line.length))}`;
    run('requirements.txt', requirements, '10 MB requirements.txt', HUGE_BOUND_MS);
    // A giant but plausible pyproject: a long inline readme, a large dependency list, many tool tables.
    const deps = Array.from({ length: 20000 }, (_, i) => `  "pkg-${i}>=1.${i % 50}",\n`).join('');
    const tables = Array.from({ length: 20000 }, (_, i) => `[tool.bench.case${i}]\nname = "case ${i}"\n`).join('');
    const readme = 'An image server.\\n'.repeat(Math.ceil((10e6 - deps.length - tables.length) / 18));
    const pyproject = `[project]\nname = "big"\nversion = "1.0"\nreadme = {text = "${readme}", content-type = "text/markdown"}\n` +
      `requires-python = ">=3.10"\ndependencies = [\n${deps}]\n\n${tables}`;
    assert.ok(pyproject.length >= 10e6);
    run('pyproject.toml', pyproject, '10 MB pyproject.toml', HUGE_BOUND_MS);
  });
});
