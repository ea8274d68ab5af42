// The snapshot against the METADATA of real wheels of the same releases (test/fixtures/wheel-metadata): where a row
// generated from source at release tags and a wheel speak for the same release, Requires-Python and every
// Requires-Dist line must agree, the base requirements and each extra's, but for the test, dev and docs extras the
// snapshot drops (one rule for both generators, keptRequirements) and the extras a release's source cannot say
// (UNREADABLE, each with its reason); a row read from a mirror's wheel (its source names the wheel and its SHA-256) is
// exactly what the wheel declares, less the test, dev and docs extras, with no wheel summary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { VersionSet } from '../../../src/core/pep440/intervals';
import { parseRequirement } from '../../../src/core/pep508';
import { keptRequirements } from '../../../src/core/metadata/index-formats';
import { normalizeName } from '../../../src/core/text';
import { NodeMetadata } from '../../../src/node/metadata';

const root = join(import.meta.dirname, '..', '..', '..');
const shipped = new NodeMetadata(join(root, 'metadata'));
const wheels = JSON.parse(readFileSync(join(root, 'test/fixtures/wheel-metadata/releases.json'), 'utf8')) as
  { name: string; version: string; requires_python: string; requires_dist: string[]; wheel: string; sha256: string }[];

/** A requirement line as a comparable key: normalized name, extras, the version set, the marker without spacing or quote style. */
function key(line: string): { key: string; set: VersionSet; extraOnly: boolean } {
  const r = parseRequirement(line);
  assert.ok(r.ok, line);
  const marker = (r.value.markerText ?? '').replace(/\s+/g, '').replace(/"/g, "'");
  return { key: `${normalizeName(r.value.name)}[${[...r.value.extras].sort().join(',')}];${marker}`, set: VersionSet.fromSpecifierSet(r.value.specifier), extraOnly: /\bextra\s*==/.test(r.value.markerText ?? '') };
}

/** Extras the source at a tag cannot say anything about: the snapshot leaves them out and says so in `source`. */
const UNREADABLE: Record<string, { extras: string[]; why: RegExp }> = {
  // 1.0.0-1.8.x: extras["gradio"] is set only when the build Python is 3.10+
  'huggingface-hub': { extras: ['gradio'], why: /extra gradio not read \(set only when the build Python is 3\.10\+\)/ },
};

function same(a: string[], b: string[]): boolean {
  const kb = b.map(key);
  return a.length === b.length && a.map(key).every((x) => kb.some((y) => y.key === x.key && y.set.equals(x.set)));
}

/** A row read from a wheel: its source names the file and its SHA-256. */
const fromWheel = (source: string) => /\bsha256:[0-9a-f]{64}\)$/.test(source);

describe('the snapshot agrees with the METADATA of real wheels', () => {
  const compared = wheels.flatMap((w) => {
    const release = shipped.get(normalizeName(w.name))?.releases.find((r) => r.versions.includes(w.version));
    return release && !fromWheel(release.source) ? [{ w, release }] : [];
  });

  test('the fixture speaks for releases of the snapshot (the comparison is not empty)', () => {
    assert.ok(compared.length >= 25, `${compared.length} releases compared`);
    assert.ok(new Set(compared.map((c) => normalizeName(c.w.name))).size >= 6);
  });

  test('Requires-Python agrees', () => {
    for (const { w, release } of compared) {
      assert.ok(VersionSet.fromSpecifierSet(w.requires_python).equals(VersionSet.fromSpecifierSet(release.requires_python ?? '')), `${w.name} ${w.version}: ${w.requires_python} vs ${release.requires_python} (${release.source})`);
    }
  });

  test('Requires-Dist agrees line for line: the base requirements and every extra the snapshot keeps', () => {
    let extras = 0;
    for (const { w, release } of compared) {
      const name = normalizeName(w.name);
      const unreadable = UNREADABLE[name] && UNREADABLE[name].why.test(release.source) ? UNREADABLE[name].extras : [];
      const extraOf = (l: string) => /\bextra\s*==\s*["']([^"']+)["']/.exec(l)?.[1].replace(/[-_.]+/g, '-').toLowerCase();
      const published = keptRequirements(w.requires_dist).filter((l) => !unreadable.includes(extraOf(l) ?? ''));
      const snapshot = release.requires_dist ?? [];
      const missing = published.filter((l) => !same([l], snapshot.filter((x) => key(x).key === key(l).key)));
      const unpublished = snapshot.filter((l) => !same([l], published.filter((x) => key(x).key === key(l).key)));
      assert.deepEqual({ missing, unpublished }, { missing: [], unpublished: [] }, `${w.name} ${w.version} (${release.source})`);
      assert.equal(snapshot.length, published.length, `${w.name} ${w.version}: one snapshot line per published line`);
      extras += published.filter((l) => key(l).extraOnly).length;
    }
    assert.ok(extras >= 30, `${extras} extras' lines compared`);
  });

  test('rows read from a mirror are what their wheels declare: Requires-Python and Requires-Dist only, no wheel summary', () => {
    const index = JSON.parse(readFileSync(join(root, 'metadata', 'snapshot.json'), 'utf8')) as { packages: Record<string, unknown> };
    let checked = 0;
    for (const name of Object.keys(index.packages)) {
      for (const release of shipped.get(name)!.releases.filter((r) => fromWheel(r.source))) {
        const [version] = release.versions;
        assert.equal(release.versions.length, 1, `${name} ${version}: a row read from a wheel speaks for its own release`);
        const w = wheels.find((x) => normalizeName(x.name) === name && x.version === version);
        assert.ok(w, `${name} ${version}: the fixture has the header fields of a wheel of this release`);
        assert.equal(release.requires_python, w.requires_python, `${name} ${version}`);
        assert.deepEqual(release.requires_dist, keptRequirements(w.requires_dist), `${name} ${version}`);
        assert.equal(release.wheels, undefined, `${name} ${version}: one wheel of a mirror says nothing of the others`);
        const sha = /sha256:([0-9a-f]{64})\)$/.exec(release.source)![1];
        if (sha === w.sha256) assert.ok(release.source.includes(`(${w.wheel} sha256:`), release.source);
        checked++;
      }
    }
    assert.ok(checked >= 25, `${checked} rows read from wheels`);
  });
});
