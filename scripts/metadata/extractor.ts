// The interface of a from-source extractor (docs/metadata.md): one module per package in extractors/, default-exported.
import type { ReleaseRecord } from '../../src/core/metadata/types';

export interface TagContext {
  tag: string;
  /** The release version this tag builds (from `SourceExtractor.version`). */
  version: string;
  /** The commit the tag points at (for provenance). */
  commit: string;
  /** The text of a file at this tag, or undefined when it does not exist there. */
  show(path: string): string | undefined;
  /** The entries of a folder at this tag (names only). */
  ls(dir: string): string[];
  /** `owner/repo@tag:path`, for `source`. */
  cite(path: string): string;
  /** How the version was read, when `versionFrom` read it. */
  versionEvidence?: string;
}

/** Read access to the repository's history, for a version that is not in the tag's name (opencv-python). */
export interface RepoView {
  /** The commit a submodule (gitlink) points at in `rev`, or undefined. */
  gitlink(rev: string, path: string): string | undefined;
  /** The commits up to `rev` that change `path`, oldest first. */
  history(rev: string, path: string): string[];
  /** A commit's subject line. */
  subject(commit: string): string;
}

export interface SourceExtractor {
  /** PEP 503 normalized package name. */
  package: string;
  /** `owner/name` of the GitHub repository the tags belong to. */
  repository: string;
  /** The release version a tag builds, or undefined to skip the tag (other packages, nightlies, malformed). */
  version(tag: string): string | undefined;
  /** Instead of `version`, when the version is read from the repository: the version and how it was read (cited in
   *  `source`). */
  versionFrom?(tag: string, repo: RepoView): { version: string; evidence: string } | undefined;
  /** The records list some releases only (a tag whose version cannot be read is left out): `complete_from` is set. */
  partial?: boolean;
  /** The oldest release from which every release has a tag (the releases before it were published untagged, and are
   *  unknown): `complete_from`. The extractor says in a comment what shows it. */
  completeFrom?: string;
  /** Releases published from a commit that has no tag, read like a tag and cited by commit: each with what shows the
   *  commit is the release (the version its sources declare there, and the last change before the next release). */
  untagged?: { version: string; commit: string; evidence: string }[];
  /** Releases the index has that no tag or commit here describes (a release yanked before it was tagged): listed with
   *  nothing known but that they exist, and whether they are yanked, cited by the evidence (an issue quoting pip's list). */
  known?: { version: string; yanked?: true; evidence: string }[];
  /** Reads one release's declared metadata at its tag; undefined when the tag does not describe one. */
  extract(ctx: TagContext): Omit<ReleaseRecord, 'version'> | undefined;
}
