// The ML Pins language server, shared by the Node entry (stdio / IPC, src/server/node.ts) and the browser worker
// (src/server/browser.ts). It owns everything the editor shows: it keeps the workspace's manifests checked,
// answers pull diagnostics (document and workspace, with result ids), code actions, hovers and code lenses
// (./features.ts), and runs fix-all through workspace/applyEdit. Findings cross files, so manifests are checked in
// groups (./groups.ts: a folder tree under its top-most manifest folder, joined with what it includes): an edit
// re-checks one group. What is checked when (open documents first, the rest in the background, cancellable) is
// ./scheduler.ts; what a check reads besides the manifests, shared by every group until metadata changes, ./basis.ts.
// This file holds the state (documents, files read, settings, reports) and the LSP lifecycle.
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, DocumentDiagnosticReportKind, TextDocuments, TextDocumentSyncKind,
  type CancellationToken, type Connection, type Diagnostic, type InitializeParams, type InitializeResult, type ClientCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { inSkippedFolder } from '../core/paths';
import { checkProject, knowledgeFrom, type CheckInput, type SourceFile } from '../core/engine/check';
import type { Knowledge } from '../core/engine/knowledge';
import { asyncMetadata } from '../core/metadata/loader';
import type { MetadataProvider } from '../core/metadata/provider';
import { decodeManifest, detectManifestKind } from '../core/formats';
import { bundledFamilies } from '../core/rules/bundled';
import { SETTINGS_SECTION, settingsFrom, type EditorSettings } from '../core/settings';
import type { Finding } from '../core/types';
import { LiveMetadata, NO_VIEW } from './live';
import { CheckBases, type CheckBasis } from './basis';
import { FIX_ALL_KIND } from './actions';
import { FIX_ALL_COMMAND, FIX_FILE_COMMAND } from './commands';
import { Projects, type Project } from './groups';
import { base64ToBytes, toSeverity, WATCH_GLOBS, type InitializationOptions, type ServerHost } from './host';
import { DEBOUNCE_MS, Scheduler } from './scheduler';
import { CheckLog, checkedLine } from './checkLog';
import { FolderEnvironments, type SelectedInterpreter } from './environments';
import { METHODS } from './protocol';
import { answerWorkspaceDiagnostics } from './diagnostics';
import { answerExtensionRequests } from './requests';
import { answerEditorRequests } from './features';

export const SOURCE = 'ML Pins';
export type { InitializationOptions, ServerHost } from './host';
export { WATCH_GLOBS } from './host';

interface Report {
  resultId: string;
  diagnostics: Diagnostic[];
  findings: Finding[];
  /** `diagnostics` as JSON, once compared: a check compares the new diagnostics with the last report's. */
  json?: string;
}
type DiskText = { text: string } | { finding: Finding };

export function startServer(connection: Connection, host: ServerHost = {}): void {
  const documents = new TextDocuments(TextDocument);
  let knowledgeCache: Knowledge | undefined;
  let metadataCache: MetadataProvider | undefined;
  const metadata = (): MetadataProvider | undefined => {
    if (metadataCache || host.metadata) return (metadataCache ??= host.metadata);
    const base = options.metadataBase?.replace(/\/$/, '');
    if (!base) return undefined;
    return (metadataCache = asyncMetadata(async (path) => {
      const bytes = await readBytes(`${base}/${path}`);
      return bytes && new TextDecoder().decode(bytes);
    }));
  };
  const knowledge = () => (knowledgeCache ??= knowledgeFrom(bundledFamilies, metadata()));
  /** What the project's own indexes declare, shared by every project (./live.ts), and the bases checks read (./basis.ts). */
  let live: LiveMetadata | undefined;
  const bases = new CheckBases(host, metadata, (m) => (m ? knowledgeFrom(bundledFamilies, m) : knowledge()));
  let caps: ClientCapabilities = {};
  let options: InitializationOptions = {};
  let folders: string[] = [];
  let pull = false;
  let refreshSupport = false;
  let configurationSupport = false;
  const known = new Map<string, string>(); // uri -> engine path, for every manifest read or opened
  const byPath = new Map<string, string>(); // engine path -> uri
  const disk = new Map<string, DiskText>();
  const projects = new Projects((p, delay) => markDirty(p.key, delay));
  const folderSettings = new Map<string, EditorSettings>();
  const owner = new Map<string, string>(); // uri -> key of the project whose check reported it last
  const reports = new Map<string, Report>();
  /** Each folder's selected interpreter and its installed environment (what installed findings are about). */
  const environments = new FolderEnvironments(host, () => options.trusted !== false, (folder) => { for (const p of projects.in(folder)) markDirty(p.key, 0); }, () => scheduler.sendStatus(),
    (message) => connection.console.warn(message));
  let resultCounter = 0;

  const trace = (line: string) => host.trace?.(`${Date.now() % 100000} ${line}`);
  /** The editor's log (VS Code: the ML Pins output channel) through window/logMessage. */
  const log = { info: (line: string) => { trace(line); connection.console.info(line); } };
  /** Checks the editor waits for, logged without a message per keystroke (./checkLog.ts). */
  const checkLog = new CheckLog(log.info);
  const short = (uri: string) => uri.split('/').pop();
  const pathOf = (uri: string) => URI.parse(uri).path;
  const isManifest = (uri: string): boolean => {
    const path = pathOf(uri);
    return !inSkippedFolder(path) && detectManifestKind(path) !== undefined;
  };
  const folderKey = (uri: string): string => {
    let best = '';
    for (const f of folders) if ((uri.startsWith(f.endsWith('/') ? f : `${f}/`) || uri === f) && f.length > best.length) best = f;
    return best || `file:${uri}`;
  };
  /** The project of a manifest, which becomes a member of its folder's grouping. */
  const projectOf = (uri: string): Project => projects.of(folderKey(uri), pathOf(uri));
  /** A folder URI: its projects, once every one is checked; a file's: its project (none when no manifest is there). */
  async function projectsFor(uri: string, token: CancellationToken): Promise<Project[]> {
    const key = uri.replace(/\/$/, '');
    if (folders.includes(key)) { await whenIdle(token); return projects.in(key); }
    const p = projects.find(folderKey(uri), pathOf(uri));
    if (p) await ensureFresh(p, token);
    return p ? [p] : [];
  }
  const uriOfPath = (path: string, p?: Project): string => {
    const found = byPath.get(path);
    if (found) return found;
    const base = URI.parse(p?.base ?? folders[0] ?? 'file:///');
    return base.with({ path }).toString();
  };
  const remember = (uri: string) => {
    const path = pathOf(uri);
    known.set(uri, path);
    byPath.set(path, uri);
  };

  /** The order of the work: open documents first, the rest in the background (./scheduler.ts). */
  const scheduler = new Scheduler({
    connection, projects,
    openProjects: () => documents.all().map((d) => projects.find(folderKey(d.uri), pathOf(d.uri))),
    check: (p) => runCheck(p),
    async findManifests(folder) {
      let uris: string[] | 'unsupported' = (await host.findManifests?.(folder)) ?? 'unsupported';
      if (uris === 'unsupported') uris = options.fileAccess ? await connection.sendRequest<string[]>(METHODS.findFiles, { folder }).catch(() => []) : [];
      return uris.filter(isManifest);
    },
    read: async (uri) => { const r = await readText(uri); remember(uri); return r && 'text' in r ? r.text.length : 0; },
    pathOf,
    findings: () => [...reports.values()].map((r) => r.findings),
    environments: () => environments.statuses(),
    workDoneProgress: () => !!caps.window?.workDoneProgress,
    log: (line) => log.info(line),
  });
  const markDirty = (key: string, delay?: number) => scheduler.markDirty(key, delay);
  const ensureFresh = (p: Project, token?: CancellationToken) => scheduler.ensureFresh(p, token);
  const whenIdle = (token?: CancellationToken) => scheduler.whenIdle(token);

  // ---- reading files ----
  async function readBytes(uri: string): Promise<Uint8Array | undefined> {
    const own = await host.readFile?.(uri);
    if (own !== 'unsupported' && own !== undefined) return own;
    if (own === undefined && host.readFile && URI.parse(uri).scheme === 'file') return undefined;
    if (!options.fileAccess) return undefined;
    try {
      const r = await connection.sendRequest<{ base64: string } | null>(METHODS.readFile, { uri });
      return r ? base64ToBytes(r.base64) : undefined;
    } catch {
      return undefined;
    }
  }
  async function readText(uri: string): Promise<DiskText | undefined> {
    const doc = documents.get(uri);
    if (doc) return { text: doc.getText() };
    const cached = disk.get(uri);
    if (cached) return cached;
    const bytes = await readBytes(uri);
    if (!bytes) return undefined;
    const decoded = decodeManifest(pathOf(uri), bytes);
    disk.set(uri, decoded);
    return decoded;
  }

  // ---- settings ----
  async function settingsOf(p: Project): Promise<EditorSettings> {
    const cached = folderSettings.get(p.folder);
    if (cached) return cached;
    let raw: unknown = options.settings;
    if (configurationSupport) {
      try {
        raw = await connection.workspace.getConfiguration({ scopeUri: p.base, section: SETTINGS_SECTION });
      } catch {
        // the client could not answer: defaults
      }
    }
    const settings = settingsFrom(raw, options.trusted !== false);
    folderSettings.set(p.folder, settings);
    return settings;
  }
  const settingsChanged = () => {
    folderSettings.clear();
    for (const p of projects.all.values()) markDirty(p.key, 0);
  };

  // ---- checking ----
  const readerOf = (p: Project) => async (path: string) => { const r = await readText(uriOfPath(path, p)); return r && 'text' in r ? r.text : undefined; };

  async function inputOf(p: Project): Promise<{ input: CheckInput; uris: string[]; settings: EditorSettings; basis: CheckBasis }> {
    const uris = new Set(p.members.map((path) => uriOfPath(path, p)));
    const environment = environments.of(p.folder);
    const settings: EditorSettings = environment ? { ...(await settingsOf(p)), environment } : await settingsOf(p);
    const files: SourceFile[] = [];
    for (const uri of uris) {
      const r = await readText(uri);
      if (!r) continue;
      files.push('text' in r ? { path: pathOf(uri), text: r.text } : { path: pathOf(uri), text: '', unreadable: r.finding });
    }
    const readOther = readerOf(p);
    if (settings.liveIndexes && host.indexes) live ??= new LiveMetadata(host.indexes, metadata);
    const basis = bases.of(settings.liveIndexes ? live : undefined, settings.liveIndexes ? p.view : NO_VIEW);
    return {
      input: {
        ...basis.hooks, files, readFile: readOther, knowledge: basis.knowledge, settings, loadRuleFile: options.trusted !== false ? readOther : undefined,
        // Includes that leave the workspace folder are read only when allowed, and never in an untrusted workspace.
        roots: [pathOf(p.folder)], trusted: options.trusted !== false,
      },
      uris: [...uris], settings, basis,
    };
  }

  async function runCheck(p: Project): Promise<void> {
    const version = p.version;
    const t0 = Date.now();
    const { input, settings, basis } = await inputOf(p);
    const t1 = Date.now();
    const result = await checkProject(input);
    const checked = { files: input.files.length, root: p.root || pathOf(p.base) || '/', readMs: t1 - t0, checkMs: Date.now() - t1, stale: p.version !== version };
    if (scheduler.sweeping && !documents.all().some((d) => p.members.includes(pathOf(d.uri)))) trace(checkedLine(checked)); // a sweep logs its summary
    else checkLog.checked(checked);
    if (p.version !== version) return; // stale: an edit arrived meanwhile, the next run covers it
    // A member that includes a file of another group: the two groups are one (checked together from now on).
    const grouping = projects.grouping(p.folder);
    let joined = false;
    for (const file of result.files) {
      for (const inc of file.manifest?.includes ?? []) {
        if (inc.resolvedPath && grouping.has(inc.resolvedPath) && grouping.link(file.path, inc.resolvedPath)) joined = true;
      }
    }
    if (joined) { projects.regroup(p.folder, 0); return; }
    p.result = result;
    p.basis = basis;
    p.checkedVersion = version;
    const now = new Set<string>();
    const changed: string[] = [];
    const set = (uri: string, findings: Finding[]) => {
      const diagnostics = findings.map((f) => toDiagnostic(f, p));
      const before = reports.get(uri);
      const json = JSON.stringify(diagnostics);
      if (before && (before.json ??= JSON.stringify(before.diagnostics)) === json) { before.findings = findings; return; }
      reports.set(uri, { resultId: String(++resultCounter), diagnostics, findings, json });
      trace(`report ${short(uri)} ${resultCounter} n=${diagnostics.length} v=${version}`);
      changed.push(uri);
    };
    for (const file of result.files) {
      const uri = uriOfPath(file.path, p);
      now.add(uri);
      owner.set(uri, p.key);
      set(uri, settings.enable ? file.findings : []);
    }
    // Files this group no longer covers are cleared, unless another group reports them now.
    for (const uri of p.files) if (!now.has(uri) && (owner.get(uri) ?? p.key) === p.key) { owner.delete(uri); set(uri, []); }
    p.files = now;
    if (!p.members.length) projects.drop(p);
    if (changed.length) publish(changed);
    if (settings.liveIndexes && live && p.members.length) {
      // Never waited for, and after the diagnostics are out (a keystroke's latency): checked again when the indexes
      // answer something new (./live.ts), or at once when the environments read other indexes than the view the check
      // was made with.
      const read = { roots: [pathOf(p.folder)], allowOutside: settings.allowIncludesOutside === true, targetPython: settings.targetPython };
      const view = live.viewKeyOf(result.environments, read);
      const v = live.view(view);
      clearTimeout(p.liveTimer); // a refresh waiting for an earlier check's environments
      p.liveTimer = undefined;
      if (view !== p.view) { p.view = view; markDirty(p.key, 0); }
      else if (v && v.generation !== basis.generation) markDirty(p.key, 50);
      else if (v) {
        // Once the typing pauses: a refresh resolves each environment whose requirements changed (to learn what else
        // to ask the indexes), a whole resolution that the memo does not hold. Run at once, it went before the pull's
        // answer (a microtask ahead of it) on every keystroke that changed a pin, with an index that answers.
        const lv = live;
        p.liveTimer = setTimeout(() => {
          p.liveTimer = undefined;
          trace(`live refresh ${p.key}`);
          lv.refresh(result.environments, read, v, basis.generation, () => { trace(`live metadata ${p.key}`); markDirty(p.key, 50); });
        }, DEBOUNCE_MS);
      }
    }
  }

  function ruleLink(code: string): string | undefined {
    if (options.ruleLink) return options.ruleLink.replace('{code}', encodeURIComponent(code));
    const docsBase = options.docsBase ?? host.docsBase;
    return docsBase ? `${docsBase.replace(/\/$/, '')}/${code}.md` : undefined;
  }

  function toDiagnostic(f: Finding, p: Project): Diagnostic {
    const href = ruleLink(f.code);
    return {
      range: f.range, severity: toSeverity(f.severity), source: SOURCE, code: f.code, message: f.message,
      ...(href ? { codeDescription: { href } } : {}),
      ...(f.related?.length ? { relatedInformation: f.related.map((r) => ({ location: { uri: uriOfPath(r.path, p), range: r.range }, message: r.message })) } : {}),
    };
  }

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** Open document -> the report its latest document pull answered with: what the editor shows for it. */
  const shown = new Map<string, string>();
  /** Whether an open document's report is newer than what its latest pull answered. */
  const unseen = (uri: string) => !!documents.get(uri) && reports.get(uri)?.resultId !== shown.get(uri);
  function publish(changed: string[]): void {
    if (!pull) {
      for (const uri of changed) void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics: reports.get(uri)?.diagnostics ?? [] });
      return;
    }
    scheduler.changed();
    // Open documents show what their document pull returned: ask the client to pull again when theirs changed. The
    // client pulls every open document then, so not for the one being typed in, whose own pull (sent with each edit)
    // has answered with its new report by the time the timer fires: a refresh per keystroke was a pull of each open
    // manifest per keystroke.
    if (refreshSupport && changed.some(unseen) && !refreshTimer) {
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        if (!documents.all().some((d) => unseen(d.uri))) return;
        trace('refresh');
        connection.languages.diagnostics.refresh();
      }, 30);
    }
  }

  // ---- lifecycle ----
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    caps = params.capabilities;
    options = (params.initializationOptions ?? {}) as InitializationOptions;
    folders = (params.workspaceFolders ?? []).map((f) => f.uri.replace(/\/$/, ''));
    if (!folders.length && params.rootUri) folders = [params.rootUri.replace(/\/$/, '')];
    pull = !!caps.textDocument?.diagnostic;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    configurationSupport = !!caps.workspace?.configuration;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        ...(pull ? { diagnosticProvider: { identifier: 'ml-pins', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, FIX_ALL_KIND] },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [FIX_ALL_COMMAND, FIX_FILE_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'ml-pins', version: typeof ML_PINS_VERSION === 'string' ? ML_PINS_VERSION : undefined },
    };
  });

  connection.onInitialized(() => {
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: WATCH_GLOBS.map((globPattern) => ({ globPattern })) }).catch(() => undefined);
    }
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
    }
    if (caps.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        for (const f of e.removed) {
          const key = f.uri.replace(/\/$/, '');
          folders = folders.filter((x) => x !== key);
          projects.dropFolder(key);
          for (const p of projects.in(key)) {
            const gone = [...p.files];
            for (const u of gone) { owner.delete(u); reports.set(u, { resultId: String(++resultCounter), diagnostics: [], findings: [] }); }
            publish(gone);
            projects.drop(p);
          }
        }
        for (const f of e.added) { const key = f.uri.replace(/\/$/, ''); folders.push(key); void scheduler.scan(key); }
      });
    }
    for (const f of folders) void scheduler.scan(f);
  });

  documents.onDidOpen((e) => {
    if (!isManifest(e.document.uri)) return;
    remember(e.document.uri);
    markDirty(projectOf(e.document.uri).key);
  });
  documents.onDidChangeContent((e) => {
    trace(`change ${short(e.document.uri)} v=${e.document.version}`);
    if (isManifest(e.document.uri)) markDirty(projectOf(e.document.uri).key);
  });
  documents.onDidClose((e) => {
    disk.delete(e.document.uri); // closed without saving: the disk has the text again
    shown.delete(e.document.uri);
    if (!isManifest(e.document.uri)) return;
    if (URI.parse(e.document.uri).scheme === 'untitled') {
      known.delete(e.document.uri);
      const folder = folderKey(e.document.uri);
      if (projects.grouping(folder).remove(pathOf(e.document.uri))) projects.regroup(folder, DEBOUNCE_MS);
      return;
    }
    markDirty(projectOf(e.document.uri).key);
  });
  documents.onDidSave((e) => disk.delete(e.document.uri));

  connection.onDidChangeWatchedFiles((params) => {
    const dirty = new Set<string>();
    const regrouped = new Set<string>();
    for (const change of params.changes) {
      disk.delete(change.uri);
      if (!isManifest(change.uri)) continue;
      const folder = folderKey(change.uri);
      const grouping = projects.grouping(folder);
      if (change.type === 3 /* deleted */) {
        known.delete(change.uri);
        if (!documents.get(change.uri) && grouping.remove(pathOf(change.uri))) regrouped.add(folder);
        continue;
      }
      remember(change.uri);
      if (grouping.add(pathOf(change.uri))) regrouped.add(folder);
      if (!documents.get(change.uri)) dirty.add(change.uri);
    }
    for (const folder of regrouped) projects.regroup(folder, DEBOUNCE_MS);
    // A changed file's group, and the groups that include it (the group of what a file includes is its own).
    for (const uri of dirty) markDirty(projectOf(uri).key);
  });

  connection.onDidChangeConfiguration(settingsChanged);
  connection.onNotification(METHODS.trust, (params: { trusted: boolean }) => {
    options.trusted = params.trusted;
    settingsChanged();
    // Trusted now: the interpreters may be run for what their files do not say.
    environments.reread();
  });
  connection.onNotification(METHODS.recheck, () => {
    disk.clear();
    scheduler.paused = false;
    log.info('checking the workspace again');
    for (const f of folders) void scheduler.scan(f);
    settingsChanged();
  });
  connection.onNotification(METHODS.interpreter, (params: SelectedInterpreter) => environments.select(params));

  // ---- pull diagnostics ----
  connection.languages.diagnostics.on(async (params, token) => {
    const uri = params.textDocument.uri;
    if (!isManifest(uri)) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    await ensureFresh(projectOf(uri), token);
    const r = reports.get(uri);
    trace(`pull ${short(uri)} prev=${params.previousResultId} -> ${r?.resultId} n=${r?.diagnostics.length} cancelled=${token.isCancellationRequested} docv=${documents.get(uri)?.version}`);
    if (!r) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    // A cancelled pull's answer is dropped by the client, which pulls again.
    if (!token.isCancellationRequested && documents.get(uri)) shown.set(uri, r.resultId);
    if (params.previousResultId === r.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: r.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: r.resultId, items: r.diagnostics };
  });

  answerWorkspaceDiagnostics(connection, { reports, versionOf: (uri) => documents.get(uri)?.version, whenIdle, nextChange: (token, ms) => scheduler.nextChange(token, ms), trace });

  // ---- code actions, hover, code lens, commands (./features.ts) ----
  answerEditorRequests(connection, {
    isManifest, projectOf, ensureFresh, whenIdle, pathOf, uriOfPath, reports, inputOf, settingsOf, readerOf, ruleLink,
    metadata, options: () => options, projects: () => projects.all.values(),
  });

  // ---- requests of the VS Code extension (documented in src/server/protocol.ts) ----
  connection.onRequest(METHODS.whenIdle, async (_params, token) => { await whenIdle(token); return null; });
  answerExtensionRequests(connection, { projectsFor, uriOfPath, pathOf, trusted: () => options.trusted !== false });
  connection.onRequest(METHODS.interpreterOf, (params: { folder: string }) => environments.interpreterOf(params.folder.replace(/\/$/, '')) ?? null);

  connection.onShutdown(() => {
    scheduler.dispose();
    checkLog.dispose();
    clearTimeout(refreshTimer);
  });

  documents.listen(connection);
  connection.listen();
}

declare const ML_PINS_VERSION: string | undefined;

