// The ML Pins log (a LogOutputChannel, "ML Pins: Show Log"): what the server checked and how long it took, Hub
// requests, the runner's steps. The language client writes its lines as "[Info  - 10:01:02] message"; the log
// channel keeps levels and times itself, so the client gets a channel that passes each line at its own level.
import * as vscode from 'vscode';

export function clientChannel(log: vscode.LogOutputChannel): vscode.OutputChannel {
  const appendLine = (line: string) => {
    const m = /^\[(Trace|Debug|Info|Warn|Error)\s*- [^\]]*\] ?([\s\S]*)$/.exec(line);
    const text = m ? m[2] : line;
    switch (m?.[1]) {
      case 'Error': log.error(text); break;
      case 'Warn': log.warn(text); break;
      case 'Debug': case 'Trace': log.debug(text); break;
      default: log.info(text);
    }
  };
  return {
    name: log.name,
    append: (value: string) => log.append(value),
    appendLine,
    replace: (value: string) => log.replace(value),
    clear: () => log.clear(),
    show: (...args: unknown[]) => log.show(...(args as [boolean?])),
    hide: () => log.hide(),
    dispose: () => undefined, // the extension owns the log
  } as vscode.OutputChannel;
}

/** A Hub request in the log: what was asked, how long it took, and how it ended. */
export async function logged<T>(log: vscode.LogOutputChannel | undefined, what: string, request: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    const result = await request();
    log?.info(`${what}: ${Date.now() - t0} ms`);
    return result;
  } catch (e) {
    log?.warn(`${what}: failed after ${Date.now() - t0} ms: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}
