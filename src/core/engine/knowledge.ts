// The rule families compiled for fast checking: every specifier parsed once (on first use) into a VersionSet, and rules
// indexed by the packages that can trigger them, so checking grows with the number of requirements, not rules ×
// requirements.
import type { MetadataProvider } from '../metadata/provider';
import type { Platform } from './config';
import { VersionSet } from '../pep440/intervals';
import { ruleCodes } from '../rules/codes';
import type {
  AcceleratorRule, ExclusiveRule, IncompatibleRule, PythonSupportRule, RenamedRule, RequiresRule, Rule, RuleFamily,
} from '../rules/types';

export interface CompiledRow {
  versions: VersionSet;
  /** Package -> the set it requires. */
  requires: Map<string, VersionSet>;
  /** The row as written, for messages and fixes. */
  raw: { versions: string; requires: Record<string, string>; extra?: string; python?: string };
  /** Applies only when a requirement of the package asks for this extra. */
  extra?: string;
  /** Applies only when every Python the project admits is in this set. */
  python?: VersionSet;
  /** The package checks this itself when it is imported and does not declare it (a curated rule whose failure is not
   *  the resolver's: jax 0.4.0–0.4.29 and jaxlib): pip installs a pair outside it, so it narrows nothing and is judged
   *  as a break (./rules/requires.ts). */
  importCheck?: true;
}

export interface CompiledRequires {
  rule: RequiresRule;
  rows: CompiledRow[];
  /** Union of all row version sets: versions outside it are unknown. */
  known: VersionSet;
}

export interface CompiledIncompatible {
  rule: IncompatibleRule;
  when: Map<string, VersionSet>;
}

export interface CompiledPythonSupport {
  rule: PythonSupportRule;
  rows: { versions: VersionSet; python: VersionSet; raw: { versions: string; python: string } }[];
  known: VersionSet;
}

export type CompiledRule =
  | { kind: 'incompatible'; c: CompiledIncompatible }
  | { kind: 'requires'; c: CompiledRequires }
  | { kind: 'python-support'; c: CompiledPythonSupport }
  | { kind: 'accelerator-variant'; rule: AcceleratorRule }
  | { kind: 'renamed'; rule: RenamedRule; versions: VersionSet }
  | { kind: 'exclusive'; rule: ExclusiveRule };

export interface Knowledge {
  rules: CompiledRule[];
  /** Package -> rules that can fire when it is present. */
  byPackage: Map<string, CompiledRule[]>;
  /** Package -> requires rules about it (what it declares). */
  requiresOf: Map<string, CompiledRequires[]>;
  /** Package -> the CPython versions its releases have wheels for (narrows what a Python range can install). */
  pythonSupportOf: Map<string, CompiledPythonSupport[]>;
  /** Package -> packages it always installs (with the rows' versions, for `installs`); with `extra`, only when a
   *  requirement of the package asks for that extra (`jax[cuda12]` installs jax-cuda12-plugin). */
  installs: Map<string, { versions: VersionSet; packages: string[]; extra?: string }[]>;
  /** Code -> rule, for docs and hovers. */
  byCode: Map<string, Rule>;
  /** Companion package -> (companion rule) for mapping companion versions to the anchor's. */
  companions: Map<string, CompiledRequires>;
  /** The metadata snapshot: what releases declare. Its facts replace the hand rows for the packages it covers
   *  (src/core/metadata/derive.ts builds the per-check view). */
  metadata?: MetadataProvider;
  /** Package -> the versions known to exist (up to the snapshot's newest, when that is the registry's newest): the
   *  top of this set is what a fresh install takes. Set on the per-check view only. */
  current?: Map<string, VersionSet>;
  /** Package -> its yanked releases (PEP 592), from the snapshot: what pip passes over for a range (yanked.ts
   *  passOverYanked). Set on the per-check view only. */
  yanked?: Map<string, VersionSet>;
}

export function compileKnowledge(families: readonly RuleFamily[], metadata?: MetadataProvider): Knowledge {
  const k: Knowledge = { rules: [], byPackage: new Map(), requiresOf: new Map(), pythonSupportOf: new Map(), installs: new Map(), byCode: new Map(), companions: new Map(), ...(metadata ? { metadata } : {}) };
  const index = (pkg: string, rule: CompiledRule) => {
    const list = k.byPackage.get(pkg);
    if (list) { if (!list.includes(rule)) list.push(rule); } else k.byPackage.set(pkg, [rule]);
  };
  for (const family of families) {
    for (const rule of family.rules) {
      for (const code of ruleCodes(rule)) k.byCode.set(code, rule);
      switch (rule.kind) {
        case 'incompatible': {
          const c = lazily({ rule } as CompiledIncompatible, 'when', () =>
            new Map(Object.entries(rule.when).map(([p, w]) => [p, VersionSet.fromSpecifierSet(w.versions)])));
          const compiled: CompiledRule = { kind: 'incompatible', c };
          k.rules.push(compiled);
          for (const p of Object.keys(rule.when)) index(p, compiled);
          break;
        }
        case 'requires': {
          const c = lazily({ rule } as CompiledRequires, 'rows', () => rule.rows.map((row) => ({
            versions: VersionSet.fromSpecifierSet(row.versions),
            requires: new Map(Object.entries(row.requires).map(([p, s]) => [p, VersionSet.fromSpecifierSet(s)])),
            raw: row,
            extra: row.extra,
            ...(row.python !== undefined ? { python: VersionSet.fromSpecifierSet(row.python) } : {}),
            ...(rule.failure !== 'resolver' ? { importCheck: true as const } : {}),
          })));
          lazily(c, 'known', () => VersionSet.unionAll(c.rows.map((r) => r.versions)));
          const compiled: CompiledRule = { kind: 'requires', c };
          k.rules.push(compiled);
          index(rule.package, compiled);
          push(k.requiresOf, rule.package, c);
          if (rule.companion) k.companions.set(rule.package, c);
          if (rule.installs?.length) push(k.installs, rule.package, lazily({ packages: rule.installs } as { versions: VersionSet; packages: string[] }, 'versions', () => c.known));
          break;
        }
        case 'python-support': {
          const c = lazily({ rule } as CompiledPythonSupport, 'rows', () => rule.rows.map((row) => ({
            versions: VersionSet.fromSpecifierSet(row.versions), python: VersionSet.fromSpecifierSet(row.python), raw: row,
          })));
          lazily(c, 'known', () => VersionSet.unionAll(c.rows.map((r) => r.versions)));
          const compiled: CompiledRule = { kind: 'python-support', c };
          k.rules.push(compiled);
          index(rule.package, compiled);
          push(k.pythonSupportOf, rule.package, c);
          break;
        }
        case 'accelerator-variant': {
          const compiled: CompiledRule = { kind: 'accelerator-variant', rule };
          k.rules.push(compiled);
          for (const p of rule.packages) index(p, compiled);
          break;
        }
        case 'renamed': {
          const compiled = lazily({ kind: 'renamed', rule } as Extract<CompiledRule, { kind: 'renamed' }>, 'versions', () => VersionSet.fromSpecifierSet(rule.versions ?? ''));
          k.rules.push(compiled);
          index(rule.package, compiled);
          break;
        }
        case 'exclusive': {
          const compiled: CompiledRule = { kind: 'exclusive', rule };
          k.rules.push(compiled);
          for (const p of rule.packages) index(p, compiled);
          break;
        }
      }
    }
  }
  return k;
}

/**
 * Defines `key` on `target` as computed on first read (then an ordinary property): a one-shot CLI run reads the
 * version sets of the few rules its packages trigger, so the others are never parsed.
 */
function lazily<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): T {
  Object.defineProperty(target, key, {
    configurable: true, enumerable: true,
    get() {
      const value = compute();
      Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: true });
      return value;
    },
    set(value: T[K]) {
      Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: true });
    },
  });
  return target;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function ruleCode(rule: CompiledRule): string {
  return 'c' in rule ? rule.c.rule.code : rule.rule.code;
}

/** The rule a compiled rule was made from. */
export function ruleOf(compiled: CompiledRule): Rule {
  return 'c' in compiled ? compiled.c.rule : compiled.rule;
}

const PLATFORM_NAMES: Record<Platform, string> = { linux: 'Linux', windows: 'Windows', macos: 'macOS' };

/** A platform-specific fact holds when the target platform is one of its platforms, or unknown. */
export function appliesOnPlatform(rule: Rule, platform: Platform | undefined): boolean {
  return !rule.platforms || !platform || rule.platforms.includes(platform);
}

/** "On Windows: " before a platform-specific fact's message (it may be read by someone on another platform). */
export function platformPrefix(rule: Rule): string {
  return rule.platforms ? `On ${rule.platforms.map((p) => PLATFORM_NAMES[p]).join(' and ')}: ` : '';
}
