// Curated rules (what metadata does not say: removed APIs, ABI breaks, stub packages) name releases by version. Where
// the snapshot covers a package, every release they name must exist in it: a version that does not is a typo or a
// guess.
import { parseVersion } from '../pep440';
import type { RuleFamily } from '../rules/types';
import { versionStatus, type MetadataProvider } from './provider';

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
  for (const family of families) {
    for (const rule of family.rules) {
      if (rule.kind === 'incompatible') {
        for (const [pkg, cond] of Object.entries(rule.when)) {
          if (cond.first) check(rule.code, pkg, cond.first, `when.${pkg}.first`);
          if (cond.last) check(rule.code, pkg, cond.last, `when.${pkg}.last`);
          for (const v of namedInSpecifier(cond.versions)) check(rule.code, pkg, v, `when.${pkg}.versions`);
        }
        for (const [i, fix] of rule.fixes.entries()) if (fix.kind === 'raise-floor') check(rule.code, fix.package, fix.version, `fixes[${i}].version`);
      } else if (rule.kind === 'renamed' && rule.versions) {
        for (const v of namedInSpecifier(rule.versions)) check(rule.code, rule.package, v, 'versions');
      }
    }
  }
  return problems;
}
