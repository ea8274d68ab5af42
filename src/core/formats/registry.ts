// Which format reads which file, and how a file's bytes become text. Detection goes by the file name only, so the
// CLI, folder discovery, the language server and the extension agree without reading anything. The formats come
// from formats/index.ts, in the order they are asked.

import { lineIndexFor } from '../text';
import type { Finding, ParsedManifest, Requirement } from '../types';
import { decodeText } from './decode';
import type { ManifestFormat, ScopeTraits } from './types';

function pathParts(path: string): string[] {
  return path.split(/[\\/]/).filter((p) => p !== '');
}

export interface FormatRegistry {
  /** The manifest kind a path names (its format's `kind`), or undefined when no format reads that name. */
  detectManifestKind(path: string): string | undefined;
  /** The format that reads a path: by name, else (a file given by name) by extension, else pip requirements. */
  formatFor(path: string): ManifestFormat;
  /** The format of a parsed manifest. */
  formatOf(manifest: { kind: string }): ManifestFormat;
  /** A file given by name that does not look like a manifest is read by what its extension says it is. */
  kindByExtension(path: string): string;
  /** Parses a manifest with the format its name calls for; unknown names are read as pip requirement files. */
  parseManifest(path: string, text: string): ParsedManifest;
  /** A manifest's bytes as text, or an `unreadable-file` finding (error, at 0:0). */
  decodeManifest(path: string, bytes: Uint8Array): { text: string } | { finding: Finding };
  /** Whether the file's bytes are read with its format's own decoding (pip's BOMs and coding comments). */
  hasOwnEncoding(path: string): boolean;
  /** What the format of the file at `path` (else the format that owns the scope kind) knows of a requirement's scope. */
  scopeTraits(path: string, requirement: Requirement): ScopeTraits;
}

/** The registry over a list of formats; the last one that names no file pattern of its own is the fallback. */
export function formatRegistry(formats: readonly ManifestFormat[], fallbackKind: string): FormatRegistry {
  const byKind = new Map(formats.map((f) => [f.kind, f]));
  const fallback = byKind.get(fallbackKind)!;
  const traits = new Map<string, ScopeTraits>();
  for (const f of formats) for (const [kind, t] of Object.entries(f.scopes)) if (!traits.has(kind)) traits.set(kind, t);
  const detect = (path: string): ManifestFormat | undefined => {
    const parts = pathParts(path).map((p) => p.toLowerCase());
    const name = parts[parts.length - 1] ?? '';
    return formats.find((f) => f.matches(name, parts));
  };
  const byExtension = (path: string): ManifestFormat => {
    const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
    return formats.find((f) => f.byExtension?.(name)) ?? fallback;
  };
  const formatFor = (path: string) => detect(path) ?? byExtension(path);
  const none: ScopeTraits = {};
  return {
    detectManifestKind: (path) => detect(path)?.kind,
    formatFor,
    formatOf: (manifest) => byKind.get(manifest.kind) ?? fallback,
    kindByExtension: (path) => byExtension(path).kind,
    parseManifest(path, text) {
      const manifest = formatFor(path).parse(path, text);
      trailingCommas(manifest, text);
      return manifest;
    },
    decodeManifest(path, bytes) {
      const format = detect(path) ?? fallback;
      return format.decode ? format.decode(bytes) : decodeText(bytes);
    },
    hasOwnEncoding: (path) => (detect(path) ?? fallback).decode !== undefined,
    scopeTraits: (path, requirement) => formatFor(path).scopes[requirement.scope.kind] ?? traits.get(requirement.scope.kind) ?? none,
  };
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
    if (r.url || !r.specifier || !r.text.includes(',') || !TRAILING_COMMA.test(r.text)) continue;
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
