// What the Node and the web entries share: the language client (the engine runs in the ML Pins language server,
// src/server), the status bar, the ML Pins log (the server's window/logMessage lands there too) and the fix-all,
// re-check and show-log commands. Activation only starts the client.
import * as vscode from 'vscode';
import type { BaseLanguageClient, LanguageClientOptions } from 'vscode-languageclient';
import { FIX_ALL_COMMAND } from '../server/commands';
import { EXCLUDE_GLOB, MANIFEST_GLOB, MANIFEST_GLOBS, METHODS } from '../server/protocol';
import { WorkspaceChecker } from './checker';
import { registerCommands, type CommandTable } from './commands';
import { clientChannel } from './log';
import { registerRulePages, RULE_LINK, SHOW_RULE_COMMAND, showRule } from './rulePages';
import { createFindingsView, showFindings, type FindingsView } from './findingsView';
import { createStatusBar, goToFinding } from './statusBar';

/** Manifests by name (the formats' patterns): TOML and YAML share languages with everything else. */
export const MANIFEST_SELECTOR = [{ language: 'pip-requirements' }, ...MANIFEST_GLOBS.map((pattern) => ({ pattern }))];

export interface MlPinsApi {
  checker: WorkspaceChecker;
  /** The status item (tests read what it shows). */
  statusItem: vscode.StatusBarItem;
  /** The ML Pins view: its tree (tests read what it lists) and the TreeView. */
  findings: FindingsView;
  client: BaseLanguageClient;
  /** The ML Pins log: what was checked and how long it took (from the server), Hub requests, runner steps. */
  log: vscode.LogOutputChannel;
}

export type ClientFactory = (options: LanguageClientOptions) => BaseLanguageClient;

export function clientOptions(context: vscode.ExtensionContext, afterFixCommand?: string, log?: vscode.LogOutputChannel): LanguageClientOptions {
  return {
    documentSelector: MANIFEST_SELECTOR,
    // The server's messages (window/logMessage) go to the ML Pins log; it never pops up by itself.
    outputChannel: log && clientChannel(log),
    revealOutputChannelOn: 4 /* RevealOutputChannelOn.Never */,
    initializationOptions: {
      docsBase: vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules').toString(),
      // Rule pages open rendered and read-only (./rulePages.ts), from diagnostics and from the hover's links.
      ruleLink: RULE_LINK,
      trusted: vscode.workspace.isTrusted,
      fileAccess: true,
    },
    diagnosticPullOptions: { onChange: true, onSave: true },
    markdown: { isTrusted: { enabledCommands: [SHOW_RULE_COMMAND] } },
    middleware: afterFixCommand ? {
      // After a quick fix, offer the test generation (a command only the Node extension has).
      provideCodeActions: async (document, range, context, token, next) => {
        const actions = await next(document, range, context, token);
        for (const a of actions ?? []) {
          if (a instanceof vscode.CodeAction && a.kind && vscode.CodeActionKind.QuickFix.contains(a.kind) && !a.command) {
            a.command = { title: 'Offer the test generation', command: afterFixCommand };
          }
        }
        return actions;
      },
    } : undefined,
  };
}

/** `more`: the Node entry's rows of the command table (src/extension/commands.ts), given the common parts. */
export function activateCommon(context: vscode.ExtensionContext, create: ClientFactory, afterFixCommand?: string, more?: (api: MlPinsApi) => CommandTable): MlPinsApi {
  let client: BaseLanguageClient | undefined;
  const log = vscode.window.createOutputChannel('ML Pins', { log: true });
  // The client is made and started after activate() returns: activation stays cheap (the client library is loaded
  // then), and the server's work is off the extension host anyway.
  const ready = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
    const c = (client = create(clientOptions(context, afterFixCommand, log)));
    // Files the server cannot read itself (remote and virtual file systems, the web) come through workspace.fs.
    c.onRequest(METHODS.readFile, async ({ uri }: { uri: string }) => {
      try {
        return { base64: bytesToBase64(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri))) };
      } catch {
        return null;
      }
    });
    c.onRequest(METHODS.findFiles, async ({ folder }: { folder: string }) =>
      (await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.parse(folder), MANIFEST_GLOB), EXCLUDE_GLOB, 5000)).map((u) => u.toString()));
    checker.attach(c);
    const t0 = Date.now();
    await c.start();
    log.info(`language server ${c.initializeResult?.serverInfo?.version ?? ''} started in ${Date.now() - t0} ms for ${vscode.workspace.workspaceFolders?.map((f) => f.name).join(', ') || 'no folder'}`);
    return c;
  });
  ready.catch((e: unknown) => log.error('the language server did not start', e));
  const checker = new WorkspaceChecker(ready);
  const statusBar = createStatusBar(checker);
  const findings = createFindingsView(checker);
  context.subscriptions.push(
    log,
    { dispose: () => void client?.stop().catch(() => undefined) },
    checker,
    statusBar,
    findings,
    registerRulePages(context),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void ready.then((c) => c.sendNotification(METHODS.trust, { trusted: true }))),
  );
  const api: MlPinsApi = {
    checker,
    log,
    statusItem: statusBar.item,
    findings,
    /** The language client (set once activate() has returned and the client was made). */
    get client(): BaseLanguageClient {
      if (!client) throw new Error('ML Pins: the language client is not started yet (await checker.whenIdle())');
      return client;
    },
  };
  context.subscriptions.push(registerCommands({
    'mlPins.fixAllInWorkspace': async () => {
      const c = await ready;
      const n = await c.sendRequest<number | null>('workspace/executeCommand', { command: FIX_ALL_COMMAND });
      void vscode.window.showInformationMessage(n ? `ML Pins applied ${n} fix${n === 1 ? '' : 'es'}.` : 'ML Pins found nothing to fix.');
    },
    'mlPins.recheck': () => checker.recheckAll(),
    'mlPins.showLog': () => log.show(),
    'mlPins.showFindings': () => showFindings(findings),
    'mlPins.goToFinding': () => goToFinding(checker),
    'mlPins.showRule': showRule,
    ...more?.(api),
  }));
  return api;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
