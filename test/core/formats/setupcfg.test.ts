import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSetupCfg } from '../../../src/core/formats/setupcfg';
import { LineIndex } from '../../../src/core/text';
import type { Range } from '../../../src/core/types';

const text = readFileSync(join(__dirname, '../../fixtures/manifests/setup.cfg'), 'utf8');

function at(source: string, range: Range): string {
  const index = new LineIndex(source);
  return source.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

describe('parseSetupCfg', () => {
  const m = parseSetupCfg('pkg/setup.cfg', text);

  test('reads install_requires and extras with their scopes', () => {
    assert.equal(m.kind, 'setup-cfg');
    assert.deepEqual(m.findings, []);
    assert.deepEqual(m.requirements.map((r) => [r.scope.name ?? '', r.normalizedName, r.specifier]), [
      ['', 'diffusers', '==0.25.1'],
      ['', 'huggingface-hub', '<0.26'],
      ['', 'numpy', '>=1.24,<2'],
      ['', 'torch', '>=2.1'],
      ['rocm', 'torchvision', '==0.17.*'],
      ['rocm', 'torchaudio', ''],
      ['dev', 'pytest', '>=8'],
    ]);
    assert.ok(m.requirements.every((r) => r.scope.kind === 'setup-cfg'));
    assert.equal(m.requirements[0].scope.table, 'options');
    assert.equal(m.requirements[4].scope.table, 'options.extras_require');
  });

  test('ranges are exact on continuation lines, markers included', () => {
    const [diffusers, hub, numpy, torch] = m.requirements;
    assert.deepEqual(diffusers.range, { start: { line: 8, character: 4 }, end: { line: 8, character: 21 } });
    assert.deepEqual(hub.nameRange, { start: { line: 10, character: 4 }, end: { line: 10, character: 19 } });
    assert.equal(at(text, hub.specifierRange), '<0.26');
    assert.equal(numpy.marker, 'python_version < "3.12"');
    assert.equal(at(text, numpy.range), 'numpy>=1.24,<2; python_version < "3.12"');
    assert.equal(at(text, torch.specifierRange), '>= 2.1');
  });

  test('a single-line value splits on ";" as setuptools does', () => {
    const [vision, audio] = m.requirements.slice(4, 6);
    assert.deepEqual(vision.range, { start: { line: 16, character: 7 }, end: { line: 16, character: 26 } });
    assert.equal(at(text, audio.range), 'torchaudio');
    assert.deepEqual(audio.nameRange.start, { line: 16, character: 28 });
  });

  test('python_requires', () => {
    assert.equal(m.requiresPython?.specifier, '>=3.9');
    assert.deepEqual(m.requiresPython?.range, { start: { line: 6, character: 18 }, end: { line: 6, character: 23 } });
  });

  test('file: directives become requirement includes resolved next to setup.cfg', () => {
    const source = '[options]\ninstall_requires = file: requirements.txt, ./extra/gpu.txt\n';
    const r = parseSetupCfg('proj/setup.cfg', source);
    assert.deepEqual(r.requirements, []);
    assert.deepEqual(r.includes.map((i) => [i.kind, i.target, i.resolvedPath, at(source, i.range)]), [
      ['requirement', 'requirements.txt', 'proj/requirements.txt', 'requirements.txt'],
      ['requirement', './extra/gpu.txt', 'proj/extra/gpu.txt', './extra/gpu.txt'],
    ]);
  });

  test('CRLF line endings, tabs and option names in other cases', () => {
    const source = '[options]\r\nInstall_Requires =\r\n\ttorch==2.2.0\r\n\tnumpy\r\n';
    const r = parseSetupCfg('setup.cfg', source);
    assert.deepEqual(r.requirements.map((q) => [q.name, at(source, q.range)]), [['torch', 'torch==2.2.0'], ['numpy', 'numpy']]);
    assert.deepEqual(r.requirements[1].range.start, { line: 3, character: 1 });
  });

  test('broken input: bad requirements and bad lines are findings, reading continues', () => {
    const source = [
      'stray line', '[options]', 'install_requires =', '    torch>=>2', '    numpy', 'not an option line', '',
      '[options.extras_require]', 'gpu = triton', 'gpu = cupy', '',
    ].join('\n');
    const r = parseSetupCfg('setup.cfg', source);
    assert.deepEqual(r.findings.map((f) => [f.code, at(source, f.range)]), [
      ['setup-cfg-syntax', 'stray line'],
      ['requirement-syntax', 'torch>=>2'],
      ['setup-cfg-syntax', 'not an option line'],
      ['setup-cfg-syntax', 'gpu'],
    ]);
    assert.deepEqual(r.requirements.map((q) => q.name), ['numpy', 'triton', 'cupy']);
  });

  test('never throws on prefixes of a real file or on odd text', () => {
    for (let cut = 0; cut <= text.length; cut += 3) parseSetupCfg('setup.cfg', text.slice(0, cut));
    for (const odd of ['', '\n\n', '[', '[]', '=', '[options]\ninstall_requires', '[options]\n  indented = x\n    ;']) {
      assert.ok(Array.isArray(parseSetupCfg('setup.cfg', odd).findings));
    }
  });
});
