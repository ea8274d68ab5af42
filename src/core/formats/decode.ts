// Bytes to text for every format: UTF-8 (a BOM is dropped, as VS Code does) or UTF-16 with a BOM; NUL bytes mean
// binary content. A format with rules of its own (pip's coding comments) brings its `decode`.
import { LineIndex } from '../text';
import type { Finding } from '../types';
import { syntaxFinding } from './requirement';

export function unreadable(message: string): { finding: Finding } {
  const zero = new LineIndex('').range(0, 0);
  return { finding: syntaxFinding('unreadable-file', message, zero, 'error') };
}

export const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** Offset of the first byte that breaks UTF-8, or -1 when the bytes are valid UTF-8. */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** UTF-8 (a BOM is dropped, as VS Code does) or UTF-16 with a BOM; NUL bytes mean binary content. */
export function decodeText(bytes: Uint8Array): { text: string } | { finding: Finding } {
  if (startsWith(bytes, [0xff, 0xfe, 0, 0]) || startsWith(bytes, [0, 0, 0xfe, 0xff])) {
    return unreadable('Cannot read this file: it is encoded in UTF-32, which this file type does not support. Save it as UTF-8.');
  }
  for (const [bom, encoding] of [[[0xff, 0xfe], 'utf-16le'], [[0xfe, 0xff], 'utf-16be']] as const) {
    if (!startsWith(bytes, [...bom])) continue;
    try {
      return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(2)) };
    } catch {
      return unreadable(`Cannot read this file: it starts with a ${encoding.toUpperCase()} byte order mark but is not valid ${encoding.toUpperCase()}.`);
    }
  }
  const body = startsWith(bytes, UTF8_BOM) ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul !== -1) return unreadable(`Cannot read this file: it contains NUL bytes (the first at byte ${nul + bytes.length - body.length}), so it looks like binary data, not text.`);
  const bad = invalidUtf8Offset(body);
  if (bad !== -1) {
    const at = bad + bytes.length - body.length;
    return unreadable(`Cannot read this file: it is not valid UTF-8 (byte ${hex(bytes[at])} at offset ${at}). Save it as UTF-8.`);
  }
  return { text: new TextDecoder('utf-8').decode(body) };
}
