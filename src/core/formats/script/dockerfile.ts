// Dockerfiles: instructions (with the escape directive and heredocs), RUN in shell and exec form, ENV, WORKDIR and
// COPY (so `pip install -r` finds the file the image copied).

import { LineIndex } from '../../text';
import { type ArgWord, WordBuilder } from './words';
import { type Heredoc, type ShellScan, afterLineBreak, isBlank, isLineBreak, lineEnd, scanShell } from './shell';
import { type PipArgsContext, type PipSink, ASSIGNMENT, INDEX_VARIABLES, URL_SCHEME, basename, resolveRelative } from './pip';
import { analyzeCommand, setIndexVariable } from './commands';

interface DockerState {
  escape: string;
  /** Container path -> build-context path, from COPY/ADD (used to resolve `pip install -r /app/requirements.txt`). */
  copies: { source: string; dest: string; workdir: string }[];
  workdir: string;
  /** ENV / ARG index variables of the current stage. */
  persistent: Map<string, { option: string; value: ArgWord }>;
  /** Build stage: -1 before the first FROM. */
  stage: number;
  /** False after `SHELL ["powershell", ...]` / cmd: shell-form RUN lines are not POSIX shell then. */
  posixShell: boolean;
}

/** Extent of one instruction: Docker joins lines ending in the escape character and drops comment lines in between. */
function instructionEnd(text: string, from: number, escape: string): number {
  const end = text.length;
  let i = from;
  for (;;) {
    const e = lineEnd(text, i, end);
    let k = e - 1;
    while (k >= i && isBlank(text[k])) k--;
    if (k < i || text[k] !== escape || e >= end) return e;
    i = afterLineBreak(text, e);
    // Comment and blank lines inside a continued instruction are removed before it is read.
    for (;;) {
      let j = i;
      while (j < end && isBlank(text[j])) j++;
      if (j < end && text[j] === '#') {
        const le = lineEnd(text, j, end);
        if (le >= end) return le;
        i = afterLineBreak(text, le);
      } else if (j < end && isLineBreak(text[j])) i = afterLineBreak(text, j);
      else break;
    }
    if (i >= end) return end;
  }
}

export function parseDockerfile(text: string, sink: PipSink): void {
  const state: DockerState = { escape: escapeDirective(text), copies: [], workdir: '/', persistent: new Map(), stage: -1, posixShell: true };
  const end = text.length;
  let i = 0;
  while (i < end) {
    while (i < end && (isBlank(text[i]) || isLineBreak(text[i]))) i++;
    if (i >= end) break;
    if (text[i] === '#') {
      i = lineEnd(text, i, end);
      continue;
    }
    const stop = instructionEnd(text, i, state.escape);
    let keywordEnd = i;
    while (keywordEnd < stop && /[A-Za-z]/.test(text[keywordEnd])) keywordEnd++;
    let keyword = text.slice(i, keywordEnd).toUpperCase();
    let bodyStart = keywordEnd;
    if (keyword === 'ONBUILD') {
      let j = keywordEnd;
      while (j < stop && isBlank(text[j])) j++;
      let k = j;
      while (k < stop && /[A-Za-z]/.test(text[k])) k++;
      keyword = text.slice(j, k).toUpperCase();
      bodyStart = k;
    }
    const scan = scanShell(text, bodyStart, stop, { docker: true, escape: state.escape });
    // BuildKit heredocs (`RUN <<EOF`, `COPY <<EOF /app/x`): their bodies follow the instruction's line.
    const next = locateHeredocBodies(text, stop, scan.pendingHeredocs);
    if (keyword === 'RUN') dockerRun(text, bodyStart, stop, scan, sink, state);
    else if (keyword === 'WORKDIR') dockerWorkdir(text, bodyStart, stop, state);
    else if (keyword === 'COPY' || keyword === 'ADD') dockerCopy(text, bodyStart, stop, state);
    else if (keyword === 'ENV' || keyword === 'ARG') dockerEnv(scan, keyword, state);
    else if (keyword === 'FROM') { // a new stage starts with a new environment and the default shell
      state.persistent = new Map();
      state.stage++;
      state.posixShell = true;
    } else if (keyword === 'SHELL') {
      const exec = execForm(text, bodyStart, stop, state.escape);
      state.posixShell = !exec || !/^(?:.*[\\/])?(?:powershell|pwsh|cmd)(?:\.exe)?$/i.test(exec[0]?.value ?? '');
    }
    i = Math.max(next, stop, i + 1);
  }
}

/** Parser directives (`# escape=``) must come first, before any comment or instruction. */
function escapeDirective(text: string): string {
  const index = new LineIndex(text.slice(0, 4096));
  for (let line = 0; line < index.lineCount; line++) {
    const m = /^#[\t ]*([A-Za-z]+)[\t ]*=[\t ]*(\S+)[\t ]*$/.exec(index.lineText(line));
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

/** Words of an instruction's arguments (shell-like split, enough for WORKDIR/COPY paths). */
function instructionWords(text: string, from: number, to: number, state: DockerState): string[] {
  const exec = execForm(text, from, to, state.escape);
  if (exec) return exec.map((w) => w.value);
  const scan = scanShell(text, from, to, { docker: true, escape: state.escape });
  return scan.commands.flatMap((c) => c.words.map((w) => w.value));
}

function dockerWorkdir(text: string, from: number, to: number, state: DockerState): void {
  const [dir] = instructionWords(text, from, to, state);
  if (!dir) return;
  state.workdir = dir.startsWith('/') ? dir : joinPosix(state.workdir, dir);
}

function dockerCopy(text: string, from: number, to: number, state: DockerState): void {
  const all = instructionWords(text, from, to, state);
  // Files from another stage or image are not in the build context.
  if (all.some((w) => w.startsWith('--from'))) return;
  const words = all.filter((w) => !w.startsWith('--') && !w.startsWith('<<'));
  if (words.length < 2) return;
  const dest = words[words.length - 1];
  for (const source of words.slice(0, -1)) state.copies.push({ source, dest, workdir: state.workdir });
}

function joinPosix(dir: string, rel: string): string {
  const parts = dir.split('/').filter(Boolean);
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return '/' + parts.join('/');
}

/** Maps a container path read by `pip install -r` back to the build-context file a COPY put there. */
function resolveThroughCopies(target: string, state: DockerState, sinkPath: string): string | undefined {
  if (target.includes('$')) return undefined;
  const containerPath = target.startsWith('/') ? joinPosix('/', target) : joinPosix(state.workdir, target);
  for (let k = state.copies.length - 1; k >= 0; k--) {
    const { source, dest, workdir } = state.copies[k];
    if (source.includes('*') || source.includes('$') || URL_SCHEME.test(source)) continue;
    const destPath = dest.startsWith('/') ? joinPosix('/', dest) : joinPosix(workdir, dest);
    const destIsDir = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
    const sourceName = basename(source.replace(/\/+$/, ''));
    if (!destIsDir && destPath === containerPath) return resolveRelative(sinkPath, source);
    if (destIsDir && joinPosix(destPath, sourceName) === containerPath) return resolveRelative(sinkPath, source);
    // A copied directory (`COPY . /app`, `COPY requirements/ /app/requirements/`): the rest of the path carries over.
    const prefix = destPath === '/' ? '/' : destPath + '/';
    if (containerPath.startsWith(prefix) && (source === '.' || source.endsWith('/') || !/\.[A-Za-z0-9]+$/.test(source))) {
      const rest = containerPath.slice(prefix.length);
      const sourceDir = source === '.' || source === './' ? rest : source.replace(/\/+$/, '') + '/' + rest;
      return resolveRelative(sinkPath, sourceDir);
    }
  }
  return target.startsWith('/') ? undefined : resolveRelative(sinkPath, target);
}

/** Finds each heredoc's body after the line that ends at `lineEnd`; returns where the instruction really ends. */
function locateHeredocBodies(text: string, stop: number, heredocs: Heredoc[]): number {
  if (!heredocs.length || stop >= text.length) return stop;
  let i = afterLineBreak(text, stop);
  for (const h of heredocs) {
    h.bodyStart = i;
    h.bodyEnd = text.length;
    while (i < text.length) {
      const ls = i;
      const e = lineEnd(text, i, text.length);
      let c = ls;
      if (h.stripTabs) while (c < e && text[c] === '\t') c++;
      i = e < text.length ? afterLineBreak(text, e) : text.length;
      if (text.slice(c, e) === h.delimiter) {
        h.bodyEnd = ls;
        break;
      }
    }
  }
  return i;
}

/** RUN: exec form (a JSON array) or shell form, with BuildKit flags (`--mount=...`) and heredocs. */
/** `ENV PIP_EXTRA_INDEX_URL=https://…` (or the older `ENV NAME value`), `ARG UV_INDEX=…`: index variables for later RUNs. */
function dockerEnv(scan: ShellScan, keyword: string, state: DockerState): void {
  const words = scan.commands.flatMap((c) => c.words);
  const context: PipArgsContext = { persistent: state.persistent };
  if (keyword === 'ENV' && words.length >= 2 && !words[0].value.includes('=') && INDEX_VARIABLES[words[0].value]) {
    // Legacy form: the value is the rest of the line (one word for a URL).
    state.persistent.set(words[0].value, { option: INDEX_VARIABLES[words[0].value], value: words[1] });
    return;
  }
  for (const w of words) if (ASSIGNMENT.test(w.value)) setIndexVariable(w, context);
}

function dockerRun(text: string, from: number, to: number, scan: ShellScan, sink: PipSink, state: DockerState): void {
  // A copy: an `export` inside one RUN does not outlive it.
  const context: PipArgsContext = { resolveInclude: (t) => resolveThroughCopies(t, state, sink.path), persistent: new Map(state.persistent), stage: Math.max(0, state.stage) };
  const exec = execForm(text, from, to, state.escape);
  if (exec) {
    analyzeCommand({ words: exec, heredocs: [] }, text, sink, context, 0);
    return;
  }
  if (!state.posixShell) return; // PowerShell or cmd syntax: not ours to read
  const first = scan.commands[0];
  if (first) {
    // RUN's own flags come before the command.
    let k = 0;
    while (k < first.words.length && first.words[k].value.startsWith('--')) k++;
    first.words = first.words.slice(k);
  }
  for (const c of scan.commands) analyzeCommand(c, text, sink, context, 0);
}

/** Parses `["pip", "install", "torch==2.2"]` (JSON strings, possibly across continuations); undefined if not JSON. */
function execForm(text: string, from: number, to: number, escape: string): ArgWord[] | undefined {
  let i = from;
  const skipSpace = (): void => {
    for (;;) {
      while (i < to && (isBlank(text[i]) || isLineBreak(text[i]))) i++;
      if (i < to && text[i] === escape) {
        let j = i + 1;
        while (j < to && isBlank(text[j])) j++;
        if (j < to && isLineBreak(text[j])) {
          i = j;
          continue;
        }
      }
      return;
    }
  };
  skipSpace();
  if (text[i] !== '[') return undefined;
  i++;
  const words: ArgWord[] = [];
  skipSpace();
  if (text[i] === ']') {
    i++;
  } else {
    for (;;) {
      skipSpace();
      if (text[i] !== '"') return undefined;
      const s = jsonString(text, i, to);
      if (!s) return undefined;
      words.push(s.word);
      i = s.next;
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        break;
      }
      return undefined;
    }
  }
  skipSpace();
  return i >= to ? words : undefined;
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function jsonString(text: string, q: number, to: number): { word: ArgWord; next: number } | undefined {
  const b = new WordBuilder();
  let i = q + 1;
  while (i < to) {
    const c = text[i];
    if (c === '"') {
      return {
        word: { value: b.value(), toDoc: b.mapper(q + 1), start: q, end: i + 1, expansion: false, glob: false },
        next: i + 1,
      };
    }
    if (isLineBreak(c)) return undefined;
    if (c === '\\') {
      const n = text[i + 1];
      if (n === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
        b.appendUnit(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)), i, 6);
        i += 6;
      } else if (n !== undefined && JSON_ESCAPES[n] !== undefined) {
        b.appendUnit(JSON_ESCAPES[n], i, 2);
        i += 2;
      } else return undefined;
      continue;
    }
    let j = i + 1;
    while (j < to && text[j] !== '"' && text[j] !== '\\' && !isLineBreak(text[j])) j++;
    b.appendSlice(text, i, j);
    i = j;
  }
  return undefined;
}
