// The formats' file patterns as editors, pre-commit and the CLI's usage take them. Kept apart from the formats
// themselves so that the extension can use the patterns without carrying a parser: the build (scripts/build.mjs)
// evaluates them from formats/index.ts, and scripts/gen-package.ts writes package.json's activation events and the
// pre-commit hook's `files` from them.

/** The patterns of a format that reads files of one exact name (`Pipfile`), matched without regard to case. */
export function oneFileName(fileName: string): { matches: (name: string) => boolean; globs: string[]; activation: string[]; pathPattern: string; label: string } {
  const lower = fileName.toLowerCase();
  return {
    matches: (name) => name === lower,
    globs: [`**/${fileName}`],
    activation: [`**/${fileName}`],
    pathPattern: lower.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    label: fileName,
  };
}

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

/** The pre-commit hook's `files`: a Python regular expression matching the paths any of the formats reads. */
export function preCommitFiles(formats: readonly { pathPattern: string }[]): string {
  return `(?i)(^|/)(${formats.map((f) => f.pathPattern).join('|')})$`;
}

/** What a folder is searched for, as the CLI's usage says it: `pyproject.toml, Pipfile, … and requirement files`. */
export function searchedFor(formats: readonly { label: string }[]): string {
  const labels = formats.map((f) => f.label);
  return labels.length < 2 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}
