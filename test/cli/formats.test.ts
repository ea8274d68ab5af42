// The CI formats of `ml-pins check` as a real process writes them: SARIF validated against the SARIF 2.1.0 schema of
// the OASIS standard (test/fixtures/sarif), and GitHub Actions workflow commands with GitHub's escaping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { escapeGithubData, escapeGithubProperty } from '../../src/cli/format';

const root = join(import.meta.dirname, '..', '..');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
function cli(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli/main.ts'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);
const errorsOf = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

/** A project whose path needs escaping in a workflow command, with findings (and fixes) of several severities. */
function oddProject(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ml-pins-formats-')), 'a,b:c%d');
  mkdirSync(dir);
  writeFileSync(join(dir, 'requirements.txt'), 'diffusers>=0.21.0\ntorch==2.1.0\ntorchvision==0.18.0\n');
  return dir;
}

describe('--format sarif', () => {
  test('validates against the SARIF 2.1.0 schema on every example project and an empty one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ml-pins-empty-'));
    for (const [args, cwd] of [[['examples/seed-project'], root], [['examples/seed-project-after-naive-fix'], root], [['examples'], root],
      [['.'], empty], [['.'], oddProject()]] as const) {
      const r = cli(['check', ...args, '--format', 'sarif', '--fail-on', 'never'], cwd);
      assert.equal(r.code, 0, r.stderr);
      const sarif = JSON.parse(r.stdout);
      assert.deepEqual(errorsOf(sarif), [], `${args.join(' ')} in ${cwd}`);
    }
  });

  test('the validator is live: it rejects what SARIF forbids', () => {
    const r = cli(['check', 'examples/seed-project', '--format', 'sarif']);
    const sarif = JSON.parse(r.stdout);
    assert.ok(sarif.runs[0].results.length > 0);
    sarif.runs[0].results[0].level = 'information'; // SARIF says "note"
    delete sarif.runs[0].tool.driver.name;
    const errors = errorsOf(sarif);
    assert.ok(errors.some((e) => e.startsWith('/runs/0/results/0/level')), errors.join('\n'));
    assert.ok(errors.some((e) => e.includes("must have required property 'name'")), errors.join('\n'));
  });
});

describe('--format github', () => {
  test('escaping follows the workflow-command rules', () => {
    assert.equal(escapeGithubData('50% a:b,c\r\nd'), '50%25 a:b,c%0D%0Ad');
    assert.equal(escapeGithubProperty('50% a:b,c\r\nd'), '50%25 a%3Ab%2Cc%0D%0Ad');
    assert.equal(escapeGithubProperty('%3A'), '%253A');
  });

  test('one annotation per finding, at the JSON output\'s positions, with the message and the fix', () => {
    const unescape = (s: string) => s.replace(/%(25|0D|0A|3A|2C)/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const odd = oddProject();
    for (const [cwd, target] of [[root, ['examples/seed-project']], [dirname(odd), [basename(odd)]]] as const) {
      const json = JSON.parse(cli(['check', ...target, '--format', 'json'], cwd).stdout);
      const r = cli(['check', ...target, '--format', 'github'], cwd);
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stdout.trimEnd().split('\n');
      const annotations = lines.filter((l) => l.startsWith('::'));
      type Pos = { line: number; character: number };
      type JsonFinding = { code: string; severity: string; message: string; range: { start: Pos; end: Pos }; fixes: { title: string; applicability: string }[] };
      const expected: (JsonFinding & { path: string })[] = (json.files as { path: string; findings: JsonFinding[] }[])
        .flatMap((f) => f.findings.map((x) => ({ path: f.path, ...x })));
      assert.equal(annotations.length, expected.length);
      assert.ok(expected.length >= 2);
      annotations.forEach((line, i) => {
        const m = /^::(error|warning|notice) ([^:]*)::(.*)$/.exec(line);
        assert.ok(m, line);
        const props = Object.fromEntries(m[2].split(',').map((kv) => { const eq = kv.indexOf('='); return [kv.slice(0, eq), unescape(kv.slice(eq + 1))]; }));
        const x = expected[i];
        assert.equal(m[1], x.severity === 'error' ? 'error' : x.severity === 'warning' ? 'warning' : 'notice');
        assert.deepEqual(props, {
          file: x.path, line: String(x.range.start.line + 1), col: String(x.range.start.character + 1),
          endLine: String(x.range.end.line + 1), endColumn: String(x.range.end.character + 1), title: `ML Pins ${x.code}`,
        });
        assert.ok(!/[\r\n]/.test(m[3]));
        const body = unescape(m[3]).split('\n');
        // A message may span lines (resolution-conflict explains the derivation): the body starts with all of it.
        assert.equal(body.slice(0, x.message.split('\n').length).join('\n'), x.message);
        const fix = x.fixes.find((z) => z.applicability === 'safe');
        if (fix) assert.equal(body.at(-1), `fix: ${fix.title}`);
      });
      assert.match(lines.at(-1)!, /^ML Pins: \d+ errors?, \d+ warnings?.* in \d+ files?$/);
      if (cwd !== root) assert.ok(annotations[0].includes('file=a%2Cb%3Ac%25d/requirements.txt'), annotations[0]);
    }
  });
});
