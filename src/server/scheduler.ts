// When the server checks what (src/server/server.ts answers the editor; this decides the order of the work). Open
// documents' groups are checked on demand and first; the workspace scan reads files, then every other group is checked
// in the background, one at a time with window progress, yielding between groups so that hovers, code actions and an
// open file's diagnostics are answered meanwhile. An edit bumps its group's version and re-checks it after a short
// debounce; a check whose version is stale when it ends is dropped. Cancelling the progress pauses the background work
// (open documents are still checked) until the next re-check; the status item is told what is going on.
import type { CancellationToken, Connection } from 'vscode-languageserver';
import type { Finding } from '../core/types';
import type { Project, Projects } from './groups';
import { MAX_SCANNED, yieldNow } from './host';
import { METHODS, type EnvironmentStatus, type StatusParams } from './protocol';

export const DEBOUNCE_MS = 200;

/** What the scheduler needs of the server. */
export interface SchedulerContext {
  connection: Connection;
  projects: Projects;
  /** The project of each open document that has one, in the editor's order. */
  openProjects(): Iterable<Project | undefined>;
  /** Checks a project (its version when called); `background`: started by the sweep, not by a request. */
  check(p: Project): Promise<void>;
  /** Manifest URIs under a workspace folder (read and remembered by `read`). */
  findManifests(folder: string): Promise<string[]>;
  /** Reads a manifest; its size in characters (0: unreadable). */
  read(uri: string): Promise<number>;
  pathOf(uri: string): string;
  /** Every finding reported now (the status item counts them). */
  findings(): Iterable<readonly Finding[]>;
  environments(): EnvironmentStatus[];
  workDoneProgress(): boolean;
  log(line: string): void;
}

export class Scheduler {
  /** The background sweep is running. */
  sweeping = false;
  /** The user cancelled the background progress: only what is asked for is checked until the next re-check. */
  paused = false;
  private scanning = 0; // folders being scanned
  private readonly scanningFolders = new Set<string>();
  private scanProgress = { read: 0, total: 0 };
  private readonly changeListeners = new Set<() => void>();
  private readonly idleListeners = new Set<() => void>();
  private progress: Promise<Awaited<ReturnType<Connection['window']['createWorkDoneProgress']>> | undefined> | undefined;
  private lastStatus = '';
  private lastStatusAt = 0;
  private lastSentChecking = false;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: SchedulerContext) {}

  /** A project's inputs changed: check it again after `delay` (requests for it check it at once). */
  markDirty(key: string, delay = DEBOUNCE_MS): void {
    const p = this.ctx.projects.all.get(key);
    if (!p) return;
    p.version++;
    clearTimeout(p.timer);
    p.timer = setTimeout(() => { p.timer = undefined; void this.sweep(); }, delay);
  }

  /** Waits until the project's last check covers its current version (checking it now if needed). */
  async ensureFresh(p: Project, token?: CancellationToken): Promise<void> {
    for (let i = 0; i < 20 && !token?.isCancellationRequested; i++) {
      if (p.running) { await p.running; continue; }
      if (p.checkedVersion >= p.version) return;
      const version = p.version;
      p.running = this.ctx.check(p)
        .catch((e: unknown) => {
          // A failed check must not be retried forever (whenIdle, fix-all wait for it): log it and take the version as done.
          this.ctx.connection.console.error(`ML Pins: checking ${p.key} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
          p.checkedVersion = Math.max(p.checkedVersion, version);
        })
        .finally(() => { p.running = undefined; this.sendStatus(); this.notifyIdle(); });
    }
  }

  // ---- the background sweep: every group that is not fresh, open documents' groups first, one at a time ----

  // Open documents' groups are checked while their folder is scanned; the others once it is read.
  private stale(p: Project, open = false): boolean {
    return !p.running && !p.timer && p.checkedVersion < p.version && (open || !this.scanningFolders.has(p.folder));
  }

  private nextStale(): Project | undefined {
    for (const p of this.ctx.openProjects()) if (p && this.stale(p, true)) return p;
    if (!this.paused) for (const p of this.ctx.projects.all.values()) if (this.stale(p)) return p;
    return undefined;
  }

  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    let files = 0, groups = 0, last = Date.now(), lastYield = Date.now();
    const t0 = Date.now();
    try {
      for (let p = this.nextStale(); p; p = this.nextStale()) {
        await this.ensureFresh(p);
        files += p.members.length;
        groups++;
        if (Date.now() - last > 100) {
          last = Date.now();
          let left = 0;
          for (const q of this.ctx.projects.all.values()) if (q.checkedVersion < q.version) left += q.members.length;
          this.showProgress(`${files}/${files + left} manifests checked`, (100 * files) / Math.max(1, files + left));
          if (!this.scanning) this.scanProgress = { read: files, total: files + left }; // the status item's "checking n/m"
          this.sendStatus();
        }
        // Let requests in (hovers, an open file's diagnostics) between groups.
        if (Date.now() - lastYield > 10) { await yieldNow(); lastYield = Date.now(); }
      }
    } finally {
      this.sweeping = false;
      if (!this.scanning) this.scanProgress = { read: 0, total: 0 };
      if (groups > 1) this.ctx.log(`checked ${files} manifests in ${groups} groups in ${Date.now() - t0} ms`);
      this.sendStatus();
      this.notifyIdle();
    }
  }

  /** Window progress for the background work (scan and sweep); cancelling it stops the background work. */
  private showProgress(message: string, percentage: number): void {
    if (!this.ctx.workDoneProgress()) return;
    this.progress ??= this.ctx.connection.window.createWorkDoneProgress().then((r) => {
      r.begin('ML Pins', 0, message, true);
      r.token.onCancellationRequested(() => { this.paused = true; this.ctx.log('background check cancelled: open files are still checked'); this.notifyIdle(); });
      return r;
    }, () => undefined);
    void this.progress.then((r) => r?.report(Math.round(percentage), message));
  }

  // ---- idle, changes, status ----

  isIdle(): boolean {
    if (this.scanning !== 0 || this.sweeping) return false;
    // Asked several times a keystroke: a plain loop that stops at the first busy project, no copy of a thousand.
    for (const p of this.ctx.projects.all.values()) if (p.running || p.timer || (p.checkedVersion < p.version && !this.paused)) return false;
    return true;
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const p = this.progress;
    this.progress = undefined;
    void p?.then((r) => r?.done());
    for (const l of [...this.idleListeners]) l();
  }

  /** Resolves when nothing is left to check (debounced edits are checked now), or on cancellation. */
  async whenIdle(token?: CancellationToken): Promise<void> {
    while (!this.isIdle() && !token?.isCancellationRequested) {
      for (const p of this.ctx.projects.all.values()) if (p.timer) { clearTimeout(p.timer); p.timer = undefined; }
      void this.sweep();
      await new Promise<void>((resolve) => {
        const done = () => { this.idleListeners.delete(done); sub?.dispose(); resolve(); };
        this.idleListeners.add(done);
        const sub = token?.onCancellationRequested(done);
        setTimeout(done, 250); // re-evaluate: new work may have been scheduled by a timer
      });
    }
  }

  /** Resolves at the next change of reported diagnostics, on cancellation, or after `timeoutMs`. */
  nextChange(token: CancellationToken, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => { this.changeListeners.delete(done); sub.dispose(); clearTimeout(t); resolve(); };
      this.changeListeners.add(done);
      const sub = token.onCancellationRequested(done);
      const t = setTimeout(done, timeoutMs);
    });
  }

  /** Reported diagnostics changed. */
  changed(): void {
    for (const l of [...this.changeListeners]) l();
  }

  sendStatus(): void {
    // At most ten a second while checking (counting walks every report); the idle state at once, and the first
    // "checking" after idle at once too: a re-check that ends within the throttle would otherwise never show it.
    if (!this.isIdle() && this.lastSentChecking && Date.now() - this.lastStatusAt < 100) { this.statusTimer ??= setTimeout(() => { this.statusTimer = undefined; this.sendStatus(); }, 100); return; }
    this.lastStatusAt = Date.now();
    let errors = 0, warnings = 0, information = 0;
    for (const findings of this.ctx.findings()) for (const f of findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
      else if (f.severity === 'information') information++;
    }
    const status: StatusParams = { checking: !this.isIdle(), read: this.scanProgress.read, total: this.scanProgress.total, errors, warnings, information,
      environments: this.ctx.environments() };
    const json = JSON.stringify(status);
    if (json === this.lastStatus) return;
    this.lastStatus = json;
    this.lastSentChecking = status.checking;
    void this.ctx.connection.sendNotification(METHODS.status, status);
  }

  // ---- the workspace scan ----

  async scan(folder: string): Promise<void> {
    const { ctx } = this;
    this.scanning++;
    this.scanningFolders.add(folder);
    const t0 = Date.now();
    try {
      this.showProgress('finding manifests', 0);
      let uris = await ctx.findManifests(folder);
      if (uris.length > MAX_SCANNED) {
        ctx.connection.console.warn(`ML Pins: ${uris.length} manifests under ${folder}; checking the first ${MAX_SCANNED} (open files are always checked).`);
        uris = uris.slice(0, MAX_SCANNED);
      }
      this.scanProgress = { read: 0, total: this.scanProgress.total + uris.length };
      this.sendStatus();
      let last = Date.now();
      const BATCH = 32;
      const sizes = new Map<string, number>(); // path -> characters read
      for (let i = 0; i < uris.length; i += BATCH) {
        if (this.paused) break; // cancelled: check what has been read
        const batch = uris.slice(i, i + BATCH);
        await Promise.all(batch.map(async (uri) => sizes.set(ctx.pathOf(uri), await ctx.read(uri))));
        this.scanProgress.read += batch.length;
        if (Date.now() - last > 100) {
          last = Date.now();
          this.showProgress(`${this.scanProgress.read}/${this.scanProgress.total} manifests read`, (100 * this.scanProgress.read) / Math.max(1, this.scanProgress.total));
          this.sendStatus();
          await yieldNow(); // let requests for open documents in
        }
      }
      ctx.log(`${folder}: ${uris.length} manifests found and read in ${Date.now() - t0} ms`);
      this.scanningFolders.delete(folder);
      // The groups are formed once everything is read (while reading, open documents are checked with each other).
      const grouping = ctx.projects.grouping(folder);
      for (const uri of uris) grouping.add(ctx.pathOf(uri));
      ctx.projects.regroup(folder, 0);
      // The largest groups first (after open documents'). They run the most of the checker: checked last, a large
      // group made V8 drop the code it had optimized on the small ones just as the sweep ended, and the first
      // keystrokes in it ran while that code was compiled again (README, "Speed"). Checked first, the sweep's
      // optimized code has seen every shape when typing starts.
      const weight = (p: Project) => p.members.reduce((n, m) => n + (sizes.get(m) ?? 0), 0);
      ctx.projects.sort((a, b) => weight(b) - weight(a));
      // Checked now, in that order (not in the order of their timers).
      for (const p of ctx.projects.in(folder)) if (p.timer) { clearTimeout(p.timer); p.timer = undefined; }
      void this.sweep();
    } finally {
      this.scanningFolders.delete(folder);
      this.scanning--;
      if (!this.scanning) this.scanProgress = { read: 0, total: 0 };
      this.sendStatus();
      this.notifyIdle();
    }
  }

  dispose(): void {
    for (const p of this.ctx.projects.all.values()) clearTimeout(p.timer);
    clearTimeout(this.statusTimer);
  }
}
