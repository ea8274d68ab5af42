// Build step: every rule family in rules/ must pass the schema, and rule codes must be unique across families.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    const all = rule.kind === 'accelerator-variant' ? [rule.code, ...Object.values(rule.codes).filter((c): c is string => !!c)] : [rule.code];
    for (const code of all) {
      if (codes.has(code) && codes.get(code) !== file) errors.push(`rules/${file}: code ${code} is also used in rules/${codes.get(code)}`);
      codes.set(code, file);
    }
  }
}
if (errors.length) {
  console.error(`Rule validation failed:\n${errors.map((e) => `  ${e}`).join('\n')}`);
  process.exit(1);
}
if (process.argv.includes("--verbose")) console.log(`rules: ${count} rules valid`);
