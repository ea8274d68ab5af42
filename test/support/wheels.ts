// Real wheels for tests (PEP 427): a zip with the package files and a `<name>-<version>.dist-info` holding METADATA,
// WHEEL and a RECORD with sha256 hashes and sizes, as pip verifies when it installs one. Written without dependencies
// (stored zip entries, CRC-32 computed here): no Python needed to build. The one wheel builder of the test suites.
import { createHash } from 'node:crypto';

export interface WheelSpec {
  name: string;
  version: string;
  requires_dist?: string[];
  requires_python?: string;
  /** Provides-Extra; by default every extra that a Requires-Dist marker names. */
  provides_extra?: string[];
  /** Archive path -> contents; default: an empty `<module>/__init__.py`. */
  files?: Record<string, string | Uint8Array>;
  /** Wheel tag; default py3-none-any. */
  tag?: string;
}

export interface BuiltWheel {
  filename: string;
  bytes: Buffer;
  /** The METADATA file, as PEP 658 serves it next to the wheel. */
  metadata: string;
  sha256: string;
  metadataSha256: string;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive of stored (uncompressed) entries, in the given order. */
export function zip(entries: [string, Uint8Array][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosTime = 0; // 00:00:00
  const dosDate = ((2024 - 1980) << 9) | (1 << 5) | 1; // 2024-01-01
  for (const [name, data] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, Buffer.from(data));
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const recordHash = (data: Uint8Array) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

/** PEP 427 file-name escaping of a distribution name. */
export function escapeName(name: string): string {
  return wheelName(name).toLowerCase();
}

/** PEP 427 escaping of the name part of a file name, keeping its case as older tools wrote it. */
export function wheelName(name: string): string {
  return name.replace(/[-_.]+/g, '_');
}

export function extrasNamed(requiresDist: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of requiresDist) for (const m of r.matchAll(/\bextra\s*==\s*["']([^"']+)["']/g)) out.add(m[1]);
  return [...out].sort();
}

export function metadataText(spec: WheelSpec): string {
  const lines = ['Metadata-Version: 2.1', `Name: ${spec.name}`, `Version: ${spec.version}`, `Summary: test distribution ${spec.name}`];
  if (spec.requires_python) lines.push(`Requires-Python: ${spec.requires_python}`);
  for (const e of spec.provides_extra ?? extrasNamed(spec.requires_dist ?? [])) lines.push(`Provides-Extra: ${e}`);
  for (const r of spec.requires_dist ?? []) lines.push(`Requires-Dist: ${r}`);
  return `${lines.join('\n')}\n\n`;
}

export function buildWheel(spec: WheelSpec): BuiltWheel {
  const escaped = escapeName(spec.name);
  const tag = spec.tag ?? 'py3-none-any';
  const distInfo = `${escaped}-${spec.version}.dist-info`;
  const metadata = metadataText(spec);
  const enc = (v: string | Uint8Array) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
  const entries: [string, Uint8Array][] = Object.entries(spec.files ?? { [`${escaped}/__init__.py`]: `__version__ = "${spec.version}"\n` })
    .map(([k, v]) => [k, enc(v)]);
  entries.push([`${distInfo}/METADATA`, enc(metadata)]);
  entries.push([`${distInfo}/WHEEL`, enc(`Wheel-Version: 1.0\nGenerator: ml-pins-test\nRoot-Is-Purelib: true\nTag: ${tag}\n`)]);
  const record = entries.map(([n, d]) => `${n},${recordHash(d)},${d.length}`);
  record.push(`${distInfo}/RECORD,,`);
  entries.push([`${distInfo}/RECORD`, enc(`${record.join('\n')}\n`)]);
  const bytes = zip(entries);
  return { filename: `${escaped}-${spec.version}-${tag}.whl`, bytes, metadata, sha256: sha256(bytes), metadataSha256: sha256(Buffer.from(metadata, 'utf8')) };
}
