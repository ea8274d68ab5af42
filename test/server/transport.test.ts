// What the server writes besides findings, kept cheap on the keystroke path: LSP messages over stdio in one write each
// (src/server/streamWriter.ts), byte for byte what vscode-jsonrpc's own writer sends, and the log of the checks the
// editor waits for, one line per group and second rather than one message per keystroke (src/server/checkLog.ts).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { StreamMessageReader, StreamMessageWriter, type Message } from 'vscode-languageserver/node';
import { CheckLog } from '../../src/server/checkLog';
import { OneWriteMessageWriter } from '../../src/server/streamWriter';

const messages: Message[] = [
  { jsonrpc: '2.0', id: 1, result: { kind: 'full', resultId: '7', items: [{ message: 'torch 2.2 needs numpy<2 — “quoted” 🙂', range: { start: { line: 3, character: 0 }, end: { line: 3, character: 12 } } }] } } as Message,
  { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'checked 1 manifest under /w (read 0 ms, check 1 ms)' } } as Message,
  { jsonrpc: '2.0', id: 2, result: null } as Message,
];

async function bytesOf(make: (s: PassThrough) => { write(m: Message): Promise<void> }): Promise<{ bytes: Buffer; writes: number }> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const writer = make(stream);
  for (const m of messages) await writer.write(m);
  return { bytes: Buffer.concat(chunks), writes: chunks.length };
}

describe('LSP over stdio', () => {
  test('one write per message, the same bytes as vscode-jsonrpc writes, read back by its reader', async () => {
    const ours = await bytesOf((s) => new OneWriteMessageWriter(s));
    const theirs = await bytesOf((s) => new StreamMessageWriter(s));
    assert.equal(ours.writes, messages.length);
    assert.equal(theirs.writes, 2 * messages.length, 'theirs: header, then body');
    assert.deepEqual(ours.bytes, theirs.bytes);
    const stream = new PassThrough();
    const reader = new StreamMessageReader(stream);
    const read: Message[] = [];
    reader.listen((m) => read.push(m));
    stream.end(ours.bytes);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(read, messages);
  });

  test('a stream that fails: the write is rejected and the error reported', async () => {
    const stream = new PassThrough({ write: (_chunk, _enc, cb) => cb(new Error('EPIPE')) });
    stream.on('error', () => undefined);
    const writer = new OneWriteMessageWriter(stream);
    const errors: unknown[] = [];
    writer.onError((e) => errors.push(e));
    await assert.rejects(writer.write(messages[2]), /EPIPE/);
    assert.ok(errors.length >= 1);
  });
});

describe('CheckLog', () => {
  test('a group\'s first check is logged at once, the checks that follow within the window in one line', async () => {
    const lines: string[] = [];
    const log = new CheckLog((l) => lines.push(l), 30);
    try {
      log.checked({ files: 1, root: '/w/typed', readMs: 0, checkMs: 2, stale: false });
      assert.deepEqual(lines, ['checked 1 manifest under /w/typed (read 0 ms, check 2 ms)']);
      for (let k = 0; k < 40; k++) log.checked({ files: 1, root: '/w/typed', readMs: 0, checkMs: 1 + (k % 3), stale: k === 7 });
      log.checked({ files: 3, root: '/w/other', readMs: 1, checkMs: 5, stale: false });
      assert.equal(lines.length, 2, 'another group is logged at once too');
      assert.equal(lines[1], 'checked 3 manifests under /w/other (read 1 ms, check 5 ms)');
      log.flush();
      assert.deepEqual(lines.slice(2), ['checked /w/typed 40 more times in the last second (check 1–3 ms each; 1 stale: an edit arrived)'],
        'the other group was not checked again: nothing more about it');
      log.flush();
      assert.equal(lines.length, 3, 'nothing checked since: the window closes without a line');
      log.checked({ files: 1, root: '/w/typed', readMs: 0, checkMs: 4, stale: false });
      assert.equal(lines[3], 'checked 1 manifest under /w/typed (read 0 ms, check 4 ms)', 'a closed window: logged at once again');
      log.checked({ files: 1, root: '/w/typed', readMs: 0, checkMs: 4, stale: false });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(lines[4], 'checked /w/typed 1 more time in the last second (check 4 ms each)', 'the timer sums up the window');
    } finally {
      log.dispose();
    }
  });
});
