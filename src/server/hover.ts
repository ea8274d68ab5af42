// Hover on a requirement: what each environment admits and what a fresh install takes, the findings on it with their
// explanation and evidence, and the package's page. Markdown, for any LSP client.
import { redactCredentials } from '../core/redact';
import type { CheckResult } from '../core/engine/check';
import { freshInstallSet } from '../core/engine/evaluate';
import { installerName } from '../core/engine/installer';
import { describeSet, displayName } from '../core/engine/messages';
import { snapshotNote, type MetadataProvider } from '../core/metadata/provider';
import { VersionSet } from '../core/pep440/intervals';
import type { Finding, Position, Range } from '../core/types';

const contains = (r: Range, p: Position) =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

export function hoverMarkdown(result: CheckResult, path: string, position: Position, findings: readonly Finding[], metadata?: MetadataProvider): { value: string; range: Range } | undefined {
  const report = result.files.find((f) => f.path === path);
  const requirement = report?.manifest?.requirements.find((r) => contains(r.range, position));
  if (!requirement) return undefined;
  let md = `**${escape(requirement.name)}** \`${escape(redactCredentials(requirement.text.trim()))}\`\n\n`;
  for (const env of result.environments) {
    const pkg = env.packages.get(requirement.normalizedName);
    if (!pkg || !pkg.pins.some((p) => p.requirement === requirement)) continue;
    const fresh = freshInstallSet(env, requirement.normalizedName, result.knowledgeFor(path), result.settingsFor(path)) ?? pkg.admitted;
    md += `- ${escape(env.label)} (installed with ${escape(installerName(env.installer))}: ${escape(env.installer.evidence)}): admits ${escape(describeSet(pkg.admitted))}; a fresh install takes ${escape(freshText(fresh))}\n`;
  }
  const note = snapshotNote(metadata, requirement.normalizedName, VersionSet.fromSpecifierSet(requirement.specifier.replace(/\+[A-Za-z0-9.]+(?=,|$)/g, '')));
  if (note) md += `\n${escape(displayName(requirement.normalizedName))} ${requirement.specifier ? escape(requirement.specifier) : ''}: ${escape(note)}\n`;
  md += '\n';
  for (const finding of findings.filter((f) => contains(f.range, position))) {
    md += `---\n\n**${finding.severity}** \`${finding.code}\`: ${escape(finding.message)}\n\n`;
    if (finding.explanation) md += `${finding.explanation}\n\n`;
    if (finding.sources?.length) md += `Sources:\n${finding.sources.map((s) => `- ${linkify(s)}`).join('\n')}\n\n`;
  }
  md += `[${escape(displayName(requirement.normalizedName))} on PyPI](https://pypi.org/project/${encodeURIComponent(requirement.normalizedName)}/)`;
  return { value: md, range: requirement.range };
}

/** The top of the engine's fresh-install set, in words. */
function freshText(fresh: VersionSet): string {
  const upper = fresh.upperBound();
  if (fresh.isEmpty()) return 'nothing (no version is admitted)';
  if (!upper) return 'the newest release';
  return upper.inclusive ? upper.version.toString() : `the newest release below ${upper.version.toString()}`;
}

function escape(s: string): string {
  return s.replace(/([\\`*_{}[\]()#+\-!|<>])/g, '\\$1');
}

/** `owner/repo#123` and `owner/repo path@sha` become GitHub links; URLs stay links. */
function linkify(source: string): string {
  const issue = /^([\w.-]+\/[\w.-]+)#(\d+)(.*)$/.exec(source);
  if (issue) return `[${issue[1]}#${issue[2]}](https://github.com/${issue[1]}/issues/${issue[2]})${escape(issue[3])}`;
  const file = /^([\w.-]+\/[\w.-]+) (\S+)@([0-9a-f]{7,40})(.*)$/.exec(source);
  if (file) return `[${file[1]} ${file[2]}@${file[3].slice(0, 10)}](https://github.com/${file[1]}/blob/${file[3]}/${file[2]})${escape(file[4])}`;
  return source.replace(/https?:\/\/\S+/g, (u) => `<${u}>`);
}
