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
}

export interface SourceExtractor {
  /** PEP 503 normalized package name. */
  package: string;
  /** `owner/name` of the GitHub repository the tags belong to. */
  repository: string;
  /** The release version a tag builds, or undefined to skip the tag (other packages, nightlies, malformed). */
  version(tag: string): string | undefined;
  /** Reads one release's declared metadata at its tag; undefined when the tag does not describe one. */
  extract(ctx: TagContext): Omit<ReleaseRecord, 'version'> | undefined;
}
