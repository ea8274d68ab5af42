// The findings the engine builds itself (not from rules/*.json): a one-line title (hovers) and the explanation of
// each (its rule page, docs/rules/<code>.md). One home, read by the hover and by scripts/gen-rule-docs.ts.

export interface BuiltInRule {
  title: string;
  explanation: string;
}

export const BUILT_IN_RULES: Record<string, BuiltInRule> = {
  'inconsistent-pins': {
    title: 'Two manifests of one project pin a package to versions that do not overlap',
    explanation: 'The same package is pinned in two manifests of one project (pyproject.toml, requirement files, setup scripts, Dockerfiles) to sets of versions that do not overlap. Whichever file installs decides what you get, so environments drift apart. Pick one pin and make the others agree; each finding points at the other places.',
  },
  'conflicting-pins': {
    title: 'The pins of a package in one environment allow no version',
    explanation: 'Two requirements of one package in one environment (one file with what it includes, one `pip install` command, a pyproject\'s dependencies) allow no common version — `torchvision==0.15.2` next to `torchvision>=0.17.0`, or `torch===2.2.0` next to `torch==2.2.0+rocm5.7` — or one requirement allows none (`numpy>2,<1`). pip refuses the whole install (ResolutionImpossible). Reported at each pin that takes part; rules about that package are not evaluated until the pins agree, so no third package is blamed.',
  },
  'installed-conflict': {
    title: 'An installed package does not meet what another installed package requires',
    explanation: 'A package installed in the selected environment (`--environment`, or the interpreter VS Code uses) declares a requirement that another installed package does not meet, as `pip check` reports it: `torchvision 0.17.0 requires torch==2.2.0, but torch 2.3.0 is installed`. An exact pin that is not met is an error (such pins tie a compiled package to one release); a range, a warning. Requirements under a marker that the environment\'s Python or platform cannot decide are not judged. Reinstall the pinned set (`pip install -r requirements.txt`) or align the pins.',
  },
  'installed-drift': {
    title: 'The installed version is not one the pin allows',
    explanation: 'The selected environment has a version of a pinned package that the pin does not allow: the environment is out of date with the manifest (information; a warning when the installed version takes part in a known-broken combination, which is then an error on the pin). Reinstall from the manifest to bring it in line.',
  },
  'installed-missing': {
    title: 'A package the manifest installs is not installed',
    explanation: 'A package the manifest installs is not installed in the selected environment (information). Optional extras and dependency groups are not expected to be installed.',
  },
  'toml-syntax': {
    title: 'pyproject.toml is not valid TOML',
    explanation: 'pyproject.toml is not valid TOML 1.0. The diagnostic sits where the parser stopped; nothing else in the file is checked until it parses.',
  },
  'yaml-syntax': {
    title: 'environment.yml is not valid YAML',
    explanation: 'environment.yml is not valid YAML.',
  },
  'requirement-syntax': {
    title: 'A requirement pip cannot read',
    explanation: 'A requirement is neither valid PEP 508 nor a pip requirement-file line. pip would reject the whole file; ML Pins flags the line and reads the rest.',
  },
  'requirement-trailing-comma': {
    title: 'A version specifier ends with a comma',
    explanation: 'A version specifier ends with a comma (`numpy>=1.24,<2.0,`). packaging 22 and later, and so current pip, read the comma as nothing; the packaging 21 that older pip releases vendor (pip 23.2, for one) rejects the requirement as invalid, and pip then rejects the whole file. Remove the comma (the quick fix does).',
  },
  'unknown-option': {
    title: 'An option pip does not know in a requirements file',
    explanation: 'pip does not know this option in a requirements file and rejects the whole file.',
  },
  'include-missing': {
    title: 'An included requirements file does not exist',
    explanation: 'A `-r` / `-c` line names a file that does not exist (paths are relative to the including file).',
  },
  'include-cycle': {
    title: 'Requirement files include each other',
    explanation: 'Requirement files include each other in a cycle.',
  },
  'unreadable-file': {
    title: 'A file that is not readable text',
    explanation: 'The file is not text ML Pins can read (binary content or an encoding pip does not accept).',
  },
  'pyproject-schema': {
    title: 'A pyproject.toml value of the wrong type',
    explanation: 'A value in pyproject.toml has the wrong type for its key (for example `dependencies` as a string instead of an array).',
  },
  'declared-requirement': {
    title: 'A pinned release declares a requirement the other pins do not meet',
    explanation: 'A pinned release declares a requirement (`Requires-Dist` in its own metadata, read from the metadata snapshot that ships with ML Pins, see docs/metadata.md) that no version this environment allows meets, so pip refuses to install them together. Used where no curated rule names the pair; the finding cites the release the requirement comes from. Releases newer than the snapshot are unknown and never reported.',
  },
  'declared-python-unsupported': {
    title: 'The pinned releases do not install on the project\'s Python',
    explanation: 'The releases a pin allows do not install on the project\'s Python: their `Requires-Python` excludes it, or they publish no wheel for it (read from the metadata snapshot that ships with ML Pins, see docs/metadata.md). Used for packages no curated rule covers. Releases newer than the snapshot are unknown and never reported.',
  },
  'hash-mismatch': {
    title: 'The --hash values of a pin belong to no file of the pinned version',
    explanation: 'A requirement pinned with `==` in a hash-locked file (`--hash`, as pip-compile --generate-hashes and uv write them) has no hash that belongs to a file of the pinned version, as the package index lists it: pip downloads one of those files and refuses it (THESE PACKAGES DO NOT MATCH THE HASHES). This happens when a version is edited and the old hashes stay. `ml-pins check --verify-hashes` asks the indexes the file names (or PyPI); without it only the index cache that `ml-pins resolve` keeps is read. A version the index does not list, or lists without a comparable hash, is not judged. Re-lock the file with the tool its header names; never edit hashes by hand.',
  },
  'hashes-required': {
    title: 'pip\'s hash-checking mode refuses a requirement of this install',
    explanation: 'One `--hash` anywhere in what a `pip install` reads (a requirement file, the files it includes with `-r`, the constraint files it names with `-c`), or a `--require-hashes` line, turns on pip\'s hash-checking mode for the whole install. In that mode every requirement pip downloads must be pinned to one version with `==` (or `===`) and carry its own `--hash`; hashes in a constraint file do not stand in for a requirement\'s. An editable install (`-e`), a version-control URL and a local folder cannot be hashed at all. A dependency counts too: what a hashed `==` pin\'s release declares (its Requires-Dist in the metadata snapshot, docs/metadata.md) and no line of the install names is downloaded without a hash, so the error then sits on that pin and names the missing requirements (a file always installed with `pip install --no-deps` installs no dependency: turn the rule off for it). pip refuses the whole install ("Hashes are required in --require-hashes mode, but they are missing from some requirements", "In --require-hashes mode, all requirements must have their versions pinned with ==", "cannot be installed when requiring hashes"). This typically happens when a line is added by hand to a file that pip-compile --generate-hashes or uv wrote. A requirement already installed is not downloaded, so it is a new environment (CI, a container) that fails. Each offending line is an error, with the line that turns the mode on as related information; when most of the install has no hashes, one error sits on that line instead. Re-lock the file with the tool its header names (every requirement gets its hashes), or remove the hashes; install editables and version-control requirements with a pip install of their own. A line whose marker fails on the target Python is ignored by pip and is not judged; without a target Python, lines with markers are not judged, and neither are a package that another line hashes (pip\'s verdict then depends on their order) or a release whose requirements the snapshot does not know. pip\'s source: pypa/pip src/pip/_internal/cli/req_command.py and src/pip/_internal/operations/prepare.py (`_get_linked_req_hashes`) at 23.2.1 (4a79e65) and 25.3 (a520693); checked against pip 23.2 in the test suite.',
  },
  'index-replaced': {
    title: 'pip never reads this index: a later option of the same install replaces it',
    explanation: 'pip reads the index options of a requirement file line by line, an included file\'s (`-r`, `-c`) at the line that includes it, and each `--index-url` replaces every index named before it, `--extra-index-url` ones included; `--no-index` turns off every index, and later ones too (pip\'s `handle_option_line`, pypa/pip src/pip/_internal/req/req_file.py at 23.2.1, 4a79e65, and 25.3, a520693). So `--extra-index-url https://download.pytorch.org/whl/cu121` followed by `--index-url https://pypi.org/simple` reads PyPI alone, and a `+cu121` build pinned there is not found. A `pip install` command reads its own index options first (its `--index-url` and every `--extra-index-url` together, whatever their order on the command line), then those of the files it installs with `-r`, where an `--index-url` replaces the command\'s. Each index option pip never reads is a warning naming the option that drops it; a pin that needs that index is an error of its own (`torch-variant-no-index`), since ML Pins reads the indexes pip reads. To read two indexes, write one `--index-url` first and add the other with `--extra-index-url`.',
  },
  'config-invalid': {
    title: '[tool.ml-pins] has a key or value ML Pins does not understand',
    explanation: '`[tool.ml-pins]` has a key or value ML Pins does not understand, or a rule file it names is invalid.',
  },
  'resolution-conflict': {
    title: 'pip cannot install these requirements together',
    explanation: 'Resolving the environment the way pip does, over the declared metadata of every release (the metadata snapshot that ships with ML Pins, see docs/metadata.md), finds no set of versions that meets every requirement on any Python the project may run on. The message is the derivation, in uv\'s words; each pin it rests on carries the finding, with the others as related information. A conflict that a rule already reports as such (a companion built for another release, a declared range, two pins that contradict each other: an error on one of its pins naming every package of its pins) is that finding, said once; the requirements left without its pins are resolved again, so a conflict behind it is still reported. The quick fixes upgrade the pins involved to the newest set that installs together (docs/resolver.md). Reported by `ml-pins check` (`--no-resolve` turns resolving off) and in the editor, where the project\'s own indexes refine the metadata.',
  },
  'resolution-conflict-known': {
    title: 'pip cannot install these requirements together with any release the snapshot describes',
    explanation: 'The environment installs only through releases the metadata snapshot does not describe (docs/metadata.md): for some package, pip\'s pick is a release the snapshot does not list, or lists without its requirements, and such a release takes any requirement. Held to the releases the snapshot describes, the environment cannot be installed on any Python the project may run on. The message gives that derivation, in uv\'s words, and names the undescribed releases the pins allow; nothing else is said of them, and one of them may install, so this is a warning, not an error. It is said only where those releases lie in gaps between described releases that refuse the pins as well (each gap gets what its described neighbours require, widened to span both): never for an exact pin of an unlisted release, a floor beyond the snapshot or at its newest release (releases newer than the snapshot are its age, not a gap), a companion older than every described release, or a gap that may hold the release that fits. Placed like `resolution-conflict`, on each pin the derivation rests on, with the upgrades that install with described releases as fixes (docs/resolver.md).',
  },
  'resolution-skipped': {
    title: 'ML Pins did not resolve this environment',
    explanation: 'The environment has more requirements than ML Pins resolves in bounded time (1,000: the resolver\'s work grows with the square of the packages, as pip\'s does), or the resolver gave up after its step budget. Conflicts that only a resolution finds (`resolution-conflict`), and severity from the versions pip would pick, are missing for it; findings from the rules still cover it. Reported once per environment, at its first requirement, as information. `ml-pins resolve` resolves it without the limit on the number of requirements. Turn it off like any rule (`disable = ["resolution-skipped"]`).',
  },
  'invalid-metadata': {
    title: 'pip 24.1 and later ignore every release this pin allows: their metadata is invalid',
    explanation: 'Some releases declare a requirement that PEP 508 rejects, most often a `.*` suffix after an ordering operator (`torch (>=1.7.*)`, `PyYAML (>=5.1.*)`): setuptools before 67 wrote such a line into Requires-Dist as the project\'s source said it, and pip read it with its legacy parser. pip 24.1 (June 2024) dropped that parser: it ignores such a release, pinned or not ("WARNING: Ignoring version 1.7.7 of pytorch-lightning since it has invalid metadata … Please use pip<24.1 if you need to use this version"), and fails with "Could not find a version that satisfies the requirement". pytorch-lightning 1.5.4–1.8.3.post2 (`torch>=1.7.*`, `>=1.8.*`, `>=1.9.*`), torchsde 0.2.5 (`numpy>=1.19.*`) and omegaconf 2.0.1–2.1.0 (`PyYAML>=5.1.*`, and so hydra-core 1.0.x and fairseq 0.12.2, which require `omegaconf<2.1`) are the common cases. Which releases declare such a requirement comes from their sources at their tags (the metadata snapshot\'s `requires_dist_invalid`, docs/metadata.md). An error where every release the pin allows is ignored and no other may be taken, for environments pip installs (pip, Pipenv; uv reads such metadata leniently, `>=1.9.*` as `>=1.9`, a conda environment file mixes conda\'s own packages with its pip list, and Poetry\'s and PDM\'s readers are not modelled, so nothing is said there); for those environments the resolver passes over those releases as pip does, so a package that requires only them (`omegaconf>=2.0.5,<2.1` from hydra-core 1.0.7) is a `resolution-conflict` that names them. The fix pins the next release whose metadata is valid: a post-release of the same version (1.5.10.post0, 1.6.5.post0) mends only the metadata and is safe; another release needs review. Installing with `pip<24.1` also works, as pip says.',
  },
  'yanked-release': {
    title: 'The pin selects a yanked release',
    explanation: 'A pin selects exactly (`==` / `===`) a release its maintainers yanked from the index (PEP 592), usually because it is broken. pip still installs it, with a warning that is easy to miss. The finding quotes the yank reason, from the metadata snapshot or the project\'s own indexes. Move the pin to a release that is not yanked.',
  },
};
