// The settings pip ends up with after reading a requirement file and its includes (indexes, --pre, format control).

import { normalizeName } from '../../text';
import type { PackageIndex, ParsedManifest } from '../../types';
import { isUrl } from './interpret';
import { posixDirname, posixJoin } from './tree';

export interface PipSettings {
  indexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
  trustedHosts: string[];
  noBinary: string[];
  onlyBinary: string[];
  preferBinary: boolean;
  /** --pre, or --all-releases :all: */
  pre: boolean;
  requireHashes: boolean;
}

/**
 * The index/finder state pip derives from these manifests, read in order (starting from no index URLs, as
 * pip's parser does; pip's default index applies when `indexUrls` stays empty and `noIndex` is false).
 * `exists` lets a relative --find-links resolve against its file's directory, as pip does when that path exists.
 */
export function pipSettings(manifests: ParsedManifest[], exists?: (path: string) => boolean): PipSettings {
  const s: PipSettings = {
    indexUrls: [], findLinks: [], noIndex: false, trustedHosts: [], noBinary: [], onlyBinary: [], preferBinary: false,
    pre: false, requireHashes: false,
  };
  for (const manifest of manifests) {
    for (const index of manifest.indexes) applyIndex(s, index, manifest.path, exists);
    for (const option of manifest.options ?? []) applyOption(s, option.name, option.value);
  }
  return s;
}

function applyIndex(s: PipSettings, index: PackageIndex, path: string, exists?: (path: string) => boolean): void {
  if (index.kind === 'no-index') {
    s.noIndex = true;
    s.indexUrls = [];
  } else if (index.kind === 'index-url' && !s.noIndex) {
    s.indexUrls = [index.url];
  } else if (index.kind === 'extra-index-url' && !s.noIndex) {
    s.indexUrls.push(index.url);
  } else if (index.kind === 'find-links') {
    const relative = posixJoin(posixDirname(path), index.url);
    s.findLinks.push(!isUrl(index.url) && exists?.(relative) ? relative : index.url);
  }
}

function applyOption(s: PipSettings, name: string, value: string | undefined): void {
  switch (name) {
    case '--trusted-host': s.trustedHosts.push(value ?? ''); break;
    case '--prefer-binary': s.preferBinary = true; break;
    case '--pre': s.pre = true; break;
    case '--all-releases': if (value?.split(',').includes(':all:')) s.pre = true; break;
    case '--require-hashes': s.requireHashes = true; break;
    case '--no-binary': applyFormatControl(value ?? '', s.noBinary, s.onlyBinary); break;
    case '--only-binary': applyFormatControl(value ?? '', s.onlyBinary, s.noBinary); break;
  }
}

/** pip's FormatControl.handle_mutual_excludes. */
function applyFormatControl(value: string, target: string[], other: string[]): void {
  let names = value.split(',');
  while (names.includes(':all:')) {
    other.length = 0;
    target.length = 0;
    target.push(':all:');
    names = names.slice(names.indexOf(':all:') + 1);
    if (!names.includes(':none:')) return;
  }
  for (const name of names) {
    if (name === ':none:') {
      target.length = 0;
      continue;
    }
    const canonical = normalizeName(name);
    const i = other.indexOf(canonical);
    if (i >= 0) other.splice(i, 1);
    if (!target.includes(canonical)) target.push(canonical);
  }
}
