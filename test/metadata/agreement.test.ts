// Where both generators can read a release, they must agree: a small git repository with release tags, read by the
// from-source driver (an extractor over pyproject.toml at each tag), and the same releases published on a loopback
// index with their metadata written as a build backend writes it (packaging's normalized requirement strings), read
// by the from-index generator.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SourceExtractor } from '../../scripts/metadata/extractor';
import { readFromIndex } from '../../scripts/metadata/from-index';
import { extractFromRepo } from '../../scripts/metadata/from-source';
import { parseManifest } from '../../src/core/formats';
import { parseRequirement, requirementToString } from '../../src/core/pep508';
import { startIndex } from '../support/index-server';

const RELEASES: { tag: string; pyproject: string }[] = [
  { tag: 'v1.0.0', pyproject: '[project]\nname = "demo-vision"\nversion = "1.0.0"\nrequires-python = ">=3.8"\ndependencies = [\n  "torch >= 2.0, < 2.2",\n  "numpy>=1.22 ; python_version < \'3.12\'",\n]\n[project.optional-dependencies]\nscipy = ["scipy>=1.9"]\n' },
  { tag: 'v1.1.0', pyproject: '[project]\nname = "demo-vision"\nversion = "1.1.0"\nrequires-python = ">=3.9"\ndependencies = [\n  "torch==2.2.0",\n  "Pillow!=8.3.*,>=5.3.0",\n]\n' },
  { tag: 'nightly-2026', pyproject: '[project]\nname = "demo-vision"\nversion = "1.2.0.dev0"\ndependencies = []\n' },
];

/** Reads [project] at a tag: dependencies, optional-dependencies (as `extra == "…"` markers), requires-python. */
const extractor: SourceExtractor = {
  package: 'demo-vision',
  repository: 'example/demo-vision',
  version: (tag) => /^v(\d+\.\d+\.\d+)$/.exec(tag)?.[1],
  extract(ctx) {
    const text = ctx.show('pyproject.toml');
    if (text === undefined) return undefined;
    const m = parseManifest('pyproject.toml', text);
    const requires_dist = m.requirements.filter((r) => r.scope.kind === 'project' || r.scope.kind === 'optional').map((r) => {
      const t = r.text.trim();
      if (r.scope.kind !== 'optional') return t;
      return r.marker ? `${t.replace(/;.*$/, '')}; (${r.marker}) and extra == "${r.scope.name}"` : `${t}; extra == "${r.scope.name}"`;
    });
    return { requires_python: m.requiresPython?.specifier ?? '', requires_dist, source: ctx.cite('pyproject.toml') };
  },
};

/** As a build backend writes Requires-Dist: packaging's str(Requirement). */
const published = (r: string) => { const p = parseRequirement(r); assert.ok(p.ok, r); return requirementToString(p.value); };

test('the from-source driver and the from-index generator agree on the same releases', async () => {
  const repo = mkdtempSync(join(tmpdir(), 'ml-pins-repo-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { encoding: 'utf8' });
  git('init', '-q');
  for (const r of RELEASES) {
    writeFileSync(join(repo, 'pyproject.toml'), r.pyproject);
    git('add', 'pyproject.toml');
    git('commit', '-q', '-m', r.tag);
    git('tag', r.tag);
  }
  const fromSource = extractFromRepo(extractor, repo).sort((a, b) => a.version.localeCompare(b.version));
  assert.deepEqual(fromSource.map((r) => r.version), ['1.0.0', '1.1.0'], 'the nightly tag is not a release');
  assert.match(fromSource[0].source, /^example\/demo-vision@v1\.0\.0:pyproject\.toml$/);

  const index = await startIndex({ packages: { 'demo-vision': fromSource.map((r) => ({
    version: r.version, requires_python: r.requires_python, requires_dist: r.requires_dist!.map(published),
  })) } });
  try {
    const fromIndex = (await readFromIndex('demo-vision', { index: index.url })).records;
    assert.deepEqual(fromIndex.map((r) => r.version), ['1.0.0', '1.1.0']);
    for (const [i, s] of fromSource.entries()) {
      const x = fromIndex[i];
      assert.equal(x.requires_python, s.requires_python, `${s.version}: Requires-Python`);
      assert.deepEqual(x.requires_dist!.map(published).sort(), s.requires_dist!.map(published).sort(), `${s.version}: Requires-Dist`);
      // The index publishes the normalized form, not the text of the repository.
      assert.ok(x.requires_dist!.every((t) => t === published(t)));
    }
    assert.ok(fromIndex[0].requires_dist!.includes('numpy>=1.22; python_version < "3.12"'), JSON.stringify(fromIndex[0].requires_dist));
    assert.ok(fromIndex[0].requires_dist!.includes('scipy>=1.9; extra == "scipy"'));
  } finally { await index.close(); }
});
