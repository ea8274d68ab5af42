// Which parser reads which file, and how a file's bytes become text. Detection goes by the file name only, so the
// CLI, folder discovery and the extension agree without reading anything.

import { LineIndex, lineIndexFor } from '../text';
import type { Finding, ManifestKind, ParsedManifest } from '../types';
import { syntaxFinding } from './common';
import { parseCondaEnvironment } from './conda';
import { parsePipfile } from './pipfile';
import { parsePyproject } from './pyproject';
import { parsePythonFile } from './python';
import { decodeRequirementsBytes, parseRequirementsFile } from './requirements';
import { parseScript } from './script';
import { parseSetupCfg } from './setupcfg';

function pathParts(path: string): string[] {
  return path.split(/[\\/]/).filter((p) => p !== '');
}

/** Names after `Dockerfile.`/`Containerfile.` that mark documentation or data, not a Dockerfile variant. */
const NOT_DOCKERFILE = /\.(?:md|markdown|rst|txt|json|ya?ml|toml|lock|html?|orig|rej|bak|swp|sh|py)$/;

function isDockerfileName(name: string): boolean {
  // `Dockerfile`, `Dockerfile.gpu`, `app.dockerfile`, and prefixed names such as `GPUDockerfile`.
  if (name.endsWith('dockerfile') || name.endsWith('containerfile')) return true;
  return (name.startsWith('dockerfile') || name.startsWith('containerfile')) && !NOT_DOCKERFILE.test(name);
}

/**
 * Python files that install or declare dependencies: `setup.py` and any name containing setup, install, requirement,
 * deps or dependencies (`setup_ai_models.py`, `install_gpu.py`, `requirements.py`, `get_deps.py`). Test modules
 * (`test_*.py`, `*_test.py`, `conftest.py`) are left out: their lists are fixtures, not the project's pins.
 */
function isInstallPython(name: string): boolean {
  if (!name.endsWith('.py')) return false;
  if (name.startsWith('test_') || name.endsWith('_test.py') || name === 'conftest.py') return false;
  return /setup|install|requirement|deps|dependencies/.test(name.slice(0, -3));
}

/**
 * The manifest kind a path names, or undefined when the name is not one we read:
 * - requirements: `*requirements*.txt|.in`, `*constraints*.txt|.in`, any `.txt`/`.in` in a `requirements/` folder
 *   (or one level below it);
 * - pyproject: `pyproject.toml`; pipfile: `Pipfile` (any case, not `Pipfile.lock`); setup-cfg: `setup.cfg`;
 * - conda: `environment*.yml|.yaml` (also `gpu_environment.yml`), `conda*.yml|.yaml`;
 * - script: `*.sh`, `*.bash`, `Dockerfile*`, `Containerfile*`, `*.dockerfile`;
 * - python: see isInstallPython.
 */
export function detectManifestKind(path: string): ManifestKind | undefined {
  const parts = pathParts(path).map((p) => p.toLowerCase());
  const name = parts[parts.length - 1] ?? '';
  if (name === 'pyproject.toml') return 'pyproject';
  if (name === 'pipfile') return 'pipfile';
  if (name === 'setup.cfg') return 'setup-cfg';
  if (/^(?:[^/]*[-_.])?environment[^/]*\.ya?ml$/.test(name) || /^conda[^/]*\.ya?ml$/.test(name)) return 'conda';
  if (name.endsWith('.sh') || name.endsWith('.bash') || isDockerfileName(name)) return 'script';
  if (isInstallPython(name)) return 'python';
  if (name.endsWith('.txt') || name.endsWith('.in')) {
    if (/requir(?:e)?ments?|constraints?/.test(name)) return 'requirements'; // requirments_cu118.txt is real
    if (parts.slice(-3, -1).includes('requirements')) return 'requirements';
  }
  return undefined;
}

/** Parses a manifest with the parser its name calls for; unknown names are read as pip requirement files. */
export function parseManifest(path: string, text: string): ParsedManifest {
  const manifest = parseByKind(path, text);
  trailingCommas(manifest, text);
  return manifest;
}

/**
 * `numpy>=1.24,<2.0,`: packaging 22 and later read the trailing comma as nothing, but the packaging 21.x that older
 * pip releases vendor (pip 23.2, for one) rejects the requirement, and with it the whole file. Reported on every
 * manifest kind, with a fix that removes the comma.
 */
const TRAILING_COMMA = /^[^;]*,\s*\)?\s*(?:;|$)/;

function trailingCommas(manifest: ParsedManifest, text: string): void {
  let index: ReturnType<typeof lineIndexFor> | undefined;
  for (const r of manifest.requirements) {
    if (r.url || !r.specifier || !TRAILING_COMMA.test(r.text)) continue;
    index ??= lineIndexFor(text);
    const start = index.offsetAt(r.specifierRange.start);
    const written = text.slice(start, index.offsetAt(r.specifierRange.end));
    const comma = /,(\s*\)?\s*)$/.exec(written);
    if (!comma) continue;
    const at = start + comma.index;
    manifest.findings.push({
      code: 'requirement-trailing-comma', severity: 'warning', packages: [r.normalizedName], range: index.range(at, at + 1),
      message: `The version specifier of ${r.name} ends with a comma: older pip releases (those that vendor packaging 21, such as pip 23.2) reject the line as an invalid requirement, and the whole file with it; newer pip ignores it.`,
      fixes: [{ title: 'Remove the trailing comma', applicability: 'safe', edits: [{ path: manifest.path, range: index.range(at, at + 1), newText: '' }] }],
    });
  }
}

function parseByKind(path: string, text: string): ParsedManifest {
  switch (detectManifestKind(path) ?? kindByExtension(path)) {
    case 'pyproject':
      return parsePyproject(path, text);
    case 'pipfile':
      return parsePipfile(path, text);
    case 'setup-cfg':
      return parseSetupCfg(path, text);
    case 'conda':
      return parseCondaEnvironment(path, text);
    case 'script':
      return parseScript(path, text);
    case 'python':
      return parsePythonFile(path, text);
    case 'requirements':
    default:
      return parseRequirementsFile(path, text);
  }
}

/**
 * A file given by name that does not look like a manifest (`launch.py`, `deps.yaml`) is read by what its extension
 * says it is; anything else as a pip requirements file.
 */
export function kindByExtension(path: string): ManifestKind {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (name.endsWith('.py')) return 'python';
  if (name.endsWith('.toml')) return 'pyproject';
  if (name.endsWith('.yml') || name.endsWith('.yaml')) return 'conda';
  if (name.endsWith('.cfg')) return 'setup-cfg';
  if (name.endsWith('.sh') || name.endsWith('.bash') || name.startsWith('dockerfile')) return 'script';
  return 'requirements';
}

function unreadable(message: string): { finding: Finding } {
  const zero = new LineIndex('').range(0, 0);
  return { finding: syntaxFinding('unreadable-file', message, zero, 'error') };
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
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

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** UTF-8 (a BOM is dropped, as VS Code does) or UTF-16 with a BOM; NUL bytes mean binary content. */
function decodeText(bytes: Uint8Array): { text: string } | { finding: Finding } {
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

/**
 * Turns a manifest's bytes into text, or an `unreadable-file` finding (error, at 0:0) for binary content or text in
 * an encoding we cannot read. Requirement files decode the way pip reads them (BOMs, UTF-16/32, PEP 263 comments).
 */
export function decodeManifest(path: string, bytes: Uint8Array): { text: string } | { finding: Finding } {
  if ((detectManifestKind(path) ?? 'requirements') !== 'requirements') return decodeText(bytes);
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
