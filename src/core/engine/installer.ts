// The installer of each environment (pip, uv, Poetry, PDM, Pipenv, conda), which indexes it reads, and how to give
// it an index. One place for the per-installer knowledge: an index fix is only a fix when the installer the project
// actually uses then finds the build (a [[tool.uv.index]] does nothing for `pip install .`).
import { dirName } from '../paths';
import type { Fix, LocalInstall, PackageIndex, ParsedManifest, Range, Requirement, TextEdit } from '../types';
import type { Environment, PinnedRequirement } from './environment';
import { appendArgument, replaceSpecifier } from './edits';
import { displayName } from './messages';

export type InstallerName = 'pip' | 'uv' | 'poetry' | 'pdm' | 'pipenv' | 'conda';

export interface Installer {
  name: InstallerName;
  /** Why: `uv.lock beside it`, `[tool.poetry]`, `a setuptools project, installed with pip`, `pip install line`. */
  evidence: string;
}

const DISPLAY: Record<InstallerName, string> = { pip: 'pip', uv: 'uv', poetry: 'Poetry', pdm: 'PDM', pipenv: 'Pipenv', conda: 'conda' };

export function installerName(installer: Installer): string {
  return DISPLAY[installer.name];
}

/**
 * The program and arguments that install `requirements` into the environment of the interpreter `executable`: pip
 * through that interpreter, or `uv pip install --python` where uv manages the project (uv's environments have no pip).
 * An argument list, never a shell string.
 */
export function installArgv(installer: string, executable: string, requirements: readonly string[]): [program: string, args: string[]] {
  return installer === 'uv' ? ['uv', ['pip', 'install', '--python', executable, ...requirements]] : [executable, ['-m', 'pip', 'install', ...requirements]];
}

/** The lock files that mark a pyproject's installer, in the order they are trusted. */
const LOCKS: [string, InstallerName][] = [['uv.lock', 'uv'], ['poetry.lock', 'poetry'], ['pdm.lock', 'pdm']];

/** Paths whose existence decides a manifest's installer (lock files beside a pyproject.toml). */
export function lockFileCandidates(manifest: ParsedManifest): string[] {
  if (manifest.kind !== 'pyproject') return [];
  const dir = dirName(manifest.path);
  return LOCKS.map(([name]) => (dir ? `${dir}/${name}` : name));
}

/**
 * The installer of a manifest's environments. pyproject.toml: a lock file beside it (uv.lock, poetry.lock,
 * pdm.lock), else its [tool.uv] / [tool.poetry] / [tool.pdm] table, else pip (a setuptools, hatch or flit project
 * is installed with `pip install .`). Requirement files, scripts and Python lists: pip (`uv pip install` reads the
 * same options). Pipfile: Pipenv. environment.yml: conda, whose `pip:` list pip installs.
 */
export function installerOf(manifest: ParsedManifest, lockFiles: ReadonlySet<string> = new Set()): Installer {
  switch (manifest.kind) {
    case 'pyproject': {
      const dir = dirName(manifest.path);
      for (const [name, installer] of LOCKS) {
        if (lockFiles.has(dir ? `${dir}/${name}` : name)) return { name: installer, evidence: `${name} beside it` };
      }
      const tools = (manifest as { tools?: string[] }).tools ?? [];
      for (const [table, installer] of [['uv', 'uv'], ['poetry', 'poetry'], ['pdm', 'pdm']] as const) {
        if (tools.includes(table)) return { name: installer, evidence: `[tool.${table}]` };
      }
      const backend = (manifest as { buildBackend?: string }).buildBackend;
      const kind = backend ? /^(setuptools|hatchling|flit_core|pdm\.backend|poetry\.core|maturin|scikit_build_core|mesonpy)/.exec(backend)?.[1] : undefined;
      return { name: 'pip', evidence: kind ? `a ${kind.replace(/_core$|\.core$|\.backend$/, '')} project ("pip install .")` : '"pip install ."' };
    }
    case 'pipfile':
      return { name: 'pipenv', evidence: 'Pipfile' };
    case 'conda':
      return { name: 'conda', evidence: 'conda environment file' };
    case 'script':
      return { name: 'pip', evidence: '"pip install" command' };
    case 'python':
      return { name: 'pip', evidence: 'pip run from Python' };
    default:
      return { name: 'pip', evidence: 'pip requirement file' };
  }
}

/** The indexes an installer reads: pip never reads [[tool.uv.index]], [[tool.poetry.source]] or [[tool.pdm.source]]. */
export function readsIndex(installer: Installer, index: PackageIndex): boolean {
  switch (index.kind) {
    case 'uv-index': return installer.name === 'uv';
    case 'poetry-source': return installer.name === 'poetry';
    case 'pdm-source': return installer.name === 'pdm';
    default: return true; // pip options (a pyproject has none; a Pipfile's [[source]] entries are Pipenv's)
  }
}

/**
 * An explicit index (uv `explicit = true`, Poetry `priority = "explicit"`) serves only the packages bound to it; so
 * does a Pipfile's second [[source]]: Pipenv searches the first source only, unless a package names another (`index =`).
 */
export function indexServesPin(index: PackageIndex, pin: PinnedRequirement, installer?: Installer): boolean {
  const bound = index.explicit || (installer?.name === 'pipenv' && pin.requirement.scope.kind.startsWith('pipfile') && index.kind === 'extra-index-url');
  return !bound || (index.name !== undefined && pin.requirement.source === index.name);
}

// ---- index fixes ----

export interface IndexFixContext {
  env: Environment;
  pin: PinnedRequirement;
  /** The index that serves the build (https://download.pytorch.org/whl/rocm5.7) and its label (rocm5.7). */
  url: string;
  label: string;
  manifest: ParsedManifest;
  text: string;
}

const PYPROJECT_SCOPES = new Set<Requirement['scope']['kind']>(['project', 'optional', 'group', 'uv-dev', 'poetry', 'poetry-group']);

/**
 * How to give this pin's installer the index, as a preferred fix. A pyproject installed with pip is not handled here
 * (pip reads no index from it: see publicVersionFix).
 */
export function indexFixes(c: IndexFixContext): Fix[] {
  const kind = c.pin.requirement.scope.kind;
  if (kind === 'requirements' || kind === 'constraint') return [requirementFileFix(c.pin.path, c.text, c.url)];
  if (kind === 'pip-install') return commandFix(c.manifest, c.text, c.pin.requirement.range, c.url, 'this pip install', c.pin.requirement.scope.block);
  if (kind === 'conda-pip') return condaPipFix(c);
  if (kind === 'pipfile' || kind === 'pipfile-dev') return pipenvFix(c);
  if (!PYPROJECT_SCOPES.has(kind)) return [];
  switch (c.env.installer.name) {
    case 'uv': return uvFix(c);
    case 'poetry': return poetryFix(c);
    case 'pdm': return pdmFix(c);
    default: return [];
  }
}

function eolOf(text: string): string {
  return /\r\n/.test(text) ? '\r\n' : '\n';
}

function insertAt(path: string, line: number, character: number, newText: string): TextEdit {
  return { path, range: { start: { line, character }, end: { line, character } }, newText };
}

/** A block of TOML appended at the end of the file, after one blank line. */
function appendTable(path: string, text: string, lines: string[]): TextEdit {
  const eol = eolOf(text);
  const all = text.split(/\r\n|\r|\n/);
  const last = all.length - 1;
  const trailing = all[last] === '' ? '' : eol;
  return insertAt(path, last, all[last].length, `${trailing}${eol}${lines.join(eol)}${eol}`);
}

function indexName(label: string): string {
  return `pytorch-${label}`;
}

/** pip requirement file: `--extra-index-url` on a line of its own at the top (pip reads options anywhere). */
export function requirementFileFix(path: string, text: string, url: string): Fix {
  return { title: `Add --extra-index-url ${url}`, applicability: 'safe', edits: [requirementFileEdit(path, text, url)] };
}

function requirementFileEdit(path: string, text: string, url: string): TextEdit {
  return insertAt(path, 0, 0, `--extra-index-url ${url}${eolOf(text)}`);
}

/** `pip install … --extra-index-url URL` on the command line; in Python, one more list element pair. */
function commandEdit(manifest: ParsedManifest, text: string, range: Range, url: string): TextEdit | undefined {
  if (manifest.kind === 'python') {
    const edit = appendArgument(manifest.path, text, { range }, '');
    return edit && { ...edit, newText: `, "--extra-index-url", "${url}"` };
  }
  return appendArgument(manifest.path, text, { range }, `--extra-index-url ${url}`);
}

/**
 * The end of one command's last argument we know (requirements, -r files, indexes, local projects of that block), so
 * every finding on the command adds the option at the same place, once, after everything else.
 */
function commandEnd(manifest: ParsedManifest, block: number | undefined, from: Range): Range {
  let end = from;
  const after = (a: Range['end'], b: Range['end']) => a.line > b.line || (a.line === b.line && a.character > b.character);
  if (block === undefined) return end;
  const items: { range: Range; block?: number }[] = [
    ...manifest.requirements.map((r) => ({ range: r.range, block: r.scope.block })), ...manifest.indexes, ...manifest.includes, ...(manifest.localInstalls ?? []),
  ];
  for (const item of items) if (item.block === block && after(item.range.end, end.end)) end = item.range;
  return end;
}

function commandFix(manifest: ParsedManifest, text: string, range: Range, url: string, where: string, block?: number): Fix[] {
  const edit = commandEdit(manifest, text, commandEnd(manifest, block, range), url);
  return edit ? [{ title: `Add --extra-index-url ${url} to ${where}`, applicability: 'safe', edits: [edit] }] : [];
}

/** environment.yml: the `pip:` list is a requirement file for pip, so the option goes in it, above the pin. */
function condaPipFix(c: IndexFixContext): Fix[] {
  const line = c.text.split(/\r\n|\r|\n/)[c.pin.requirement.range.start.line] ?? '';
  const m = /^(\s*-\s*)/.exec(line);
  if (!m) return [];
  return [{ title: `Add --extra-index-url ${c.url} to the pip list`, applicability: 'safe',
    edits: [insertAt(c.pin.path, c.pin.requirement.range.start.line, 0, `${m[1]}--extra-index-url ${c.url}${eolOf(c.text)}`)] }];
}

/** uv: an explicit [[tool.uv.index]] and the package bound to it in [tool.uv.sources]. */
/** The fix's index or source is there already (an earlier round of fixes, another package's fix): bind only. */
function hasNamedIndex(manifest: ParsedManifest, kind: PackageIndex['kind'], name: string): boolean {
  return manifest.indexes.some((i) => i.kind === kind && i.name === name);
}

function uvFix(c: IndexFixContext): Fix[] {
  const pkg = c.pin.requirement.normalizedName;
  const name = indexName(c.label);
  const index = hasNamedIndex(c.manifest, 'uv-index', name) ? [] : ['[[tool.uv.index]]', `name = "${name}"`, `url = "${c.url}"`, 'explicit = true'];
  const header = /^[ \t]*\[tool\.uv\.sources\][ \t]*(?:#.*)?$/m.exec(c.text);
  const edits: TextEdit[] = [];
  if (header) {
    // Add the package to the existing table (right under its header), and the index at the end.
    const line = c.text.slice(0, header.index).split(/\r\n|\r|\n/).length - 1;
    const eol = eolOf(c.text);
    if (new RegExp(`^[ \\t]*["']?${pkg}["']?[ \\t]*=`, 'm').test(c.text.slice(header.index))) return []; // already has a source
    edits.push(insertAt(c.pin.path, line + 1, 0, `${pkg} = { index = "${name}" }${eol}`));
    if (index.length) edits.push(appendTable(c.pin.path, c.text, index));
  } else {
    edits.push(appendTable(c.pin.path, c.text, [...index, ...(index.length ? [''] : []), '[tool.uv.sources]', `${pkg} = { index = "${name}" }`]));
  }
  return [{ title: `Add the ${c.label} index for uv ([[tool.uv.index]] and [tool.uv.sources])`, applicability: 'safe', edits }];
}

/**
 * Poetry: an explicit [[tool.poetry.source]] and `source =` on the dependency (in [tool.poetry.dependencies]; for a
 * [project] dependency, Poetry 2 reads the source from a [tool.poetry.dependencies] entry of the same name).
 */
function poetryFix(c: IndexFixContext): Fix[] {
  const name = indexName(c.label);
  const r = c.pin.requirement;
  const source = hasNamedIndex(c.manifest, 'poetry-source', name) ? [] : ['[[tool.poetry.source]]', `name = "${name}"`, `url = "${c.url}"`, 'priority = "explicit"'];
  const edits: TextEdit[] = [];
  const lines = c.text.split(/\r\n|\r|\n/);
  if (r.scope.kind === 'poetry' || r.scope.kind === 'poetry-group') {
    const line = lines[r.range.start.line] ?? '';
    const entry = line.slice(r.range.start.character);
    const spec = r.specifierRange;
    const inline = /^[^=]*=\s*\{/.exec(entry);
    if (inline) {
      edits.push(insertAt(c.pin.path, r.range.start.line, r.range.start.character + inline[0].length, ` source = "${name}",`));
    } else if (spec.start.line === spec.end.line && line[spec.start.character - 1] === '"' && line[spec.end.character] === '"') {
      const version = line.slice(spec.start.character, spec.end.character);
      edits.push({ path: c.pin.path, range: { start: { line: spec.start.line, character: spec.start.character - 1 }, end: { line: spec.end.line, character: spec.end.character + 1 } },
        newText: `{ version = "${version}", source = "${name}" }` });
    } else return [];
    if (source.length) edits.push(appendTable(c.pin.path, c.text, source));
  } else {
    const header = /^[ \t]*\[tool\.poetry\.dependencies\][ \t]*(?:#.*)?$/m.exec(c.text);
    if (header) {
      const line = c.text.slice(0, header.index).split(/\r\n|\r|\n/).length;
      if (new RegExp(`^[ \\t]*["']?${r.normalizedName}["']?[ \\t]*=`, 'm').test(c.text.slice(header.index))) return []; // an entry to edit by hand
      edits.push(insertAt(c.pin.path, line, 0, `${r.normalizedName} = { source = "${name}" }${eolOf(c.text)}`));
      if (source.length) edits.push(appendTable(c.pin.path, c.text, source));
    } else {
      edits.push(appendTable(c.pin.path, c.text, [...source, ...(source.length ? [''] : []), '[tool.poetry.dependencies]', `${r.normalizedName} = { source = "${name}" }`]));
    }
  }
  return [{ title: `Add the ${c.label} source for Poetry ([[tool.poetry.source]], priority "explicit", and source = "${name}" on ${displayName(r.normalizedName)})`, applicability: 'safe', edits }];
}

/** PDM: a [[tool.pdm.source]] that only the PyTorch packages are taken from (include_packages). */
function pdmFix(c: IndexFixContext): Fix[] {
  const name = indexName(c.label);
  if (hasNamedIndex(c.manifest, 'pdm-source', name)) return [];
  const pkgs = ['torch', 'torchvision', 'torchaudio'];
  return [{ title: `Add the ${c.label} source for PDM ([[tool.pdm.source]] with include_packages)`, applicability: 'safe',
    edits: [appendTable(c.pin.path, c.text, ['[[tool.pdm.source]]', `name = "${name}"`, `url = "${c.url}"`, 'verify_ssl = true',
      `include_packages = [${pkgs.map((p) => `"${p}"`).join(', ')}]`])] }];
}

/** Pipenv: a [[source]] and `index =` on the package (Pipenv takes a package from another source only when named). */
function pipenvFix(c: IndexFixContext): Fix[] {
  const name = indexName(c.label);
  const r = c.pin.requirement;
  const lines = c.text.split(/\r\n|\r|\n/);
  const line = lines[r.range.start.line] ?? '';
  const spec = r.specifierRange;
  const entry = line.slice(r.range.start.character);
  const edits: TextEdit[] = [];
  const inline = /^[^=]*=\s*\{/.exec(entry);
  if (inline) {
    edits.push(insertAt(c.pin.path, r.range.start.line, r.range.start.character + inline[0].length, ` index = "${name}",`));
  } else if (spec.start.line === spec.end.line && line[spec.start.character - 1] === '"' && line[spec.end.character] === '"') {
    const version = line.slice(spec.start.character, spec.end.character);
    edits.push({ path: c.pin.path, range: { start: { line: spec.start.line, character: spec.start.character - 1 }, end: { line: spec.end.line, character: spec.end.character + 1 } },
      newText: `{ version = "${version}", index = "${name}" }` });
  } else return [];
  if (c.manifest.indexes.some((i) => i.name === name)) return [{ title: `Take ${displayName(r.normalizedName)} from the ${c.label} index (index = "${name}")`, applicability: 'safe', edits }];
  // [[source]] tables go before the first other table, so they stay together at the top.
  const first = lines.findIndex((l) => /^\s*\[(?!\[source\]\])/.test(l));
  const eol = eolOf(c.text);
  const block = `[[source]]${eol}name = "${name}"${eol}url = "${c.url}"${eol}verify_ssl = true${eol}${eol}`;
  edits.push(first >= 0 ? insertAt(c.pin.path, first, 0, block) : appendTable(c.pin.path, c.text, block.trimEnd().split(eol)));
  return [{ title: `Add the ${c.label} index for Pipenv ([[source]] and index = "${name}")`, applicability: 'safe', edits }];
}

// ---- a pyproject installed with pip ----

/** Where a project folder is installed: `pip install .` in a script, `-e .` in a requirement file. */
export interface ProjectInstall {
  manifest: ParsedManifest;
  install: LocalInstall;
  /** The indexes that install reads. */
  indexes: PackageIndex[];
}

export function projectInstalls(manifests: Iterable<ParsedManifest>, projectDir: string): ProjectInstall[] {
  const out: ProjectInstall[] = [];
  for (const m of manifests) {
    for (const install of m.localInstalls ?? []) {
      if (install.resolvedPath === undefined || stripSlash(install.resolvedPath) !== stripSlash(projectDir)) continue;
      const indexes = m.indexes.filter((i) => i.block === undefined || i.block === install.block);
      out.push({ manifest: m, install, indexes });
    }
  }
  return out;
}

/** The edit that gives one project install the index: on its command line, or in its requirement file. */
export function projectInstallEdit(p: ProjectInstall, text: string, url: string): TextEdit | undefined {
  if (p.manifest.kind === 'requirements') return requirementFileEdit(p.manifest.path, text, url);
  if (p.manifest.kind === 'script' || p.manifest.kind === 'python') return commandEdit(p.manifest, text, commandEnd(p.manifest, p.install.block, p.install.range), url);
  return undefined;
}

/**
 * pip reads no index from pyproject.toml. PEP 440 matches `==2.2.0` (no local label) against `2.2.0+rocm5.7`, so the
 * public version keeps the build wherever the project is installed from the index, and the index itself belongs to
 * that install (the requirement file or script). Extra edits give it to installs of the project that lack it.
 */
export function publicVersionFix(pin: PinnedRequirement, version: string, label: string, url: string, text: string | undefined,
  installEdits: { edit: TextEdit; where: string }[]): Fix {
  const pkg = displayName(pin.requirement.normalizedName);
  const also = installEdits.length ? ` and add --extra-index-url ${url} to ${installEdits.map((e) => e.where).join(', ')}` : '';
  return {
    title: `Pin ${pkg}==${version} (the public version: pip takes the ${label} build from the index that installs it)${also}`,
    applicability: 'safe',
    edits: [replaceSpecifier(pin.path, pin.requirement, `==${version}`, text), ...installEdits.map((e) => e.edit)],
  };
}

function stripSlash(p: string): string {
  return p.replace(/\/+$/, '') || '/';
}

