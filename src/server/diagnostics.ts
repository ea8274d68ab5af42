// workspace/diagnostic: every file's diagnostics for the Problems panel. Streamed as partial results while groups
// are checked (the request stays open until the client cancels it), or answered once for clients that do not stream.
import type { CancellationToken, Connection, Diagnostic, WorkspaceDiagnosticReportPartialResult, WorkspaceFullDocumentDiagnosticReport } from 'vscode-languageserver';
import { DocumentDiagnosticReportKind } from 'vscode-languageserver';

export interface WorkspaceDiagnosticsContext {
  reports: ReadonlyMap<string, { resultId: string; diagnostics: Diagnostic[] }>;
  versionOf(uri: string): number | undefined;
  whenIdle(token: CancellationToken): Promise<void>;
  nextChange(token: CancellationToken, timeoutMs: number): Promise<void>;
  trace(line: string): void;
}

export function answerWorkspaceDiagnostics(connection: Connection, ctx: WorkspaceDiagnosticsContext): void {
  connection.languages.diagnostics.onWorkspace(async (params, token, _workDone, resultProgress) => {
    // What the client has: only files whose result id differs are sent.
    const sent = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
    const collect = (): WorkspaceFullDocumentDiagnosticReport[] => {
      const items: WorkspaceFullDocumentDiagnosticReport[] = [];
      for (const [uri, r] of ctx.reports) {
        if (sent.get(uri) === r.resultId) continue;
        sent.set(uri, r.resultId);
        ctx.trace(`stream ${uri.split('/').pop()} ${r.resultId} n=${r.diagnostics.length}`);
        items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: ctx.versionOf(uri) ?? null, resultId: r.resultId, items: r.diagnostics });
      }
      return items;
    };
    if (!resultProgress) {
      // No streaming: answer what changed, or hold the request until something does (at most 30 s).
      await ctx.whenIdle(token);
      let items = collect();
      if (!items.length && !token.isCancellationRequested) { await ctx.nextChange(token, 30_000); await ctx.whenIdle(token); items = collect(); }
      return { items };
    }
    // Streaming: the request stays open, and every change is reported as a partial result until the client cancels.
    const first = collect();
    if (first.length) resultProgress.report({ items: first } satisfies WorkspaceDiagnosticReportPartialResult);
    while (!token.isCancellationRequested) {
      await ctx.nextChange(token, 60_000);
      if (token.isCancellationRequested) break;
      // The Problems panel fills as groups are checked (not only once the whole workspace is): a few at a time.
      await new Promise((r) => setTimeout(r, 50));
      const items = collect();
      if (items.length) resultProgress.report({ items });
    }
    return { items: [] };
  });
}
