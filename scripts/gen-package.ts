// Build step: writes the generated parts of package.json (activation events, settings) and .pre-commit-hooks.yaml
// (the hook's `files`) from the sources (scripts/package-files.ts says what). A file is written only when it changed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FORMATS } from '../src/core/formats';
import { packageJsonText, preCommitHooksText, reportedRuleCodes } from './package-files';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const update = (name: string, make: (text: string) => string) => {
  const file = join(root, name);
  const text = readFileSync(file, 'utf8');
  const next = make(text);
  if (next !== text) writeFileSync(file, next);
};
update('package.json', (text) => packageJsonText(text, { formats: FORMATS, ruleCodes: reportedRuleCodes() }));
update('.pre-commit-hooks.yaml', (text) => preCommitHooksText(text, FORMATS));
