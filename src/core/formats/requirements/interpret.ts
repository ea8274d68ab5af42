// Interpreting a requirement (pip's parse_req_from_line / parse_editable, without touching the file system): URLs,
// VCS links, #egg= fragments, wheel and archive names, local paths, PEP 508.

import { parseVersion } from '../../pep440';
import { parseMarker, parseRequirement, type ParsedRequirement, type Span } from '../../pep508';
import { LineIndex, normalizeName } from '../../text';
import { clip } from '../../redact';
import type { Range, Requirement, RequirementScope } from '../../types';
import { requirementErrorMessage, requirementFromParsed, valueRange, type ValueToDoc } from '../requirement';
import type { UnnamedRequirement } from './parse';

const VCS_SCHEMES = [
  'git+http', 'git+https', 'git+ssh', 'git+git', 'git+file',
  'hg+file', 'hg+http', 'hg+https', 'hg+ssh', 'hg+static-http',
  'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file',
  'bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file',
];
const URL_SCHEMES = ['http', 'https', 'file', 'ftp', ...VCS_SCHEMES];
const VCS_NAMES = ['git', 'hg', 'svn', 'bzr'];
const ARCHIVE_EXTENSIONS = ['.zip', '.whl', '.tar.bz2', '.tbz', '.tar.gz', '.tgz', '.tar', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma'];

/** urllib.parse.urlsplit's scheme, lowercased ('' when none). */
function urlScheme(text: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(text);
  return m ? m[1].toLowerCase() : '';
}

export const isUrl = (text: string): boolean => URL_SCHEMES.includes(urlScheme(text));

/** pip's _looks_like_path; backslashes count too, so Windows-style paths are not mistaken for bad names. */
const looksLikePath = (text: string): boolean => text.includes('/') || text.includes('\\') || text.startsWith('.');

export function isArchive(path: string): boolean {
  return hasArchiveExtension(path.toLowerCase().replace(/[?#].*$/, ''));
}

/** The last characters of the archive extensions: a path ending in anything else has none of them (a quick no). */
const ARCHIVE_LAST_CHARS = new Set(ARCHIVE_EXTENSIONS.map((ext) => ext[ext.length - 1]));

export const hasArchiveExtension = (lowerPath: string): boolean =>
  ARCHIVE_LAST_CHARS.has(lowerPath[lowerPath.length - 1]) && ARCHIVE_EXTENSIONS.some((ext) => lowerPath.endsWith(ext));

/** Where pip's strip_extras regex `^(.+)(\[[^\]]+\])$` (dot matching newlines) splits `text`, found without it: the
 *  regex backtracks over every `[` and takes quadratic time on a line of thousands of them. The greedy `(.+)` ends at
 *  the last `[` that leaves at least one character before the final `]` and no `]` between. */
export function trailingExtrasStart(text: string): number | undefined {
  const end = text.length - 1;
  if (end < 2 || text[end] !== ']') return undefined;
  const open = text.lastIndexOf('[', end - 2);
  if (open < 1 || text.indexOf(']', open) !== end) return undefined;
  return open;
}

/** pip's strip_extras: `path[extra1,extra2]`. */
function stripExtras(text: string): { path: string; extras: string[]; extrasStart?: number } {
  const open = trailingExtrasStart(text);
  if (open === undefined) return { path: text, extras: [] };
  const parsed = parseRequirement(`placeholder${text.slice(open).toLowerCase()}`);
  const extras = parsed.ok ? parsed.value.extras : [];
  return { path: text.slice(0, open).trimEnd(), extras, extrasStart: open };
}

/** The `#egg=name` (or `&egg=`) fragment: its value and where it sits in `url`. */
function eggFragment(url: string): { name: string; start: number } | undefined {
  const m = /[#&]egg=([^&]*)/.exec(url);
  return m ? { name: m[1], start: m.index + 5 } : undefined;
}

const PROJECT_NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** Name and version from a wheel file name (packaging's parse_wheel_filename), with their spans in `url`. */
function wheelFromUrl(url: string): { name: string; nameSpan: Span; version: string; versionSpan: Span } | { error: string } {
  const pathEnd = url.search(/[?#]/) < 0 ? url.length : url.search(/[?#]/);
  const path = url.slice(0, pathEnd).replace(/\/+$/, '');
  const start = path.lastIndexOf('/') + 1;
  const raw = path.slice(start);
  const stem = raw.replace(/\.whl$/i, '');
  const dashes = stem.split('-').length - 1;
  if (dashes !== 4 && dashes !== 5) return { error: `Invalid wheel filename (wrong number of parts): "${clip(raw)}"` };
  const [namePart, versionPart] = stem.split('-');
  const name = safeDecode(namePart);
  const version = parseVersion(safeDecode(versionPart));
  if (!name || name.includes('__') || !/^[\p{L}\p{N}_.]*$/u.test(name)) return { error: `Invalid project name in wheel filename "${clip(raw)}"` };
  if (!version) return { error: `Invalid wheel filename (invalid version): "${clip(raw)}"` };
  const versionStart = start + namePart.length + 1;
  return {
    name, nameSpan: { start, end: start + namePart.length },
    version: version.toString(), versionSpan: { start: versionStart, end: versionStart + versionPart.length },
  };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

type Interpretation =
  | { kind: 'named'; requirement: Requirement }
  | { kind: 'unnamed'; unnamed: UnnamedRequirement }
  | { kind: 'error'; message: string };

export interface LineContext {
  index: LineIndex;
  scope: RequirementScope;
  /** The fast path's requirements of the file's last read, to take again for lines that are as they were (simple.ts). */
  reuse?: LineReuse;
}

/** A requirement the fast path made, with the logical line it made it from (through its line break, if any). */
export interface MadeLine {
  text: string;
  requirement: Requirement;
}

/** The fast path's lines by the number of the line each starts on: those of the last read, and this read's. */
export interface LineReuse {
  before?: readonly (MadeLine | undefined)[];
  after: (MadeLine | undefined)[];
}

/** A requirement text (already trimmed) with its document mapping. */
export interface ReqText {
  text: string;
  map: ValueToDoc;
}

function rangeOf(req: ReqText, span: Span, ctx: LineContext): Range {
  return valueRange(span, req.map, ctx.index);
}

export function shifted(map: ValueToDoc, by: number): ValueToDoc {
  return (i, bias) => map(i + by, bias);
}

/** A requirement whose name comes from a URL (#egg= or a wheel file name). */
function linkRequirement(
  req: ReqText, url: string, urlStart: number, ctx: LineContext,
  name: { name: string; span: Span; specifier?: string; specifierSpan?: Span },
  marker: string | undefined, extras: string[] = [],
): Requirement {
  const nameSpan = { start: urlStart + name.span.start, end: urlStart + name.span.end };
  const specifierSpan = name.specifierSpan
    ? { start: urlStart + name.specifierSpan.start, end: urlStart + name.specifierSpan.end }
    : { start: nameSpan.end, end: nameSpan.end };
  const requirement: Requirement = {
    name: name.name, normalizedName: normalizeName(name.name), extras, specifier: name.specifier ?? '',
    text: req.text, url,
    range: rangeOf(req, { start: 0, end: req.text.length }, ctx),
    nameRange: rangeOf(req, nameSpan, ctx),
    specifierRange: rangeOf(req, specifierSpan, ctx),
    scope: ctx.scope,
  };
  if (marker) requirement.marker = marker;
  return requirement;
}

/** What a link (URL or archive path) names: a wheel's name and version, an #egg= name, or nothing. */
function interpretLink(req: ReqText, url: string, urlStart: number, ctx: LineContext, marker: string | undefined, editable: boolean): Interpretation {
  const egg = eggFragment(url);
  if (!editable && isArchive(url) && /\.whl$/i.test(url.replace(/[?#].*$/, ''))) {
    const wheel = wheelFromUrl(url);
    if ('error' in wheel) return { kind: 'error', message: wheel.error };
    const name = { name: wheel.name, span: wheel.nameSpan, specifier: `==${wheel.version}`, specifierSpan: wheel.versionSpan };
    return { kind: 'named', requirement: linkRequirement(req, url, urlStart, ctx, name, marker) };
  }
  if (egg) {
    if (!PROJECT_NAME_RE.test(egg.name)) return { kind: 'error', message: `Invalid #egg= fragment "${clip(egg.name)}": it must be a project name` };
    const name = { name: egg.name, span: { start: egg.start, end: egg.start + egg.name.length } };
    return { kind: 'named', requirement: linkRequirement(req, url, urlStart, ctx, name, marker) };
  }
  const kind = isUrl(url) && urlScheme(url) !== 'file' ? 'url' : 'path';
  return { kind: 'unnamed', unnamed: { target: url, kind, editable, range: rangeOf(req, { start: 0, end: req.text.length }, ctx) } };
}

/** pip's parse_req_from_line: split off the marker, then a URL, an archive, a PEP 508 string or a local path. */
export function interpretLine(req: ReqText, ctx: LineContext): Interpretation {
  const sep = isUrl(req.text) ? '; ' : ';';
  const at = req.text.indexOf(sep);
  let marker: string | undefined;
  let head = req.text;
  if (at >= 0) {
    head = req.text.slice(0, at);
    marker = req.text.slice(at + sep.length).trim() || undefined;
    const parsed = marker && parseMarker(marker);
    if (parsed && !parsed.ok) return { kind: 'error', message: `Invalid marker "${clip(marker ?? "")}": ${parsed.error.message}` };
  }
  const name = head.trim();
  const nameStart = head.length - head.trimStart().length;
  if (isUrl(name)) return interpretLink(req, name, nameStart, ctx, marker, false);
  const { path } = stripExtras(name);
  const atParts = name.split('@');
  if (isArchive(path) && !(atParts.length >= 2 && !looksLikePath(atParts[0]))) {
    return interpretLink(req, path, nameStart, ctx, marker, false);
  }
  const parsed = parseRequirement(name);
  if (parsed.ok) return { kind: 'named', requirement: pep508Requirement(req, parsed.value, name, nameStart, marker, ctx) };
  if (looksLikePath(name)) {
    const unnamed: UnnamedRequirement = { target: path, kind: 'path', editable: false, range: rangeOf(req, { start: 0, end: req.text.length }, ctx) };
    return { kind: 'unnamed', unnamed };
  }
  return { kind: 'error', message: requirementErrorMessage(name, parsed.error.message, parsed.error.span) };
}

/** A PEP 508 requirement parsed from `name` (at `nameStart` in the line), with the marker pip split off. */
function pep508Requirement(req: ReqText, parsed: ParsedRequirement, name: string, nameStart: number, marker: string | undefined, ctx: LineContext): Requirement {
  const requirement = requirementFromParsed(parsed, name, shifted(req.map, nameStart), ctx.index, ctx.scope);
  requirement.text = req.text;
  requirement.range = rangeOf(req, { start: 0, end: req.text.length }, ctx);
  if (marker) requirement.marker = marker;
  return requirement;
}

/** pip's parse_editable: `name @ url`, a VCS URL with #egg=, a file: URL or a local project directory. */
export function interpretEditable(req: ReqText, ctx: LineContext): Interpretation {
  const direct = parseRequirement(req.text);
  if (direct.ok && direct.value.url) {
    return { kind: 'named', requirement: requirementFromParsed(direct.value, req.text, req.map, ctx.index, ctx.scope) };
  }
  const { path, extras } = stripExtras(req.text);
  if (path.toLowerCase().startsWith('file:')) {
    const interpreted = interpretLink(req, path, 0, ctx, undefined, true);
    if (interpreted.kind === 'named') interpreted.requirement.extras = extras;
    return interpreted;
  }
  const bareVcs = VCS_NAMES.find((vcs) => req.text.toLowerCase().startsWith(`${vcs}:`));
  const url = bareVcs ? `${bareVcs}+${req.text}` : req.text;
  if (VCS_SCHEMES.includes(urlScheme(url))) {
    const egg = eggFragment(req.text);
    if (!egg) {
      return { kind: 'error', message: `Could not detect requirement name for "${clip(req.text)}", please specify one with your_package_name @ URL` };
    }
    return interpretLink(req, req.text, 0, ctx, undefined, true);
  }
  if (urlScheme(req.text) && urlScheme(req.text).length > 1) {
    return {
      kind: 'error',
      message: `${clip(req.text)} is not a valid editable requirement. It should either be a path to a local project or a VCS URL (beginning with ${VCS_SCHEMES.join(', ')}).`,
    };
  }
  // A local project directory (pip checks that it exists; loadRequirementTree does that when it can).
  const unnamed: UnnamedRequirement = { target: path, kind: 'path', editable: true, range: rangeOf(req, { start: 0, end: req.text.length }, ctx) };
  return { kind: 'unnamed', unnamed };
}
