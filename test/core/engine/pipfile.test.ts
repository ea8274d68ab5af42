import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fixProject } from '../../../src/core/engine/apply';
import { check, findings, toInput, ROOT } from './helpers';

const DIFFUSERS = `[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
diffusers = "==0.27.0"
requests = "*"

[dev-packages]
pytest = "*"
`;

function torchPipfile(withSource: boolean): string {
  const sources = withSource
    ? '[[source]]\nurl = "https://pypi.org/simple"\nname = "pypi"\n\n[[source]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cu121"\nverify_ssl = true\n\n'
    : '';
  return `${sources}[packages]\ntorch = {version = "==2.2.0+cu121", index = "pytorch"}\n`;
}

describe('Pipfile through the engine', () => {
  test('diffusers==0.27.0 reports hf-hub-cached-download at its line, once for both environments', async () => {
    const all = findings(await check({ Pipfile: DIFFUSERS }));
    const hits = all.filter((f) => f.code === 'hf-hub-cached-download');
    assert.equal(hits.length, 1);
    assert.equal(hits[0].path, 'Pipfile');
    assert.equal(hits[0].range.start.line, 6);
  });

  test('the preferred fix replaces the specifier inside the string and resolves the finding', async () => {
    const { changed, result } = await fixProject(toInput({ Pipfile: DIFFUSERS }), { only: (f) => f.code === 'hf-hub-cached-download' });
    const text = changed.get(`${ROOT}/Pipfile`);
    assert.ok(text !== undefined, 'the Pipfile was changed');
    assert.equal(text, DIFFUSERS.replace('diffusers = "==0.27.0"', 'diffusers = "==0.29.0"'));
    assert.deepEqual(findings(result).filter((f) => f.code === 'hf-hub-cached-download'), []);
  });

  test('the alternative fix adds a huggingface_hub line to [packages]', async () => {
    const all = findings(await check({ Pipfile: DIFFUSERS }));
    const hit = all.find((f) => f.code === 'hf-hub-cached-download')!;
    const cap = hit.fixes.find((f) => f.edits.some((e) => e.newText.includes('huggingface_hub')));
    assert.ok(cap, 'a fix that adds huggingface_hub');
    assert.deepEqual(cap.edits.map((e) => e.newText), ['\nhuggingface_hub = "<0.26.0"']);
    assert.equal(cap.edits[0].range.start.line, 6);
  });

  test('a star becomes a specifier when fixed', async () => {
    const { changed } = await fixProject(toInput({ Pipfile: '[packages]\ndiffusers = "*"\n' }), { only: (f) => f.code === 'hf-hub-cached-download' });
    const text = changed.get(`${ROOT}/Pipfile`) ?? '';
    assert.match(text, /^\[packages\]\ndiffusers = "[^"*]+"\n/);
  });

  test('a +cu121 torch from a [[source]] that serves it: no torch-variant-no-index; without the source: reported', async () => {
    const withSource = findings(await check({ Pipfile: torchPipfile(true) }));
    assert.deepEqual(withSource.filter((f) => f.code === 'torch-variant-no-index'), []);
    const without = findings(await check({ Pipfile: torchPipfile(false) })).filter((f) => f.code === 'torch-variant-no-index');
    assert.equal(without.length, 1);
    assert.equal(without[0].range.start.line, 1);
  });
});
