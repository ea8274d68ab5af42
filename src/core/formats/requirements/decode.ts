// Decoding a requirement file's bytes as pip does (pip's _decode_req_file): a BOM, else a PEP 263 coding comment
// in the first two lines, else UTF-8.

import { clip } from '../../redact';
import type { Finding } from '../../types';
import { hex, invalidUtf8Offset, startsWith, unreadable, UTF8_BOM } from '../decode';

type Decoder = (bytes: Uint8Array) => string;

const BOMS: [number[], Decoder][] = [
  [[0xef, 0xbb, 0xbf], (b) => decodeWith('utf-8', b)],
  [[0xff, 0xfe, 0x00, 0x00], (b) => decodeUtf32(b, true)], // utf-32 with a native (little-endian) BOM
  [[0x00, 0x00, 0xfe, 0xff], (b) => decodeUtf32(b, false)],
  [[0xff, 0xfe], (b) => decodeWith('utf-16le', b)],
  [[0xfe, 0xff], (b) => decodeWith('utf-16be', b)],
];

function decodeWith(label: string, bytes: Uint8Array): string {
  return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
}

function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  if (bytes.length % 4) throw new Error('truncated UTF-32 data');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const code = view.getUint32(i, littleEndian);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Error('invalid UTF-32 code point');
    out += String.fromCodePoint(code);
  }
  return out;
}

/** Python's latin-1 maps every byte to the same code point (TextDecoder's 'latin1' is windows-1252). */
function decodeLatin1(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function decodeAscii(bytes: Uint8Array): string {
  for (const b of bytes) if (b > 0x7f) throw new Error('byte outside ASCII');
  return decodeLatin1(bytes);
}

/** Python codec names (normalized: lowercase, `-`/space to `_`) that TextDecoder spells differently or lacks. */
const PYTHON_CODECS: Record<string, Decoder> = {
  latin_1: decodeLatin1, latin1: decodeLatin1, iso_8859_1: decodeLatin1, iso8859_1: decodeLatin1, '8859': decodeLatin1,
  cp819: decodeLatin1, l1: decodeLatin1, latin: decodeLatin1,
  ascii: decodeAscii, us_ascii: decodeAscii, '646': decodeAscii,
  utf_8: (b) => decodeWith('utf-8', b), utf8: (b) => decodeWith('utf-8', b), u8: (b) => decodeWith('utf-8', b),
  utf_8_sig: (b) => new TextDecoder('utf-8', { fatal: true }).decode(b),
  utf_16: (b) => decodeWith('utf-16le', b), utf_16_le: (b) => decodeWith('utf-16le', b),
  utf_16_be: (b) => decodeWith('utf-16be', b),
  utf_32: (b) => decodeUtf32(b, true), utf_32_le: (b) => decodeUtf32(b, true), utf_32_be: (b) => decodeUtf32(b, false),
};

function decoderFor(encoding: string): Decoder | undefined {
  const key = encoding.toLowerCase().replace(/[- ]/g, '_');
  if (PYTHON_CODECS[key]) return PYTHON_CODECS[key];
  try {
    new TextDecoder(encoding);
    return (b) => decodeWith(encoding, b);
  } catch {
    return undefined;
  }
}

const CODING_RE = /coding[:=][ \t\n\r\f\v]*([-\w.]+)/;

/** pip's auto-decoding of a requirements file: BOM, else a PEP 263 `coding` comment in the first two lines, else UTF-8. */
export function decodeRequirementsBytes(bytes: Uint8Array): { text: string } | { error: string } {
  try {
    for (const [bom, decode] of BOMS) {
      if (bom.every((b, i) => bytes[i] === b)) return { text: decode(bytes.subarray(bom.length)) };
    }
    const encoding = pep263Encoding(bytes);
    if (encoding) {
      const decode = decoderFor(encoding);
      if (!decode) return { error: `Unknown encoding "${clip(encoding)}" in the coding comment` };
      return { text: decode(bytes) };
    }
    return { text: decodeWith('utf-8', bytes) };
  } catch (e) {
    return { error: `Cannot decode the file: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function pep263Encoding(bytes: Uint8Array): string | undefined {
  let start = 0;
  for (let line = 0; line < 2 && start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (bytes[start] === 0x23 /* # */) {
      const m = CODING_RE.exec(decodeLatin1(bytes.subarray(start, end)));
      if (m) return m[1];
    }
    start = end + 1;
  }
  return undefined;
}

/**
 * A requirement file's bytes as text, or an `unreadable-file` finding, the way pip reads them (BOMs, UTF-16/32,
 * PEP 263 comments).
 */
export function decodeRequirementsFile(bytes: Uint8Array): { text: string } | { finding: Finding } {
  // UTF-16/32 text is full of NUL bytes; pip reads it when a BOM says so.
  const wide = startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]) || startsWith(bytes, [0, 0, 0xfe, 0xff]);
  const nul = wide ? -1 : bytes.indexOf(0);
  if (nul !== -1) return unreadable(`Cannot read this file: it contains NUL bytes (the first at byte ${nul}), so it looks like binary data, not text.`);
  const decoded = decodeRequirementsBytes(bytes);
  if ('error' in decoded) {
    const bad = wide || startsWith(bytes, UTF8_BOM) ? -1 : invalidUtf8Offset(bytes);
    const plainUtf8 = bad !== -1 && !/^Unknown encoding/.test(decoded.error);
    if (plainUtf8 && /utf-?8/i.test(decoded.error)) {
      return unreadable(`Cannot read this file: it is not valid UTF-8 (byte ${hex(bytes[bad])} at offset ${bad}) and has no coding comment naming another encoding. Save it as UTF-8.`);
    }
    return unreadable(`Cannot read this file: ${decoded.error.replace(/^Cannot decode the file: /, '')}`);
  }
  return { text: decoded.text.startsWith('\ufeff') ? decoded.text.slice(1) : decoded.text };
}
