// Pure readers of what a package index serves: PEP 503 HTML and PEP 691 JSON project pages (with PEP 592 yanked
// files and PEP 658/714 metadata markers), core metadata files (RFC 822 style, Requires-Dist repeated), wheel file
// names (PEP 427) and their tags (PEP 425). No I/O: the generator (scripts/metadata/from-index.ts) fetches.
import { parseVersion } from '../pep440';
import type { ReleaseEntry, WheelSummary } from './types';
import { parseRequirement } from '../pep508/requirement';
import { coreMetadataFields } from './core-metadata';

export interface IndexFile {
  filename: string;
  /** Absolute URL of the file (fragment removed). */
  url: string;
  requiresPython?: string;
  /** false, or the reason ('' when none was given). */
  yanked: false | string;
  /** A PEP 658 metadata file exists at `${url}.metadata`. */
  hasMetadata: boolean;
  /** The file's SHA-256 as the index states it (PEP 691 `hashes`, or a PEP 503 link's `#sha256=` fragment), lower case. */
  sha256?: string;
  /** Every digest the index states, algorithm -> lowercase hex (what `--hash` values are compared with). */
  hashes: Record<string, string>;
}

/** A SHA-256 hex digest as an index states it, lower-cased; undefined when it is not one. */
function sha256Of(v: unknown): string | undefined {
  return typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v) ? v.toLowerCase() : undefined;
}

/** PEP 691 `hashes` (algorithm -> hex digest), each checked and lower-cased; anything else is dropped. */
function hashesOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [alg, hex] of Object.entries(v as Record<string, unknown>)) {
    if (typeof hex === 'string' && /^[0-9a-f]+$/i.test(hex) && /^[a-z0-9]+$/i.test(alg)) out[alg.toLowerCase()] = hex.toLowerCase();
  }
  return out;
}

/** The file's entry with its digests: `sha256` is the checked SHA-256 among them. */
function withHashes(hashes: Record<string, string>): Pick<IndexFile, 'hashes' | 'sha256'> {
  const sha256 = sha256Of(hashes.sha256);
  return sha256 ? { hashes, sha256 } : { hashes };
}

const MAX_PAGE = 64 << 20;

/** PEP 691 JSON project page. */
export function parseJsonPage(text: string, base: string): IndexFile[] {
  if (text.length > MAX_PAGE) return [];
  let json: { files?: unknown };
  try { json = JSON.parse(text) as { files?: unknown }; } catch { return []; }
  if (!Array.isArray(json.files)) return [];
  const out: IndexFile[] = [];
  for (const f of json.files as Record<string, unknown>[]) {
    if (!f || typeof f.filename !== 'string' || typeof f.url !== 'string') continue;
    const meta = f['core-metadata'] ?? f['dist-info-metadata'] ?? f['data-dist-info-metadata'];
    out.push({
      filename: f.filename,
      url: resolveUrl(f.url, base),
      ...(typeof f['requires-python'] === 'string' ? { requiresPython: f['requires-python'] } : {}),
      yanked: f.yanked === true ? '' : typeof f.yanked === 'string' ? f.yanked : false,
      hasMetadata: !!meta && meta !== false,
      ...withHashes(hashesOf(f.hashes)),
    });
  }
  return out;
}

function unescapeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos|#39);/gi, (whole, e: string) => {
    const l = e.toLowerCase();
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'amp') return '&';
    if (l === 'quot') return '"';
    if (l === 'apos' || l === '#39') return "'";
    const code = l.startsWith('#x') ? parseInt(l.slice(2), 16) : parseInt(l.slice(1), 10);
    return Number.isFinite(code) && code < 0x110000 ? String.fromCodePoint(code) : whole;
  });
}

/** PEP 503 HTML project page: one anchor per file, attributes per PEP 503/592/658/714. */
export function parseHtmlPage(text: string, base: string): IndexFile[] {
  if (text.length > MAX_PAGE) return [];
  const out: IndexFile[] = [];
  const baseTag = /<base\s[^>]*href\s*=\s*["']([^"']+)["']/i.exec(text);
  const pageBase = baseTag ? resolveUrl(unescapeHtml(baseTag[1]), base) : base;
  const anchor = /<a\s([^>]*)>([^<]*)<\/a\s*>/gi;
  let m: RegExpExecArray | null;
  while ((m = anchor.exec(text))) {
    const attrs = new Map<string, string | true>();
    const attr = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
    let a: RegExpExecArray | null;
    while ((a = attr.exec(m[1]))) attrs.set(a[1].toLowerCase(), a[2] ?? a[3] ?? a[4] ?? true);
    const href = attrs.get('href');
    if (typeof href !== 'string') continue;
    const url = resolveUrl(unescapeHtml(href), pageBase);
    const fragment = /#([a-z0-9]+)=([0-9a-f]+)$/i.exec(unescapeHtml(href));
    const filename = lastSegment(url) || unescapeHtml(m[2]).trim();
    const rp = attrs.get('data-requires-python');
    const y = attrs.get('data-yanked');
    const meta = attrs.get('data-core-metadata') ?? attrs.get('data-dist-info-metadata');
    out.push({
      filename, url,
      ...(typeof rp === 'string' ? { requiresPython: unescapeHtml(rp) } : {}),
      yanked: y === undefined ? false : y === true ? '' : unescapeHtml(y),
      hasMetadata: meta !== undefined && meta !== 'false',
      ...withHashes(hashesOf(fragment ? { [fragment[1]]: fragment[2] } : undefined)),
    });
  }
  return out;
}

/** The file name at the end of a URL; '' when the URL or its escapes do not parse (an index's page is untrusted input). */
function lastSegment(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

function resolveUrl(href: string, base: string): string {
  try {
    const u = new URL(href, base);
    u.hash = '';
    return u.toString();
  } catch {
    return href;
  }
}

export interface CoreMetadata {
  name?: string;
  version?: string;
  requiresPython?: string;
  requiresDist: string[];
  providesExtra: string[];
}

/** Core metadata (METADATA / PKG-INFO): the fields a release's entry keeps (headers read by ./core-metadata.ts). */
export function parseCoreMetadata(text: string): CoreMetadata {
  const fields = coreMetadataFields(text);
  const name = fields.get('name')?.[0];
  const version = fields.get('version')?.[0];
  const requiresPython = fields.get('requires-python')?.[0];
  return {
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(requiresPython !== undefined ? { requiresPython } : {}),
    requiresDist: fields.get('requires-dist') ?? [],
    providesExtra: fields.get('provides-extra') ?? [],
  };
}

export interface DistFile {
  /** The version as in the file name, local label included. */
  version: string;
  /** The public version (no local label). */
  publicVersion: string;
  /** The local label (cu121), if any. */
  local?: string;
  wheel?: { python: string[]; abi: string[]; platform: string[] };
}

/** `name-version(-build)?-python-abi-platform.whl` (PEP 427) or an sdist (`name-version.tar.gz` / `.zip`). */
export function parseDistFilename(filename: string, project: string): DistFile | undefined {
  const norm = (s: string) => s.replace(/[-_.]+/g, '-').toLowerCase();
  const w = /^(.+?)-([^-]+)(?:-\d[^-]*)?-([^-]+)-([^-]+)-([^-]+)\.whl$/i.exec(filename);
  let version: string | undefined;
  let wheel: DistFile['wheel'];
  if (w) {
    if (norm(w[1]) !== norm(project)) return undefined;
    version = w[2];
    wheel = { python: w[3].split('.'), abi: w[4].split('.'), platform: w[5].split('.') };
  } else {
    const s = /^(.+)-([^-]+)\.(?:tar\.gz|zip|tar\.bz2|tgz)$/i.exec(filename);
    if (!s || norm(s[1]) !== norm(project)) return undefined;
    version = s[2];
  }
  const v = parseVersion(version.replace(/_/g, '-'));
  if (!v) return undefined;
  const text = v.toString();
  const plus = text.indexOf('+');
  return { version: text, publicVersion: plus < 0 ? text : text.slice(0, plus), ...(plus < 0 ? {} : { local: text.slice(plus + 1) }), ...(wheel ? { wheel } : {}) };
}

/** The wheels of one release summarised: CPython minors, abi3, pure, platform tags. undefined without wheels. */
export function summarizeWheels(files: DistFile[]): WheelSummary | undefined {
  const wheels = files.filter((f) => f.wheel);
  if (!wheels.length) return undefined;
  const python = new Set<string>();
  const platforms = new Set<string>();
  let abi3 = false;
  let pure = false;
  for (const f of wheels) {
    const { python: py, abi, platform } = f.wheel!;
    if (abi.includes('abi3')) abi3 = true;
    if (platform.includes('any') && abi.includes('none') && py.some((p) => /^py3/.test(p) || p === 'py2.py3')) pure = true;
    for (const p of py) {
      const m = /^cp(\d)(\d+)$/.exec(p);
      if (m && m[1] === '3') python.add(`3.${m[2]}`);
    }
    for (const p of platform) if (p !== 'any') platforms.add(p);
  }
  const minors = [...python].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  return { python: minors, abi3, pure, platforms: [...platforms].sort() };
}

/** Extras that say nothing about installing the package: dropped from `requires_dist` (docs/metadata.md). The one
 *  rule of both generators (from an index, from source at tags), so that they write the same lines for a release. */
export const DROPPED_EXTRAS = /^(tests?|testing|dev|develop|docs?|documentation|quality|lint|style|typing)$/;

/** Whether the snapshot drops an extra (`extra` as written; PEP 685 normalized here). */
export function isDroppedExtra(extra: string): boolean {
  return DROPPED_EXTRAS.test(extra.replace(/[-_.]+/g, '-').toLowerCase());
}

/** Requires-Dist lines without the test, dev and docs extras. */
export function keptRequirements(lines: readonly string[]): string[] {
  return lines.filter((l) => {
    const m = /extra\s*==\s*["']([^"']+)["']/.exec(l);
    return !m || !isDroppedExtra(m[1]);
  });
}

/** A release entry read from an index (a `.metadata` file, a wheel's METADATA, the JSON API) whose Requires-Dist holds
 *  lines PEP 508 rejects (`torch (>=1.9.*)`): those are its `requires_dist_invalid`, which pip 24.1 and later ignore the
 *  release for, and the rest a partial Requires-Dist (the resolver skips a line it cannot read). */
export function withInvalidRequires(entry: ReleaseEntry): ReleaseEntry {
  const invalid = entry.requires_dist?.filter((line) => !parseRequirement(line).ok) ?? [];
  if (!invalid.length) return entry;
  return { ...entry, requires_dist: entry.requires_dist!.filter((line) => !invalid.includes(line)), requires_dist_partial: true, requires_dist_invalid: invalid };
}
