// What each release of a package declares about one companion, as a Markdown table read from its snapshot file: the
// rule pages (scripts/gen-rule-docs.ts) show it in place of hand-copied range tables, which could go stale unseen.
// Generated at build time; the extension shows the generated page and never loads the snapshot for it.
import { parseVersion } from '../pep440';
import { outsideCompleteListing, requirementLine } from './provider';
import { normalizeName, type PackageMetadata, type ReleaseEntry } from './types';

/** One row: consecutive releases of the complete listing that declare the same lines about the companion. */
export interface DeclaredRow {
  versions: string[];
  /** The Requires-Dist lines naming the companion, as published (markers kept); [] = none; undefined = unknown. */
  lines: string[] | undefined;
  /** The sources of the entries in the row, in order, without repeats. */
  sources: string[];
  /** The row's entries speak for exactly their own releases (sparse, or below `complete_from`): never a range. */
  alone: boolean;
}

/** The lines of a release entry naming `dep` (undefined when its Requires-Dist, or that part of it, is unknown). */
export function linesAbout(entry: Pick<ReleaseEntry, 'requires_dist' | 'requires_dist_partial'>, dep: string): string[] | undefined {
  if (!entry.requires_dist) return undefined;
  const name = normalizeName(dep);
  const lines = entry.requires_dist.filter((text) => requirementLine(text)?.name === name);
  return lines.length || !entry.requires_dist_partial ? lines : undefined;
}

/** The entry speaks for its own releases only: a sparse entry, or one outside the complete listing (below `complete_from`). */
function speaksAlone(pkg: PackageMetadata, entry: ReleaseEntry): boolean {
  const first = parseVersion(entry.versions[0]);
  return !!entry.sparse || (!!first && outsideCompleteListing(pkg, first));
}

export function declaredRows(pkg: PackageMetadata, dep: string): DeclaredRow[] {
  const rows: DeclaredRow[] = [];
  for (const entry of pkg.releases) {
    const lines = linesAbout(entry, dep);
    const alone = speaksAlone(pkg, entry);
    const last = rows[rows.length - 1];
    if (last && !alone && !last.alone && JSON.stringify(last.lines) === JSON.stringify(lines)) {
      last.versions.push(...entry.versions);
      if (!last.sources.includes(entry.source)) last.sources.push(entry.source);
    } else {
      rows.push({ versions: [...entry.versions], lines, sources: [entry.source], alone });
    }
  }
  return rows;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The versions a row covers, as its cell says them: "a–b" for a stretch of the complete listing, else each one. */
export function rowVersions(row: DeclaredRow): string {
  if (row.alone) return row.versions.join(', ');
  return row.versions.length === 1 ? row.versions[0] : `${row.versions[0]}–${row.versions[row.versions.length - 1]}`;
}

/** The declared cell: the lines in code spans, or what is known instead. */
export function rowDeclares(row: DeclaredRow, dep: string): string {
  if (row.lines === undefined) return 'unknown (not in the metadata read)';
  if (!row.lines.length) return `no requirement on ${dep}`;
  return row.lines.map((l) => `\`${cell(l)}\``).join('<br>');
}

function rowSources(row: DeclaredRow): string {
  const s = row.sources;
  return cell(s.length <= 2 ? s.join('; ') : `${s[0]} … ${s[s.length - 1]} (${s.length} sources)`);
}

/** The rule page's section: a heading, the table, and what the snapshot does not say (releases newer than it). */
export function declaredTable(pkg: PackageMetadata, dep: string): string {
  const rows = declaredRows(pkg, dep);
  const out = [
    `## What each release declares (metadata snapshot of ${pkg.snapshot_date})`,
    '',
    `The \`Requires-Dist\` lines of each ${pkg.name} release that name ${dep}, as published (markers and extras kept), ` +
      `from \`metadata/packages/${pkg.name}.json\`. Consecutive releases that declare the same share a row; its ` +
      'provenance names the source of each entry it joins (the first and last when there are more than two).',
    '',
    `| ${pkg.name} | ${dep} | provenance |`,
    '|---|---|---|',
    ...rows.map((r) => `| ${cell(rowVersions(r))} | ${rowDeclares(r, dep)} | ${rowSources(r)} |`),
    '',
  ];
  const newest = pkg.registry_newest === undefined ? '' : pkg.registry_newest === pkg.complete_through ? ' (the newest the registry listed)'
    : ` (the registry lists up to ${pkg.registry_newest})`;
  const alone = rows.some((r) => r.alone);
  out.push(`Releases newer than ${pkg.complete_through}${newest} are unknown${alone ? ' unless a row names them' : ''}: nothing is reported on them.` +
    (pkg.complete_from ? ` Below ${pkg.complete_from} only the releases shown are known; the others are unknown too.` : '') +
    (alone ? ' A row that lists releases one by one speaks for exactly those (read from a mirror or from a source that names ' +
      'some releases only); the versions between them are unknown.' : ''));
  return `${out.join('\n')}\n`;
}
