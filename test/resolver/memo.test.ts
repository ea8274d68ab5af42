// Remembered resolutions (src/core/resolver/memo.ts): the same answer as resolving afresh, with the caller's own
// origins in a conflict's words, whichever file the remembered one came from; a changed pin is resolved again; the
// memo stays bounded. And the engine's checks give identical findings with and without remembered resolutions, on
// the example projects and on the bundled snapshot (so caching never changes what a user sees).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom, type CheckInput } from '../../src/core/engine/check';
import { declaredMetadataHooks, freshVersions, resolutionFindings } from '../../src/core/engine/resolution';
import { yankedFindings } from '../../src/core/engine/yanked';
import { resolve, targetEnvironment, type RootRequirement } from '../../src/core/resolver';
import { rootsOf } from '../../src/core/resolver/environment';
import { ResolveMemo } from '../../src/core/resolver/memo';
import { bundledFamilies } from '../../src/core/rules/bundled';
import { NodeMetadata } from '../../src/node/metadata';
import { meta, rel } from '../support/ecosystems';
import { rng } from '../support/random';

const db = new Map([
  ['torch', meta('torch', [rel('2.2.0'), rel('2.3.1'), rel('2.4.0')])],
  ['torchvision', meta('torchvision', [rel('0.17.0', ['torch==2.2.0']), rel('0.18.1', ['torch==2.3.1']), rel('0.19.0', ['torch==2.4.0'])])],
]);
const source = (n: string) => db.get(n);
const options = { environment: targetEnvironment('3.11') };
const roots = (path: string, lines: string[]): RootRequirement[] => lines.map((requirement, line) => ({ requirement, origin: { path, line, ref: { path, line } } }));

describe('remembered resolutions', () => {
  test('a conflict remembered from one file reads with the origins of another', () => {
    const memo = new ResolveMemo(source);
    const a = roots('svc-a/requirements.txt', ['torch>=2.3', 'torchvision==0.17.0']);
    const b = roots('svc-b/requirements.txt', ['torch>=2.3', 'torchvision==0.17.0']);
    const first = memo.resolve(a, options);
    const second = memo.resolve(b, options);
    assert.equal(memo.misses, 1);
    assert.equal(memo.hits, 1);
    for (const [got, own] of [[first, a], [second, b]] as const) {
      const fresh = resolve(own, source, options);
      assert.ok(!fresh.ok && fresh.reason === 'conflict' && !got.ok && got.reason === 'conflict');
      assert.equal(got.conflict.message, fresh.conflict.message);
      assert.match(got.conflict.message, new RegExp(own[0].origin!.path!.replace('/', '\\/')));
      // The roots and causes handed back are the caller's own objects, as resolve() hands them back.
      assert.deepEqual(got.conflict.roots.map((r) => own.indexOf(r)), fresh.conflict.roots.map((r) => own.indexOf(r)));
      assert.ok(got.conflict.roots.every((r) => own.includes(r)));
      assert.deepEqual(got.conflict.causes, fresh.conflict.causes);
      assert.deepEqual(got.conflict.packages, fresh.conflict.packages);
    }
  });

  test('a changed pin is resolved again; the memo keeps at most its bound', () => {
    const memo = new ResolveMemo(source, 3);
    const before = memo.resolve(roots('r.txt', ['torchvision==0.17.0', 'torch']), options);
    const after = memo.resolve(roots('r.txt', ['torchvision==0.18.1', 'torch']), options);
    assert.ok(before.ok && after.ok);
    assert.equal(before.packages.get('torch')!.version, '2.2.0');
    assert.equal(after.packages.get('torch')!.version, '2.3.1');
    assert.equal(memo.misses, 2);
    for (const v of ['2.2.0', '2.3.1', '2.4.0', '2.2.0']) memo.resolve(roots('r.txt', [`torch==${v}`]), options);
    assert.equal(memo.size, 3);
    // The least recently used went first: 0.17.0 was evicted, 2.2.0 (used last) stayed.
    const hits = memo.hits;
    memo.resolve(roots('r.txt', ['torch==2.2.0']), options);
    assert.equal(memo.hits, hits + 1);
    memo.resolve(roots('r.txt', ['torchvision==0.17.0', 'torch']), options);
    assert.equal(memo.hits, hits + 1);
  });

  test('the memo keeps at most its bound of roots, summed over its results: a large environment typed into keeps few', () => {
    const memo = new ResolveMemo(source, 1000, 5);
    memo.resolve(roots('r.txt', ['torch==2.2.0', 'torchvision']), options);
    memo.resolve(roots('r.txt', ['torch==2.3.1', 'torchvision']), options);
    assert.equal(memo.size, 2);
    // A third two-root result would hold six roots: the least recently used goes.
    memo.resolve(roots('r.txt', ['torch==2.4.0', 'torchvision']), options);
    assert.equal(memo.size, 2);
    const hits = memo.hits;
    memo.resolve(roots('r.txt', ['torch==2.3.1', 'torchvision']), options);
    assert.equal(memo.hits, hits + 1);
    memo.resolve(roots('r.txt', ['torch==2.2.0', 'torchvision']), options);
    assert.equal(memo.hits, hits + 1);
    // One result over the bound alone is still remembered (alone), and the answers stay resolve's.
    const big = roots('r.txt', ['torch==2.2.0', 'torchvision', 'torchvision>=0.17', 'torch>=2.2', 'torch<3', 'torchvision<1']);
    assert.deepEqual(memo.resolve(big, options), resolve(big, source, options));
    assert.equal(memo.size, 1);
  });

  test('roots are told apart by each text, its kind and the options; the bound holds across Pythons of one roots list', () => {
    const memo = new ResolveMemo(source, 4);
    const split = memo.resolve(roots('r.txt', ['torch==2.2.0', 'torchvision']), options);
    // The same characters in one root (a naive concatenation of the two would collide): an invalid requirement.
    const joined = memo.resolve(roots('r.txt', ['torch==2.2.0torchvision']), options);
    assert.equal(memo.misses, 2);
    assert.ok(split.ok && split.packages.get('torchvision')!.version === '0.17.0');
    assert.deepEqual(joined, resolve(roots('r.txt', ['torch==2.2.0torchvision']), source, options));
    // A constraint installs nothing: not the same question as a requirement of the same text.
    const asConstraint = memo.resolve([{ requirement: 'torchvision==0.18.1', constraint: true }, { requirement: 'torch' }], options);
    const asRequirement = memo.resolve([{ requirement: 'torchvision==0.18.1' }, { requirement: 'torch' }], options);
    assert.ok(asConstraint.ok && asRequirement.ok);
    assert.equal(asConstraint.packages.get('torchvision'), undefined);
    assert.equal(asRequirement.packages.get('torch')!.version, '2.3.1');
    // One roots list on several Pythons: one result each, and never more than the bound in all.
    const list = roots('r.txt', ['torch']);
    for (const python of ['3.9', '3.10', '3.11', '3.12', '3.13']) {
      const got = memo.resolve(list, { environment: targetEnvironment(python) });
      assert.deepEqual(got, resolve(list, source, { environment: targetEnvironment(python) }));
    }
    assert.equal(memo.size, 4);
    const misses = memo.misses;
    memo.resolve(list, { environment: targetEnvironment('3.13') });
    assert.equal(memo.misses, misses, 'the most recent Python of the list is still remembered');
    memo.resolve(list, { environment: targetEnvironment('3.13'), maxSteps: 10 });
    assert.equal(memo.misses, misses + 1, 'another step budget is another question');
  });

  test('packages held to the releases the snapshot describes: another question, remembered under its own key', () => {
    // torchvision 0.20 is newer than the snapshot: the unknown candidate, unless torchvision is held.
    const stale = new Map([...db, ['torchvision', { ...db.get('torchvision')!, registry_newest: '0.20.0' }]]);
    const memo = new ResolveMemo((n) => stale.get(n));
    const list = roots('r.txt', ['torch==2.4.0', 'torchvision>=0.19']);
    const free = memo.resolve(list, options);
    const held = memo.resolve(list, { ...options, describedOnly: ['torchvision'] });
    assert.ok(free.ok && free.packages.get('torchvision')!.version === '0.19.0');
    const other = roots('r.txt', ['torch==2.3.1', 'torchvision>=0.19']);
    assert.ok(memo.resolve(other, options).ok, 'the unknown newer torchvision takes torch 2.3.1');
    const heldOther = memo.resolve(other, { ...options, describedOnly: ['torchvision'] });
    assert.ok(!heldOther.ok && heldOther.reason === 'conflict');
    assert.deepEqual(heldOther, resolve(other, (n) => stale.get(n), { ...options, describedOnly: ['torchvision'] }));
    assert.ok(held.ok);
    assert.equal(memo.misses, 4);
    memo.resolve(other, { ...options, describedOnly: ['torchvision'] });
    assert.equal(memo.misses, 4, 'remembered');
    // A conflict with torchvision held stands for the other Pythons with it held, never for them without.
    const py312 = { environment: targetEnvironment('3.12') };
    const shared = memo.resolve(other, { ...py312, describedOnly: ['torchvision'] }, false);
    assert.ok(!shared.ok);
    assert.equal(memo.misses, 4, 'the held conflict on 3.11 stands for 3.12');
    assert.ok(memo.resolve(other, py312, false).ok, 'without torchvision held it installs on 3.12');
  });

  test('without origins, a conflict is the remembered one; with them, the caller\'s', () => {
    const memo = new ResolveMemo(source);
    const own = roots('app/requirements.txt', ['torchvision==0.17.0', 'torch==2.4.0']);
    const bare = memo.resolve(own, options, false);
    const told = memo.resolve(own, options);
    assert.ok(!bare.ok && bare.reason === 'conflict' && !told.ok && told.reason === 'conflict');
    assert.doesNotMatch(bare.conflict.message, /app\/requirements\.txt/);
    assert.match(told.conflict.message, /app\/requirements\.txt:1/);
    assert.deepEqual(told, resolve(own, source, options));
  });
});

describe('checks with and without remembered resolutions', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const metadata = new NodeMetadata(join(repo, 'metadata'));
  const knowledge = knowledgeFrom(bundledFamilies, metadata);
  const snapshot = (n: string) => metadata.get(n);
  /** The hooks as they were before resolutions were remembered: every environment resolved afresh. */
  const uncached: Pick<CheckInput, 'environmentFindings' | 'freshVersions'> = {
    environmentFindings: (env, c) => [...resolutionFindings(env, { source: snapshot, ...c }), ...yankedFindings(env, { source: snapshot, settings: c.settings })],
    freshVersions: (env, c) => freshVersions(env, { source: snapshot, settings: c.settings }),
  };
  const projects = readdirSync(join(repo, 'examples')).map((d) => join(repo, 'examples', d)).filter((d) => statSync(d).isDirectory());
  const filesOf = (dir: string) => readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
  const input = (dir: string, hooks: Partial<CheckInput>): CheckInput => ({ ...hooks, files: filesOf(dir), knowledge, settings: {},
    readFile: async (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } });
  const findingsOf = async (dir: string, hooks: Partial<CheckInput>) => (await checkProject(input(dir, hooks))).files.map((f) => ({ path: f.path, findings: f.findings }));

  test('the example projects: identical findings, the second check served from the memo', async () => {
    assert.ok(projects.length >= 2);
    const shared = declaredMetadataHooks(snapshot);
    for (const round of [1, 2]) {
      for (const dir of projects) {
        const want = await findingsOf(dir, uncached);
        assert.ok(want.some((f) => f.findings.length), `${dir} has findings`);
        assert.deepEqual(await findingsOf(dir, shared), want, `${dir}, round ${round}`);
      }
    }
  });

  test('a file typed into: each check with the memo gives the findings of a check without it; unchanged pins keep their roots', async () => {
    // A check per keystroke of one path, as the editor makes them: a file read again keeps its unchanged lines'
    // requirements, so its environment's roots are the same objects, and so are the memo's placeholders for them and
    // what the resolver keeps per placeholder (src/core/resolver/pip.ts, preparedRoot). Edits: a pin's version changed
    // to a release, to one that does not exist, to a floor; a line dropped and put back (every line below moves).
    const real = readFileSync(join(repo, 'test/fixtures/real-projects/broken/stable-hair/requirements.txt'), 'utf8');
    const lines = real.split('\n');
    const pinned = lines.map((l, i) => [i, /^([A-Za-z0-9._-]+)==([0-9][^\s;#]*)$/.exec(l)] as const).filter(([, m]) => m);
    const random = rng(20261207);
    const shared = declaredMetadataHooks(snapshot);
    const path = '/typed/stable-hair/requirements.txt';
    let text = real;
    let roots: readonly RootRequirement[] | undefined;
    let kept = 0;
    for (let step = 0; step < 30; step++) {
      const [i, m] = pinned[Math.floor(random() * pinned.length)];
      const name = m![1];
      const releases = metadata.get(name.toLowerCase().replace(/[._-]+/g, '-'))?.releases.flatMap((r) => r.versions) ?? [m![2]];
      const edit = step % 5;
      const before = text.split('\n');
      const now = [...before];
      if (edit === 4) now.splice(i, 1);
      else now[i] = edit === 0 ? `${name}==${releases[Math.floor(random() * releases.length)]}` : edit === 1 ? `${name}==${m![2]}.${step + 7}` : edit === 2 ? `${name}>=${m![2]}` : lines[i];
      text = now.join('\n');
      const got = await checkProject({ ...shared, files: [{ path, text }], knowledge, settings: {} });
      const want = await checkProject({ ...uncached, files: [{ path: `/fresh/${step}/requirements.txt`, text }], knowledge, settings: {} });
      const findings = (r: typeof got) => JSON.stringify(r.files[0].findings).replaceAll(/\/(typed\/stable-hair|fresh\/\d+)\//g, '/');
      assert.equal(findings(got), findings(want), `step ${step}: ${now[i]}`);
      const next = rootsOf(got.environments[0]);
      if (roots) {
        const earlier = new Map(roots.map((r) => [r.origin?.line, r]));
        const same = next.filter((r) => earlier.get(r.origin?.line) === r).length;
        // A path's first read keeps nothing (../../src/core/formats/requirements/parse.ts): its lines are taken again from
        // the third read on. A dropped line moves every line below it, which is then read anew; otherwise only the
        // edited pin's root is new.
        if (step >= 2 && edit !== 4) assert.equal(same, next.filter((r) => r.origin).length - (now[i] === before[i] ? 0 : 1), `step ${step}`);
        kept += same;
      }
      roots = next;
    }
    assert.ok(kept > 1000, `${kept} roots kept`);
  });

  test('the same requirements in another folder, and a pin changed since: identical findings', async () => {
    // The small ecosystem above, where pip's verdict is a resolution-conflict whose words name the file and line.
    const bare = knowledgeFrom(bundledFamilies);
    const plain: Pick<CheckInput, 'environmentFindings' | 'freshVersions'> = {
      environmentFindings: (env, c) => resolutionFindings(env, { source, ...c }),
      freshVersions: (env, c) => freshVersions(env, { source, settings: c.settings }),
    };
    const shared = declaredMetadataHooks(source);
    const text = 'torch>=2.3\ntorchvision==0.17.0\n';
    for (const [path, t] of [['/w/a/requirements.txt', text], ['/w/b/sub/requirements.txt', `# moved down a line\n${text}`], ['/w/a/requirements.txt', text.replace('0.17.0', '0.18.1')]]) {
      const files = [{ path, text: t }];
      const want = (await checkProject({ ...plain, files, knowledge: bare, settings: {} })).files;
      const got = (await checkProject({ ...shared, files, knowledge: bare, settings: {} })).files;
      assert.deepEqual(got, want, path);
      const conflict = got[0].findings.find((f) => f.code === 'resolution-conflict');
      if (t.includes('0.18.1')) assert.equal(conflict, undefined);
      else assert.ok(conflict?.message.includes(`${path}:${t.startsWith('#') ? 3 : 2}`), conflict?.message);
    }
  });
});
