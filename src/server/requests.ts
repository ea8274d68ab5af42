// The requests only the VS Code extension sends (documented in src/server/protocol.ts): what the test generation asks
// of the checked projects.
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { VersionSet } from '../core/pep440/intervals';
import type { Project } from './groups';
import { METHODS, type PinBelow, type ProjectSettingsResult } from './protocol';

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
  connection.onRequest(METHODS.pinsBelow, async (params: { uri: string; library: string; version: string }, token): Promise<PinBelow[]> => {
    const out: PinBelow[] = [];
    let needed: VersionSet;
    try {
      needed = VersionSet.fromSpecifierSet(`>=${params.version}`);
    } catch {
      return out;
    }
    for (const p of await ctx.projectsFor(params.uri, token)) for (const env of p.result?.environments ?? []) {
      const pkg = env.packages.get(params.library);
      if (!pkg || pkg.admitted.intersects(needed)) continue;
      for (const pin of pkg.pins) out.push({ uri: ctx.uriOfPath(pin.path, p), range: pin.requirement.range, text: pin.requirement.text.trim() });
    }
    return out;
  });
  connection.onRequest(METHODS.pinsOf, async (params: { uri: string; name: string }, token): Promise<PinBelow[]> => {
    const seen = new Set<string>();
    const out: PinBelow[] = [];
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
