// pixi.toml (prefix-dev/pixi): the PyPI packages of the default feature ([pypi-dependencies]) and of each feature
// ([feature.<name>.pypi-dependencies]), and the indexes of [pypi-options] (top level and per feature). A
// pyproject.toml's [tool.pixi] holds the same tables (readPixiTables reads both).
//
// Decisions worth knowing:
// - An entry is `name = "spec"` or a table `{ version, extras, index, git/branch/tag/rev, path, url, editable }`.
//   The version is a PEP 440 specifier set; `"*"` means any version (specifier '', `originalSpecifier` '*', so a fix
//   writes a specifier over the star). `range` is the whole `key = value` entry, `nameRange` the key,
//   `specifierRange` the inside of the version string without blanks; a table without a version has an empty
//   specifierRange right after the key.
// - A package's `index = "<url>"` becomes `source`, and an explicit index serving that package only; [pypi-options] `index-url` is the primary index and each of
//   `extra-index-urls` an extra one; a feature's options apply to that feature's packages (`block` = feature).
// - Conda packages ([dependencies]) are conda's, not pip's: not read, except `python`, whose version becomes
//   requiresPython when it is a plain PEP 440 set (`>=3.10,<3.13`, `3.11.*`).
// - [target.<selector>.pypi-dependencies] (also inside a feature) apply on that platform only: each entry gets the
//   selector as an environment marker (`linux-64`: `sys_platform == 'linux' and platform_machine == 'x86_64'`;
//   `linux`, `osx`, `win`, `unix`: the operating system alone), and a package the target lists replaces the feature's
//   own entry there, so that entry gets the negation (`sys_platform != 'linux' or platform_machine != 'x86_64'`). A
//   selector whose machine is not known here (`linux-32`, `emscripten-wasm32`) is not read: where it applies is
//   unknown.
// Sources: pixi's manifest reference (pixi.prefix.dev, "pypi-dependencies", "pypi-options", "feature", "Multi
// Platform": "[target.<platform>] overrides the default configuration for specific platforms"), its manifest parser
// tests (`foo = ">=3.12"`, `bar = { version = ">=3.12", extras = ["baz"] }`), and pixi_manifest's
// `TargetSelector::from_str` ("linux", "unix", "win", "osx", else a platform name such as `linux-64`).

import type { AST } from 'toml-eslint-parser';
import { parseSpecifierSet } from '../../pep440';
import { PLATFORM_MARKERS } from '../../settings';
import type { ParsedManifest, Requirement, RequirementScope } from '../../types';
import { readTomlManifest, TomlReader } from '../toml/reader';
import { readPackageEntry, stringArray, type PackageTableStyle } from '../toml/package-table';
import { buildTree, isString, keyName, type TableView } from '../toml/tree';

/** The scope kind of a pixi PyPI dependency; `name` is the feature (none for the default feature). */
export const PIXI_SCOPE = 'pixi-pypi';

type Reader = TomlReader;

/** pixi packages: the version is PEP 440 only; a package's `index` is an index URL serving that package alone. */
const PIXI_PACKAGE: PackageTableStyle = {
  bareVersion: false,
  versionHint: '(pixi takes PEP 440 here: *, ==2.1.0, >=1,<2)',
  stringHint: '* or >=2.1',
  gitRefKeys: ['rev', 'tag', 'branch'],
  urlKeys: ['url', 'path'],
  readMore(r, table, label, requirement) {
    const index = r.stringField(table, 'index', label);
    if (!index) return;
    // The package comes from that index only: an explicit index named by its URL serves it and nothing else.
    requirement.source = index.value.trim();
    r.indexes.push({ kind: 'extra-index-url', url: requirement.source, name: requirement.source, explicit: true, range: r.trimmedInside(index),
      ...(requirement.scope.block === undefined ? {} : { block: requirement.scope.block }) });
  },
};

/** [pypi-options] of the default feature (block undefined) or of a feature (its number). */
function readOptions(r: Reader, owner: TableView, label: string, block: number | undefined): void {
  const options = r.table(owner.entries.get('pypi-options'), label);
  if (!options) return;
  const at = block === undefined ? {} : { block };
  const primary = r.stringField(options, 'index-url', label);
  if (primary) r.indexes.push({ kind: 'index-url', url: primary.value.trim(), range: r.trimmedInside(primary), ...at });
  for (const extra of stringArray(r, options, 'extra-index-urls', label)) {
    r.indexes.push({ kind: 'extra-index-url', url: extra.value.trim(), range: r.trimmedInside(extra), ...at });
  }
}

function readDependencies(r: Reader, owner: TableView, section: string, scope: RequirementScope): Requirement[] {
  const table = r.table(owner.entries.get('pypi-dependencies'), section);
  const from = r.requirements.length;
  for (const entry of table?.entries.values() ?? []) readPackageEntry(r, entry, section, scope, PIXI_PACKAGE);
  return r.requirements.slice(from);
}

/** Where a target selector applies: the operating system, and the machine of a platform name. */
interface TargetPlatform { os: 'linux' | 'osx' | 'win' | 'unix'; machine?: string }
/** `sys_platform` of pixi's operating-system names (the marker values are the settings' platform table's). */
const SYS_PLATFORM = { linux: PLATFORM_MARKERS.linux.sys_platform, osx: PLATFORM_MARKERS.macos.sys_platform, win: PLATFORM_MARKERS.windows.sys_platform };
/** `platform_machine` of each conda platform's machine, as Python reports it there. */
const MACHINES: Record<'linux' | 'osx' | 'win', Record<string, string>> = {
  linux: { '64': 'x86_64', aarch64: 'aarch64', ppc64le: 'ppc64le', s390x: 's390x', armv7l: 'armv7l' },
  osx: { '64': 'x86_64', arm64: 'arm64' },
  win: { '64': 'AMD64', arm64: 'ARM64' },
};

function targetPlatform(selector: string): TargetPlatform | undefined {
  if (selector === 'linux' || selector === 'osx' || selector === 'win' || selector === 'unix') return { os: selector };
  const m = /^(linux|osx|win)-([a-z0-9]+)$/.exec(selector);
  const os = m?.[1] as keyof typeof MACHINES | undefined;
  const machine = os && MACHINES[os][m![2]];
  return machine ? { os: os!, machine } : undefined;
}

function platformMarker(t: TargetPlatform): string {
  const os = t.os === 'unix' ? `sys_platform != '${SYS_PLATFORM.win}'` : `sys_platform == '${SYS_PLATFORM[t.os]}'`;
  return t.machine ? `${os} and platform_machine == '${t.machine}'` : os;
}

/**
 * Where an entry applies that the targets with these markers (as platformMarker writes them) replace: on every
 * other platform (`sys_platform == 'linux' and platform_machine == 'x86_64'` gives `sys_platform != 'linux' or
 * platform_machine != 'x86_64'`).
 */
export function elsewhereThan(targetMarkers: readonly string[]): string {
  const negated = targetMarkers.map((m) => m.split(' and ').map((c) => (c.includes(' == ') ? c.replace(' == ', ' != ') : c.replace(' != ', ' == '))).join(' or '));
  return negated.map((m) => (negated.length > 1 && m.includes(' or ') ? `(${m})` : m)).join(' and ');
}

/** [target.<selector>.pypi-dependencies] of the default feature or of a feature, bound to their platforms; the
 *  feature's own entries (`own`) of a package a target lists apply everywhere else. */
function readTargets(r: Reader, owner: TableView, prefix: string, scope: RequirementScope, own: Requirement[]): void {
  const targets = r.table(owner.entries.get('target'), `${prefix}target`);
  const replaced = new Map<string, string[]>();
  for (const entry of targets?.entries.values() ?? []) {
    const selector = keyName(entry.key);
    const platform = targetPlatform(selector);
    const target = platform && r.table(entry, `${prefix}target.${selector}`);
    if (!target) continue;
    const section = `${prefix}target.${selector}.pypi-dependencies`;
    for (const q of readDependencies(r, target, section, { ...scope, table: section })) {
      q.marker = platformMarker(platform);
      replaced.set(q.normalizedName, [...replaced.get(q.normalizedName) ?? [], q.marker]);
    }
  }
  for (const q of own) {
    const targets = replaced.get(q.normalizedName);
    if (targets) q.marker = elsewhereThan(targets);
  }
}

/** The pixi tables under `root`: the document of a pixi.toml (`prefix` ''), or [tool.pixi] of a pyproject.toml
 *  (`prefix` 'tool.pixi.'), whose tables are the same (pixi's manifest reference). */
export function readPixiTables(r: Reader, root: TableView, prefix: string): void {
  readOptions(r, root, `${prefix}pypi-options`, undefined);
  const scope: RequirementScope = { kind: PIXI_SCOPE, table: `${prefix}pypi-dependencies` };
  readTargets(r, root, prefix, scope, readDependencies(r, root, `${prefix}pypi-dependencies`, scope));
  const features = r.table(root.entries.get('feature'), `${prefix}feature`);
  let block = 0;
  for (const entry of features?.entries.values() ?? []) {
    const name = keyName(entry.key);
    const label = `${prefix}feature.${name}`;
    const feature = r.table(entry, label);
    if (!feature) continue;
    block++;
    readOptions(r, feature, `${label}.pypi-options`, block);
    const featureScope: RequirementScope = { kind: PIXI_SCOPE, name, block, table: `${label}.pypi-dependencies` };
    readTargets(r, feature, `${label}.`, featureScope, readDependencies(r, feature, `${label}.pypi-dependencies`, featureScope));
  }
}

/** `[dependencies] python = ">=3.10,<3.13"`: the Python every environment runs, when written as PEP 440. */
function readPython(r: Reader, root: TableView): void {
  const deps = r.table(root.entries.get('dependencies'), 'dependencies');
  const python = deps?.entries.get('python')?.value;
  if (!python || !isString(python)) return;
  const spec = python.value.trim();
  const specifier = /^\d+(?:\.\d+)*(?:\.\*)?$/.test(spec) ? `==${spec}` : spec;
  if (specifier && specifier !== '*' && parseSpecifierSet(specifier)) r.requiresPython = { specifier, range: r.trimmedInside(python) };
}

function readDocument(r: Reader, ast: AST.TOMLProgram): void {
  const root = buildTree(ast);
  readPython(r, root);
  readPixiTables(r, root, '');
}

function manifestOf(r: Reader): ParsedManifest {
  const manifest: ParsedManifest = { path: r.path, kind: 'pixi', requirements: r.requirements, findings: r.findings, indexes: r.indexes, includes: [] };
  if (r.requiresPython) manifest.requiresPython = r.requiresPython;
  return manifest;
}

/** Reads a pixi.toml. Never throws: malformed TOML is one `toml-syntax` finding and nothing else. */
export function parsePixi(path: string, text: string): ParsedManifest {
  return manifestOf(readTomlManifest(text, () => new TomlReader(path, text, 'pixi-schema'), readDocument, 'pixi.toml'));
}
