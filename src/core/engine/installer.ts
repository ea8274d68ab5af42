// The installer of each environment (pip, uv, Poetry, PDM, Pipenv, conda), which indexes it reads, and how to give
// it an index. One place for the per-installer knowledge: an index fix is only a fix when the installer the project
// actually uses then finds the build (a [[tool.uv.index]] does nothing for `pip install .`).
import type { Fix, LocalInstall, PackageIndex, ParsedManifest, TextEdit } from '../types';
import type { Environment, PinnedRequirement } from './environment';
import { formatOf, scopeTraits } from '../formats';
import type { Installer, InstallerName } from '../formats/types';
import { replaceSpecifier } from './edits';
import { displayName } from './messages';
import { pipIndexes } from '../formats/requirements';
import { fileName } from '../paths';
import { clip } from '../redact';
import { applySeverity, type CheckSettings } from './config';
import type { PlacedFinding } from './evaluate';

export type { Installer, InstallerName } from '../formats/types';

const DISPLAY: Record<InstallerName, string> = { pip: 'pip', uv: 'uv', poetry: 'Poetry', pdm: 'PDM', pipenv: 'Pipenv', conda: 'conda', pixi: 'pixi' };

export function installerName(installer: Installer): string {
  return DISPLAY[installer.name];
}

// The install command line has its own module (the editor extension needs it without the manifest formats).
export { installArgv } from './installCommand';

/** Paths whose existence decides a manifest's installer (lock files beside a pyproject.toml). */
export function lockFileCandidates(manifest: ParsedManifest): string[] {
  return formatOf(manifest).lockFileCandidates?.(manifest) ?? [];
}

/** The installer of a manifest's environments, as its format tells (a pyproject's lock file or [tool] table, ...). */
export function installerOf(manifest: ParsedManifest, lockFiles: ReadonlySet<string> = new Set()): Installer {
  return formatOf(manifest).installer(manifest, lockFiles);
}

/** The indexes an installer reads: pip never reads [[tool.uv.index]], [[tool.poetry.source]] or [[tool.pdm.source]]. */
export function readsIndex(installer: Installer, index: PackageIndex): boolean {
  switch (index.kind) {
    case 'uv-index': return installer.name === 'uv';
    case 'poetry-source': return installer.name === 'poetry';
    case 'pdm-source': return installer.name === 'pdm';
    default: return true; // pip options (a pyproject has none; a Pipfile's [[source]] entries are Pipenv's)
  }
}

/**
 * An explicit index (uv `explicit = true`, Poetry `priority = "explicit"`) serves only the packages bound to it; so
 * does a Pipfile's second [[source]]: Pipenv searches the first source only, unless a package names another (`index =`).
 */
export function indexServesPin(index: PackageIndex, pin: PinnedRequirement, installer?: Installer): boolean {
  const bound = index.explicit || (installer?.name === 'pipenv' && index.kind === 'extra-index-url');
  return !bound || (index.name !== undefined && pin.requirement.source === index.name);
}

// ---- index fixes ----

export interface IndexFixContext {
  env: Environment;
  pin: PinnedRequirement;
  /** The index that serves the build (https://download.pytorch.org/whl/rocm5.7) and its label (rocm5.7). */
  url: string;
  label: string;
  manifest: ParsedManifest;
  text: string;
  /** The check's manifests (with the files requirement files include): a fix that pip would not read is not offered. */
  manifests?: ReadonlyMap<string, ParsedManifest>;
}

/**
 * How to give this pin's installer the index, as preferred fixes: the format that writes the pin knows (a pyproject
 * installed with pip is not handled here: pip reads no index from it, see publicVersionFix).
 */
export function indexFixes(c: IndexFixContext): Fix[] {
  const traits = scopeTraits(c.pin.path, c.pin.requirement);
  const fixes = traits.indexFixes?.({ pin: c.pin, manifest: c.manifest, text: c.text, installer: c.env.installer, url: c.url, label: c.label }) ?? [];
  return c.manifests ? fixes.filter((f) => pipReadsAfter(f, c, c.manifests!)) : fixes;
}

/** For an install of requirement files: whether pip reads the index once the fix is made (a later --index-url, in the
 *  file or in one it includes after, would replace it; the fix loop would then add it again and again). */
function pipReadsAfter(fix: Fix, c: IndexFixContext, manifests: ReadonlyMap<string, ParsedManifest>): boolean {
  const root = manifests.get(c.env.path);
  const edits = fix.edits.filter((e) => e.path === c.pin.path);
  if (!root || formatOf(root).includes !== 'tree' || edits.length !== 1 || fix.edits.length !== 1 || !/^\s*--extra-index-url /.test(edits[0].newText)) return true;
  // The fix inserts one `--extra-index-url` line: placed between the lines around it (a half line), without parsing
  // the file again (the parser keeps each path's last read for the next keystroke).
  const at = edits[0].range.start;
  const line = at.line + (at.character > 0 ? 0.5 : -0.5);
  const added: PackageIndex = { kind: 'extra-index-url', url: c.url, range: { start: { line, character: 0 }, end: { line, character: 0 } } };
  const changed = new Map(manifests);
  changed.set(c.pin.path, { ...c.manifest, indexes: [...c.manifest.indexes, added] });
  return pipIndexes(c.env.path, changed).read.includes(added);
}

/** pip requirement file: `--extra-index-url` on a line of its own, where pip reads it (requirementFileEdit). */
export { requirementFileFix } from '../formats/requirements';

// ---- a pyproject installed with pip ----

/** Where a project folder is installed: `pip install .` in a script, `-e .` in a requirement file. */
export interface ProjectInstall {
  manifest: ParsedManifest;
  install: LocalInstall;
  /** The indexes that install reads. */
  indexes: PackageIndex[];
}

export function projectInstalls(manifests: Iterable<ParsedManifest>, projectDir: string): ProjectInstall[] {
  const out: ProjectInstall[] = [];
  for (const m of manifests) {
    for (const install of m.localInstalls ?? []) {
      if (install.resolvedPath === undefined || stripSlash(install.resolvedPath) !== stripSlash(projectDir)) continue;
      const indexes = m.indexes.filter((i) => i.block === undefined || i.block === install.block);
      out.push({ manifest: m, install, indexes });
    }
  }
  return out;
}

/** The edit that gives one project install the index: on its command line, or in its requirement file. */
export function projectInstallEdit(p: ProjectInstall, text: string, url: string): TextEdit | undefined {
  return formatOf(p.manifest).projectInstallIndexEdit?.(p.manifest, text, p.install, url);
}

/**
 * pip reads no index from pyproject.toml. PEP 440 matches `==2.2.0` (no local label) against `2.2.0+rocm5.7`, so the
 * public version keeps the build wherever the project is installed from the index, and the index itself belongs to
 * that install (the requirement file or script). Extra edits give it to installs of the project that lack it.
 */
export function publicVersionFix(pin: PinnedRequirement, version: string, label: string, url: string, text: string | undefined,
  installEdits: { edit: TextEdit; where: string }[]): Fix {
  const pkg = displayName(pin.requirement.normalizedName);
  const also = installEdits.length ? ` and add --extra-index-url ${url} to ${installEdits.map((e) => e.where).join(', ')}` : '';
  return {
    title: `Pin ${pkg}==${version} (the public version: pip takes the ${label} build from the index that installs it)${also}`,
    applicability: 'safe',
    edits: [replaceSpecifier(pin.path, pin.requirement, `==${version}`, text), ...installEdits.map((e) => e.edit)],
  };
}

function stripSlash(p: string): string {
  return p.replace(/\/+$/, '') || '/';
}


export const INDEX_REPLACED = 'index-replaced';

/**
 * Index options of an install that pip never reads (the formats tell, pipIndexes): a later --index-url of a requirement
 * file replaces every index named before it, --extra-index-url ones and the command line's too, and --no-index turns
 * off every one. Warnings at each, naming the option that drops it; a pin that needs the dropped index is an error of
 * its own rule (the environment's indexes are the ones pip reads).
 */
export function replacedIndexFindings(env: Environment, settings: CheckSettings): PlacedFinding[] {
  if (!env.droppedIndexes?.length || env.installer.name !== 'pip') return [];
  const severity = applySeverity(INDEX_REPLACED, 'warning', settings, false);
  if (!severity) return [];
  return env.droppedIndexes.map(({ dropped: d, by }) => {
    const where = `${fileName(by.path)}:${by.index.range.start.line + 1}`;
    const url = clip(d.index.url, 120);
    const message = by.index.kind === 'no-index'
      ? `pip never reads ${url}: --no-index (${where}) turns off every package index for this install; only --find-links locations are read. Remove one of the two.`
      : `pip never reads ${url}: the --index-url at ${where} comes later in the same install and replaces every index named before it (pip keeps only the last --index-url of a requirement file, and drops the indexes read before it: --extra-index-url lines, and the command line's). To read both, keep one --index-url, read first, and add the other with --extra-index-url.`;
    return { path: d.path, finding: { code: INDEX_REPLACED, severity, message, packages: [], range: d.index.range, fixes: [],
      related: [{ path: by.path, range: by.index.range, message: by.index.kind === 'no-index' ? 'turns off every index' : 'replaces it' }] } };
  });
}
