// The resolver against real pip: 60 seeded random ecosystems (every third a large one, where pip backtracks more) served as real wheels from a loopback PEP 691/658 index.
// Same verdict (installable or not) in every case, same versions picked in at least 95% (so far: all).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { runOracle } from '../support/oracle';

const pip = spawnSync('python3', ['-m', 'pip', '--version'], { encoding: 'utf8' });

test('resolutions agree with pip install --dry-run --report', { skip: pip.status !== 0 && 'python3 -m pip is not available', timeout: 300000 }, async (t) => {
  const report = await runOracle(60, 20261206, 2);
  t.diagnostic(`cases ${report.cases}, resolvable ${report.resolvable}, same verdict ${report.sameVerdict}, same picks ${report.samePicks} ` +
    `(pip ${report.pipSeconds.toFixed(1)} s, resolver ${report.oursMs.toFixed(0)} ms)`);
  const disagreements = report.outcomes.filter((o) => !o.samePicks).map((o) => ({ roots: o.case.roots, pip: o.pip.ok ? o.pip.picks : o.pip.error?.slice(-400), ours: o.ours }));
  assert.equal(report.unexpected, 0, 'pip failed for a reason other than resolution');
  // Both verdicts occur, so the comparison can fail either way.
  assert.ok(report.resolvable > 10 && report.resolvable < report.cases, `resolvable: ${report.resolvable}`);
  assert.equal(report.sameVerdict, report.cases, JSON.stringify(disagreements, null, 1));
  assert.ok(report.samePicksResolvable >= Math.ceil(0.95 * report.resolvable), JSON.stringify(disagreements, null, 1));
});
