// Every command of the extension in one table: its id, and whether it needs the Node entry (a terminal). The
// handlers are registered together by registerCommands (activate.ts), the Node entry adding its rows; the real-VS
// Code suite checks that package.json's contributes.commands and this table agree.
import * as vscode from 'vscode';

export const COMMANDS = {
  'mlPins.fixAllInWorkspace': { entry: 'common', palette: true },
  'mlPins.recheck': { entry: 'common', palette: true },
  'mlPins.showLog': { entry: 'common', palette: true },
  'mlPins.installAndGenerate': { entry: 'node', palette: true },
  'mlPins.setHubToken': { entry: 'node', palette: true },
  'mlPins.clearHubToken': { entry: 'node', palette: true },
  /** A rule's page, rendered (diagnostic code links and the hover's "Sources"); takes the code, not for the palette. */
  'mlPins.showRule': { entry: 'common', palette: false },
  /** Run after a quick fix (the code action's command); not for the palette. */
  'mlPins.offerTestGeneration': { entry: 'node', palette: false },
  /** "…, and install it": a quick fix's command (src/extension/installRequirements.ts); not for the palette. */
  'mlPins.installRequirements': { entry: 'node', palette: false },
  /** The status item's click: the ML Pins view (the findings beside Problems). */
  'mlPins.showFindings': { entry: 'common', palette: true },
  /** ML Pins' findings in a quick pick. */
  'mlPins.goToFinding': { entry: 'common', palette: true },
} as const;

export type CommandId = keyof typeof COMMANDS;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- command arguments are whatever VS Code passes
export type CommandTable = Partial<Record<CommandId, (...args: any[]) => unknown>>;

export function registerCommands(table: CommandTable): vscode.Disposable {
  return vscode.Disposable.from(...Object.entries(table).map(([id, run]) => vscode.commands.registerCommand(id, run!)));
}
