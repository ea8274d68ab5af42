// A check a package makes at import and does not declare (jax 0.4.0–0.4.29 accept only the jaxlib between their minimum
// and their own version, and name jaxlib only in extras): pip installs a pair outside it, so it narrows nothing and is
// judged as a break by what gets installed (docs/severity.md), while the releases that declare the range (jax 0.4.30
// on) keep the declared-conflict treatment. The shipped rules and snapshot, with pip's resolution as the CLI runs it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { checkProject, knowledgeFrom } from '../../../src/core/engine/check';
import type { CheckSettings } from '../../../src/core/engine/config';
import { declaredMetadataHooks } from '../../../src/core/engine/resolution';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { NodeMetadata } from '../../../src/node/metadata';
import { messageProblems } from './helpers';

const metadata = new NodeMetadata(join(import.meta.dirname, '..', '..', '..', 'metadata'));
const knowledge = knowledgeFrom(bundledFamilies, metadata);

async function mismatch(text: string, settings?: CheckSettings) {
  const result = await checkProject({ files: [{ path: '/p/requirements.txt', text }], knowledge, settings, ...declaredMetadataHooks((n) => metadata.get(n)) });
  const all = result.files.flatMap((f) => f.findings);
  assert.deepEqual(all.flatMap(messageProblems), []);
  return all.filter((f) => f.code === 'jaxlib-jax-mismatch');
}

describe('jaxlib-jax-mismatch: an import-time check judged as a break', () => {
  test('octo: jax 0.4.20 next to chex 0.1.85, which installs the newest jaxlib: an error, mended by keeping jaxlib in range', async () => {
    const [f, ...rest] = await mismatch('jax==0.4.20\nchex==0.1.85\n');
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'error');
    assert.match(f.message, /jax==0\.4\.20 needs jaxlib 0\.4\.14–0\.4\.20/);
    assert.match(f.message, /A new install takes jax 0\.4\.20 with the newest jaxlib \(installed by chex\)\./);
    assert.deepEqual(f.fixes.map((x) => x.title), ['Require jaxlib>=0.4.14,<=0.4.20']);
    assert.deepEqual(await mismatch('jax==0.4.20\njaxlib>=0.4.14,<=0.4.20\nchex==0.1.85\n'), []);
  });

  test('the extra that pins jaxlib, and jax releases that declare their range, stay silent', async () => {
    assert.deepEqual(await mismatch('jax[cpu]==0.4.20\nchex==0.1.85\n'), []);
    assert.deepEqual(await mismatch('jax>=0.4.30\nchex==0.1.85\n'), []);
    assert.deepEqual(await mismatch('jax==0.4.30\njaxlib\n'), [], 'pip takes the jaxlib jax 0.4.30 declares');
  });

  test('a written floor that allows a release an allowed jaxlib breaks: a warning, re-levelled by the admitted setting', async () => {
    // jax 0.4.30 declares jaxlib 0.4.27–0.4.30 (pip takes it with 0.4.30); 0.4.29 checks 0.4.27–0.4.29 at import only.
    const text = 'jax>=0.4.29,<0.4.31\njaxlib==0.4.30\n';
    const [f] = await mismatch(text);
    assert.equal(f?.severity, 'warning');
    assert.match(f.message, /needs jaxlib 0\.4\.27–0\.4\.29/);
    assert.match(f.message, /The floor written here allows jax 0\.4\.29/);
    assert.deepEqual(f.fixes, []);
    assert.equal((await mismatch(text, { admitted: 'information' }))[0]?.severity, 'information');
    assert.deepEqual(await mismatch(text, { admitted: 'off' }), []);
    // No written floor: the pair is the environment's drift, not a choice in the file.
    assert.deepEqual(await mismatch('jax<0.4.31\njaxlib==0.4.30\n'), []);
  });

  test('no allowed pair in range is an error for checked and declared releases alike', async () => {
    const [checked] = await mismatch('jax==0.4.20\njaxlib==0.4.10\n');
    assert.equal(checked?.severity, 'error');
    // pip installs that pair, so no resolution conflict brings upgrades: the finding keeps jaxlib within the check.
    assert.deepEqual(checked.fixes.map((x) => x.title), ['Require jaxlib>=0.4.14,<=0.4.20']);
    assert.deepEqual(await mismatch('jax==0.4.20\njaxlib>=0.4.14,<=0.4.20\n'), []);
    assert.equal((await mismatch('jax==0.4.30\njaxlib==0.4.26\n'))[0]?.severity, 'error');
    // pip refuses 0.4.30 (it declares jaxlib 0.4.27–0.4.30) and takes 0.4.29, which fails at import. The resolver does
    // not vouch for its jax while the registry lists releases newer than the snapshot, so the floor's warning is what
    // is said: reported, not as loudly as it could be.
    assert.equal((await mismatch('jax>=0.4.29,<0.4.31\njaxlib==0.4.26\n'))[0]?.severity, 'warning');
  });
});
