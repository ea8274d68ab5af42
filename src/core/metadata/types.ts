// The declared metadata of package releases (docs/metadata.md): the data the generators write into metadata/ and the
// engine reads on demand. A field that is absent is unknown, never empty.

/** One entry of a package file: one release, or consecutive releases whose declared metadata is identical. */
export interface ReleaseEntry {
  /** Ascending PEP 440 order. */
  versions: string[];
  /** `Requires-Python` as published; "" when none is declared. */
  requires_python?: string;
  /** Each `Requires-Dist` as published (PEP 508 strings, markers and extras kept). */
  requires_dist?: string[];
  /** `requires_dist` holds only the lines its source states (torchvision's build-time torch pin); the release's
   *  other requirements are unknown. Absent: the list is the whole of Requires-Dist. */
  requires_dist_partial?: true;
  /** Requirements the release declares that PEP 508 rejects, as its source states them: `torch>=1.7.*`, a `.*` suffix
   *  on an ordering operator, which setuptools before 67 wrote into Requires-Dist as it was. pip 24.1 and later ignore
   *  such a release, pinned or not ("has invalid metadata"), and the resolver does as they do. `requires_dist` is then
   *  unknown or partial. */
  requires_dist_invalid?: string[];
  /** false, or the yank reason (PEP 592; "" when none was given); true: yanked, with a reason not known here (the
   *  source names the yank but not the reason the index shows). */
  yanked?: boolean | string;
  wheels?: WheelSummary;
  /** Local version label (cu121, rocm5.7, cpu) -> the index URL that serves that build. */
  variants?: Record<string, string>;
  /** Provenance: `index:<url>` or `<owner>/<repo>@<tag>:<path>[; …]`. */
  source: string;
  /** The entry speaks for exactly its own releases (read from a mirror that holds some releases only): it is no
   *  evidence that the versions next to it do not exist, and no range extends from it. Only outside the complete
   *  listing (newer than `complete_through`, or older than `complete_from`); required newer than `complete_through`. */
  sparse?: true;
}

export interface WheelSummary {
  /** CPython minor versions ("3.11") with wheels. */
  python: string[];
  /** A stable-ABI (abi3) wheel exists: later CPythons install it too. */
  abi3?: boolean;
  /** A pure-Python wheel (py3-none-any) exists: every Python that Requires-Python admits installs it. */
  pure?: boolean;
  platforms?: string[];
  /** Which absences `python` proves (docs/metadata.md, "Wheel summaries"). Absent: every CPython it does not list has
   *  no wheel (an index's whole file list). `newer`: only the CPythons newer than the newest listed have none; an
   *  older one it does not list may have wheels the listing did not show. `none`: `python` lists the CPythons wheels were seen for, a lower
   *  bound from which no absence follows. */
  absence?: 'newer' | 'none';
}

export interface PackageMetadata {
  format: 1;
  /** PEP 503 normalized. */
  name: string;
  snapshot_date: string;
  /** The newest release the registry lists, when known; newer than `complete_through` means unknown releases exist. */
  registry_newest?: string;
  /** The newest release of the complete listing: up to here (from `complete_from`, when set) every release is listed.
   *  Newer releases are unknown unless a `sparse` entry names them. */
  complete_through: string;
  /** From this release up to `complete_through` the file lists every release; an absent release below it is unknown,
   *  not non-existent, and no entry speaks for it (a file read from a release matrix that names some releases only).
   *  Absent: the file lists every release. */
  complete_from?: string;
  releases: ReleaseEntry[];
}

export interface SnapshotIndex {
  format: 1;
  snapshot_date: string;
  packages: Record<string, { complete_through: string; complete_from?: string; registry_newest?: string; releases: number;
    /** Releases listed singly (sparse entries), when there are any. */
    sparse?: number }>;
}

/** One release with its declared metadata, as `ml-pins metadata --format json` prints it. */
export interface ReleaseRecord extends Omit<ReleaseEntry, 'versions'> {
  version: string;
}

/** PEP 503 name normalization. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
