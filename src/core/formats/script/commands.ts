// One shell command: pip run directly or through a nested shell (`bash -c '...'`), and the variables and
// `pip config` commands that name an index for later pip commands.

import { type ArgWord, subWord } from './words';
import { type ShellCommand, scanShell } from './shell';
import { type PipArgsContext, type PipSink, ASSIGNMENT, INDEX_VARIABLES, PIP_EXE, PYTHON_EXE, basename, collectPipInstallArgs, pipInstallArgsStart, skipPrefixes } from './pip';

const SHELLS = /^(?:sh|bash|dash|ash|zsh|ksh)(?:\.exe)?$/;
const MAX_NESTING = 8;

/** Words of a string tokenized as a script of its own, mapped back through the string's own mapping. */
export function wordsWithin(outer: ArgWord, inner: ArgWord): ArgWord {
  return {
    value: inner.value,
    toDoc: (i, bias) => outer.toDoc(inner.toDoc(i, bias), bias),
    start: outer.toDoc(inner.start),
    end: outer.toDoc(inner.end),
    expansion: inner.expansion || outer.expansion,
    glob: inner.glob,
    unterminated: inner.unterminated === undefined ? undefined : outer.toDoc(inner.unterminated),
  };
}

/** `sh -c 'script'`, `bash -ec "..."`: the index of the script word, if the command is one. */
function shellScriptArg(words: ArgWord[], k: number): number | undefined {
  if (k >= words.length || !SHELLS.test(basename(words[k].value))) return undefined;
  for (let j = k + 1; j < words.length; j++) {
    const v = words[j].value;
    if (v === '-o' || v === '+o') {
      j++;
      continue;
    }
    if (/^[-+][a-z]*c[a-z]*$/.test(v)) return j + 1 < words.length ? j + 1 : undefined;
    if (!v.startsWith('-') && !v.startsWith('+')) return undefined;
  }
  return undefined;
}

/** Analyzes one command: a pip install, a nested `sh -c` script, or a shell reading a heredoc. */
export function analyzeCommand(command: ShellCommand, text: string, sink: PipSink, context: PipArgsContext, depth: number): void {
  const { words } = command;
  if (rememberIndexVariables(words, context) || rememberPipConfig(words, context)) return;
  const args = pipInstallArgsStart(words);
  if (args !== undefined) {
    const prefix = words.slice(0, skipPrefixes(words)).filter((w) => ASSIGNMENT.test(w.value));
    collectPipInstallArgs(words.slice(args), sink, context, { prefix, glued: command.glued });
    return;
  }
  if (depth >= MAX_NESTING) return;
  const k = skipPrefixes(words);
  const script = shellScriptArg(words, k);
  if (script !== undefined) {
    const outer = words[script];
    if (outer.expansion || outer.unterminated !== undefined) return;
    const scan = scanShell(outer.value);
    for (const c of scan.commands) {
      analyzeCommand({ words: c.words.map((w) => wordsWithin(outer, w)), heredocs: [] }, text, sink, context, depth + 1);
    }
    return;
  }
  const runsShell = k >= words.length || (SHELLS.test(basename(words[k].value)) && words.slice(k + 1).every((w) => w.value.startsWith('-')));
  if (runsShell) {
    for (const h of command.heredocs) {
      if (h.bodyStart === undefined || h.bodyEnd === undefined) continue;
      scanShell(text, h.bodyStart, h.bodyEnd, { onCommand: (c) => analyzeCommand(c, text, sink, context, depth + 1) });
    }
  }
}

/**
 * `export PIP_EXTRA_INDEX_URL=…`, `declare -x UV_INDEX=…` or a bare `PIP_INDEX_URL=…` command sets the index of every
 * later pip command of the script. True when the command was only that.
 */
function rememberIndexVariables(words: ArgWord[], context: PipArgsContext): boolean {
  let k = 0;
  if (words[k]?.value === 'export' || words[k]?.value === 'declare' || words[k]?.value === 'typeset') {
    k++;
    while (k < words.length && words[k].value.startsWith('-')) k++;
  }
  if (k >= words.length || !words.slice(k).every((w) => ASSIGNMENT.test(w.value))) return false;
  for (const w of words.slice(k)) setIndexVariable(w, context);
  return true;
}

const PIP_CONFIG_KEYS: Record<string, string> = {
  'global.index-url': 'PIP_INDEX_URL', 'install.index-url': 'PIP_INDEX_URL',
  'global.extra-index-url': 'PIP_EXTRA_INDEX_URL', 'install.extra-index-url': 'PIP_EXTRA_INDEX_URL',
  'global.find-links': 'PIP_FIND_LINKS', 'install.find-links': 'PIP_FIND_LINKS',
};

/** `pip config set global.extra-index-url URL` configures every later pip command, like the variable would. */
function rememberPipConfig(words: ArgWord[], context: PipArgsContext): boolean {
  let k = skipPrefixes(words);
  const exe = basename(words[k]?.value ?? '');
  if (PYTHON_EXE.test(exe) && words[k + 1]?.value === '-m' && words[k + 2]?.value === 'pip') k += 3;
  else if (PIP_EXE.test(exe)) k += 1;
  else return false;
  while (k < words.length && words[k].value.startsWith('-')) k++;
  if (words[k]?.value !== 'config' || words[k + 1]?.value !== 'set') return false;
  const variable = PIP_CONFIG_KEYS[words[k + 2]?.value ?? ''];
  const value = words[k + 3];
  if (!variable || !value) return false;
  context.persistent ??= new Map();
  context.persistent.set(variable, { option: INDEX_VARIABLES[variable], value });
  return true;
}

/** Records one `NAME=value` word when NAME is an index variable (and forgets it when set to nothing). */
export function setIndexVariable(w: ArgWord, context: PipArgsContext): void {
  const eq = w.value.indexOf('=');
  const name = w.value.slice(0, eq).replace(/\+$/, '');
  const option = INDEX_VARIABLES[name];
  if (!option) return;
  context.persistent ??= new Map();
  const value = subWord(w, eq + 1);
  if (value.value.trim()) context.persistent.set(name, { option, value });
  else context.persistent.delete(name);
}
