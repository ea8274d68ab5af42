// The requests only the VS Code extension sends (documented in src/server/protocol.ts): what the test generation asks
// of the checked projects.
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { modelFindings } from '../core/engine/model';
import type { Project } from './groups';
import { METHODS, type ModelFinding, type ModelFindingsParams, type PinLocation, type ProjectSettingsResult } from './protocol';

export interface RequestContext {
  /** A folder URI: its projects, checked; a file's: its project. */
  projectsFor(uri: string, token: CancellationToken): Promise<Project[]>;
  uriOfPath(path: string, p?: Project): string;
  pathOf(uri: string): string;
  trusted(): boolean;
}

export function answerExtensionRequests(connection: Connection, ctx: RequestContext): void {
  connection.onRequest(METHODS.projectSettings, async (params: { uri: string }, token): Promise<ProjectSettingsResult> => {
    const [p] = await ctx.projectsFor(params.uri, token);
    const s = p?.result?.settingsFor(ctx.pathOf(params.uri));
    const trusted = ctx.trusted();
    return { models: s?.models ?? [], installCommand: trusted ? s?.installCommand ?? [] : [] };
  });
  connection.onRequest(METHODS.modelFindings, async (params: ModelFindingsParams, token): Promise<ModelFinding[]> => {
    const out: ModelFinding[] = [];
    for (const p of await ctx.projectsFor(params.uri, token)) {
      if (!p.result) continue;
      for (const { path, finding } of modelFindings(p.result, params.model, params.library, params.version)) {
        out.push({ uri: ctx.uriOfPath(path, p), range: finding.range, code: finding.code, severity: finding.severity, message: finding.message });
      }
    }
    return out;
  });
  connection.onRequest(METHODS.pinsOf, async (params: { uri: string; name: string }, token): Promise<PinLocation[]> => {
    const seen = new Set<string>();
    const out: PinLocation[] = [];
    for (const p of await ctx.projectsFor(params.uri, token)) for (const env of p.result?.environments ?? []) {
      for (const pin of env.packages.get(params.name)?.pins ?? []) {
        const key = `${pin.path}:${pin.requirement.range.start.line}:${pin.requirement.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ uri: ctx.uriOfPath(pin.path, p), range: pin.requirement.range, text: pin.requirement.text.trim() });
      }
    }
    return out;
  });
}
