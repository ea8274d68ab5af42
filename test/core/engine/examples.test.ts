// Every rule's examples: the ones that must fire do, at the stated severity and file; the others stay silent. Then
// each firing example is fixed with the preferred fixes, and the fixed project must no longer report the rule, while
// every requirement the fix did not touch reads back exactly as before.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixProject } from '../../../src/core/engine/apply';
import { parseManifest } from '../../../src/core/formats';
import { bundledFamilies } from '../../../src/core/rules/bundled';
import { ruleCodes } from '../../../src/core/rules/codes';
import type { Finding } from '../../../src/core/types';
import { check, findings, ROOT, toInput } from './helpers';

const codesOf = ruleCodes;
/** A finding of one of `codes`, or one that another finding on the same requirement took in (same preferred fix). */
const ofCodes = (codes: string[]) => (f: Finding): Finding[] =>
  [f, ...(f.reasons ?? []).map((r) => ({ ...f, ...r }))].filter((x) => codes.includes(x.code));

function requirementsOf(path: string, text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of parseManifest(path, text).requirements) {
    out.set(r.normalizedName, [...(out.get(r.normalizedName) ?? []), `${r.name}[${r.extras.join(',')}]${r.specifier};${r.marker ?? ''}@${r.url ?? ''}`]);
  }
  return out;
}

for (const family of bundledFamilies) {
  describe(`rules/${family.family}`, () => {
    for (const rule of family.rules) {
      const codes = codesOf(rule);
      test(`${rule.code} has examples of both kinds`, () => {
        assert.ok(rule.examples.fires.length > 0, 'no example that fires');
        assert.ok(rule.examples.passes.length > 0, 'no example that must not fire');
      });
      rule.examples.fires.forEach((ex, i) => {
        const at = ex.at ?? Object.keys(ex.files)[0];
        test(`${rule.code} fires: ${ex.description ?? `example ${i + 1}`}`, async () => {
          const result = await check(ex.files, ex.settings);
          const mine = findings(result).flatMap(ofCodes(codes)) as ReturnType<typeof findings>;
          assert.ok(mine.length > 0, `expected ${codes.join('/')} to fire; got ${JSON.stringify(findings(result).map((f) => `${f.path} ${f.code} ${f.severity}`))}`);
          assert.ok(mine.some((f) => f.path === at && f.severity === ex.severity),
            `expected a ${ex.severity} in ${at}; got ${JSON.stringify(mine.map((f) => `${f.path} ${f.severity}: ${f.message}`))}`);
          for (const f of mine) {
            assert.ok(!/\{[a-z-]+(:[a-z0-9._-]+)?\}/i.test(f.message), `unfilled placeholder in: ${f.message}`);
          }
        });
        test(`${rule.code} fix resolves: ${ex.description ?? `example ${i + 1}`}`, async () => {
          const before = await check(ex.files, ex.settings);
          const fixable = findings(before).filter((f) => ofCodes(codes)(f).length && f.fixes.length);
          if (!fixable.length) return; // some findings have no automatic fix (clashing OpenCV wheels)
          const { changed, result } = await fixProject(toInput(ex.files, ex.settings), { only: (f) => ofCodes(codes)(f).length > 0 });
          assert.ok(changed.size > 0, 'the preferred fixes changed nothing');
          const left = findings(result).filter((f) => ofCodes(codes)(f).length && f.fixes.length);
          assert.deepEqual(left.map((f) => `${f.path}: ${f.message}`), [], 'fixed findings are still reported');
          const touched = new Set(fixable.flatMap((f) => f.packages));
          for (const [path, text] of changed) {
            const name = path.slice(ROOT.length + 1);
            const old = requirementsOf(path, ex.files[name]);
            const now = requirementsOf(path, text);
            for (const [pkg, reqs] of old) {
              if (!touched.has(pkg)) assert.deepEqual(now.get(pkg), reqs, `${name}: ${pkg} changed although no fix was about it`);
            }
            // A rename fix replaces the name; every other requirement must still be there.
            const renamedTo = rule.kind === 'renamed' && rule.replacement ? new Map([[rule.package, rule.replacement]]) : new Map<string, string>();
            assert.ok([...old.keys()].every((k) => now.has(renamedTo.get(k) ?? k)), `${name}: a requirement disappeared`);
            const syntax = parseManifest(path, text).findings.filter((f) => f.severity === 'error');
            assert.deepEqual(syntax, [], `${name}: the fix broke the file`);
          }
        });
      });
      rule.examples.passes.forEach((ex, i) => {
        test(`${rule.code} stays silent: ${ex.description ?? `example ${i + 1}`}`, async () => {
          const result = await check(ex.files, ex.settings);
          const mine = findings(result).flatMap(ofCodes(codes)) as ReturnType<typeof findings>;
          assert.deepEqual(mine.map((f) => `${f.path} ${f.severity}: ${f.message}`), []);
        });
      });
    }
  });
}
