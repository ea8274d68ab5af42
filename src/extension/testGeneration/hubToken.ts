// The Hugging Face token: kept in VS Code's secret storage, and handed out only for a Hub it may go to.
//   - huggingface.co (mlPins.hubUrl empty or https://huggingface.co): yes.
//   - plain http://: only to a loopback address (a local mirror or test Hub); never over the network.
//   - any other https:// host: the user is asked once per host; the answer is remembered in globalState.
// mlPins.hubUrl is a restricted setting (package.json capabilities.untrustedWorkspaces): an untrusted workspace's
// .vscode/settings.json cannot point it elsewhere. The token then travels only in the environment of the runner's
// download and generation steps (the runner removes it for pip, sdist builds and the project's installer).
import * as vscode from 'vscode';
import { classifyHub } from './hubUrl';

export const TOKEN_KEY = 'mlPins.huggingFaceToken';
export const HOSTS_KEY = 'mlPins.tokenHosts';

/** What the user is asked (the extension's UI; tests replace it). */
export type Ask = (message: string, options: vscode.MessageOptions, ...items: string[]) => Thenable<string | undefined>;

export class HubToken {
  ask: Ask = (message, options, ...items) => vscode.window.showWarningMessage(message, options, ...items);

  constructor(private readonly context: vscode.ExtensionContext) {}

  async set(): Promise<void> {
    const token = await vscode.window.showInputBox({ prompt: 'Hugging Face access token (kept in VS Code secret storage)', password: true, ignoreFocusOut: true,
      validateInput: (v) => (/^hf_[A-Za-z0-9]{10,}$/.test(v.trim()) ? undefined : 'Tokens look like hf_…') });
    if (token) await this.store(token);
  }

  async store(token: string): Promise<void> {
    await this.context.secrets.store(TOKEN_KEY, token.trim());
  }

  async clear(): Promise<void> {
    await this.context.secrets.delete(TOKEN_KEY);
    await this.context.globalState.update(HOSTS_KEY, undefined);
    void vscode.window.showInformationMessage('ML Pins: the Hugging Face token was removed.');
  }

  /** The decisions remembered per host ("allow" | "deny"). */
  remembered(): Record<string, 'allow' | 'deny'> {
    return { ...(this.context.globalState.get<Record<string, 'allow' | 'deny'>>(HOSTS_KEY) ?? {}) };
  }

  async remember(host: string, decision: 'allow' | 'deny' | undefined): Promise<void> {
    const all = this.remembered();
    if (decision) all[host] = decision;
    else delete all[host];
    await this.context.globalState.update(HOSTS_KEY, all);
  }

  /**
   * The token for a request to `hubUrl`, or undefined when there is none or it must not go there. `interactive`
   * false never asks (the pre-run metadata check): an unanswered host gets no token.
   */
  async forHub(hubUrl: string | undefined, interactive = true): Promise<string | undefined> {
    const token = await this.context.secrets.get(TOKEN_KEY);
    if (!token) return undefined;
    const hub = classifyHub(hubUrl);
    switch (hub.kind) {
      case 'default':
        return token;
      case 'invalid':
        return undefined;
      case 'plain-http':
        if (interactive) {
          void vscode.window.showWarningMessage(`ML Pins: the Hugging Face token is not sent to ${hub.host}: mlPins.hubUrl uses plain http://, ` +
            'which anyone on the network can read. Use https:// (or a loopback address for a local mirror).');
        }
        return undefined;
      case 'loopback':
      case 'other': {
        const known = this.remembered()[hub.host];
        if (known) return known === 'allow' ? token : undefined;
        if (!interactive) return undefined;
        const allow = 'Send the Token';
        const deny = 'Not to This Host';
        const choice = await this.ask(`mlPins.hubUrl points to ${hub.host}, not huggingface.co. Send your Hugging Face token to ${hub.host}?`,
          { modal: true, detail: 'The answer is remembered for this host. "ML Pins: Clear Hugging Face Token" forgets it.' }, allow, deny);
        if (choice === allow || choice === deny) await this.remember(hub.host, choice === allow ? 'allow' : 'deny');
        return choice === allow ? token : undefined;
      }
    }
  }
}
