// The requirement builder every manifest parser shares: one PEP 508 string sitting somewhere in a document becomes a
// `Requirement` with exact ranges, or a `requirement-syntax` finding that says what is wrong.

import { parseRequirement, type ParsedRequirement, type Span } from '../pep508';
import { clip } from '../redact';
import { normalizeName, type LineIndex } from '../text';
import type { Finding, Range, Requirement, RequirementScope, Severity } from '../types';

/**
 * Maps an offset in a value to an offset in the document. Callers may ignore `bias`; when they honour it, `'end'`
 * asks where the character before `i` ends rather than where character `i` starts. The two differ only where the
 * value skips document text (a joined line continuation, an expanded variable), and the difference keeps an
 * underline from running onto the next line.
 */
export type ValueToDoc = (i: number, bias?: 'start' | 'end') => number;

export function syntaxFinding(code: string, message: string, range: Range, severity: Severity = 'error'): Finding {
  return { code, severity, message, packages: [], range, fixes: [] };
}

/** The document range of `[start, end)` in the value. */
export function valueRange(span: Span, valueToDoc: ValueToDoc, index: LineIndex): Range {
  const start = valueToDoc(span.start, 'start');
  const end = span.end > span.start ? valueToDoc(span.end, 'end') : start;
  return index.range(start, Math.max(start, end));
}

/**
 * Parse one PEP 508 requirement string that sits in a document. `valueToDoc(i)` maps an offset in `value` to an
 * offset in the document (identity+base for plain text; TOML strings with escapes map raw positions;
 * valueToDoc(value.length) is the end). Returns a Requirement with exact nameRange/specifierRange/range, or a
 * `requirement-syntax` Finding (severity error) whose range covers the bad requirement and names what is wrong.
 */
export function buildRequirement(
  value: string,
  valueToDoc: ValueToDoc,
  index: LineIndex,
  scope: RequirementScope,
  path: string,
): { requirement?: Requirement; finding?: Finding } {
  void path; // part of the shared signature; findings carry no path of their own
  const result = parseRequirement(value, { markerTree: false }); // requirementFromParsed keeps the marker's text only
  if (!result.ok) {
    const message = requirementErrorMessage(value, result.error.message, result.error.span);
    return { finding: syntaxFinding('requirement-syntax', message, trimmedRange(value, valueToDoc, index)) };
  }
  const requirement = requirementFromParsed(result.value, value, valueToDoc, index, scope);
  return { requirement };
}

/** Assembles a Requirement from a parse of `value` (the whole value is the requirement's range and text). */
export function requirementFromParsed(
  parsed: ParsedRequirement,
  value: string,
  valueToDoc: ValueToDoc,
  index: LineIndex,
  scope: RequirementScope,
): Requirement {
  // The three ranges as valueRange makes them, sharing a Position where two ends meet (a requirement starts where its
  // name does; the specifier starts where the name ends): fewer objects that outlive the parse. Positions are
  // never mutated.
  const name0 = parsed.nameSpan;
  const spec = specifierSpanOrInsertionPoint(parsed);
  const rs = valueToDoc(0, 'start');
  const re = Math.max(rs, value.length > 0 ? valueToDoc(value.length, 'end') : rs);
  const ns = valueToDoc(name0.start, 'start');
  const ne = Math.max(ns, name0.end > name0.start ? valueToDoc(name0.end, 'end') : ns);
  const ss = valueToDoc(spec.start, 'start');
  const se = Math.max(ss, spec.end > spec.start ? valueToDoc(spec.end, 'end') : ss);
  const pRs = index.positionAt(rs);
  const pRe = re === rs ? pRs : index.positionAt(re);
  const pNs = ns === rs ? pRs : ns === re ? pRe : index.positionAt(ns);
  const pNe = ne === ns ? pNs : ne === re ? pRe : index.positionAt(ne);
  const pSs = ss === ne ? pNe : ss === ns ? pNs : ss === re ? pRe : index.positionAt(ss);
  const pSe = se === ss ? pSs : se === re ? pRe : se === ne ? pNe : index.positionAt(se);
  const range = { start: pRs, end: pRe };
  const nameRange = { start: pNs, end: pNe };
  const specifierRange = { start: pSs, end: pSe };
  const name = parsed.name;
  const normalizedName = normalizeName(name);
  const { extras, specifier } = parsed;
  // Built in one literal with the marker when there is one: adding a property afterwards costs a second allocation
  // per requirement (the key order is the same either way).
  const requirement: Requirement = parsed.markerText === undefined
    ? { name, normalizedName, extras, specifier, text: value, range, nameRange, specifierRange, scope }
    : { name, normalizedName, extras, specifier, text: value, range, nameRange, specifierRange, scope, marker: parsed.markerText };
  if (parsed.url !== undefined) requirement.url = parsed.url;
  return requirement;
}

/** The specifier's span, or an empty span right after the name and extras where a fix can insert one. */
export function specifierSpanOrInsertionPoint(parsed: ParsedRequirement): Span {
  if (parsed.specifierSpan) return parsed.specifierSpan;
  const at = parsed.extrasSpan?.end ?? parsed.nameSpan.end;
  return { start: at, end: at };
}

/** The value's range without surrounding whitespace (all of it when it is blank). */
export function trimmedRange(value: string, valueToDoc: ValueToDoc, index: LineIndex): Range {
  const start = value.length - value.trimStart().length;
  const end = value.trimEnd().length;
  return end > start ? valueRange({ start, end }, valueToDoc, index) : valueRange({ start: 0, end: value.length }, valueToDoc, index);
}

const OPERATORS = ['~=', '==', '!=', '<=', '>=', '<', '>', '==='];

/** packaging's message plus where it stopped and, as pip does, a hint for the common `=` slip. */
export function requirementErrorMessage(value: string, message: string, span: Span): string {
  const text = value.trim();
  if (!text) return 'Empty requirement: expected a package name';
  let out = `Invalid requirement "${clip(text)}": ${message}`;
  const rest = value.slice(span.end).trimEnd();
  if (span.end < value.length && rest.trim()) {
    out += ` (found "${clip(rest, 20)}")`;
  }
  if (text.includes('=') && !OPERATORS.some((op) => text.includes(op))) out += '. "=" is not a valid operator; did you mean "=="?';
  return out;
}
