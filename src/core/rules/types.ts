// The knowledge base is data: one JSON file per rule family under rules/, validated by validate.ts at build time and
// in the tests. Every rule cites its evidence and carries examples that must fire and examples that must not.
import type { Platform } from '../settings';
import type { Applicability, Severity } from '../types';

/** How the failure shows up; it decides how the severity is computed. */
export type FailureKind =
  | 'import' // breaks at import (a removed API, an ABI break), not declared in metadata
  | 'runtime' // breaks when used, not declared in metadata
  | 'resolver' // a conflict that package metadata declares: pip refuses the combination
  | 'no-wheels' // no build exists for this version / Python / platform / accelerator
  | 'packaging'; // a packaging trap: stub or renamed package, clashing wheels

/** One manifest an example checks: the files of a small project. */
export interface RuleExample {
  description?: string;
  /** File path (relative, POSIX) -> content. */
  files: Record<string, string>;
  /** For `fires` examples: the severity the rule must report (on at least one finding). */
  severity?: Severity;
  /** For `fires` examples: the file the finding must be in (default: the first file). */
  at?: string;
  /** Optional check settings for this example (target Python, accelerator). */
  settings?: { targetPython?: string; accelerator?: 'cpu' | 'cuda' | 'rocm' | 'mps'; platform?: Platform };
}

interface RuleBase {
  /** Stable code, kebab-case, unique across all families: it is what users disable and what docs link to. */
  code: string;
  title: string;
  failure: FailureKind;
  /** One-line message template. Placeholders: {requirement:<pkg>} (the text as written), {admitted:<pkg>} (the admitted
   *  versions that break), {version:<pkg>} (the admitted set), {python} (admitted Pythons), and rule-specific ones. */
  message: string;
  /** Markdown: what breaks, why, and what to do. Shown in hovers and in the bundled docs. */
  explanation: string;
  /** Evidence: `owner/repo path@commit`, `owner/repo#issue` (with the maintainer's words), release-note URLs. */
  sources: string[];
  examples: { fires: RuleExample[]; passes: RuleExample[] };
  /** Default severity cap; the computed severity never exceeds it (e.g. 'warning' for a soft fact). */
  maxSeverity?: Severity;
  /** The operating systems the fact holds on (a wheel built wrongly for Windows only). It applies when the target
   *  platform is one of them or unknown, and its message then names them. Absent: every platform. */
  platforms?: Platform[];
}

/** A version condition on one package: PEP 440 specifier set, plus the last affected release for messages. */
export interface VersionCondition {
  versions: string;
  /** Last release inside `versions`, when known (for messages like "0.21.0–0.28.2"). */
  last?: string;
  /** First release inside `versions`, when known. */
  first?: string;
}

/** A rule's fix options: the one marked `safe` is applied by `ml-pins fix` and fix-all; the others need review.
 *  `offeredWhen`: package -> specifier set; the option is offered only where the environment allows some version of
 *  each listed package in it (torchvision below 0.17 installs only with a torch below 2.2: with torch>=2.2 pinned,
 *  pip would backtrack to a torchvision that lacks more). */
export type FixOption = { offeredWhen?: Record<string, string> } & (
  /** Raise the floor of `package` to `version` (>=version), dropping bounds that would exclude it. */
  | { kind: 'raise-floor'; package: string; version: string; applicability?: Applicability }
  /** Keep `package` below `version` (<version): edit its requirement, or add one next to `anchor`'s. */
  | { kind: 'cap'; package: string; below: string; anchor?: string; applicability?: Applicability }
  /** Keep `package` at or above `version`: edit its requirement, or add one next to `anchor`'s. */
  | { kind: 'require'; package: string; specifier: string; anchor?: string; applicability?: Applicability });

/** A failure that package metadata does not declare: every package in `when` inside its range breaks. */
export interface IncompatibleRule extends RuleBase {
  kind: 'incompatible';
  /** The package whose requirement carries the diagnostic (the one that is too old / too new). */
  target: string;
  /** Package -> the versions that take part in the failure (normalized names). All must hold at once. */
  when: Record<string, VersionCondition>;
  /** Packages that take part only when every version their requirements allow is in range: `keras<3` states that
   *  the code needs Keras 2, while `keras<3.13` or a bare `keras` allows Keras 3 and states nothing. */
  within?: string[];
  fixes: FixOption[];
}

/** What a package declares in its metadata (the resolver enforces it). Also feeds implicit installs and the
 *  "fresh install" narrowing of the other rules. */
export interface RequiresRule extends RuleBase {
  kind: 'requires';
  package: string;
  /** Rows: when `package` is in `versions`, it requires each listed package in the given set. Versions of `package`
   *  covered by no row are unknown (never reported). A row with `extra` applies only where the requirement asks for
   *  that extra (`diffusers[torch]`). A row with `python` (a specifier) applies only when every Python the project
   *  admits meets it (opencv-python 4.12.0.88 declares `numpy>=2,<2.3.0` on Python >=3.9 and `numpy<2.0` below);
   *  where the project names no Python, the Pythons its pins have builds for stand in (numpy==1.26.4: 3.9 on). */
  rows: { versions: string; requires: Record<string, string>; extra?: string; python?: string }[];
  /** Packages in `requires` that are always installed with `package` (hard dependencies, not extras). */
  installs?: string[];
  /** For exact companions (torchvision <-> torch): fixes align this package to the row matching the other pin,
   *  carrying over the local label (+rocm5.7). */
  companion?: boolean;
}

/** CPython versions a package has wheels for, per release range. */
export interface PythonSupportRule extends RuleBase {
  kind: 'python-support';
  package: string;
  rows: { versions: string; python: string }[];
}

/** Builds that exist only on an accelerator index (torch 2.2.0+rocm5.6), and the index that serves them. */
export interface AcceleratorRule extends RuleBase {
  kind: 'accelerator-variant';
  /** Packages whose local version labels name the accelerator build, anchor first (torch). */
  packages: string[];
  /** Anchor version (public) -> the local labels built for it. */
  variants: Record<string, string[]>;
  /** Index URL template; {variant} is the local label. */
  indexUrl: string;
  /** Codes for the checks: unknown variant, missing index, companions on different variants, and (optional) a build
   *  for another accelerator than the project targets (the `accelerator` setting). */
  codes: { unknownVariant: string; missingIndex: string; mixedVariants: string; wrongAccelerator?: string };
}

/** A name that is not the package people mean, or a stub that fails on install. */
export interface RenamedRule extends RuleBase {
  kind: 'renamed';
  package: string;
  /** Versions of `package` affected ('' = all). */
  versions?: string;
  replacement?: string;
}

/** Packages that must not be installed together (they ship the same module). */
export interface ExclusiveRule extends RuleBase {
  kind: 'exclusive';
  packages: string[];
}

export type Rule = IncompatibleRule | RequiresRule | PythonSupportRule | AcceleratorRule | RenamedRule | ExclusiveRule;

export interface RuleFamily {
  family: string;
  description: string;
  rules: Rule[];
}
