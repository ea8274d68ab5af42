// Builds small, valid wheels in memory (PEP 427): one module and a <dist>-<version>.dist-info with METADATA, WHEEL
// and a RECORD of sha256 hashes and sizes, as pip verifies them. Pure Node (a stored zip): no Python needed to build.
import { createHash } from 'node:crypto';

export interface WheelSpec {
  name: string;
  version: string;
  requires_dist?: string[];
  requires_python?: string;
  /** Wheel tag, default py3-none-any. */
  tag?: string;
  /** Extra METADATA header lines (`Provides-Extra: torch`). */
  headers?: string[];
}

/** PEP 427 escaping of the name part of a file name. */
export function wheelName(name: string): string {
  return name.replace(/[-_.]+/g, '_');
}

export function wheelFileName(spec: WheelSpec): string {
  return `${wheelName(spec.name)}-${spec.version.replace(/-/g, '_')}-${spec.tag ?? 'py3-none-any'}.whl`;
}

/** The METADATA file (core metadata 2.1, RFC 822 style: one Requires-Dist header per requirement). */
export function coreMetadata(spec: WheelSpec): string {
  const extras = new Set<string>();
  for (const r of spec.requires_dist ?? []) {
    const m = /extra\s*==\s*["']([^"']+)["']/.exec(r);
    if (m) extras.add(m[1]);
  }
  const lines = [
    'Metadata-Version: 2.1',
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    'Summary: A test package',
    ...(spec.requires_python !== undefined && spec.requires_python !== '' ? [`Requires-Python: ${spec.requires_python}`] : []),
    ...[...extras].map((e) => `Provides-Extra: ${e}`),
    ...(spec.requires_dist ?? []).map((r) => `Requires-Dist: ${r}`),
    ...(spec.headers ?? []),
  ];
  return `${lines.join('\n')}\n\nA test package.\n`;
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

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive with stored (uncompressed) entries. */
export function zip(entries: [string, Buffer | string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [path, content] of entries) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const name = Buffer.from(path, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(0, 8);
    local.writeUInt16LE(0, 10); local.writeUInt16LE(0x21, 12); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(name.length, 26); local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(0x0314, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10); central.writeUInt16LE(0, 12); central.writeUInt16LE(0x21, 14); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); central.writeUInt16LE(0, 32); central.writeUInt16LE(0, 34); central.writeUInt16LE(0, 36);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const b64 = (buf: Buffer) => createHash('sha256').update(buf).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A wheel pip installs: `<module>/__init__.py` with `__version__`, and the dist-info. */
export function buildWheel(spec: WheelSpec): { fileName: string; data: Buffer; metadata: string } {
  const module = wheelName(spec.name).toLowerCase();
  const distInfo = `${wheelName(spec.name)}-${spec.version.replace(/-/g, '_')}.dist-info`;
  const metadata = coreMetadata(spec);
  const files: [string, string][] = [
    [`${module}/__init__.py`, `__version__ = ${JSON.stringify(spec.version)}\n`],
    [`${distInfo}/METADATA`, metadata],
    [`${distInfo}/WHEEL`, `Wheel-Version: 1.0\nGenerator: ml-pins-tests\nRoot-Is-Purelib: true\nTag: ${spec.tag ?? 'py3-none-any'}\n`],
  ];
  const record = [...files.map(([p, c]) => `${p},sha256=${b64(Buffer.from(c))},${Buffer.byteLength(c)}`), `${distInfo}/RECORD,,`].join('\n') + '\n';
  return { fileName: wheelFileName(spec), data: zip([...files, [`${distInfo}/RECORD`, record]]), metadata };
}
