// Rule pages, read-only and rendered: `ml-pins-rule:/<code>.md` is a virtual document made from the page shipped in
// docs/rules/ (plus a link to the same page online when package.json names a repository), shown in VS Code's
// Markdown preview. Diagnostics' code links and the hover's "Sources" run mlPins.showRule with the code.
import * as vscode from 'vscode';

export const RULE_SCHEME = 'ml-pins-rule';
export const SHOW_RULE_COMMAND = 'mlPins.showRule';

/** The server's link template (InitializationOptions.ruleLink): a command link with the code as its argument. */
export const RULE_LINK = `command:${SHOW_RULE_COMMAND}?${encodeURIComponent('["')}{code}${encodeURIComponent('"]')}`;

const CODE = /^[a-z0-9][a-z0-9-]*$/;

export const ruleUri = (code: string) => vscode.Uri.from({ scheme: RULE_SCHEME, path: `/${code}.md` });

/** `https://github.com/o/r` from package.json's repository (a string or `{ url }`, with or without `.git`). */
export function onlineBase(packageJSON: { repository?: string | { url?: string } }): string | undefined {
  const raw = typeof packageJSON.repository === 'string' ? packageJSON.repository : packageJSON.repository?.url;
  const m = raw && /^(?:git\+)?(https:\/\/github\.com\/[\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  return m ? `${m[1]}/blob/main/docs/rules` : undefined;
}

export function registerRulePages(context: vscode.ExtensionContext): vscode.Disposable {
  const online = onlineBase(context.extension.packageJSON as { repository?: string | { url?: string } });
  const provider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      const code = uri.path.replace(/^\//, '').replace(/\.md$/, '');
      if (!CODE.test(code)) return `# Unknown rule\n\n"${code}" is not an ML Pins rule code.\n`;
      let page: string;
      try {
        page = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${code}.md`)));
      } catch {
        return `# ${code}\n\nThis version of ML Pins has no page for this rule.\n`;
      }
      return online ? `${page.trimEnd()}\n\n---\n\n[This page online](${online}/${code}.md)\n` : page;
    },
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(RULE_SCHEME, provider),
  );
}

/** Shows a rule's page in the Markdown preview (read-only: a content provider's document cannot be edited). */
export async function showRule(code: unknown): Promise<void> {
  if (typeof code !== 'string' || !CODE.test(code)) return;
  await vscode.commands.executeCommand('markdown.showPreview', ruleUri(code));
}
