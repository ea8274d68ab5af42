// What a manifest format is: one module per kind of file (src/core/formats/<kind>/), listed in formats/index.ts. The
// engine asks the format, never the kind's name: how a file is recognized and read, which environments it defines,
// which installer reads it, how its pins are compared with other files', and how its requirements are edited.
import type { Finding, Fix, PackageIndex, ParsedManifest, Range, Requirement, TextEdit } from '../types';

/** A requirement placed in an environment, with the manifest that holds it. */
export interface PinnedRequirement {
  requirement: Requirement;
  /** The manifest that holds it. */
  path: string;
  /** Constraint-only (`-c` files, uv constraint-dependencies): narrows, but does not install. */
  constraintOnly: boolean;
}

export type InstallerName = 'pip' | 'uv' | 'poetry' | 'pdm' | 'pipenv' | 'conda' | 'pixi';

export interface Installer {
  name: InstallerName;
  /** Why: `uv.lock beside it`, `[tool.poetry]`, `a setuptools project, installed with pip`, `pip install line`. */
  evidence: string;
}

/** One environment a manifest defines: the requirements installed together, before the engine evaluates them. */
export interface EnvironmentSpec {
  /** e.g. `pyproject.toml [project] dependencies`, `requirements.txt`, `server-setup.sh: pip install (line 9)`. */
  label: string;
  pins: PinnedRequirement[];
  /** The indexes it reads; the manifest's own when unset. */
  indexes?: PackageIndex[];
  /** What it adds on top of the base dependencies (`extra "dev"`), named in its findings' messages. */
  addition?: string;
  /** Index options written for it that pip never reads, with the option that drops each (pip's order of reading). */
  droppedIndexes?: DroppedIndex[];
}

/** An index option where it is written. */
export interface PlacedIndex { index: PackageIndex; path: string }

/** An index option pip never reads: a later --index-url replaced it, or --no-index turned it off. */
export interface DroppedIndex { dropped: PlacedIndex; by: PlacedIndex }

/** What a format's `environments` is given besides the manifest. */
export interface EnvironmentContext {
  /** The manifest's file name (`requirements.txt`), for labels. */
  name: string;
  /** The manifest's requirements of one scope kind, in document order. */
  ofKind(kind: Requirement['scope']['kind']): Requirement[];
  pin(requirement: Requirement, constraintOnly?: boolean, path?: string): PinnedRequirement;
  /** requirement-file path -> the manifests read through -r / -c from it, root first. */
  includeTrees?: ReadonlyMap<string, ParsedManifest[]>;
  /** A file a command's `pip install -r/-c` names -> its manifests (the file and what it includes). */
  includedFiles?: ReadonlyMap<string, ParsedManifest[]>;
}

/**
 * How a format's pins take part in the comparison across files (`inconsistent-pins`):
 * - `metadata`: the package's own metadata (pyproject.toml, setup.cfg, Pipfile, setup.py); compared with files in its
 *   folder, and with `installer` files anywhere below it;
 * - `installer`: a file that installs into an environment of its own (scripts, Dockerfiles, conda environments);
 * - `plain`: compared only through includes, or when it sits beside a metadata file.
 */
export type CrossFileRole = 'metadata' | 'installer' | 'plain';

/** What an index fix is given: the pin that needs the index, where it is written, and the index itself. */
export interface IndexFixContext {
  pin: PinnedRequirement;
  /** The manifest that holds the pin, and its text. */
  manifest: ParsedManifest;
  text: string;
  /** Who installs the pin's environment. */
  installer: Installer;
  /** The index that serves the build (https://download.pytorch.org/whl/rocm5.7) and its label (rocm5.7). */
  url: string;
  label: string;
}

/** What a format knows of the requirements it writes in one scope kind (`project`, `pip-install`, `pipfile-dev`...). */
export interface ScopeTraits {
  /** Compared with other files' pins of the same package (inconsistent-pins). */
  crossFile?: boolean;
  /** Written as a table entry (`torch = "*"`): a bare name has no specifier range to narrow in place. */
  tableEntry?: boolean;
  /** Read by `pip install .` from a pyproject: pip reads no index from the file itself. */
  projectMetadata?: boolean;
  /** conda's own spec (`pytorch=2.1`): pip's rules and indexes do not apply. */
  notPip?: boolean;
  /** A new PEP 440 specifier in the way the old one was written (Poetry's `^2.1`, a Pipfile's bare `"2.1"`). */
  restyle?(requirement: Requirement, written: string, newSpecifier: string): string | undefined;
  /** Text that must be quoted where the requirement sits (a shell word: `torch>=2` would be a redirection). */
  quoteSpecifier?(requirement: Requirement, newSpecifier: string, text: string): { range: Range; newText: string } | undefined;
  /** Edits that add `newRequirement` (PEP 508 text) right after `anchor`, in its style; undefined when they cannot. */
  insertAfter?(manifest: ParsedManifest, text: string, anchor: Requirement, newRequirement: string): TextEdit[] | undefined;
  /** How to give this pin's installer an index, as preferred fixes. */
  indexFixes?(c: IndexFixContext): Fix[];
}

export interface ManifestFormat {
  /** The manifest kind it reads (`ParsedManifest.kind`): `requirements`, `pyproject`, `pixi`... */
  kind: string;
  /** Whether a file of this name (lowercased `name`, and the lowercased path parts) is one this format reads. */
  matches(name: string, parts: string[]): boolean;
  /** A file named on the command line that no format matches is read by the first format whose extension fits. */
  byExtension?(name: string): boolean;
  /** Glob patterns (relative, may contain `**`) the editor watches and selects for this format. */
  globs: string[];
  /** `workspaceContains:` activation globs: the files whose presence makes a folder a Python project. */
  activation?: string[];
  /**
   * The names it reads as a regular expression over the end of a path (after `/` or at its start, case-insensitive),
   * in the syntax JavaScript and Python share: the pre-commit hook's `files` is made of these (patterns.ts).
   */
  pathPattern: string;
  /** How the CLI's usage names the files it reads: `pyproject.toml`, `requirement files`. */
  label: string;
  parse(path: string, text: string): ParsedManifest;
  /** Bytes to text when the format has its own rules (pip's coding comments); UTF-8 or UTF-16 with a BOM otherwise. */
  decode?(bytes: Uint8Array): { text: string } | { finding: Finding };
  /** The environments the manifest defines (each installs together). */
  environments(manifest: ParsedManifest, ctx: EnvironmentContext): EnvironmentSpec[];
  /** The installer of its environments; `lockFiles` are the lock files that exist among `lockFileCandidates`. */
  installer(manifest: ParsedManifest, lockFiles: ReadonlySet<string>): Installer;
  /** Paths whose existence decides the installer (uv.lock beside a pyproject). */
  lockFileCandidates?(manifest: ParsedManifest): string[];
  /**
   * Includes: `tree` when the file's own -r/-c lines are followed (pip requirement files); `commands` when its
   * `pip install -r` commands name requirement files whose pins join the command's environment.
   */
  includes?: 'tree' | 'commands';
  /** Its role in the comparison of pins across files; `setup.py` is the Python format's metadata file. */
  crossFileRole(path: string): CrossFileRole;
  /** Traits of the scope kinds its requirements carry. */
  scopes: Record<string, ScopeTraits>;
  /** The edit that adds an index to a `pip install .` of a project this manifest installs (`-e .`, a script). */
  projectInstallIndexEdit?(manifest: ParsedManifest, text: string, install: { range: Range; block?: number }, url: string): TextEdit | undefined;
}
