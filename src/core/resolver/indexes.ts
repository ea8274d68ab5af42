// The package indexes an environment's installer reads, from its manifests: `--index-url`, `--extra-index-url`,
// `--no-index` and `--find-links` of requirement files and pip commands, `[[tool.uv.index]]` and Poetry sources. The
// CLI adds PIP_INDEX_URL / pip.conf (src/cli/resolve.ts); the language server reads the manifests only.
import type { Environment } from '../engine/environment';
import { isInside } from '../read';
import { posixJoin } from '../formats/requirements/tree';

export const PYPI_SIMPLE = 'https://pypi.org/simple';

export interface IndexSources {
  /** Simple-API roots, primary first; empty with `--no-index`. */
  indexes: string[];
  /** `--find-links` locations: http(s) pages and local folders (absolute paths), as pip reads them. */
  findLinks: string[];
  /** Local find-links folders left out because they lie outside the roots that may be read. */
  refused: string[];
  /** Packages bound to an index by name (uv `[tool.uv.sources]` `index = …`, Poetry `source = …`): normalized name ->
   *  the only index read for it, as uv and Poetry read it. Explicit indexes serve these packages and no others. */
  bound?: Record<string, string[]>;
}

export interface IndexDefaults {
  /** The primary index when the manifests name none (PIP_INDEX_URL, pip.conf); default PyPI. */
  primary?: string;
  extra?: string[];
  /** Folders a local find-links folder must lie in (the checked paths, the workspace folder); unset: any. */
  roots?: string[];
  /** Read find-links folders outside `roots` too (the user allowed reading outside). */
  allowOutside?: boolean;
}

/** One key per set of sources: environments with the same key read the same answers (one client, one cache). */
export function indexSetKey(sources: IndexSources): string {
  return JSON.stringify([sources.indexes, sources.findLinks, ...(sources.bound ? [sources.bound] : [])]);
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function indexSources(env: Pick<Environment, 'indexes' | 'path'> & Partial<Pick<Environment, 'packages'>>, defaults: IndexDefaults = {}): IndexSources {
  let primary = defaults.primary;
  const named = new Map<string, string>(); // uv index / Poetry source name -> URL
  const extra = [...(defaults.extra ?? [])];
  const findLinks: string[] = [];
  const refused: string[] = [];
  let noIndex = false;
  for (const i of env.indexes) {
    if (i.kind === 'index-url') primary = i.url;
    else if (i.kind === 'uv-index' || i.kind === 'poetry-source') {
      if (i.name) named.set(i.name, i.url);
      if (!i.explicit) extra.push(i.url);
    } else if (i.kind === 'extra-index-url') extra.push(i.url);
    else if (i.kind === 'no-index') noIndex = true;
    else if (i.kind === 'find-links') {
      if (/^https?:\/\//i.test(i.url)) { findLinks.push(i.url); continue; }
      if (isUrl(i.url) && !/^file:/i.test(i.url)) continue;
      // A local folder: relative to the manifest, as pip resolves it when that folder exists.
      const path = /^file:/i.test(i.url) ? posixJoin('/', decodeURIComponent(i.url.replace(/^file:\/\/(localhost)?/i, ''))) : posixJoin(dirOf(env.path), i.url);
      if (defaults.roots && !defaults.allowOutside && !defaults.roots.some((r) => isInside(path, r))) refused.push(path);
      else findLinks.push(path);
    }
  }
  const indexes = noIndex ? [] : [primary ?? PYPI_SIMPLE, ...extra.filter((u) => u !== primary)];
  const bound: Record<string, string[]> = {};
  if (!noIndex && named.size) {
    for (const [name, pkg] of env.packages ?? []) {
      for (const pin of pkg.pins) {
        const url = pin.requirement.source !== undefined ? named.get(pin.requirement.source) : undefined;
        if (url) bound[name] = [url];
      }
    }
  }
  return { indexes: [...new Set(indexes)], findLinks: [...new Set(findLinks)], refused, ...(Object.keys(bound).length ? { bound } : {}) };
}
