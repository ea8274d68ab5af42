// The options pip accepts in a requirement file (req_file.build_parser), read by an optparse-like parser.

import type { Span } from '../../pep508';
import { type ShellToken, offsetIn } from './shlex';

export type OptionDest =
  | 'index_url' | 'extra_index_urls' | 'no_index' | 'constraints' | 'requirements' | 'editables' | 'find_links'
  | 'no_binary' | 'only_binary' | 'prefer_binary' | 'require_hashes' | 'no_require_hashes' | 'pre' | 'all_releases'
  | 'only_final' | 'trusted_hosts' | 'features_enabled' | 'hashes' | 'config_settings';

interface OptionSpec {
  names: string[];
  dest: OptionDest;
  takesValue: boolean;
  /** An error message for a bad value (pip's callbacks and choices). */
  check?: (value: string, flag: string) => string | undefined;
}

const STRONG_HASHES = ['sha256', 'sha384', 'sha512'];
const FEATURES = ['fast-deps', 'inprocess-build-deps', 'venv-isolation', 'truststore', 'no-binary-enable-wheel-cache', 'build-constraint'];

const checkHash = (value: string, flag: string): string | undefined => {
  const colon = value.indexOf(':');
  if (colon < 0) return `Arguments to ${flag} must be a hash name followed by a value, like --hash=sha256:abcde...`;
  const algo = value.slice(0, colon);
  if (!STRONG_HASHES.includes(algo)) return `Allowed hash algorithms for ${flag} are ${STRONG_HASHES.join(', ')}.`;
  return undefined;
};
const checkNotDash = (value: string, flag: string): string | undefined =>
  value.startsWith('-') ? `${flag} option requires 1 argument.` : undefined;

/** pip's SUPPORTED_OPTIONS + SUPPORTED_OPTIONS_REQ (req_file.build_parser). */
const OPTIONS: OptionSpec[] = [
  { names: ['-i', '--index-url', '--pypi-url'], dest: 'index_url', takesValue: true },
  { names: ['--extra-index-url'], dest: 'extra_index_urls', takesValue: true },
  { names: ['--no-index'], dest: 'no_index', takesValue: false },
  { names: ['-c', '--constraint'], dest: 'constraints', takesValue: true },
  { names: ['-r', '--requirement'], dest: 'requirements', takesValue: true },
  { names: ['-e', '--editable'], dest: 'editables', takesValue: true },
  { names: ['-f', '--find-links'], dest: 'find_links', takesValue: true },
  { names: ['--no-binary'], dest: 'no_binary', takesValue: true, check: checkNotDash },
  { names: ['--only-binary'], dest: 'only_binary', takesValue: true, check: checkNotDash },
  { names: ['--prefer-binary'], dest: 'prefer_binary', takesValue: false },
  { names: ['--require-hashes'], dest: 'require_hashes', takesValue: false },
  { names: ['--no-require-hashes'], dest: 'no_require_hashes', takesValue: false },
  { names: ['--pre'], dest: 'pre', takesValue: false },
  { names: ['--all-releases'], dest: 'all_releases', takesValue: true, check: checkNotDash },
  { names: ['--only-final'], dest: 'only_final', takesValue: true, check: checkNotDash },
  { names: ['--trusted-host'], dest: 'trusted_hosts', takesValue: true },
  {
    names: ['--use-feature'], dest: 'features_enabled', takesValue: true,
    check: (value) => FEATURES.includes(value) ? undefined
      : `option --use-feature: invalid choice: '${value}' (choose from ${FEATURES.map((f) => `'${f}'`).join(', ')})`,
  },
  { names: ['--hash'], dest: 'hashes', takesValue: true, check: checkHash },
  {
    names: ['-C', '--config-settings'], dest: 'config_settings', takesValue: true,
    check: (value, flag) => value.includes('=') ? undefined : `Arguments to ${flag} must be of the form KEY=VAL`,
  },
];

const LONG_OPTIONS = new Map(OPTIONS.flatMap((o) => o.names.filter((n) => n.startsWith('--')).map((n) => [n, o] as const)));
const SHORT_OPTIONS = new Map(OPTIONS.flatMap((o) => o.names.filter((n) => !n.startsWith('--')).map((n) => [n, o] as const)));

/** One option as parsed, with spans in the split string. */
export interface ParsedOption {
  spec: OptionSpec;
  flag: string;
  value?: string;
  span: Span;
  valueSpan?: Span;
}

interface OptionProblem {
  code: 'unknown-option' | 'requirement-syntax';
  message: string;
  span: Span;
}

/** optparse's long-option matching: exact, else a unique prefix. */
function matchLong(flag: string): { spec?: OptionSpec; error?: string } {
  const exact = LONG_OPTIONS.get(flag);
  if (exact) return { spec: exact };
  const candidates = [...LONG_OPTIONS.keys()].filter((name) => name.startsWith(flag)).sort();
  if (candidates.length === 1) return { spec: LONG_OPTIONS.get(candidates[0]) };
  if (candidates.length > 1) return { error: `Ambiguous option ${flag} (${candidates.join(', ')}?): pip rejects the whole file` };
  return { error: `Unknown option ${flag}: pip rejects the whole file ("no such option")` };
}

function tokenPart(token: ShellToken, from: number): { value: string; span: Span } {
  const value = token.value.slice(from);
  const start = from < token.value.length ? offsetIn(token, from) : token.end;
  const end = value ? offsetIn(token, token.value.length - 1) + 1 : start;
  return { value, span: { start, end: Math.max(start, end) } };
}

/** optparse over the option tokens. Unknown options are reported and skipped so the rest still counts. */
export function parseOptions(tokens: ShellToken[]): { options: ParsedOption[]; problems: OptionProblem[] } {
  const options: ParsedOption[] = [];
  const problems: OptionProblem[] = [];
  let i = 0;
  const takeValue = (spec: OptionSpec, flag: string, flagSpan: Span, inline?: { value: string; span: Span }): void => {
    let value = inline;
    if (!value && spec.takesValue) {
      const next = tokens[i];
      if (!next) {
        problems.push({ code: 'requirement-syntax', message: `${flag} option requires 1 argument`, span: flagSpan });
        return;
      }
      i++;
      value = tokenPart(next, 0);
    }
    if (!spec.takesValue) {
      if (value) problems.push({ code: 'requirement-syntax', message: `${flag} option does not take a value`, span: { start: flagSpan.start, end: value.span.end } });
      else options.push({ spec, flag, span: flagSpan });
      return;
    }
    const span = { start: flagSpan.start, end: Math.max(flagSpan.end, value!.span.end) };
    const error = spec.check?.(value!.value, flag);
    if (error) problems.push({ code: 'requirement-syntax', message: error, span });
    else options.push({ spec, flag, value: value!.value, span, valueSpan: value!.span });
  };
  while (i < tokens.length) {
    const token = tokens[i++];
    const text = token.value;
    if (text === '--') break; // everything after is positional (ignored by pip)
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      const flagText = eq >= 0 ? text.slice(0, eq) : text;
      const flagSpan = { start: token.start, end: eq >= 0 ? offsetIn(token, eq) : token.end };
      const { spec, error } = matchLong(flagText);
      if (!spec) {
        problems.push({ code: 'unknown-option', message: error!, span: { start: token.start, end: token.end } });
        continue;
      }
      const flag = spec.names.find((n) => n.startsWith('--'))!;
      takeValue(spec, flag, flagSpan, eq >= 0 ? tokenPart(token, eq + 1) : undefined);
    } else if (text.startsWith('-') && text.length > 1) {
      const spec = SHORT_OPTIONS.get(text.slice(0, 2));
      const flagSpan = { start: token.start, end: text.length > 2 ? offsetIn(token, 2) : token.end };
      if (!spec) {
        const message = `Unknown option ${text.slice(0, 2)}: pip rejects the whole file ("no such option")`;
        problems.push({ code: 'unknown-option', message, span: { start: token.start, end: token.end } });
        continue;
      }
      // All of pip's short options take a value, which may be glued on (`-rfile`).
      takeValue(spec, text.slice(0, 2), flagSpan, text.length > 2 ? tokenPart(token, 2) : undefined);
    }
    // Anything else is a positional argument, which pip silently ignores on an option line.
  }
  return { options, problems };
}
