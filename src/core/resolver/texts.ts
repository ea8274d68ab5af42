// Requirement and marker texts parsed once per process: a check resolves the same roots on several Pythons and for
// each upgrade it tries, and releases repeat the same markers (read by the resolver and the conflict explainer).
import { parseSpecifierSet, type SpecifierSet } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { evaluateMarker, parseMarker, parseRequirement, type Marker, type MarkerEnvironment } from '../pep508';
import { normalizeName } from '../text';
import { formatIdent } from './outcome';
import type { SpecReq } from './pip';
import type { RootRequirement } from './types';

const markerCache = new Map<string, Marker | null>();
export function markerOf(text: string): Marker | null {
  let m = markerCache.get(text);
  if (m === undefined) {
    const parsed = parseMarker(text);
    m = parsed.ok ? parsed.value : null;
    if (markerCache.size > 20000) markerCache.clear();
    markerCache.set(text, m);
  }
  return m;
}

/** Whether a requirement's marker holds in `environment` for one of `extras` (the extras its parent asks for), or with
 *  no extra when none is asked (a root's, as pip's root stage reads it). No marker holds; one that does not parse does
 *  not. */
export function markerHolds(markerText: string | undefined, environment: MarkerEnvironment, extras: readonly string[] = NO_EXTRA): boolean {
  if (!markerText) return true;
  const marker = markerOf(markerText);
  return !!marker && (extras.length ? extras : NO_EXTRA).some((extra) => evaluateMarker(marker, { ...environment, extra }) === true);
}

/** The one context of a requirement asked without extras. */
const NO_EXTRA: readonly string[] = [''];

/** A marker that may name the Python (python_version, python_full_version, implementation_version; others with
 *  "python" in their names go through the full test too). */
export const PYTHON_MARKER = /python|implementation_version/;

/** Requirement texts parsed (markers as text): the roots (a check resolves the same roots on several Pythons and for
 *  each upgrade tried) and the releases' Requires-Dist (every resolution reads them again for the releases it pins). */
const requirementParses = new Map<string, ReturnType<typeof parseRequirement>>();
export function requirementOf(text: string): ReturnType<typeof parseRequirement> {
  let parsed = requirementParses.get(text);
  if (!parsed) {
    if (requirementParses.size > 20000) requirementParses.clear();
    requirementParses.set(text, (parsed = parseRequirement(text, { markerTree: false })));
  }
  return parsed;
}

/** What a root's text says, as the root stage reads it; `spec` null when the specifier does not parse. */
export interface RootParts { name: string; extras: string[]; specifier: string; marker?: string; url?: string; ident: string; spec?: SpecifierSet | null; set?: VersionSet }
/** Root texts read, once per process: a keystroke leaves every root but one as it was, and a check resolves the same
 *  roots on several Pythons (one look-up per root, where a parse, its name, its specifier and its set were four). */
const ROOT_PARTS = new Map<string, RootParts | { invalid: string }>();

export function rootPartsOf(text: string): RootParts | { invalid: string } {
  let parts = ROOT_PARTS.get(text);
  if (!parts) {
    const parsed = requirementOf(text);
    if (!parsed.ok) parts = { invalid: `invalid requirement "${text}": ${parsed.error.message}` };
    else {
      const { specifier, markerText, url } = parsed.value;
      const name = normalizeName(parsed.value.name);
      const extras = [...new Set(parsed.value.extras.map(normalizeName))];
      parts = { name, extras, specifier, marker: markerText, url, ident: formatIdent(name, extras) };
    }
    if (ROOT_PARTS.size > 20000) ROOT_PARTS.clear();
    ROOT_PARTS.set(text, parts);
  }
  return parts;
}

/** The requirement a root's own specifier makes (undefined when it does not parse). */
export function rootReq(parts: RootParts, root: RootRequirement): SpecReq | undefined {
  if (parts.spec === undefined) {
    parts.spec = parseSpecifierSet(parts.specifier);
    if (parts.spec) parts.set = VersionSet.fromSpecifierSet(parts.specifier);
  }
  return parts.spec ? specReqOf(parts.ident, parts.name, parts.extras, parts.spec, parts.set!, root.requirement, root) : undefined;
}

/** The requirement `text` makes on package `name` with `specifier` (a dependency's, or a root's whose wheel URL names
 *  the version); undefined when the specifier does not parse. The set is remembered per text by VersionSet. */
export function specReq(text: string, name: string, extras: string[], specifier: string, root?: RootRequirement): SpecReq | undefined {
  const spec = parseSpecifierSet(specifier);
  return spec ? specReqOf(formatIdent(name, extras), name, extras, spec, VersionSet.fromSpecifierSet(specifier), text, root) : undefined;
}

/** One literal for both, so that every requirement the resolver reads has one shape. */
function specReqOf(ident: string, name: string, extras: string[], spec: SpecifierSet, set: VersionSet, text: string, root: RootRequirement | undefined): SpecReq {
  return { kind: 'spec', ident, name, extras, spec, set, text, root };
}
