// Every code a rule answers to: its own, and for an accelerator-variant rule the code of each finding it makes
// (unknown build, missing index, mixed builds, wrong accelerator). Settings, docs pages and the index go by these.
import type { Rule } from './types';

export function ruleCodes(rule: Rule): string[] {
  if (rule.kind !== 'accelerator-variant') return [rule.code];
  return [...new Set([rule.code, ...Object.values(rule.codes).filter((c): c is string => !!c)])];
}
