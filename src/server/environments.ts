// The environment each workspace folder is checked against: the interpreter the client selected (src/extension/
// interpreter.ts), its installed packages read by the host (src/node/environment.ts), and what the status item shows.
import type { InstalledEnvironment } from '../core/engine/config';
import type { EnvironmentStatus } from './protocol';
import type { ServerHost } from './server';

export interface SelectedInterpreter {
  folder: string;
  executable: string;
  /** python-extension | venv | setting | path (src/extension/interpreter.ts). */
  source?: string;
  /** X.Y, when the client knows it. */
  python?: string;
}

export class FolderEnvironments {
  private readonly interpreters = new Map<string, SelectedInterpreter>();
  private readonly installed = new Map<string, InstalledEnvironment>();
  private readonly status = new Map<string, EnvironmentStatus>();

  /** `changed(folder)`: the folder's installed environment changed (re-check it); `statusChanged()`: re-send status. */
  constructor(private readonly host: ServerHost, private readonly trusted: () => boolean, private readonly changed: (folder: string) => void,
    private readonly statusChanged: () => void, private readonly warn: (message: string) => void) {}

  /** The installed environment the folder's check reports on. */
  of(folder: string): InstalledEnvironment | undefined {
    return this.installed.get(folder);
  }

  interpreterOf(folder: string): SelectedInterpreter | undefined {
    return this.interpreters.get(folder);
  }

  statuses(): EnvironmentStatus[] {
    return [...this.status.values()];
  }

  /** Reads the environment of the interpreter selected for a folder (again). */
  select(params: SelectedInterpreter): void {
    const folder = params.folder.replace(/\/$/, '');
    const sent = { ...params, folder };
    this.interpreters.set(folder, sent);
    const use = (env: InstalledEnvironment | undefined, problem?: string) => {
      if (this.interpreters.get(folder) !== sent) return; // another one was sent meanwhile
      const before = this.installed.get(folder);
      if (env) this.installed.set(folder, env); else this.installed.delete(folder);
      this.status.set(folder, { folder, executable: params.executable, ...(env ? {
        label: env.label, packages: Object.keys(env.packages).length, ...(env.python ? { python: env.python } : {}), ...(env.platform ? { platform: env.platform } : {}),
      } : {}), ...(problem ? { problem } : {}) });
      if (before || env) this.changed(folder);
      this.statusChanged();
    };
    // A bare `python3` on PATH is no environment the project chose: its system packages would all be "drift".
    if (!this.host.readEnvironment || params.source === 'path') { use(undefined, 'no environment selected'); return; }
    this.host.readEnvironment(params.executable, folder, { trusted: this.trusted(), python: params.python }).then((env) => use(env), (e: unknown) => {
      const problem = e instanceof Error ? e.message : String(e);
      this.warn(`ML Pins: the environment of ${params.executable}: ${problem}`);
      use(undefined, problem);
    });
  }

  /** Reads every selected interpreter's environment again (trust granted: the host may now run them). */
  reread(): void {
    for (const i of [...this.interpreters.values()]) this.select(i);
  }
}
