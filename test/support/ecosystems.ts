// What the resolver tests share: metadata for small literal ecosystems, and the real-project corpus and example
// projects read against the bundled metadata snapshot.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkProject, knowledgeFrom } from '../../src/core/engine/check';
import type { Environment } from '../../src/core/engine/environment';
import type { Knowledge } from '../../src/core/engine/knowledge';
import type { PackageMetadata } from '../../src/core/metadata/types';
import { bundledFamilies } from '../../src/core/rules/bundled';
import { NodeMetadata } from '../../src/node/metadata';
import { loadProject } from '../../src/node/project';

export const REPO = join(import.meta.dirname, '..', '..');

export type Rel = { versions: string[]; requires_dist: string[]; requires_python?: string; source: string };

/** One release of a literal ecosystem. */
export const rel = (v: string, requires_dist: string[] = [], requires_python?: string): Rel =>
  ({ versions: [v], requires_dist, ...(requires_python ? { requires_python } : {}), source: 'test' });

/** A package of a literal ecosystem, complete through its last release. */
export const meta = (name: string, releases: Rel[]): PackageMetadata =>
  ({ format: 1, name, snapshot_date: '2026-12-06', complete_through: releases[releases.length - 1].versions[0], releases });

/** The bundled snapshot, the knowledge compiled over it, and the snapshot as a resolver's source. */
export function bundledSnapshot() {
  const metadata = new NodeMetadata(join(REPO, 'metadata'));
  return { metadata, knowledge: knowledgeFrom(bundledFamilies, metadata), snapshot: (n: string) => metadata.get(n) };
}

/** The corpus's broken and clean projects, then the example projects, as folders. */
export function corpusDirs(): string[] {
  return [
    ...['broken', 'clean'].flatMap((k) => readdirSync(join(REPO, 'test/fixtures/real-projects', k)).map((d) => join(REPO, 'test/fixtures/real-projects', k, d))),
    ...readdirSync(join(REPO, 'examples')).map((d) => join(REPO, 'examples', d)),
  ].filter((d) => statSync(d).isDirectory());
}

/** Each environment of each folder (the corpus and the example projects unless told), as a check of it makes them. */
export async function* corpusEnvironments(knowledge: Knowledge, dirs = corpusDirs()): AsyncGenerator<{ dir: string; env: Environment }> {
  for (const dir of dirs) {
    const { environments } = await checkProject(await loadProject([dir], REPO, knowledge));
    for (const env of environments) yield { dir, env };
  }
}
