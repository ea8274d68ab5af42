// Recognizing pip in a command (behind sudo, env, runners and wrappers) and reading its install arguments:
// requirements, indexes, -r/-c includes and local projects.

import { LineIndex } from '../../text';
import type { Finding, Include, LocalInstall, PackageIndex, Range, Requirement } from '../../types';
import { buildRequirement, syntaxFinding } from '../requirement';
import { clip } from '../../redact';
import { type ArgWord, subWord } from './words';

/** Everything a pip command line contributes to a manifest. */
export interface PipSink {
  path: string;
  index: LineIndex;
  requirements: Requirement[];
  findings: Finding[];
  indexes: PackageIndex[];
  includes: Include[];
  /** Local projects the commands install (`pip install .`); set on first use. */
  localInstalls?: LocalInstall[];
  /** Hands out block numbers; shared by every command and list of one file. */
  nextBlock(): number;
}

const SHELL_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'exec', 'command', 'builtin', 'nohup', 'noglob']);
const SUDO_VALUE_OPTIONS = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir', '--host', '--prompt']);
const ENV_VALUE_OPTIONS = new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']);
const RUNNER_VALUE_OPTIONS = new Set(['-n', '--name', '-p', '--prefix', '-e', '--env', '--cwd', '--python', '--with', '--project', '--directory', '--extra', '--group', '--env-file']);
const PYTHON_VALUE_OPTIONS = new Set(['-W', '-X', '--check-hash-based-pycs']);
const WRAPPER_VALUE_OPTIONS = new Set(['-n', '-c', '-I', '-P', '-L', '-d', '-a', '-s', '-E', '-i', '-o', '-e', '-k', '--signal']);
const WRAPPERS = new Set(['nice', 'ionice', 'stdbuf', 'xargs', 'timeout']);
const RUNNERS = new Set(['conda', 'mamba', 'micromamba', 'poetry', 'pipenv', 'pdm', 'hatch', 'uv', 'pixi', 'rye']);

/**
 * Options (of pip, `pip install`, `uv`, `uv pip install`) that take a value. Everything else starting with `-` is
 * a flag. A value-taking option we do not know would have its value read as a requirement; the list errs long.
 */
const VALUE_OPTIONS = new Set([
  '--requirement', '--constraint', '--editable', '--index-url', '--extra-index-url', '--find-links', '--target',
  '--platform', '--python-version', '--implementation', '--abi', '--root', '--prefix', '--src', '--upgrade-strategy',
  '--config-settings', '--config-setting', '--global-option', '--install-option', '--build-option', '--no-binary',
  '--only-binary', '--progress-bar', '--root-user-action', '--report', '--log', '--log-file', '--proxy', '--retries',
  '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--keyring-provider',
  '--use-feature', '--use-deprecated', '--python', '--group', '--resume-retries', '--format', '--build-dir',
  // uv
  '--override', '--overrides', '--build-constraint', '--build-constraints', '--index', '--default-index',
  '--index-strategy', '--torch-backend', '--prerelease', '--resolution', '--exclude-newer', '--exclude-newer-package',
  '--python-platform', '--reinstall-package', '--upgrade-package', '--link-mode', '--extra', '--no-build-package',
  '--no-binary-package', '--only-binary-package', '--no-build-isolation-package', '--refresh-package', '--color',
  '--directory', '--project', '--config-file', '--allow-insecure-host', '--python-preference', '--fork-strategy',
  '--config-settings-package', '--excludes', '--exclude', '--index-url-file',
]);
const SHORT_VALUE_OPTIONS = new Set(['r', 'c', 'e', 'i', 'f', 't', 'p', 'P', 'C', 'b']);
const SHORT_TO_LONG: Record<string, string> = {
  r: '--requirement', c: '--constraint', e: '--editable', i: '--index-url', f: '--find-links', t: '--target',
  p: '--python', P: '--upgrade-package', C: '--config-settings', b: '--build-constraint',
};
const LONG_ALIASES: Record<string, string> = { '--constraints': '--constraint', '--requirements': '--requirement' };

export function basename(value: string): string {
  const k = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'));
  return value.slice(k + 1);
}

/** Skips `-x`-style options of a prefix command; `valueOptions` consume the next word. */
function skipOptions(words: ArgWord[], k: number, valueOptions: Set<string>): number {
  while (k < words.length && words[k].value.startsWith('-') && words[k].value.length > 1) {
    const v = words[k].value;
    if (v === '--') return k + 1;
    k += valueOptions.has(v) ? 2 : 1;
  }
  return k;
}

export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

/** Strips what may stand before the real program: assignments, keywords, sudo, env, `conda run`... */
export function skipPrefixes(words: ArgWord[]): number {
  let k = 0;
  for (let guard = 0; guard < 64 && k < words.length; guard++) {
    const v = words[k].value;
    const name = basename(v);
    if (ASSIGNMENT.test(v)) k++;
    else if (SHELL_KEYWORDS.has(v)) k++;
    else if (name === 'sudo' || name === 'doas') k = skipOptions(words, k + 1, SUDO_VALUE_OPTIONS);
    else if (name === 'env') {
      k = skipOptions(words, k + 1, ENV_VALUE_OPTIONS);
      while (k < words.length && ASSIGNMENT.test(words[k].value)) k++;
    } else if (WRAPPERS.has(name)) {
      k = skipOptions(words, k + 1, WRAPPER_VALUE_OPTIONS);
      if (name === 'timeout' && k < words.length) k++; // the duration
    } else if (RUNNERS.has(name) && words[k + 1]?.value === 'run') {
      k = skipOptions(words, k + 2, RUNNER_VALUE_OPTIONS);
    } else break;
  }
  return k;
}

export const PIP_EXE = /^pip(?:[0-9]+(?:\.[0-9]+)?)?(?:\.exe)?$/i;
export const PYTHON_EXE = /^(?:python|py)(?:[0-9]+(?:\.[0-9]+)*)?[mtw]?(?:\.exe)?$/i;
const PIP_VARIABLE = /^"?\$\{?[A-Za-z0-9_]*pip[A-Za-z0-9_]*\}?"?$/i;

/** Index of the first argument after `install` when the command runs pip's (or uv's) install; else undefined. */
export function pipInstallArgsStart(words: ArgWord[]): number | undefined {
  let k = skipPrefixes(words);
  if (k >= words.length) return undefined;
  const exe = words[k];
  const name = basename(exe.value);
  if (PIP_EXE.test(name) || (exe.expansion && exe.value.length < 100 && PIP_VARIABLE.test(exe.value))) {
    k = skipOptions(words, k + 1, VALUE_OPTIONS);
  } else if (PYTHON_EXE.test(name) || exe.expansion) {
    k++;
    while (k < words.length && words[k].value.startsWith('-') && words[k].value !== '-m' && words[k].value !== '-mpip') {
      if (words[k].value === '-c' || words[k].value === '-') return undefined;
      k += PYTHON_VALUE_OPTIONS.has(words[k].value) ? 2 : 1;
    }
    if (words[k]?.value === '-mpip') k++;
    else if (words[k]?.value === '-m' && words[k + 1]?.value === 'pip') k += 2;
    else if (words[k]?.value === '-m' && words[k + 1]?.value === 'uv' && words[k + 2]?.value === 'pip') k += 3;
    else return undefined;
    k = skipOptions(words, k, VALUE_OPTIONS);
  } else if (name === 'uv' || name === 'uv.exe') {
    k = skipOptions(words, k + 1, VALUE_OPTIONS);
    if (words[k]?.value !== 'pip') return undefined;
    k = skipOptions(words, k + 1, VALUE_OPTIONS);
  } else return undefined;
  return words[k]?.value === 'install' ? k + 1 : undefined;
}

/** The range of a whole word's content. */
function wordRange(sink: PipSink, w: ArgWord): Range {
  return sink.index.range(w.toDoc(0), w.toDoc(w.value.length, 'end'));
}

export const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const DIRECT_REFERENCE = /^[\t ]*[A-Za-z0-9][A-Za-z0-9._-]*[\t ]*(?:\[[^\]]*\][\t ]*)?@/;
const ARCHIVE = /\.(?:whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip|egg)$/i;

/** Local paths, archives and bare URLs are not requirements we can check. */
function isLocalOrUrl(value: string): boolean {
  if (DIRECT_REFERENCE.test(value)) return false;
  const head = value.split(';')[0].trim();
  return head === '.' || head === '..' || /^[./~\\]/.test(head) || head.includes('/') || head.includes('\\') ||
    URL_SCHEME.test(head) || ARCHIVE.test(head) || /^[A-Za-z]:/.test(head);
}

/** Resolves `target` against the directory of `path` without node:path (core code runs in browsers too). */
export function resolveRelative(path: string, target: string): string | undefined {
  if (!target || /^[A-Za-z]:[\\/]/.test(target) || target.startsWith('~') || URL_SCHEME.test(target) || target.includes('$')) return undefined;
  const sep = path.includes('\\') && !path.includes('/') ? '\\' : '/';
  const dirEnd = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  // An absolute target only gets normalized (`/opt/app/../r.txt`).
  const base = target.startsWith('/') ? [''] : dirEnd >= 0 ? path.slice(0, dirEnd).split(/[\\/]/) : [];
  const out = base.slice();
  for (const part of target.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..' && out.length && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(part);
  }
  const joined = out.join(sep);
  return joined || (target.startsWith('/') ? '/' : '.');
}

export interface PipArgsContext {
  /** Resolves an include target, e.g. through a Dockerfile's COPY instructions. */
  resolveInclude?: (target: string) => string | undefined;
  /** Index variables in force for every later command: Dockerfile `ENV`/`ARG`, shell `export`/assignments
   *  (`ENV PIP_EXTRA_INDEX_URL=…`, `export UV_INDEX=…`), by variable name: the option and the value's word. */
  persistent?: Map<string, { option: string; value: ArgWord }>;
  /** Dockerfile build stage of the commands being read. */
  stage?: number;
}

/** What the words around the arguments tell about one pip command. */
export interface PipCommandExtras {
  /** Words before the program: `PIP_INDEX_URL=... pip install` assignments set the command's index. */
  prefix?: ArgWord[];
  /** Arguments glued to a shell redirection (see ShellCommand.glued). */
  glued?: Map<ArgWord, number>;
}

export const INDEX_VARIABLES: Record<string, string> = {
  PIP_INDEX_URL: '--index-url', PIP_EXTRA_INDEX_URL: '--extra-index-url', PIP_FIND_LINKS: '--find-links',
  UV_INDEX_URL: '--index-url', UV_DEFAULT_INDEX: '--default-index', UV_EXTRA_INDEX_URL: '--extra-index-url',
  UV_INDEX: '--index', UV_FIND_LINKS: '--find-links',
};

/** Reads the arguments of one `pip install` command (after `install`) into the sink. */
export function collectPipInstallArgs(words: ArgWord[], sink: PipSink, context: PipArgsContext = {}, extras: PipCommandExtras = {}): void {
  const block = sink.nextBlock();
  const scope = { kind: 'pip-install' as const, block, ...(context.stage !== undefined ? { stage: context.stage } : {}) };
  for (const { option, value } of context.persistent?.values() ?? []) applyOption(option, value, sink, block, context);
  for (const w of extras.prefix ?? []) {
    const eq = w.value.indexOf('=');
    const option = eq > 0 ? INDEX_VARIABLES[w.value.slice(0, eq)] : undefined;
    if (option) applyOption(option, subWord(w, eq + 1), sink, block, context);
  }
  let positionalOnly = false;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    const v = w.value;
    if (w.unterminated !== undefined) {
      sink.findings.push(syntaxFinding('script-syntax', 'This quote (or command substitution) is never closed, so the shell cannot run this command.', sink.index.range(w.unterminated, w.unterminated + 1), 'warning'));
      continue;
    }
    if (!positionalOnly && v === '--') {
      positionalOnly = true;
      continue;
    }
    if (!positionalOnly && v.startsWith('--')) {
      const eq = v.indexOf('=');
      const raw = eq === -1 ? v : v.slice(0, eq);
      const name = LONG_ALIASES[raw] ?? raw;
      if (name === '--no-index') sink.indexes.push({ kind: 'no-index', url: '', range: wordRange(sink, w), block });
      if (!VALUE_OPTIONS.has(name)) continue;
      const value = eq !== -1 ? subWord(w, eq + 1) : words[++k];
      if (value) applyOption(name, value, sink, block, context);
      continue;
    }
    if (!positionalOnly && v.startsWith('-') && v.length > 1) {
      // optparse-style clusters: `-qU`, `-rrequirements.txt`, `-r file`.
      for (let c = 1; c < v.length; c++) {
        if (!SHORT_VALUE_OPTIONS.has(v[c])) continue;
        const value = c + 1 < v.length ? subWord(w, c + 1) : words[++k];
        if (value) applyOption(SHORT_TO_LONG[v[c]], value, sink, block, context);
        break;
      }
      continue;
    }
    const requirement = addRequirement(w, sink, scope);
    const gluedEnd = extras.glued?.get(w);
    if (gluedEnd !== undefined) sink.findings.push(redirectFinding(w, gluedEnd, sink, requirement));
  }
}

/** `pip install torch>=2.0` unquoted: the shell reads `>` as a redirection, so the pin silently disappears. */
function redirectFinding(w: ArgWord, gluedEnd: number, sink: PipSink, requirement: Requirement | undefined): Finding {
  const raw = sink.index.text.slice(w.start, gluedEnd);
  const range = sink.index.range(w.start, gluedEnd);
  const quotable = raw.length < 500 && /^[A-Za-z0-9._\-[\],<>=!~*+ ]+$/.test(raw);
  return {
    code: 'shell-redirect',
    severity: 'error',
    message: `The shell reads "${raw.slice(w.end - w.start, w.end - w.start + 1)}" here as a redirection: this installs "${w.value}" without the version constraint and writes to a file. Quote the requirement.`,
    packages: requirement ? [requirement.normalizedName] : [],
    range,
    fixes: quotable ? [{ title: `Quote "${clip(raw)}"`, applicability: 'safe', edits: [{ path: sink.path, range, newText: `"${raw}"` }] }] : [],
  };
}

function applyOption(name: string, value: ArgWord, sink: PipSink, block: number, context: PipArgsContext): void {
  if (value.expansion || value.unterminated !== undefined) return;
  const range = wordRange(sink, value);
  switch (name) {
    case '--index-url':
    case '--default-index':
      sink.indexes.push({ kind: 'index-url', url: indexUrl(value.value), range, block });
      break;
    case '--extra-index-url':
    case '--index':
      sink.indexes.push({ kind: 'extra-index-url', url: indexUrl(value.value), range, block });
      break;
    case '--find-links':
      sink.indexes.push({ kind: 'find-links', url: value.value, range, block });
      break;
    case '--requirement':
    case '--constraint': {
      const kind = name === '--requirement' ? 'requirement' : 'constraint';
      const resolvedPath = context.resolveInclude ? context.resolveInclude(value.value) : resolveRelative(sink.path, value.value);
      const stage = context.stage !== undefined ? { stage: context.stage } : {};
      sink.includes.push(resolvedPath === undefined ? { kind, target: value.value, range, block, ...stage } : { kind, target: value.value, resolvedPath, range, block, ...stage });
      break;
    }
    case '--editable': {
      const head = value.value.trim();
      if (head && !URL_SCHEME.test(head) && !/^[A-Za-z][A-Za-z0-9+.-]*\+/.test(head)) {
        const resolvedPath = context.resolveInclude ? context.resolveInclude(head) : resolveRelative(sink.path, head);
        (sink.localInstalls ??= []).push({ target: head, ...(resolvedPath ? { resolvedPath } : {}), range, block });
      }
      break;
    }
    case '--torch-backend': {
      // uv picks the PyTorch index itself: `auto` any build, `cu121` that one.
      const backend = value.value.trim().toLowerCase();
      const url = backend === 'auto' ? 'https://download.pytorch.org/whl/' : `https://download.pytorch.org/whl/${backend}`;
      sink.indexes.push({ kind: backend === 'auto' ? 'find-links' : 'extra-index-url', url, range, block });
      break;
    }
    default:
      break;
  }
}

/** uv's `--index name=https://...` names its index; only the URL matters here. */
function indexUrl(value: string): string {
  const m = /^[A-Za-z0-9_.-]+=(?=[A-Za-z][A-Za-z0-9+.-]*:)/.exec(value);
  return m ? value.slice(m[0].length) : value;
}

function addRequirement(w: ArgWord, sink: PipSink, scope: { kind: 'pip-install'; block: number; stage?: number }): Requirement | undefined {
  const v = w.value;
  if (!v.trim() || v === '-' || w.expansion || w.glob) return undefined;
  if (isLocalOrUrl(v)) {
    // `pip install .`, `pip install -e ./app`: a local project, installed with this command's indexes.
    const head = v.split(';')[0].trim();
    if (!URL_SCHEME.test(head) && !ARCHIVE.test(head) && !/\.py$/.test(head)) {
      const resolvedPath = resolveRelative(sink.path, head);
      (sink.localInstalls ??= []).push({ target: head, ...(resolvedPath ? { resolvedPath } : {}), range: wordRange(sink, w), block: scope.block });
    }
    return undefined;
  }
  const { requirement, finding } = buildRequirement(v, w.toDoc, sink.index, scope, sink.path);
  if (requirement) sink.requirements.push(requirement);
  if (finding) sink.findings.push(finding);
  return requirement;
}
