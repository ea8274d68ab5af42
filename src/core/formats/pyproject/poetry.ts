// Poetry version constraints -> PEP 440 specifier sets, following poetry-core's
// `constraints/version/parser.py` (`parse_constraint`, `parse_single_constraint`).
//
//   ^1.2.3 -> >=1.2.3,<2.0.0   ^0.2.3 -> >=0.2.3,<0.3.0   ^0.0.3 -> >=0.0.3,<0.0.4   ^0 -> >=0,<1
//   ~1.2.3 -> >=1.2.3,<1.3.0   ~1.2 -> >=1.2,<1.3         ~1 -> >=1,<2
//   ~=1.2 stays ~=1.2 (same meaning in both); 0.25.* -> ==0.25.*; * -> '' (any); 1.0 / =1.0 -> ==1.0; <> -> !=
//   `,` or a space separate ANDed clauses; `||` (or `|`) separates alternatives, one set string each.
// Approximations (sound, i.e. never narrower than Poetry): a local label on `<`, `<=`, `>`, `>=` (which
// Poetry accepts and PEP 440 does not) is dropped and the bound becomes inclusive.

import { parseSpecifierSet } from '../../pep440/specifier';
import { PY_WHITESPACE, Version, parseVersion, pyStrip } from '../../pep440/version';
import { VersionSet } from '../../pep440/intervals';
import type { Requirement } from '../../types';

// poetry-core's AND separator: a comma or space that does not follow an operator and is not trailing.
const AND_SPLIT = /(?<!^)(?<![\^~=>< ,]) *(?<!-)[, ](?!-) *(?!,|$)/;
const ANY = /^v?[x*](?:\.[x*])*$/i;
const TILDE = /^~(?!=)\s*(.+)$/s;
const TILDE_PEP440 = /^~=\s*(.+)$/s;
const CARET = /^\^\s*(.+)$/s;
const X_RANGE = /^(!=|==)?\s*v?([0-9]+(?:\.[0-9]+)?(?:\.[0-9]+)?)(?:\.\*)+$/;
const BASIC = /^(<>|!=|>=?|<=?|==?)?\s*(.+?)(\.\*)?$/is;
const HAS_WHITESPACE = new RegExp(PY_WHITESPACE);

/**
 * Translate a Poetry constraint (`^0.25`, `~0.25`, `~=0.25`, `0.25.*`, `*`, `>=1,<2`, `>=1 <2`, `1.2 || 1.4`,
 * `==1.0`, bare `1.0`) to PEP 440 specifier set strings; `||` alternatives give several sets. null when invalid.
 */
export function poetryToPep440(constraint: string): string[] | null {
  if (typeof constraint !== 'string') return null;
  const text = pyStrip(constraint);
  if (text === '*') return [''];
  const sets: string[] = [];
  // Runs of 3+ spaces split exactly like 2 spaces; capping them keeps the split regex linear.
  for (const alternative of splitAlternatives(text.replace(/ {3,}/g, '  '))) {
    const group = pyStrip(stripTrailingCommas(alternative)); // poetry tolerates trailing commas
    const clauses: string[] = [];
    for (const part of group.split(AND_SPLIT)) {
      const translated = translateSingle(part);
      if (!translated) return null;
      clauses.push(...translated);
    }
    const set = clauses.join(',');
    if (!parseSpecifierSet(set)) return null;
    sets.push(set);
  }
  return sets;
}

/** Splits on `|` or `||` like poetry-core's OR regex; the caller strips the pieces. */
function splitAlternatives(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 124) continue;
    pieces.push(text.slice(start, i));
    if (text.charCodeAt(i + 1) === 124) i++;
    start = i + 1;
  }
  pieces.push(text.slice(start));
  return pieces;
}

function stripTrailingCommas(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 44) end--;
  return s.slice(0, end);
}

/** One Poetry clause as PEP 440 clauses ([] for "any"), or null. */
function translateSingle(part: string): string[] | null {
  if (ANY.test(part)) return [];
  let m = TILDE.exec(part);
  if (m) return withVersion(m[1], (v, text) => [lowerClause(text, v), `<${releaseText(v, tildeUpper(v.release))}`]);
  m = TILDE_PEP440.exec(part);
  if (m) {
    return withVersion(m[1], (v, text) => {
      const n = v.release.length;
      if ((n === 2 || n === 3) && !v.local) return [`~=${text}`];
      const upper = n === 2 ? nextMajor(v.release) : nextMinor(v.release);
      return [lowerClause(text, v), `<${releaseText(v, upper)}`];
    });
  }
  m = CARET.exec(part);
  if (m) return withVersion(m[1], (v, text) => [lowerClause(text, v), `<${releaseText(v, caretUpper(v.release))}`]);
  m = X_RANGE.exec(part);
  if (m) return [`${m[1] ?? '=='}${m[2]}.*`];
  m = BASIC.exec(part);
  if (m) return basicClause(m[1] ?? '==', m[2], m[3] !== undefined);
  return null;
}

function basicClause(op: string, versionText: string, wildcard: boolean): string[] | null {
  const text = versionText.toLowerCase() === 'dev' ? '0.0.dev0' : versionText;
  return withVersion(text, (v, t) => {
    const pepOp = op === '<>' ? '!=' : op === '=' ? '==' : op;
    if (wildcard) return [`${pepOp}${t}.*`];
    if (v.local && pepOp !== '==' && pepOp !== '!=') {
      return [pepOp.startsWith('>') ? `>=${v.public}` : `<=${v.public}`];
    }
    return [`${pepOp}${t}`];
  });
}

/** Parses the version text (poetry's VERSION_PATTERN, no surrounding whitespace) and hands it on. */
function withVersion(text: string, build: (v: Version, text: string) => string[]): string[] | null {
  if (HAS_WHITESPACE.test(text)) return null;
  const v = parseVersion(text);
  return v ? build(v, text) : null;
}

function lowerClause(text: string, v: Version): string {
  return v.local ? `>=${v.public}` : `>=${text}`;
}

function releaseText(v: Version, release: readonly number[]): string {
  const r = release.join('.');
  return v.epoch ? `${v.epoch}!${r}` : r;
}

/** Poetry's `next_breaking`: bump the first non-zero of major/minor, else the last given component. */
function caretUpper(release: readonly number[]): number[] {
  const [major, minor] = release;
  if (major > 0 || release.length === 1) return nextMajor(release);
  if (minor > 0 || release.length === 2) return nextMinor(release);
  return nextPatch(release);
}

function tildeUpper(release: readonly number[]): number[] {
  return release.length === 1 ? nextMajor(release) : nextMinor(release);
}

// Poetry keeps the precision of the version it bumps: 1.2.3 -> 2.0.0, 1.2 -> 1.3, 1 -> 2.
function nextMajor(release: readonly number[]): number[] {
  return release.map((x, k) => (k === 0 ? x + 1 : 0));
}

function nextMinor(release: readonly number[]): number[] {
  if (release.length === 1) return [release[0], 1];
  return release.map((x, k) => (k < 1 ? x : k === 1 ? x + 1 : 0));
}

function nextPatch(release: readonly number[]): number[] {
  if (release.length === 1) return [release[0], 0, 1];
  if (release.length === 2) return [release[0], release[1], 1];
  return release.map((x, k) => (k < 2 ? x : k === 2 ? x + 1 : 0));
}

/**
 * A new PEP 440 specifier in the style of a table constraint (Poetry's, a Pipfile's): a bare `"2.1.0"` stays bare
 * (`"2.3.0"`, not `"==2.3.0"`), and `^2.1`/`~2.1` stay caret/tilde when the new range is one. undefined when the
 * requirement's constraint was written in PEP 440 already.
 */
export function restyleTableConstraint(requirement: Requirement, written: string, newSpecifier: string): string | undefined {
  if (requirement.originalSpecifier === undefined) return undefined;
  const exact = /^==\s*([^,*\s]+)$/.exec(newSpecifier.trim());
  if (exact && /^v?\d[^\s,<>=!~^*|]*$/.test(written.replace(/^["']|["']$/g, ''))) return exact[1];
  const sigil = /^["']?([\^~])(?!=)/.exec(written)?.[1];
  const floor = /^>=\s*([^,\s]+)/.exec(newSpecifier.trim())?.[1];
  if (sigil && floor) {
    const wanted = poetryToPep440(`${sigil}${floor}`);
    const asSet = (x: string) => { try { return VersionSet.fromSpecifierSet(x); } catch { return undefined; } };
    const a = wanted?.length === 1 ? asSet(wanted[0]) : undefined;
    const b = asSet(newSpecifier);
    if (a && b && a.equals(b)) return `${sigil}${floor}`;
  }
  return newSpecifier;
}
