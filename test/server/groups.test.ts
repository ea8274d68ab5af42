// The language server checks a folder in groups (src/server/groups.ts): which files go together, and that checking
// group by group (joining groups whose files include each other, as the server does) reports exactly what checking
// the whole folder at once reports (the CLI's way).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject, type CheckResult } from '../../src/core/engine/check';
import { Grouping } from '../../src/server/groups';
import { knowledge } from '../core/engine/helpers';

const examples = join(import.meta.dirname, '..', '..', 'examples');

describe('Grouping', () => {
  test('sibling folders are apart; a manifest above joins what is below it; a link joins two trees', () => {
    const g = new Grouping();
    for (const p of ['/w/a/requirements.txt', '/w/b/requirements.txt', '/w/b/docker/Dockerfile', '/w/c/deep/x/requirements.txt']) g.add(p);
    assert.equal(g.groupOf('/w/a/requirements.txt'), '/w/a');
    assert.equal(g.groupOf('/w/b/docker/Dockerfile'), '/w/b');
    assert.equal(g.groupOf('/w/c/deep/x/requirements.txt'), '/w/c/deep/x');
    assert.equal(g.groups().size, 3);
    assert.equal(g.groupOf('/w/b/setup.sh'), '/w/b', 'a path that is not a member: where it would go');
    assert.equal(g.groupOf('/elsewhere/requirements.txt'), undefined);
    assert.equal(g.link('/w/a/requirements.txt', '/w/c/deep/x/requirements.txt'), true);
    assert.equal(g.groupOf('/w/c/deep/x/requirements.txt'), '/w/a', 'joined under the smaller root');
    assert.equal(g.link('/w/a/requirements.txt', '/w/c/deep/x/requirements.txt'), false, 'already together');
    g.add('/w/pyproject.toml');
    assert.deepEqual([...g.groups().keys()], ['/w'], 'a pyproject above everything: one project');
    g.remove('/w/pyproject.toml');
    assert.equal(g.groups().size, 2);
  });

  test('a thousand folders group in linear time', () => {
    const g = new Grouping();
    for (let i = 0; i < 20_000; i++) g.add(`/w/svc-${i}/sub/requirements.txt`);
    const t = performance.now();
    assert.equal(g.groups().size, 20_000);
    assert.ok(performance.now() - t < 2000);
  });
});

/** What the findings of a check say, per file, in a comparable form. */
function summary(results: CheckResult[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of results) {
    for (const f of r.files) {
      const list = out.get(f.path) ?? [];
      list.push(...f.findings.map((x) => `${x.code} ${x.range.start.line}:${x.range.start.character} ${x.severity} ${x.message}`));
      out.set(f.path, list);
    }
  }
  for (const [path, list] of out) if (!list.length) out.delete(path); else list.sort();
  return out;
}

test('checking group by group reports what checking the whole folder reports', async () => {
  const texts = new Map<string, string>();
  for (const [name, folder] of [['seed-project', '/w/app'], ['seed-project-after-naive-fix', '/w/fixed']]) {
    for (const f of readdirSync(join(examples, name)).filter((x) => x !== 'README.md')) texts.set(`${folder}/${f}`, readFileSync(join(examples, name, f), 'utf8'));
  }
  for (let i = 0; i < 12; i++) {
    texts.set(`/w/services/svc-${i}/requirements.txt`, `torch==2.${i % 9}.0\ntorchvision==0.${15 + (i % 9)}.0\ndiffusers>=0.${20 + (i % 15)}.0\nnumpy${i % 2 ? '<2' : '>=2'}\n`);
  }
  // Includes across trees: a service that includes another folder's file, and a shared constraints file.
  texts.set('/w/services/svc-3/requirements.txt', '-r ../../common/base.txt\ntorch==2.2.0\n');
  texts.set('/w/common/base.txt', 'torchvision==0.15.2\nnumpy>=2\n');
  texts.set('/w/common/requirements.txt', '-c base.txt\ntorchvision\n');
  texts.set('/w/tools/install.sh', 'pip install -r ../app/requirements.txt\npip install "torch==2.1.0"\n');
  const input = (paths: string[]) => ({ files: paths.map((path) => ({ path, text: texts.get(path)! })), readFile: async (p: string) => texts.get(p), knowledge, roots: ['/w'] });

  const whole = summary([await checkProject(input([...texts.keys()]))]);

  // The server's way: group, check each group, join groups whose files include another group's files, repeat.
  const g = new Grouping();
  for (const path of texts.keys()) g.add(path);
  let results: CheckResult[] = [];
  for (let round = 0; ; round++) {
    assert.ok(round < 10, 'joining converges');
    results = [];
    let joined = false;
    for (const members of g.groups().values()) {
      const r = await checkProject(input(members));
      results.push(r);
      for (const file of r.files) for (const inc of file.manifest?.includes ?? []) if (inc.resolvedPath && g.has(inc.resolvedPath) && g.link(file.path, inc.resolvedPath)) joined = true;
    }
    if (!joined) break;
  }
  assert.ok(g.groups().size >= 12, `the folders stay apart where nothing joins them (${g.groups().size} groups)`);
  assert.deepEqual(summary(results), whole);
});
