// Pins that no release matches (a release that does not exist, a typo) beside another conflict, checked by the real
// engine over the metadata snapshot that ships: pip stops at the first and the derivation names one, but each would
// stop pip alone, so each gets its own resolution-conflict error at its line, in the words it gets alone. A pin
// matched on some of the Pythons in question, or unmatched only because of a constraint, is not said on its own; nor
// is a pin a rule already refuses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject } from '../../../src/core/engine/check';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import type { Finding } from '../../../src/core/types';
import { NodeMetadata } from '../../../src/node/metadata';
import { knowledge, messageProblems } from './helpers';

const root = join(__dirname, '..', '..', '..');
const metadata = new NodeMetadata(join(root, 'metadata'));

async function conflicts(files: Record<string, string>): Promise<{ line: number; message: string; fixes: number }[]> {
  const result = await checkProject({ files: Object.entries(files).map(([path, text]) => ({ path, text })), knowledge,
    readFile: async (p) => files[p], ...declaredMetadataHooks((name) => metadata.get(name)) });
  const all: Finding[] = result.files.flatMap((f) => f.findings);
  assert.deepEqual(all.flatMap(messageProblems), []);
  return all.filter((f) => f.code === 'resolution-conflict').map((f) => ({ line: f.range.start.line + 1, message: f.message, fixes: f.fixes.length }))
    .sort((a, b) => a.line - b.line);
}

describe('pins no release matches, beside another conflict', () => {
  test('two releases that do not exist: an error at each, each naming its own pin', async () => {
    const got = await conflicts({ '/p/requirements.txt': 'numpy==1.26.7\nrequests\ntokenizers==0.13.9\n' });
    assert.deepEqual(got.map((c) => c.line), [1, 3]);
    assert.match(got[0].message, /no version of numpy==1\.26\.7 and you require numpy==1\.26\.7 \(\/p\/requirements\.txt:1\)/);
    assert.match(got[1].message, /no version of tokenizers==0\.13\.9 and you require tokenizers==0\.13\.9 \(\/p\/requirements\.txt:3\)/);
    // Each in the words it gets alone.
    assert.deepEqual((await conflicts({ '/p/requirements.txt': 'tokenizers==0.13.9\n' }))[0].message, got[1].message.replace(':3)', ':1)'));
  });

  test('typing a release that does not exist into a real project with its own conflict is flagged where it is typed', async () => {
    const real = readFileSync(join(root, 'test/fixtures/real-projects/broken/stable-hair/requirements.txt'), 'utf8');
    const before = await conflicts({ '/p/requirements.txt': real });
    const typed = await conflicts({ '/p/requirements.txt': real.replace('numpy==1.26.4', 'numpy==1.26.7') });
    const numpyLine = real.split('\n').indexOf('numpy==1.26.4') + 1;
    assert.ok(!before.some((c) => c.line === numpyLine));
    assert.ok(typed.some((c) => c.line === numpyLine && /no version of numpy==1\.26\.7/.test(c.message)), JSON.stringify(typed));
    // What was reported before is still reported.
    for (const c of before) assert.ok(typed.some((t) => t.line === c.line), `line ${c.line}`);
  });

  test('not said on its own: a pin some Python in question installs, and one only a constraint leaves unmatched', async () => {
    // numpy 1.21.0 has no release for 3.14 but installs on 3.8: the environment's other conflict is said, not this pin.
    const somePython = await conflicts({ '/p/requirements.txt': 'numpy==1.21.0\ntokenizers==0.13.9\n' });
    assert.deepEqual(somePython.map((c) => c.line), [2]);
    // A constraint that excludes the pinned release is the pins' contradiction, not a release that does not exist.
    const constrained = await conflicts({ '/p/requirements.txt': '-c constraints.txt\nnumpy==1.26.4\ntokenizers==0.13.9\n', '/p/constraints.txt': 'numpy<1.26\n' });
    assert.ok(!constrained.some((c) => c.line === 2 && /no version of numpy==1\.26\.4 and you require numpy==1\.26\.4 \(/.test(c.message)), JSON.stringify(constrained));
  });
});
