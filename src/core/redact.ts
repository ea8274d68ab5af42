// The one place that hides secrets before text reaches output (messages, fix titles, hovers, JSON, SARIF): the
// user-info of URLs (`https://user:PW@host`, `https://TOKEN@host`) and long echoes of lines that could not be read.

/** URL user-info, as pip redacts it: `user:password@` keeps the user, a lone `token@` is hidden whole. */
const USERINFO = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/@"'<>]+)@/g;

export function redactCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(USERINFO, (_m, scheme: string, info: string) => {
    if (/^\$\{[A-Za-z0-9_]+\}(?::\$\{[A-Za-z0-9_]+\})?$/.test(info)) return `${scheme}${info}@`; // ${USER}:${PASS} names no secret
    const colon = info.indexOf(':');
    return colon < 0 ? `${scheme}****@` : `${scheme}${info.slice(0, colon)}:****@`;
  });
}

/** At most this many characters of a line are quoted back in a message. */
export const ECHO_LIMIT = 80;

/**
 * A piece of a file quoted in a message: credentials redacted, cut to `limit` characters with an ellipsis. Lines
 * that cannot be parsed may be anything (a key, a password file reached by an include): never echo them whole.
 */
export function clip(text: string, limit = ECHO_LIMIT): string {
  const redacted = redactCredentials(text);
  return redacted.length > limit ? `${redacted.slice(0, limit)}…` : redacted;
}
