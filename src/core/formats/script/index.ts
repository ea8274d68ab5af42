// The shell script and Dockerfile format: `pip install` commands, their indexes and -r/-c files.
import type { Fix, ParsedManifest, Range, TextEdit } from '../../types';
import { lineIndexFor } from '../../text';
import { appendArgument } from '../edits';
import type { IndexFixContext, ManifestFormat, ScopeTraits } from '../types';
import { commandEnvironments } from './environments';
import { parseScript } from './parse';

export { commandEnvironments } from './environments';
export { isDockerfilePath, parseScript } from './parse';

/**
 * The end of one command's last argument we know (requirements, -r files, indexes, local projects of that block), so
 * every finding on the command adds the option at the same place, once, after everything else.
 */
export function commandEnd(manifest: ParsedManifest, block: number | undefined, from: Range): Range {
  let end = from;
  const after = (a: Range['end'], b: Range['end']) => a.line > b.line || (a.line === b.line && a.character > b.character);
  if (block === undefined) return end;
  const items: { range: Range; block?: number }[] = [
    ...manifest.requirements.map((r) => ({ range: r.range, block: r.scope.block })), ...manifest.indexes, ...manifest.includes, ...(manifest.localInstalls ?? []),
  ];
  for (const item of items) if (item.block === block && after(item.range.end, end.end)) end = item.range;
  return end;
}

/** `pip install … --extra-index-url URL` on a command line; `pythonList`: one more element pair of a Python list. */
export function commandEdit(manifest: ParsedManifest, text: string, range: Range, url: string, pythonList: boolean): TextEdit | undefined {
  if (pythonList) {
    const edit = appendArgument(manifest.path, text, { range }, '');
    return edit && { ...edit, newText: `, "--extra-index-url", "${url}"` };
  }
  return appendArgument(manifest.path, text, { range }, `--extra-index-url ${url}`);
}

/** The index fix of a `pip install` command: the option added after its last argument. */
export function commandIndexFixes(pythonList: boolean): (c: IndexFixContext) => Fix[] {
  return (c) => {
    const edit = commandEdit(c.manifest, c.text, commandEnd(c.manifest, c.pin.requirement.scope.block, c.pin.requirement.range), c.url, pythonList);
    return edit ? [{ title: `Add --extra-index-url ${c.url} to this pip install`, applicability: 'safe', edits: [edit] }] : [];
  };
}

const NEEDS_SHELL_QUOTES = /[<>|&;()$`\\"'*?\[\]#~=%\s!{}]/;

/** An argument of a `pip install` command (in a script, a Dockerfile, or a command run from Python). */
export const PIP_INSTALL: ScopeTraits = {
  crossFile: true,
  quoteSpecifier(requirement, newSpecifier, text) {
    // In a shell command an unquoted `torch>=2` would be a redirection: the argument is quoted.
    if (!/[<>|&;]/.test(newSpecifier)) return undefined;
    const index = lineIndexFor(text);
    const start = index.offsetAt(requirement.range.start);
    const quote = text[start - 1];
    if (quote === '"' || quote === "'") return undefined;
    const whole = text.slice(start, index.offsetAt(requirement.range.end));
    const spec = text.slice(index.offsetAt(requirement.specifierRange.start), index.offsetAt(requirement.specifierRange.end));
    const before = whole.slice(0, index.offsetAt(requirement.specifierRange.start) - start);
    const after = whole.slice(before.length + spec.length);
    return { range: requirement.range, newText: `"${before}${newSpecifier}${after}"` };
  },
  insertAfter(manifest, text, anchor, newRequirement) {
    const index = lineIndexFor(text);
    const start = index.offsetAt(anchor.range.start);
    const end = index.offsetAt(anchor.range.end);
    const quote = text[start - 1];
    const quoted = quote === '"' || quote === "'";
    const before = text.slice(0, start - (quoted ? 1 : 0)).trimEnd();
    if (quoted && /[,[]$/.test(before)) return [{ path: manifest.path, range: index.range(end + 1, end + 1), newText: `, ${quote}${newRequirement}${quote}` }]; // exec-form JSON / Python list
    const arg = NEEDS_SHELL_QUOTES.test(newRequirement) ? `"${newRequirement}"` : newRequirement;
    const edit = appendArgument(manifest.path, text, anchor, arg);
    return edit ? [edit] : undefined;
  },
  indexFixes: commandIndexFixes(false),
};

/** `*.sh`, `*.bash`, `Dockerfile*`, `Containerfile*`, `*.dockerfile` (not `Dockerfile.md` and other documents). */
const NOT_DOCKERFILE = /\.(?:md|markdown|rst|txt|json|ya?ml|toml|lock|html?|orig|rej|bak|swp|sh|py)$/;

function isDockerfileName(name: string): boolean {
  // `Dockerfile`, `Dockerfile.gpu`, `app.dockerfile`, and prefixed names such as `GPUDockerfile`.
  if (name.endsWith('dockerfile') || name.endsWith('containerfile')) return true;
  return (name.startsWith('dockerfile') || name.startsWith('containerfile')) && !NOT_DOCKERFILE.test(name);
}

export const scriptFormat: ManifestFormat = {
  kind: 'script',
  matches: (name) => name.endsWith('.sh') || name.endsWith('.bash') || isDockerfileName(name),
  byExtension: (name) => name.endsWith('.sh') || name.endsWith('.bash') || name.startsWith('dockerfile'),
  globs: ['**/*.sh', '**/*.bash', '**/*Dockerfile*', '**/*dockerfile*', '**/*Containerfile*', '**/*containerfile*'],
  pathPattern: `[^/]*\\.(sh|bash)|[^/]*(dockerfile|containerfile)|(dockerfile|containerfile)(?![^/]*${NOT_DOCKERFILE.source})[^/]*`,
  label: 'shell scripts, Dockerfiles',
  parse: parseScript,
  environments: (manifest, ctx) => commandEnvironments(manifest, ctx, true),
  installer: () => ({ name: 'pip', evidence: '"pip install" command' }),
  includes: 'commands',
  crossFileRole: () => 'installer',
  scopes: { 'pip-install': PIP_INSTALL },
  projectInstallIndexEdit: (manifest, text, install, url) => commandEdit(manifest, text, commandEnd(manifest, install.block, install.range), url, false),
};
