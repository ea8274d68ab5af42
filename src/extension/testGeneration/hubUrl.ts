// Where mlPins.hubUrl points, for the token's sake (see hubToken.ts). No `vscode`: unit-tested directly.

export type HubKind =
  | { kind: 'default' }
  | { kind: 'loopback'; host: string }
  | { kind: 'other'; host: string }
  | { kind: 'plain-http'; host: string }
  | { kind: 'invalid' };

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Where a Hub URL points, for the token's sake. Pure: tested without VS Code. */
export function classifyHub(hubUrl: string | undefined): HubKind {
  const text = (hubUrl ?? '').trim();
  if (!text) return { kind: 'default' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { kind: 'invalid' };
  }
  if (url.username || url.password) return { kind: 'invalid' };
  const host = url.host.toLowerCase();
  if (url.protocol === 'https:' && url.hostname.toLowerCase() === 'huggingface.co' && (url.port === '' || url.port === '443')) return { kind: 'default' };
  if (LOOPBACK.test(url.hostname)) return { kind: 'loopback', host };
  if (url.protocol === 'http:') return { kind: 'plain-http', host };
  if (url.protocol === 'https:') return { kind: 'other', host };
  return { kind: 'invalid' };
}

