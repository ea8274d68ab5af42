// Output formats of `ml-pins check`: text for people, JSON (a versioned contract), SARIF 2.1.0 for code scanning,
// GitHub Actions workflow commands (annotations) for plain CI runs.
import { groupBy } from '../core/group';
import { fixToApply } from '../core/engine/applicability';
import type { FileReport } from '../core/engine/check';
import type { Knowledge } from '../core/engine/knowledge';
import type { Finding, Range, Severity } from '../core/types';

export interface Summary { files: number; errors: number; warnings: number; information: number; hints: number }

export function summarize(files: readonly FileReport[]): Summary {
  const s: Summary = { files: files.length, errors: 0, warnings: 0, information: 0, hints: 0 };
  for (const f of files) for (const x of f.findings) {
    if (x.severity === 'error') s.errors++;
    else if (x.severity === 'warning') s.warnings++;
    else if (x.severity === 'information') s.information++;
    else s.hints++;
  }
  return s;
}

type PathFn = (enginePath: string) => string;

const relRange = (r: Range): Range => ({ start: { ...r.start }, end: { ...r.end } });

/** `unreachable`: package indexes that could not be read (redacted), listed only when there are some. */
export function toJson(files: readonly FileReport[], display: PathFn, unreachable: { url: string; reason: string }[] = []): string {
  const summary = summarize(files);
  return JSON.stringify({
    version: 1,
    files: files.map((f) => ({
      path: display(f.path),
      kind: f.kind,
      requirements: f.requirements,
      findings: f.findings.map((x) => ({
        code: x.code,
        severity: x.severity,
        message: x.message,
        packages: x.packages,
        range: relRange(x.range),
        fixes: x.fixes.map((fix) => ({
          title: fix.title,
          applicability: fix.applicability,
          edits: fix.edits.map((e) => ({ path: display(e.path), range: relRange(e.range), newText: e.newText })),
        })),
        ...(x.related?.length ? { related: x.related.map((r) => ({ path: display(r.path), range: relRange(r.range), message: r.message })) } : {}),
        ...(x.sources?.length ? { sources: x.sources } : {}),
      })),
    })),
    summary: { files: summary.files, errors: summary.errors, warnings: summary.warnings },
    ...(unreachable.length ? { unreachable_indexes: unreachable } : {}),
  }, null, 2);
}

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', information: '\x1b[36m', hint: '\x1b[2m' };

export function toText(files: readonly FileReport[], display: PathFn, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `${code}${s}\x1b[0m` : s);
  const lines: string[] = [];
  for (const f of files) {
    for (const x of f.findings) {
      const where = `${display(f.path)}:${x.range.start.line + 1}:${x.range.start.character + 1}`;
      lines.push(`${paint('\x1b[1m', where)} ${paint(COLORS[x.severity], x.severity)} ${paint('\x1b[2m', x.code)} ${x.message}`);
      for (const r of x.related ?? []) lines.push(`    ${paint('\x1b[2m', `${display(r.path)}:${r.range.start.line + 1}:${r.range.start.character + 1}`)} ${r.message}`);
      const fix = fixToApply(x.fixes);
      if (fix) lines.push(`    ${paint('\x1b[32m', 'fix:')} ${fix.title}`);
    }
  }
  const s = summarize(files);
  const parts = [`${s.errors} error${s.errors === 1 ? '' : 's'}`, `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`];
  if (s.information) parts.push(`${s.information} information`);
  const fixable = files.reduce((n, f) => n + f.findings.filter((x) => x.fixes.length).length, 0);
  lines.push(`${lines.length ? '\n' : ''}${parts.join(', ')} in ${s.files} file${s.files === 1 ? '' : 's'}` +
    (fixable ? ` (${fixable} fixable with \`ml-pins fix\`)` : ''));
  return lines.join('\n');
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function toSarif(files: readonly FileReport[], display: PathFn, knowledge: Knowledge, version: string): string {
  const region = (r: Range) => ({ startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 });
  const location = (path: string, r: Range, message?: string) => ({
    physicalLocation: { artifactLocation: { uri: encodeURI(display(path)) }, region: region(r) },
    ...(message ? { message: { text: message } } : {}),
  });
  const codes = new Map<string, Finding>();
  for (const f of files) for (const x of f.findings) if (!codes.has(x.code)) codes.set(x.code, x);
  const ruleIds = [...codes.keys()].sort();
  const rules = ruleIds.map((id) => {
    const rule = knowledge.byCode.get(id);
    const sample = codes.get(id)!;
    const help = rule ? `${rule.explanation}\n\nSources:\n${rule.sources.map((s) => `- ${s}`).join('\n')}` : sample.explanation ?? sample.message;
    return {
      id,
      name: id,
      shortDescription: { text: rule?.title ?? id },
      fullDescription: { text: rule?.explanation ?? sample.explanation ?? sample.message },
      help: { text: help, markdown: help },
      properties: { tags: ['dependencies', 'python'] },
    };
  });
  const results = files.flatMap((f) => f.findings.map((x) => ({
    ruleId: x.code,
    ruleIndex: ruleIds.indexOf(x.code),
    level: SARIF_LEVEL[x.severity],
    message: { text: x.message },
    locations: [location(f.path, x.range)],
    ...(x.related?.length ? { relatedLocations: x.related.map((r, id) => ({ id, ...location(r.path, r.range, r.message) })) } : {}),
    ...(x.fixes.length ? {
      fixes: x.fixes.map((fix) => ({
        description: { text: fix.title },
        // SARIF has no applicability of its own: a property, as `ml-pins fix` grades the fix.
        properties: { applicability: fix.applicability },
        artifactChanges: [...groupBy(fix.edits, (e) => e.path)].map(([path, edits]) => ({
          artifactLocation: { uri: encodeURI(display(path)) },
          replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
        })),
      })),
    } : {}),
  })));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'ML Pins', semanticVersion: version, version, rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  }, null, 2);
}

// GitHub Actions workflow commands (https://docs.github.com/actions/reference/workflow-commands-for-github-actions):
// one `::error|warning|notice file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` line per finding, which
// the runner turns into annotations on the file. Escaping as @actions/core does: in the message `%`, CR and LF; in
// property values also `:` and `,`.
const GITHUB_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function toGithub(files: readonly FileReport[], display: PathFn): string {
  const lines: string[] = [];
  for (const f of files) {
    for (const x of f.findings) {
      const r = x.range;
      const props: [string, string | number][] = [
        ['file', display(f.path)], ['line', r.start.line + 1], ['col', r.start.character + 1],
        ['endLine', r.end.line + 1], ['endColumn', r.end.character + 1], ['title', `ML Pins ${x.code}`],
      ];
      const body = [x.message,
        ...(x.related ?? []).map((rel) => `${display(rel.path)}:${rel.range.start.line + 1}:${rel.range.start.character + 1} ${rel.message}`)];
      const fix = fixToApply(x.fixes);
      if (fix) body.push(`fix: ${fix.title}`);
      lines.push(`::${GITHUB_LEVEL[x.severity]} ${props.map(([k, v]) => `${k}=${escapeGithubProperty(String(v))}`).join(',')}::` +
        escapeGithubData(body.join('\n')));
    }
  }
  lines.push(summaryLine(files));
  return lines.join('\n');
}

function summaryLine(files: readonly FileReport[]): string {
  const s = summarize(files);
  return `ML Pins: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}` +
    `${s.information ? `, ${s.information} information` : ''} in ${s.files} file${s.files === 1 ? '' : 's'}`;
}
