// Fixes as minimal text edits. A specifier is rewritten clause by clause, keeping the user's separator style; a new
// requirement is added next to the one that needs it, in the same list, quoting, indentation and line endings.
import { compareVersions, parseSpecifier, parseVersion } from '../pep440';
import type { Version } from '../pep440';
import { scopeTraits } from '../formats';
import { lineIndexFor } from '../text';
import type { ParsedManifest, Requirement, TextEdit } from '../types';

interface Clause { op: string; version: string; text: string }

function clausesOf(specifier: string): Clause[] | undefined {
  const out: Clause[] = [];
  for (const raw of specifier.split(',')) {
    const text = raw.trim();
    if (!text) continue;
    const spec = parseSpecifier(text);
    if (!spec) return undefined;
    out.push({ op: spec.operator, version: spec.version, text });
  }
  return out;
}

function separatorOf(raw: string): string {
  return /,\s/.test(raw) ? ', ' : ',';
}

const cmp = (a: string, b: Version): number | undefined => {
  const v = parseVersion(a);
  return v ? compareVersions(v, b) : undefined;
};

/** `>=0.21.0` raised to 0.29.0 gives `>=0.29.0`; `==0.27.0` gives `==0.29.0`; caps that would exclude it are dropped. */
export function raiseFloor(specifierText: string, floor: string): string | undefined {
  const clauses = clausesOf(specifierText);
  const v = parseVersion(floor);
  if (!clauses || !v) return undefined;
  const kept: string[] = [];
  let hasFloor = false;
  for (const c of clauses) {
    const isWildcard = c.version.endsWith('.*');
    const order = isWildcard ? undefined : cmp(c.version, v);
    switch (c.op) {
      case '>=':
      case '>':
        if (order !== undefined && order >= 0) { kept.push(c.text); hasFloor = true; } // already at or above: never lower a floor
        break; // a lower floor is replaced by the new one
      case '==':
      case '===':
        if (isWildcard) {
          const prefix = c.version.slice(0, -2);
          const p = cmp(prefix, v);
          if (p !== undefined && p < 0 && !floor.startsWith(`${prefix}.`)) break;
          kept.push(c.text);
          hasFloor = true;
        } else if (order !== undefined && order < 0) {
          kept.unshift(`${c.op}${floor}`);
          hasFloor = true;
        } else {
          kept.push(c.text);
          hasFloor = true;
        }
        break;
      case '~=':
        if (order !== undefined && order < 0) {
          const parts = c.version.split('.').length;
          const prefix = v.release.slice(0, Math.max(2, parts)).join('.');
          // `~=2.1` raised to 2.4.1: `~=2.4` alone would still allow 2.4.0, so the floor is written beside it.
          kept.unshift(cmp(prefix, v)! < 0 ? `~=${prefix}${separatorOf(specifierText)}>=${floor}` : `~=${prefix}`);
        } else kept.push(c.text);
        hasFloor = true;
        break;
      case '<':
      case '<=':
        if (order !== undefined && (order < 0 || (order === 0 && c.op === '<'))) break; // would exclude the floor
        kept.push(c.text);
        break;
      default:
        kept.push(c.text);
    }
  }
  if (!hasFloor) kept.unshift(`>=${floor}`);
  return kept.join(separatorOf(specifierText));
}

/** Adds `<below`, dropping looser caps. undefined when the specifier's floor or pin is already at or above it. */
export function capBelow(specifierText: string, below: string): string | undefined {
  const clauses = clausesOf(specifierText);
  const v = parseVersion(below);
  if (!clauses || !v) return undefined;
  const kept: string[] = [];
  for (const c of clauses) {
    const order = c.version.endsWith('.*') ? cmp(c.version.slice(0, -2), v) : cmp(c.version, v);
    if (order === undefined) { kept.push(c.text); continue; }
    if ((c.op === '<' || c.op === '<=') && order >= 0) continue;
    if ((c.op === '==' || c.op === '===' || c.op === '>=' || c.op === '>' || c.op === '~=') && order >= 0) return undefined;
    kept.push(c.text);
  }
  kept.push(`<${below}`);
  return kept.join(separatorOf(specifierText));
}

/**
 * The edit that replaces a requirement's specifier. Poetry constraints are replaced by PEP 440 ones, which Poetry
 * reads. In a shell command an unquoted `torch>=2` would be a redirection: the argument is quoted when needed.
 */
export function replaceSpecifier(path: string, requirement: Requirement, newSpecifier: string, text?: string): TextEdit {
  const quoted = text !== undefined ? scopeTraits(path, requirement).quoteSpecifier?.(requirement, newSpecifier, text) : undefined;
  if (quoted) return { path, ...quoted };
  return { path, range: requirement.specifierRange, newText: keepContinuations(requirement, inWrittenStyle(path, requirement, newSpecifier, text), text) };
}

/**
 * `numpy==\` + newline + `1.26.4`: the new specifier keeps the line break where the old one had it (after the
 * operator, or at the same place), and whatever line end the old range ran over.
 */
function keepContinuations(requirement: Requirement, newText: string, text: string | undefined): string {
  if (text === undefined) return newText;
  const index = lineIndexFor(text);
  const raw = text.slice(index.offsetAt(requirement.specifierRange.start), index.offsetAt(requirement.specifierRange.end));
  const m = /\\(\r\n|\r|\n)[ \t]*/.exec(raw);
  if (!m) return newText;
  const before = raw.slice(0, m.index);
  const op = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*/.exec(newText)?.[0] ?? '';
  const at = /^\s*(~=|===|==|!=|<=|>=|<|>)?\s*$/.test(before) ? (before.trim() ? op.length : 0) : Math.min(before.length, newText.length);
  const tail = /\s*$/.exec(raw.slice(m.index + m[0].length))![0];
  return `${newText.slice(0, at)}${m[0]}${newText.slice(at)}${/[\r\n]/.test(tail) ? tail : ''}`;
}

const OPERATOR_GAP = /(~=|===|==|!=|<=|>=|<|>)(?=[^\s=<>~!])/g;

/**
 * A new PEP 440 specifier written the way the old one was: Poetry's and Pipfile's bare `"2.1.0"` stays bare
 * (`"2.3.0"`, not `"==2.3.0"`), Poetry's `^2.1`/`~2.1` stay caret/tilde when the new range is one, and a space after
 * the operators (`== 0.17.0`) is kept.
 */
function inWrittenStyle(path: string, requirement: Requirement, newSpecifier: string, text: string | undefined): string {
  if (text === undefined) return newSpecifier;
  const index = lineIndexFor(text);
  const written = text.slice(index.offsetAt(requirement.specifierRange.start), index.offsetAt(requirement.specifierRange.end)).trim();
  const restyled = scopeTraits(path, requirement).restyle?.(requirement, written, newSpecifier);
  if (restyled !== undefined) return restyled;
  if (/(~=|===|==|!=|<=|>=|<|>)\s+\d/.test(written) && !/(~=|===|==|!=|<=|>=|<|>)\s/.test(newSpecifier)) {
    return newSpecifier.replace(OPERATOR_GAP, '$1 ');
  }
  return newSpecifier;
}

/** The written specifier text of a requirement (Poetry's original constraint, or the PEP 508 specifier). */
export function writtenSpecifier(requirement: Requirement, text: string | undefined): string {
  if (text !== undefined) {
    const index = lineIndexFor(text);
    const raw = text.slice(index.offsetAt(requirement.specifierRange.start), index.offsetAt(requirement.specifierRange.end));
    if (!requirement.originalSpecifier && raw.trim()) return raw;
  }
  return requirement.specifier;
}

/**
 * Adds `newRequirement` (PEP 508 text, e.g. `huggingface_hub<0.26`) right after `anchor` in the same list, matching
 * its style, as the anchor's format writes it. undefined when the anchor's place has no list to add to (a conda
 * spec, an unrecognized layout).
 */
export function insertAfter(manifest: ParsedManifest, text: string, anchor: Requirement, newRequirement: string): TextEdit[] | undefined {
  return scopeTraits(manifest.path, anchor).insertAfter?.(manifest, text, anchor, newRequirement);
}

export { appendArgument } from '../formats/edits';

/** A range inside a manifest's text, for fixes that replace a name. */
export function nameEdit(path: string, requirement: Requirement, newName: string): TextEdit {
  return { path, range: requirement.nameRange, newText: newName };
}

