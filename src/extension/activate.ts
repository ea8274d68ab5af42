// What the Node and the web entries share: diagnostics, quick fixes, hovers, status bar, fix-all. Nothing heavy
// runs before the first check; the knowledge base is compiled once, lazily, by the checker.
import * as vscode from 'vscode';
import { asyncMetadata } from '../core/metadata/loader';
import { WorkspaceChecker } from './checker';
import { fixAllInWorkspace, MlPinsCodeActions } from './codeActions';
import { registerCommands, type CommandTable } from './commands';
import { MlPinsHover } from './hover';
import { createStatusBar } from './statusBar';

/** Manifests by name: TOML and YAML share languages with everything else, so select by pattern. */
export const MANIFEST_SELECTOR: vscode.DocumentSelector = [
  { language: 'pip-requirements' },
  { pattern: '**/pyproject.toml' },
  { pattern: '**/Pipfile' },
  { pattern: '**/setup.cfg' },
  { pattern: '**/{environment,conda*}.{yml,yaml}' },
  { pattern: '**/*.{sh,bash,py}' },
  { pattern: '**/{Dockerfile,Dockerfile.*,*.dockerfile,Containerfile}' },
  { pattern: '**/{*requirement*.txt,*requirment*.txt,*requirement*.in,*constraint*.txt}' },
  { pattern: '**/requirements/*.{txt,in}' },
];

export interface MlPinsApi {
  checker: WorkspaceChecker;
  actions: MlPinsCodeActions;
}

/** `more`: the Node entry's rows of the command table (src/extension/commands.ts), given the common parts. */
export function activateCommon(context: vscode.ExtensionContext, afterFixCommand?: string, more?: (api: MlPinsApi) => CommandTable): MlPinsApi {
  // The metadata snapshot ships in the extension's metadata/ folder; each check loads the packages it names.
  const metadataDir = vscode.Uri.joinPath(context.extensionUri, 'metadata');
  const metadata = asyncMetadata(async (path) => {
    try { return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(metadataDir, ...path.split('/')))); } catch { return undefined; }
  });
  const checker = new WorkspaceChecker(vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules'), metadata);
  const actions = new MlPinsCodeActions(checker, afterFixCommand);
  context.subscriptions.push(
    checker,
    vscode.languages.registerCodeActionsProvider(MANIFEST_SELECTOR, actions, MlPinsCodeActions.metadata),
    vscode.languages.registerHoverProvider(MANIFEST_SELECTOR, new MlPinsHover(checker)),
    createStatusBar(checker),
    registerCommands({
      'mlPins.fixAllInWorkspace': async () => {
        const n = await fixAllInWorkspace(checker, actions);
        void vscode.window.showInformationMessage(n ? `ML Pins applied ${n} fix${n === 1 ? '' : 'es'}.` : 'ML Pins found nothing to fix.');
      },
      'mlPins.recheck': () => checker.recheckAll(),
      ...more?.({ checker, actions }),
    }),
  );
  void checker.scanWorkspace();
  return { checker, actions };
}
