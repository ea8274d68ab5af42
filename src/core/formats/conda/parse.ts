// conda environment.yml: `dependencies` match specs and the `pip:` sub-list, with exact ranges.
//
// Conda match specs (`[channel[/subdir]::]name[ version[ build]]`, `name=ver=build`, `name[version=...]`) become
// Requirements with scope `conda`. Versions are translated to PEP 440 the way conda reads them:
//   `=1.26` (no build)  -> `==1.26.*`   (conda turns it into the fuzzy `1.26*`)
//   `==1.26`, `1.26`    -> `==1.26`     `1.26*`, `1.26.*` -> `==1.26.*`
//   `=2.2.0=<build>`    -> `==2.2.0`    (with a build string, `=` is exact; the build itself is not kept)
//   `>=1.24,<2`         -> as written   `*` -> unconstrained
// A conda `|` union, or a version PEP 440 cannot express (`1.1.1w`), leaves `specifier` '' (unconstrained) with the
// conda text in `originalSpecifier`. The channel prefix becomes `source`.
// Names keep their conda spelling in `name`; `normalizedName` uses the PyPI name where conda's differs and the
// package is the same code: pytorch / pytorch-cpu / pytorch-gpu -> torch, matplotlib-base -> matplotlib,
// py-opencv -> opencv-python. `python` is not a requirement: it sets `requiresPython`.
// `pip:` entries are pip requirement-file lines (conda writes them to a temporary requirements file): PEP 508
// strings (scope `conda-pip`), index options (-> indexes) and `-r`/`-c` (-> includes). `-e` lines are skipped.
// URL match specs (`https://.../pkg.tar.bz2`) are skipped.

import { parseDocument, isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, Scalar } from 'yaml';
import type { Include, IndexKind, PackageIndex, ParsedManifest, Range, Requirement } from '../../types';
import { LineIndex, normalizeName } from '../../text';
import { parseSpecifierSet } from '../../pep440';
import { buildRequirement, syntaxFinding, type ValueToDoc } from '../requirement';

const CONDA_TO_PYPI: Record<string, string> = {
  pytorch: 'torch',
  'pytorch-cpu': 'torch',
  'pytorch-gpu': 'torch',
  'matplotlib-base': 'matplotlib',
  'py-opencv': 'opencv-python',
};

interface Span {
  start: number;
  end: number;
}

/** A conda match spec split into its parts, with spans in the spec string. */
export interface CondaMatchSpec {
  channel?: string;
  name: string;
  nameSpan: Span;
  /** The version part as written (`=1.26`, `>=1.24,<2`), without the build. */
  version?: string;
  versionSpan?: Span;
  build?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.\-]*$/;
// conda's `_parse_version_plus_build`: the build is a last word after a space or `=` that no operator precedes.
const VERSION_PLUS_BUILD = /^((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^\-=,|<>~]+?))?$/;

function trimSpan(s: string, span: Span): Span {
  const part = s.slice(span.start, span.end);
  const start = span.start + (part.length - part.trimStart().length);
  return { start, end: Math.max(start, span.start + part.trimEnd().length) };
}

/** `[version='>=1', build=py3*]` bracket options of a match spec, with value spans. */
function bracketOptions(s: string, open: number, close: number): Map<string, Span> {
  const options = new Map<string, Span>();
  const re = /([A-Za-z_]+)\s*=\s*(?:'([^']*)'|"([^"]*)"|([^,\]]*))/g;
  const body = s.slice(open + 1, close);
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    const quoted = m[2] !== undefined || m[3] !== undefined ? 1 : 0;
    const start = open + 1 + m.index + m[0].length - value.length - quoted;
    options.set(m[1].toLowerCase(), trimSpan(s, { start, end: start + value.length }));
  }
  return options;
}

/** Splits a match spec; undefined when it is not one (the caller reports it). */
export function parseCondaMatchSpec(spec: string): CondaMatchSpec | undefined {
  // conda drops a `#` comment first.
  let end = spec.indexOf('#') < 0 ? spec.length : spec.indexOf('#');
  let { start } = trimSpan(spec, { start: 0, end });
  end = trimSpan(spec, { start, end }).end;
  let channel: string | undefined;
  const sep = spec.indexOf('::', start);
  if (sep >= 0 && sep + 2 <= end) {
    channel = spec.slice(start, sep).trim();
    start = sep + 2;
  }
  let bracket: Map<string, Span> | undefined;
  const open = spec.indexOf('[', start);
  if (open >= 0 && open < end) {
    const close = spec.lastIndexOf(']', end - 1);
    if (close < open || spec.slice(close + 1, end).trim() !== '') return undefined;
    bracket = bracketOptions(spec, open, close);
    end = trimSpan(spec, { start, end: open }).end;
  }
  const nameMatch = /^[^\s=<>!~]+/.exec(spec.slice(start, end));
  if (!nameMatch || !NAME.test(nameMatch[0])) return undefined;
  const nameSpan = { start, end: start + nameMatch[0].length };
  const result: CondaMatchSpec = { name: nameMatch[0], nameSpan, ...(channel ? { channel } : {}) };
  const rest = trimSpan(spec, { start: nameSpan.end, end });
  const versionSpan = bracket?.get('version') ?? (rest.end > rest.start ? rest : undefined);
  if (versionSpan) {
    const written = spec.slice(versionSpan.start, versionSpan.end);
    const split = bracket ? undefined : VERSION_PLUS_BUILD.exec(written);
    const version = split ? split[1].trimEnd() : written;
    result.version = version;
    result.versionSpan = { start: versionSpan.start, end: versionSpan.start + version.length };
    const buildSpan = bracket?.get('build');
    const build = split?.[2] ?? (buildSpan && spec.slice(buildSpan.start, buildSpan.end));
    if (build) result.build = build;
  }
  return result;
}

/** One conda version clause (`>=1.2`, `1.2*`, `=1.2`) in PEP 440; `fuzzy` says whether `=V` means `V*`. */
function clauseToPep440(clause: string, fuzzy: boolean): string {
  const m = /^(~=|==|!=|<=|>=|<|>|=)?\s*(.*)$/.exec(clause.trim())!;
  const op = m[1] ?? '';
  const star = /\.?\*$/.test(m[2]);
  const bare = m[2].replace(/\.?\*$/, '');
  if (op === '' || op === '==' || op === '=') {
    if (bare === '') return '';
    return star || (op === '=' && fuzzy) ? `==${bare}.*` : `==${bare}`;
  }
  if (op === '!=') return star ? `!=${bare}.*` : `!=${bare}`;
  return `${op}${bare}`; // conda's `>=1.2*` is `>=1.2`
}

/** conda version spec -> PEP 440 specifier set, or undefined when PEP 440 cannot say it. */
export function condaVersionToPep440(version: string, hasBuild: boolean): string | undefined {
  const v = version.trim();
  if (v.includes('|')) return undefined;
  const clauses = v.split(',');
  // conda reads `=1.2` as `1.2*`, except a lone `=1.2` followed by a build string, which is exact.
  const fuzzy = !(hasBuild && clauses.length === 1);
  const specifier = clauses.map((c) => clauseToPep440(c, fuzzy)).filter(Boolean).join(',');
  return parseSpecifierSet(specifier) ? specifier : undefined;
}

// ---- YAML plumbing -----------------------------------------------------------------------------------------------

/**
 * Maps offsets in a scalar's string value to the document: exact for plain scalars and for quoted ones without
 * escapes. With escapes or folded lines the value no longer lines up with its source, so offsets are clamped
 * into the scalar rather than guessed.
 */
function scalarValueToDoc(node: Scalar): ValueToDoc {
  const [start, valueEnd] = node.range ?? [0, 0];
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  const base = start + quoted;
  const limit = Math.max(base, valueEnd - quoted);
  return (i) => Math.max(base, Math.min(base + Math.trunc(i), limit));
}

function stringScalar(node: unknown): (Scalar & { value: string }) | undefined {
  return isScalar(node) && typeof node.value === 'string' ? (node as Scalar & { value: string }) : undefined;
}

function yamlErrorMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

function directoryOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? '' : path.slice(0, cut + 1);
}

/** Deeper nesting than any real environment file; well below where the yaml package runs out of stack. */
export const MAX_YAML_NESTING = 200;

/** End of a quoted scalar starting at `at` (closing quote included); the end of the text when unterminated. */
function skipYamlQuoted(text: string, at: number): number {
  const quote = text[at];
  for (let i = at + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return text.length;
}

/** Compact block entries at a line start (`- - - x`, `? `, `: `): each one nests a level without indentation. */
function compactIndicators(text: string, at: number): { count: number; end: number } {
  let j = at;
  let count = 0;
  while ('-?:'.includes(text[j] ?? 'x') && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
    j += 2;
    count++;
    while (text[j] === ' ' || text[j] === '\t') j++;
  }
  return { count, end: j };
}

/**
 * Offset where an estimate of the nesting depth (indentation + compact entries + open flow collections) first
 * passes `limit`, or -1. The yaml package turns a stack overflow into an error, but only after running out of
 * stack, and V8 can then die outright compiling a regular expression, so such input is refused before parsing.
 * The estimate only overcounts (indentation columns, brackets in block scalars), which real files never notice.
 */
export function yamlNestingTooDeep(text: string, limit = MAX_YAML_NESTING): number {
  let flow = 0;
  let block = 0;
  let prev = '\n';
  for (let i = 0; i < text.length;) {
    if (prev === '\n') {
      let j = i;
      while (text[j] === ' ') j++;
      const compact = compactIndicators(text, j);
      block = j - i + compact.count;
      if (block + flow > limit) return compact.end;
      i = compact.end;
      prev = ' ';
      continue;
    }
    const c = text[i];
    if (c === '\n' || c === '\r') {
      prev = '\n';
      i++;
    } else if (c === '#' && (prev === ' ' || prev === '\t')) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if ((c === '"' || c === "'") && ' \t[{,:'.includes(prev)) {
      i = skipYamlQuoted(text, i);
      prev = c;
    } else {
      if (c === '[' || c === '{') {
        if (block + ++flow > limit) return i;
      } else if (c === ']' || c === '}') flow = Math.max(0, flow - 1);
      prev = c;
      i++;
    }
  }
  return -1;
}

// ---- Reading -----------------------------------------------------------------------------------------------------

class CondaReader {
  readonly index: LineIndex;
  readonly manifest: ParsedManifest;

  constructor(readonly path: string, readonly text: string) {
    this.index = new LineIndex(text);
    this.manifest = { path, kind: 'conda', requirements: [], findings: [], indexes: [], includes: [] };
  }

  nodeRange(node: YamlNode | null | undefined): Range {
    const [start, end] = node?.range ?? [0, 0];
    return this.index.range(start, end);
  }

  schema(message: string, node: YamlNode | null | undefined): void {
    this.manifest.findings.push(syntaxFinding('conda-schema', message, this.nodeRange(node), 'warning'));
  }

  spanRange(span: Span, map: ValueToDoc): Range {
    const start = map(span.start, 'start');
    return this.index.range(start, Math.max(start, map(span.end, 'end')));
  }

  condaDependency(node: Scalar & { value: string }): void {
    const value = node.value;
    const map = scalarValueToDoc(node);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim())) return; // URL match spec: skipped (see file comment)
    const spec = parseCondaMatchSpec(value);
    if (!spec) {
      const range = this.spanRange(trimSpan(value, { start: 0, end: value.length }), map);
      this.manifest.findings.push(syntaxFinding('requirement-syntax',
        `Invalid conda match spec "${value.trim()}": expected [channel::]name[ version[ build]].`, range));
      return;
    }
    const written = spec.version?.trim() ?? '';
    const specifier = written ? condaVersionToPep440(written, spec.build !== undefined) : '';
    const nameRange = this.spanRange(spec.nameSpan, map);
    const specifierRange = spec.versionSpan ? this.spanRange(spec.versionSpan, map) : { start: nameRange.end, end: nameRange.end };
    if (spec.name.toLowerCase() === 'python') {
      if (specifier) this.manifest.requiresPython = { specifier, range: specifierRange };
      return;
    }
    const lower = spec.name.toLowerCase();
    const requirement: Requirement = {
      name: spec.name,
      normalizedName: normalizeName(CONDA_TO_PYPI[lower] ?? lower),
      extras: [],
      specifier: specifier ?? '',
      text: value,
      range: this.spanRange(trimSpan(value, { start: 0, end: value.length }), map),
      nameRange,
      specifierRange,
      scope: { kind: 'conda', table: 'dependencies' },
    };
    if (written && requirement.specifier !== written) requirement.originalSpecifier = written;
    if (spec.channel) requirement.source = spec.channel;
    this.manifest.requirements.push(requirement);
  }

  /** One `pip:` entry: a requirement-file line. */
  pipEntry(node: Scalar & { value: string }): void {
    const value = node.value;
    const map = scalarValueToDoc(node);
    // pip strips a comment that starts the line or follows whitespace.
    const comment = /(^|\s)#/.exec(value);
    const line = comment ? value.slice(0, comment.index) : value;
    if (line.trim() === '') return;
    if (line.trimStart().startsWith('-')) {
      this.pipOption(line, map);
      return;
    }
    // Per-requirement options (`--hash=...`) follow the requirement after whitespace.
    const option = /\s--?[A-Za-z]/.exec(line);
    const requirementText = option ? line.slice(0, option.index) : line;
    const lead = requirementText.length - requirementText.trimStart().length;
    const trimmed = requirementText.trim();
    // conda hands this list to `pip install -r`: URLs, VCS links and local paths are valid there, and name nothing
    // we can check (`name @ url` still is a requirement).
    if (isUrlOrPath(trimmed)) return;
    const { requirement, finding } = buildRequirement(trimmed, (i, bias) => map(lead + i, bias), this.index,
      { kind: 'conda-pip', table: 'dependencies.pip' }, this.path);
    if (requirement) this.manifest.requirements.push(requirement);
    if (finding) this.manifest.findings.push(finding);
  }

  pipOption(line: string, map: ValueToDoc): void {
    const m = /^(\s*)(--[a-z-]+|-[a-z])(?:\s*=\s*|\s+)?(.*)$/i.exec(line);
    if (!m) return;
    const [, lead, flag, argument] = m;
    const arg = argument.trim();
    const argStart = line.length - argument.length + (argument.length - argument.trimStart().length);
    const argRange = this.spanRange({ start: argStart, end: argStart + arg.length }, map);
    const indexKinds: Record<string, IndexKind> = {
      '--index-url': 'index-url', '-i': 'index-url', '--extra-index-url': 'extra-index-url',
      '--find-links': 'find-links', '-f': 'find-links',
    };
    if (Object.hasOwn(indexKinds, flag) && arg) {
      const entry: PackageIndex = { kind: indexKinds[flag], url: arg, range: argRange };
      this.manifest.indexes.push(entry);
    } else if (flag === '--no-index') {
      const at = lead.length;
      this.manifest.indexes.push({ kind: 'no-index', url: '', range: this.spanRange({ start: at, end: at + flag.length }, map) });
    } else if (['-r', '--requirement', '-c', '--constraint'].includes(flag) && arg) {
      const include: Include = {
        kind: flag === '-c' || flag === '--constraint' ? 'constraint' : 'requirement',
        target: arg,
        resolvedPath: /^([a-zA-Z]:)?[\\/]/.test(arg) ? arg : directoryOf(this.path) + arg.replace(/^\.[\\/]/, ''),
        range: argRange,
      };
      this.manifest.includes.push(include);
    }
  }

  pipList(item: YamlNode, value: unknown): void {
    if (!isSeq(value)) {
      this.schema('"pip:" must be a list of pip requirement lines.', (value as YamlNode | null) ?? item);
      return;
    }
    for (const entry of value.items) {
      const scalar = stringScalar(entry);
      if (scalar) this.pipEntry(scalar);
      else this.schema('Each "pip:" entry must be a requirement string.', entry as YamlNode);
    }
  }

  dependencies(node: unknown, key: YamlNode): void {
    if (!isSeq(node)) {
      this.schema('"dependencies" must be a list of conda match specs.', (node as YamlNode | null) ?? key);
      return;
    }
    for (const item of node.items) {
      const scalar = stringScalar(item);
      if (scalar) {
        this.condaDependency(scalar);
        continue;
      }
      const pip = isMap(item) && item.items.length === 1 ? item.items[0] : undefined;
      if (pip && isScalar(pip.key) && pip.key.value === 'pip') {
        this.pipList(item as YamlNode, pip.value);
        continue;
      }
      this.schema('Each dependency must be a conda match spec string or a "pip:" list.', item as YamlNode);
    }
  }
}

/** Reads a conda environment.yml. Never throws; YAML errors are `yaml-syntax` findings and nothing else. */
export function parseCondaEnvironment(path: string, text: string): ParsedManifest {
  const r = new CondaReader(path, text);
  const deep = yamlNestingTooDeep(text);
  if (deep >= 0) {
    r.manifest.findings.push(syntaxFinding('yaml-syntax',
      `Invalid YAML: nesting is too deep (more than ${MAX_YAML_NESTING} levels)`, textRange(r.index, text, deep, deep + 1)));
    return r.manifest;
  }
  try {
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        r.manifest.findings.push(syntaxFinding('yaml-syntax', `Invalid YAML: ${yamlErrorMessage(e.message)}`,
          textRange(r.index, text, e.pos[0], e.pos[1])));
      }
      return r.manifest;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) return r.manifest;
    if (!isMap(root)) {
      r.schema('An environment file must be a mapping with "dependencies:".', root);
      return r.manifest;
    }
    const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'dependencies');
    if (pair) r.dependencies(pair.value, pair.key as YamlNode);
  } catch (e) {
    const message = e instanceof RangeError ? 'nesting is too deep to read' : String(e);
    r.manifest.findings = [syntaxFinding('yaml-syntax', `Invalid YAML: ${message}`, r.index.range(0, 0))];
  }
  return r.manifest;
}

/** A range that never ends (or starts) between the `\r` and the `\n` of a CRLF line end, i.e. past the line's text. */
function textRange(index: CondaReader['index'], text: string, start: number, end: number) {
  const inCrlf = (i: number) => i > 0 && text.charCodeAt(i - 1) === 13 && text.charCodeAt(i) === 10;
  const s = Math.min(Math.max(0, start), text.length);
  let e = Math.min(Math.max(s, end), text.length);
  if (inCrlf(e)) e--;
  return index.range(inCrlf(s) ? s - 1 : s, Math.max(inCrlf(s) ? s - 1 : s, e));
}

/** A bare URL (`git+https://…`, `https://…whl`, `file:///…`) or a local path (`.`, `./vendor/pkg`, `../x.whl`). */
function isUrlOrPath(entry: string): boolean {
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(entry)) return false; // name @ url
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(entry) || /^(\.{1,2}([\\/]|$)|[\\/~])/.test(entry) || /\.(whl|tar\.gz|zip)$/i.test(entry);
}
