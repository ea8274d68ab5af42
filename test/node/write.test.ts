// How `fix` writes files: atomically, all or nothing, never over an edit made meanwhile, in the file's own encoding.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { encodeLike } from '../../src/node/encoding';
import { nodeWriteFs, writeFixes, type WriteFs } from '../../src/node/write';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'ml-pins-write-')));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function folder(files: Record<string, string>): string {
  const dir = join(base, `w${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The real file layer, except that writes fail as on a full disk once `after` bytes went out. */
function fullDisk(afterBytes: number): WriteFs {
  let written = 0;
  return {
    ...nodeWriteFs,
    open: async (p, flags, mode) => {
      const h = await nodeWriteFs.open(p, flags, mode);
      return {
        ...h,
        write: async (data: Uint8Array) => {
          if (written + data.length > afterBytes) {
            await h.write(data.subarray(0, Math.max(0, afterBytes - written)));
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          written += data.length;
          return h.write(data);
        },
      };
    },
  };
}

describe('writeFixes', () => {
  test('ENOSPC while writing leaves the file whole and no temporary file behind', async () => {
    const dir = folder({ 'requirements.txt': 'diffusers>=0.21.0\ntorch==2.2.0\n' });
    const file = join(dir, 'requirements.txt');
    const r = await writeFixes([{ path: file, before: 'diffusers>=0.21.0\ntorch==2.2.0\n', after: 'diffusers>=0.29.0\ntorch==2.2.0\n' }], { fs: fullDisk(5) });
    assert.deepEqual(r.written, []);
    assert.match(r.skipped[0].reason, /no space left on the device; the file is unchanged/);
    assert.equal(readFileSync(file, 'utf8'), 'diffusers>=0.21.0\ntorch==2.2.0\n');
    assert.deepEqual(readdirSync(dir), ['requirements.txt']);
  });

  test('the mode of the file is kept', async () => {
    const dir = folder({ 'requirements.txt': 'a==1\n' });
    const file = join(dir, 'requirements.txt');
    chmodSync(file, 0o640);
    const r = await writeFixes([{ path: file, before: 'a==1\n', after: 'a==2\n' }]);
    assert.deepEqual(r.written, [file]);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.equal(readFileSync(file, 'utf8'), 'a==2\n');
  });

  test('a file edited since it was read is skipped and reported; the others are written', async () => {
    const dir = folder({ 'a.txt': 'a==1\n', 'b.txt': 'b==1\n' });
    writeFileSync(join(dir, 'a.txt'), 'a==1\n# edited meanwhile\n');
    const r = await writeFixes([
      { path: join(dir, 'a.txt'), before: 'a==1\n', after: 'a==2\n' },
      { path: join(dir, 'b.txt'), before: 'b==1\n', after: 'b==2\n' },
    ]);
    assert.deepEqual(r.skipped.map((s) => s.reason), ['not written: it changed since it was read (run fix again)']);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'a==1\n# edited meanwhile\n');
    assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'b==2\n');
  });

  test('one read-only file among three: nothing is written, the message names it', async () => {
    const dir = folder({ 'a.txt': 'a==1\n', 'b.txt': 'b==1\n', 'c.txt': 'c==1\n' });
    chmodSync(join(dir, 'b.txt'), 0o444);
    // Root may write read-only files: then the file layer answers as it would for anyone else.
    const fs: WriteFs = process.getuid?.() !== 0 ? nodeWriteFs : { ...nodeWriteFs, access: async (p, mode) => {
      if (p.endsWith('b.txt')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      return nodeWriteFs.access(p, mode);
    } };
    const r = await writeFixes(['a', 'b', 'c'].map((x) => ({ path: join(dir, `${x}.txt`), before: `${x}==1\n`, after: `${x}==2\n` })), { display: (p) => p.slice(dir.length + 1), fs });
    assert.match(r.aborted ?? '', /^b\.txt: the file is not writable \(permission denied\); no file was changed$/);
    for (const x of ['a', 'b', 'c']) assert.equal(readFileSync(join(dir, `${x}.txt`), 'utf8'), `${x}==1\n`);
  });

  test('files outside the roots, directly or through a link, are not written', async () => {
    const shared = folder({ 'base.txt': 'numpy<2\n' });
    const proj = folder({ 'requirements.txt': '-r ../common/base.txt\n' });
    symlinkSync(join(shared, 'base.txt'), join(proj, 'linked.txt'));
    const r = await writeFixes([
      { path: join(shared, 'base.txt'), before: 'numpy<2\n', after: 'numpy>=2\n' },
      { path: join(proj, 'linked.txt'), before: 'numpy<2\n', after: 'numpy>=2\n' },
    ], { roots: [proj] });
    assert.deepEqual(r.written, []);
    assert.equal(r.skipped.length, 2);
    assert.match(r.skipped[1].reason, /links to .*outside the paths named/);
    assert.equal(readFileSync(join(shared, 'base.txt'), 'utf8'), 'numpy<2\n');
  });
});

describe('encodeLike', () => {
  const text = 'diffusers>=0.29.0\r\n';
  test('UTF-8 BOM, UTF-16 LE/BE and UTF-32 keep their form', () => {
    const bom = encodeLike(Buffer.from([0xef, 0xbb, 0xbf, 0x61]), text, true);
    assert.deepEqual([...('bytes' in bom ? bom.bytes : []).slice(0, 4)], [0xef, 0xbb, 0xbf, 0x64]);
    const le = encodeLike(Buffer.from([0xff, 0xfe, 0x61, 0]), text, true);
    assert.equal(Buffer.from('bytes' in le ? le.bytes : []).toString('hex'), `fffe${Buffer.from(text, 'utf16le').toString('hex')}`);
    const be = encodeLike(Buffer.from([0xfe, 0xff, 0, 0x61]), 'ab', false);
    assert.equal(Buffer.from('bytes' in be ? be.bytes : []).toString('hex'), 'feff00610062');
  });
  test('a latin-1 coding line keeps latin-1; text it cannot hold is refused', () => {
    const t = '# -*- coding: latin-1 -*-\n# café\nx==1\n';
    const r = encodeLike(undefined, t, true);
    assert.ok('bytes' in r);
    assert.equal(Buffer.from(r.bytes).toString('latin1'), t);
    assert.ok('error' in encodeLike(undefined, '# coding: latin-1\n# 日本\n', true));
    assert.equal(Buffer.from((encodeLike(undefined, '# coding: latin-1\n', false) as { bytes: Uint8Array }).bytes).toString(), '# coding: latin-1\n');
  });
});
