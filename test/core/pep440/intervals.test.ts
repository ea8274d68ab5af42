import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intersectKept, VersionSet } from '../../../src/core/pep440/intervals';
import { parseSpecifier, parseSpecifierSet } from '../../../src/core/pep440/specifier';
import { Version, parseVersion, type PreLabel } from '../../../src/core/pep440/version';

// --- generators: a small grid so that generated versions and specifiers often meet ----------------------

interface Parts {
  epoch: number;
  release: number[];
  pre?: [PreLabel, number];
  post?: number;
  dev?: number;
  local?: string;
}

const LOCALS = ['cpu', 'cu121', '1', 'rocm5.7', 'a.1', '0'];
const partsArb: fc.Arbitrary<Parts> = fc.record({
  epoch: fc.constantFrom(0, 0, 0, 0, 0, 1),
  release: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
  pre: fc.option(fc.tuple(fc.constantFrom<PreLabel>('a', 'b', 'rc'), fc.integer({ min: 0, max: 2 })), { nil: undefined, freq: 2 }),
  post: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined, freq: 2 }),
  dev: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined, freq: 2 }),
  local: fc.option(fc.constantFrom(...LOCALS), { nil: undefined, freq: 2 }),
});

function text(p: Parts): string {
  let s = (p.epoch ? `${p.epoch}!` : '') + p.release.join('.');
  if (p.pre) s += p.pre.join('');
  if (p.post !== undefined) s += `.post${p.post}`;
  if (p.dev !== undefined) s += `.dev${p.dev}`;
  if (p.local) s += `+${p.local}`;
  return s;
}

const versionArb = partsArb.map(text);
const OPS = ['~=', '==', '!=', '<=', '>=', '<', '>'] as const;

/** Valid specifiers only: locals on ==/!= only, wildcards on plain releases, ~= with two release numbers. */
function specifierFrom(parts: fc.Arbitrary<Parts>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...OPS), parts, fc.boolean())
    .map(([op, p, wildcard]) => {
      if (wildcard && (op === '==' || op === '!=')) return `${op}${(p.epoch ? `${p.epoch}!` : '') + p.release.join('.')}.*`;
      const q = { ...p };
      if (op !== '==' && op !== '!=') delete q.local;
      if (op === '~=' && q.release.length < 2) q.release = [...q.release, 0];
      return `${op}${text(q)}`;
    })
    .filter((s) => parseSpecifier(s) !== null);
}

const setFrom = (parts: fc.Arbitrary<Parts>) =>
  fc.array(specifierFrom(parts), { minLength: 0, maxLength: 3 }).map((xs) => xs.join(','));

/** Specifiers drawn from a few shared versions, so that bounds often coincide (`!=1.0,<=1.0`, ...). */
const poolArb = fc.array(partsArb, { minLength: 1, maxLength: 3 });
const setArb = fc.oneof(setFrom(partsArb), poolArb.chain((pool) => setFrom(fc.constantFrom(...pool))));
const pairArb: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(setFrom(partsArb), setFrom(partsArb)),
  poolArb.chain((pool) => fc.tuple(setFrom(fc.constantFrom(...pool)), setFrom(fc.constantFrom(...pool)))),
);

// --- probes: versions around every version a set mentions, dense enough to separate its cuts -------------

function neighbours(v: Version): string[] {
  const out = new Set<string>();
  const base = v.with({ local: undefined });
  const bases = [base, v, base.with({ pre: undefined, post: undefined, dev: undefined })];
  for (const b of bases) {
    const r = b.baseVersion;
    const pre = b.pre ? b.pre.join('') : '';
    const shapes = [
      `${r}${pre}`, `${r}${pre}.dev0`, `${r}${pre}.dev1`, `${r}${pre}.dev3`,
      `${r}${pre}.post0`, `${r}${pre}.post0.dev0`, `${r}${pre}.post1`, `${r}${pre}.post2.dev1`, `${r}${pre}.post3`,
      `${r}a0`, `${r}a1`, `${r}a3.post1`, `${r}b1`, `${r}rc0`, `${r}rc1.dev0`, `${r}rc3`,
      `${r}.0.1`, `${r}.1`, `${r}.0.0.1.dev0`,
    ];
    // Keep the post-release too: `<1.0.post1` and `>=1.0.post1` leave 1.0.post1.devN between them.
    for (const post of b.post === undefined ? [] : [b.post, b.post + 1]) {
      const stem = String(b.with({ post, dev: undefined }));
      shapes.push(stem, `${stem}.dev0`, `${stem}.dev1`, `${stem}.dev3`);
    }
    for (const s of shapes) {
      out.add(s);
      for (const l of ['0a', 'cpu', 'zzz', '0', '1', '9', '1.a', 'rocm5.7.1']) out.add(`${s}+${l}`);
    }
    out.add(String(b));
  }
  const bump = (k: number) => {
    const rel = [...v.release];
    while (rel.length <= k) rel.push(0);
    rel[k]++;
    return Version.from({ epoch: v.epoch, release: rel.slice(0, k + 1) });
  };
  for (let k = 0; k < 3; k++) {
    const b = bump(k);
    for (const s of [`${b}`, `${b}.dev0`, `${b}a0`, `${b}.post0`, `${b}+cpu`]) out.add(s);
  }
  out.add(String(v));
  return [...out];
}

const BASE_PROBES = ['0.dev0', '0', '0.0.1', '0a0', '9', '99.0', '1!0', '1!0.dev0', '2!1.0', '0+cpu', '0.dev0+x'];

function probesFor(...sets: string[]): Version[] {
  const all = new Set<string>(BASE_PROBES);
  for (const set of sets) {
    for (const s of parseSpecifierSet(set)?.specifiers ?? []) {
      if (s.parsed) for (const n of neighbours(s.parsed)) all.add(n);
    }
  }
  return [...all].map((s) => parseVersion(s)).filter((v): v is Version => v !== null);
}

/**
 * Brute force for the upper end: which tails [p, +inf) and (p, +inf) the set meets. Two sets have the same
 * upper end exactly when they meet the same tails (given probes dense enough to fall between any two ends).
 */
function tailProfile(set: VersionSet, probes: Version[]): string {
  let profile = set.isEmpty() ? 'E' : 'N';
  for (const p of probes) {
    for (const inclusive of [true, false]) profile += set.intersects(VersionSet.range({ version: p, inclusive })) ? '1' : '0';
  }
  return profile;
}

// PEP440_RUNS=20000 for a deeper search.
const RUNS = { numRuns: Number(process.env.PEP440_RUNS ?? 400) };

describe('VersionSet agrees with SpecifierSet (prereleases=true)', () => {
  test('random versions against random sets', () => {
    fc.assert(
      fc.property(setArb, versionArb, (set, v) => {
        const expected = parseSpecifierSet(set)!.contains(v, { prereleases: true });
        assert.equal(VersionSet.fromSpecifierSet(set).contains(v), expected, `${v} in ${set}`);
      }),
      { numRuns: 5000 },
    );
  });

  test('every neighbour of every version a set mentions', () => {
    fc.assert(
      fc.property(setArb, (set) => {
        const spec = parseSpecifierSet(set)!;
        const vs = VersionSet.fromSpecifierSet(set);
        for (const p of probesFor(set)) {
          assert.equal(vs.contains(p), spec.contains(p, { prereleases: true }), `${p} in ${set} (${vs})`);
        }
      }),
      RUNS,
    );
  });
});

describe('VersionSet algebra', () => {
  test('intersection, union, complement and minus by membership', () => {
    fc.assert(
      fc.property(pairArb, ([sa, sb]) => {
        const a = VersionSet.fromSpecifierSet(sa);
        const b = VersionSet.fromSpecifierSet(sb);
        const and = a.intersect(b);
        // intersectKept: the same intersection, one object for the same two objects, and sets made again from their
        // texts are those objects (VersionSet.fromSpecifierSet remembers them): the same requirements give the same
        // intersection object on the next keystroke.
        const kept = intersectKept(a, b);
        assert.ok(kept.equals(and), `(${a}) and (${b}) = ${kept}`);
        assert.equal(intersectKept(VersionSet.fromSpecifierSet(sa), VersionSet.fromSpecifierSet(sb)), kept);
        const or = a.union(b);
        const notA = a.complement();
        const diff = a.minus(b);
        for (const p of probesFor(sa, sb)) {
          const [x, y] = [a.contains(p), b.contains(p)];
          assert.equal(and.contains(p), x && y, `${p}: (${a}) and (${b}) = ${and}`);
          assert.equal(or.contains(p), x || y, `${p}: (${a}) or (${b}) = ${or}`);
          assert.equal(notA.contains(p), !x, `${p}: not (${a}) = ${notA}`);
          assert.equal(diff.contains(p), x && !y);
        }
      }),
      RUNS,
    );
  });

  test('laws: double complement, excluded middle, De Morgan, subset, intersects', () => {
    fc.assert(
      fc.property(pairArb, ([sa, sb]) => {
        const a = VersionSet.fromSpecifierSet(sa);
        const b = VersionSet.fromSpecifierSet(sb);
        assert.ok(a.complement().complement().equals(a));
        assert.ok(a.union(a.complement()).isAll());
        assert.ok(a.intersect(a.complement()).isEmpty());
        assert.ok(a.union(b).complement().equals(a.complement().intersect(b.complement())));
        assert.ok(a.intersect(b).complement().equals(a.complement().union(b.complement())));
        assert.ok(a.intersect(b).isSubsetOf(a));
        assert.ok(a.isSubsetOf(a.union(b)));
        assert.ok(a.intersect(b).equals(b.intersect(a)));
        assert.ok(a.union(b).equals(b.union(a)));
        assert.equal(a.intersects(b), !a.intersect(b).isEmpty());
        if (a.isSubsetOf(b)) assert.ok(a.union(b).equals(b));
        // unionAll (one sort) is the fold of union (a merge per set), in the same canonical form.
        const many = [a, b, a.minus(b), VersionSet.empty(), b.minus(a), a.intersect(b), b.complement(), a.complement()];
        for (let n = 0; n <= many.length; n++) {
          const fold = many.slice(0, n).reduce((u, s) => u.union(s), VersionSet.empty());
          const all = VersionSet.unionAll(many.slice(0, n));
          assert.ok(all.equals(fold), `unionAll of ${n}: ${all} against ${fold}`);
          assert.equal(all.toString(), fold.toString());
        }
        assert.equal(VersionSet.unionAll([VersionSet.empty(), a, VersionSet.empty()]), a.isEmpty() ? VersionSet.empty() : a, 'one set: that set');
      }),
      RUNS,
    );
  });

  test('intersectKept with every version is the other set itself', () => {
    const some = VersionSet.fromSpecifierSet('>=1.0');
    assert.equal(intersectKept(VersionSet.all(), some), some);
    assert.equal(intersectKept(some, VersionSet.all()), some);
  });

  test('intersects decides by membership, on sets of several intervals too (it builds no intersection)', () => {
    fc.assert(
      fc.property(pairArb, ([sa, sb]) => {
        const a = VersionSet.fromSpecifierSet(sa);
        const b = VersionSet.fromSpecifierSet(sb);
        const probes = probesFor(sa, sb);
        const sets = [a, b, a.complement(), b.complement(), a.union(b), a.minus(b), b.minus(a), VersionSet.all(), VersionSet.empty()];
        for (const x of sets) for (const y of sets) {
          assert.equal(x.intersects(y), probes.some((p) => x.contains(p) && y.contains(p)), `(${x}) meets (${y})`);
        }
      }),
      RUNS,
    );
  });

  test('canonical form: a set is empty exactly when no probe is in it', () => {
    fc.assert(
      fc.property(pairArb, ([sa, sb]) => {
        const a = VersionSet.fromSpecifierSet(sa);
        const b = VersionSet.fromSpecifierSet(sb);
        const probes = probesFor(sa, sb);
        for (const s of [a, a.intersect(b), a.minus(b), b.minus(a), a.union(b).complement()]) {
          assert.equal(s.isEmpty(), !probes.some((p) => s.contains(p)), `${s} from ${sa} / ${sb}`);
        }
      }),
      RUNS,
    );
  });

  test('sameUpperEnd matches the brute-force definition', () => {
    fc.assert(
      fc.property(pairArb, ([sa, sb]) => {
        const a = VersionSet.fromSpecifierSet(sa);
        const b = VersionSet.fromSpecifierSet(sb);
        const probes = probesFor(sa, sb);
        const sets = [a, b, a.complement(), b.complement(), a.intersect(b), a.union(b), a.minus(b), b.minus(a)];
        const profiles = sets.map((x) => tailProfile(x, probes));
        sets.forEach((x, i) =>
          sets.forEach((y, j) => {
            assert.equal(x.sameUpperEnd(y), profiles[i] === profiles[j], `(${x}) vs (${y})`);
          }),
        );
      }),
      RUNS,
    );
  });
});

describe('VersionSet examples', () => {
  const set = (s: string) => VersionSet.fromSpecifierSet(s);

  test('PEP 440 exclusive ordered comparisons and locals', () => {
    assert.ok(set('==2.2.0').contains('2.2.0+rocm5.7'));
    assert.ok(set('==2.2.0+rocm5.7').contains('2.2.0+rocm5.7'));
    assert.ok(!set('==2.2.0+rocm5.7').contains('2.2.0'));
    assert.ok(!set('==2.2.0+rocm5.7').contains('2.2.0+cu121'));
    assert.ok(!set('>2.2').contains('2.2.post1'));
    assert.ok(!set('>2.2').contains('2.2+local'));
    assert.ok(set('>2.2').contains('2.2.1'));
    assert.ok(set('<=2.2').contains('2.2+local'));
    assert.ok(!set('<2.2').contains('2.2rc1'));
    assert.ok(set('<2.2rc2').contains('2.2rc1'));
    assert.ok(set('==2.0.*').contains('2'));
    assert.ok(set('~=2.2').contains('2.9') && !set('~=2.2').contains('3.0'));
    assert.ok(set('>=1.0').contains('1!0.5') && !set('<2').contains('1!0.5')); // a higher epoch wins
  });

  test('unparsable text is all(), the empty text is all()', () => {
    assert.ok(set('not a specifier').isAll());
    assert.ok(set('').isAll());
    assert.ok(set('>=2,<1').isEmpty());
    assert.ok(set('==1.0,!=1.0').isEmpty());
  });

  test('toString', () => {
    assert.equal(set('>=0.21.0,<0.26').toString(), '>=0.21.0, <0.26');
    assert.equal(set('==2.2.0').toString(), '==2.2.0');
    assert.equal(set('==2.2.0+rocm5.7').toString(), '==2.2.0+rocm5.7');
    assert.equal(set('==2.*').toString(), '==2.*');
    assert.equal(set('>=1.0,!=1.5,<2').toString(), '>=1.0, <2, !=1.5');
    assert.equal(set('>2.2').toString(), '>2.2');
    assert.equal(set('<=2.2').toString(), '<=2.2');
    assert.equal(set('~=2.2').toString(), '>=2.2, <3');
    assert.equal(set('==1.0').union(set('==2.0')).toString(), '==1.0 or ==2.0');
    assert.equal(set('<1').union(set('>=2,<3')).toString(), '<1 or >=2, <3');
    assert.equal(VersionSet.all().toString(), 'any version');
    assert.equal(VersionSet.empty().toString(), 'no version');
  });

  test('bounds and intervals', () => {
    const s = set('>=0.21.0,<0.26');
    assert.equal(String(s.lowerBound()?.version), '0.21.0');
    assert.equal(s.lowerBound()?.inclusive, true);
    assert.equal(String(s.upperBound()?.version), '0.26');
    assert.equal(s.upperBound()?.inclusive, false);
    assert.equal(set('>=1').upperBound(), undefined);
    assert.equal(set('<1').lowerBound(), undefined);
    assert.deepEqual(
      set('<1,!=0.5').intervals().map((i) => [i.lower && String(i.lower.version), i.upper && String(i.upper.version)]),
      [[undefined, '0.5'], ['0.5.post0.dev0', '1']],
    );
  });

  test('sameUpperEnd answers "does a fresh install land inside"', () => {
    const fresh = (s: string, r: string) => {
      const i = set(s).intersect(set(r));
      return !i.isEmpty() && i.sameUpperEnd(set(s));
    };
    assert.ok(fresh('>=1.0,<2', '>=1.5'));
    assert.ok(!fresh('>=1.0,<2', '<1.5'));
    assert.ok(fresh('>=1.0', '>=0.5'));
    assert.ok(!fresh('>=1.0', '<3'));
    assert.ok(fresh('<=2.2', '>=2,<=2.2'));
    assert.ok(!fresh('<=2.2', '>=2,<2.2'));
    assert.ok(!fresh('<=2.2', '==2.2.0+cpu')); // the top of <=2.2 lies above every 2.2+local
  });

  test('newestAdmitted prefers final releases', () => {
    const known = ['1.0', '1.5', '2.0rc1', '2.0', '2.1.dev0', '3.0a1', 'garbage'];
    assert.equal(String(set('>=1.0').newestAdmitted(known)), '2.0');
    assert.equal(String(set('<2').newestAdmitted(known)), '1.5');
    assert.equal(String(set('>=2.1.dev0').newestAdmitted(known)), '3.0a1');
    assert.equal(String(set('>=1.0').newestAdmitted(known, true)), '3.0a1');
    assert.equal(set('>=2.1.dev0').newestAdmitted(known, false), undefined);
    assert.equal(set('>=4').newestAdmitted(known), undefined);
  });

  test('10,000 parse-and-check calls stay fast (cached)', () => {
    const specs = Array.from({ length: 200 }, (_, k) => `>=${k % 7}.${k % 13},<${(k % 7) + 1}`);
    const versions = Array.from({ length: 50 }, (_, k) => `${k % 8}.${k % 11}.${k % 3}`);
    const start = performance.now();
    let hits = 0;
    for (let k = 0; k < 10000; k++) {
      const vs = VersionSet.fromSpecifierSet(specs[k % specs.length]);
      if (vs.contains(versions[k % versions.length])) hits++;
      if (parseSpecifierSet(specs[k % specs.length])!.contains(versions[(k * 7) % versions.length])) hits++;
    }
    const ms = performance.now() - start;
    assert.ok(hits > 0);
    assert.ok(ms < 500, `took ${ms.toFixed(1)} ms`);
  });
});
