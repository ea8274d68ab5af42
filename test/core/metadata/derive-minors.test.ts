// The declared facts are derived with a shortcut: a Requires-Dist line whose marker does not read the Python version
// is decided once, and minors that answer the rest alike are read once. Checked here against the plain reading (every
// line under every minor, as declaredRequirements gives it) on every release of the shipped snapshot.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { declaredAcross } from '../../../src/core/metadata/derive';
import { declaredRequirements } from '../../../src/core/metadata/provider';
import type { PackageMetadata, ReleaseEntry } from '../../../src/core/metadata/types';
import type { VersionSet } from '../../../src/core/pep440/intervals';

const dir = join(import.meta.dirname, '..', '..', '..', 'metadata', 'packages');

/** Every line under every minor: per minor the intersection per key, then keys present under every minor, united. */
function plain(entry: ReleaseEntry, minors: string[]): Map<string, string> {
  let out: Map<string, VersionSet> | undefined;
  for (const m of minors) {
    const here = new Map<string, VersionSet>();
    for (const r of declaredRequirements(entry, { python_version: m, implementation_name: 'cpython', platform_python_implementation: 'CPython' }) ?? []) {
      const key = r.extra ? `${r.name}[${r.extra}]` : r.name;
      here.set(key, here.get(key)?.intersect(r.set) ?? r.set);
    }
    if (!out) { out = here; continue; }
    for (const [key, set] of out) {
      const h = here.get(key);
      if (!h) out.delete(key);
      else out.set(key, set.union(h));
    }
  }
  return new Map([...(out ?? [])].map(([k, s]) => [k, s.toString()]));
}

describe('declared facts across Python minors', () => {
  test('the shortcut gives the plain reading on every release of the shipped snapshot', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length > 5, 'the shipped snapshot is there');
    let lines = 0;
    for (const file of files) {
      const pkg = JSON.parse(readFileSync(join(dir, file), 'utf8')) as PackageMetadata;
      for (const entry of pkg.releases) {
        if (!entry.requires_dist) continue;
        lines += entry.requires_dist.length;
        for (const minors of [['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'], ['3.11'], ['3.9', '3.10'], ['3.12', '3.13', '3.14']]) {
          const fast = new Map([...declaredAcross(entry, minors)].map(([k, d]) => [k, d.set.toString()]));
          assert.deepEqual(fast, plain(entry, minors), `${pkg.name} ${entry.versions[0]} under ${minors.join(',')}`);
        }
      }
    }
    assert.ok(lines > 1000, `${lines} Requires-Dist lines read`);
  });
});
