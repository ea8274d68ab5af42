// pyproject.toml: PEP 621 / 735 / 518 requirement lists, Poetry and uv tables, and [tool.ml-pins], with exact ranges.
//
// The TOML AST (toml-eslint-parser) is first folded into a logical tree of tables, so `[project]` headers, dotted
// keys (`project.dependencies = [...]`), inline tables and sub-table headers (`[tool.poetry.dependencies.torch]`)
// all look the same to the readers below. Every leaf keeps its AST node for ranges.
//
// Decisions worth knowing:
// - Poetry constraints go through `poetryToPep440`. A single alternative becomes `specifier`; an `||` union with
//   several alternatives has no PEP 440 equivalent, so `specifier` is '' (unconstrained: rules stay silent rather
//   than judge one branch) and `originalSpecifier` keeps the union. A dependency's `python = "..."` becomes a
//   `python_version` / `python_full_version` marker, joined to `markers` with `and`.
// - `[tool.uv.sources]` entries are all kept in `uvSources`. A requirement of the project, an extra, a dependency
//   group or uv's dev-dependencies gets `source` = the index name when the entries that apply to it (by `extra` /
//   `group`) name exactly one index; marker-split entries naming different indexes leave `source` unset.
// - `requires-python` from [project] wins over Poetry's `python` dependency.
// - [tool.pixi] is read by the pixi format's own reader (../pixi/parse.ts, readPixiTables): its PyPI dependencies,
//   per-platform and per-feature tables and [tool.pixi.pypi-options], as in a pixi.toml.

import { getStaticTOMLValue } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import type { ParsedManifest, Range, Requirement, RequirementScope } from '../../types';
import { normalizeName } from '../../text';
import { markerTextHolds } from '../../pep508';
import { PLATFORM_MARKERS, PLATFORMS } from '../../settings';
import { poetryToPep440 } from './poetry';
import { readPixiTables } from '../pixi/parse';
import { buildRequirement, syntaxFinding } from '../requirement';
import { parseTomlText, tomlValueToDoc } from '../toml/strings';
import { errorRange, TomlReader } from '../toml/reader';
import { buildTree, child, inlineTableView, isString, keyName, tablesOf, toView, viewOffsets, type Entry, type KeyPart, type TableView } from '../toml/tree';

/** One entry of `[tool.uv.sources]`; a package with a list of entries gives one per element. */
export interface UvSource {
  /** The package key as written. */
  package: string;
  normalizedName: string;
  index?: string;
  url?: string;
  git?: string;
  path?: string;
  workspace?: boolean;
  marker?: string;
  /** Restricts the entry to one extra / dependency group of the project. */
  extra?: string;
  group?: string;
  nameRange: Range;
  /** The entry's table (the inline table, or the list element). */
  range: Range;
  /** Inside of the `index = "..."` string, when there is one. */
  indexRange?: Range;
}

export interface PyprojectManifest extends ParsedManifest {
  /** PEP 735 `{include-group = "x"}` entries; `range` is the inside of the group name string. */
  groupIncludes: { group: string; include: string; range: Range }[];
  uvSources: UvSource[];
  /** The tables under [tool] (`uv`, `poetry`, `pdm`, `setuptools`, ...): they tell which installer the project uses. */
  tools: string[];
  /** `[build-system] build-backend`, e.g. `setuptools.build_meta`. */
  buildBackend?: string;
}

// ---- Reading context ---------------------------------------------------------------------------------------------

class Reader extends TomlReader {
  readonly groupIncludes: PyprojectManifest['groupIncludes'] = [];
  readonly uvSources: UvSource[] = [];
  readonly tools: string[] = [];
  buildBackend?: string;
  toolConfig?: { value: unknown; range: Range };

  constructor(path: string, text: string) {
    super(path, text, 'pyproject-schema');
  }

  /** Reads one PEP 508 string value in place. */
  requirementString(node: AST.TOMLStringValue, scope: RequirementScope): Requirement | undefined {
    const { requirement, finding } = buildRequirement(
      node.value, tomlValueToDoc(this.text, node), this.index, scope, this.path);
    if (finding) this.findings.push(finding);
    if (requirement) this.requirements.push(requirement);
    return requirement;
  }

  /** `key = ["pep508", ...]`: anything else is a schema warning, and reading goes on with the next element. */
  requirementArray(entry: Entry | undefined, label: string, scope: RequirementScope): void {
    if (!entry) return;
    if (entry.value.type !== 'TOMLArray') {
      this.schema(`"${label}" must be an array of PEP 508 requirement strings.`, entry.value);
      return;
    }
    for (const element of entry.value.elements) {
      if (isString(element)) this.requirementString(element, scope);
      else this.schema(`Each entry of "${label}" must be a PEP 508 requirement string.`, toView(element));
    }
  }
}

// ---- [project], [dependency-groups], [build-system] --------------------------------------------------------------

function readProject(r: Reader, root: TableView): void {
  const project = r.table(child(root, 'project'), 'project');
  if (!project) return;
  r.requirementArray(child(project, 'dependencies'), 'project.dependencies', { kind: 'project', table: 'project' });
  const optional = r.table(child(project, 'optional-dependencies'), 'project.optional-dependencies');
  for (const [extra, entry] of optional?.entries ?? []) {
    r.requirementArray(entry, `project.optional-dependencies.${extra}`,
      { kind: 'optional', name: extra, table: 'project.optional-dependencies' });
  }
  const requiresPython = r.stringField(project, 'requires-python', 'project');
  if (requiresPython) r.requiresPython = { specifier: requiresPython.value.trim(), range: r.insideRange(requiresPython) };
}

function readDependencyGroups(r: Reader, root: TableView): void {
  const groups = r.table(child(root, 'dependency-groups'), 'dependency-groups');
  for (const [group, entry] of groups?.entries ?? []) {
    const label = `dependency-groups.${group}`;
    if (entry.value.type !== 'TOMLArray') {
      r.schema(`"${label}" must be an array of requirement strings and {include-group = "..."} tables.`, entry.value);
      continue;
    }
    for (const element of entry.value.elements) {
      if (isString(element)) {
        r.requirementString(element, { kind: 'group', name: group, table: 'dependency-groups' });
        continue;
      }
      const include = element.type === 'TOMLInlineTable' ? inlineTableView(element) : undefined;
      const target = include && include.entries.size === 1 ? child(include, 'include-group')?.value : undefined;
      if (isString(target)) {
        r.groupIncludes.push({ group, include: target.value, range: r.insideRange(target) });
      } else {
        r.schema(`Each entry of "${label}" must be a requirement string or {include-group = "..."}.`, toView(element));
      }
    }
  }
}

function readBuildSystem(r: Reader, root: TableView): void {
  const build = r.table(child(root, 'build-system'), 'build-system');
  if (build) r.requirementArray(child(build, 'requires'), 'build-system.requires', { kind: 'build', table: 'build-system' });
  const backend = child(build, 'build-backend')?.value;
  if (backend && isString(backend)) r.buildBackend = backend.value;
}

// ---- [tool.poetry] -----------------------------------------------------------------------------------------------

/** PEP 440 clauses of a python constraint as a marker; >2 release parts need python_full_version to compare right. */
function pythonMarker(specifierSet: string): string {
  const clauses = specifierSet.split(',').map((c) => c.trim()).filter(Boolean);
  return clauses.map((clause) => {
    const m = /^(~=|===|==|!=|<=|>=|<|>)\s*(.+)$/.exec(clause);
    if (!m) return `python_version == "${clause}"`;
    const version = m[2];
    const variable = version.replace(/\.\*$/, '').split('.').length > 2 ? 'python_full_version' : 'python_version';
    return `${variable} ${m[1]} "${version}"`;
  }).join(' and ');
}

/** Translates a Poetry constraint; a finding at the string when Poetry would reject it. */
function translatePoetry(r: Reader, node: AST.TOMLStringValue): string[] | undefined {
  const alternatives = poetryToPep440(node.value.trim());
  if (alternatives) return alternatives;
  r.findings.push(syntaxFinding('requirement-syntax',
    `"${node.value}" is not a valid Poetry version constraint.`, r.insideRange(node)));
  return undefined;
}

function poetryPythonMarker(r: Reader, node: AST.TOMLStringValue): string | undefined {
  const alternatives = translatePoetry(r, node);
  if (!alternatives) return undefined;
  const markers = alternatives.filter(Boolean).map(pythonMarker);
  if (markers.length !== alternatives.length || markers.length === 0) return undefined; // `*`: no restriction
  return markers.length === 1 ? markers[0] : markers.map((m) => `(${m})`).join(' or ');
}

function joinMarkers(markers: (string | undefined)[]): string | undefined {
  const present = markers.filter((m): m is string => !!m && m.trim() !== '');
  if (present.length <= 1) return present[0];
  return present.map((m) => `(${m})`).join(' and ');
}

/** Poetry `git`/`url`/`path`/`file` as a PEP 508-style URL (`git+...@rev` for git). */
function poetryUrl(r: Reader, table: TableView, label: string): string | undefined {
  const git = r.stringField(table, 'git', label)?.value;
  if (git !== undefined) {
    const ref = ['rev', 'tag', 'branch'].map((k) => r.stringField(table, k, label)?.value).find((v) => v !== undefined);
    return `${git.startsWith('git+') ? git : `git+${git}`}${ref ? `@${ref}` : ''}`;
  }
  return ['url', 'path', 'file'].map((k) => r.stringField(table, k, label)?.value).find((v) => v !== undefined);
}

function stringArray(r: Reader, table: TableView, name: string, label: string): string[] {
  const entry = child(table, name);
  if (!entry) return [];
  if (entry.value.type === 'TOMLArray' && entry.value.elements.every(isString)) {
    return entry.value.elements.map((e) => (e as AST.TOMLStringValue).value);
  }
  r.schema(`"${label}.${name}" must be an array of strings.`, entry.value);
  return [];
}

/**
 * One Poetry dependency: `name = "constraint"` or a table of `{version, extras, markers, python, source, ...}`.
 * `extent` is the text the requirement covers (the key-value, or one element of a multiple-constraints list).
 */
function poetryRequirement(
  r: Reader, key: KeyPart, spec: AST.TOMLStringValue | TableView, extent: [number, number], scope: RequirementScope,
): void {
  const name = keyName(key);
  const label = `${scope.table}.${name}`;
  const table = spec.type === 'TableView' ? spec : undefined;
  const version = spec.type === 'TableView' ? r.stringField(spec, 'version', label) : spec;
  const alternatives = version ? translatePoetry(r, version) : undefined;
  const constraint = version?.value.trim() ?? '';
  const specifier = alternatives?.length === 1 ? alternatives[0] : '';
  const nameRange = r.insideRange(key);
  const requirement: Requirement = {
    name,
    normalizedName: normalizeName(name),
    extras: table ? stringArray(r, table, 'extras', label) : [],
    specifier,
    text: r.text.slice(extent[0], extent[1]),
    range: r.range(extent),
    nameRange,
    specifierRange: version ? r.insideRange(version) : { start: nameRange.end, end: nameRange.end },
    scope,
  };
  if (version && specifier !== constraint) requirement.originalSpecifier = constraint;
  if (table) {
    const python = r.stringField(table, 'python', label);
    const marker = joinMarkers([r.stringField(table, 'markers', label)?.value, python && poetryPythonMarker(r, python)]);
    if (marker) requirement.marker = marker;
    const source = r.stringField(table, 'source', label);
    if (source) requirement.source = source.value;
    const url = poetryUrl(r, table, label);
    if (url !== undefined) requirement.url = url;
    const develop = child(table, 'develop')?.value;
    if (develop?.type === 'TOMLValue' && develop.value === true) requirement.editable = true;
  }
  r.requirements.push(requirement);
}

function readPoetryPython(r: Reader, entry: Entry): void {
  if (!isString(entry.value)) {
    r.schema('The Poetry "python" dependency must be a version constraint string.', entry.value);
    return;
  }
  const alternatives = translatePoetry(r, entry.value);
  // A union such as `~2.7 || ^3.6` has no PEP 440 form; leave requiresPython unknown rather than half-true.
  if (alternatives?.length === 1 && !r.requiresPython) {
    r.requiresPython = { specifier: alternatives[0], range: r.insideRange(entry.value) };
  }
}

function readPoetryDependencies(r: Reader, entry: Entry | undefined, label: string, scope: RequirementScope): void {
  const table = r.table(entry, label);
  for (const [name, dep] of table?.entries ?? []) {
    if (scope.kind === 'poetry' && name.toLowerCase() === 'python') {
      readPoetryPython(r, dep);
      continue;
    }
    const value = dep.value;
    if (isString(value) || value.type === 'TableView') {
      poetryRequirement(r, dep.key, value, [dep.node.range[0], dep.node.range[1]], scope);
    } else if (value.type === 'TOMLArray' && value.elements.every((e) => e.type === 'TOMLInlineTable')) {
      // Multiple constraints: one requirement per element, each under its own markers.
      for (const element of value.elements as AST.TOMLInlineTable[]) {
        poetryRequirement(r, dep.key, inlineTableView(element), element.range, scope);
      }
    } else {
      r.schema(`"${label}.${name}" must be a version string, a table or a list of tables.`, value);
    }
  }
}

function readIndexTables(
  r: Reader, entry: Entry | undefined, label: string, kind: 'poetry-source' | 'uv-index' | 'pdm-source',
): void {
  if (!entry) return;
  const tables = tablesOf(entry.value);
  if (!tables) {
    r.schema(`"${label}" must be an array of tables with "name" and "url".`, entry.value);
    return;
  }
  for (const table of tables) {
    const name = r.stringField(table, 'name', label);
    const url = r.stringField(table, 'url', label);
    if (url) {
      // uv's `explicit = true` and Poetry's `priority = "explicit"`: only packages whose source names it come from it.
      const flag = child(table, 'explicit')?.value;
      const priority = child(table, 'priority')?.value;
      const explicit = (kind === 'uv-index' && flag?.type === 'TOMLValue' && flag.value === true) ||
        (kind === 'poetry-source' && !!priority && isString(priority) && priority.value === 'explicit');
      r.indexes.push({ kind, url: url.value, ...(name ? { name: name.value } : {}), range: r.insideRange(url), ...(explicit ? { explicit } : {}) });
    } else if (kind === 'uv-index' || name?.value.toLowerCase() !== 'pypi') {
      // Poetry's `name = "PyPI"` source legitimately has no url.
      r.schema(`An entry of "${label}" has no "url".`, table);
    }
  }
}

function readPoetry(r: Reader, tool: TableView | undefined): void {
  const poetry = r.table(child(tool, 'poetry'), 'tool.poetry');
  if (!poetry) return;
  readPoetryDependencies(r, child(poetry, 'dependencies'), 'tool.poetry.dependencies',
    { kind: 'poetry', table: 'tool.poetry.dependencies' });
  readPoetryDependencies(r, child(poetry, 'dev-dependencies'), 'tool.poetry.dev-dependencies',
    { kind: 'poetry-group', name: 'dev', table: 'tool.poetry.dev-dependencies' });
  const groups = r.table(child(poetry, 'group'), 'tool.poetry.group');
  for (const [group, entry] of groups?.entries ?? []) {
    const groupTable = r.table(entry, `tool.poetry.group.${group}`);
    const label = `tool.poetry.group.${group}.dependencies`;
    readPoetryDependencies(r, child(groupTable, 'dependencies'), label, { kind: 'poetry-group', name: group, table: label });
  }
  readIndexTables(r, child(poetry, 'source'), 'tool.poetry.source', 'poetry-source');
}

// ---- [tool.uv] ---------------------------------------------------------------------------------------------------

function uvSource(r: Reader, key: KeyPart, table: TableView, extent: [number, number]): UvSource {
  const name = keyName(key);
  const label = `tool.uv.sources.${name}`;
  const field = (k: string): string | undefined => r.stringField(table, k, label)?.value;
  const index = r.stringField(table, 'index', label);
  const source: UvSource = { package: name, normalizedName: normalizeName(name), nameRange: r.insideRange(key), range: r.range(extent) };
  if (index) {
    source.index = index.value;
    source.indexRange = r.insideRange(index);
  }
  for (const k of ['url', 'git', 'path', 'marker', 'extra', 'group'] as const) {
    const value = field(k);
    if (value !== undefined) source[k] = value;
  }
  const workspace = child(table, 'workspace')?.value;
  if (workspace?.type === 'TOMLValue' && workspace.kind === 'boolean') source.workspace = workspace.value;
  return source;
}

function readUvSources(r: Reader, entry: Entry | undefined): void {
  const sources = r.table(entry, 'tool.uv.sources');
  for (const [name, dep] of sources?.entries ?? []) {
    if (dep.value.type === 'TableView') {
      r.uvSources.push(uvSource(r, dep.key, dep.value, viewOffsets(dep.value)));
      continue;
    }
    if (dep.value.type === 'TOMLArray' && dep.value.elements.every((e) => e.type === 'TOMLInlineTable')) {
      for (const element of dep.value.elements as AST.TOMLInlineTable[]) {
        r.uvSources.push(uvSource(r, dep.key, inlineTableView(element), element.range));
      }
      continue;
    }
    r.schema(`"tool.uv.sources.${name}" must be a table or a list of tables.`, dep.value);
  }
}

function readUv(r: Reader, tool: TableView | undefined): void {
  const uv = r.table(child(tool, 'uv'), 'tool.uv');
  if (!uv) return;
  const lists = [
    ['constraint-dependencies', 'uv-constraint'], ['override-dependencies', 'uv-override'], ['dev-dependencies', 'uv-dev'],
  ] as const;
  for (const [key, kind] of lists) {
    r.requirementArray(child(uv, key), `tool.uv.${key}`, { kind, table: 'tool.uv' });
  }
  readIndexTables(r, child(uv, 'index'), 'tool.uv.index', 'uv-index');
  readUvSources(r, child(uv, 'sources'));
}

const UV_SOURCE_SCOPES = new Set<RequirementScope['kind']>(['project', 'optional', 'group', 'uv-dev']);

/** Sets `source` where the applicable `[tool.uv.sources]` entries agree on one index (see the file comment). */
function applyUvSources(r: Reader): void {
  if (!r.uvSources.length) return; // nothing can apply (and large projects rarely have sources)
  for (const requirement of r.requirements) {
    if (!UV_SOURCE_SCOPES.has(requirement.scope.kind) || requirement.source) continue;
    const applicable = r.uvSources.filter((s) => s.normalizedName === requirement.normalizedName &&
      (s.extra === undefined || (requirement.scope.kind === 'optional' && s.extra === requirement.scope.name)) &&
      (s.group === undefined || (requirement.scope.kind === 'group' && s.group === requirement.scope.name)));
    const indexes = new Set(applicable.map((s) => s.index));
    const [only] = indexes;
    if (indexes.size === 1 && only !== undefined) requirement.source = only;
    else if (indexes.size > 1) {
      const one = indexOnItsPlatforms(requirement.marker, applicable);
      if (one !== undefined) requirement.source = one;
    }
  }
}

/**
 * The one index marker-split entries bind a requirement to on the platforms where the requirement itself applies:
 * `torch==2.7.0+cu128; platform_system == 'Linux'` with `{ index = "pytorch-cu128", marker = "platform_system ==
 * 'Linux'" }` and a Windows entry for another index (uv's PyTorch guide) installs from pytorch-cu128 only. A marker
 * that does not decide on the platform alone (a Python version) counts as applying there. Undefined when the entries
 * that can apply name more than one index (or none).
 */
function indexOnItsPlatforms(requirementMarker: string | undefined, entries: UvSource[]): string | undefined {
  const named = new Set<string | undefined>();
  for (const platform of PLATFORMS) {
    const env = PLATFORM_MARKERS[platform];
    if (markerTextHolds(requirementMarker, env) === false) continue;
    for (const e of entries) if (markerTextHolds(e.marker, env) !== false) named.add(e.index);
  }
  const [only] = named;
  return named.size === 1 ? only : undefined;
}

/** Poetry 2 reads a [project] dependency's `source` from the [tool.poetry.dependencies] entry of the same name. */
function applyPoetrySources(r: Reader): void {
  const sources = new Map<string, string>();
  for (const q of r.requirements) if (q.scope.kind === 'poetry' && q.source) sources.set(q.normalizedName, q.source);
  if (!sources.size) return;
  for (const q of r.requirements) {
    if ((q.scope.kind === 'project' || q.scope.kind === 'optional') && !q.source && sources.has(q.normalizedName)) q.source = sources.get(q.normalizedName);
  }
}

// ---- [tool.ml-pins] ----------------------------------------------------------------------------------------------

function readToolConfig(r: Reader, tool: TableView | undefined, ast: AST.TOMLProgram): void {
  const entry = child(tool, 'ml-pins');
  if (!entry) return;
  const all = getStaticTOMLValue(ast) as { tool?: Record<string, unknown> };
  const view = entry.value;
  // The table's whole extent (header and body) when it has a header; otherwise where it is written.
  const offsets = view.type === 'TableView' && view.node.type !== 'TOMLTopLevelTable' ? view.node.range : viewOffsets(view);
  r.toolConfig = { value: all.tool?.['ml-pins'], range: r.range(offsets) };
}

// ---- Entry point -------------------------------------------------------------------------------------------------

function readDocument(r: Reader, ast: AST.TOMLProgram): void {
  const root = buildTree(ast);
  readProject(r, root);
  readDependencyGroups(r, root);
  readBuildSystem(r, root);
  const tool = r.table(child(root, 'tool'), 'tool');
  for (const [name] of tool?.entries ?? []) r.tools.push(name);
  readPoetry(r, tool);
  readIndexTables(r, child(r.table(child(tool, 'pdm'), 'tool.pdm'), 'source'), 'tool.pdm.source', 'pdm-source');
  readUv(r, tool);
  const pixi = r.table(child(tool, 'pixi'), 'tool.pixi');
  if (pixi) readPixiTables(r, pixi, 'tool.pixi.');
  applyUvSources(r);
  applyPoetrySources(r);
  readToolConfig(r, tool, ast);
}

function manifestOf(r: Reader): PyprojectManifest {
  const manifest: PyprojectManifest = {
    path: r.path, kind: 'pyproject', requirements: r.requirements, findings: r.findings, indexes: r.indexes,
    includes: [], groupIncludes: r.groupIncludes, uvSources: r.uvSources, tools: r.tools,
  };
  if (r.buildBackend) manifest.buildBackend = r.buildBackend;
  if (r.requiresPython) manifest.requiresPython = r.requiresPython;
  if (r.toolConfig) manifest.toolConfig = r.toolConfig;
  return manifest;
}

/** Reads a pyproject.toml. Never throws: malformed TOML is one `toml-syntax` finding and nothing else. */
export function parsePyproject(path: string, text: string): PyprojectManifest {
  const parsed = parseTomlText(text);
  let r = new Reader(path, text);
  const syntaxError = (message: string, offset: number): PyprojectManifest => {
    r = new Reader(path, text);
    r.findings.push(syntaxFinding('toml-syntax', `Invalid TOML: ${message}`, errorRange(r.index, text, offset)));
    return manifestOf(r);
  };
  if (!parsed.ast) return syntaxError(parsed.error.message, parsed.error.offset);
  try {
    readDocument(r, parsed.ast);
  } catch (e) {
    // Deep nesting the parser survived can still overflow getStaticTOMLValue; report it rather than crash.
    if (e instanceof RangeError) return syntaxError('nesting is too deep to read', 0);
    r.findings.push(syntaxFinding('internal-error', `Could not read this pyproject.toml: ${String(e)}`, r.index.range(0, 0)));
  }
  return manifestOf(r);
}
