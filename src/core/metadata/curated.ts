// Curated rules keep what metadata does not say (removed APIs, ABI breaks, stub packages) and, for releases the
// snapshot does not describe, declared facts (docs/metadata.md, "Curated rows beside the snapshot"). Three checks keep
// the two sources from drifting apart:
// - every release a curated fact names exists where the snapshot covers the package (a version that does not is a
//   typo or a guess);
// - where a curated row and the snapshot speak about the same release, they agree;
// - no curated row is dead: the engine reads the snapshot in place of the hand rows for every release it describes
//   (derive.ts), so a row whose releases the snapshot covers is a second, unread home for the fact, and no row about a
//   covered package is open-ended (it would extend to releases nobody has read).
import { parseVersion } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import type { Knowledge } from '../engine/knowledge';
import type { RuleFamily } from '../rules/types';
import { declaredAcross, pythonMinors, withMetadata } from './derive';
import { provesEveryAbsence, pythonsOf, versionStatus, type MetadataProvider } from './provider';

export interface CuratedVersionProblem {
  code: string;
  package: string;
  version: string;
  where: string;
}

/** Versions a specifier names as releases: `==X` and the floor of `>=X` (final releases only; `<X` is a boundary). */
function namedInSpecifier(spec: string): string[] {
  const out: string[] = [];
  for (const clause of spec.split(',')) {
    const m = /^\s*(==|>=)\s*([0-9][0-9A-Za-z.+!]*)\s*$/.exec(clause);
    if (!m || m[2].endsWith('.*')) continue;
    const v = parseVersion(m[2]);
    if (v && !v.pre && v.dev === undefined && !v.local) out.push(m[2]);
  }
  return out;
}

export function curatedVersionProblems(families: readonly RuleFamily[], provider: MetadataProvider): CuratedVersionProblem[] {
  const problems: CuratedVersionProblem[] = [];
  const check = (code: string, pkg: string, version: string, where: string) => {
    const meta = provider.get(pkg);
    if (meta && versionStatus(meta, version) === 'nonexistent') problems.push({ code, package: pkg, version, where });
  };
  const specifier = (code: string, pkg: string, spec: string, where: string) => {
    for (const v of namedInSpecifier(spec)) check(code, pkg, v, where);
  };
  for (const family of families) {
    for (const rule of family.rules) {
      if (rule.kind === 'incompatible') {
        for (const [pkg, cond] of Object.entries(rule.when)) {
          if (cond.first) check(rule.code, pkg, cond.first, `when.${pkg}.first`);
          if (cond.last) check(rule.code, pkg, cond.last, `when.${pkg}.last`);
          specifier(rule.code, pkg, cond.versions, `when.${pkg}.versions`);
        }
        for (const [i, fix] of rule.fixes.entries()) if (fix.kind === 'raise-floor') check(rule.code, fix.package, fix.version, `fixes[${i}].version`);
      } else if (rule.kind === 'renamed' && rule.versions) {
        specifier(rule.code, rule.package, rule.versions, 'versions');
      } else if (rule.kind === 'requires') {
        for (const [i, row] of rule.rows.entries()) {
          specifier(rule.code, rule.package, row.versions, `rows[${i}].versions`);
          for (const [dep, spec] of Object.entries(row.requires)) specifier(rule.code, dep, spec, `rows[${i}].requires.${dep}`);
        }
      } else if (rule.kind === 'python-support') {
        for (const [i, row] of rule.rows.entries()) specifier(rule.code, rule.package, row.versions, `rows[${i}].versions`);
      } else if (rule.kind === 'accelerator-variant') {
        for (const v of Object.keys(rule.variants)) check(rule.code, rule.packages[0], v, `variants.${v}`);
      }
    }
  }
  return problems;
}

export interface CuratedDisagreement {
  code: string;
  row: number;
  release: string;
  curated: string;
  snapshot: string;
}

const MINORS = ['3.6', '3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.15'];
const minorsOf = (python: VersionSet) => MINORS.filter((m) => python.intersects(VersionSet.fromSpecifierSet(`==${m}.*`)));

/**
 * Where a curated row and the snapshot speak about the same release, whether they agree. A requires row of a
 * resolver rule may state less than the release declares (the `<1.0` cap of a range whose floors rise per release),
 * never more: every version the release accepts, the row accepts too, and a package the row names is one the release
 * declares. A Python row names the Pythons the wheels cover: the same as the snapshot's wheels (when the summary
 * proves every absence), within what its Requires-Python admits, and never fewer than a listing showed wheels for.
 */
export function curatedDisagreements(families: readonly RuleFamily[], provider: MetadataProvider): CuratedDisagreement[] {
  const out: CuratedDisagreement[] = [];
  const all = pythonMinors(undefined, undefined);
  for (const family of families) {
    for (const rule of family.rules) {
      if ((rule.kind !== 'requires' || rule.failure !== 'resolver') && rule.kind !== 'python-support') continue;
      const pkg = provider.get(rule.package);
      if (!pkg) continue;
      for (const [i, row] of rule.rows.entries()) {
        const versions = VersionSet.fromSpecifierSet(row.versions);
        for (const entry of pkg.releases) {
          for (const release of entry.versions) {
            if (!versions.contains(parseVersion(release)!)) continue;
            const at = (curated: string, snapshot: string) => out.push({ code: rule.code, row: i, release, curated, snapshot });
            if (rule.kind === 'python-support') {
              const curated = minorsOf(VersionSet.fromSpecifierSet(rule.rows[i].python));
              // Wheels seen for a CPython, even in a listing that is only a lower bound, refute a row that denies it.
              const denied = (entry.wheels?.python ?? []).filter((m) => MINORS.includes(m) && !curated.includes(m));
              if (denied.length) {
                at(`Python ${curated.join(', ')}`, `wheels for Python ${denied.join(', ')} (${entry.source})`);
                continue;
              }
              const py = pythonsOf(entry);
              if (!py) continue;
              // Only a summary that proves every absence can equal a row; otherwise the row lies within it.
              const agrees = provesEveryAbsence(entry) ? curated.join() === py.join() : curated.every((m) => py.includes(m));
              if (!agrees) at(`Python ${curated.join(', ')}`, `Python ${py.join(', ')} (${entry.source})`);
              continue;
            }
            if (!entry.requires_dist) continue;
            const r = rule.rows[i] as (typeof rule.rows)[number] & { requires: Record<string, string> };
            const rowPython = 'python' in r && r.python !== undefined ? VersionSet.fromSpecifierSet(r.python) : undefined;
            const minors = rowPython ? all.filter((m) => rowPython.intersects(VersionSet.fromSpecifierSet(`==${m}.*`))) : all;
            const declared = declaredAcross(entry, minors);
            for (const [dep, spec] of Object.entries(r.requires)) {
              const d = declared.get(r.extra ? `${dep}[${r.extra}]` : dep);
              // A partial Requires-Dist (a build-time pin from a release matrix) is silent about what it does not name.
              if (!d && entry.requires_dist_partial) continue;
              const curated = VersionSet.fromSpecifierSet(spec);
              if (!d || !d.set.minus(curated).isEmpty()) at(`${dep}${r.extra ? `[${r.extra}]` : ''} "${spec}"`, `${d ? d.text : 'not declared'} (${entry.source})`);
            }
          }
        }
      }
    }
  }
  return out;
}

export interface UnusedCuratedRow {
  code: string;
  row: number;
  versions: string;
  why: 'covered' | 'open-ended';
}

const FAR = parseVersion('99999')!;

/**
 * Curated requires and Python rows (and accelerator builds) about packages the snapshot covers that the engine never reads (the snapshot speaks
 * for every release the row names), or that reach every future release (no upper bound: a range read at some tag
 * applied to releases nobody has read). Asked of the engine itself: the rows left after the snapshot's facts are laid
 * over the knowledge for the package, with every Python minor considered (the most hand rows stay then).
 */
export function unusedCuratedRows(base: Knowledge, families: readonly RuleFamily[]): UnusedCuratedRow[] {
  const provider = base.metadata;
  if (!provider) return [];
  const out: UnusedCuratedRow[] = [];
  const minors = pythonMinors(undefined, undefined);
  for (const family of families) {
    for (const rule of family.rules) {
      if (rule.kind === 'accelerator-variant') {
        // A hand list of builds keeps the releases the snapshot does not list (derive.ts keeps their label arrays).
        const anchor = rule.packages[0];
        if (!provider.get(anchor)) continue;
        const laid = withMetadata(base, [anchor], minors).byPackage.get(anchor)
          ?.find((c) => c.kind === 'accelerator-variant' && c.rule.code === rule.code);
        const kept = laid?.kind === 'accelerator-variant' ? laid.rule.variants : {};
        Object.entries(rule.variants).forEach(([v, labels], i) => {
          if (kept[v] !== labels) out.push({ code: rule.code, row: i, versions: `==${v}`, why: 'covered' });
        });
        continue;
      }
      if (rule.kind !== 'requires' && rule.kind !== 'python-support') continue;
      if (!provider.get(rule.package)) continue;
      const k = withMetadata(base, [rule.package], minors);
      const compiled = rule.kind === 'requires' ? k.requiresOf.get(rule.package) ?? [] : k.pythonSupportOf.get(rule.package) ?? [];
      // What is left of a hand row keeps the row as written (`raw`): derive.ts narrows its versions only.
      const left = compiled.flatMap((c) => c.rows as { raw: unknown; versions: VersionSet }[]);
      for (const [i, row] of rule.rows.entries()) {
        if (!left.some((l) => l.raw === row)) out.push({ code: rule.code, row: i, versions: row.versions, why: 'covered' });
        else if (VersionSet.fromSpecifierSet(row.versions).contains(FAR)) out.push({ code: rule.code, row: i, versions: row.versions, why: 'open-ended' });
      }
    }
  }
  return out;
}
