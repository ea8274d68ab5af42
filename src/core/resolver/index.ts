// The resolver: what `pip install` would pick for a set of requirements on a target Python and platform, from declared
// metadata; when nothing installs together, why (a derivation in uv's style).
import type { MarkerEnvironment } from '../pep508';
import { PLATFORM_MARKERS, type Platform } from '../settings';
import { explainConflict } from './explain';
import { PipResolver } from './pip';
import type { RootVerdicts } from './verdicts';
import type { Conflict, MetadataSource, ResolveOptions, ResolveResult, RootRequirement } from './types';

export * from './types';
export { explainConflict } from './explain';

export type { Platform } from '../settings';

/** The machine a resolution assumes on each platform (the platform's own marker variables are PLATFORM_MARKERS'). */
const MACHINES: Record<Platform, string> = { linux: 'x86_64', macos: 'arm64', windows: 'AMD64' };

/** `linux`, `macos` / `darwin`, `windows` / `win32`; undefined for anything else. */
export function parsePlatform(text: string): Platform | undefined {
  const t = text.toLowerCase();
  if (t === 'linux') return 'linux';
  if (t === 'macos' || t === 'darwin' || t === 'mac') return 'macos';
  if (t === 'windows' || t === 'win32' || t === 'win') return 'windows';
  return undefined;
}

/**
 * The marker environment of CPython `python` (`3.11` or `3.11.7`) on a platform. `3.11` alone counts as 3.11.0 for
 * `python_full_version` and Requires-Python, as pip's `--python-version 3.11` does.
 */
export function targetEnvironment(python: string, platform: Platform = 'linux'): MarkerEnvironment {
  const key = `${platform} ${python}`;
  let known = TARGETS.get(key);
  if (!known) {
    if (TARGETS.size >= 64) TARGETS.clear();
    TARGETS.set(key, (known = Object.freeze(makeTargetEnvironment(python, platform))));
  }
  return known;
}

/** One environment per Python and platform (read-only): resolutions are remembered by it (./memo.ts). A few are real. */
const TARGETS = new Map<string, MarkerEnvironment>();

function makeTargetEnvironment(python: string, platform: Platform): MarkerEnvironment {
  const parts = python.split('.');
  return {
    implementation_name: 'cpython',
    implementation_version: python,
    platform_python_implementation: 'CPython',
    platform_release: '',
    platform_version: '',
    python_version: parts.slice(0, 2).join('.'),
    python_full_version: python,
    ...PLATFORM_MARKERS[platform],
    platform_machine: MACHINES[platform],
  };
}

/** Resolves `roots` as pip would. Never throws on bad metadata or input; bounded by `options.maxSteps`. A conflict is
 *  explained when it is first read: most callers ask only whether a set installs (an upgrade tried, the other
 *  Pythons of a check), and the explanation costs as much as the resolution. */
export function resolve(roots: readonly RootRequirement[], source: MetadataSource, options: ResolveOptions): ResolveResult {
  return resolveKept(roots, source, options).result;
}

/** As `resolve`, and the resolver when the roots install: it can take a later change of one root from where the two
 *  part (PipResolver.resume; `from`, with the index of the root changed), which a keystroke in a file that installs
 *  makes. `verdicts`: what earlier root stages on the same question found (RootVerdicts), kept in it.
 *  `explainAtRoot`: the conflict of the given roots (a package's, pip stopped at while adding them) on the same
 *  question, as `resolve` explains it. The result is the one `resolve` gives. */
export function resolveKept(roots: readonly RootRequirement[], source: MetadataSource, options: ResolveOptions,
  from?: { resolver: PipResolver; index: number }, verdicts?: RootVerdicts,
  explainAtRoot?: (roots: readonly RootRequirement[]) => Conflict | undefined): { result: ResolveResult; resolver?: PipResolver } {
  const resumed = from?.resolver.resume(roots, from.index);
  if (resumed?.ok) return { result: resumed, resolver: from!.resolver };
  const resolver = new PipResolver(source, options, verdicts);
  const outcome = resolver.resolve(roots);
  if (outcome.ok) return { result: outcome, resolver };
  if (outcome.reason !== 'conflict') return { result: outcome };
  let conflict: Conflict | undefined;
  return {
    result: {
      ok: false, reason: 'conflict', steps: outcome.steps, samePythons: outcome.samePythons, unmatched: outcome.unmatched, causes: outcome.causes,
      get conflict(): Conflict {
        if (conflict) return conflict;
        // Stopped while adding the roots: explained from that package's roots alone, which a caller may have explained
        // before (the memo: a typo's own pin, asked alone too).
        const own = outcome.atRoot !== undefined ? outcome.rootsByName.get(outcome.atRoot) : undefined;
        return (conflict = (explainAtRoot && own && own.length < roots.length ? explainAtRoot(own) : undefined)
          ?? explainConflict(roots, source, options, outcome.causes, outcome.rootsByName, outcome.atRoot));
      },
    },
  };
}
