// The log lines of the checks the editor waits for (open documents' groups). Typing re-checks a group on every
// keystroke, and a log message each time was two writes to the client per keystroke (a sixth of a warm keystroke's
// time in a CPU profile, bench/server.mts). So a group's first check is logged at once and the checks that follow
// within a second are summed up in one line when that second is over.

/** One check: the group's files and root, and how long reading and checking took. */
export interface CheckedGroup {
  files: number;
  root: string;
  readMs: number;
  checkMs: number;
  /** An edit arrived while it ran: its result was dropped. */
  stale: boolean;
}

export const CHECK_LOG_WINDOW_MS = 1000;

interface Window { count: number; stale: number; minMs: number; maxMs: number }

export class CheckLog {
  private readonly windows = new Map<string, Window>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly write: (line: string) => void, private readonly windowMs = CHECK_LOG_WINDOW_MS) {}

  checked(c: CheckedGroup): void {
    const w = this.windows.get(c.root);
    if (w) {
      w.count++;
      if (c.stale) w.stale++;
      w.minMs = Math.min(w.minMs, c.checkMs);
      w.maxMs = Math.max(w.maxMs, c.checkMs);
      return;
    }
    this.write(checkedLine(c));
    this.windows.set(c.root, { count: 0, stale: 0, minMs: Infinity, maxMs: 0 });
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Sums up each group's checks since its last line; a group checked again opens a new window. */
  flush(): void {
    this.timer = undefined;
    for (const [root, w] of this.windows) {
      if (!w.count) { this.windows.delete(root); continue; }
      const range = w.minMs === w.maxMs ? `${w.minMs} ms` : `${w.minMs}–${w.maxMs} ms`;
      this.write(`checked ${root} ${w.count} more time${w.count === 1 ? '' : 's'} in the last second (check ${range} each${w.stale ? `; ${w.stale} stale: an edit arrived` : ''})`);
      this.windows.set(root, { count: 0, stale: 0, minMs: Infinity, maxMs: 0 });
    }
    if (this.windows.size) this.timer = setTimeout(() => this.flush(), this.windowMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.windows.clear();
  }
}

export function checkedLine(c: CheckedGroup): string {
  return `checked ${c.files} manifest${c.files === 1 ? '' : 's'} under ${c.root} (read ${c.readMs} ms, check ${c.checkMs} ms)${c.stale ? ', stale: an edit arrived' : ''}`;
}
