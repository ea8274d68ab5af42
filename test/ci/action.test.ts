// The composite GitHub Action (action.yml): its expressions refer to real inputs and steps, its scripts take inputs
// only from the environment, and the check and fail scripts run here with bash exactly as the runner would run them
// (GITHUB_OUTPUT file, env from the step), on the example projects. The SARIF they write validates against the
// SARIF 2.1.0 schema.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
interface Step { id?: string; name?: string; uses?: string; shell?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, string> }
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  name: string; inputs: Record<string, { default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] };
};
const steps = action.runs.steps;
const step = (id: string) => steps.find((s) => s.id === id)!;

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));

/** Runs a step's script as the runner does (bash -e with the step's env, evaluated from the given values). */
function runStep(s: Step, env: Record<string, string>, cwd = root) {
  const out = join(mkdtempSync(join(tmpdir(), 'ml-pins-action-')), 'github_output');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], {
    cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: out, ...env },
  });
  let outputs: Record<string, string> = {};
  try {
    outputs = Object.fromEntries(readFileSync(out, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  } catch { /* no outputs */ }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
}

describe('action.yml', () => {
  test('a composite action whose expressions name real inputs and steps, with no expression inside a script', () => {
    assert.equal(action.runs.using, 'composite');
    const text = readFileSync(join(root, 'action.yml'), 'utf8');
    for (const m of text.matchAll(/inputs\.([\w-]+)/g)) assert.ok(m[1] in action.inputs, `unknown input ${m[1]}`);
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const s = step(m[1]);
      assert.ok(s, `unknown step ${m[1]}`);
      assert.ok(s.run?.includes(`${m[2]}=`), `step ${m[1]} never writes ${m[2]}`);
    }
    for (const s of steps) {
      if (s.run) {
        assert.equal(s.shell, 'bash');
        assert.ok(!s.run.includes('${{'), `expression inside the script of ${s.id ?? s.name}`);
      }
    }
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.ok(upload, 'uploads SARIF');
    assert.equal(upload.with?.sarif_file, '${{ steps.check.outputs.sarif-file }}');
    assert.match(upload.if!, /inputs\.upload-sarif == 'true'/);
    assert.match(step('check').run!, /--format sarif/);
    assert.match(step('check').run!, /--format github/);
  });

  const checkEnv = (o: { paths: string; failOn?: string; sarif: string }) => ({
    ML_PINS_CLI: join(root, 'dist/cli.js'), ML_PINS_PATHS: o.paths, ML_PINS_FAIL_ON: o.failOn ?? action.inputs['fail-on'].default!, ML_PINS_SARIF: o.sarif,
  });

  test('the check step writes valid SARIF, prints annotations and reports the exit code without failing itself', () => {
    const sarif = join(mkdtempSync(join(tmpdir(), 'ml-pins-sarif-')), 'ml-pins.sarif');
    const r = runStep(step('check'), checkEnv({ paths: 'examples/seed-project examples/seed-project-after-naive-fix', sarif }));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.outputs, { 'sarif-file': sarif, 'exit-code': '1' });
    const doc = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.ok(validate(doc), JSON.stringify(validate.errors));
    const uris = new Set(doc.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri));
    assert.ok(uris.has('examples/seed-project/pyproject.toml') && uris.has('examples/seed-project-after-naive-fix/pyproject.toml'), [...uris].join(' '));
    assert.match(r.stdout, /^::error file=examples\/seed-project\/pyproject\.toml,line=11,col=6,/m);
    assert.match(r.stdout, /^::warning file=examples\/seed-project-after-naive-fix\/pyproject\.toml,/m);
  });

  test('fail-on never: exit code 0; a usage error: 2', () => {
    const sarif = join(mkdtempSync(join(tmpdir(), 'ml-pins-sarif-')), 'out.sarif');
    assert.equal(runStep(step('check'), checkEnv({ paths: 'examples/seed-project', failOn: 'never', sarif })).outputs['exit-code'], '0');
    const bad = runStep(step('check'), checkEnv({ paths: 'examples/seed-project', failOn: 'sometimes', sarif }));
    assert.equal(bad.outputs['exit-code'], '2');
    assert.match(bad.stderr, /--fail-on must be error, warning or never/);
  });

  test('a pull request cannot opt itself into reading outside the repository: the action checks with --untrusted', { skip: !existsSync(join(root, 'dist/cli.js')) && 'dist/cli.js is not built' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ml-pins-action-untrusted-'));
    mkdirSync(join(dir, 'common'));
    mkdirSync(join(dir, 'repo'));
    writeFileSync(join(dir, 'common/base.txt'), './outside-the-repository\n');
    writeFileSync(join(dir, 'repo/requirements.txt'), '-r ../common/base.txt\n');
    writeFileSync(join(dir, 'repo/pyproject.toml'), '[project]\nname = "x"\nversion = "1"\n[tool.ml-pins]\nallow-includes-outside = true\n');
    assert.equal(action.inputs.untrusted.default, 'true');
    const run = (untrusted: string) => {
      const sarif = join(dir, `out-${untrusted}.sarif`);
      const r = runStep(step('check'), { ...checkEnv({ paths: 'repo', failOn: 'never', sarif }), ML_PINS_UNTRUSTED: untrusted }, dir);
      assert.equal(r.outputs['exit-code'], '0', r.stderr);
      return readFileSync(sarif, 'utf8') + r.stdout;
    };
    const safe = run(action.inputs.untrusted.default!);
    assert.ok(!safe.includes('outside-the-repository'), safe);
    assert.match(safe, /outside the checked folder/);
    assert.match(run('false'), /outside-the-repository/, 'untrusted: false honours the project\'s setting');
  });

  test('the last step fails the job with the check\'s exit code', () => {
    const fail = steps.at(-1)!;
    assert.match(fail.if!, /steps\.check\.outputs\.exit-code != '0'/);
    assert.equal(runStep(fail, { ML_PINS_EXIT: '1' }).status, 1);
    assert.equal(runStep(fail, { ML_PINS_EXIT: '2' }).status, 2);
  });
});
