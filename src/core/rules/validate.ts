// Validates rule families (rules/*.json and project rule files) before they reach the engine. Returns every problem
// found rather than stopping at the first, so a rule author sees them all at once.
import { parseSpecifierSet, parseVersion } from '../pep440';
import { PLATFORMS } from '../settings';
import { APPLICABILITIES, type Applicability } from '../types';
import type { Rule, RuleFamily } from './types';

const FAILURES = new Set(['import', 'runtime', 'resolver', 'no-wheels', 'packaging']);
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);
const KINDS = new Set(['incompatible', 'requires', 'python-support', 'accelerator-variant', 'renamed', 'exclusive']);
const CODE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNonEmptyStr = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

export function validateRuleFamily(input: unknown, origin = 'rules'): { family?: RuleFamily; errors: string[] } {
  const errors: string[] = [];
  if (!isObj(input)) return { errors: [`${origin}: a rule file must be a JSON object`] };
  if (!isNonEmptyStr(input.family)) errors.push(`${origin}: "family" must be a non-empty string`);
  if (!Array.isArray(input.rules)) return { errors: [...errors, `${origin}: "rules" must be an array`] };
  const seen = new Set<string>();
  input.rules.forEach((rule, i) => {
    const where = `${origin}: rules[${i}]${isObj(rule) && isStr(rule.code) ? ` (${rule.code})` : ''}`;
    errors.push(...validateRule(rule, where));
    if (isObj(rule) && isStr(rule.code)) {
      if (seen.has(rule.code)) errors.push(`${where}: duplicate code`);
      seen.add(rule.code);
    }
  });
  return errors.length ? { errors } : { family: input as unknown as RuleFamily, errors };
}

/** Checks one rule; `where` prefixes each message. */
export function validateRule(rule: unknown, where: string): string[] {
  const errors: string[] = [];
  const err = (m: string) => errors.push(`${where}: ${m}`);
  if (!isObj(rule)) return [`${where}: must be an object`];
  if (!isStr(rule.code) || !CODE.test(rule.code)) err('"code" must be kebab-case');
  if (!KINDS.has(rule.kind as string)) err(`"kind" must be one of ${[...KINDS].join(', ')}`);
  if (!isNonEmptyStr(rule.title)) err('"title" is required');
  if (!FAILURES.has(rule.failure as string)) err(`"failure" must be one of ${[...FAILURES].join(', ')}`);
  if (!isNonEmptyStr(rule.message)) err('"message" is required');
  if (!isNonEmptyStr(rule.explanation)) err('"explanation" is required');
  if (rule.maxSeverity !== undefined && !SEVERITIES.has(rule.maxSeverity as string)) err('"maxSeverity" is not a severity');
  if (rule.platforms !== undefined && (!Array.isArray(rule.platforms) || !rule.platforms.length || !rule.platforms.every((p) => (PLATFORMS as readonly unknown[]).includes(p)))) {
    err(`"platforms" must list some of ${PLATFORMS.join(', ')}`);
  }
  if (!Array.isArray(rule.sources) || rule.sources.length === 0 || !rule.sources.every(isNonEmptyStr)) {
    err('"sources" must list at least one checkable source');
  }
  errors.push(...validateExamples(rule.examples, where));
  const spec = (v: unknown, what: string) => {
    if (!isStr(v) || parseSpecifierSet(v) === null) err(`${what} is not a PEP 440 specifier set: ${JSON.stringify(v)}`);
  };
  const version = (v: unknown, what: string) => {
    if (!isStr(v) || parseVersion(v) === null) err(`${what} is not a PEP 440 version: ${JSON.stringify(v)}`);
  };
  const name = (v: unknown, what: string) => {
    if (!isStr(v) || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v)) err(`${what} must be a normalized package name`);
  };
  switch (rule.kind) {
    case 'incompatible': {
      name(rule.target, '"target"');
      if (!isObj(rule.when) || Object.keys(rule.when).length < 2) err('"when" needs at least two packages');
      else {
        if (isStr(rule.target) && !(rule.target in rule.when)) err('"target" must be one of the "when" packages');
        for (const [pkg, cond] of Object.entries(rule.when)) {
          name(pkg, `when.${pkg}`);
          if (!isObj(cond)) { err(`when.${pkg} must be an object`); continue; }
          spec(cond.versions, `when.${pkg}.versions`);
          if (cond.last !== undefined) version(cond.last, `when.${pkg}.last`);
          if (cond.first !== undefined) version(cond.first, `when.${pkg}.first`);
        }
      }
      if (rule.within !== undefined) {
        if (!Array.isArray(rule.within) || !rule.within.every((p) => isStr(p) && isObj(rule.when) && p in rule.when)) err('"within" must list "when" packages');
      }
      if (!Array.isArray(rule.fixes) || rule.fixes.length === 0) err('"fixes" must offer at least one fix');
      else {
        const safe = rule.fixes.filter((f) => isObj(f) && f.applicability === 'safe').length;
        if (safe !== 1) err('exactly one fix must have "applicability": "safe"');
        rule.fixes.forEach((f, i) => {
          if (!isObj(f)) return err(`fixes[${i}] must be an object`);
          name(f.package, `fixes[${i}].package`);
          if (f.applicability !== undefined && !APPLICABILITIES.includes(f.applicability as Applicability)) err(`fixes[${i}].applicability must be ${APPLICABILITIES.join(', ')}`);
          if (f.kind === 'raise-floor') version(f.version, `fixes[${i}].version`);
          else if (f.kind === 'cap') version(f.below, `fixes[${i}].below`);
          else if (f.kind === 'require') spec(f.specifier, `fixes[${i}].specifier`);
          else err(`fixes[${i}].kind must be raise-floor, cap or require`);
          if (f.offeredWhen !== undefined) {
            if (!isObj(f.offeredWhen) || !Object.keys(f.offeredWhen).length) err(`fixes[${i}].offeredWhen must map packages to specifier sets`);
            else for (const [pkg, s] of Object.entries(f.offeredWhen)) { name(pkg, `fixes[${i}].offeredWhen key`); spec(s, `fixes[${i}].offeredWhen.${pkg}`); }
          }
        });
      }
      break;
    }
    case 'requires':
    case 'python-support': {
      name(rule.package, '"package"');
      // Empty rows: the rule names the facts (code, message, explanation) and the metadata snapshot supplies them.
      if (!Array.isArray(rule.rows)) { err('"rows" must be an array'); break; }
      rule.rows.forEach((row, i) => {
        if (!isObj(row)) return err(`rows[${i}] must be an object`);
        spec(row.versions, `rows[${i}].versions`);
        if (row.extra !== undefined && (rule.kind !== 'requires' || !isStr(row.extra) || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(row.extra))) {
          err(`rows[${i}].extra must be a normalized extra name (requires rules only)`);
        }
        if (rule.kind === 'python-support' || row.python !== undefined) spec(row.python, `rows[${i}].python`);
        else if (!isObj(row.requires)) err(`rows[${i}].requires must be an object`);
        else for (const [pkg, s] of Object.entries(row.requires)) { name(pkg, `rows[${i}].requires key`); spec(s, `rows[${i}].requires.${pkg}`); }
      });
      break;
    }
    case 'accelerator-variant': {
      if (!Array.isArray(rule.packages) || rule.packages.length === 0) err('"packages" must not be empty');
      else rule.packages.forEach((p, i) => name(p, `packages[${i}]`));
      if (!isObj(rule.variants)) err('"variants" must map versions to local labels');
      else for (const [v, labels] of Object.entries(rule.variants)) {
        version(v, `variants key ${v}`);
        if (!Array.isArray(labels) || !labels.every(isNonEmptyStr)) err(`variants.${v} must list labels`);
      }
      if (!isStr(rule.indexUrl) || !rule.indexUrl.includes('{variant}')) err('"indexUrl" must contain {variant}');
      if (!isObj(rule.codes) || !['unknownVariant', 'missingIndex', 'mixedVariants'].every((k) => isStr((rule.codes as Obj)[k]))) {
        err('"codes" must name unknownVariant, missingIndex and mixedVariants');
      } else if ((rule.codes as Obj).wrongAccelerator !== undefined && !isStr((rule.codes as Obj).wrongAccelerator)) {
        err('"codes.wrongAccelerator" must be a code');
      }
      break;
    }
    case 'renamed':
      name(rule.package, '"package"');
      if (rule.versions !== undefined) spec(rule.versions, '"versions"');
      if (rule.replacement !== undefined) name(rule.replacement, '"replacement"');
      break;
    case 'exclusive':
      if (!Array.isArray(rule.packages) || rule.packages.length < 2) err('"packages" needs at least two names');
      else rule.packages.forEach((p, i) => name(p, `packages[${i}]`));
      break;
  }
  return errors;
}

function validateExamples(examples: unknown, where: string): string[] {
  const errors: string[] = [];
  if (!isObj(examples) || !Array.isArray(examples.fires) || !Array.isArray(examples.passes)) {
    return [`${where}: "examples" needs "fires" and "passes" arrays`];
  }
  if (examples.fires.length === 0) errors.push(`${where}: needs at least one example that fires`);
  if (examples.passes.length === 0) errors.push(`${where}: needs at least one example that must not fire`);
  for (const [list, items] of [['fires', examples.fires], ['passes', examples.passes]] as const) {
    items.forEach((ex, i) => {
      if (!isObj(ex) || !isObj(ex.files) || Object.keys(ex.files).length === 0 || !Object.values(ex.files).every(isStr)) {
        errors.push(`${where}: examples.${list}[${i}].files must map paths to text`);
      } else if (list === 'fires' && !SEVERITIES.has(ex.severity as string)) {
        errors.push(`${where}: examples.fires[${i}].severity is required`);
      }
    });
  }
  return errors;
}

export type { Rule };
