// What a resolution hands back (./pip.ts): the packages pip installs, with what the snapshot does not say of them,
// and the requirements of a conflict as pip names them; and the identifiers both use, `name[extra,...]` for a
// package with extras (pip's extras are separate identifiers that depend on exactly their base release).
import type { Cand, Info } from './pip';
import { describes, type Pkg } from './releases';
import type { AdmittedReleases, ConflictCause, ResolvedPackage } from './types';

export function formatIdent(name: string, extras: readonly string[]): string {
  return extras.length ? `${name}[${[...extras].sort().join(',')}]` : name;
}

/** The package name of an identifier (`name` of `name[extra,...]`), without splitting out the extras. */
export function baseOf(ident: string): string {
  const b = ident.indexOf('[');
  return b < 0 ? ident : ident.slice(0, b);
}

export function splitIdent(ident: string): [string, string[]] {
  const b = ident.indexOf('[');
  return b < 0 ? [ident, []] : [ident.slice(0, b), ident.slice(b + 1, -1).split(',')];
}

/** A candidate's version as pip's messages write it: a release's, `newer` for the unknown newer ones, `*` for any. */
export function versionText(c: Cand): string {
  if (c.release) return c.release.text;
  if (c.newer) return 'newer';
  return '*';
}

/** A requirement of a conflict as pip names it ("The conflict is caused by"). */
export function causeOf(info: Info): ConflictCause {
  const req = info.req;
  const parent = info.parent ? { name: info.parent.ident, version: versionText(info.parent) } : undefined;
  if (req.kind === 'python') return { package: 'python', requirement: req.text, parent };
  if (req.kind === 'explicit') return { package: req.cand.name, requirement: req.text, parent };
  const text = `${formatIdent(req.name, req.extras)}${String(req.spec)}`;
  return { package: req.name, requirement: text, parent, origin: req.root?.origin };
}

/** The packages of a resolution's pins (ident -> candidate, in the order pinned): each with its version, extras and
 *  who requires it, and what the snapshot does not know of it (`information`: the requirements on an ident; `pkg`: a
 *  package's releases; `admitted`: what every requirement on it admits, for a pick the snapshot does not describe). */
export function packagesOf(pins: Iterable<[string, Cand]>, information: (ident: string) => readonly Info[], pkg: (name: string) => Pkg,
  admitted: (name: string) => AdmittedReleases): Map<string, ResolvedPackage> {
  const out = new Map<string, ResolvedPackage>();
  for (const [ident, c] of pins) {
    if (c.python) continue;
    const name = c.name;
    let entry = out.get(name);
    if (!entry) {
      entry = { name, extras: [], requiredBy: [] };
      const base = c.base ?? c;
      if (base.release) {
        entry.version = base.release.text;
        if (!base.release.requiresDist || base.release.requiresDistPartial) entry.dependenciesUnknown = true;
        if (base.release.yanked !== undefined) entry.yanked = base.release.yanked;
      } else if (base.newer) {
        const p = pkg(name);
        entry.newerUnknown = p.partialListing ? 'a release the snapshot does not list' : `newer than the snapshot (${p.newestText ?? 'unknown'})`;
        entry.dependenciesUnknown = true;
      }
      if (pkg(name).newestText && base.release) entry.newerUnknown = `the registry lists ${pkg(name).newestText}, newer than the snapshot`;
      if (base.newer || (base.release && !describes(base.release))) entry.admitted = admitted(name);
      out.set(name, entry);
    }
    for (const e of c.extras) if (!entry.extras.includes(e)) entry.extras.push(e);
    for (const i of information(ident)) {
      const by = i.parent ? i.parent.name : '<root>';
      if (by !== name && !entry.requiredBy.includes(by)) entry.requiredBy.push(by);
    }
  }
  return out;
}
