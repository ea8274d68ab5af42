// Language-server rows for `npm run bench`: dist/server.js over stdio, as an editor starts it. A 1,000-manifest
// workspace: an open file's diagnostics while the scan runs (target ≤ 300 ms), every file checked (< 3 s), and a
// keystroke in a 200-line requirements.txt of it and in a real project's file (≤ 2 ms), from didChange to the
// diagnostics the client pulls for it (as VS Code does, vscode-languageclient's pull on change; each keystroke sent as
// the range it replaces, as VS Code sends it under the incremental sync the server asks for). Alone:
// `node --import tsx bench/server.mts`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as lsp from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { requirementsFile } from './files.mjs';

type Row = { group: string; case: string; value: number; unit: string; target?: string; note?: string };

/** CPU time (user + system) used so far, in ms, from /proc (Linux); NaN elsewhere. On a machine shared with other work,
 *  wall time includes waiting for a core: the CPU time says what the server itself spent. `process`: every thread of
 *  the server (V8's compiler and collector threads too); `main`: its JavaScript thread alone, the one a keystroke's
 *  answer waits for. */
interface Cpu { process: number; main: number }
function cpuOf(pid: number | undefined): Cpu {
  const read = (path: string) => {
    try {
      const fields = readFileSync(path, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
    } catch {
      return NaN;
    }
  };
  return { process: read(`/proc/${pid}/stat`), main: read(`/proc/${pid}/task/${pid}/stat`) };
}
/** CPU per keystroke between two readings, over `n` keystrokes. */
const perKeystroke = (from: Cpu, to: Cpu, n: number): Cpu => ({ process: (to.process - from.process) / n, main: (to.main - from.main) / n });

/** The edit from `before` to `after` as VS Code sends it to a server that asks for incremental sync (this one does): the
 *  range replaced, by common prefix and suffix, and its new text. A keystroke is a few characters, not the file. */
export function changeOf(before: string, after: string): { range: lsp.Range; rangeLength: number; text: string } {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const positionAt = (offset: number): lsp.Position => {
    const lineStart = before.lastIndexOf('\n', offset - 1) + 1;
    let line = 0;
    for (let i = before.indexOf('\n'); i >= 0 && i < offset; i = before.indexOf('\n', i + 1)) line++;
    return { line, character: offset - lineStart };
  };
  const change = { range: { start: positionAt(prefix), end: positionAt(before.length - suffix) }, rangeLength: before.length - suffix - prefix, text: after.slice(prefix, after.length - suffix) };
  // The server applies it to its copy: a wrong edit would time another text than the one meant.
  const applied = TextDocument.applyEdits(TextDocument.create('file:///x', 'x', 1, before), [{ range: change.range, newText: change.text }]);
  if (applied !== after) throw new Error('bench: the edit sent does not make the text meant');
  return change;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function serverRows(root: string): Promise<Row[]> {
  const rows: Row[] = [];
  const server = join(root, 'dist/server.js');
  const start = async (folder: string) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const conn = lsp.createProtocolConnection(new lsp.StreamMessageReader(child.stdout!), new lsp.StreamMessageWriter(child.stdin!));
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => null);
    conn.onNotification('mlPins/status', () => undefined);
    conn.onNotification('$/progress', () => undefined);
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(folder).href, workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'bench' }],
      capabilities: { window: { workDoneProgress: true }, workspace: { diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } } });
    const initialized = performance.now() - t0;
    await conn.sendNotification('initialized', {});
    const stop = async () => { await conn.sendRequest('shutdown'); await conn.sendNotification('exit'); conn.dispose(); };
    return { conn, initialized, t0, stop, pid: child.pid };
  };
  const empty = mkdtempSync(join(tmpdir(), 'ml-pins-bench-lsp-empty-'));
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) { const s = await start(empty); starts.push(s.initialized); await s.stop(); }
  rows.push({ group: 'server', case: 'server start: spawn dist/server.js to the initialize response', value: median(starts), unit: 'ms' });
  const ws = mkdtempSync(join(tmpdir(), 'ml-pins-bench-lsp-'));
  for (let i = 0; i < 1000; i++) {
    mkdirSync(join(ws, `svc-${i}`));
    writeFileSync(join(ws, `svc-${i}`, 'requirements.txt'), `torch==2.${i % 9}.0\ntorchvision==0.${15 + (i % 9)}.0\ndiffusers>=0.${20 + (i % 15)}.0\nnumpy${i % 2 ? '<2' : '>=2'}\ntransformers>=4.35\n`);
  }
  // The file typed in: a 200-line pip-compile output in a folder of its own (one of the workspace's groups).
  mkdirSync(join(ws, 'typed'));
  const typed = requirementsFile(200);
  writeFileSync(join(ws, 'typed', 'requirements.txt'), typed);
  // A real project's file typed in too: stable-hair's 147-line requirements.txt from the survey (real releases, a real
  // conflict, Requires-Python ranges that differ between the CPythons a check tries).
  mkdirSync(join(ws, 'real'));
  const real = readFileSync(join(root, 'test/fixtures/real-projects/broken/stable-hair/requirements.txt'), 'utf8');
  writeFileSync(join(ws, 'real', 'requirements.txt'), real);
  // And the same file less its conflicting pins (torch, torchvision and xformers +cu118 builds, keras 3 and tensorflow):
  // 142 lines that install, so each keystroke that changes what a pin allows is a whole resolution, as pip makes it.
  mkdirSync(join(ws, 'installs'));
  const installs = real.split('\n').filter((l) => !/^(torch|torchvision|xformers|keras|tensorflow)==/.test(l)).join('\n');
  writeFileSync(join(ws, 'installs', 'requirements.txt'), installs);
  // And that file read through a package index that answers (a loopback one that lists none of its packages), as a
  // user online has: the live path's work after each check (./src/server/live.ts) is timed too. PyPI is not reached
  // from here, so the other rows run the offline path.
  const index = createServer((_req, res) => { res.statusCode = 404; res.end(); });
  await new Promise<void>((ok) => index.listen(0, '127.0.0.1', ok));
  mkdirSync(join(ws, 'online'));
  const online = `--index-url http://127.0.0.1:${(index.address() as AddressInfo).port}/simple/\n${installs}`;
  writeFileSync(join(ws, 'online', 'requirements.txt'), online);
  const firsts: number[] = [];
  const fulls: number[] = [];
  const keystrokes: number[] = [];
  const warmKeystrokes: number[] = [];
  const fullCpu: Cpu[] = [];
  const keystrokeCpu: Cpu[] = [];
  const warmKeystrokeCpu: Cpu[] = [];
  /** Per file typed in with a new text each keystroke: the first 50 keystrokes (the typing path still compiling when the
   *  file's kind of edit is new to the server), then the next 100; wall times and the server's CPU per keystroke. */
  const typing = () => ({ first: [] as number[], firstCpu: [] as Cpu[], then: [] as number[], thenCpu: [] as Cpu[], late: [] as number[], lateCpu: [] as Cpu[] });
  const newText = typing();
  const realText = typing();
  const installsText = typing();
  const onlineText = typing();
  for (let run = 0; run < 3; run++) {
    const s = await start(ws);
    const uri = pathToFileURL(join(ws, 'svc-500', 'requirements.txt')).href;
    const t = performance.now();
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'pip-requirements', version: 1, text: readFileSync(join(ws, 'svc-500', 'requirements.txt'), 'utf8') } });
    const report = await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as { items?: unknown[] };
    firsts.push(performance.now() - t);
    if (!report.items?.length) process.stderr.write('bench: the open file got no diagnostics\n');
    await s.conn.sendRequest('mlPins/whenIdle');
    fulls.push(performance.now() - s.t0);
    fullCpu.push(cpuOf(s.pid));
    // Keystrokes: each edit is sent, then its diagnostics pulled, as VS Code does (the pull does not wait for the
    // debounce); the server re-checks the edited file's group only.
    const typedUri = pathToFileURL(join(ws, 'typed', 'requirements.txt')).href;
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: typedUri, languageId: 'pip-requirements', version: 1, text: typed } });
    await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: typedUri } });
    // Keystrokes 5-29 right after start (the keystroke path still compiling), then 100-199 (a server that has been
    // typed into for a while: what a user meets after the first seconds).
    let cpu0 = cpuOf(s.pid);
    let warmCpu0 = cpu0;
    let typedText = typed;
    for (let k = 0; k < 200; k++) {
      if (k === 5) cpu0 = cpuOf(s.pid);
      if (k === 30) keystrokeCpu.push(perKeystroke(cpu0, cpuOf(s.pid), 25));
      if (k === 100) warmCpu0 = cpuOf(s.pid);
      const text = typed.replace('torch==1.0.0', `torch==1.0.${k % 2 ? 1 : 0}`);
      const change = changeOf(typedText, text);
      typedText = text;
      const tk = performance.now();
      await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri: typedUri, version: k + 2 }, contentChanges: [change] });
      await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: typedUri } });
      if (k >= 5 && k < 30) keystrokes.push(performance.now() - tk);
      if (k >= 100) warmKeystrokes.push(performance.now() - tk);
    }
    warmKeystrokeCpu.push(perKeystroke(warmCpu0, cpuOf(s.pid), 100));
    // Those keystrokes alternate between two texts, whose resolutions the server remembers. Typing makes a new text
    // each time: torch==1.0.2, 1.0.3, ... (releases the snapshot does not list), resolved anew on every keystroke.
    /** 400 keystrokes, each making the `k`th new text of a file (version numbers from `version`): timed over the first
     *  50, keystrokes 50-149, and keystrokes 300-399 (what a user meets who has typed for a while: the server's memo
     *  of resolutions at its bound, MEMO_ROOTS, and V8's optimizations of the path made). */
    const typeNewTexts = async (uri: string, version: number, opened: string, textOf: (k: number) => string, into: ReturnType<typeof typing>) => {
      let cpu0 = cpuOf(s.pid);
      let before = opened;
      const windows = [[0, 50, into.first, into.firstCpu], [50, 150, into.then, into.thenCpu], [300, 400, into.late, into.lateCpu]] as const;
      for (let k = 0; k < 400; k++) {
        const w = windows.find(([from, to]) => k >= from && k < to);
        if (w && k === w[0]) cpu0 = cpuOf(s.pid);
        const after = textOf(k);
        const change = changeOf(before, after);
        before = after;
        const tk = performance.now();
        await s.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: version + k }, contentChanges: [change] });
        await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
        if (w) w[2].push(performance.now() - tk);
        if (w && k === w[1] - 1) w[3].push(perKeystroke(cpu0, cpuOf(s.pid), w[1] - w[0]));
      }
    };
    await typeNewTexts(typedUri, 202, typedText, (k) => typed.replace('torch==1.0.0', `torch==1.0.${k + 2}`), newText);
    // The real file: its numpy pin retyped, a new text each time (numpy==1.26.5, 1.26.6, ...).
    const realUri = pathToFileURL(join(ws, 'real', 'requirements.txt')).href;
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: realUri, languageId: 'pip-requirements', version: 1, text: real } });
    await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: realUri } });
    await typeNewTexts(realUri, 2, real, (k) => real.replace('numpy==1.26.4', `numpy==1.26.${k + 5}`), realText);
    // The file that installs: its numpy pin retyped as a ceiling, a new text each time (numpy<=1.26.5, 1.26.6, ...).
    const installsUri = pathToFileURL(join(ws, 'installs', 'requirements.txt')).href;
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: installsUri, languageId: 'pip-requirements', version: 1, text: installs } });
    await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: installsUri } });
    await typeNewTexts(installsUri, 2, installs, (k) => installs.replace('numpy==1.26.4', `numpy<=1.26.${k + 5}`), installsText);
    const onlineUri = pathToFileURL(join(ws, 'online', 'requirements.txt')).href;
    await s.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: onlineUri, languageId: 'pip-requirements', version: 1, text: online } });
    await s.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: onlineUri } });
    await typeNewTexts(onlineUri, 2, online, (k) => online.replace('numpy==1.26.4', `numpy<=1.26.${k + 5}`), onlineText);
    await s.stop();
  }
  const ms = (x: number) => x.toFixed(x >= 100 ? 0 : 1);
  const cpuNote = (xs: Cpu[]) => {
    const all = median(xs.map((x) => x.process));
    const main = median(xs.map((x) => x.main));
    return Number.isNaN(all) ? '' : `; server CPU ${ms(all)} ms${Number.isNaN(main) ? '' : `, ${ms(main)} ms of it on its main thread`}`;
  };
  rows.push({ group: 'server', case: '1,000-manifest workspace: didOpen to the open file\'s diagnostics', value: median(firsts), unit: 'ms', target: '≤ 300 ms', note: 'the background scan runs meanwhile' });
  rows.push({ group: 'server', case: '1,000-manifest workspace: spawn to every file checked', value: median(fulls), unit: 'ms', target: '< 3000 ms', note: `from spawn${cpuNote(fullCpu)}` });
  rows.push({ group: 'server', case: 'keystroke in a 200-line requirements.txt of that workspace: didChange to its diagnostics', value: median(keystrokes), unit: 'ms', target: '≤ 2 ms', note: `keystrokes 5-29 after start; the edited file's group is checked again, not the workspace${cpuNote(keystrokeCpu)}` });
  rows.push({ group: 'server', case: 'the same keystroke once the server has been typed into (keystrokes 100-199)', value: median(warmKeystrokes), unit: 'ms', target: '≤ 2 ms', note: `warm: the keystroke path compiled${cpuNote(warmKeystrokeCpu)}` });
  /** Three rows per file typed in: its first 50 keystrokes, keystrokes 50-149, and keystrokes 300-399. */
  const typedRows = (what: string, t: ReturnType<typeof typing>, how: string) => {
    rows.push({ group: 'server', case: what, value: median(t.first), unit: 'ms', target: '≤ 2 ms',
      note: `its first 50 keystrokes: the path this kind of edit takes still compiling; ${how}${cpuNote(t.firstCpu)}` });
    rows.push({ group: 'server', case: `the same, keystrokes 50-149`, value: median(t.then), unit: 'ms', target: '≤ 2 ms', note: `the path compiled${cpuNote(t.thenCpu)}` });
    rows.push({ group: 'server', case: `the same, keystrokes 300-399`, value: median(t.late), unit: 'ms', target: '≤ 2 ms', note: `after 300 new texts: the memo of resolutions at its bound${cpuNote(t.lateCpu)}` });
  };
  typedRows('a keystroke that makes a new text (torch==1.0.2, 1.0.3, ...: nothing remembered resolves it)', newText,
    'after 200 keystrokes that alternate between two texts, whose resolutions are remembered');
  typedRows('a keystroke that makes a new text in a real project\'s 147-line requirements.txt (stable-hair; numpy==1.26.5, 1.26.6, ...)', realText,
    'a conflict resolved on the CPythons where it reads otherwise, explained, and upgrades tried');
  typedRows('a keystroke that makes a new text in that file less its conflicting pins (142 lines that install; numpy<=1.26.5, 1.26.6, ...)', installsText,
    'each keystroke resumes the last resolution from the round where the two part (before: pip\'s whole resolution of the file)');
  typedRows('the same file read through a package index that answers (a loopback index that lists none of its packages)', onlineText,
    'the live path too: the indexes are refreshed once the typing pauses');
  index.close();
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await serverRows(join(import.meta.dirname, '..'))) process.stdout.write(`${r.case}: ${r.value.toFixed(r.value >= 100 ? 0 : 2)} ${r.unit}${r.target ? ` (target ${r.target})` : ''}${r.note ? ` [${r.note}]` : ''}\n`);
}
