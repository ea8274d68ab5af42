// The rule pages' "What each release declares" tables (src/core/metadata/declared-table.ts, rendered by
// scripts/gen-rule-docs.ts): each row says what the snapshot file says of its releases, and no rule whose rows gave
// way to the snapshot restates its ranges by hand in its explanation (a second copy that could go stale unseen).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { declaredTable } from '../../../src/core/metadata/declared-table';
import { messageCompanions } from '../../../src/core/metadata/derive';
import type { PackageMetadata } from '../../../src/core/metadata/types';
import { compareVersions, parseVersion } from '../../../src/core/pep440';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import type { RequiresRule } from '../../../src/core/rules/types';
import { NodeMetadata } from '../../../src/node/metadata';

const root = join(__dirname, '..', '..', '..');
const shipped = new NodeMetadata(join(root, 'metadata'));
/** The package file as stored, read here without the code under test. */
const raw = (name: string) => JSON.parse(readFileSync(join(root, 'metadata', 'packages', `${name}.json`), 'utf8')) as PackageMetadata;
const norm = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();

const snapshotRules = (): RequiresRule[] => bundledFamilies.flatMap((f) => f.rules)
  .filter((r): r is RequiresRule => r.kind === 'requires' && r.rows.length === 0);

interface Row { versions: string; declared: string; provenance: string }
function parseTable(md: string): Row[] {
  const lines = md.split('\n').filter((l) => l.startsWith('| '));
  return lines.slice(1).map((l) => {
    const cells = l.slice(2, -2).split(/(?<!\\) \| /);
    assert.equal(cells.length, 3, l);
    return { versions: cells[0], declared: cells[1], provenance: cells[2] };
  });
}

const cmp = (a: string, b: string) => compareVersions(parseVersion(a)!, parseVersion(b)!);
/** Whether a version cell ("a–b" for a stretch, "a, b" for releases one by one, or "a") covers `v`. */
function covers(cell: string, v: string): boolean {
  const range = cell.split('–');
  if (range.length === 2) return cmp(range[0], v) <= 0 && cmp(v, range[1]) <= 0;
  return cell.split(', ').includes(v);
}

/** Checks each release entry of the stored file against the one row that covers its releases. */
function checkAgainstSnapshot(name: string, dep: string): Row[] {
  const file = raw(name);
  const md = declaredTable(shipped.get(name)!, dep);
  const rows = parseTable(md);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| '))[0], `| ${name} | ${dep} | provenance |`);
  for (const entry of file.releases) {
    for (const v of entry.versions) {
      const at = rows.filter((r) => covers(r.versions, v));
      assert.equal(at.length, 1, `${name} ${v}: one row, got ${at.length}`);
      const named = entry.requires_dist?.filter((line) => norm(/^[A-Za-z0-9._-]+/.exec(line)![0]) === dep);
      const spans = [...at[0].declared.matchAll(/`([^`]*)`/g)].map((m) => m[1].replace(/\\\|/g, '|'));
      if (named === undefined || (!named.length && entry.requires_dist_partial)) assert.match(at[0].declared, /^unknown/, `${name} ${v}`);
      else if (!named.length) assert.equal(at[0].declared, `no requirement on ${dep}`, `${name} ${v}`);
      else assert.deepEqual(spans, named, `${name} ${v}`);
    }
    // The row that starts with this entry names its source first.
    const first = rows.find((r) => r.versions.split(/–|, /)[0] === entry.versions[0]);
    if (first) assert.ok(first.provenance.replace(/\\\|/g, '|').startsWith(entry.source), `${name} ${entry.versions[0]}: ${first.provenance}`);
  }
  // Every version a row names is a release the file lists.
  const listed = new Set(file.releases.flatMap((e) => e.versions));
  for (const r of rows) for (const v of r.versions.split(/–|, /)) assert.ok(listed.has(v), `${name}: row names ${v}`);
  assert.match(md, new RegExp(`^## What each release declares \\(metadata snapshot of ${file.snapshot_date}\\)`));
  assert.ok(md.includes(`Releases newer than ${file.complete_through}`), 'names where the snapshot stops');
  if (file.registry_newest && file.registry_newest !== file.complete_through) assert.ok(md.includes(`the registry lists up to ${file.registry_newest}`));
  return rows;
}

describe('declared tables on the rule pages', () => {
  test('scipy-numpy-range: each row is the numpy line the snapshot holds for its releases', () => {
    const rows = checkAgainstSnapshot('scipy', 'numpy');
    const file = raw('scipy');
    // A few releases read straight from the file: the row covering each shows exactly its numpy line.
    for (const v of ['1.12.0', '1.13.1', '1.18.1']) {
      const entry = file.releases.find((e) => e.versions.includes(v))!;
      const row = rows.find((r) => covers(r.versions, v))!;
      assert.equal(row.declared, `\`${entry.requires_dist!.find((l) => l.startsWith('numpy'))}\``, v);
    }
  });

  test('xformers-torch-mismatch: each row is the torch pin the snapshot holds for its releases', () => {
    const rows = checkAgainstSnapshot('xformers', 'torch');
    const file = raw('xformers');
    for (const v of ['0.0.23', '0.0.28.post3', '0.0.34', '0.0.35']) {
      const entry = file.releases.find((e) => e.versions.includes(v))!;
      const row = rows.find((r) => covers(r.versions, v))!;
      assert.equal(row.declared, `\`${entry.requires_dist!.find((l) => l.startsWith('torch'))}\``, v);
    }
  });

  test('every rule whose rows gave way to the snapshot: its table matches the snapshot, and its page shows it', () => {
    const rules = snapshotRules();
    assert.ok(rules.length >= 14, `${rules.length} rules`);
    for (const rule of rules) {
      const deps = messageCompanions(rule);
      assert.ok(deps.length, `${rule.code} names its companion in its message`);
      const page = readFileSync(join(root, 'docs', 'rules', `${rule.code}.md`), 'utf8');
      for (const dep of deps) {
        checkAgainstSnapshot(rule.package, dep);
        assert.ok(page.includes(declaredTable(shipped.get(rule.package)!, dep)), `${rule.code}: docs/rules page is the build's (npm run build)`);
      }
    }
  });

  test('a rule whose rows gave way to the snapshot restates no range table in its explanation', () => {
    const restated = snapshotRules().filter((r) => /^\s*\|.*\|\s*$/m.test(r.explanation)).map((r) => r.code);
    assert.deepEqual(restated, []);
  });

  test('sparse rows and a partial listing are never shown as ranges', () => {
    const pkg: PackageMetadata = {
      format: 1, name: 'demo', snapshot_date: '2026-01-01', registry_newest: '3.0', complete_from: '1.0', complete_through: '2.0',
      releases: [
        { versions: ['0.5'], requires_dist: ['dep>=1'], source: 'a@0.5' },
        { versions: ['0.7'], requires_dist: ['dep>=1'], source: 'a@0.7' },
        { versions: ['1.0', '1.1'], requires_dist: ['dep>=1'], source: 'a@1.0' },
        { versions: ['2.0'], requires_dist: ['dep>=1'], source: 'a@2.0' },
        { versions: ['2.5'], requires_dist: ['dep>=2', 'other'], source: 'mirror', sparse: true },
      ],
    };
    const rows = parseTable(declaredTable(pkg, 'dep'));
    assert.deepEqual(rows.map((r) => r.versions), ['0.5', '0.7', '1.0–2.0', '2.5']);
    assert.deepEqual(rows.map((r) => r.declared), ['`dep>=1`', '`dep>=1`', '`dep>=1`', '`dep>=2`']);
    assert.equal(rows[2].provenance, 'a@1.0; a@2.0');
  });
});
