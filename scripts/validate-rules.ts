// Build step: every rule family in rules/ must pass the schema, rule codes must be unique across families, and
// src/core/rules/bundled.ts must ship exactly the families in rules/ (else one would be validated and documented but
// never reach users).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledFamilies } from '../src/core/rules/bundled';
import { ruleCodes } from '../src/core/rules/codes';
import { validateRuleFamily } from '../src/core/rules/validate';

const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'rules');
const errors: string[] = [];
const codes = new Map<string, string>();
let count = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (e) {
    errors.push(`rules/${file}: not valid JSON: ${(e as Error).message}`);
    continue;
  }
  const { family, errors: problems } = validateRuleFamily(json, `rules/${file}`);
  errors.push(...problems);
  for (const rule of family?.rules ?? []) {
    count++;
    for (const code of ruleCodes(rule)) {
      if (codes.has(code) && codes.get(code) !== file) errors.push(`rules/${file}: code ${code} is also used in rules/${codes.get(code)}`);
      codes.set(code, file);
    }
  }
}
const shipped = new Set(bundledFamilies.map((f) => f.family));
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const family = (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { family?: string }).family;
  if (family && !shipped.delete(family)) errors.push(`rules/${file}: family "${family}" is not in src/core/rules/bundled.ts`);
}
for (const family of shipped) errors.push(`src/core/rules/bundled.ts: family "${family}" has no file in rules/`);
if (errors.length) {
  console.error(`Rule validation failed:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  process.exit(1);
}
if (process.argv.includes("--verbose")) console.log(`rules: ${count} rules valid`);
