// Which fix bulk fixing applies: the safe one; with --unsafe-fixes a fix that needs review where no safe one is
// left; an unsafe fix (one side of contradicting pins) never. Real findings on real manifest text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixProject } from '../../../src/core/engine/apply';
import { fixToApply } from '../../../src/core/engine/applicability';
import type { CheckSettings } from '../../../src/core/engine/config';
import { check, findings, toInput } from './helpers';

const installed: CheckSettings = { environment: { label: '.venv', packages: {
  diffusers: { version: '0.21.0', requiresDist: [] }, 'huggingface-hub': { version: '0.26.2', requiresDist: [] } } } };

describe('applicability', () => {
  test('the safe fix is the one applied, at either level; without it, a fix for review only when asked', async () => {
    const [found] = findings(await check({ 'requirements.txt': 'diffusers>=0.21.0\n' }, installed)).filter((f) => f.code === 'hf-hub-cached-download');
    assert.equal(fixToApply(found.fixes)?.title, 'Require diffusers>=0.29.0');
    assert.equal(fixToApply(found.fixes, 'needs-review')?.title, 'Require diffusers>=0.29.0', 'the safe fix comes first at any level');
    const forReview = found.fixes.filter((f) => f.applicability !== 'safe');
    assert.equal(fixToApply(forReview), undefined);
    assert.equal(fixToApply(forReview, 'needs-review')?.title, 'Keep huggingface_hub below 0.26.0');
  });

  test('an unsafe fix (which of two contradicting pins wins) is never applied in bulk', async () => {
    const files = { 'requirements.txt': 'numpy<2\nnumpy>=2.1\n' };
    const found = findings(await check(files)).filter((f) => f.code === 'conflicting-pins');
    assert.ok(found.length === 2 && found.every((f) => f.fixes.length && f.fixes.every((x) => x.applicability === 'unsafe')));
    for (const level of ['safe', 'needs-review'] as const) {
      const { changed } = await fixProject(toInput(files), { level });
      assert.equal(changed.size, 0, `level ${level}`);
    }
    assert.ok(found.every((f) => fixToApply(f.fixes, 'unsafe')), 'by hand, each side can be chosen');
  });
});
