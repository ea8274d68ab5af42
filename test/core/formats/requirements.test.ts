import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeRequirementsBytes, loadRequirementTree, parseRequirementsFile, pipSettings, posixJoin, posixNormalize,
} from '../../../src/core/formats/requirements';
import { LineIndex } from '../../../src/core/text';
import type { ParsedManifest, Range } from '../../../src/core/types';

const at = (line: number, character: number) => ({ line, character });
const span = (l1: number, c1: number, l2: number, c2: number): Range => ({ start: at(l1, c1), end: at(l2, c2) });

function textAt(doc: string, range: Range): string {
  const index = new LineIndex(doc);
  return doc.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

function only(manifest: ParsedManifest, name: string) {
  const found = manifest.requirements.filter((r) => r.normalizedName === name);
  assert.equal(found.length, 1, `${name} in ${JSON.stringify(manifest.requirements.map((r) => r.name))}`);
  return found[0];
}

describe('ranges on continued lines', () => {
  test('a requirement spread over three lines lands on its exact characters', () => {
    const doc = 'pkg1\npkg3 \\\n  [extra] \\\n  ==2.0\npkg4\n';
    const m = parseRequirementsFile('requirements.txt', doc);
    const req = only(m, 'pkg3');
    assert.equal(req.text, 'pkg3   [extra]   ==2.0');
    assert.deepEqual(req.extras, ['extra']);
    assert.deepEqual(req.nameRange, span(1, 0, 1, 4));
    assert.deepEqual(req.specifierRange, span(3, 2, 3, 7));
    assert.deepEqual(req.range, span(1, 0, 3, 7));
    assert.deepEqual(only(m, 'pkg4').range, span(4, 0, 4, 4));
  });

  test('a name that ends right at the backslash does not run onto the next line', () => {
    const doc = 'torch\\\n==2.0\n';
    const req = only(parseRequirementsFile('r.txt', doc), 'torch');
    assert.deepEqual(req.nameRange, span(0, 0, 0, 5));
    assert.deepEqual(req.specifierRange, span(1, 0, 1, 5));
    assert.equal(req.specifier, '==2.0');
  });

  test('CRLF files map the same way', () => {
    const doc = 'pkg1==1.0\r\npkg2 \\\r\n  ==2.0\r\n# c\r\n';
    const m = parseRequirementsFile('r.txt', doc);
    assert.deepEqual(only(m, 'pkg2').specifierRange, span(2, 2, 2, 7));
    assert.equal(textAt(doc, only(m, 'pkg2').specifierRange), '==2.0');
  });

  test('pip-compile hashes on continuation lines', () => {
    const doc = 'certifi==2024.2.2 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via requests\nidna==3.6\n';
    const m = parseRequirementsFile('r.txt', doc);
    const certifi = only(m, 'certifi');
    assert.deepEqual(certifi.hashes, ['sha256:aa', 'sha256:bb']);
    assert.equal(certifi.text, 'certifi==2024.2.2');
    assert.deepEqual(certifi.range, span(0, 0, 0, 17));
    assert.deepEqual(only(m, 'idna').range, span(4, 0, 4, 9));
    assert.deepEqual(m.findings, []);
  });
});

describe('what a requirement range covers', () => {
  test('the requirement only, not options or comments', () => {
    const doc = 'numpy>=1.26,<2 ; python_version >= "3.9" --hash=sha256:abc # pinned\n';
    const req = only(parseRequirementsFile('r.txt', doc), 'numpy');
    assert.equal(req.text, 'numpy>=1.26,<2 ; python_version >= "3.9"');
    assert.equal(textAt(doc, req.range), req.text);
    assert.equal(textAt(doc, req.specifierRange), '>=1.26,<2');
    assert.equal(req.marker, 'python_version >= "3.9"');
  });

  test('a `#` inside a URL is not a comment', () => {
    const doc = 'git+https://example.com/repo.git#egg=mypkg\n';
    const req = only(parseRequirementsFile('r.txt', doc), 'mypkg');
    assert.equal(textAt(doc, req.nameRange), 'mypkg');
    assert.equal(req.url, 'git+https://example.com/repo.git#egg=mypkg');
  });

  test('an expanded variable underlines the ${VAR} it came from', () => {
    const doc = '${PKG}==1.0\n';
    const req = only(parseRequirementsFile('r.txt', doc, { env: { PKG: 'torch' } }), 'torch');
    assert.deepEqual(req.nameRange, span(0, 0, 0, 6));
    assert.deepEqual(req.specifierRange, span(0, 6, 0, 11));
  });

  test('lower-case or unset variables stay as written', () => {
    const m = parseRequirementsFile('r.txt', '--index-url https://${lower}/${UNSET}/simple\n', { env: {} });
    assert.equal(m.indexes[0].url, 'https://${lower}/${UNSET}/simple');
  });

  test('a wheel URL names its package and version', () => {
    const doc = 'https://download.pytorch.org/whl/cu121/torch-2.3.0%2Bcu121-cp311-cp311-linux_x86_64.whl\n';
    const req = only(parseRequirementsFile('r.txt', doc), 'torch');
    assert.equal(req.specifier, '==2.3.0+cu121');
    assert.equal(textAt(doc, req.nameRange), 'torch');
    assert.equal(textAt(doc, req.specifierRange), '2.3.0%2Bcu121');
  });

  test('an editable VCS URL takes its name from #egg=', () => {
    const doc = '-e git+https://example.com/org/repo.git@main#egg=other&subdirectory=pkgs/other\n';
    const req = only(parseRequirementsFile('r.txt', doc), 'other');
    assert.equal(req.editable, true);
    assert.equal(textAt(doc, req.nameRange), 'other');
    assert.equal(textAt(doc, req.range), doc.trim().slice(3));
  });
});

describe('broken lines are flagged and the rest is still read', () => {
  test('a bad requirement', () => {
    const doc = 'foo>=1.0,,<2\nbar==1\n';
    const m = parseRequirementsFile('r.txt', doc);
    assert.equal(m.findings.length, 1);
    assert.equal(m.findings[0].code, 'requirement-syntax');
    assert.equal(m.findings[0].severity, 'error');
    assert.deepEqual(m.findings[0].range, span(0, 0, 0, 12));
    assert.match(m.findings[0].message, /foo>=1\.0,,<2/);
    only(m, 'bar');
  });

  test('a single "=" gets a hint', () => {
    const m = parseRequirementsFile('r.txt', '\n\nmy-package=1.0');
    assert.deepEqual(m.findings[0].range, span(2, 0, 2, 14));
    assert.match(m.findings[0].message, /did you mean "=="/);
  });

  test('an unknown option is an error at the option; its requirement still counts', () => {
    const doc = 'foo==1.0 --no-deps\n--bogus\nbar\n';
    const m = parseRequirementsFile('r.txt', doc);
    const unknown = m.findings.filter((f) => f.code === 'unknown-option');
    assert.equal(unknown.length, 2);
    assert.deepEqual(unknown[0].range, span(0, 9, 0, 18));
    assert.deepEqual(unknown[1].range, span(1, 0, 1, 7));
    assert.ok(unknown.every((f) => f.severity === 'error'));
    only(m, 'foo');
    only(m, 'bar');
  });

  test('bad option values', () => {
    const m = parseRequirementsFile('r.txt', 'pkg==1.0 --hash=somehash\n--use-feature=resolvelib\n-r\n--pre=yes\n');
    assert.deepEqual(m.findings.map((f) => [f.code, f.range.start.line]), [
      ['requirement-syntax', 0], ['requirement-syntax', 1], ['requirement-syntax', 2], ['requirement-syntax', 3],
    ]);
    assert.match(m.findings[0].message, /hash name followed by a value/);
  });

  test('an unclosed quote in the options', () => {
    const m = parseRequirementsFile('r.txt', "--'data\nok\n");
    assert.equal(m.findings[0].code, 'requirement-syntax');
    assert.deepEqual(m.findings[0].range, span(0, 0, 0, 7));
    only(m, 'ok');
  });

  test('options pip ignores on a requirement line are pointed out', () => {
    const doc = 'torch==2.3.0 --index-url https://download.pytorch.org/whl/cu121\n';
    const m = parseRequirementsFile('r.txt', doc);
    assert.deepEqual(m.indexes, []);
    assert.equal(m.findings[0].code, 'option-ignored');
    assert.equal(m.findings[0].severity, 'warning');
    assert.equal(textAt(doc, m.findings[0].range), '--index-url https://download.pytorch.org/whl/cu121');
  });

  test('an editable that is neither a path nor a VCS URL', () => {
    const m = parseRequirementsFile('r.txt', '-e https://example.com/pkg.tar.gz\n-e git+https://example.com/repo.git\n');
    assert.deepEqual(m.findings.map((f) => f.code), ['requirement-syntax', 'requirement-syntax']);
    assert.match(m.findings[1].message, /Could not detect requirement name/);
  });

  test('constraint files flag what pip does not accept as a constraint', () => {
    const m = parseRequirementsFile('c.txt', 'foo[bar]==1\n-e git+https://x/y.git#egg=z\nok<2\n', { constraint: true });
    assert.deepEqual(m.findings.map((f) => [f.code, f.severity]), [['constraint-form', 'warning'], ['constraint-form', 'error']]);
    assert.ok(m.requirements.every((r) => r.scope.kind === 'constraint'));
  });
});

describe('options, indexes and includes', () => {
  test('index options carry the range of their URL', () => {
    const doc = "-i https://a/simple\n--extra-index-url='https://b/simple'\n--no-index\n-f ./wheels\n";
    const m = parseRequirementsFile('r.txt', doc);
    assert.deepEqual(m.indexes.map((i) => [i.kind, i.url, textAt(doc, i.range)]), [
      ['index-url', 'https://a/simple', 'https://a/simple'],
      ['extra-index-url', 'https://b/simple', 'https://b/simple'],
      ['no-index', '', '--no-index'],
      ['find-links', './wheels', './wheels'],
    ]);
    const s = pipSettings([m]);
    assert.deepEqual(s.indexUrls, []);
    assert.equal(s.noIndex, true);
  });

  test('includes in every spelling, with the range of the target', () => {
    const doc = '-r base.txt\n-rdev.txt\n--requirement=extra.txt\n-c constraints.txt\n--constraint ../c2.txt\n';
    const m = parseRequirementsFile('reqs/main.txt', doc);
    assert.deepEqual(m.includes.map((i) => [i.kind, i.target, i.resolvedPath, textAt(doc, i.range)]), [
      ['requirement', 'base.txt', 'reqs/base.txt', 'base.txt'],
      ['requirement', 'dev.txt', 'reqs/dev.txt', 'dev.txt'],
      ['requirement', 'extra.txt', 'reqs/extra.txt', 'extra.txt'],
      ['constraint', 'constraints.txt', 'reqs/constraints.txt', 'constraints.txt'],
      ['constraint', '../c2.txt', 'c2.txt', '../c2.txt'],
    ]);
  });

  test('other options by name, and the settings pip derives', () => {
    const doc = '--pre\n--prefer-binary\n--no-binary :all:\n--only-binary numpy\n--trusted-host example.com\n--use-feature fast-deps\n--prefer\n';
    const m = parseRequirementsFile('r.txt', doc);
    assert.deepEqual(m.options!.map((o) => [o.name, o.value]), [
      ['--pre', undefined], ['--prefer-binary', undefined], ['--no-binary', ':all:'], ['--only-binary', 'numpy'],
      ['--trusted-host', 'example.com'], ['--use-feature', 'fast-deps'], ['--prefer-binary', undefined],
    ]);
    const s = pipSettings([m]);
    assert.deepEqual([s.pre, s.preferBinary, s.noBinary, s.onlyBinary, s.trustedHosts], [true, true, [':all:'], ['numpy'], ['example.com']]);
  });
});

describe('loadRequirementTree', () => {
  const files: Record<string, string> = {
    '/p/requirements.txt': '-r base.txt\n-c constraints.txt\n-r missing.txt\n-e ./pkg\n-e ./nope\n',
    '/p/base.txt': 'numpy\n-r nested/more.txt\n',
    '/p/nested/more.txt': 'scipy\n-r ../base.txt\n-r ../requirements.txt\n',
    '/p/constraints.txt': 'numpy<2\n',
    '/p/pkg/pyproject.toml': '[project]\nname = "pkg"\n',
  };
  const readFile = async (path: string) => files[path];

  test('root first, each file once, constraint scope, missing includes, cycles', async () => {
    const tree = await loadRequirementTree('/p/requirements.txt', readFile);
    assert.deepEqual(tree.manifests.map((m) => m.path), ['/p/requirements.txt', '/p/base.txt', '/p/nested/more.txt', '/p/constraints.txt']);
    const constraint = tree.manifests[3].requirements[0];
    assert.equal(constraint.scope.kind, 'constraint');
    const missing = tree.findings.filter((f) => f.code === 'include-missing');
    assert.equal(missing.length, 1);
    assert.equal(missing[0].path, '/p/requirements.txt');
    assert.deepEqual(missing[0].range, span(2, 3, 2, 14));
    const cycles = tree.findings.filter((f) => f.code === 'include-cycle');
    assert.deepEqual(cycles.map((f) => [f.path, f.range.start.line]), [['/p/nested/more.txt', 1], ['/p/nested/more.txt', 2]]);
    assert.match(cycles[1].message, /\/p\/requirements\.txt -> \/p\/base\.txt -> \/p\/nested\/more\.txt -> \/p\/requirements\.txt/);
    const local = tree.findings.filter((f) => f.code === 'local-path-missing');
    assert.equal(local.length, 1);
    assert.match(local[0].message, /\.\/nope/);
    assert.deepEqual(tree.unnamed.map((u) => u.target), ['./pkg', './nope']);
  });

  test('a missing root is a finding, not an exception', async () => {
    const tree = await loadRequirementTree('/nowhere.txt', readFile);
    assert.deepEqual(tree.manifests, []);
    assert.equal(tree.findings[0].code, 'include-missing');
  });
});

describe('decodeRequirementsBytes', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  test('BOMs', () => {
    assert.deepEqual(decodeRequirementsBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc('a==1')])), { text: 'a==1' });
    assert.deepEqual(decodeRequirementsBytes(Uint8Array.from([0xfe, 0xff, 0, 0x61, 0, 0x3d])), { text: 'a=' });
    assert.deepEqual(decodeRequirementsBytes(Uint8Array.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0])), { text: 'a' });
    assert.deepEqual(decodeRequirementsBytes(Uint8Array.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x61])), { text: 'a' });
  });

  test('a coding comment in the first two lines', () => {
    const latin = Uint8Array.from([...enc('# -*- coding: latin-1 -*-\n# caf'), 0xe9]);
    assert.deepEqual(decodeRequirementsBytes(latin), { text: '# -*- coding: latin-1 -*-\n# caf\u00e9' });
    const third = Uint8Array.from([...enc('\n\n# coding: latin-1\n'), 0xe9]);
    assert.ok('error' in decodeRequirementsBytes(third)); // too late: read as UTF-8, which 0xe9 is not
  });

  test('invalid UTF-8 and unknown codings are errors, not exceptions', () => {
    assert.ok('error' in decodeRequirementsBytes(Uint8Array.from([0x61, 0xff])));
    assert.ok('error' in decodeRequirementsBytes(enc('# coding: no-such-codec\nx')));
  });
});

describe('paths', () => {
  test('posix join and normalize', () => {
    assert.equal(posixJoin('a/b', '../c.txt'), 'a/c.txt');
    assert.equal(posixJoin('/a/b', '../../../c.txt'), '/c.txt');
    assert.equal(posixJoin('', 'x.txt'), 'x.txt');
    assert.equal(posixJoin('a', '/abs/x.txt'), '/abs/x.txt');
    assert.equal(posixNormalize('./a//b/./c/..'), 'a/b');
    assert.equal(posixNormalize('../x'), '../x');
  });
});

describe('robustness', () => {
  test('arbitrary text never throws and every range lies inside the document', () => {
    const alphabet = fc.constantFrom(...'ab=<>!~.,;[]()@#\\- \t\n\r\'"$0{}1:/eE_'.split(''));
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 80 }).map((cs) => cs.join('')), (doc) => {
      const m = parseRequirementsFile('r.txt', doc, { env: { A: 'x' } });
      const index = new LineIndex(doc);
      const ranges = [
        ...m.requirements.flatMap((r) => [r.range, r.nameRange, r.specifierRange]),
        ...m.findings.map((f) => f.range), ...m.indexes.map((i) => i.range), ...m.includes.map((i) => i.range),
      ];
      for (const r of ranges) {
        const start = index.offsetAt(r.start);
        const end = index.offsetAt(r.end);
        assert.ok(start <= end && end <= doc.length, JSON.stringify({ doc, r }));
      }
      for (const r of m.requirements) assert.ok(r.name.length > 0);
    }), { numRuns: 3000 });
  });
});
