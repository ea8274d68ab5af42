// The formats' file patterns as editors take them. Kept apart from the formats themselves so that the extension can
// use the patterns without carrying a parser: the build (scripts/build.mjs) evaluates them from formats/index.ts.

/** The globs of the formats, each once, in list order. */
export function manifestGlobs(formats: readonly { globs: string[] }[]): string[] {
  return [...new Set(formats.flatMap((f) => f.globs))];
}

/** `workspaceContains:` activation events for the formats that mark a Python project. */
export function activationEvents(formats: readonly { activation?: string[] }[]): string[] {
  return [...new Set(formats.flatMap((f) => f.activation ?? []))].map((g) => `workspaceContains:${g}`);
}

/** The globs as one pattern with braces (VS Code's findFiles takes one). */
export function braceGlob(globs: readonly string[]): string {
  return `**/{${globs.map((g) => g.replace(/^\*\*\//, '')).join(',')}}`;
}
