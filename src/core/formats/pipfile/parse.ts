// Pipfile (pipenv): [packages] and [dev-packages], [[source]] indexes and [requires] python, with exact ranges.
//
// Decisions worth knowing:
// - An entry is `name = "spec"` or a table `{version, extras, markers, index, git/ref, path, file, editable, ...}`,
//   inline or as a `[packages.name]` sub-table. `range` is the whole `key = value` entry (the sub-table with its
//   header), `nameRange` the key, `specifierRange` the inside of the version string without surrounding blanks —
//   for `"*"` that is the star, so a fix replaces it. A table without a version has an empty specifierRange right
//   after the key.
// - `"*"` is no constraint (specifier '', `originalSpecifier` '*', as for Poetry's star). A bare version (`"2.0"`)
//   is read as `==2.0` and keeps `originalSpecifier`; anything else that is not a PEP 440 specifier set is a
//   `requirement-syntax` finding, and the package stays unconstrained.
// - PEP 508 marker keys written in the table (`sys_platform = "== 'win32'"`) are folded into the marker as pipenv
//   does (`key` + value); a value without an operator means `==`, and an unquoted operand is quoted. All marker
//   parts are joined with `and`.
// - `[[source]]`: the first is pipenv's default index (`index-url`), the others `extra-index-url`, each with its
//   name. A package's `index = "name"` becomes `source`.
// - `[requires] python_full_version = "3.10.4"` gives `==3.10.4`, else `python_version = "3.10"` gives `==3.10.*`.

import type { AST } from 'toml-eslint-parser';
import { parseVersion } from '../../pep440';
import { parseMarker } from '../../pep508';
import type { ParsedManifest, RequirementScope } from '../../types';
import { syntaxFinding } from '../requirement';
import { readTomlManifest, TomlReader } from '../toml/reader';
import { readPackageEntry, type PackageTableStyle } from '../toml/package-table';
import { buildTree, inlineTableView, type TableView } from '../toml/tree';


// ---- Reading -----------------------------------------------------------------------------------------------------

/** PEP 508 environment marker variables pipenv accepts as keys of a package table. */
const MARKER_KEYS = [
  'os_name', 'sys_platform', 'platform_machine', 'platform_python_implementation', 'platform_release',
  'platform_system', 'platform_version', 'python_version', 'python_full_version', 'implementation_name',
  'implementation_version',
];

const MARKER_OPERATOR = /^\s*(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)\s*(.*?)\s*$/s;

type Reader = TomlReader;

/** `sys_platform = "== 'win32'"` as a marker clause; undefined (with a finding) when it cannot be one. */
function markerKeyClause(r: Reader, key: string, node: AST.TOMLStringValue): string | undefined {
  const value = node.value.trim();
  const m = MARKER_OPERATOR.exec(value);
  const [op, operand] = m ? [m[1].replace(/\s+/g, ' '), m[2]] : ['==', value];
  const quoted = /^(["']).*\1$/s.test(operand) ? operand : `"${operand.replace(/"/g, "'")}"`;
  const clause = `${key} ${op} ${quoted}`;
  if (operand && parseMarker(clause).ok) return clause;
  r.findings.push(syntaxFinding('requirement-syntax',
    `${key} = "${node.value}" is not a valid environment marker (expected e.g. "== 'linux'").`, r.insideRange(node)));
  return undefined;
}

function readMarker(r: Reader, table: TableView, label: string): string | undefined {
  const parts: string[] = [];
  const markers = r.stringField(table, 'markers', label);
  if (markers && markers.value.trim()) {
    if (parseMarker(markers.value).ok) parts.push(markers.value.trim());
    else {
      r.findings.push(syntaxFinding('requirement-syntax',
        `"${markers.value}" is not a valid environment marker.`, r.trimmedInside(markers)));
    }
  }
  for (const key of MARKER_KEYS) {
    const node = r.stringField(table, key, label);
    const clause = node && markerKeyClause(r, key, node);
    if (clause) parts.push(clause);
  }
  if (parts.length <= 1) return parts[0];
  return parts.map((p) => `(${p})`).join(' and ');
}

/** Pipfile packages: a bare version means `==`; PEP 508 marker keys and `index` (a [[source]] name) are its own. */
const PIPFILE_PACKAGE: PackageTableStyle = {
  bareVersion: true,
  versionHint: '(expected "*", "==2.0.1", ">=1,<2", ...)',
  stringHint: '"*" or "==2.0"',
  gitRefKeys: ['ref'],
  urlKeys: ['path', 'file'],
  readMore(r, table, label, requirement) {
    const marker = readMarker(r, table, label);
    if (marker) requirement.marker = marker;
    const index = r.stringField(table, 'index', label);
    if (index) requirement.source = index.value;
  },
};

function readPackages(r: Reader, root: TableView, section: 'packages' | 'dev-packages'): void {
  const table = r.table(root.entries.get(section), section);
  const scope: RequirementScope = { kind: section === 'packages' ? 'pipfile' : 'pipfile-dev', table: section };
  for (const entry of table?.entries.values() ?? []) readPackageEntry(r, entry, section, scope, PIPFILE_PACKAGE);
}

function readSources(r: Reader, root: TableView): void {
  const entry = root.entries.get('source');
  if (!entry) return;
  const value = entry.value;
  let tables: TableView[] | undefined;
  if (value.type === 'TableArrayView') tables = value.tables;
  else if (value.type === 'TOMLArray' && value.elements.every((e) => e.type === 'TOMLInlineTable')) {
    tables = (value.elements as AST.TOMLInlineTable[]).map(inlineTableView);
  }
  if (!tables) {
    r.schema('"source" must be an array of tables ([[source]]) with "name" and "url".', value);
    return;
  }
  for (const table of tables) {
    const name = r.stringField(table, 'name', 'source');
    const url = r.stringField(table, 'url', 'source');
    if (!url) {
      r.schema('A [[source]] has no "url".', table);
      continue;
    }
    const kind = r.indexes.length === 0 ? 'index-url' : 'extra-index-url';
    r.indexes.push({ kind, url: url.value.trim(), ...(name ? { name: name.value } : {}), range: r.insideRange(url) });
  }
}

function readRequires(r: Reader, root: TableView): void {
  const requires = r.table(root.entries.get('requires'), 'requires');
  if (!requires) return;
  const full = r.stringField(requires, 'python_full_version', 'requires');
  const minor = r.stringField(requires, 'python_version', 'requires');
  for (const [node, wildcard] of [[full, false], [minor, true]] as const) {
    if (!node) continue;
    const version = node.value.trim();
    if (version === '*' || version === '') continue;
    if (!parseVersion(version) || /[^0-9.]/.test(version)) {
      r.findings.push(syntaxFinding('pipfile-schema',
        `"${version}" is not a Python version (expected e.g. "3.10"${wildcard ? '' : ' or "3.10.4"'}).`, r.trimmedInside(node), 'warning'));
      continue;
    }
    r.requiresPython = { specifier: `==${version}${wildcard ? '.*' : ''}`, range: r.trimmedInside(node) };
    return;
  }
}

function readDocument(r: Reader, ast: AST.TOMLProgram): void {
  const root = buildTree(ast);
  readSources(r, root);
  readRequires(r, root);
  readPackages(r, root, 'packages');
  readPackages(r, root, 'dev-packages');
}

function manifestOf(r: Reader): ParsedManifest {
  const manifest: ParsedManifest = {
    path: r.path, kind: 'pipfile', requirements: r.requirements, findings: r.findings, indexes: r.indexes, includes: [],
  };
  if (r.requiresPython) manifest.requiresPython = r.requiresPython;
  return manifest;
}

/** Reads a Pipfile. Never throws: malformed TOML is one `toml-syntax` finding and nothing else. */
export function parsePipfile(path: string, text: string): ParsedManifest {
  return manifestOf(readTomlManifest(text, () => new TomlReader(path, text, 'pipfile-schema'), readDocument, 'Pipfile'));
}
