// What the build writes into package.json and .pre-commit-hooks.yaml, as pure functions of the sources: the
// `workspaceContains:` activation events and the hook's `files` pattern from the manifest formats' patterns
// (src/core/formats), `contributes.configuration` from the settings schema (src/core/settings.ts) with the rule codes
// for completion. scripts/gen-package.ts writes them; CI fails when the committed files differ.
import { activationEvents, preCommitFiles } from '../src/core/formats/patterns';
import { BUILT_IN_RULES } from '../src/core/rules/builtin';
import { bundledFamilies } from '../src/core/rules/bundled';
import { ruleCodes } from '../src/core/rules/codes';
import { configurationProperties } from '../src/core/settings';

/** What the generated parts are made from: the formats' patterns and every rule code ML Pins reports. */
export interface PackageSources {
  formats: readonly { activation?: string[]; pathPattern: string }[];
  ruleCodes: readonly string[];
}

/** Every code ML Pins reports (each has a rule page): the bundled rules' codes and the built-in ones, sorted. */
export function reportedRuleCodes(): string[] {
  return [...new Set([...bundledFamilies.flatMap((f) => f.rules.flatMap(ruleCodes)), ...Object.keys(BUILT_IN_RULES)])].sort();
}

/** package.json with its generated parts made from `from`; the rest (and its formatting) as it is. */
export function packageJsonText(text: string, from: PackageSources): string {
  const pkg = JSON.parse(text);
  const others = (pkg.activationEvents as string[]).filter((e) => !e.startsWith('workspaceContains:'));
  pkg.activationEvents = [...activationEvents(from.formats), ...others];
  pkg.contributes.configuration.properties = configurationProperties(from.ruleCodes);
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** .pre-commit-hooks.yaml with the hook's `files` (a single-quoted YAML string) made from the formats. */
export function preCommitHooksText(text: string, formats: PackageSources['formats']): string {
  if (!/^ {2}files: '.*'$/m.test(text)) throw new Error(".pre-commit-hooks.yaml: no `  files: '…'` line");
  return text.replace(/^( {2}files: )'.*'$/m, () => `  files: '${preCommitFiles(formats).replace(/'/g, "''")}'`);
}
