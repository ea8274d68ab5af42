// The ML Pins language server, shared by the Node entry (stdio / IPC, src/server/node.ts) and the browser worker
// (src/server/browser.ts). It owns everything the editor shows: it keeps the workspace's manifests checked,
// answers pull diagnostics (document and workspace, with result ids), code actions, hovers and code lenses, and runs
// fix-all through workspace/applyEdit. A project (a workspace folder) is checked whole, because findings cross files.
//
// Responsiveness: open documents are checked on demand (a pull, hover or code action checks the document's project
// with the current text before answering); the workspace scan reads files in the background with progress, and a
// check started before the scan has finished covers the files read so far. Edits bump a project's version: a check
// whose version is stale when it ends is dropped, and requests honour $/cancelRequest.
import {
  CodeActionKind, DiagnosticSeverity, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, DocumentDiagnosticReportKind, TextDocuments, TextDocumentSyncKind,
  type CancellationToken, type CodeLens, type Connection, type Diagnostic, type Hover,
  type InitializeParams, type InitializeResult, type WorkspaceDiagnosticReportPartialResult, type WorkspaceEdit,
  type WorkspaceFullDocumentDiagnosticReport, type TextEdit as LspTextEdit, type ClientCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { fixProject } from '../core/engine/apply';
import { fixToApply } from '../core/engine/applicability';
import { modelFindings } from '../core/engine/model';
import { inSkippedFolder } from '../core/paths';
import { checkProject, knowledgeFrom, type CheckInput, type CheckResult, type SourceFile } from '../core/engine/check';
import type { InstalledEnvironment } from '../core/engine/config';
import type { Knowledge } from '../core/engine/knowledge';
import { asyncMetadata } from '../core/metadata/loader';
import type { MetadataProvider } from '../core/metadata/provider';
import { decodeManifest, detectManifestKind } from '../core/manifests';
import { bundledFamilies } from '../core/rules/bundled';
import { SETTINGS_SECTION, settingsFrom, type EditorSettings } from '../core/settings';
import type { Finding, Severity, TextEdit } from '../core/types';
import { hoverMarkdown } from './hover';
import { FIX_ALL_KIND, quickFixes, textEditsBetween } from './actions';
import { FIX_ALL_COMMAND, FIX_FILE_COMMAND } from './commands';
import { FolderEnvironments, type SelectedInterpreter } from './environments';
import { METHODS, type ModelFinding, type ModelFindingsParams, type PinLocation, type ProjectSettingsResult, type StatusParams } from './protocol';

export const SOURCE = 'ML Pins';
const DEBOUNCE_MS = 200;
/** At most this many manifests per workspace folder are read by the scan (memory stays bounded on huge trees). */
const MAX_SCANNED = 10_000;
/** Watched-file globs, one per manifest kind (simple patterns: not every client expands braces). */
export const WATCH_GLOBS = ['**/pyproject.toml', '**/Pipfile', '**/setup.cfg', '**/*.txt', '**/*.in', '**/*.yml', '**/*.yaml',
  '**/*.py', '**/*.sh', '**/*.bash', '**/Dockerfile*', '**/*.dockerfile', '**/Containerfile'];

/** What the platform provides; anything missing is asked of the client (mlPins/readFile, mlPins/findFiles). */
export interface ServerHost {
  /** Bytes of a file, or undefined when the host cannot read this URI (another scheme) or it does not exist. */
  readFile?(uri: string): Promise<Uint8Array | undefined | 'unsupported'>;
  /** Manifest URIs under a folder, or 'unsupported'. */
  findManifests?(folderUri: string): Promise<string[] | 'unsupported'>;
  /** Base URI of the rule pages when the client names none. */
  docsBase?: string;
  /** Debug trace (ML_PINS_TRACE=<file> on Node). */
  trace?(line: string): void;
  /** The metadata snapshot (Node: metadata/ beside the bundle). Without it, the client's `metadataBase` is read. */
  metadata?: MetadataProvider;
  /** The installed environment of an interpreter (a venv's python, or its folder), read without running it; messages
   *  name it relative to the folder. In a trusted workspace the host may run the interpreter for what the files do
   *  not say (its Python, platform, site-packages); `python` is what the client already knows. */
  readEnvironment?(executable: string, folderUri: string, options: { trusted: boolean; python?: string }): Promise<InstalledEnvironment | undefined>;
}

export interface InitializationOptions {
  /** URI of the folder with one page per rule code (`<code>.md`): diagnostics and hovers link there. */
  docsBase?: string;
  /** The link to a rule's page with `{code}` for the rule code, instead of `<docsBase>/<code>.md` (VS Code: a command
   *  that shows the page rendered and read-only). */
  ruleLink?: string;
  /** false in an untrusted workspace: rule files and install commands from it are ignored. */
  trusted?: boolean;
  /** The client answers mlPins/readFile and mlPins/findFiles (VS Code: remote and virtual file systems). */
  fileAccess?: boolean;
  /** URI of the metadata snapshot folder (snapshot.json, packages/), read through the host or mlPins/readFile when
   *  the host has no snapshot of its own (the browser worker). */
  metadataBase?: string;
  /** Settings for clients without workspace/configuration (same keys as the VS Code settings, without `mlPins.`). */
  settings?: unknown;
  /** A client command that installs requirements into the folder's environment in a terminal, called with
   *  {folder, requirements, installer}: fixes for what is installed then also offer "…, and install it". */
  installCommand?: string;
}

interface Report { resultId: string; diagnostics: Diagnostic[]; findings: Finding[] }
type DiskText = { text: string } | { finding: Finding };

class Project {
  version = 1;
  checkedVersion = 0;
  running?: Promise<void>;
  timer?: ReturnType<typeof setTimeout>;
  result?: CheckResult;
  /** URIs the last check covered (to clear the ones that went away). */
  files = new Set<string>();
  settings?: EditorSettings;
  constructor(readonly key: string, readonly base: string) {}
}

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
  let caps: ClientCapabilities = {};
  let options: InitializationOptions = {};
  let folders: string[] = [];
  let pull = false;
  let refreshSupport = false;
  let configurationSupport = false;
  const known = new Map<string, string>(); // uri -> engine path, for every manifest read or opened
  const byPath = new Map<string, string>(); // engine path -> uri
  const disk = new Map<string, DiskText>();
  const projects = new Map<string, Project>();
  const reports = new Map<string, Report>();
  /** Each folder's selected interpreter and its installed environment (what installed findings are about). */
  const environments = new FolderEnvironments(host, () => options.trusted !== false, (folder) => markDirty(folder, 0), () => sendStatus(),
    (message) => connection.console.warn(message));
  let resultCounter = 0;
  let scanning = 0; // folders being scanned
  const scanningFolders = new Set<string>();
  let scanProgress = { read: 0, total: 0 };
  const changeListeners = new Set<() => void>();
  const idleListeners = new Set<() => void>();

  const trace = (line: string) => host.trace?.(`${Date.now() % 100000} ${line}`);
  const short = (uri: string) => uri.split('/').pop();
  const pathOf = (uri: string) => URI.parse(uri).path;
  const isManifest = (uri: string): boolean => {
    const path = pathOf(uri);
    return !inSkippedFolder(path) && detectManifestKind(path) !== undefined;
  };
  const projectKey = (uri: string): string => {
    let best = '';
    for (const f of folders) if ((uri.startsWith(f.endsWith('/') ? f : `${f}/`) || uri === f) && f.length > best.length) best = f;
    return best || `file:${uri}`;
  };
  const project = (key: string): Project => {
    let p = projects.get(key);
    if (!p) projects.set(key, (p = new Project(key, key.startsWith('file:') ? key.slice(5) : key)));
    return p;
  };
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
    if (p.settings) return p.settings;
    let raw: unknown = options.settings;
    if (configurationSupport) {
      try {
        raw = await connection.workspace.getConfiguration({ scopeUri: p.key.startsWith('file:') ? p.base : p.key, section: SETTINGS_SECTION });
      } catch {
        // the client could not answer: defaults
      }
    }
    return (p.settings = settingsFrom(raw, options.trusted !== false));
  }

  // ---- checking ----
  function markDirty(key: string, delay = DEBOUNCE_MS): void {
    const p = project(key);
    p.version++;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => { p.timer = undefined; void ensureFresh(p).finally(() => { sendStatus(); notifyIdle(); }); }, delay);
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

  async function inputOf(p: Project): Promise<{ input: CheckInput; uris: string[]; settings: EditorSettings }> {
    const uris = new Set<string>();
    // While its folder is being scanned, a project's check covers its open documents only: they come first.
    if (!scanningFolders.has(p.key)) for (const uri of known.keys()) if (projectKey(uri) === p.key) uris.add(uri);
    for (const doc of documents.all()) if (isManifest(doc.uri) && projectKey(doc.uri) === p.key) uris.add(doc.uri);
    const environment = environments.of(p.key);
    const settings: EditorSettings = environment ? { ...(await settingsOf(p)), environment } : await settingsOf(p);
    const files: SourceFile[] = [];
    for (const uri of uris) {
      const r = await readText(uri);
      if (!r) continue;
      files.push('text' in r ? { path: pathOf(uri), text: r.text } : { path: pathOf(uri), text: '', unreadable: r.finding });
    }
    const readOther = async (path: string) => {
      const r = await readText(uriOfPath(path, p));
      return r && 'text' in r ? r.text : undefined;
    };
    return {
      input: {
        files, readFile: readOther, knowledge: knowledge(), settings, loadRuleFile: options.trusted !== false ? readOther : undefined,
        // Includes that leave the workspace folder are read only when allowed, and never in an untrusted workspace.
        roots: [pathOf(p.key)], trusted: options.trusted !== false,
      },
      uris: [...uris], settings,
    };
  }

  async function runCheck(p: Project): Promise<void> {
    const version = p.version;
    const t0 = Date.now();
    const { input, settings } = await inputOf(p);
    const t1 = Date.now();
    const result = await checkProject(input);
    trace(`check ${p.key} v=${version} files=${input.files.length} read ${t1 - t0} ms, check ${Date.now() - t1} ms${p.version !== version ? ' (stale)' : ''}`);
    if (p.version !== version) return; // stale: an edit arrived meanwhile, the next run covers it
    p.result = result;
    p.checkedVersion = version;
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
      set(uri, settings.enable ? file.findings : []);
    }
    for (const uri of p.files) if (!now.has(uri)) set(uri, []);
    p.files = now;
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

  const isIdle = () => scanning === 0 && [...projects.values()].every((p) => !p.running && !p.timer && p.checkedVersion >= p.version);
  function notifyIdle(): void {
    if (!isIdle()) return;
    for (const l of [...idleListeners]) l();
  }
  async function whenIdle(token?: CancellationToken): Promise<void> {
    while (!isIdle() && !token?.isCancellationRequested) {
      for (const p of projects.values()) {
        if (p.timer || p.checkedVersion < p.version) { clearTimeout(p.timer); p.timer = undefined; void ensureFresh(p).finally(() => { sendStatus(); notifyIdle(); }); }
      }
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
  function sendStatus(): void {
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
    let progress: Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>> | undefined;
    try {
      if (caps.window?.workDoneProgress) {
        progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
        progress?.begin('ML Pins: checking manifests', 0, 'finding manifests', true);
      }
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
        if (progress?.token.isCancellationRequested) break; // cancelled: check what has been read
        const batch = uris.slice(i, i + BATCH);
        await Promise.all(batch.map((uri) => readText(uri)));
        for (const uri of batch) remember(uri);
        scanProgress.read += batch.length;
        if (Date.now() - last > 100) {
          last = Date.now();
          progress?.report(Math.round((100 * scanProgress.read) / Math.max(1, scanProgress.total)), `${scanProgress.read}/${scanProgress.total} manifests read`);
          sendStatus();
          await new Promise((r) => setTimeout(r, 0)); // let requests for open documents in
        }
      }
      trace(`scan ${folder}: ${uris.length} manifests read`);
      progress?.report(100, 'checking');
      scanningFolders.delete(folder);
      const p = project(folder);
      p.version++;
      await ensureFresh(p);
    } finally {
      scanningFolders.delete(folder);
      scanning--;
      progress?.done();
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
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
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
          const p = projects.get(key);
          if (p) { const gone = [...p.files]; p.files.clear(); for (const u of gone) reports.set(u, { resultId: String(++resultCounter), diagnostics: [], findings: [] }); publish(gone); projects.delete(key); }
        }
        for (const f of e.added) { const key = f.uri.replace(/\/$/, ''); folders.push(key); void scan(key); }
      });
    }
    for (const f of folders) void scan(f);
  });

  documents.onDidOpen((e) => {
    if (!isManifest(e.document.uri)) return;
    remember(e.document.uri);
    markDirty(projectKey(e.document.uri));
  });
  documents.onDidChangeContent((e) => {
    trace(`change ${short(e.document.uri)} v=${e.document.version}`);
    if (isManifest(e.document.uri)) markDirty(projectKey(e.document.uri));
  });
  documents.onDidClose((e) => {
    disk.delete(e.document.uri); // closed without saving: the disk has the text again
    if (!isManifest(e.document.uri)) return;
    if (URI.parse(e.document.uri).scheme === 'untitled') { known.delete(e.document.uri); }
    markDirty(projectKey(e.document.uri));
  });
  documents.onDidSave((e) => disk.delete(e.document.uri));

  connection.onDidChangeWatchedFiles((params) => {
    const dirty = new Set<string>();
    for (const change of params.changes) {
      disk.delete(change.uri);
      if (!isManifest(change.uri)) continue;
      if (change.type === 3 /* deleted */) known.delete(change.uri);
      else remember(change.uri);
      if (!documents.get(change.uri) || change.type === 3) dirty.add(projectKey(change.uri));
    }
    for (const key of dirty) markDirty(key);
  });

  connection.onDidChangeConfiguration(() => {
    for (const p of projects.values()) { p.settings = undefined; markDirty(p.key, 0); }
  });
  connection.onNotification(METHODS.trust, (params: { trusted: boolean }) => {
    options.trusted = params.trusted;
    for (const p of projects.values()) { p.settings = undefined; markDirty(p.key, 0); }
    // Trusted now: the interpreters may be run for what their files do not say.
    environments.reread();
  });
  connection.onNotification(METHODS.recheck, () => {
    disk.clear();
    for (const p of projects.values()) p.settings = undefined;
    for (const f of folders) void scan(f);
    for (const p of projects.values()) markDirty(p.key, 0);
  });
  connection.onNotification(METHODS.interpreter, (params: SelectedInterpreter) => environments.select(params));

  // ---- pull diagnostics ----
  connection.languages.diagnostics.on(async (params, token) => {
    const uri = params.textDocument.uri;
    if (!isManifest(uri)) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    await ensureFresh(project(projectKey(uri)), token);
    const r = reports.get(uri);
    trace(`pull ${short(uri)} prev=${params.previousResultId} -> ${r?.resultId} n=${r?.diagnostics.length} cancelled=${token.isCancellationRequested} docv=${documents.get(uri)?.version}`);
    if (!r) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    if (params.previousResultId === r.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: r.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: r.resultId, items: r.diagnostics };
  });

  connection.languages.diagnostics.onWorkspace(async (params, token, _workDone, resultProgress) => {
    // What the client has: only files whose result id differs are sent.
    const sent = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
    const collect = (): WorkspaceFullDocumentDiagnosticReport[] => {
      const items: WorkspaceFullDocumentDiagnosticReport[] = [];
      for (const [uri, r] of reports) {
        if (sent.get(uri) === r.resultId) continue;
        sent.set(uri, r.resultId);
        trace(`stream ${short(uri)} ${r.resultId} n=${r.diagnostics.length}`);
        items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: documents.get(uri)?.version ?? null, resultId: r.resultId, items: r.diagnostics });
      }
      return items;
    };
    await whenIdle(token);
    if (!resultProgress) {
      // No streaming: answer what changed, or hold the request until something does (at most 30 s).
      let items = collect();
      if (!items.length && !token.isCancellationRequested) { await nextChange(token, 30_000); await whenIdle(token); items = collect(); }
      return { items };
    }
    // Streaming: the request stays open, and every change is reported as a partial result until the client cancels.
    const first = collect();
    if (first.length) resultProgress.report({ items: first } satisfies WorkspaceDiagnosticReportPartialResult);
    while (!token.isCancellationRequested) {
      await nextChange(token, 60_000);
      if (token.isCancellationRequested) break;
      await whenIdle(token);
      const items = collect();
      if (items.length) resultProgress.report({ items });
    }
    return { items: [] };
  });

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
    const p = project(projectKey(uri));
    await ensureFresh(p, token);
    const only = params.context.only;
    const wantsFixAll = only?.some((k) => k === FIX_ALL_KIND || FIX_ALL_KIND.startsWith(`${k}.`) || k.startsWith(`${FIX_ALL_KIND}.`));
    const report = reports.get(uri);
    const placed = findingsOf(uri).map((finding, i) => ({ finding, diagnostic: report!.diagnostics[i] }));
    if (wantsFixAll) {
      const edits = await fixFile(uri, p, true);
      return edits.length ? [{ title: 'Fix all ML Pins problems', kind: FIX_ALL_KIND, edit: { changes: { [uri]: edits } }, diagnostics: placed.map((x) => x.diagnostic) }] : [];
    }
    if (only && !only.some((k) => CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
    const install = options.installCommand;
    const actions = quickFixes(placed, params.range, params.context.diagnostics, (edits) => toWorkspaceEdit(edits, p),
      install && options.trusted !== false ? (i) => ({ title: 'Install it', command: install, arguments: [{ folder: p.key, ...i }] }) : undefined);
    if (actions.length && fixableIn(uri).length > 1) {
      // One round from the check already made, as on save: this runs on every lightbulb request.
      const edits = await fixFile(uri, p, true);
      if (edits.length) actions.push({ title: 'Fix all ML Pins problems in this file', kind: CodeActionKind.QuickFix, edit: { changes: { [uri]: edits } }, diagnostics: placed.map((x) => x.diagnostic) });
    }
    return actions;
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
    const p = project(projectKey(uri));
    await ensureFresh(p, token);
    const md = p.result && hoverMarkdown(p.result, pathOf(uri), params.position, findingsOf(uri), { metadata: metadata(), ruleLink });
    return md ? { contents: { kind: 'markdown', value: md.value }, range: md.range } : null;
  });

  connection.onCodeLens(async (params, token): Promise<CodeLens[]> => {
    const uri = params.textDocument.uri;
    if (!isManifest(uri)) return [];
    await ensureFresh(project(projectKey(uri)), token);
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
      const p = project(projectKey(uri));
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
    for (const p of projects.values()) {
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
  connection.onRequest(METHODS.projectSettings, async (params: { uri: string }, token): Promise<ProjectSettingsResult> => {
    const p = project(projectKey(params.uri));
    await ensureFresh(p, token);
    const s = p.result?.settingsFor(pathOf(params.uri));
    const trusted = options.trusted !== false;
    return { models: s?.models ?? [], installCommand: trusted ? s?.installCommand ?? [] : [] };
  });
  connection.onRequest(METHODS.modelFindings, async (params: ModelFindingsParams, token): Promise<ModelFinding[]> => {
    const p = project(projectKey(params.uri));
    await ensureFresh(p, token);
    if (!p.result) return [];
    return modelFindings(p.result, params.model, params.library, params.version).map(({ path, finding }) => ({
      uri: uriOfPath(path, p), range: finding.range, code: finding.code, severity: finding.severity, message: finding.message,
    }));
  });
  connection.onRequest(METHODS.pinsOf, async (params: { uri: string; name: string }, token): Promise<PinLocation[]> => {
    const p = project(projectKey(params.uri));
    await ensureFresh(p, token);
    const seen = new Set<string>();
    const out: PinLocation[] = [];
    for (const env of p.result?.environments ?? []) {
      for (const pin of env.packages.get(params.name)?.pins ?? []) {
        const key = `${pin.path}:${pin.requirement.range.start.line}:${pin.requirement.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ uri: uriOfPath(pin.path, p), range: pin.requirement.range, text: pin.requirement.text.trim() });
      }
    }
    return out;
  });
  connection.onRequest(METHODS.interpreterOf, (params: { folder: string }) => environments.interpreterOf(params.folder.replace(/\/$/, '')) ?? null);

  connection.onShutdown(() => {
    for (const p of projects.values()) clearTimeout(p.timer);
    clearTimeout(refreshTimer);
  });

  documents.listen(connection);
  connection.listen();
}

declare const ML_PINS_VERSION: string | undefined;

function toSeverity(s: Severity): DiagnosticSeverity {
  return s === 'error' ? DiagnosticSeverity.Error : s === 'warning' ? DiagnosticSeverity.Warning
    : s === 'information' ? DiagnosticSeverity.Information : DiagnosticSeverity.Hint;
}

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

