// The CPython versions a check resolves an environment on, and on which of them a fact reads the same. A resolution
// whose every read fact reads on some of them as on its own Python has the same outcome on those (pip.ts,
// `samePythons`), so a check need not resolve it on each of them in turn.
import { parseSpecifierSet } from '../pep440';
import { evaluateMarker, type Marker, type MarkerEnvironment } from '../pep508';

/** Oldest first. A check without a target Python resolves on those its project's requires-python admits. */
export const CPYTHONS: readonly string[] = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

/** The oldest of CPYTHONS a requires-python set admits (all, when there is none). */
export function oldestCPython(python: { contains(v: string): boolean } | undefined): string | undefined {
  return CPYTHONS.find((v) => !python || python.contains(v));
}

/** The Python a question reads releases for (the key of parsed packages, releases.ts): its full version when the
 *  environment names one. */
export function releasePython(environment: MarkerEnvironment): string {
  return environment.python_full_version || environment.python_version;
}

/** A set of CPYTHONS as bits (bit i: CPYTHONS[i]). */
export type PythonMask = number;
export const EVERY_CPYTHON: PythonMask = (1 << CPYTHONS.length) - 1;

/** The bit of `environment`'s Python when it is one of CPYTHONS as targetEnvironment makes it (`3.11` for both version
 *  variables), else 0. */
export function checkedPythonBit(environment: MarkerEnvironment): PythonMask {
  const i = environment.python_full_version === environment.python_version ? CPYTHONS.indexOf(environment.python_version) : -1;
  return i < 0 ? 0 : 1 << i;
}

export function pythonsOf(mask: PythonMask): string[] {
  return CPYTHONS.filter((_, i) => mask & (1 << i));
}

const admitted = new Map<string, PythonMask>();

/** The CPythons a Requires-Python admits (as releases.ts reads it: a text that does not parse admits all). */
export function admittedPythons(requiresPython: string): PythonMask {
  let mask = admitted.get(requiresPython);
  if (mask === undefined) {
    const set = requiresPython ? parseSpecifierSet(requiresPython) : null;
    mask = set ? CPYTHONS.reduce((m, v, i) => (set.contains(v, { prereleases: true }) ? m | (1 << i) : m), 0) : EVERY_CPYTHON;
    if (admitted.size > 5000) admitted.clear();
    admitted.set(requiresPython, mask);
  }
  return mask;
}

/** The CPythons on which a marker evaluates as it does in `environment` (each in place of its own Python). */
export function markerAlike(marker: Marker, environment: Partial<MarkerEnvironment>): PythonMask {
  const own = evaluateMarker(marker, environment) === true;
  let mask = 0;
  CPYTHONS.forEach((v, i) => {
    if ((evaluateMarker(marker, { ...environment, python_version: v, python_full_version: v, implementation_version: v }) === true) === own) mask |= 1 << i;
  });
  return mask;
}
