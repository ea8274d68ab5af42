// Which manifests of a workspace folder are checked together. Findings cross files only within a folder tree (a
// pyproject.toml and what sits in its folder or below, a requirement file and what it includes), so the server
// checks each tree on its own: a file's group is the top-most folder above it (or its own) that holds a manifest,
// and groups that include each other's files are joined. A keystroke then re-checks one group, not a thousand
// folders, and an open file's group is checked first. The CLI checks the whole folder at once; the findings agree
// (test/server/groups.test.ts compares them).

import type { CheckResult } from '../core/engine/check';
import type { CheckBasis } from './basis';
import { DEFAULT_VIEW } from './live';

const dirname = (path: string) => {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
};

export class Grouping {
  private readonly paths = new Set<string>();
  /** Pairs of paths that are checked together although they sit in separate trees (an include across folders). */
  private readonly links: [string, string][] = [];
  private cache?: Assignment;

  get size(): number {
    return this.paths.size;
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** true when the path was not a member. */
  add(path: string): boolean {
    if (this.paths.has(path)) return false;
    this.paths.add(path);
    this.cache = undefined;
    return true;
  }

  remove(path: string): boolean {
    if (!this.paths.delete(path)) return false;
    this.cache = undefined;
    return true;
  }

  /** Joins the groups of two members; true when they were apart. */
  link(a: string, b: string): boolean {
    if (!this.paths.has(a) || !this.paths.has(b) || this.groupOf(a) === this.groupOf(b)) return false;
    this.links.push([a, b]);
    this.cache = undefined;
    return true;
  }

  /** The group of a member, or of a path that is not one (where it would belong); undefined when no manifest is above it. */
  groupOf(path: string): string | undefined {
    const a = this.assign();
    const own = a.groups.get(path);
    if (own !== undefined) return own;
    const root = a.top(dirname(path));
    return root === undefined ? undefined : a.joined.get(root) ?? root;
  }

  /** Group -> its members. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [path, group] of this.assign().groups) {
      const list = out.get(group);
      if (list) list.push(path); else out.set(group, [path]);
    }
    return out;
  }

  /** path -> group, computed again when membership or links changed: files x depth. */
  private assign(): Assignment {
    if (this.cache) return this.cache;
    const dirs = new Set<string>();
    for (const p of this.paths) dirs.add(dirname(p));
    const topOf = new Map<string, string | undefined>(); // dir -> the top-most manifest folder above it or itself
    const top = (dir: string): string | undefined => {
      if (topOf.has(dir)) return topOf.get(dir);
      const parent = dirname(dir);
      const above = dir && parent !== dir ? top(parent) : undefined;
      const result = above ?? (dirs.has(dir) ? dir : undefined);
      topOf.set(dir, result);
      return result;
    };
    const roots = new Map<string, string>();
    for (const p of this.paths) roots.set(p, top(dirname(p))!);
    // Union-find over the roots that links join; a set is named by its smallest root.
    const parent = new Map<string, string>();
    const find = (r: string): string => {
      let x = r;
      for (let next = parent.get(x); next !== undefined && next !== x; next = parent.get(x)) x = next;
      return x;
    };
    for (const [a, b] of this.links) {
      const ra = roots.get(a), rb = roots.get(b);
      if (ra === undefined || rb === undefined) continue;
      const fa = find(ra), fb = find(rb);
      if (fa !== fb) { if (fa < fb) parent.set(fb, fa); else parent.set(fa, fb); }
    }
    const joined = new Map<string, string>();
    for (const r of new Set(roots.values())) joined.set(r, find(r));
    const groups = new Map<string, string>();
    for (const [p, r] of roots) groups.set(p, joined.get(r)!);
    return (this.cache = { groups, joined, top });
  }
}

interface Assignment {
  groups: Map<string, string>;
  joined: Map<string, string>;
  top: (dir: string) => string | undefined;
}

/** A group of manifests checked together (src/server/groups.ts) in a workspace folder (or a file outside any). */

export class Project {
  version = 1;
  checkedVersion = 0;
  running?: Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
  /** The live indexes' refresh after the last check, waiting for the typing to pause (server.ts, runCheck). */
  liveTimer?: ReturnType<typeof setTimeout>;
  result?: CheckResult;
  /** URIs the last check covered (to clear the ones that went away). */
  files = new Set<string>();
  /** Member paths, as the folder's grouping last assigned them. */
  members: string[] = [];
  /** The live view (./live.ts) the project is checked with: the index sets its environments read. */
  view = DEFAULT_VIEW;
  /** What the last check read (./basis.ts): the hover and the upgrade actions read the same. */
  basis?: CheckBasis;
  readonly key: string;
  readonly base: string;
  constructor(readonly folder: string, readonly root: string) {
    this.key = `${folder}#${root}`;
    this.base = folder.startsWith('file:') ? folder.slice(5) : folder;
  }
}


/** The projects of every workspace folder, and which group each manifest is in. */
export class Projects {
  readonly all = new Map<string, Project>();
  private readonly groupings = new Map<string, Grouping>(); // folder key -> which of its manifests are checked together

  /** `changed`: a project's members changed (it is to be checked again, after `delay`). */
  constructor(private readonly changed: (p: Project, delay?: number) => void) {}

  grouping(folder: string): Grouping {
    let g = this.groupings.get(folder);
    if (!g) this.groupings.set(folder, (g = new Grouping()));
    return g;
  }

  get(folder: string, root: string): Project {
    let p = this.all.get(`${folder}#${root}`);
    if (!p) { p = new Project(folder, root); this.all.set(p.key, p); }
    return p;
  }

  in(folder: string): Project[] {
    return [...this.all.values()].filter((p) => p.folder === folder);
  }

  /** The project of a path, which becomes a member of its folder's grouping. */
  of(folder: string, path: string): Project {
    const g = this.grouping(folder);
    if (g.add(path)) this.regroup(folder);
    return this.get(folder, g.groupOf(path)!);
  }

  /** The project a path is (or would be) in, without adding it. */
  find(folder: string, path: string): Project | undefined {
    const root = this.groupings.get(folder)?.groupOf(path);
    return root === undefined ? undefined : this.all.get(`${folder}#${root}`);
  }

  /** Puts the projects in this order (the background sweep checks stale ones in it). */
  sort(compare: (a: Project, b: Project) => number): void {
    const sorted = [...this.all.values()].sort(compare);
    this.all.clear();
    for (const p of sorted) this.all.set(p.key, p);
  }

  dropFolder(folder: string): void {
    this.groupings.delete(folder);
  }

  /** A project that is gone (its folder removed, its last member closed): its waiting check and live refresh with it,
   *  or the refresh would resolve it and ask its indexes after it went. */
  drop(p: Project): void {
    clearTimeout(p.timer);
    clearTimeout(p.liveTimer);
    p.timer = p.liveTimer = undefined;
    if (this.all.get(p.key) === p) this.all.delete(p.key);
  }

  /** Membership changed: projects whose members changed are checked again (the ones left empty clear their reports). */
  regroup(folder: string, delay?: number): void {
    const now = this.grouping(folder).groups();
    for (const p of this.in(folder)) {
      const members = now.get(p.root) ?? [];
      if (members.length === p.members.length && members.every((m, i) => m === p.members[i])) continue;
      p.members = members;
      this.changed(p, delay);
    }
    for (const [root, members] of now) {
      const p = this.get(folder, root);
      if (!p.members.length && members.length) { p.members = members; this.changed(p, delay); }
    }
  }
}
