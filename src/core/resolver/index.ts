// The resolver: what `pip install` would pick for a set of requirements on a target Python and platform, from declared
// metadata; when nothing installs together, why (a derivation in uv's style).
import type { MarkerEnvironment } from '../pep508';
import { explainConflict } from './explain';
import { PipResolver } from './pip';
import type { Conflict, MetadataSource, ResolveOptions, ResolveResult, RootRequirement } from './types';

export * from './types';
export { explainConflict } from './explain';

export type Platform = 'linux' | 'macos' | 'windows';

const PLATFORMS: Record<Platform, Pick<MarkerEnvironment, 'os_name' | 'sys_platform' | 'platform_system' | 'platform_machine'>> = {
  linux: { os_name: 'posix', sys_platform: 'linux', platform_system: 'Linux', platform_machine: 'x86_64' },
  macos: { os_name: 'posix', sys_platform: 'darwin', platform_system: 'Darwin', platform_machine: 'arm64' },
  windows: { os_name: 'nt', sys_platform: 'win32', platform_system: 'Windows', platform_machine: 'AMD64' },
};

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
  const parts = python.split('.');
  return {
    implementation_name: 'cpython',
    implementation_version: python,
    platform_python_implementation: 'CPython',
    platform_release: '',
    platform_version: '',
    python_version: parts.slice(0, 2).join('.'),
    python_full_version: python,
    ...PLATFORMS[platform],
  };
}

/** Resolves `roots` as pip would. Never throws on bad metadata or input; bounded by `options.maxSteps`. */
export function resolve(roots: RootRequirement[], source: MetadataSource, options: ResolveOptions): ResolveResult {
  const outcome = new PipResolver(source, options).resolve(roots);
  if (outcome.ok) return outcome;
  if (outcome.reason !== 'conflict') return outcome;
  const conflict: Conflict = explainConflict(roots, source, options, outcome.causes, outcome.rootsByName);
  return { ok: false, reason: 'conflict', conflict, steps: outcome.steps };
}
