// The editor's requests on a manifest: code actions (quick fixes, fix-all, upgrade refactors), the hover, the
// "fix n problems" code lens, and the fix commands. Each request first waits for the document's group to be checked
// with the current text (./scheduler.ts), then answers from that check.
import {
  CodeActionKind, type CancellationToken, type CodeLens, type Connection, type Diagnostic, type Hover, type TextEdit as LspTextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import { fixProject } from '../core/engine/apply';
import { fixToApply } from '../core/engine/applicability';
import type { CheckInput } from '../core/engine/check';
import type { MetadataProvider } from '../core/metadata/provider';
import type { EditorSettings } from '../core/settings';
import type { Finding, TextEdit } from '../core/types';
import { FIX_ALL_KIND, quickFixes, textEditsBetween } from './actions';
import { FIX_ALL_COMMAND, FIX_FILE_COMMAND } from './commands';
import type { Project } from './groups';
import type { InitializationOptions } from './host';
import { hoverMarkdown } from './hover';
import { upgradeActions } from './pins';

export interface EditorRequestContext {
  isManifest(uri: string): boolean;
  projectOf(uri: string): Project;
  ensureFresh(p: Project, token?: CancellationToken): Promise<void>;
  whenIdle(token?: CancellationToken): Promise<void>;
  pathOf(uri: string): string;
  uriOfPath(path: string, p?: Project): string;
  /** What each file's last check reported. */
  reports: ReadonlyMap<string, { diagnostics: Diagnostic[]; findings: Finding[] }>;
  inputOf(p: Project): Promise<{ input: CheckInput; settings: EditorSettings }>;
  settingsOf(p: Project): Promise<EditorSettings>;
  readerOf(p: Project): (path: string) => Promise<string | undefined>;
  ruleLink(code: string): string | undefined;
  metadata(): MetadataProvider | undefined;
  options(): InitializationOptions;
  projects(): Iterable<Project>;
}

export function answerEditorRequests(connection: Connection, ctx: EditorRequestContext): void {
  const { isManifest, projectOf, ensureFresh, whenIdle, pathOf, uriOfPath, reports, inputOf, settingsOf, readerOf, ruleLink, metadata } = ctx;
  const findingsOf = (uri: string) => reports.get(uri)?.findings ?? [];
  const toWorkspaceEdit = (edits: readonly TextEdit[], p?: Project): WorkspaceEdit => {
    const changes: Record<string, LspTextEdit[]> = {};
    for (const e of edits) (changes[uriOfPath(e.path, p)] ??= []).push({ range: e.range, newText: e.newText });
    return { changes };
  };

  connection.onCodeAction(async (params, token) => {
    const uri = params.textDocument.uri;
    if (!isManifest(uri)) return [];
    const p = projectOf(uri);
    await ensureFresh(p, token);
    const only = params.context.only;
    const wantsFixAll = only?.some((k) => k === FIX_ALL_KIND || FIX_ALL_KIND.startsWith(`${k}.`) || k.startsWith(`${FIX_ALL_KIND}.`));
    const report = reports.get(uri);
    const placed = findingsOf(uri).map((finding, i) => ({ finding, diagnostic: report!.diagnostics[i] }));
    if (wantsFixAll) {
      const edits = await fixFile(uri, p, true);
      return edits.length ? [{ title: 'Fix all ML Pins problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } }, diagnostics: placed.map((x) => x.diagnostic) }] : [];
    }
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const refactors = wants(CodeActionKind.RefactorRewrite) ? await upgradeActions(p.result, pathOf(uri), params.range, { provider: p.basis?.provider ?? metadata(), settings: await settingsOf(p), read: readerOf(p), toEdit: (edits) => toWorkspaceEdit(edits, p) }) : [];
    if (!wants(CodeActionKind.QuickFix)) return refactors;
    const options = ctx.options();
    const install = options.installCommand;
    const actions = quickFixes(placed, params.range, params.context.diagnostics, (edits) => toWorkspaceEdit(edits, p),
      install && options.trusted !== false ? (i) => ({ title: 'Install it', command: install, arguments: [{ folder: p.key, ...i }] }) : undefined);
    if (actions.length && fixableIn(uri).length > 1) {
      // One round from the check already made, as on save: this runs on every lightbulb request.
      const edits = await fixFile(uri, p, true);
      if (edits.length) actions.push({ title: 'Fix all ML Pins problems in this file', kind: CodeActionKind.QuickFix, edit: { changes: { [uri]: edits } }, diagnostics: placed.map((x) => x.diagnostic) });
    }
    return [...actions, ...refactors.filter((r) => !actions.some((a) => a.title === r.title))];
  });

  /** The findings of a file whose safe fix edits only that file (fix-all on save must not change other files). */
  const fixableIn = (uri: string) => findingsOf(uri).filter((f) => fixToApply(f.fixes)?.edits.every((e) => e.path === pathOf(uri)));

  /**
   * Fix-all in one file (on save, the code lens, the quick-fix menu): the core's fix loop (engine/apply.ts) over the
   * project, applying only the safe fixes of this file's findings that edit this file alone, as line edits. On save
   * and in the lightbulb menu (`quick`) the editor waits on it: one round from the check already made, no check after.
   */
  async function fixFile(uri: string, p: Project, quick = false): Promise<LspTextEdit[]> {
    const path = pathOf(uri);
    const { input, settings } = await inputOf(p);
    if (!settings.enable) return [];
    const fixed = await fixProject(input, {
      checked: p.checkedVersion >= p.version ? p.result : undefined,
      only: (f, at) => at === path && !!fixToApply(f.fixes)?.edits.every((e) => e.path === path),
      ...(quick ? { rounds: 1, finalCheck: false } : {}),
    });
    const before = fixed.originals.get(path);
    const after = fixed.changed.get(path);
    return before === undefined || after === undefined ? [] : textEditsBetween(before, after);
  }

  connection.onHover(async (params, token): Promise<Hover | null> => {
    const uri = params.textDocument.uri;
    if (!isManifest(uri)) return null;
    const p = projectOf(uri);
    await ensureFresh(p, token);
    const md = p.result && hoverMarkdown(p.result, pathOf(uri), params.position, findingsOf(uri), { metadata: p.basis?.provider ?? metadata(), resolution: p.basis?.resolution, ruleLink });
    return md ? { contents: { kind: 'markdown', value: md.value }, range: md.range } : null;
  });

  connection.onCodeLens(async (params, token): Promise<CodeLens[]> => {
    const uri = params.textDocument.uri;
    if (!isManifest(uri)) return [];
    await ensureFresh(projectOf(uri), token);
    const fixable = fixableIn(uri);
    if (fixable.length < 2) return [];
    const first = fixable.reduce((a, b) => (b.range.start.line < a.range.start.line ? b : a));
    const line = first.range.start.line;
    return [{ range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: { title: `ML Pins: fix ${fixable.length} problems in this file`, command: FIX_FILE_COMMAND, arguments: [uri] } }];
  });

  // ---- commands ----
  connection.onExecuteCommand(async (params, token) => {
    if (params.command === FIX_FILE_COMMAND) {
      const uri = String(params.arguments?.[0] ?? '');
      if (!isManifest(uri)) return 0;
      const p = projectOf(uri);
      await ensureFresh(p, token);
      const edits = await fixFile(uri, p);
      if (!edits.length) return 0;
      const applied = await connection.workspace.applyEdit({ label: 'ML Pins: fix all in file', edit: { changes: { [uri]: edits } } });
      return applied.applied ? edits.length : 0;
    }
    if (params.command !== FIX_ALL_COMMAND) return null;
    return fixWorkspace(token);
  });

  /** Safe fixes everywhere, repeated in memory while they reveal more (engine/apply.ts), then one WorkspaceEdit. */
  async function fixWorkspace(token: CancellationToken): Promise<number> {
    await whenIdle(token);
    let applied = 0;
    const changes: Record<string, LspTextEdit[]> = {};
    for (const p of ctx.projects()) {
      if (token.isCancellationRequested) return 0;
      const { input, settings } = await inputOf(p);
      if (!settings.enable) continue;
      const fixed = await fixProject(input);
      applied += fixed.applied;
      for (const [path, text] of fixed.changed) {
        const before = fixed.originals.get(path);
        if (before === undefined) continue;
        changes[uriOfPath(path, p)] = textEditsBetween(before, text);
      }
    }
    if (!Object.keys(changes).length || token.isCancellationRequested) return 0;
    const r = await connection.workspace.applyEdit({ label: 'ML Pins: fix all in workspace', edit: { changes } });
    return r.applied ? applied : 0;
  }
}
