// Keeps the diagnostics of every manifest in the workspace current: open documents are checked as typed (unsaved
// text, debounced, stale results dropped), files that are not open are read through workspace.fs and watched.
// A project is checked whole, because findings cross files (pins that disagree, -r includes, [tool.ml-pins]).
import * as vscode from 'vscode';
import { checkProject, knowledgeFrom, type CheckResult } from '../core/engine/check';
import type { Knowledge } from '../core/engine/knowledge';
import type { MetadataProvider } from '../core/metadata/provider';
import { decodeManifest, detectManifestKind } from '../core/manifests';
import { bundledFamilies } from '../core/rules/bundled';
import type { Finding } from '../core/types';
import { enginePath, toRange, toSeverity } from './convert';
import { readSettings } from './settings';

export const SOURCE = 'ML Pins';
const DEBOUNCE_MS = 250;
const EXCLUDE = '**/{node_modules,.git,.venv,venv,site-packages,__pycache__,.tox,.mypy_cache,.ml-pins}/**';
export const MANIFEST_GLOB = '**/{pyproject.toml,Pipfile,*environment*.yml,*environment*.yaml,*Dockerfile,*.Dockerfile,*requirement*.txt,*requirment*.txt,*requirement*.in,*constraint*.txt,requirements/*.txt,requirements/*.in,setup.cfg,setup.py,*setup*.py,*install*.py,*requirements*.py,*deps*.py,environment.yml,environment.yaml,conda*.yml,*.sh,*.bash,Dockerfile*,*.dockerfile,Containerfile}';

export interface CheckedFinding {
  uri: vscode.Uri;
  finding: Finding;
  diagnostic: vscode.Diagnostic;
}

export class WorkspaceChecker implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('ml-pins');
  private compiled?: Knowledge; // compiled on the first check, not at activation
  private get knowledge(): Knowledge {
    return (this.compiled ??= knowledgeFrom(bundledFamilies, this.metadata));
  }
  private readonly files = new Map<string, vscode.Uri>(); // engine path -> uri, for every known manifest
  private readonly byUri = new Map<string, CheckedFinding[]>();
  private readonly results = new Map<string, CheckResult>(); // workspace folder uri -> last result
  private readonly generation = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidCheck = this.changed.event;
  private pending = new Set<Promise<void>>();
  /** Decoded text of files that are not open, until the watcher says they changed: a keystroke re-checks the whole
   *  project, and must not re-read every other manifest from disk. */
  private readonly diskCache = new Map<string, { text: string } | { finding: Finding }>();

  constructor(private readonly docsBase: vscode.Uri, readonly metadata?: MetadataProvider) {
    const watcher = vscode.workspace.createFileSystemWatcher(MANIFEST_GLOB);
    this.disposables.push(
      this.diagnostics, watcher, this.changed,
      watcher.onDidCreate((uri) => { this.diskCache.delete(uri.toString()); this.track(uri); }),
      watcher.onDidChange((uri) => { this.diskCache.delete(uri.toString()); if (!this.isOpen(uri)) this.schedule(uri); }),
      watcher.onDidDelete((uri) => { this.diskCache.delete(uri.toString()); this.forget(uri); }),
      vscode.workspace.onDidOpenTextDocument((d) => this.track(d.uri)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (this.isManifest(e.document.uri)) this.schedule(e.document.uri); }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.diskCache.delete(d.uri.toString()); // closed without saving: the disk has the text again
        if (d.uri.scheme === 'untitled') this.forget(d.uri);
        else if (this.isManifest(d.uri)) this.schedule(d.uri);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.diskCache.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('mlPins')) this.recheckAll(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.recheckAll()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.scanWorkspace()),
    );
  }

  /** Finds every manifest in the workspace and checks each folder once. */
  async scanWorkspace(): Promise<void> {
    const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, EXCLUDE, 5000);
    for (const uri of uris) if (this.isManifest(uri)) this.files.set(enginePath(uri), uri);
    for (const doc of vscode.workspace.textDocuments) if (this.isManifest(doc.uri)) this.files.set(enginePath(doc.uri), doc.uri);
    this.recheckAll();
  }

  recheckAll(): void {
    const keys = new Set([...this.files.values()].map((u) => this.projectKey(u)));
    for (const key of keys) this.scheduleKey(key, 0);
  }

  /** Resolves when no check is scheduled or running (tests, fix-all). */
  async whenIdle(): Promise<void> {
    while (this.timers.size || this.pending.size) {
      await Promise.all([...this.pending]);
      if (this.timers.size) await new Promise((r) => setTimeout(r, DEBOUNCE_MS + 10));
    }
  }

  findingsFor(uri: vscode.Uri): readonly CheckedFinding[] {
    return this.byUri.get(uri.toString()) ?? [];
  }

  allFindings(): CheckedFinding[] {
    return [...this.byUri.values()].flat();
  }

  resultFor(uri: vscode.Uri): CheckResult | undefined {
    return this.results.get(this.projectKey(uri));
  }

  uriOf(path: string): vscode.Uri | undefined {
    return this.files.get(path);
  }

  isManifest(uri: vscode.Uri): boolean {
    if (uri.scheme !== 'file' && uri.scheme !== 'untitled' && uri.scheme !== 'vscode-vfs' && uri.scheme !== 'vscode-remote' && uri.scheme !== 'vscode-test-web') return false;
    if (/\/(node_modules|\.git|\.venv|venv|site-packages|__pycache__)\//.test(uri.path)) return false;
    return detectManifestKind(uri.path) !== undefined;
  }

  private isOpen(uri: vscode.Uri): boolean {
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
  }

  private track(uri: vscode.Uri): void {
    if (!this.isManifest(uri)) return;
    this.files.set(enginePath(uri), uri);
    this.schedule(uri);
  }

  private forget(uri: vscode.Uri): void {
    this.files.delete(enginePath(uri));
    this.diagnostics.delete(uri);
    this.byUri.delete(uri.toString());
    this.schedule(uri);
  }

  private projectKey(uri: vscode.Uri): string {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? folder.uri.toString() : `file:${uri.toString()}`;
  }

  private schedule(uri: vscode.Uri): void {
    if (this.isManifest(uri)) this.files.set(enginePath(uri), uri);
    this.scheduleKey(this.projectKey(uri), DEBOUNCE_MS);
  }

  private scheduleKey(key: string, delay: number): void {
    const gen = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, gen);
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      const run = this.check(key, gen).catch((e) => console.error('ML Pins: check failed', e));
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    }, delay));
  }

  private async check(key: string, gen: number): Promise<void> {
    const uris = [...this.files.values()].filter((u) => this.projectKey(u) === key);
    const settings = readSettings(uris[0]);
    const openDocs = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
    const readText = async (uri: vscode.Uri): Promise<{ text: string } | { finding: Finding } | undefined> => {
      const doc = openDocs.get(uri.toString());
      if (doc) return { text: doc.getText() };
      const cached = this.diskCache.get(uri.toString());
      if (cached) return cached;
      try {
        const decoded = decodeManifest(uri.path, await vscode.workspace.fs.readFile(uri));
        this.diskCache.set(uri.toString(), decoded);
        return decoded;
      } catch {
        return undefined;
      }
    };
    const files = [];
    for (const uri of uris) {
      const r = await readText(uri);
      if (!r) continue;
      files.push('text' in r ? { path: enginePath(uri), text: r.text } : { path: enginePath(uri), text: '', unreadable: r.finding });
    }
    const folderUri = uris[0];
    const sibling = (path: string) => (folderUri ? folderUri.with({ path }) : vscode.Uri.file(path));
    const readOther = async (path: string) => {
      const r = await readText(sibling(path));
      return r && 'text' in r ? r.text : undefined;
    };
    const folder = folderUri && vscode.workspace.getWorkspaceFolder(folderUri);
    const result = await checkProject({
      files, readFile: readOther, knowledge: this.knowledge,
      settings,
      // Includes that leave the workspace folder are read only when allowed, and never in an untrusted workspace.
      roots: folder ? [enginePath(folder.uri)] : undefined, trusted: vscode.workspace.isTrusted,
      // Rule files from the workspace are data, but still only read once the workspace is trusted.
      loadRuleFile: vscode.workspace.isTrusted ? readOther : undefined,
    });
    if (this.generation.get(key) !== gen) return; // a newer check is on its way: drop this one
    this.results.set(key, result);
    const previous = [...this.byUri.keys()].filter((k) => uris.some((u) => u.toString() === k) || this.projectKeyOfString(k) === key);
    for (const k of previous) { this.byUri.delete(k); this.diagnostics.delete(vscode.Uri.parse(k)); }
    if (settings.enable) {
      for (const file of result.files) {
        const uri = this.files.get(file.path) ?? sibling(file.path);
        const checked = file.findings.map((finding) => ({ uri, finding, diagnostic: this.toDiagnostic(finding) }));
        this.byUri.set(uri.toString(), checked);
        this.diagnostics.set(uri, checked.map((c) => c.diagnostic));
      }
    }
    this.changed.fire();
  }

  private projectKeyOfString(uriString: string): string {
    return this.projectKey(vscode.Uri.parse(uriString));
  }

  private toDiagnostic(f: Finding): vscode.Diagnostic {
    const d = new vscode.Diagnostic(toRange(f.range), f.message, toSeverity(f.severity));
    d.source = SOURCE;
    d.code = { value: f.code, target: vscode.Uri.joinPath(this.docsBase, `${f.code}.md`) };
    if (f.related?.length) {
      d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(
        new vscode.Location(this.files.get(r.path) ?? vscode.Uri.file(r.path), toRange(r.range)), r.message));
    }
    return d;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
