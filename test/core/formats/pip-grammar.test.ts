// The requirement grammar on edge cases, against the pip this machine runs as the oracle (its own requirement-file
// parser): what pip rejects gets an error or a warning that says so, what pip accepts gets neither.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { parseManifest } from '../../../src/core/formats';

const CASES = [
  'numpy>=1.24,<2.0,', 'numpy>=1.24,', 'numpy (>=1.24,)', 'numpy==1.0 ,', 'numpy>=1.24, ; python_version < "3.12"',
  'numpy>=1.24,,<2', 'numpy,>=1', 'numpy[,]', 'numpy[a,]', 'numpy[a,,b]', 'numpy==1.0;', 'numpy ; ',
  'numpy>=1.24,<2.0', 'numpy (>=1.24,<2.0)', 'numpy[a,b]>=1', 'numpy==1.*', 'numpy>=1.0;python_version<"3.12"',
  'numpy ==1.0 , <2', 'numpy>=1.24 ,<2.0',
];
// Cases older packaging (21.x, vendored by pip 23.2) rejects and packaging 22+ accepts: reported as a warning.
// An operator without a version: packaging 21 took it as a legacy specifier, packaging 22+ (current pip) rejects it.
const CURRENT_PIP_REJECTS = ['numpy>=', 'numpy==', 'numpy ~='];
const TRAILING_COMMA = new Set(['numpy>=1.24,<2.0,', 'numpy>=1.24,', 'numpy (>=1.24,)', 'numpy==1.0 ,', 'numpy>=1.24, ; python_version < "3.12"']);

function pipVerdicts(): Record<string, boolean> {
  // pip's own path for a requirements file: parse_requirements, then the InstallRequirement it builds from each line.
  const script = [
    'import json, os, sys, tempfile',
    'from pip._internal.network.session import PipSession',
    'from pip._internal.req.constructors import install_req_from_parsed_requirement',
    'from pip._internal.req.req_file import parse_requirements',
    'out = {}',
    'for t in json.load(sys.stdin):',
    '    fd, path = tempfile.mkstemp(suffix=".txt")',
    '    os.write(fd, (t + "\\n").encode()); os.close(fd)',
    '    try:',
    '        [install_req_from_parsed_requirement(r) for r in parse_requirements(path, session=PipSession())]',
    '        out[t] = True',
    '    except Exception:',
    '        out[t] = False',
    '    os.unlink(path)',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(CASES), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('requirement grammar against pip', () => {
  const pip = pipVerdicts();
  for (const text of CASES) {
    test(JSON.stringify(text), () => {
      const findings = parseManifest('requirements.txt', `${text}\n`).findings;
      const errors = findings.filter((f) => f.severity === 'error');
      const comma = findings.filter((f) => f.code === 'requirement-trailing-comma');
      if (TRAILING_COMMA.has(text)) {
        assert.equal(comma.length, 1, `a trailing-comma warning for ${text}`);
        assert.equal(comma[0].severity, 'warning');
        assert.equal(errors.length, 0);
        return;
      }
      assert.equal(comma.length, 0);
      assert.equal(errors.length === 0, pip[text], `pip ${pip[text] ? 'accepts' : 'rejects'} ${text}; ML Pins reported ${JSON.stringify(findings.map((f) => f.message))}`);
    });
  }
  test('an operator without a version is an error, as current pip says', () => {
    for (const text of CURRENT_PIP_REJECTS) {
      assert.equal(parseManifest('requirements.txt', `${text}\n`).findings.filter((f) => f.severity === 'error').length, 1, text);
    }
  });
  test('pip 23.2 and its packaging 21 reject the trailing comma (the reason for the warning)', (t) => {
    const version = spawnSync('python3', ['-c', 'import pip._vendor.packaging as p; print(p.__version__)'], { encoding: 'utf8' }).stdout.trim();
    if (!version.startsWith('21.')) { t.skip(`this pip vendors packaging ${version}`); return; }
    for (const text of TRAILING_COMMA) assert.equal(pip[text], false, text);
  });
  test('the fix removes the comma and leaves the rest as written', () => {
    const text = 'numpy (>=1.24,) ; python_version < "3.12"\n';
    const [finding] = parseManifest('requirements.txt', text).findings;
    const [edit] = finding.fixes[0].edits;
    assert.deepEqual([edit.range.start.character, edit.range.end.character, edit.newText], [13, 14, '']);
    assert.equal(text.slice(0, 13) + text.slice(14), 'numpy (>=1.24) ; python_version < "3.12"\n');
  });
});
