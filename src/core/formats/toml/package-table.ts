// A package table as pipenv (Pipfile [packages]) and pixi ([pypi-dependencies]) write it: `name = "spec"`, or a
// table `{ version, extras, <git and its ref>, <url keys>, editable, ... }` inline or as a `[section.name]` sub-table.
// What the two formats share is read here; each format reads its own keys (markers, index) through `readMore`.
import type { AST } from 'toml-eslint-parser';
import { parseSpecifierSet, parseVersion } from '../../pep440';
import { normalizeName } from '../../text';
import type { Requirement, RequirementScope } from '../../types';
import { syntaxFinding } from '../requirement';
import type { TomlReader } from './reader';
import { isString, keyName, type Entry, type TableView } from './tree';

/** How a format's package table differs from the other's. */
export interface PackageTableStyle {
  /** A bare version (`"2.0"`) means `==2.0` (pipenv); otherwise it is a syntax finding (pixi). */
  bareVersion: boolean;
  /** The end of the message for an invalid version string: `(expected "*", "==2.0.1", ...)`. */
  versionHint: string;
  /** What a string entry should be, in the message for an entry that is neither a string nor a table. */
  stringHint: string;
  /** The keys naming a git reference, in the order they are looked at. */
  gitRefKeys: readonly string[];
  /** The keys giving a URL or a path when there is no `git`, in the order they are looked at. */
  urlKeys: readonly string[];
  /** The format's own keys of the table, read after the version and extras (markers, index). */
  readMore?(r: TomlReader, table: TableView, label: string, requirement: Requirement): void;
}

/** A version string: `*` (none), a PEP 440 specifier set, or (with `bareVersion`) a bare version meaning `==`. */
function readVersion(r: TomlReader, node: AST.TOMLStringValue, style: PackageTableStyle): { specifier: string; original?: string } {
  const written = node.value.trim();
  if (written === '') return { specifier: '' };
  if (written === '*') return { specifier: '', original: '*' }; // a fix then writes a specifier over the star
  if (parseSpecifierSet(written)) return { specifier: written };
  if (style.bareVersion && !/[,<>=!~]/.test(written) && parseVersion(written)) return { specifier: `==${written}`, original: written };
  r.findings.push(syntaxFinding('requirement-syntax', `"${node.value}" is not a valid version specifier ${style.versionHint}.`, r.trimmedInside(node)));
  return { specifier: '' };
}

/** An array of strings in a table; a schema warning when present with another type. */
export function stringArray(r: TomlReader, table: TableView, name: string, label: string): AST.TOMLStringValue[] {
  const entry = table.entries.get(name);
  if (!entry) return [];
  if (entry.value.type === 'TOMLArray' && entry.value.elements.every(isString)) return entry.value.elements as AST.TOMLStringValue[];
  r.schema(`"${label}.${name}" must be an array of strings.`, entry.value);
  return [];
}

/** `git` (with its reference) as a PEP 508-style `git+...@ref` URL, else the first URL key written. */
function readUrl(r: TomlReader, table: TableView, label: string, style: PackageTableStyle): string | undefined {
  const git = r.stringField(table, 'git', label)?.value;
  if (git !== undefined) {
    const ref = style.gitRefKeys.map((k) => r.stringField(table, k, label)?.value).find((v) => v !== undefined);
    return `${git.startsWith('git+') ? git : `git+${git}`}${ref ? `@${ref}` : ''}`;
  }
  return style.urlKeys.map((k) => r.stringField(table, k, label)?.value).find((v) => v !== undefined);
}

/**
 * Reads one entry of a package table into `r.requirements`. `range` is the whole `key = value` entry (a sub-table with
 * its header), `nameRange` the key, `specifierRange` the inside of the version string without blanks; a table without
 * a version has an empty specifierRange right after the key.
 */
export function readPackageEntry(r: TomlReader, entry: Entry, section: string, scope: RequirementScope, style: PackageTableStyle): void {
  const name = keyName(entry.key);
  const label = `${section}.${name}`;
  const spec = entry.value;
  if (!isString(spec) && spec.type !== 'TableView') {
    r.schema(`"${label}" must be a version string such as ${style.stringHint}, or a table.`, spec);
    return;
  }
  const table = spec.type === 'TableView' ? spec : undefined;
  const version = table ? r.stringField(table, 'version', label) : spec as AST.TOMLStringValue;
  const read = version ? readVersion(r, version, style) : { specifier: '' };
  const extent: [number, number] = entry.node.type === 'TOMLTable' ? entry.node.range : [entry.key.range[0], entry.node.range[1]];
  const nameRange = r.insideRange(entry.key);
  const requirement: Requirement = {
    name,
    normalizedName: normalizeName(name),
    extras: table ? stringArray(r, table, 'extras', label).map((e) => e.value.trim()) : [],
    specifier: read.specifier,
    text: r.text.slice(extent[0], extent[1]),
    range: r.range(extent),
    nameRange,
    specifierRange: version ? r.trimmedInside(version) : { start: nameRange.end, end: nameRange.end },
    scope,
  };
  if (read.original !== undefined) requirement.originalSpecifier = read.original;
  if (table) {
    style.readMore?.(r, table, label, requirement);
    const url = readUrl(r, table, label, style);
    if (url !== undefined) requirement.url = url;
    const editable = table.entries.get('editable')?.value;
    if (editable?.type === 'TOMLValue' && editable.value === true) requirement.editable = true;
  }
  r.requirements.push(requirement);
}
