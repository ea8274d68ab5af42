// The ML Pins language server, shared by the Node entry (stdio / IPC, src/server/node.ts) and the browser worker
// (src/server/browser.ts). It owns everything the editor shows: it keeps the workspace's manifests checked,
// answers pull diagnostics (document and workspace, with result ids), code actions, hovers and code lenses, and runs
// fix-all through workspace/applyEdit. A project (a workspace folder) is checked whole, because findings cross files.
//
// Responsiveness: a folder's manifests are checked in groups (src/server/groups.ts: a folder tree under its top-most
// manifest folder, joined with what it includes), so an edit re-checks one group. Open documents are checked on demand
// (a pull, hover or code action checks the document's group with the current text before answering); the workspace
// scan reads files and then checks every other group in the background, one at a time with window progress, open
// documents' groups first, yielding between groups so requests are answered meanwhile. Edits bump a group's version:
// a check whose version is stale when it ends is dropped, and requests honour $/cancelRequest.
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, DocumentDiagnosticReportKind, TextDocuments, TextDocumentSyncKind,
  type CancellationToken, type CodeLens, type Connection, type Diagnostic, type Hover,
  type InitializeParams, type InitializeResult, type WorkspaceEdit,
  type TextEdit as LspTextEdit, type ClientCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { fixProject } from '../core/engine/apply';
import { fixToApply } from '../core/engine/applicability';
import { inSkippedFolder } from '../core/paths';
import { checkProject, knowledgeFrom, type CheckInput, type SourceFile } from '../core/engine/check';
import type { Knowledge } from '../core/engine/knowledge';
import { asyncMetadata } from '../core/metadata/loader';
import type { MetadataProvider } from '../core/metadata/provider';
import { decodeManifest, detectManifestKind } from '../core/formats';
import { bundledFamilies } from '../core/rules/bundled';
import { SETTINGS_SECTION, settingsFrom, type EditorSettings } from '../core/settings';
import type { Finding, TextEdit } from '../core/types';
import { hoverMarkdown } from './hover';
import { LiveMetadata, NO_VIEW } from './live';
import { CheckBases, type CheckBasis } from './basis';
import { upgradeActions } from './pins';
import { FIX_ALL_KIND, quickFixes, textEditsBetween } from './actions';
import { FIX_ALL_COMMAND, FIX_FILE_COMMAND } from './commands';
import { Projects, type Project } from './groups';
import { base64ToBytes, MAX_SCANNED, toSeverity, WATCH_GLOBS, yieldNow, type InitializationOptions, type ServerHost } from './host';
import { FolderEnvironments, type SelectedInterpreter } from './environments';
import { METHODS, type StatusParams } from './protocol';
import { answerWorkspaceDiagnostics } from './diagnostics';
import { answerExtensionRequests } from './requests';

export const SOURCE = 'ML Pins';
const DEBOUNCE_MS = 200;
export type { InitializationOptions, ServerHost } from './host';
export { WATCH_GLOBS } from './host';

interface Report { resultId: string; diagnostics: Diagnostic[]; findings: Finding[] }
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
  const environments = new FolderEnvironments(host, () => options.trusted !== false, (folder) => { for (const p of projects.in(folder)) markDirty(p.key, 0); }, () => sendStatus(),
    (message) => connection.console.warn(message));
  let resultCounter = 0;
  let scanning = 0; // folders being scanned
  const scanningFolders = new Set<string>();
  let scanProgress = { read: 0, total: 0 };
  const changeListeners = new Set<() => void>();
  const idleListeners = new Set<() => void>();

  const trace = (line: string) => host.trace?.(`${Date.now() % 100000} ${line}`);
  /** The editor's log (VS Code: the ML Pins output channel) through window/logMessage. */
  const log = { info: (line: string) => { trace(line); connection.console.info(line); } };
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
  function markDirty(key: string, delay = DEBOUNCE_MS): void {
    const p = projects.all.get(key);
    if (!p) return;
    p.version++;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => { p.timer = undefined; void sweep(); }, delay);
  }

  async function ensureFresh(p: Project, token?: CancellationToken): Promise<void> {
    for (let i = 0; i < 20 && !token?.isCancellationRequested; i++) {
      if (p.running) { await p.running; continue; }
      if (p.checkedVersion >= p.version) return;
      const version = p.version;
      p.running = runCheck(p)
        .catch((e: unknown) => {
          // A failed check must not be retried forever (whenIdle, fix-all wait for it): log it and take the version as done.
          connection.console.error(`ML Pins: checking ${p.key} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
          p.checkedVersion = Math.max(p.checkedVersion, version);
        })
        .finally(() => { p.running = undefined; sendStatus(); notifyIdle(); });
    }
  }

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
    const line = `checked ${input.files.length} manifest${input.files.length === 1 ? '' : 's'} under ${p.root || pathOf(p.base) || '/'} (read ${t1 - t0} ms, check ${Date.now() - t1} ms)${p.version !== version ? ', stale: an edit arrived' : ''}`;
    if (sweeping && !documents.all().some((d) => p.members.includes(pathOf(d.uri)))) trace(line); else log.info(line); // a sweep logs its summary
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
    if (settings.liveIndexes && live) {
      // Never waited for: checked again when the indexes answer something new (./live.ts), or at once when the
      // environments read other indexes than the view the check was made with.
      const read = { roots: [pathOf(p.folder)], allowOutside: settings.allowIncludesOutside === true, targetPython: settings.targetPython };
      const view = live.viewKeyOf(result.environments, read);
      const v = live.view(view);
      if (view !== p.view) { p.view = view; markDirty(p.key, 0); }
      else if (v) v.generation !== basis.generation ? markDirty(p.key, 50) : live.refresh(result.environments, read, v, basis.generation, () => { trace(`live metadata ${p.key}`); markDirty(p.key, 50); });
    }
    const now = new Set<string>();
    const changed: string[] = [];
    const set = (uri: string, findings: Finding[]) => {
      const diagnostics = findings.map((f) => toDiagnostic(f, p));
      const before = reports.get(uri);
      if (before && JSON.stringify(before.diagnostics) === JSON.stringify(diagnostics)) { before.findings = findings; return; }
      reports.set(uri, { resultId: String(++resultCounter), diagnostics, findings });
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
    if (!p.members.length) projects.all.delete(p.key);
    if (changed.length) publish(changed);
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
  function publish(changed: string[]): void {
    if (!pull) {
      for (const uri of changed) void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics: reports.get(uri)?.diagnostics ?? [] });
      return;
    }
    for (const l of [...changeListeners]) l();
    // Open documents show what their document pull returned: ask the client to pull again when theirs changed.
    if (refreshSupport && changed.some((u) => documents.get(u)) && !refreshTimer) {
      refreshTimer = setTimeout(() => { refreshTimer = undefined; trace('refresh'); connection.languages.diagnostics.refresh(); }, 30);
    }
  }

  // ---- the background sweep: every group that is not fresh, open documents' groups first, one at a time ----
  let sweeping = false;
  /** The user cancelled the background progress: only what is asked for is checked until the next re-check. */
  let paused = false;
  // Open documents' groups are checked while their folder is scanned; the others once it is read.
  const stale = (p: Project, open = false) => !p.running && !p.timer && p.checkedVersion < p.version && (open || !scanningFolders.has(p.folder));
  function nextStale(): Project | undefined {
    for (const d of documents.all()) {
      const p = projects.find(folderKey(d.uri), pathOf(d.uri));
      if (p && stale(p, true)) return p;
    }
    if (!paused) for (const p of projects.all.values()) if (stale(p)) return p;
    return undefined;
  }
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    let files = 0, groups = 0, last = Date.now(), lastYield = Date.now();
    const t0 = Date.now();
    try {
      for (let p = nextStale(); p; p = nextStale()) {
        await ensureFresh(p);
        files += p.members.length;
        groups++;
        if (Date.now() - last > 100) {
          last = Date.now();
          let left = 0;
          for (const q of projects.all.values()) if (q.checkedVersion < q.version) left += q.members.length;
          showProgress(`${files}/${files + left} manifests checked`, (100 * files) / Math.max(1, files + left));
          if (!scanning) scanProgress = { read: files, total: files + left }; // the status item's "checking n/m"
          sendStatus();
        }
        // Let requests in (hovers, an open file's diagnostics) between groups.
        if (Date.now() - lastYield > 10) { await yieldNow(); lastYield = Date.now(); }
      }
    } finally {
      sweeping = false;
      if (!scanning) scanProgress = { read: 0, total: 0 };
      if (groups > 1) log.info(`checked ${files} manifests in ${groups} groups in ${Date.now() - t0} ms`);
      sendStatus();
      notifyIdle();
    }
  }

  // Window progress for the background work (scan and sweep); cancelling it stops the background work.
  let progress: Promise<Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>> | undefined> | undefined;
  function showProgress(message: string, percentage: number): void {
    if (!caps.window?.workDoneProgress) return;
    progress ??= connection.window.createWorkDoneProgress().then((r) => {
      r.begin('ML Pins', 0, message, true);
      r.token.onCancellationRequested(() => { paused = true; log.info('background check cancelled: open files are still checked'); notifyIdle(); });
      return r;
    }, () => undefined);
    void progress.then((r) => r?.report(Math.round(percentage), message));
  }

  const isIdle = () => scanning === 0 && !sweeping && [...projects.all.values()].every((p) => !p.running && !p.timer && (p.checkedVersion >= p.version || paused));
  function notifyIdle(): void {
    if (!isIdle()) return;
    const p = progress;
    progress = undefined;
    void p?.then((r) => r?.done());
    for (const l of [...idleListeners]) l();
  }
  async function whenIdle(token?: CancellationToken): Promise<void> {
    while (!isIdle() && !token?.isCancellationRequested) {
      for (const p of projects.all.values()) if (p.timer) { clearTimeout(p.timer); p.timer = undefined; }
      void sweep();
      await new Promise<void>((resolve) => {
        const done = () => { idleListeners.delete(done); sub?.dispose(); resolve(); };
        idleListeners.add(done);
        const sub = token?.onCancellationRequested(done);
        setTimeout(done, 250); // re-evaluate: new work may have been scheduled by a timer
      });
    }
  }
  const nextChange = (token: CancellationToken, timeoutMs: number) => new Promise<void>((resolve) => {
    const done = () => { changeListeners.delete(done); sub.dispose(); clearTimeout(t); resolve(); };
    changeListeners.add(done);
    const sub = token.onCancellationRequested(done);
    const t = setTimeout(done, timeoutMs);
  });

  let lastStatus = '';
  let lastStatusAt = 0;
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  function sendStatus(): void {
    // At most ten a second while checking (counting walks every report); the idle state at once.
    if (!isIdle() && Date.now() - lastStatusAt < 100) { statusTimer ??= setTimeout(() => { statusTimer = undefined; sendStatus(); }, 100); return; }
    lastStatusAt = Date.now();
    let errors = 0, warnings = 0, information = 0;
    for (const r of reports.values()) for (const f of r.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else if (f.severity === 'information') information++;
    }
    const status: StatusParams = { checking: !isIdle(), read: scanProgress.read, total: scanProgress.total, errors, warnings, information,
      environments: environments.statuses() };
    const json = JSON.stringify(status);
    if (json === lastStatus) return;
    lastStatus = json;
    void connection.sendNotification(METHODS.status, status);
  }

  // ---- the workspace scan ----
  async function scan(folder: string): Promise<void> {
    scanning++;
    scanningFolders.add(folder);
    const t0 = Date.now();
    try {
      showProgress('finding manifests', 0);
      let uris: string[] | 'unsupported' = (await host.findManifests?.(folder)) ?? 'unsupported';
      if (uris === 'unsupported') {
        uris = options.fileAccess ? await connection.sendRequest<string[]>(METHODS.findFiles, { folder }).catch(() => []) : [];
      }
      uris = uris.filter(isManifest);
      if (uris.length > MAX_SCANNED) {
        connection.console.warn(`ML Pins: ${uris.length} manifests under ${folder}; checking the first ${MAX_SCANNED} (open files are always checked).`);
        uris = uris.slice(0, MAX_SCANNED);
      }
      scanProgress = { read: 0, total: scanProgress.total + uris.length };
      sendStatus();
      let last = Date.now();
      const BATCH = 32;
      for (let i = 0; i < uris.length; i += BATCH) {
        if (paused) break; // cancelled: check what has been read
        const batch = uris.slice(i, i + BATCH);
        await Promise.all(batch.map((uri) => readText(uri)));
        for (const uri of batch) remember(uri);
        scanProgress.read += batch.length;
        if (Date.now() - last > 100) {
          last = Date.now();
          showProgress(`${scanProgress.read}/${scanProgress.total} manifests read`, (100 * scanProgress.read) / Math.max(1, scanProgress.total));
          sendStatus();
          await yieldNow(); // let requests for open documents in
        }
      }
      log.info(`${folder}: ${uris.length} manifests found and read in ${Date.now() - t0} ms`);
      scanningFolders.delete(folder);
      // The groups are formed once everything is read (while reading, open documents are checked with each other).
      const grouping = projects.grouping(folder);
      for (const uri of uris) grouping.add(pathOf(uri));
      projects.regroup(folder, 0);
      void sweep();
    } finally {
      scanningFolders.delete(folder);
      scanning--;
      if (!scanning) scanProgress = { read: 0, total: 0 };
      sendStatus();
      notifyIdle();
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
            clearTimeout(p.timer);
            projects.all.delete(p.key);
          }
        }
        for (const f of e.added) { const key = f.uri.replace(/\/$/, ''); folders.push(key); void scan(key); }
      });
    }
    for (const f of folders) void scan(f);
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
    paused = false;
    log.info('checking the workspace again');
    for (const f of folders) void scan(f);
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
    if (params.previousResultId === r.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: r.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: r.resultId, items: r.diagnostics };
  });

  answerWorkspaceDiagnostics(connection, { reports, versionOf: (uri) => documents.get(uri)?.version, whenIdle, nextChange, trace });

  // ---- code actions, hover, code lens ----
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
    for (const p of projects.all.values()) {
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

  // ---- requests of the VS Code extension (documented in src/server/protocol.ts) ----
  connection.onRequest(METHODS.whenIdle, async (_params, token) => { await whenIdle(token); return null; });
  answerExtensionRequests(connection, { projectsFor, uriOfPath, pathOf, trusted: () => options.trusted !== false });
  connection.onRequest(METHODS.interpreterOf, (params: { folder: string }) => environments.interpreterOf(params.folder.replace(/\/$/, '')) ?? null);

  connection.onShutdown(() => {
    for (const p of projects.all.values()) clearTimeout(p.timer);
    clearTimeout(refreshTimer);
    clearTimeout(statusTimer);
  });

  documents.listen(connection);
  connection.listen();
}

declare const ML_PINS_VERSION: string | undefined;

