// index-replaced, and the index fix where a later --index-url would replace it: real requirement-file text through the
// parser, the include tree and the environments; which indexes pip reads is checked against pip itself in
// test/cli/index-replaced.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixProject } from '../../../src/core/engine/apply';
import { check, findings, ROOT, toInput } from './helpers';

const CU121 = 'https://download.pytorch.org/whl/cu121';

describe('index-replaced: index options pip never reads', () => {
  test('an --extra-index-url before an --index-url: a warning there, and the cu121 build it was for has no index', async () => {
    const all = findings(await check({ 'requirements.txt': `--extra-index-url ${CU121}\n--index-url https://pypi.org/simple\ntorch==2.2.0+cu121\n` }));
    const [w] = all.filter((f) => f.code === 'index-replaced');
    assert.equal(w.severity, 'warning');
    assert.deepEqual(w.range.start, { line: 0, character: 18 });
    assert.match(w.message, /^pip never reads https:\/\/download\.pytorch\.org\/whl\/cu121: the --index-url at requirements\.txt:2 comes later in the same install and replaces every index named before it/);
    assert.deepEqual(w.related?.map((r) => [r.path, r.range.start.line, r.message]), [[`${ROOT}/requirements.txt`, 1, 'replaces it']]);
    assert.ok(all.some((f) => f.code === 'torch-variant-no-index' && f.range.start.line === 2), 'the pin needs the index pip does not read');
  });

  test('--no-index turns off the indexes before and after it', async () => {
    const said = findings(await check({ 'requirements.txt': `--index-url ${CU121}\n--no-index\n--find-links ./wheels\n--extra-index-url https://example.com/simple\nnumpy==1.26.4\n` }))
      .filter((f) => f.code === 'index-replaced');
    assert.deepEqual(said.map((f) => f.range.start.line), [0, 3]);
    assert.ok(said.every((f) => /--no-index \(requirements\.txt:2\) turns off every package index/.test(f.message)));
  });

  test('one --index-url with extra ones after it, or one file with one index: nothing said', async () => {
    assert.deepEqual(findings(await check({ 'requirements.txt': `--index-url https://pypi.org/simple\n--extra-index-url ${CU121}\ntorch==2.2.0+cu121\n` })).map((f) => f.code), []);
    assert.deepEqual(findings(await check({ 'requirements.txt': `-r base.txt\n--extra-index-url ${CU121}\ntorch==2.2.0+cu121\n`, 'base.txt': '--index-url https://pypi.org/simple\nnumpy==1.26.4\n' })).map((f) => f.code), []);
  });

  test('the index fix goes where pip reads it: after the file\'s --index-url and its includes', async () => {
    const fixed = async (files: Record<string, string>) => {
      const { changed } = await fixProject(toInput(files));
      return Object.fromEntries([...changed].map(([p, t]) => [p.slice(ROOT.length + 1), t]));
    };
    assert.deepEqual(await fixed({ 'requirements.txt': 'torch==2.2.0+cu121\n' }), { 'requirements.txt': `--extra-index-url ${CU121}\ntorch==2.2.0+cu121\n` });
    assert.deepEqual(await fixed({ 'requirements.txt': '--index-url https://pypi.org/simple\ntorch==2.2.0+cu121\n' }),
      { 'requirements.txt': `--index-url https://pypi.org/simple\n--extra-index-url ${CU121}\ntorch==2.2.0+cu121\n` });
    assert.deepEqual(await fixed({ 'requirements.txt': 'torch==2.2.0+cu121\n-r base.txt', 'base.txt': '--index-url https://pypi.org/simple\n' }),
      { 'requirements.txt': `torch==2.2.0+cu121\n-r base.txt\n--extra-index-url ${CU121}` });
  });

  test('no index fix where a later --index-url of the install would replace it (it would be added again and again)', async () => {
    const files = { 'requirements.txt': '-r base.txt\n--index-url https://pypi.org/simple\n', 'base.txt': 'torch==2.2.0+cu121\n' };
    const [e] = findings(await check(files)).filter((f) => f.code === 'torch-variant-no-index');
    assert.equal(e.path, 'base.txt');
    assert.deepEqual(e.fixes, []);
    assert.equal((await fixProject(toInput(files))).changed.size, 0);
  });
});
