// Reading a zip archive on disk (a wheel, a .vsix): its central directory is read from the end of the file, and only
// the entries asked for are read and inflated. Bounded: a directory or entry above the caller's limits, or anything
// malformed, gives undefined rather than an exception.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** One central-directory entry. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; others are not read. */
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export interface ZipReader {
  /** The entries in directory order; ends early at a malformed entry. */
  entries(): Generator<ZipEntry>;
  /** An entry's bytes; undefined when either of its sizes is over `maxBytes`, its method is unknown, or it is malformed. */
  read(entry: ZipEntry, maxBytes: number): Buffer | undefined;
}

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

/** Opens the archive at `path` for `use`; undefined when it is not a zip, its directory is over `maxDirectoryBytes`, or anything throws. */
export function withZip<T>(path: string, maxDirectoryBytes: number, use: (zip: ZipReader) => T): T | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const file = fd;
    const size = fstatSync(file).size;
    const tailLength = Math.min(size, 65_557);
    const tail = readAt(file, size - tailLength, tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0 || eocd + 22 > tail.length) return undefined;
    const count = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (dirSize > maxDirectoryBytes || dirOffset + dirSize > size) return undefined;
    const dir = readAt(file, dirOffset, dirSize);
    return use({
      *entries() {
        let at = 0;
        for (let i = 0; i < count && at + 46 <= dir.length; i++) {
          if (dir.readUInt32LE(at) !== 0x02014b50) return;
          const nameLength = dir.readUInt16LE(at + 28);
          const entry: ZipEntry = {
            name: dir.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
            method: dir.readUInt16LE(at + 10),
            compressedSize: dir.readUInt32LE(at + 20),
            size: dir.readUInt32LE(at + 24),
            localOffset: dir.readUInt32LE(at + 42),
          };
          at += 46 + nameLength + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
          yield entry;
        }
      },
      read(entry, maxBytes) {
        if (entry.compressedSize > maxBytes || entry.size > maxBytes || entry.localOffset + 30 > size) return undefined;
        const header = readAt(file, entry.localOffset, 30);
        if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) return undefined;
        const data = readAt(file, entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), entry.compressedSize);
        if (entry.method === 0) return data;
        // zlib is required on first use, not when the CLI starts (few checks read a wheel); a require, not import(),
        // so the CLI bundle keeps its code cache (src/cli/bin.ts).
        if (entry.method === 8) return (require('node:zlib') as typeof import('node:zlib')).inflateRawSync(data, { maxOutputLength: maxBytes });
        return undefined;
      },
    });
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
