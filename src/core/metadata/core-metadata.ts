// Core metadata (METADATA in a wheel's .dist-info, PKG-INFO in an .egg-info): the email-header format of the
// packaging specification (https://packaging.python.org/specifications/core-metadata/). Only the fields installation
// depends on are kept; the body (the long description) is not read.

export interface CoreMetadata {
  name: string;
  version: string;
  requiresPython?: string;
  /** Every Requires-Dist, as written (PEP 508, markers kept). */
  requiresDist: string[];
}

/** The header fields by lower-case name, each value as written (repeated fields in order). Never throws. */
export function coreMetadataFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let last: string[] | undefined;
  let lastIndex = -1;
  // The headers end at the first empty line; a line starting with white space continues the previous header.
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (const line of lines) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (last && lastIndex >= 0) last[lastIndex] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) { last = undefined; continue; }
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    last = fields.get(key) ?? [];
    fields.set(key, last);
    last.push(value);
    lastIndex = last.length - 1;
  }
  return fields;
}

/** Parses the header block; undefined when Name or Version is missing. Never throws. */
export function parseCoreMetadata(text: string): CoreMetadata | undefined {
  const fields = coreMetadataFields(text);
  const name = fields.get('name')?.[0];
  const version = fields.get('version')?.[0];
  if (!name || !version) return undefined;
  const requiresPython = fields.get('requires-python')?.[0];
  return {
    name,
    version,
    ...(requiresPython !== undefined ? { requiresPython } : {}),
    requiresDist: (fields.get('requires-dist') ?? []).filter((r) => r.length > 0),
  };
}
