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

export async function check(files: Record<string, string>, settings?: CheckSettings): Promise<CheckResult> {
  return checkProject(toInput(files, settings));
}

export function findings(result: CheckResult, file?: string): (Finding & { path: string })[] {
  return result.files
    .filter((f) => !file || f.path === `${ROOT}/${file}`)
    .flatMap((f) => f.findings.map((x) => ({ ...x, path: f.path.slice(ROOT.length + 1) })));
}
