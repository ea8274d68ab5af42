// Requirement and marker texts parsed once per process: a check resolves the same roots on several Pythons and for
// each upgrade it tries, and releases repeat the same markers (read by the resolver and the conflict explainer).
import { parseMarker, parseRequirement, type Marker } from '../pep508';

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
