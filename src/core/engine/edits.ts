// Fixes as minimal text edits. A specifier is rewritten clause by clause, keeping the user's separator style; a new
// requirement is added next to the one that needs it, in the same list, quoting, indentation and line endings.
import { compareVersions, parseSpecifier, parseVersion } from '../pep440';
import type { Version } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { poetryToPep440 } from '../pep440/poetry';
import { LineIndex, lineIndexFor } from '../text';
import type { ParsedManifest, Range, Requirement, TextEdit } from '../types';

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
          kept.unshift(`~=${v.release.slice(0, Math.max(2, parts)).join('.')}`);
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
  if (requirement.scope.kind === 'pip-install' && text !== undefined && /[<>|&;]/.test(newSpecifier)) {
    const index = lineIndexFor(text);
    const start = index.offsetAt(requirement.range.start);
    const quote = text[start - 1];
    if (quote !== '"' && quote !== "'") {
      const whole = text.slice(start, index.offsetAt(requirement.range.end));
      const spec = text.slice(index.offsetAt(requirement.specifierRange.start), index.offsetAt(requirement.specifierRange.end));
      const before = whole.slice(0, index.offsetAt(requirement.specifierRange.start) - start);
      const after = whole.slice(before.length + spec.length);
      return { path, range: requirement.range, newText: `"${before}${newSpecifier}${after}"` };
    }
  }
  return { path, range: requirement.specifierRange, newText: keepContinuations(requirement, inWrittenStyle(requirement, newSpecifier, text), text) };
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
function inWrittenStyle(requirement: Requirement, newSpecifier: string, text: string | undefined): string {
  if (text === undefined) return newSpecifier;
  const index = lineIndexFor(text);
  const written = text.slice(index.offsetAt(requirement.specifierRange.start), index.offsetAt(requirement.specifierRange.end)).trim();
  const kind = requirement.scope.kind;
  if ((kind === 'poetry' || kind === 'poetry-group' || kind === 'pipfile' || kind === 'pipfile-dev') && requirement.originalSpecifier !== undefined) {
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

const NEEDS_SHELL_QUOTES = /[<>|&;()$`\\"'*?\[\]#~=%\s!{}]/;

/**
 * Adds `newRequirement` (PEP 508 text, e.g. `huggingface_hub<0.26`) right after `anchor` in the same list, matching
 * its style. undefined when the anchor's place has no list to add to (a conda spec, an unrecognized layout).
 */
export function insertAfter(manifest: ParsedManifest, text: string, anchor: Requirement, newRequirement: string): TextEdit[] | undefined {
  const index = lineIndexFor(text);
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const start = index.offsetAt(anchor.range.start);
  const end = index.offsetAt(anchor.range.end);
  const lineOf = (offset: number) => index.positionAt(offset).line;
  const lineEnd = (line: number) => index.offsetAt({ line, character: index.lineText(line).length });
  const at = (offset: number, newText: string): TextEdit => ({ path: manifest.path, range: index.range(offset, offset), newText });
  const indentOf = (line: number) => /^\s*/.exec(index.lineText(line))![0];

  switch (anchor.scope.kind) {
    case 'requirements':
    case 'constraint': {
      let line = lineOf(end);
      while (index.lineText(line).endsWith('\\') && line + 1 < index.lineCount) line++;
      return [at(lineEnd(line), `${eol}${newRequirement}`)];
    }
    case 'setup-cfg':
    case 'conda-pip': {
      const line = lineOf(start);
      const prefix = index.lineText(line).slice(0, anchor.range.start.character);
      if (prefix.trim() && !/^\s*-\s*$/.test(prefix)) return undefined;
      return [at(lineEnd(lineOf(end)), `${eol}${prefix}${newRequirement}`)];
    }
    case 'pipfile':
    case 'pipfile-dev': {
      if (text[start] === '[') return undefined; // a `[packages.torch]` sub-table: a line after it would join it
      const m = /^\s*([A-Za-z0-9._-]+)\s*(?:\[([^\]]*)\])?\s*([^;]*?)\s*(?:;\s*(.*?)\s*)?$/.exec(newRequirement);
      if (!m || /["\\@]/.test(newRequirement)) return undefined;
      const [, name, extras, spec, marker] = m;
      const version = `"${spec || '*'}"`;
      const list = (extras ?? '').split(',').map((e) => e.trim()).filter(Boolean);
      const value = !list.length && !marker ? version : `{version = ${version}${list.length ? `, extras = [${list.map((e) => `"${e}"`).join(', ')}]` : ''}${marker ? `, markers = "${marker}"` : ''}}`;
      const line = lineOf(end);
      return [at(lineEnd(line), `${eol}${indentOf(line)}${name} = ${value}`)];
    }
    case 'poetry':
    case 'poetry-group': {
      const line = lineOf(end);
      const name = newRequirement.match(/^[A-Za-z0-9._-]+/)?.[0];
      if (!name) return undefined;
      const spec = newRequirement.slice(name.length).trim() || '*';
      return [at(lineEnd(line), `${eol}${indentOf(line)}${name} = "${spec}"`)];
    }
    case 'pip-install': {
      const quote = text[start - 1];
      const quoted = quote === '"' || quote === "'";
      const before = text.slice(0, start - (quoted ? 1 : 0)).trimEnd();
      if (quoted && /[,[]$/.test(before)) return [at(end + 1, `, ${quote}${newRequirement}${quote}`)]; // exec-form JSON / Python list
      const arg = NEEDS_SHELL_QUOTES.test(newRequirement) ? `"${newRequirement}"` : newRequirement;
      const edit = appendArgument(manifest.path, text, anchor, arg);
      return edit ? [edit] : undefined;
    }
    case 'conda':
      return undefined;
    default:
      return insertIntoStringList(text, index, manifest.path, start, end, newRequirement, eol);
  }
}

/** TOML arrays and Python lists of strings: the anchor is the inside of a quoted string. */
function insertIntoStringList(text: string, index: LineIndex, path: string, start: number, end: number, req: string, eol: string): TextEdit[] | undefined {
  let quote = text[start - 1];
  if (quote !== '"' && quote !== "'") return undefined;
  const triple = text.slice(start - 3, start) === quote.repeat(3);
  const close = end + (triple ? 3 : 1);
  const escaped = req.split(quote).join(`\\${quote}`);
  const element = (prefix: string) => `${prefix}${quote}${escaped}${quote}`;
  const startLine = index.positionAt(start).line;
  const lineText = index.lineText(startLine);
  const ownLine = lineText.slice(0, index.positionAt(start).character - 1).trim() === '';
  const closeLine = index.positionAt(close).line;
  const rest = text.slice(close, index.lineStart(closeLine) + index.lineText(closeLine).length);
  const at = (offset: number, newText: string): TextEdit => ({ path, range: index.range(offset, offset), newText });
  if (!ownLine) {
    // One-line list: `["a", "b"]` -> `["a", "new", "b"]`.
    return [at(close, element(', '))];
  }
  const indent = /^\s*/.exec(lineText)![0];
  const lineEndOffset = close + rest.length;
  if (/^\s*,/.test(rest)) return [at(lineEndOffset, `${eol}${indent}${element('')},`)];
  // The last element without a trailing comma: add one, and the new element on its own line.
  return [at(close, ','), at(lineEndOffset, `${eol}${indent}${element('')}`)];
}

/** Inserts a raw command-line argument after a `pip install` argument (after its closing quote when quoted). */
export function appendArgument(path: string, text: string, anchor: { range: Range }, rawArgument: string): TextEdit | undefined {
  const index = lineIndexFor(text);
  const start = index.offsetAt(anchor.range.start);
  const end = index.offsetAt(anchor.range.end);
  const quote = text[start - 1];
  const after = (quote === '"' || quote === "'") && text[end] === quote ? end + 1 : end;
  return { path, range: index.range(after, after), newText: ` ${rawArgument}` };
}

/** A range inside a manifest's text, for fixes that replace a name. */
export function nameEdit(path: string, requirement: Requirement, newName: string): TextEdit {
  return { path, range: requirement.nameRange, newText: newName };
}

