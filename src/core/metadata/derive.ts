// The declared facts of the metadata snapshot as the engine's compiled structures (requires rows, implicit installs,
// Python support, accelerator builds), so evaluate.ts reads them as it reads rules. Where the snapshot speaks about a
// package, the hand-written rows for that package are not used: one source per fact.
import { parseVersion } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import type { MarkerEnvironment } from '../pep508';
import type { AcceleratorRule, PythonSupportRule, RequiresRule, Rule } from '../rules/types';
import type { CompiledPythonSupport, CompiledRequires, CompiledRow, CompiledRule, Knowledge } from '../engine/knowledge';
import { declaredNames, isYanked, lineApplies, outsideCompleteListing, provesEveryAbsence, pythonsOf, releaseOf, requirementLine, variantsOf, type MetadataProvider, type RequirementLine } from './provider';
import type { PackageMetadata, ReleaseEntry } from './types';

/** Code of findings on declared requirements that no curated rule names (`pandas` declares `numpy>=1.26`). */
export const DECLARED_REQUIREMENT = 'declared-requirement';
/** Code of findings on Requires-Python / wheels that no curated rule names. */
export const DECLARED_PYTHON = 'declared-python-unsupported';

const KNOWN_MINORS = [8, 9, 10, 11, 12, 13, 14];

/** The CPython minors a check considers: the target Python, else those the project's Python range admits. */
export function pythonMinors(targetPython: string | undefined, python: VersionSet | undefined): string[] {
  if (targetPython) return [targetPython];
  const all = KNOWN_MINORS.map((m) => `3.${m}`);
  if (!python) return all;
  const some = all.filter((v) => python.intersects(VersionSet.fromSpecifierSet(`==${v}.*`)));
  return some.length ? some : all;
}

interface Overlay {
  knowledge: Knowledge;
  done: Set<string>;
  /** Package -> extra -> the names that extra installs (any release), for the checks that ask for the extra. */
  extraNames: Map<string, Map<string, string[]>>;
}

const overlays = new WeakMap<Knowledge, Map<string, Overlay>>();

/**
 * The knowledge base with the snapshot's facts for `names` (and what they always install, and what the extras
 * `extras` asks for of them install, two levels deep, as computeSets follows implicit installs) in place of the hand
 * rows, for the given Python minors. Extended lazily and cached per base and Python set: a project's environments
 * share one overlay.
 */
export function withMetadata(base: Knowledge, names: Iterable<string>, minors: readonly string[],
  extras?: ReadonlyMap<string, ReadonlySet<string>>): Knowledge {
  const provider = base.metadata;
  if (!provider) return base;
  let byKey = overlays.get(base);
  if (!byKey) overlays.set(base, (byKey = new Map()));
  const key = minors.join(',');
  let overlay = byKey.get(key);
  if (!overlay) {
    const k: Knowledge = {
      ...base,
      byPackage: new Map(base.byPackage), requiresOf: new Map(base.requiresOf), pythonSupportOf: new Map(base.pythonSupportOf),
      installs: new Map(base.installs), byCode: new Map(base.byCode), companions: new Map(base.companions), current: new Map(), yanked: new Map(),
    };
    for (const rule of genericRules()) k.byCode.set(rule.code, rule);
    byKey.set(key, (overlay = { knowledge: k, done: new Set(), extraNames: new Map() }));
  }
  let frontier = [...names];
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: string[] = [];
    for (const name of frontier) {
      if (!overlay.done.has(name)) {
        const pkg = provider.get(name);
        // Not covered is final for a synchronous provider; an asynchronous one may load the package later.
        if (pkg || !provider.preload) overlay.done.add(name);
        if (!pkg) continue;
        const applied = apply(overlay.knowledge, base, pkg, minors);
        next.push(...applied.mentioned);
        if (applied.extraNames.size) overlay.extraNames.set(name, applied.extraNames);
      }
      // The extras a check asks for are its own: followed on every call, not only the one that derived the package.
      if (depth === 0) for (const extra of extras?.get(name) ?? []) next.push(...(overlay.extraNames.get(name)?.get(extra) ?? []));
    }
    frontier = next;
  }
  return overlay.knowledge;
}

/** The names a set of packages brings in by declaration, two levels deep: what a web preload must fetch. */
export function declaredClosure(provider: MetadataProvider, names: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  let frontier = [...names];
  for (let depth = 0; depth < 3 && frontier.length; depth++) {
    const next: string[] = [];
    for (const n of frontier) {
      if (seen.has(n)) continue;
      seen.add(n);
      const pkg = provider.get(n);
      if (pkg) for (const e of pkg.releases) next.push(...declaredNames(e));
    }
    frontier = next;
  }
  return seen;
}

/** Entry i covers its own releases and the versions up to the next entry of the complete listing (those do not exist),
 *  the first one everything below it, the last one up to `complete_through`: versions newer than that stay unknown.
 *  Outside the complete listing (a sparse entry, or below the `complete_from` of a file that lists some releases only)
 *  an entry covers exactly its own releases. */
function entryRanges(pkg: PackageMetadata): { entry: ReleaseEntry; set: VersionSet; raw: string }[] {
  const entries = pkg.releases.filter((e) => e.versions.length);
  const from = pkg.complete_from !== undefined ? parseVersion(pkg.complete_from) : null;
  const listedOnly = (e: ReleaseEntry, v: string) => { const pv = parseVersion(v); return !!e.sparse || (!!pv && outsideCompleteListing(pkg, pv)); };
  const dense = entries.filter((e) => !e.versions.every((v) => listedOnly(e, v)));
  return entries.map((entry) => {
    const raw = entry.versions.length === 1 ? `==${entry.versions[0]}` : `>=${entry.versions[0]},<=${entry.versions[entry.versions.length - 1]}`;
    const own = entry.versions.filter((v) => listedOnly(entry, v));
    let set = VersionSet.unionAll(own.map((v) => VersionSet.fromSpecifierSet(`==${v}`)));
    if (own.length === entry.versions.length) return { entry, set, raw };
    // From the first version's earliest pre-release (X.dev0), so that the pre-releases of a release belong to it.
    const i = dense.indexOf(entry);
    const first = entry.versions.find((v) => !listedOnly(entry, v))!;
    const lower = i === 0 && !from ? '' : `>=${devZero(first)}`;
    const upper = i === dense.length - 1 ? `<=${pkg.complete_through}` : `<${devZero(dense[i + 1].versions[0])}`;
    set = set.union(VersionSet.fromSpecifierSet([lower, upper].filter(Boolean).join(',')));
    return { entry, set, raw };
  });
}

/** `X.dev0` for a final release X (the first version of its line); a pre-, post- or dev release stays itself. */
function devZero(version: string): string {
  const v = parseVersion(version);
  return v && !v.pre && v.post === undefined && v.dev === undefined && !v.local ? `${v.toString()}.dev0` : version;
}

interface Declared { name: string; extra?: string; set: VersionSet; spec: string; text: string }

/** What one release declares of each package under every minor: the union of the per-Python sets; present only
 *  when some requirement applies under every minor considered. Keyed by `name` or `name[extra]`. Only the lines whose
 *  markers read the Python version are evaluated per minor, and minors that answer them alike are read once (exported
 *  for the test that checks this against the plain per-minor reading). */
export function declaredAcross(entry: ReleaseEntry, minors: readonly string[]): Map<string, Declared> {
  const lines: { line: RequirementLine; extra?: string; fixed?: boolean }[] = [];
  for (const text of entry.requires_dist ?? []) {
    const line = requirementLine(text);
    if (!line || line.url) continue;
    if (!line.extras.length) lines.push({ line });
    else for (const extra of line.extras) lines.push({ line, extra });
  }
  const envOf = (m: string): Partial<MarkerEnvironment> => ({ python_version: m, implementation_name: 'cpython', platform_python_implementation: 'CPython' });
  // Lines whose answer is the same under every minor are decided once.
  const first = envOf(minors[0] ?? '');
  for (const l of lines) if (!l.line.pythonDependent) l.fixed = lineApplies(l.line, first, l.extra);
  const classes = new Map<string, boolean[]>();
  for (const m of minors) {
    const env = envOf(m);
    const answers = lines.map((l) => l.fixed ?? lineApplies(l.line, env, l.extra));
    const key = answers.map((a) => (a ? '1' : '0')).join('');
    if (!classes.has(key)) classes.set(key, answers);
  }
  let out: Map<string, Declared> | undefined;
  for (const answers of classes.values()) {
    const here = new Map<string, Declared>();
    lines.forEach(({ line, extra }, i) => {
      if (!answers[i]) return;
      const key = extra ? `${line.name}[${extra}]` : line.name;
      const seen = here.get(key);
      const set = seen ? seen.set.intersect(line.set) : line.set;
      here.set(key, { name: line.name, extra, set, spec: seen ? set.toString() : line.specifier, text: seen ? `${seen.text}, ${line.text}` : line.text });
    });
    if (!out) { out = here; continue; }
    for (const [key, v] of out) {
      const h = here.get(key);
      if (!h) out.delete(key);
      else if (h.text !== v.text) { const set = v.set.union(h.set); out.set(key, { ...v, set, spec: set.toString(), text: `${v.text} | ${h.text}` }); }
    }
  }
  return out ?? new Map();
}

/** What one package's snapshot brings into a check: the names its releases always install, and by extra the names
 *  that extra installs. */
interface Applied { mentioned: string[]; extraNames: Map<string, string[]> }

function apply(k: Knowledge, base: Knowledge, pkg: PackageMetadata, minors: readonly string[]): Applied {
  const name = pkg.name;
  const ranges = entryRanges(pkg);
  const mentioned: string[] = [];
  const extraNames = new Map<string, string[]>();
  const removeHand = (pred: (r: CompiledRule) => boolean) => {
    const list = k.byPackage.get(name);
    if (list) k.byPackage.set(name, list.filter((r) => !pred(r)));
  };

  // ---- requires and implicit installs ----
  const withDist = ranges.filter((r) => r.entry.requires_dist);
  if (withDist.length) {
    const hand = base.requiresOf.get(name) ?? [];
    removeHand((r) => r.kind === 'requires' && r.c.rule.package === name);
    k.companions.delete(name);
    // A partial Requires-Dist (torchvision's build-time torch pin, from the release matrix) speaks only for the
    // packages it names: the hand rows about others stay.
    const known = VersionSet.unionAll(withDist.filter((r) => !r.entry.requires_dist_partial).map((r) => r.set));
    const declaredBy = withDist.map((r) => ({ ...r, declared: declaredAcross(r.entry, minors) }));
    // The releases that declare a package, asked per hand row and per package they name: made once per package.
    const declaring = (partial: boolean) => {
      const byDep = new Map<string, VersionSet>();
      return (dep: string) => {
        let set = byDep.get(dep);
        if (!set) byDep.set(dep, (set = VersionSet.unionAll(declaredBy.filter((r) => (!partial || r.entry.requires_dist_partial) && r.declared.has(dep)).map((r) => r.set))));
        return set;
      };
    };
    const partlyDeclares = declaring(true);
    // Releases whose Requires-Dist the snapshot does not know (torchtext built with a torch pin from its build
    // environment) keep the hand rows: the snapshot is one source per fact, not per package. A hand rule that is not
    // a resolver fact (jax's import-time jaxlib check) is replaced only where the release's own base requirements
    // name the same package: jax 0.4.0–0.4.29 name jaxlib only in extras, so its rows stay for them.
    const baseDeclares = declaring(false);
    const residual = hand.flatMap((c) => {
      const covered = (row: CompiledRow) => (c.rule.failure === 'resolver'
        ? VersionSet.unionAll([known, ...[...row.requires.keys()].map(partlyDeclares)])
        : VersionSet.unionAll([...row.requires.keys()].map(baseDeclares)));
      const rows = c.rows.map((row) => ({ ...row, versions: row.versions.minus(covered(row)) })).filter((row) => !row.versions.isEmpty());
      return rows.length ? [{ ...c, rows, known: VersionSet.unionAll(rows.map((row) => row.versions)) }] : [];
    });
    const byDep = new Map<string, CompiledRow[]>();
    // What the remaining hand rows install (opencv-python 4.12.0.88 installs numpy) stays installed.
    const installs: { versions: VersionSet; packages: string[]; extra?: string }[] = residual.filter((c) => c.rule.installs?.length)
      .map((c) => ({ versions: c.known, packages: [...c.rule.installs!] }));
    const sources = new Map<string, Set<string>>();
    for (const { entry, set, raw, declared } of declaredBy) {
      const always: string[] = [];
      const byExtra = new Map<string, string[]>();
      for (const d of declared.values()) {
        if (!d.extra) always.push(d.name);
        else if (d.name !== name) byExtra.set(d.extra, [...(byExtra.get(d.extra) ?? []), d.name]);
        if (d.set.isAll()) continue;
        const row: CompiledRow = {
          versions: set, requires: new Map([[d.name, d.set]]), extra: d.extra,
          raw: { versions: raw, requires: { [d.name]: d.spec }, ...(d.extra ? { extra: d.extra } : {}) },
        };
        const rows = byDep.get(d.name) ?? [];
        rows.push(row);
        byDep.set(d.name, rows);
        const s = sources.get(d.name) ?? new Set<string>();
        s.add(entry.source);
        sources.set(d.name, s);
      }
      if (always.length) installs.push({ versions: set, packages: [...new Set(always)] });
      for (const [extra, names] of byExtra) {
        installs.push({ versions: set, packages: [...new Set(names)], extra });
        extraNames.set(extra, [...new Set([...(extraNames.get(extra) ?? []), ...names])]);
      }
      mentioned.push(...always);
    }
    const compiledList: CompiledRequires[] = [];
    const merged = new Set<CompiledRequires>();
    for (const [dep, rows] of byDep) {
      const handRule = hand.find((c) => speaksAbout(c.rule, dep))?.rule;
      let rule = declaredRule(name, dep, handRule, pkg, [...(sources.get(dep) ?? [])]);
      let c: CompiledRequires = { rule, rows, known: known.union(partlyDeclares(dep)) };
      // The remaining hand rows of the rule that speaks about the pair join the declared ones in one rule: a range
      // spanning both (transformers>=4.35,<5, where 4.57.6 is declared and the rest curated) is judged on all its
      // rows, and a companion's fixes look up the release made for the anchor's pin among all of them (torch 2.6.0 ->
      // torchvision 0.21.0, a hand row; 2.2.0 -> 0.17.0, declared).
      const rest = handRule ? residual.find((r) => r.rule === handRule && !merged.has(r)) : undefined;
      if (rest) {
        merged.add(rest);
        rule = { ...rule, sources: [...rule.sources, ...handRule!.sources] };
        c = { rule, rows: [...rows, ...rest.rows], known: c.known.union(rest.known) };
      }
      compiledList.push(c);
      const compiled: CompiledRule = { kind: 'requires', c };
      k.byPackage.set(name, [...(k.byPackage.get(name) ?? []), compiled]);
      if (handRule?.companion) k.companions.set(name, c);
    }
    for (const c of residual) {
      if (merged.has(c)) continue;
      k.byPackage.set(name, [...(k.byPackage.get(name) ?? []), { kind: 'requires', c }]);
      if (c.rule.companion && !k.companions.has(name)) k.companions.set(name, c);
    }
    k.requiresOf.set(name, [...compiledList, ...residual.filter((c) => !merged.has(c))]);
    if (installs.length) k.installs.set(name, installs);
    else k.installs.delete(name);
  }

  // ---- Python support ----
  const withPython = ranges.map((r) => ({ ...r, pythons: pythonsOf(r.entry) })).filter((r) => r.pythons !== undefined);
  if (withPython.length) {
    const handSupport = base.pythonSupportOf.get(name)?.[0];
    const hand = handSupport?.rule;
    removeHand((r) => r.kind === 'python-support' && r.c.rule.package === name);
    const covered = VersionSet.unionAll(withPython.map((r) => r.set));
    // Releases the snapshot says nothing about keep the hand rows (one source per fact, not per package).
    const residualRows = (handSupport?.rows ?? []).map((row) => ({ ...row, versions: row.versions.minus(covered) })).filter((row) => !row.versions.isEmpty());
    let handWheelsUsed = false;
    const rows = withPython.flatMap((r) => {
      const python = VersionSet.unionAll(r.pythons!.map((v) => VersionSet.fromSpecifierSet(`==${v}.*`)));
      const row = { versions: r.set, python, raw: { versions: r.raw, python: r.pythons!.join(', ') } };
      if (provesEveryAbsence(r.entry)) return [row];
      // Requires-Python alone (a release read from a mirror), or wheels seen in a sample that proves some absences
      // only, say less than which Pythons have wheels: where a curated row knows the wheels (torchvision 0.28: none
      // for 3.15), both hold.
      const pieces: typeof row[] = [];
      let rest = r.set;
      for (const h of handSupport?.rows ?? []) {
        const both = rest.intersect(h.versions);
        if (both.isEmpty()) continue;
        handWheelsUsed = true;
        pieces.push({ versions: both, python: python.intersect(h.python), raw: { versions: r.raw, python: `${row.raw.python} (wheels: ${h.raw.python})` } });
        rest = rest.minus(h.versions);
      }
      return rest.isEmpty() ? pieces : [...pieces, { ...row, versions: rest }];
    });
    const rule: PythonSupportRule = {
      ...(hand ?? { ...genericPythonRule(), message: `{requirement:${name}} does not install on Python {python} (checked against {requires-python}): its Requires-Python or its wheels exclude it.` }),
      package: name,
      rows: rows.map((r) => r.raw),
      sources: [...new Set(withPython.map((r) => r.entry.source))].slice(-8).concat(snapshotCitation(pkg), handWheelsUsed ? hand!.sources : []),
    };
    const allRows = [...rows, ...residualRows];
    const c: CompiledPythonSupport = { rule, rows: allRows, known: VersionSet.unionAll(allRows.map((r) => r.versions)) };
    k.pythonSupportOf.set(name, [c]);
    k.byPackage.set(name, [...(k.byPackage.get(name) ?? []), { kind: 'python-support', c }]);
  }

  // ---- accelerator builds: the anchor's variants ----
  const withVariants = pkg.releases.filter((e) => e.variants && Object.keys(e.variants).length);
  if (withVariants.length) {
    for (const list of [k.byPackage]) {
      for (const [p, rules] of list) {
        const replaced = rules.map((r) => {
          if (r.kind !== 'accelerator-variant' || r.rule.packages[0] !== name) return r;
          // The hand list keeps the releases the snapshot does not list (torch 1.13 is older than the release matrix).
          const variants: Record<string, string[]> = {};
          for (const [v, labels] of Object.entries(r.rule.variants)) {
            const pv = parseVersion(v);
            if (!pv || !releaseOf(pkg, pv)) variants[v] = labels;
          }
          for (const e of withVariants) for (const v of e.versions) variants[v] = Object.keys(variantsOf(e));
          const rule: AcceleratorRule = { ...r.rule, variants, sources: [...new Set(withVariants.map((e) => e.source))].slice(-8).concat(snapshotCitation(pkg), r.rule.sources) };
          return { kind: 'accelerator-variant', rule } as CompiledRule;
        });
        if (replaced.some((r, i) => r !== rules[i])) list.set(p, replaced);
      }
    }
  }

  // Yanked releases: the entry's own releases and, in the complete listing, the versions up to the next entry (they do
  // not exist), but not the pre-releases before its first release, which are not yanked with it.
  let yanked = VersionSet.empty();
  for (const { entry, set } of ranges) {
    if (isYanked(entry.yanked)) yanked = yanked.union(set.intersect(VersionSet.fromSpecifierSet(`>=${entry.versions[0]}`)));
  }
  if (!yanked.isEmpty()) k.yanked!.set(name, yanked);

  // Newest release known to exist: a fresh install takes it when the snapshot reaches the registry's newest.
  if (pkg.registry_newest && pkg.registry_newest === pkg.complete_through && pkg.complete_from === undefined) {
    k.current!.set(name, VersionSet.fromSpecifierSet(`<=${pkg.complete_through}`));
  }
  return { mentioned, extraNames };
}

/** A curated requires rule speaks about `dep` when its rows or its message name it: a rule whose rows were deleted
 *  in favour of the snapshot keeps its code, message and explanation for the same pair. */
function speaksAbout(rule: RequiresRule, dep: string): boolean {
  return rule.rows.some((row) => dep in row.requires) || messageCompanions(rule).includes(dep);
}

/** The packages a requires rule's message names besides its own (`{requires:numpy}`): the pair it speaks about when
 *  its rows are gone in favour of the snapshot (the rule pages render that pair's declared table). */
export function messageCompanions(rule: Pick<RequiresRule, 'message' | 'package'>): string[] {
  const names = [...rule.message.matchAll(/\{(?:requires|version):([a-z0-9._-]+)\}/gi)].map((m) => m[1]);
  return [...new Set(names)].filter((n) => n !== rule.package);
}

function snapshotCitation(pkg: PackageMetadata): string {
  return `metadata/packages/${pkg.name}.json (snapshot ${pkg.snapshot_date}, through ${pkg.complete_through})`;
}

function declaredRule(pkg: string, dep: string, hand: RequiresRule | undefined, meta: PackageMetadata, sources: string[]): RequiresRule {
  const cited = [...sources.slice(-8), snapshotCitation(meta)];
  if (hand) return { ...hand, rows: [], sources: cited };
  return {
    ...genericRequiresRule(),
    package: pkg,
    message: `{requirement:${pkg}} declares ${dep} {requires:${dep}} (Requires-Dist), but the pins here allow ${dep} {version:${dep}}: pip cannot install them together.`,
    rows: [],
    sources: cited,
  };
}

let generic: [RequiresRule, PythonSupportRule] | undefined;
/** The rules of the declared-facts codes no curated rule names (for docs, SARIF and `ml-pins rules`). */
export function genericRules(): Rule[] {
  return [genericRequiresRule(), genericPythonRule()];
}

function genericRequiresRule(): RequiresRule {
  return (generic ??= makeGeneric())[0];
}

function genericPythonRule(): PythonSupportRule {
  return (generic ??= makeGeneric())[1];
}

function makeGeneric(): [RequiresRule, PythonSupportRule] {
  const examples = { fires: [], passes: [] };
  return [{
    code: DECLARED_REQUIREMENT, kind: 'requires', package: '', rows: [], failure: 'resolver',
    title: 'A release declares a requirement this environment cannot meet',
    message: '{requirement} declares a requirement this environment cannot meet.',
    explanation: 'The pinned release declares this requirement in its own metadata (`Requires-Dist`, read from the metadata snapshot that ships with ML Pins), and no version this environment allows meets it, so pip refuses to install them together.\n\n**Fix:** move one of the two pins so that they meet, or leave one unpinned.',
    sources: ['docs/metadata.md: the metadata snapshot; each finding cites the releases it read'], examples,
  }, {
    code: DECLARED_PYTHON, kind: 'python-support', package: '', rows: [], failure: 'no-wheels',
    title: 'A release does not install on this Python',
    message: 'The pinned release does not install on Python {python} (checked against {requires-python}).',
    explanation: 'The releases this pin allows declare a `Requires-Python` that excludes these Pythons, or publish no wheels for them (read from the metadata snapshot that ships with ML Pins): pip finds no matching distribution there, or has to build from source.\n\n**Fix:** pin a release that supports your Python, or narrow `requires-python`.',
    sources: ['docs/metadata.md: the metadata snapshot; each finding cites the releases it read'], examples,
  }];
}
