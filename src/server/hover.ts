// Hover on a requirement, kept to a glance: what the pin allows and what a new install would pick (the engine's own
// resolution of the environment: pip's pick, src/core/engine/resolution.ts), the newest release (and the newest that
// fits the other pins, when the metadata snapshot says), then per finding its one-line why and
// fix with a link to the rule page, where the full explanation and evidence live. VS Code shows the diagnostic's
// own message above the hover, so the message is not repeated. Markdown, for any LSP client.
import { redactCredentials } from '../core/redact';
import { fixToApply } from '../core/engine/applicability';
import type { CheckResult } from '../core/engine/check';
import type { CheckSettings } from '../core/engine/config';
import type { EnvironmentResolution } from '../core/engine/resolution';
import type { Environment } from '../core/engine/environment';
import { installerName } from '../core/engine/installer';
import { describeSet, displayName } from '../core/engine/messages';
import { declaredRequirements, expandEntries, snapshotNote, type MetadataProvider } from '../core/metadata/provider';
import type { PackageMetadata } from '../core/metadata/types';
import { compareVersions, parseVersion } from '../core/pep440';
import { VersionSet } from '../core/pep440/intervals';
import { BUILT_IN_RULES } from '../core/rules/builtin';
import type { Finding, Position, Range } from '../core/types';

export interface HoverContext {
  metadata?: MetadataProvider;
  /** What pip does with an environment of the check (the same resolution the findings and `ml-pins resolve` rest on). */
  resolution?: (env: Environment, settings: CheckSettings) => EnvironmentResolution | undefined;
  /** The link to a rule's page (its full explanation and sources), when the client has one. */
  ruleLink?: (code: string) => string | undefined;
}

const contains = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

const SEVERITY: Record<Finding['severity'], string> = { error: 'Error', warning: 'Warning', information: 'Note', hint: 'Hint' };

export function hoverMarkdown(result: CheckResult, path: string, position: Position, findings: readonly Finding[], ctx: HoverContext = {}): { value: string; range: Range } | undefined {
  const report = result.files.find((f) => f.path === path);
  const requirement = report?.manifest?.requirements.find((r) => contains(r.range, position));
  if (!requirement) return undefined;
  const name = requirement.normalizedName;
  const pkg = ctx.metadata?.get(name);
  const lines: string[] = [`**${text(displayName(name))}** ${code(redactCredentials(requirement.text.trim()))}`];

  const envs = result.environments.filter((env) => env.packages.get(name)?.pins.some((p) => p.requirement === requirement));
  const newest = pkg && (pkg.registry_newest ?? pkg.complete_through);
  // Releases newer than the snapshot describes may or may not fit: the newest that fits is named only when it is
  // older than the newest described release.
  const fitting = pkg && envs.length === 1 ? newestFitting(pkg, envs[0], ctx.metadata!) : undefined;
  const fits = fitting && fitting !== pkg?.complete_through ? fitting : undefined;
  let newestSaid = false;
  for (const env of envs) {
    const admitted = env.packages.get(name)!.admitted;
    const where = envs.length > 1 ? `${text(env.label)} (${text(installerName(env.installer))}): ` : '';
    const pick = picked(name, admitted, pkg, ctx.resolution?.(env, result.settingsFor(env.path)));
    let line = `${envs.length > 1 ? '- ' : ''}${where}${allows(admitted)}; ${pick.words}`;
    if (pkg && pick.version === newest) { line += `, the newest release (as of ${text(pkg.snapshot_date)})`; newestSaid = true; }
    lines.push(`${line}.`);
  }
  if (envs.length === 1) lines[lines.length - 1] += ` Installed with ${text(installerName(envs[0].installer))}.`;

  const note = snapshotNote(ctx.metadata, name, VersionSet.fromSpecifierSet(requirement.specifier.replace(/\+[A-Za-z0-9.]+(?=,|$)/g, '')));
  if (note) lines.push(`Every version this pin allows is ${text(note)}.`);
  else if (pkg && newest && (!newestSaid || fits)) {
    lines.push([...(newestSaid ? [] : [`Newest release: ${code(newest)} (as of ${text(pkg.snapshot_date)})`]),
      ...(fits ? [`${newestSaid ? 'N' : 'n'}ewest that fits the other pins: ${code(fits)}`] : [])].join('; ') + '.');
  }

  const here = findings.filter((f) => contains(f.range, position));
  for (const finding of here) {
    const rule = result.knowledgeFor(path).byCode.get(finding.code);
    const reasons = [finding, ...(finding.reasons ?? [])];
    const why = reasons.map((r) => {
      const title = (r === finding ? rule : result.knowledgeFor(path).byCode.get(r.code))?.title ?? BUILT_IN_RULES[r.code]?.title;
      return `**${SEVERITY[r.severity]}** (${code(r.code)})${title ? `: ${sentence(title)}` : ''} ${ruleLink(r.code, ctx)}`.trimEnd();
    });
    const fix = fixToApply(finding.fixes) ?? finding.fixes[0];
    if (fix) why.push(`**Fix:** ${text(fix.title)}${fix.title.endsWith('.') ? '' : '.'}`);
    // One paragraph per finding, its lines joined by hard breaks.
    lines.push('---', why.join('\\\n'));
  }
  if (!here.length) lines.push(`[${text(displayName(name))} on PyPI](https://pypi.org/project/${encodeURIComponent(name)}/)`);
  return { value: lines.join('\n\n'), range: requirement.range };
}

/** "Allows 0.21.0 and later" (a set in words, its versions as code). */
function allows(admitted: VersionSet): string {
  if (admitted.isEmpty()) return 'Allows no version';
  if (admitted.isAll()) return 'Allows any version';
  const words = describeSet(admitted);
  return `Allows ${/^[<>=!~]/.test(words) || words.includes(',') ? code(words) : words.replace(/\d[\w.+!]*/g, (v) => code(v))}`;
}

/**
 * What a new install would pick: pip's pick in the environment's resolution. Without a resolution (a bundle without
 * the resolver, an environment too large to resolve), the newest release the snapshot lists that the pin allows.
 */
function picked(name: string, admitted: VersionSet, pkg: PackageMetadata | undefined, resolution: EnvironmentResolution | undefined): { words: string; version?: string } {
  if (admitted.isEmpty()) return { words: 'pip installs nothing' };
  const pick = resolution?.picks?.get(name);
  if (pick) return { words: `a new install today would pick ${code(pick)}`, version: pick };
  if (resolution?.conflict) return { words: 'a new install today fails: pip cannot install these pins together' };
  const undescribed = resolution?.undescribed?.get(name);
  if (undescribed && (undescribed.withoutRequirements.length || undescribed.unlisted)) {
    // pip's pick is a release whose requirements the snapshot does not hold (sparse listings): never guessed.
    return { words: `a new install today would take a release the snapshot does not describe (not listed, or listed without its requirements)` };
  }
  if (resolution?.picks && pkg?.registry_newest && pkg.registry_newest !== pkg.complete_through) {
    // pip takes a release the snapshot does not describe (its requirements are unknown): never guessed.
    return { words: `a new install today would pick a release newer than the snapshot (the registry lists ${code(pkg.registry_newest)})` };
  }
  if (pkg && !resolution?.picks) {
    const known = [...new Set([...expandEntries(pkg).filter((r) => !r.yanked).map((r) => r.version), ...(pkg.registry_newest ? [pkg.registry_newest] : [])])];
    const pick = admitted.newestAdmitted(known)?.toString();
    if (pick) return { words: `a new install today would pick ${code(pick)}`, version: pick };
  }
  const upper = admitted.upperBound();
  if (!upper) return { words: 'a new install today would pick the newest release' };
  const v = upper.version.toString();
  return upper.inclusive ? { words: `a new install today would pick ${code(v)}`, version: v } : { words: `a new install today would pick the newest release below ${code(v)}` };
}

/**
 * The newest final release whose declared requirements (base ones, whatever the platform) each meet what this
 * environment allows of that package, and that the environment's pinned releases of other packages accept. Only
 * packages the snapshot describes are judged; undefined when none fits or the snapshot says nothing.
 */
export function newestFitting(pkg: PackageMetadata, env: Environment, metadata: MetadataProvider): string | undefined {
  const self = pkg.name.toLowerCase().replace(/[-_.]+/g, '-');
  // What the other pinned packages' allowed releases accept of this one (the union over those releases).
  const accepted: VersionSet[] = [];
  for (const [other, entry] of env.packages) {
    if (other === self || entry.admitted.isAll() || !entry.pins.length) continue;
    const meta = metadata.get(other);
    if (!meta) continue;
    const releases = expandEntries(meta).filter((r) => entry.admitted.contains(r.version)).slice(-200);
    if (!releases.length) continue;
    let union = VersionSet.empty();
    for (const r of releases) {
      const on = declaredRequirements(r)?.filter((d) => d.name === self && !d.extra);
      union = union.union(on?.length ? on.reduce((s, d) => s.intersect(d.set), VersionSet.all()) : VersionSet.all());
      if (union.isAll()) break;
    }
    if (!union.isAll()) accepted.push(union);
  }
  const records = expandEntries(pkg).filter((r) => !r.yanked && !parseVersion(r.version)?.isPrerelease)
    .sort((a, b) => compareVersions(parseVersion(b.version)!, parseVersion(a.version)!));
  for (const r of records) {
    if (!accepted.every((s) => s.contains(r.version))) continue;
    if (env.python && r.requires_python && !env.python.intersects(VersionSet.fromSpecifierSet(r.requires_python))) continue;
    // A release whose requirements the snapshot does not hold is not known to fit (4.47.0 of transformers' sparse rows).
    const declared = declaredRequirements(r)?.filter((d) => !d.extra);
    if (declared?.every((d) => { const e = env.packages.get(d.name); return !e || e.admitted.intersects(d.set); })) return r.version;
  }
  return undefined;
}

/** The rule page: the full explanation and every source. */
function ruleLink(ruleCode: string, ctx: HoverContext): string {
  const link = ctx.ruleLink?.(ruleCode);
  return link ? `[Sources](${link})` : '';
}

/** A rule title (Markdown already) as a sentence: with a full stop. */
function sentence(title: string): string {
  return /[.!?]$/.test(title) ? title : `${title}.`;
}

/** A code span that shows `s` exactly: no escapes inside, a longer fence when `s` has backticks. */
export function code(s: string): string {
  const runs = s.match(/`+/g)?.map((r) => r.length) ?? [];
  const fence = '`'.repeat(runs.length ? Math.max(...runs) + 1 : 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** Plain text for Markdown: only the characters that would start markup are escaped. */
function text(s: string): string {
  return s.replace(/([\\`*_[\]<])/g, '\\$1');
}
