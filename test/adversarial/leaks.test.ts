// Seeded, time-bounded fuzz: secrets placed anywhere in any kind of manifest never come out whole in findings
// (messages, related notes, fix titles), and no quoted line runs past the echo limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProject } from '../../src/core/engine/check';
import { knowledge } from '../core/engine/helpers';
import { rng } from '../support/random';


const SECRET = 'S3cr3tPassw0rdXYZ';
const templates: Record<string, (secret: string, junk: string) => string> = {
  'requirements.txt': (s, j) => `--index-url https://user:${s}@pypi.example/simple\ntorch @ https://bob:${s}@host.example/torch-2.2.0-cp311-cp311-linux_x86_64.whl\n${j}\ndiffusers>=0.21.0\n-e git+https://${s}@github.com/o/r.git#egg=r\n`,
  'pyproject.toml': (s, j) => `[project]\nname = "x"\nversion = "1"\ndependencies = ["pkg @ https://u:${s}@h.example/pkg-1.0.tar.gz", "${j.replace(/["\\]/g, '')}", "numpy>=2", "torch==2.2.0"]\n`,
  'environment.yml': (s, j) => `dependencies:\n  - pip:\n    - torch @ https://u:${s}@h.example/torch-2.2.0-cp311-cp311-linux_x86_64.whl\n    - ${j.replace(/[#\n]|: /g, ' ')}\n    - numpy>=2\n`,
  'install.sh': (s, j) => `pip install "torch @ https://u:${s}@h.example/torch-2.2.0-cp311-cp311-linux_x86_64.whl" numpy>=2 ${j.replace(/\n/g, ' ')}\n`,
};

test('secrets never come out whole, lines are quoted at most 80 characters (seeded, bounded)', async () => {
  const next = rng(1206);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 =<>!~;@:/.,[]()"\'#-_\\';
  const deadline = Date.now() + 8000; // bounded in time as well as in count
  let cases = 0;
  for (let i = 0; i < 400 && Date.now() < deadline; i++, cases++) {
    const len = 40 + Math.floor(next() * 300);
    let junk = '';
    for (let k = 0; k < len; k++) junk += alphabet[Math.floor(next() * alphabet.length)];
    // The secret somewhere in the junk too, as a password in a URL.
    const at = Math.floor(next() * junk.length);
    junk = `${junk.slice(0, at)} https://me:${SECRET}@x.example/ ${junk.slice(at)}`;
    const [name, make] = Object.entries(templates)[i % 4];
    const r = await checkProject({ files: [{ path: `/p/${name}`, text: make(SECRET, junk) }], knowledge });
    for (const f of r.files.flatMap((x) => x.findings)) {
      const shown = [f.message, ...f.fixes.map((x) => x.title), ...(f.related ?? []).map((x) => x.message)];
      for (const s of shown) {
        assert.ok(!s.includes(SECRET), `case ${i} (${name}) ${f.code}: ${s}`);
        for (const quoted of s.match(/"[^"]*"/g) ?? []) assert.ok(quoted.length <= 82 + 1 + 40, `case ${i}: ${quoted.length} ${s}`);
      }
    }
  }
  assert.ok(cases >= 20, `only ${cases} cases in the time bound`);
});
