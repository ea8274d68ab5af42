// Shared by the engine tests: check a small in-memory project with the bundled rules.
import { checkProject, knowledgeFrom, type CheckResult } from '../../../src/core/engine/check';
import type { CheckSettings } from '../../../src/core/engine/config';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import type { Finding } from '../../../src/core/types';
import { NodeMetadata } from '../../../src/node/metadata';
import { join } from 'node:path';

// The product's knowledge: the rules with the metadata snapshot that ships beside them (metadata/, when present).
export const knowledge = knowledgeFrom(bundledFamilies, new NodeMetadata(join(__dirname, '..', '..', '..', 'metadata')));

export const ROOT = '/project';

export function toInput(files: Record<string, string>, settings?: CheckSettings) {
  return {
    files: Object.entries(files).map(([p, text]) => ({ path: `${ROOT}/${p}`, text })),
    readFile: async (p: string) => files[p.slice(ROOT.length + 1)],
    knowledge,
    settings,
  };
}

/** Checks, and holds every message it produces to the plain-words standard (messageProblems): each engine test's
 *  manifests are scanned that way too. */
export async function check(files: Record<string, string>, settings?: CheckSettings): Promise<CheckResult> {
  const result = await checkProject(toInput(files, settings));
  const problems = result.files.flatMap((f) => f.findings.flatMap(messageProblems));
  if (problems.length) throw new Error(`messages that are not plain words:\n${problems.join('\n')}`);
  return result;
}

/** The in-house words messages once used, with the plain ones to use instead. */
export const IN_HOUSE: [RegExp, string][] = [[/\badmit(s|ted|ting)?\b/i, 'allows'], [/\bfresh install/i, 'a new install today would pick']];

/**
 * What is wrong with a finding's text for the Problems panel and the CLI's JSON, which show it as it is: Markdown
 * (backticks, emphasis, links) or in-house words. Covers the message, merged reasons, related locations and fix titles.
 */
export function messageProblems(f: Finding): string[] {
  const texts = [f.message, ...(f.reasons ?? []).map((r) => r.message), ...(f.related ?? []).map((r) => r.message), ...f.fixes.map((x) => x.title)];
  const out: string[] = [];
  for (const t of texts) {
    if (/`/.test(t)) out.push(`${f.code}: backticks in "${t}"`);
    if (/\*\*|\]\(/.test(t)) out.push(`${f.code}: Markdown in "${t}"`);
    for (const [word, plain] of IN_HOUSE) if (word.test(t)) out.push(`${f.code}: "${word.exec(t)![0]}" (say "${plain}") in "${t}"`);
  }
  return out;
}

export function findings(result: CheckResult, file?: string): (Finding & { path: string })[] {
  return result.files
    .filter((f) => !file || f.path === `${ROOT}/${file}`)
    .flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path.slice(ROOT.length + 1) })));
}

/** The finding a rule's code names: its own, or the merged one that lists it among its reasons. */
export function findingFor(result: CheckResult, code: string): (Finding & { path: string }) | undefined {
  return findings(result).find((x) => x.code === code || x.reasons?.some((r) => r.code === code));
}
