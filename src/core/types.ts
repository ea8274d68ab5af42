// The shapes every part of the engine shares. Positions are 0-based line/character in UTF-16 code units,
// exactly as VS Code counts them, so the extension passes them through untouched.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** The kind of a manifest: the `kind` of the format that reads it (src/core/formats/index.ts lists them). */
export type ManifestKind = 'requirements' | 'pyproject' | 'pipfile' | 'script' | 'python' | 'setup-cfg' | 'conda' | (string & {});

export interface TextEdit {
  /** Path of the file to edit, as the manifest's `path`. */
  path: string;
  range: Range;
  newText: string;
}

/**
 * How far a fix can be trusted unseen, graded as linters grade theirs:
 * - `safe`: the fix the finding asks for; `ml-pins fix`, fix-all and fix on save apply it (at most one per finding).
 * - `needs-review`: an alternative that changes what gets installed in a way the user may not want (another build,
 *   another pin's version); `ml-pins fix --unsafe-fixes` applies it where a finding has no safe fix.
 * - `unsafe`: one of several exclusive choices (which of two contradicting pins wins): applied only by hand.
 */
export const APPLICABILITIES = ['safe', 'needs-review', 'unsafe'] as const;
export type Applicability = (typeof APPLICABILITIES)[number];

export interface Fix {
  title: string;
  applicability: Applicability;
  edits: TextEdit[];
  /** A fix for what is installed: after the edit, install these requirements into the selected environment, with
   *  the project's installer (pip, or uv where uv manages it). */
  install?: { requirements: string[]; installer: string };
  /** Offered because of what other pins allow (a rule's `offeredWhen`): `ml-pins fix` and fix-all apply it in a round
   *  of its own, after the others, as a fix applied beside it could change those pins. */
  readsOtherPins?: true;
}

export interface RelatedLocation {
  path: string;
  range: Range;
  message: string;
}

export interface Finding {
  /** Stable code: a parse problem (`toml-syntax`, `requirement-syntax`, ...) or a rule code. */
  code: string;
  severity: Severity;
  message: string;
  /** PEP 503-normalized names of the packages involved. */
  packages: string[];
  range: Range;
  fixes: Fix[];
  related?: RelatedLocation[];
  /** Longer markdown explanation (rules) shown in hovers. */
  explanation?: string;
  /** Evidence: release notes, source at a tag, a maintainer's words. */
  sources?: string[];
  /** Other findings on the same requirement that the same safe fix mends, merged into this one (its message
   *  lists them too): one root cause, one diagnostic. */
  reasons?: { code: string; severity: Severity; message: string }[];
}

/** Where a requirement sits inside its manifest; it decides which environment the requirement belongs to. */
export interface RequirementScope {
  /**
   * - `project`: [project] dependencies; `optional`: [project.optional-dependencies].<name>;
   *   `group`: [dependency-groups].<name>; `build`: [build-system] requires;
   *   `poetry`: [tool.poetry.dependencies]; `poetry-group`: [tool.poetry.group.<name>.dependencies];
   *   `uv-constraint` / `uv-override` / `uv-dev`: [tool.uv] lists;
   *   `requirements`: a requirement line of a pip requirement file; `constraint`: a line of a file read through `-c`;
   *   `pip-install`: an argument of a `pip install` command line in a script or Dockerfile;
   *   `python-list`: a string in a list/tuple of requirement strings in a Python file;
   *   `setup-cfg`: [options] install_requires or [options.extras_require];
   *   `conda`: a conda dependency; `conda-pip`: an entry of its `pip:` list;
   *   `pipfile`: a Pipfile's [packages]; `pipfile-dev`: its [dev-packages].
   */
  kind:
    | 'project'
    | 'optional'
    | 'group'
    | 'build'
    | 'poetry'
    | 'poetry-group'
    | 'uv-constraint'
    | 'uv-override'
    | 'uv-dev'
    | 'requirements'
    | 'constraint'
    | 'pip-install'
    | 'python-list'
    | 'setup-cfg'
    | 'conda'
    | 'conda-pip'
    | 'pipfile'
    | 'pipfile-dev'
    | (string & {}); // a format's own kinds (src/core/formats/<kind>/ declares what they mean in its `scopes`)
  /** The extra, group, poetry group or Python variable name. */
  name?: string;
  /** Distinguishes separate blocks of the same kind in one file (each `pip install` command, each Python list). */
  block?: number;
  /** Dockerfile build stage (each FROM starts one), for `pip install` commands in Dockerfiles. */
  stage?: number;
  /** The TOML table or section that holds it, e.g. `project.optional-dependencies`. */
  table?: string;
}

export interface Requirement {
  /** The name as written. */
  name: string;
  /** PEP 503-normalized name: lowercase, runs of `-_.` become `-`. */
  normalizedName: string;
  extras: string[];
  /** PEP 440 specifier set as written in PEP 508 form (`>=1.0,<2`); '' when none. Poetry constraints are translated. */
  specifier: string;
  /** The marker expression text, without the leading `;`. */
  marker?: string;
  url?: string;
  /** The raw text of the requirement as it stands in the file (after string unescaping for TOML). */
  text: string;
  /** The whole requirement, e.g. the inside of the TOML string or the requirement part of a pip line. */
  range: Range;
  nameRange: Range;
  /** Covers the specifier text; when there is none, an empty range right after the name (and extras). */
  specifierRange: Range;
  scope: RequirementScope;
  /** True for `-e` / editable installs. */
  editable?: boolean;
  /** For poetry: the original constraint text (`^0.25`) when `specifier` is a translation. */
  originalSpecifier?: string;
  /** Poetry `source = "..."`, uv `[tool.uv.sources]` index, a Pipfile `index = "..."`, or a pip line's own index. */
  source?: string;
  /** Hashes given with `--hash`. */
  hashes?: string[];
}

export type IndexKind = 'index-url' | 'extra-index-url' | 'find-links' | 'no-index' | 'uv-index' | 'poetry-source' | 'pdm-source';

export interface PackageIndex {
  kind: IndexKind;
  url: string;
  /** uv / poetry index name, or a Pipfile [[source]] name. */
  name?: string;
  range: Range;
  /** For `pip install` lines: the block (command) it belongs to. */
  block?: number;
  /** uv `explicit = true`, Poetry `priority = "explicit"`: serves only the packages whose `source` names it. */
  explicit?: boolean;
}

export interface Include {
  kind: 'requirement' | 'constraint';
  /** As written. */
  target: string;
  /** Resolved path (relative to the including file), when it could be resolved. */
  resolvedPath?: string;
  range: Range;
  /** For `pip install -r` in scripts: the command (block) it belongs to, and its Dockerfile stage. */
  block?: number;
  stage?: number;
}

/** `pip install .` / `pip install -e ./app` / a `-e .` line: installs the project in that folder. */
export interface LocalInstall {
  /** As written. */
  target: string;
  /** The folder, resolved against the file's folder (undefined when it cannot be: `$DIR`, `~`). */
  resolvedPath?: string;
  range: Range;
  /** For `pip install` commands in scripts: the command (block) it belongs to. */
  block?: number;
  /** `-e` / `--editable`. */
  editable?: boolean;
}

/** The text of a manifest read into requirements, with every problem found while reading it. */
export interface ParsedManifest {
  path: string;
  kind: ManifestKind;
  requirements: Requirement[];
  findings: Finding[];
  indexes: PackageIndex[];
  includes: Include[];
  /** `requires-python` (pyproject), poetry's `python` dependency or a Pipfile's [requires], as a PEP 440 specifier set. */
  requiresPython?: { specifier: string; range: Range };
  /** Other global options of a requirement file (`--pre`, `--no-binary`, ...), by name. */
  options?: { name: string; value?: string; range: Range }[];
  /** Local projects this file installs (`pip install .`, `-e .` in a requirement file), by resolved folder. */
  localInstalls?: LocalInstall[];
  /** `[tool.ml-pins]` of a pyproject, as plain data (validated by the config module). */
  toolConfig?: { value: unknown; range: Range };
}
