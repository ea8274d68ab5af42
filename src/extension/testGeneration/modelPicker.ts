// The model picker: aliases and the project's own models are always listed (and filtered by what is typed, as any
// quick pick is); the Hub's search results are added below them, and when the Hub cannot be reached the list says so.
import * as vscode from 'vscode';
import { MODEL_ALIASES, resolveModelId } from '../../hub/aliases';

export interface ModelItem extends vscode.QuickPickItem {
  id?: string;
}

export type SearchHub = (query: string, signal: AbortSignal) => Promise<{ id: string; task?: string; license?: string; gated?: boolean; downloads?: number }[]>;

export const OFFLINE_LABEL = 'The Hugging Face Hub cannot be reached: only aliases and the project\'s models are listed';

export class ModelPicker implements vscode.Disposable {
  readonly pick = vscode.window.createQuickPick<ModelItem>();
  private readonly local: ModelItem[];
  private controller: AbortController | undefined;
  /** Resolves when the latest search (if any) has been shown. */
  settled: Promise<void> = Promise.resolve();

  constructor(projectModels: readonly string[], private readonly search: SearchHub) {
    const own = [...new Set(projectModels)].map((m) => ({ label: m, description: resolveModelId(m) !== m ? resolveModelId(m) : undefined, detail: 'this project', id: m }));
    const aliases = Object.entries(MODEL_ALIASES).filter(([alias]) => !projectModels.includes(alias))
      .map(([alias, id]) => ({ label: alias, description: id, id: alias }));
    this.local = [...own, ...aliases];
    this.pick.placeholder = 'Pick an alias or a project model, or type to search Hugging Face (diffusers, transformers)';
    this.pick.matchOnDescription = true;
    this.pick.items = this.local;
    this.pick.onDidChangeValue((value) => { this.settled = this.update(value); });
  }

  /** The items for what is typed: the local ones (VS Code filters them) and the Hub's results (always shown). */
  async update(value: string): Promise<void> {
    this.controller?.abort();
    if (value.trim().length < 2) {
      this.pick.title = undefined;
      this.pick.items = this.local;
      return;
    }
    const controller = (this.controller = new AbortController());
    this.pick.busy = true;
    let found: Awaited<ReturnType<SearchHub>> | undefined;
    try {
      found = await this.search(value.trim(), controller.signal);
    } catch {
      found = undefined;
    }
    if (controller.signal.aborted) return;
    this.pick.busy = false;
    const separator = (label: string): ModelItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
    // The title stays visible whatever is typed (a separator with nothing below it is hidden by the filter).
    this.pick.title = found ? undefined : OFFLINE_LABEL;
    if (!found) {
      this.pick.items = this.local;
      return;
    }
    const hub = found.filter((m) => !this.local.some((l) => l.id === m.id)).map((m) => ({
      label: m.id, id: m.id, alwaysShow: true,
      description: [m.task, m.license, m.gated ? 'gated' : undefined].filter(Boolean).join(' · '),
      detail: m.downloads !== undefined ? `${m.downloads.toLocaleString()} downloads` : undefined,
    }));
    this.pick.items = [...this.local, separator(hub.length ? 'Hugging Face Hub' : `No Hub model matches "${value.trim()}"`), ...hub];
  }

  /** The chosen model (an item, or a valid repo id typed in), or undefined when the picker is closed. */
  show(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.pick.onDidAccept(() => {
        const typed = this.pick.value.trim();
        resolve(this.pick.selectedItems[0]?.id ?? this.pick.activeItems[0]?.id ?? (typed || undefined));
        this.pick.hide();
      });
      this.pick.onDidHide(() => { resolve(undefined); this.dispose(); });
      this.pick.show();
    });
  }

  dispose(): void {
    this.controller?.abort();
    this.pick.dispose();
  }
}
