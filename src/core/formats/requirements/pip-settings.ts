// The settings pip ends up with after reading a requirement file and its includes (indexes, --pre, format control).

import { normalizeName } from '../../text';
import type { PackageIndex, ParsedManifest, Range } from '../../types';
import type { DroppedIndex, PlacedIndex } from '../types';
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
 * The index/finder state pip derives from these manifests, the first one's include tree (starting from no index URLs,
 * as pip's parser does; pip's default index applies when `indexUrls` stays empty and `noIndex` is false): the indexes
 * as pipIndexes reads them. `exists` lets a relative --find-links resolve against its file's directory, as pip does
 * when that path exists.
 */
export function pipSettings(manifests: ParsedManifest[], exists?: (path: string) => boolean): PipSettings {
  const s: PipSettings = {
    indexUrls: [], findLinks: [], noIndex: false, trustedHosts: [], noBinary: [], onlyBinary: [], preferBinary: false,
    pre: false, requireHashes: false,
  };
  for (const { index, path } of pipIndexes(manifests[0]?.path ?? '', new Map(manifests.map((m) => [m.path, m]))).placed) {
    if (index.kind === 'no-index') s.noIndex = true;
    else if (index.kind === 'find-links') {
      const relative = posixJoin(posixDirname(path), index.url);
      s.findLinks.push(!isUrl(index.url) && exists?.(relative) ? relative : index.url);
    } else s.indexUrls.push(index.url);
  }
  for (const manifest of manifests) for (const option of manifest.options ?? []) applyOption(s, option.name, option.value);
  return s;
}

/**
 * The index options of one install as pip's finder takes them: the command line's first (`--index-url` and every
 * `--extra-index-url` together, whatever their order there), then the requirement files' (src/pip/_internal/req/
 * req_file.py, handle_option_line, at 23.2.1 and 25.3), line by line, an included file's at its -r / -c line. In a
 * file, a later --index-url replaces every index named before it (extra ones, and the command line's, too);
 * --no-index drops them all and every later one. `read`: the index options pip reads, in the order it reads them
 * (`placed`: the same, with the file each is written in); `dropped`: each it does not, with the option that drops it.
 */
export function pipIndexes(roots: string | readonly string[], manifests: ReadonlyMap<string, ParsedManifest>, commandLine: readonly PlacedIndex[] = []):
  { read: PackageIndex[]; placed: PlacedIndex[]; dropped: DroppedIndex[] } {
  let noIndex: PlacedIndex | undefined;
  let urls: PlacedIndex[] = [];
  const dropped: DroppedIndex[] = [];
  const kept = new Set<PackageIndex>();
  const order: PlacedIndex[] = [];
  const seen = new Set<string>();
  for (const placed of commandLine) {
    order.push(placed);
    if (placed.index.kind === 'find-links') kept.add(placed.index);
    else if (placed.index.kind === 'no-index') noIndex ??= placed;
    else urls.push(placed);
  }
  if (noIndex) {
    for (const u of urls) dropped.push({ dropped: u, by: noIndex });
    urls = [];
  }
  type Item = { at: Range['start']; index: PackageIndex } | { at: Range['start']; include: string | undefined };
  // Depth first, an included file's options read at its -r line; with a stack of its own, not the call stack: a
  // 5,000-deep -r chain is read, not a RangeError.
  const visit = (root: string) => {
    const stack: { path: string; items: Item[]; next: number }[] = [];
    const enter = (path: string) => {
      const m = manifests.get(path);
      if (!m || seen.has(path)) return; // a cycle, which pip refuses (include-cycle)
      seen.add(path);
      const items: Item[] = [...m.indexes.map((index) => ({ at: index.range.start, index })), ...m.includes.map((inc) => ({ at: inc.range.start, include: inc.resolvedPath }))];
      items.sort((a, b) => a.at.line - b.at.line || a.at.character - b.at.character);
      stack.push({ path, items, next: 0 });
    };
    enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next === top.items.length) { stack.pop(); continue; }
      const item = top.items[top.next++];
      if (!('index' in item)) { if (item.include) enter(item.include); continue; }
      const placed = { index: item.index, path: top.path };
      order.push(placed);
      if (item.index.kind === 'find-links') kept.add(item.index);
      else if (item.index.kind === 'no-index') {
        noIndex ??= placed;
        for (const u of urls) dropped.push({ dropped: u, by: placed });
        urls = [];
      } else if (noIndex) dropped.push({ dropped: placed, by: noIndex });
      else if (item.index.kind === 'index-url') {
        for (const u of urls) dropped.push({ dropped: u, by: placed });
        urls = [placed];
      } else urls.push(placed);
    }
  };
  for (const root of typeof roots === 'string' ? [roots] : roots) visit(root);
  for (const u of urls) kept.add(u.index);
  if (noIndex) kept.add(noIndex.index);
  const placed = order.filter((p) => kept.has(p.index));
  return { read: placed.map((p) => p.index), placed, dropped };
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
