// package.json's settings as the Settings editor and settings.json show them: rule codes are completed and validated
// from the codes ML Pins reports (the bundled rules' and the built-in ones), `enable` comes first, and descriptions
// with code spans render as Markdown.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILT_IN_RULES } from '../../src/core/rules/builtin';
import { bundledFamilies } from '../../src/core/rules/bundled';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, Record<string, unknown>>;

/** Every code ML Pins reports: the bundled rules' codes and the built-in ones (each has a rule page). */
function reportedCodes(): string[] {
  const codes = Object.keys(BUILT_IN_RULES);
  for (const family of bundledFamilies) {
    for (const rule of family.rules) {
      codes.push(...(rule.kind === 'accelerator-variant' ? [rule.code, ...Object.values(rule.codes).filter((c): c is string => !!c)] : [rule.code]));
    }
  }
  return [...new Set(codes)].sort();
}

test('mlPins.disabledRules and mlPins.severityOverrides complete and validate every reported rule code', () => {
  const codes = reportedCodes();
  const disabled = props['mlPins.disabledRules'] as { items: { enum: string[] } };
  const overrides = props['mlPins.severityOverrides'] as { propertyNames: { enum: string[] }; additionalProperties: { enum: string[] } };
  const hint = 'npm run build writes both enums into package.json (scripts/gen-rule-docs.ts): commit the change';
  assert.deepEqual(disabled.items.enum, codes, hint);
  assert.deepEqual(overrides.propertyNames.enum, codes, hint);
  assert.deepEqual(overrides.additionalProperties.enum, ['error', 'warning', 'information', 'hint', 'off']);
});

test('mlPins.enable comes first in the Settings editor', () => {
  const orders = Object.entries(props).filter(([, p]) => typeof p.order === 'number');
  assert.deepEqual(orders.map(([k]) => k), ['mlPins.enable'], 'only enable is ordered: the rest follow alphabetically');
});

test('descriptions with code spans or links are markdownDescription (plain description shows raw backticks)', () => {
  for (const [key, p] of Object.entries(props)) {
    assert.ok(typeof p.description === 'string' || typeof p.markdownDescription === 'string', `${key} has no description`);
    if (typeof p.description === 'string') assert.doesNotMatch(p.description, /[`*]|\]\(/, `${key}: use markdownDescription`);
  }
});
