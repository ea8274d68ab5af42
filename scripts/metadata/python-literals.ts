// Reads declared dependency metadata out of a package's build files at a tag (setup.py, pyproject.toml, setup.cfg,
// requirement files) with python3 (ast, tomllib, packaging), see python_literals.py. Nothing is built or installed.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseVersion } from '../../src/core/pep440';
import { isDroppedExtra } from '../../src/core/metadata/index-formats';
import type { ReleaseRecord } from '../../src/core/metadata/types';
import type { SourceExtractor, TagContext } from './extractor';

const SCRIPT = join(__dirname, 'python_literals.py');

export interface PythonMetadata {
  /** null = could not be read statically (unknown); "" = none declared. */
  python_requires: string | null;
  install_requires: string[] | null;
  /** extra (PEP 685 normalized) -> its Requires-Dist lines, each with `extra == "…"` in its marker. */
  extras: Record<string, string[]> | null;
  /** Module-level names asked for (setup.py), when they evaluated to plain data. */
  names: Record<string, unknown>;
  /** Statements that could not be evaluated statically (for diagnostics). */
  skipped: string[];
  /** The version the build file declares, when it is a literal. */
  version: string | null;
  /** Extras whose requirements could not be read statically (e.g. set only when the build Python is new enough). */
  unknown_extras: string[];
}

export type BuildFileKind = 'setup.py' | 'pyproject' | 'setup.cfg' | 'requirements';

export function readBuildFile(kind: BuildFileKind, path: string, text: string,
  options: { files?: Record<string, string>; names?: string[]; environ?: Record<string, string> } = {}): PythonMetadata {
  let out: string;
  try {
    out = execFileSync('python3', [SCRIPT], {
      input: JSON.stringify({ kind, path, text, files: options.files ?? {}, names: options.names ?? [], environ: options.environ ?? {} }),
      encoding: 'utf8', timeout: 30_000, maxBuffer: 16 << 20, stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    // unparseable build file (invalid TOML, a requirement that is not PEP 508): nothing is known from it
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    return { python_requires: null, install_requires: null, extras: null, names: {}, skipped: [stderr.trim().split('\n').pop() ?? ''], version: null, unknown_extras: [] };
  }
  const parsed = JSON.parse(out) as Partial<PythonMetadata>;
  return {
    python_requires: parsed.python_requires ?? null, install_requires: parsed.install_requires ?? null,
    extras: parsed.extras ?? null, names: parsed.names ?? {}, skipped: parsed.skipped ?? [], version: parsed.version ?? null,
    unknown_extras: parsed.unknown_extras ?? [],
  };
}

/** The files next to a build file that it may read (requirement lists, version files), from the tag. */
export function siblingFiles(ctx: TagContext, dir: string, pattern = /(^requirements.*\.(txt|in)$|\.txt$|version)/i): Record<string, string> {
  const files: Record<string, string> = {};
  const prefix = dir ? `${dir.replace(/\/$/, '')}/` : '';
  for (const name of ctx.ls(dir)) {
    if (pattern.test(name)) {
      const text = ctx.show(`${prefix}${name}`);
      if (text !== undefined && text.length < 200_000) files[`${prefix}${name}`] = text;
    }
  }
  for (const name of ctx.ls(`${prefix}requirements`)) {
    const text = ctx.show(`${prefix}requirements/${name}`);
    if (text !== undefined && text.length < 200_000) files[`${prefix}requirements/${name}`] = text;
  }
  return files;
}

export interface Assembled {
  requires_python?: string;
  requires_dist?: string[];
}

/** Requires-Python and Requires-Dist (install_requires, then the non-dev extras) as far as they are known. */
export function assemble(meta: PythonMetadata, keepExtra: (extra: string) => boolean = (e) => !isDroppedExtra(e)): Assembled {
  const out: Assembled = {};
  if (meta.python_requires !== null) out.requires_python = meta.python_requires;
  if (meta.install_requires !== null && meta.extras !== null && !meta.unknown_extras.some(keepExtra)) {
    const extras = Object.keys(meta.extras).filter(keepExtra).sort();
    out.requires_dist = [...meta.install_requires, ...extras.flatMap((e) => meta.extras![e])];
  }
  return out;
}

/** A tag's version in PEP 440 normal form, or undefined. `prefix` is stripped first (default: an optional v). */
export function tagVersion(tag: string, prefix: RegExp = /^v/): string | undefined {
  if (!prefix.test(tag)) return undefined;
  const rest = tag.replace(prefix, '');
  if (!/^\d+(\.\d+)*([-._]?(a|b|rc|alpha|beta|pre|post|dev)[-._]?\d*)*$/i.test(rest)) return undefined;
  const v = parseVersion(rest);
  return v ? v.toString() : undefined;
}

/** A release tag's version, leaving out development tags (vX.Y.0.dev0, branch points): they are not releases. */
export function releaseTagVersion(tag: string, prefix?: RegExp): string | undefined {
  const v = tagVersion(tag, prefix);
  return v && !v.includes('dev') ? v : undefined;
}

/**
 * A record from the assembled fields. A release whose fields could not be read is still recorded (it exists; its
 * fields are absent = unknown), so that it is not taken for a release that does not exist.
 */
export function record(assembled: Assembled, source: string): Omit<ReleaseRecord, 'version'> {
  return { ...assembled, source };
}

/** Normal form of a specifier set (as packaging writes it), through python3. */
export function normalSpecifier(spec: string): string | null {
  return readBuildFile('pyproject', 'pyproject.toml', `[project]\nrequires-python = ${JSON.stringify(spec)}\n`).python_requires;
}

export interface ProjectOptions {
  /** Folder of the Python project inside the repository ('' = root). */
  dir?: string;
  keepExtra?: (extra: string) => boolean;
  /** Extras whose requirements the build environment decides (`if sys.version_info >= (3, 10): extras["gradio"] = …`),
   *  so the source cannot say whether the wheel declares them: left out, with `why` in the release's `source`, instead
   *  of making the whole Requires-Dist unknown. Only where they cannot be read: a tag that writes them plainly keeps them. */
  unreadableExtras?: { names: string[]; why: string };
  /** Variables of the release build's environment the extractor can vouch for (with its reason in a comment); every
   *  other variable stays unknown, and so does what it decides. */
  environ?: Record<string, string>;
  /** Adjusts what was read (e.g. a field the package computes at build time). */
  fix?: (ctx: TagContext, a: Assembled, meta: PythonMetadata) => Assembled;
  /** Further files of the tag the build file reads (repository paths), e.g. a version.py it executes. */
  extraFiles?: string[];
  /** The version the tag's sources build, when it is not a literal of the build file (undefined = not known). */
  declaredVersion?: (ctx: TagContext) => string | undefined;
}

/** Whether a declared version (when there is one) is the tag's: a tag of another package or a mis-tag is skipped. */
function sameVersion(declared: string | null | undefined, version: string): boolean {
  if (!declared) return true;
  const v = parseVersion(declared.trim());
  return !v || v.toString() === version;
}

/**
 * A tag of release X whose sources still declare a pre-release or development version of X (the release was built
 * from a later commit): the release exists, but what it declares cannot be read here, so its fields stay unknown.
 */
function sameRelease(declared: string, version: string): boolean {
  const d = parseVersion(declared.trim()), v = parseVersion(version);
  return !!d && !!v && d.release.join('.') === v.release.join('.') && !v.isPrerelease && !v.isDevrelease && (d.isPrerelease || d.isDevrelease);
}

/** The text of a top-level TOML table (`[package]`, `[project]`), from its header to the next one: enough for the
 *  plain `key = "value"` lines read here. */
export function tomlTable(text: string | undefined, name: string): string | undefined {
  return text?.split(/^\[/m).find((s) => s.startsWith(`${name}]`));
}

/** The version in a Cargo.toml [package] table (maturin builds take the Python version from it). */
export function cargoVersion(text: string | undefined): string | undefined {
  return tomlTable(text, 'package')?.match(/^version\s*=\s*"([^"]+)"/m)?.[1];
}

/** `__version__ = "…"` in a Python file. */
export function dunderVersion(text: string | undefined): string | undefined {
  return text?.match(/^__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)["']/m)?.[1];
}

/**
 * Reads a Python project's declared metadata at a tag: a static pyproject.toml [project] table when it declares the
 * dependencies, otherwise setup.py (with setup.cfg's [options] for what setup() does not pass).
 */
export function readProject(ctx: TagContext, options: ProjectOptions = {}): Omit<ReleaseRecord, 'version'> | undefined {
  const dir = options.dir ?? '';
  const at = (f: string) => (dir ? `${dir}/${f}` : f);
  const files = siblingFiles(ctx, dir);
  for (const f of options.extraFiles ?? []) {
    const text = ctx.show(f);
    if (text !== undefined) files[f] = text;
  }
  const pyproject = ctx.show(at('pyproject.toml'));
  const keep = options.keepExtra ?? ((e: string) => !isDroppedExtra(e));
  if (options.declaredVersion) {
    const declared = options.declaredVersion(ctx);
    if (!sameVersion(declared, ctx.version)) return sameRelease(declared!, ctx.version) ? { source: ctx.cite(at(pyproject !== undefined && /^\[project\]/m.test(pyproject) ? 'pyproject.toml' : 'setup.py')) } : undefined;
  }
  const finish = (meta: PythonMetadata, cites: string[]) => {
    if (!sameVersion(meta.version, ctx.version)) return sameRelease(meta.version!, ctx.version) ? { source: cites.map((c) => ctx.cite(c)).join('; ') } : undefined;
    const unreadable = meta.unknown_extras.filter((e) => options.unreadableExtras?.names.includes(e));
    const read = unreadable.length ? { ...meta, unknown_extras: meta.unknown_extras.filter((e) => !unreadable.includes(e)) } : meta;
    let a = assemble(read, keep);
    if (options.fix) a = options.fix(ctx, a, read);
    const note = unreadable.length && a.requires_dist ? [`extra ${unreadable.join(', ')} not read (${options.unreadableExtras!.why})`] : [];
    return record(a, [...cites.map((c) => ctx.cite(c)), ...note].join('; '));
  };
  if (pyproject !== undefined) {
    let meta: PythonMetadata | undefined;
    try { meta = readBuildFile('pyproject', at('pyproject.toml'), pyproject, { files, environ: options.environ }); } catch { meta = undefined; }
    if (meta && meta.names.has_project && meta.install_requires !== null) return finish(meta, [at('pyproject.toml')]);
    if (meta && meta.names.has_project && !ctx.show(at('setup.py'))) return finish(meta, [at('pyproject.toml')]);
  }
  const setupPy = ctx.show(at('setup.py'));
  const setupCfg = ctx.show(at('setup.cfg'));
  if (setupPy !== undefined) {
    const meta = readBuildFile('setup.py', at('setup.py'), setupPy, { files, environ: options.environ });
    const cites = [at('setup.py')];
    if (setupCfg !== undefined) {
      const cfg = readBuildFile('setup.cfg', at('setup.cfg'), setupCfg);
      if (meta.python_requires === '' && cfg.python_requires) { meta.python_requires = cfg.python_requires; cites.push(at('setup.cfg')); }
      if (meta.install_requires?.length === 0 && cfg.install_requires?.length) { meta.install_requires = cfg.install_requires; if (!cites.includes(at('setup.cfg'))) cites.push(at('setup.cfg')); }
      if (meta.extras && !Object.keys(meta.extras).length && cfg.extras && Object.keys(cfg.extras).length) { meta.extras = cfg.extras; if (!cites.includes(at('setup.cfg'))) cites.push(at('setup.cfg')); }
    }
    return finish(meta, cites);
  }
  if (setupCfg !== undefined) return finish(readBuildFile('setup.cfg', at('setup.cfg'), setupCfg), [at('setup.cfg')]);
  return undefined;
}

/**
 * A setup.py template that the project's pip_build.py fills in before building (keras, tf-keras: `oss_setup.py`
 * with {{PACKAGE}} and {{VERSION}}): read with those two strings replaced as pip_build.py replaces them.
 */
export function readTemplateSetup(ctx: TagContext, path: string, packageName: string): Omit<ReleaseRecord, 'version'> | undefined {
  const template = ctx.show(path);
  const builder = ctx.show('pip_build.py');
  if (template === undefined || builder === undefined || !/replace\("\{\{VERSION\}\}", version\)/.test(builder)) return undefined;
  const text = template.split('{{VERSION}}').join(ctx.version).split('{{PACKAGE}}').join(packageName);
  const meta = readBuildFile('setup.py', path, text);
  if (!sameVersion(meta.version, ctx.version)) return undefined;
  return record(assemble(meta), `${ctx.cite(path)}; ${ctx.cite('pip_build.py')}`);
}

/**
 * An extractor for a project whose tags have a static pyproject.toml [project] table from some release on (read with
 * readProject), and before it a setup.py that computes its metadata (numpy, scipy): `fromSetupPy` reads that
 * package's own literals, given setup.py's text and its citation.
 */
export function projectElseSetupPy(name: string, repository: string,
  fromSetupPy: (setupPy: string, source: string) => Omit<ReleaseRecord, 'version'>): SourceExtractor {
  return {
    package: name,
    repository,
    version: (tag) => releaseTagVersion(tag),
    extract: (ctx) => {
      const pyproject = ctx.show('pyproject.toml');
      if (pyproject && /^\[project\]/m.test(pyproject)) return readProject(ctx);
      const setupPy = ctx.show('setup.py');
      return setupPy === undefined ? undefined : fromSetupPy(setupPy, ctx.cite('setup.py'));
    },
  };
}

/** The `python_requires='…'` literals of a setup.py, in order. */
export function pythonRequiresLiterals(setupPy: string): string[] {
  return [...setupPy.matchAll(/python_requires\s*=\s*(['"])([^'"]*)\1/g)].map((m) => m[2]);
}

/** A release whose setup.py passes the lines of one requirements file as its install_requires (pytorch-lightning
 *  1.1.0–1.6.x, lightning-utilities): those lines as a partial Requires-Dist (the extras setup.py makes from other files
 *  are not read), with setup.py's literal python_requires; the source alone when either cannot be read. */
export function requirementsFileRecord(ctx: TagContext, setupPy: string, file: string, options: { whole?: boolean } = {}): Omit<ReleaseRecord, 'version'> {
  const text = ctx.show(file);
  const python = pythonRequiresLiterals(setupPy);
  const source = `${ctx.cite('setup.py')}; ${ctx.cite(file)}`;
  if (text === undefined || python.length > 1) return { source };
  const requires_python = python[0] ?? '';
  const lines = readBuildFile('requirements', file, text).install_requires;
  // Unreadable as PEP 508: the lines a legacy reader took that PEP 508 rejects are what the release declares invalid.
  if (!lines) return withInvalid({ requires_python, source }, text);
  return options.whole ? { requires_python, requires_dist: lines, source }
    : { requires_python, requires_dist: lines, requires_dist_partial: true, source: `${source} (base requirements; extras not read)` };
}

/** A requirement line with a `.*` suffix on an ordering operator (`torch>=1.7.*`, `PyYAML>=5.1.*`): setuptools' legacy
 *  reader took it (before 67) and wrote it into Requires-Dist as it was; PEP 440 allows `.*` after `==` and `!=` only. */
const LEGACY_STAR = /(?:>=|<=|~=|(?<![=!<>~])>|(?<![=!<>~])<)\s*v?\d[\w.!+-]*?\.\*/;

/** The lines of a requirements file that PEP 508 rejects for a legacy `.*` specifier (comments and options aside). */
export function legacyStarLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter((l) => l && !l.startsWith('-') && LEGACY_STAR.test(l));
}

/** `record` with the file's legacy `.*` lines as `requires_dist_invalid`, when it has any. */
export function withInvalid<T extends Omit<ReleaseRecord, 'version'>>(record: T, text: string): T {
  const invalid = legacyStarLines(text);
  return invalid.length ? { ...record, requires_dist_invalid: invalid } : record;
}

/** A release whose setup.py reads one requirements file with `pkg_resources.parse_requirements` as its install_requires
 *  (omegaconf, hydra-core): that file's lines, the whole Requires-Dist when setup.py names no extras; undefined when
 *  setup.py at the tag does not read it so. */
export function setupRequirementsFile(ctx: TagContext, file: string): Omit<ReleaseRecord, 'version'> | undefined {
  const setupPy = ctx.show('setup.py');
  if (!setupPy || !setupPy.includes(`Path("${file}")`) || !/install_requires\s*=\s*\[\s*str\(requirement\)\s*for requirement in pkg_resources\.parse_requirements\(/.test(setupPy)) return undefined;
  return requirementsFileRecord(ctx, setupPy, file, { whole: !/extras_require/.test(setupPy) });
}

/** The string literals of a setup.py's `install_requires=[...]` list, when it is one literal list; undefined else. */
export function installRequiresLiterals(setupPy: string): string[] | undefined {
  const lists = [...setupPy.matchAll(/install_requires\s*=\s*\[([^\]]*)\]/g)];
  if (lists.length !== 1 || /[^\s,'"]/.test(lists[0][1].replace(/(['"])(?:(?!\1).)*\1/g, '').replace(/#.*$/gm, ''))) return undefined;
  return [...lists[0][1].matchAll(/(['"])((?:(?!\1).)*)\1/g)].map((m) => m[2]);
}

/** A setup.py release read with readProject, and where its literal install_requires holds legacy `.*` lines that no
 *  PEP 508 reader takes (readProject then knows nothing of it), those lines as `requires_dist_invalid`, with its literal
 *  python_requires. */
export function readProjectOrInvalid(ctx: TagContext): Omit<ReleaseRecord, 'version'> | undefined {
  const record = readProject(ctx);
  if (record?.requires_dist) return record;
  const setupPy = ctx.show('setup.py');
  const literals = setupPy === undefined ? undefined : installRequiresLiterals(setupPy);
  const python = setupPy === undefined ? [] : pythonRequiresLiterals(setupPy);
  if (!literals || python.length > 1) return record;
  const read: Omit<ReleaseRecord, 'version'> = withInvalid({ requires_python: python[0] ?? '', source: record?.source ?? ctx.cite('setup.py') }, literals.join('\n'));
  return read.requires_dist_invalid ? read : record;
}
