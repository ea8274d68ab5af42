// Checks a project: parses every manifest, builds its environments, evaluates the knowledge base on each, and adds
// the findings that need the whole project (pins repeated across files that disagree, include problems, config).
import { formatOf, parseManifest } from '../formats';
import { loadRequirementTree, posixJoin, type RequirementsFileDetails } from '../formats/requirements';
import type { RuleFamily } from '../rules/types';
import { validateRuleFamily } from '../rules/validate';
import { isInside, OUTSIDE_REASON, ReadRefused } from '../read';
import { clip, redactCredentials } from '../redact';
import { compareRanges } from '../text';
import type { Finding, Fix, ManifestKind, ParsedManifest } from '../types';
import { compareVersions, parseVersion } from '../pep440';
import { VersionSet } from '../pep440/intervals';
import { raiseFloor } from './edits';
import { fixToApply } from './applicability';
import { mergeSettings, SEVERITY_RANK, type CheckSettings } from './config';
import { readToolConfig } from '../settings';
import { dirName } from '../paths';
import { environmentsOf, type Environment } from './environment';
import { CONFLICTING_PINS, evaluateEnvironment, type EvalContext, type PlacedFinding } from './evaluate';
import { installedFindings } from './installed';
import { compiledOutputs, withoutCompiledRepeats } from './compiled';
import { compileKnowledge, type Knowledge } from './knowledge';
import type { MetadataProvider } from '../metadata/provider';
import { genericRules } from '../metadata/derive';
import { crossFileConflicts } from './crossFile';
import { lockFileCandidates, replacedIndexFindings } from './installer';
import { hashFindings, hashLockedFiles, hashModeFindings, withholdHashLocked, type IndexedFilesLookup } from './hashes';

export interface SourceFile {
  path: string;
  text: string;
  /** Set when the file could not be read as text: the finding to report instead of parsing it. */
  unreadable?: Finding;
  /** The bytes read from disk, when the caller has them (`fix` writes back in the same encoding). */
  bytes?: Uint8Array;
}

export interface CheckInput {
  files: SourceFile[];
  /**
   * Reads files outside `files` that requirement files include (-r/-c). undefined = missing. `allowOutside` says the
   * user allowed reading outside `roots`: without it, a reader that can see links refuses one that leads out.
   */
  readFile?: (path: string, options?: { allowOutside?: boolean }) => Promise<string | undefined>;
  settings?: CheckSettings;
  knowledge: Knowledge;
  /** Whether a file exists (lock files beside a pyproject decide its installer); readFile is asked when missing. */
  fileExists?: (path: string) => Promise<boolean>;
  /**
   * More findings per environment, e.g. the resolver's (`resolutionFindings` in ./resolution.ts: environments pip
   * cannot install become `resolution-conflict` errors). A hook, so bundles that do not resolve do not carry it.
   */
  environmentFindings?: (env: Environment, ctx: { settings: CheckSettings; texts: ReadonlyMap<string, string>;
    /** What the rules found in this environment: a conflict one of them already says is not said again (that finding
     *  takes the conflict's upgrade fixes). */
    ruleFindings?: readonly PlacedFinding[] }) => PlacedFinding[];
  /**
   * The versions pip picks for an environment (`freshVersions` in ./resolution.ts): a break among them is an error,
   * older versions the pins admit stay "admitted but not fresh". Without it, the newest admitted versions stand in.
   */
  freshVersions?: (env: Environment, ctx: { settings: CheckSettings }) => ReadonlyMap<string, string> | undefined;
  /** Loads a rule file named in settings (`rule-files`); undefined when it cannot. */
  loadRuleFile?: (path: string) => Promise<string | undefined>;
  /**
   * The folders whose files may be read (CLI: the paths named, or the folder of a file named; VS Code: the workspace
   * folder). Includes and rule files outside them are not read unless `allowIncludesOutside` is set. Unset: no limit.
   */
  roots?: string[];
  /** false in an untrusted workspace: `allowIncludesOutside` (setting or [tool.ml-pins]) is then ignored. */
  trusted?: boolean;
  /** The files a package index lists for a package (live or cached): pins with `--hash` values that match no file of
   *  the pinned version become `hash-mismatch` errors. Unset: not checked. */
  indexedFiles?: IndexedFilesLookup;
}

export interface FileReport {
  path: string;
  kind: ManifestKind;
  requirements: number;
  findings: Finding[];
  manifest?: ParsedManifest;
}

export interface CheckResult {
  files: FileReport[];
  environments: Environment[];
  /** Settings in force for each file (user settings merged with the nearest [tool.ml-pins]). */
  settingsFor: (path: string) => CheckSettings;
  knowledgeFor: (path: string) => Knowledge;
}


export async function checkProject(input: CheckInput): Promise<CheckResult> {
  const manifests = new Map<string, ParsedManifest>();
  const texts = new Map<string, string>();
  const reports = new Map<string, FileReport>();
  for (const file of input.files) {
    if (file.unreadable) {
      reports.set(file.path, { path: file.path, kind: 'requirements', requirements: 0, findings: [file.unreadable] });
      continue;
    }
    const manifest = parseManifest(file.path, file.text);
    manifests.set(file.path, manifest);
    texts.set(file.path, file.text);
    reports.set(file.path, { path: file.path, kind: manifest.kind, requirements: manifest.requirements.length, findings: [...manifest.findings], manifest });
  }
  const placed: PlacedFinding[] = [];

  // Project settings: the nearest pyproject.toml with [tool.ml-pins] above a file; its rule files join the bundled ones.
  const projects: { dir: string; settings: CheckSettings; knowledge: Knowledge }[] = [];
  for (const m of manifests.values()) {
    if (!m.toolConfig) continue; // [tool.ml-pins] of a pyproject.toml
    const { settings, problems } = readToolConfig(m.toolConfig.value);
    for (const p of problems) placed.push({ path: m.path, finding: { code: 'config-invalid', severity: 'warning', message: p.message, packages: [], range: m.toolConfig.range, fixes: [] } });
    let knowledge = input.knowledge;
    const merged = mergeSettings(input.settings ?? {}, settings);
    const extra = await loadProjectRules(m, merged.ruleFiles ?? [], input, placed);
    if (extra.length) knowledge = compileKnowledge([...knowledgeFamilies(input.knowledge), ...extra], input.knowledge.metadata);
    projects.push({ dir: dirName(m.path), settings: merged, knowledge });
  }
  projects.sort((a, b) => b.dir.length - a.dir.length);
  const projectOf = (path: string) => projects.find((p) => path.startsWith(p.dir === '' ? '' : `${p.dir}/`) || p.dir === '');
  const settingsFor = (path: string) => withEnvironment(projectOf(path)?.settings ?? input.settings ?? {});
  const knowledgeFor = (path: string) => projectOf(path)?.knowledge ?? input.knowledge;

  // Requirement files: follow -r / -c, reading what is not among the files.
  const includeTrees = new Map<string, ParsedManifest[]>();
  const parsedIncludes = new Map<string, RequirementsFileDetails>();
  const readCache = new Map<string, Promise<string | undefined>>(); // each file read once, whoever includes it
  const readFor = (from: string) => async (path: string) => {
    if (texts.has(path)) return texts.get(path);
    if (!mayRead(input, settingsFor(from), path)) throw new ReadRefused('EOUTSIDE', OUTSIDE_REASON);
    const allowOutside = outsideAllowed(input, settingsFor(from));
    const key = `${allowOutside ? 1 : 0}${path}`;
    let pending = readCache.get(key);
    if (!pending) readCache.set(key, (pending = Promise.resolve(input.readFile?.(path, { allowOutside }))));
    return pending;
  };
  const throughIncluder = checkedThroughIncluder(manifests);
  for (const m of manifests.values()) {
    if (formatOf(m).includes !== 'tree' || !m.includes.length || throughIncluder.has(m.path)) continue;
    const tree = await loadRequirementTree(m.path, readFor(m.path), { cache: parsedIncludes });
    includeTrees.set(m.path, tree.manifests);
    for (const { path, ...finding } of tree.findings) placed.push({ path: path ?? m.path, finding });
    for (const inc of tree.manifests) {
      if (!texts.has(inc.path)) {
        const text = await readFor(m.path)(inc.path).catch(() => undefined);
        if (text !== undefined) texts.set(inc.path, text);
        manifests.set(inc.path, inc);
      }
    }
  }
  // `pip install -r file` in scripts, Dockerfiles and Python: the file's requirements join that command's environment
  // (and a Dockerfile's image).
  const includedFiles = new Map<string, ParsedManifest[]>();
  for (const m of [...manifests.values()]) {
    if (formatOf(m).includes !== 'commands') continue;
    for (const inc of m.includes) {
      const target = inc.resolvedPath;
      if (!target || includedFiles.has(target)) continue;
      const known = manifests.get(target);
      if (known && formatOf(known).includes === 'tree' && (includeTrees.has(known.path) || !known.includes.length)) { includedFiles.set(target, includeTrees.get(known.path) ?? [known]); continue; }
      if (!texts.has(target) && !mayRead(input, settingsFor(m.path), target)) continue;
      if ((await readFor(m.path)(target).catch(() => undefined)) === undefined) continue;
      includedFiles.set(target, (await loadRequirementTree(target, readFor(m.path), { cache: parsedIncludes })).manifests);
    }
  }

  // An asynchronous metadata source (the web build) loads the packages the manifests name before the synchronous
  // evaluation asks for them.
  const preload = new Set(projects.map((p) => p.knowledge.metadata).concat(input.knowledge.metadata));
  for (const provider of preload) {
    if (!provider?.preload) continue;
    const names = new Set<string>();
    for (const m of manifests.values()) for (const r of m.requirements) names.add(r.normalizedName);
    try { await provider.preload(names); } catch { /* the snapshot stays silent on what did not load */ }
  }

  // Lock files beside each pyproject.toml (uv.lock, poetry.lock, pdm.lock) tell which installer reads it.
  const lockFiles = new Set<string>();
  const exists = input.fileExists ?? (async (path: string) => (await input.readFile?.(path)) !== undefined);
  for (const m of manifests.values()) {
    for (const candidate of lockFileCandidates(m)) if (await exists(candidate)) lockFiles.add(candidate);
  }

  // Every environment first: an index finding names the project's other install paths.
  const environments: Environment[] = [];
  const checked = [...manifests.values()].filter((m) => reports.has(m.path) && !throughIncluder.has(m.path)); // included files are checked through the files that include them
  const envsOf = new Map<ParsedManifest, Environment[]>();
  for (const m of checked) {
    const settings = settingsFor(m.path);
    const envs = environmentsOf(m, { targetPython: settings.targetPython, platform: settings.platform, includeTrees, includedFiles, lockFiles });
    envsOf.set(m, envs);
    environments.push(...envs);
  }
  for (const m of checked) {
    const settings = settingsFor(m.path);
    const ctx: EvalContext = { knowledge: knowledgeFor(m.path), settings, manifests, texts, environments };
    for (const env of envsOf.get(m)!) {
      const fresh = input.freshVersions?.(env, { settings });
      const ruleFindings = evaluateEnvironment(env, fresh ? { ...ctx, fresh } : ctx);
      placed.push(...ruleFindings);
      if (settings.environment) placed.push(...installedFindings(env, settings.environment, ctx));
      if (input.environmentFindings) placed.push(...input.environmentFindings(env, { settings, texts, ruleFindings }));
      placed.push(...hashModeFindings(env, manifests, texts, settings, ctx.knowledge.metadata));
      placed.push(...replacedIndexFindings(env, settings));
    }
  }
  placed.push(...crossFileConflicts([...manifests.values()].filter((m) => reports.has(m.path)), settingsFor, texts));
  const locked = hashLockedFiles(manifests.values(), texts);
  if (input.indexedFiles && locked.size) {
    placed.push(...await hashFindings([...manifests.values()].filter((m) => locked.has(m.path)), input.indexedFiles, locked, settingsFor));
  }

  for (const { path, finding } of withoutCompiledRepeats(dedupe(placed), compiledOutputs(manifests, texts), manifests)) {
    let report = reports.get(path);
    if (!report) {
      const m = manifests.get(path);
      report = { path, kind: m?.kind ?? 'requirements', requirements: m?.requirements.length ?? 0, findings: [], manifest: m };
      reports.set(path, report);
    }
    report.findings.push(finding);
  }
  for (const report of reports.values()) {
    if (report.findings.length) report.findings = report.findings.map((f) => redactFinding(locked.size ? withholdHashLocked(f, locked) : f));
  }
  const files = [...reports.values()].sort((a, b) => a.path.localeCompare(b.path));
  for (const f of files) f.findings.sort((a, b) => compareRanges(a.range, b.range) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.code.localeCompare(b.code));
  return { files, environments, settingsFor, knowledgeFor };
}

/** A selected environment's Python and platform are the target ones unless the user set them. */
function withEnvironment(settings: CheckSettings): CheckSettings {
  const env = settings.environment;
  if (!env || (settings.targetPython && settings.platform) || (!env.python && !env.platform)) return settings;
  return { ...settings, targetPython: settings.targetPython ?? env.python, platform: settings.platform ?? env.platform };
}

/** The same requirement seen from several environments (base, base + extra...) is reported once, at its worst. */
function dedupe(placed: PlacedFinding[]): PlacedFinding[] {
  const byKey = new Map<string, PlacedFinding>();
  for (const p of placed) {
    const r = p.finding.range;
    const key = `${p.path}\u0000${p.finding.code}\u0000${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}\u0000${p.finding.message}`;
    const seen = byKey.get(key);
    if (!seen || SEVERITY_RANK[p.finding.severity] < SEVERITY_RANK[seen.finding.severity]) byKey.set(key, p);
  }
  // Same place and code but different messages (two environments admitting different ranges): keep the worst.
  const byPlace = new Map<string, PlacedFinding>();
  for (const p of byKey.values()) {
    const r = p.finding.range;
    const key = `${p.path}\u0000${p.finding.code}\u0000${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
    const seen = byPlace.get(key);
    if (!seen || SEVERITY_RANK[p.finding.severity] < SEVERITY_RANK[seen.finding.severity]) byPlace.set(key, p);
  }
  // Pins that contradict each other inside one environment are said once, as that (pip refuses the install), not
  // again as a disagreement between files of the project.
  const contradicted = new Set([...byPlace.values()].filter((p) => p.finding.code === CONFLICTING_PINS).map((p) => placeKey(p)));
  return mergeSameFix([...byPlace.values()].filter((p) => p.finding.code !== 'inconsistent-pins' || !contradicted.has(placeKey(p))));
}

/**
 * One root cause, one diagnostic: findings on the same requirement whose safe fix is the same edit
 * (`diffusers>=0.21.0` imports both `cached_download` and `HfFolder`; `diffusers>=0.29.0` mends both) become one
 * finding, the most severe first, that lists each reason. Its code is the most severe one's. Breaks of the pinned
 * package's releases whose fixes raise its floor to different versions (`torch>=2.1` with numpy 2: before 2.3.0
 * everywhere, 2.4.0 on Windows) are one cause too when the highest floor leaves none of their versions: they merge
 * under that floor's fix.
 */
function mergeSameFix(placed: PlacedFinding[]): PlacedFinding[] {
  const applied = new Map(placed.map((p) => [p, fixToApply(p.finding.fixes)]));
  const shared = highestFloors(placed, applied);
  const groups = new Map<string, { fix: Fix; members: PlacedFinding[] }>();
  const out: PlacedFinding[] = [];
  for (const p of placed) {
    const fix = shared.get(p) ?? applied.get(p);
    if (!fix?.edits.length) { out.push(p); continue; }
    const key = `${placeKey(p)}\u0000${JSON.stringify(fix.edits)}`;
    const group = groups.get(key);
    if (group) group.members.push(p);
    else groups.set(key, { fix, members: [p] });
  }
  for (const { fix: sharedFix, members: group } of groups.values()) {
    if (group.length === 1) { out.push(group[0]); continue; }
    group.sort((a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || a.finding.code.localeCompare(b.finding.code));
    const [first, ...rest] = group;
    const f = first.finding;
    const union = <T>(pick: (x: PlacedFinding) => readonly T[] | undefined, key: (t: T) => string = (t) => JSON.stringify(t)): T[] => {
      const seen = new Map<string, T>();
      for (const x of group) for (const t of pick(x) ?? []) if (!seen.has(key(t))) seen.set(key(t), t);
      return [...seen.values()];
    };
    // The shared fix first; each member's own preferred fix is that one or mends only its own reason: left out.
    const superseded = new Set(group.map((x) => applied.get(x)));
    out.push({ path: first.path, finding: {
      ...f,
      message: [f.message, ...rest.map((x) => `Also (${x.finding.code}): ${x.finding.message}`)].join(' '),
      packages: union((x) => x.finding.packages, (t) => t),
      fixes: [sharedFix, ...union((x) => x.finding.fixes, (t) => t.title).filter((t) => t.title !== sharedFix.title && !superseded.has(t))],
      related: union((x) => x.finding.related),
      sources: union((x) => x.finding.sources, (t) => t),
      explanation: group.map((x) => x.finding.explanation).filter(Boolean).join('\n\n') || undefined,
      reasons: rest.map((x) => ({ code: x.finding.code, severity: x.finding.severity, message: x.finding.message })),
    } });
  }
  return out;
}

/**
 * Per pin and package, the preferred fix with the highest floor, for each finding it mends as well: one that rewrites
 * the same pins, and whose versions are all outside what the pin allows once raised to that floor (`raiseFloor` on
 * the written specifier, so a `~=` or a cap it keeps counts as written).
 */
function highestFloors(placed: PlacedFinding[], applied: Map<PlacedFinding, Fix | undefined>): Map<PlacedFinding, Fix> {
  const byPin = new Map<string, PlacedFinding[]>();
  for (const p of placed) {
    if (!p.target?.floor || !applied.get(p)?.edits.length) continue;
    const key = `${placeKey(p)}\u0000${p.target.package}`;
    const list = byPin.get(key);
    if (list) list.push(p);
    else byPin.set(key, [p]);
  }
  const out = new Map<PlacedFinding, Fix>();
  for (const list of byPin.values()) {
    if (list.length < 2) continue;
    let top = list[0];
    for (const p of list) if (compareVersions(parseVersion(p.target!.floor!)!, parseVersion(top.target!.floor!)!) > 0) top = p;
    const raised = raiseFloor(top.target!.specifier, top.target!.floor!);
    if (raised === undefined) continue;
    const allowed = VersionSet.fromSpecifierSet(raised);
    if (allowed.intersects(top.target!.versions)) continue; // that fix does not mend its own finding: shared by none
    // Only where it rewrites the same pins (a finding of an extra's environment also rewrites the extra's pin).
    const where = editPlaces(applied.get(top)!);
    for (const p of list) if (!allowed.intersects(p.target!.versions) && editPlaces(applied.get(p)!) === where) out.set(p, applied.get(top)!);
  }
  return out;
}

function editPlaces(fix: Fix): string {
  return JSON.stringify(fix.edits.map((e) => [e.path, e.range]));
}

function placeKey(p: PlacedFinding): string {
  const r = p.finding.range;
  return `${p.path}\u0000${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

async function loadProjectRules(m: ParsedManifest, files: string[], input: CheckInput, placed: PlacedFinding[]): Promise<RuleFamily[]> {
  const families: RuleFamily[] = [];
  for (const file of files) {
    const path = posixJoin(dirName(m.path), file);
    if (!mayRead(input, mergeSettings(input.settings ?? {}, readToolConfig(m.toolConfig?.value).settings), path)) {
      placed.push({ path: m.path, finding: { code: 'config-invalid', severity: 'warning', message: `rule file ${clip(file)} was ${OUTSIDE_REASON}`, packages: [], range: m.toolConfig!.range, fixes: [] } });
      continue;
    }
    const text = await input.loadRuleFile?.(path).catch(() => undefined);
    const problem = (message: string) => placed.push({ path: m.path, finding: { code: 'config-invalid', severity: 'warning', message, packages: [], range: m.toolConfig!.range, fixes: [] } });
    if (text === undefined) { problem(`rule file ${file} could not be read${input.loadRuleFile ? '' : ' (rule files from the project are not loaded here)'}`); continue; }
    let json: unknown;
    try { json = JSON.parse(text); } catch (e) { problem(`rule file ${file} is not valid JSON: ${(e as Error).message}`); continue; }
    const { family, errors } = validateRuleFamily(json, file);
    if (family) families.push(family);
    else for (const e of errors.slice(0, 5)) problem(e);
  }
  return families;
}

/** The families a compiled knowledge base came from (kept on the object by compileKnowledge's caller). */
const FAMILIES = new WeakMap<Knowledge, RuleFamily[]>();
export function knowledgeFrom(families: RuleFamily[], metadata?: MetadataProvider): Knowledge {
  const k = compileKnowledge(families, metadata);
  if (metadata) for (const rule of genericRules()) k.byCode.set(rule.code, rule);
  FAMILIES.set(k, families);
  return k;
}
function knowledgeFamilies(k: Knowledge): RuleFamily[] {
  return FAMILIES.get(k) ?? [];
}


/** Findings leave the engine with URL credentials hidden in everything shown (message, related notes, fix titles). */
function redactFinding(f: Finding): Finding {
  const clean = (s: string) => redactCredentials(s);
  const same = clean(f.message) === f.message && f.fixes.every((x) => clean(x.title) === x.title) && (f.related ?? []).every((r) => clean(r.message) === r.message);
  if (same) return f;
  return { ...f, message: clean(f.message), fixes: f.fixes.map((x) => ({ ...x, title: clean(x.title) })),
    ...(f.related ? { related: f.related.map((r) => ({ ...r, message: clean(r.message) })) } : {}) };
}

/** Whether `path` may be read: inside a root, or outside with the user's (trusted) permission. */
function mayRead(input: CheckInput, settings: CheckSettings, path: string): boolean {
  if (!input.roots) return true;
  if (input.roots.some((r) => isInside(path, r))) return true;
  return outsideAllowed(input, settings);
}

function outsideAllowed(input: CheckInput, settings: CheckSettings): boolean {
  return input.trusted !== false && settings.allowIncludesOutside === true;
}

/** Include trees larger than this are not also checked from each of their included files. */
const OWN_TREE_LIMIT = 16;

/**
 * Requirement files that another checked requirement file includes, and that themselves reach more than
 * OWN_TREE_LIMIT files: their pins are checked in their includer's environment only. Checking every link of a deep
 * `-r` chain as its own environment as well would cost the square of the chain's length.
 */
function checkedThroughIncluder(manifests: Map<string, ParsedManifest>): Set<string> {
  const children = new Map<string, string[]>();
  const included = new Set<string>();
  for (const m of manifests.values()) {
    if (formatOf(m).includes !== 'tree') continue;
    const targets = m.includes.map((i) => i.resolvedPath).filter((t): t is string => t !== undefined && manifests.get(t)?.kind === m.kind && t !== m.path);
    children.set(m.path, targets);
    for (const t of targets) included.add(t);
  }
  // An upper bound of each tree's size (shared files counted twice), capped: enough to tell small from large.
  const size = new Map<string, number>();
  const sizeOf = (start: string): number => {
    const stack: { path: string; next: number; total: number }[] = [{ path: start, next: 0, total: 1 }];
    const onStack = new Set([start]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const kids = children.get(top.path) ?? [];
      if (top.next < kids.length && top.total <= OWN_TREE_LIMIT) {
        const kid = kids[top.next++];
        const known = size.get(kid);
        if (known !== undefined) top.total += known;
        else if (onStack.has(kid)) top.total = OWN_TREE_LIMIT + 1; // a cycle: as large as it gets
        else { stack.push({ path: kid, next: 0, total: 1 }); onStack.add(kid); }
        continue;
      }
      stack.pop();
      onStack.delete(top.path);
      const total = Math.min(top.total, OWN_TREE_LIMIT + 1);
      size.set(top.path, total);
      if (stack.length) stack[stack.length - 1].total += total;
    }
    return size.get(start)!;
  };
  const out = new Set<string>();
  for (const path of included) if (sizeOf(path) > OWN_TREE_LIMIT) out.add(path);
  // Every file must be reached from a root: in a ring of includes, the first file in path order stays a root.
  const reached = new Set<string>();
  const walk = (from: string) => {
    const todo = [from];
    while (todo.length) {
      for (const k of children.get(todo.pop()!) ?? []) if (!reached.has(k)) { reached.add(k); todo.push(k); }
    }
  };
  for (const path of children.keys()) if (!out.has(path)) walk(path);
  for (const path of [...out].sort()) {
    if (reached.has(path)) continue;
    out.delete(path);
    walk(path);
  }
  return out;
}
