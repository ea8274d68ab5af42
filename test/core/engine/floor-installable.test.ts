// A rule's raise-floor fix is offered only where pip could install the release it names next to the written pins:
// flask 2.2.4 (the Flask rules' preferred floor) declares Werkzeug>=2.2.2, so next to `werkzeug==0.16.0` (DI-sheep's
// pins) the fix is the cap that keeps Flask 1.1.2 importable, not an upgrade pip would refuse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixToApply } from '../../../src/core/engine/applicability';
import { check, findingFor } from './helpers';

const preferred = async (text: string, code: string) => {
  const f = findingFor(await check({ 'requirements.txt': text }), code);
  assert.ok(f, `no ${code} finding`);
  return fixToApply(f.fixes)?.title;
};

test('flask 1.1.2 with its other pins open: the preferred fix raises Flask to 2.2.4', async () => {
  assert.equal(await preferred('flask==1.1.2\njinja2==3.0.3\nmarkupsafe==2.0.1\n', 'flask-itsdangerous-json'), 'Require flask>=2.2.4');
});

test('flask 1.1.2 next to werkzeug==0.16.0, which flask 2.2.4 does not allow: the cap instead', async () => {
  assert.equal(await preferred('flask==1.1.2\nwerkzeug==0.16.0\njinja2==3.0.3\nmarkupsafe==2.0.1\n', 'flask-itsdangerous-json'), 'Keep itsdangerous below 2.1.0');
});

test('flask 2.0.3 next to click==7.1.2, which flask 2.2.4 (click>=8.0) does not allow: the Werkzeug cap instead', async () => {
  assert.equal(await preferred('flask==2.0.3\n', 'flask-werkzeug-url-quote'), 'Require flask>=2.2.4');
  assert.equal(await preferred('flask==2.0.3\nclick==7.1.2\n', 'flask-werkzeug-url-quote'), 'Keep werkzeug below 3.0.0');
});
