// The METADATA file of a wheel on disk (a `--find-links` folder): the zip's central directory is read from the end of
// the file, and only the one `<dist>.dist-info/METADATA` entry is inflated. Bounded: archives and entries above the
// limits, or anything malformed, give undefined.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const MAX_METADATA = 4 << 20;
const MAX_DIRECTORY = 16 << 20;

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

export function wheelMetadata(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const tailLength = Math.min(size, 65_557);
    const tail = readAt(fd, size - tailLength, tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) return undefined;
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirSize > MAX_DIRECTORY || dirOffset + dirSize > size) return undefined;
    const dir = readAt(fd, dirOffset, dirSize);
    let at = 0;
    for (let i = 0; i < count && at + 46 <= dir.length; i++) {
      if (dir.readUInt32LE(at) !== 0x02014b50) return undefined;
      const method = dir.readUInt16LE(at + 10);
      const compressed = dir.readUInt32LE(at + 20);
      const uncompressed = dir.readUInt32LE(at + 24);
      const nameLength = dir.readUInt16LE(at + 28);
      const extraLength = dir.readUInt16LE(at + 30);
      const commentLength = dir.readUInt16LE(at + 32);
      const local = dir.readUInt32LE(at + 42);
      const name = dir.subarray(at + 46, at + 46 + nameLength).toString('utf8');
      at += 46 + nameLength + extraLength + commentLength;
      if (!/^[^/]+\.dist-info\/METADATA$/.test(name)) continue;
      if (compressed > MAX_METADATA || uncompressed > MAX_METADATA || local + 30 > size) return undefined;
      const header = readAt(fd, local, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) return undefined;
      const data = readAt(fd, local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), compressed);
      if (method === 0) return data.toString('utf8');
      // zlib is required on first use, not when the CLI starts (few checks read a wheel).
      const { inflateRawSync } = require('node:zlib') as typeof import('node:zlib');
      if (method === 8) return inflateRawSync(data, { maxOutputLength: MAX_METADATA }).toString('utf8');
      return undefined;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
