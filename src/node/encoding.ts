// Writes text back the way the file was stored: its byte order mark, UTF-16/32, or the single-byte encoding a
// `# -*- coding: latin-1 -*-` comment names (pip reads requirement files that way, and so do we).
import { decodeRequirementsBytes } from '../core/formats/requirements';

type Encoded = { bytes: Uint8Array } | { error: string };

const starts = (b: Uint8Array, p: number[]) => p.every((x, i) => b[i] === x);

function utf16(text: string, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < text.length; i++) view.setUint16(2 + i * 2, text.charCodeAt(i), littleEndian);
  return out;
}

function utf32(text: string, littleEndian: boolean): Uint8Array {
  const points = [...text].map((c) => c.codePointAt(0)!);
  const out = new Uint8Array(4 + points.length * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xfeff, littleEndian);
  points.forEach((p, i) => view.setUint32(4 + i * 4, p, littleEndian));
  return out;
}

/** The encoding a PEP 263 comment in the first two lines names, as pip finds it. */
function codingOf(text: string): string | undefined {
  const lines = text.split(/\r\n|\r|\n/, 2);
  for (const line of lines) {
    const m = /coding[:=][ \t\f\v]*([-\w.]+)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

/** Bytes of `text` in a single-byte encoding, learned by decoding each byte the way the reader does. */
function singleByte(text: string, encoding: string): Encoded {
  const header = new TextEncoder().encode(`# coding: ${encoding}\n`);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const bytes = new Uint8Array(header.length + 1);
    bytes.set(header);
    bytes[header.length] = b;
    const decoded = decodeRequirementsBytes(bytes);
    if (!('text' in decoded)) continue;
    const ch = decoded.text.slice(header.length);
    if (ch.length === 1 && !table.has(ch)) table.set(ch, b);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = table.get(text[i]);
    if (b === undefined) return { error: `it is stored as ${encoding}, which cannot hold "${text[i]}"` };
    out[i] = b;
  }
  return { bytes: out };
}

/**
 * `text` encoded as `original` was: UTF-8 with or without a BOM, UTF-16/32 with their BOM, or the encoding of a
 * coding comment. An error when the text cannot be stored that way (the caller then leaves the file alone).
 */
export function encodeLike(original: Uint8Array | undefined, text: string, isRequirements: boolean): Encoded {
  const utf8 = (bom: boolean): Encoded => {
    const body = new TextEncoder().encode(text);
    if (!bom) return { bytes: body };
    const out = new Uint8Array(body.length + 3);
    out.set([0xef, 0xbb, 0xbf]);
    out.set(body, 3);
    return { bytes: out };
  };
  if (original) {
    if (starts(original, [0xef, 0xbb, 0xbf])) return utf8(true);
    if (starts(original, [0xff, 0xfe, 0, 0])) return { bytes: utf32(text, true) };
    if (starts(original, [0, 0, 0xfe, 0xff])) return { bytes: utf32(text, false) };
    if (starts(original, [0xff, 0xfe])) return { bytes: utf16(text, true) };
    if (starts(original, [0xfe, 0xff])) return { bytes: utf16(text, false) };
  }
  const coding = isRequirements ? codingOf(text) : undefined;
  if (!coding || /^(utf[-_]?8|u8)(?:[-_]sig)?$/i.test(coding)) return utf8(false);
  const encoded = singleByte(text, coding);
  if ('error' in encoded) return encoded;
  // Only what reads back as the same text is written.
  const back = decodeRequirementsBytes(encoded.bytes);
  return 'text' in back && back.text === text ? encoded : { error: `it is stored as ${coding}, which this text does not read back from` };
}
