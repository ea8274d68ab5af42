// Platform-specific facts (a rule's `platforms`): they apply when the target platform is one of them or unknown, and
// their message then says which platform; a known other platform silences them, for the pins and the installed
// environment alike.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckSettings, Platform } from '../../../src/core/engine/config';
import { validateRule } from '../../../src/core/rules/validate';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { check, findings } from './helpers';

const CODE = 'numpy2-abi-torch-windows';
const pins = { 'requirements.txt': 'torch==2.4.0\nnumpy>=2.0\n' };
const windowsFacts = async (settings: CheckSettings, files: Record<string, string> = pins) => findings(await check(files, settings)).flatMap((f) => [f, ...(f.reasons ?? []).map((r) => ({ ...f, ...r }))])
  .filter((f) => f.code === CODE);

describe('a Windows-only fact (torch 2.4.0\'s Windows wheels and numpy 2)', () => {
  test('applies on Windows, and the message says so', async () => {
    const found = await windowsFacts({ platform: 'windows' });
    assert.deepEqual(found.map((f) => [f.severity, f.range.start.line]), [['error', 0]]);
    assert.match(found[0].message, /^On Windows: torch==2\.4\.0 allows torch 2\.4\.0, whose Windows wheels/);
  });
  test('applies when the platform is unknown, naming Windows', async () => {
    const found = await windowsFacts({});
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^On Windows: /);
  });
  for (const platform of ['linux', 'macos'] as Platform[]) {
    test(`is silent on ${platform}`, async () => {
      assert.deepEqual(await windowsFacts({ platform }), []);
    });
  }
  test('in an installed environment, the environment\'s platform decides', async () => {
    const installed = (platform?: Platform): CheckSettings => ({ environment: { label: '.venv', ...(platform ? { platform } : {}), packages: {
      torch: { version: '2.4.0', requiresDist: [] }, numpy: { version: '2.1.0', requiresDist: [] } } } });
    // The pins admit torch releases after 2.4.0 (a new install is fine): what is installed makes it an error.
    const open = { 'requirements.txt': 'torch>=2.4.0\nnumpy>=2.0\n' };
    const onWindows = await windowsFacts(installed('windows'), open);
    assert.deepEqual(onWindows.map((f) => f.severity), ['error']);
    assert.match(onWindows[0].message, /^On Windows: In \.venv, the installed torch 2\.4\.0 and numpy 2\.1\.0 break together/);
    assert.deepEqual(await windowsFacts(installed('linux'), open), []);
  });
  test('the other torch/numpy 2 rule knows no platform and names none', async () => {
    const found = findings(await check({ 'requirements.txt': 'torch==2.2.2\nnumpy>=2.0\n' }, { platform: 'linux' })).filter((f) => f.code === 'numpy2-abi-torch');
    assert.equal(found.length, 1);
    assert.doesNotMatch(found[0].message, /^On /);
  });
});

describe('rule validation', () => {
  const rule = bundledFamilies.flatMap((f) => f.rules).find((r) => r.code === CODE)!;
  test('platforms must be known operating systems', () => {
    assert.deepEqual(validateRule(rule, 'r'), []);
    assert.match(validateRule({ ...rule, platforms: ['beos'] }, 'r').join('\n'), /"platforms" must list some of linux, windows, macos/);
    assert.match(validateRule({ ...rule, platforms: [] }, 'r').join('\n'), /"platforms"/);
  });
});
