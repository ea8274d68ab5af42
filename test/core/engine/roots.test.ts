// Includes outside the checked roots (the VS Code workspace folder, the CLI's paths), through the engine's input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkProject } from '../../../src/core/engine/check';
import { knowledge } from './helpers';

const disk: Record<string, string> = {
  '/ws/requirements.txt': '-r ../secrets/notes.txt\n-r sub/base.txt\n',
  '/ws/sub/base.txt': 'numpy>=2\n',
  '/secrets/notes.txt': './no-project-here\n',
};
const reads: string[] = [];
const input = (settings: { allowIncludesOutside?: boolean }, trusted: boolean, pyproject?: string) => ({
  files: [{ path: '/ws/requirements.txt', text: disk['/ws/requirements.txt'] }, ...(pyproject ? [{ path: '/ws/pyproject.toml', text: pyproject }] : [])],
  readFile: async (p: string) => { reads.push(p); return disk[p]; },
  knowledge, settings, roots: ['/ws'], trusted,
});

describe('roots', () => {
  test('an include outside the root is not read and says so; inside ones are', async () => {
    reads.length = 0;
    const r = await checkProject(input({}, true));
    assert.deepEqual(reads, ['/ws/sub/base.txt']);
    const f = r.files.flatMap((x) => x.findings).find((x) => x.code === 'include-missing');
    assert.match(f?.message ?? '', /"\.\.\/secrets\/notes\.txt" \(\/secrets\/notes\.txt\): not read: it is outside the checked folder/);
  });
  test('the setting allows it in a trusted workspace, not in an untrusted one; so does [tool.ml-pins]', async () => {
    reads.length = 0;
    await checkProject(input({ allowIncludesOutside: true }, true));
    assert.ok(reads.includes('/secrets/notes.txt'));
    reads.length = 0;
    await checkProject(input({ allowIncludesOutside: true }, false));
    assert.ok(!reads.includes('/secrets/notes.txt'));
    const table = '[project]\nname = "x"\nversion = "1"\n[tool.ml-pins]\nallow-includes-outside = true\n';
    reads.length = 0;
    await checkProject(input({}, false, table));
    assert.ok(!reads.includes('/secrets/notes.txt'));
    reads.length = 0;
    await checkProject(input({}, true, table));
    assert.ok(reads.includes('/secrets/notes.txt'));
  });
});
