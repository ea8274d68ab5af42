// What ships is what is validated and documented: bundled.ts holds exactly the families of rules/, as written.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { bundledFamilies } from '../../../src/core/rules/bundled';

test('bundled.ts ships every family in rules/ and nothing else', () => {
  const dir = join(__dirname, '..', '..', '..', 'rules');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { family: string });
  const byName = (xs: readonly { family: string }[]) => [...xs].sort((a, b) => a.family.localeCompare(b.family));
  assert.deepEqual(byName(bundledFamilies), byName(files));
});
