// Hover on a requirement: what the environment admits, what a fresh install takes, the findings with their
// explanation and evidence, and the package's page.
import * as vscode from 'vscode';
import { installerName } from '../core/engine/installer';
import { describeSet, displayName } from '../core/engine/messages';
import { snapshotNote } from '../core/metadata/provider';
import { VersionSet } from '../core/pep440/intervals';
import { redactCredentials } from '../core/redact';
import type { Requirement } from '../core/types';
import type { WorkspaceChecker } from './checker';
import { enginePath, toRange } from './convert';

export class MlPinsHover implements vscode.HoverProvider {
  constructor(private readonly checker: WorkspaceChecker) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const result = this.checker.resultFor(document.uri);
    const path = enginePath(document.uri);
    const report = result?.files.find((f) => f.path === path);
    const requirement = report?.manifest?.requirements.find((r) => toRange(r.range).contains(position));
    if (!result || !requirement) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.supportHtml = false;
    const name = displayName(requirement.normalizedName);
    md.appendMarkdown(`**${escape(requirement.name)}** \`${escape(redactCredentials(requirement.text.trim()))}\`\n\n`);
    for (const env of result.environments) {
      const pkg = env.packages.get(requirement.normalizedName);
      if (!pkg || !pkg.pins.some((p) => p.requirement === requirement)) continue;
      md.appendMarkdown(`- ${escape(env.label)} (installed with ${escape(installerName(env.installer))}: ${escape(env.installer.evidence)}): admits ${escape(describeSet(pkg.admitted))}; a fresh install takes ` +
        `${escape(freshText(pkg.admitted))}\n`);
    }
    const note = snapshotNote(this.checker.metadata, requirement.normalizedName, VersionSet.fromSpecifierSet(requirement.specifier.replace(/\+[A-Za-z0-9.]+(?=,|$)/g, '')));
    if (note) md.appendMarkdown(`\n${escape(name)} ${requirement.specifier ? escape(requirement.specifier) : ''}: ${escape(note)}\n`);
    md.appendMarkdown('\n');
    const findings = this.checker.findingsFor(document.uri).filter((c) => c.diagnostic.range.contains(position));
    for (const { finding } of findings) {
      md.appendMarkdown(`---\n\n**${finding.severity}** \`${finding.code}\`: ${escape(finding.message)}\n\n`);
      if (finding.explanation) md.appendMarkdown(`${finding.explanation}\n\n`);
      if (finding.sources?.length) md.appendMarkdown(`Sources:\n${finding.sources.map((s) => `- ${linkify(s)}`).join('\n')}\n\n`);
    }
    md.appendMarkdown(`[${escape(name)} on PyPI](https://pypi.org/project/${encodeURIComponent(requirement.normalizedName)}/)`);
    return new vscode.Hover(md, toRange(requirement.range));
  }
}

function freshText(admitted: import('../core/pep440/intervals').VersionSet): string {
  const upper = admitted.upperBound();
  if (admitted.isEmpty()) return 'nothing (no version is admitted)';
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
  return source.replace(/https?:\/\/\S+/g, (u) => `<${u}>`).replace(/^(?!<)/, '');
}

export type { Requirement };
