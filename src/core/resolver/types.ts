// The resolver's inputs and outputs. The resolver reads declared metadata (docs/metadata.md) through one function, so
// whoever loads the snapshot (bundled files, a live index, a test's literal data) hands it over the same way.
import type { MarkerEnvironment } from '../pep508';
import type { PackageMetadata } from '../metadata/types';

/** The declared metadata of one package (PEP 503 name), or undefined when nothing is known about it. */
export type MetadataSource = (name: string) => PackageMetadata | undefined;

/** Where a root requirement was written, so an explanation can point at it. */
export interface RequirementOrigin {
  path?: string;
  /** 0-based line, when known. */
  line?: number;
  /** Opaque to the resolver (e.g. the engine's Requirement): handed back in conflicts. */
  ref?: unknown;
}

export interface RootRequirement {
  /** PEP 508 text (`torch>=2.3`, `diffusers[torch]; python_version >= "3.9"`). */
  requirement: string;
  /** `-c` constraint: narrows what others install, installs nothing. */
  constraint?: boolean;
  origin?: RequirementOrigin;
}

export interface ResolveOptions {
  /** The target interpreter and platform. `python_version` is required; see `targetEnvironment`. */
  environment: MarkerEnvironment;
  /** pip's `--pre`: pre-releases are candidates everywhere. */
  prereleases?: boolean;
  /** Upper bound on resolver steps (pins tried plus rounds); the resolution gives up with reason "budget" beyond it. */
  maxSteps?: number;
  /** PEP 503 names (sorted) whose candidates are only the releases the snapshot describes: listed, with their
   *  requirements (a partial list counts). No unknown candidate for them: neither releases it does not list nor listed
   *  ones without requirements. */
  describedOnly?: readonly string[];
  /** When nothing installs, also find the roots that no release matches on their own (the conflict's `unmatched`). */
  unmatched?: boolean;
}

/** What the requirements on a package admit, where pip's pick stands for a release the snapshot does not describe (one
 *  it does not list, or lists without its requirements): the releases it describes there, and the gaps between them.
 *  Shared between resolutions (./releases.ts admittedOf): read-only. */
export interface AdmittedReleases {
  /** Releases the snapshot describes (lists with their requirements) that the requirements on the package admit and pip
   *  could take on this Python (not yanked), ascending. */
  readonly described: readonly string[];
  /** Listed releases admitted whose requirements the snapshot does not hold, ascending. */
  readonly withoutRequirements: readonly string[];
  /** Versions the snapshot does not list are admitted below the newest of `described`. */
  readonly unlisted: boolean;
  /** The newest described release, when versions newer than it are admitted (not listed, or listed without
   *  requirements). */
  readonly newerThan?: string;
  /** Each run between neighbouring described releases (of all, admitted or not) that holds something undescribed the
   *  requirements admit: those of its two neighbours that they admit too (none, one or both). */
  readonly gaps: readonly (readonly string[])[];
  /** Something undescribed that the requirements admit lies below every described release. */
  readonly belowAll: boolean;
}

export interface ResolvedPackage {
  /** PEP 503 name. */
  name: string;
  /** The version pip would install; undefined when the metadata does not cover the package (any version would do). */
  version?: string;
  /** The extras that were asked for it. */
  extras: string[];
  /** Names that require it (`<root>` for a root requirement). */
  requiredBy: string[];
  /** This release's Requires-Dist is not known (absent from the metadata): its dependencies were not followed. */
  dependenciesUnknown?: boolean;
  /** The registry lists releases newer than the snapshot: pip might pick one of those instead (never guessed). */
  newerUnknown?: string;
  /** PEP 592 yank reason ("" when none was given), for a yanked release that was pinned exactly. */
  yanked?: string;
  /** For a pick the snapshot does not describe (a release it does not list, or lists without its requirements): what
   *  the requirements on the package admit. */
  admitted?: AdmittedReleases;
}

/** One requirement that took part in a conflict. */
export interface ConflictCause {
  /** PEP 503 name of the package the requirement is on. */
  package: string;
  /** The requirement as text (`torch==2.2.0`). */
  requirement: string;
  /** The release that declares it (`torchvision==0.17.0`), or undefined for a root requirement. */
  parent?: { name: string; version: string };
  /** For root requirements: where it was written. */
  origin?: RequirementOrigin;
}

export interface Conflict {
  /** uv-style derivation: "Because … and …, we can conclude that …". */
  message: string;
  /** PEP 503 names of every package involved, roots first. */
  packages: string[];
  /** The root requirements the derivation rests on, with their origins. */
  roots: RootRequirement[];
  /** The requirements in conflict (pip's "The conflict is caused by"). */
  causes: ConflictCause[];
  /** For a derivation (not pip's list of causes): the packages (PEP 503 names) its facts speak of. Roots on other
   *  packages take no part in it (./memo.ts keeps such a conflict for requirements that differ only there). */
  speaksOf?: string[];
}

export type ResolveResult =
  | { ok: true; packages: Map<string, ResolvedPackage>; steps: number }
  | {
    ok: false; reason: 'conflict'; conflict: Conflict; steps: number;
    /** The CPythons a check tries (./pythons.ts) on which everything the resolution read reads as on its own Python
     *  (each marker on the Python, each Requires-Python of a candidate): it fails alike on each of them. Its own
     *  Python is one; empty when that is not one of them. */
    samePythons?: readonly string[];
    /** Indices of the roots that no release matches on their own on this Python (`numpy==1.26.7`, a release that
     *  does not exist): pip stops at the first, and each would stop it alone. Not among what samePythons covers. */
    unmatched?: readonly number[];
    /** pip's "The conflict is caused by", known without explaining the conflict (the conflict's `causes`). */
    causes?: readonly ConflictCause[];
  }
  | { ok: false; reason: 'budget'; steps: number; message: string }
  | { ok: false; reason: 'invalid'; steps: number; message: string };
