import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseScript } from '../../../src/core/formats/script';
import { resolveRelative } from '../../../src/core/formats/script/pip';
import { scanShell } from '../../../src/core/formats/script/shell';
import { LineIndex } from '../../../src/core/text';
import type { ParsedManifest, Range } from '../../../src/core/types';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/scripts/${name}`, import.meta.url), 'utf8');

function slice(text: string, range: Range): string {
  const index = new LineIndex(text);
  return text.slice(index.offsetAt(range.start), index.offsetAt(range.end));
}

/** name, specifier and block of each requirement, in order. */
function summary(m: ParsedManifest): string[] {
  return m.requirements.map((r) => `${r.scope.block}:${r.normalizedName}${r.specifier}`);
}

function assertRangesMatchText(m: ParsedManifest, text: string): void {
  for (const r of m.requirements) {
    assert.equal(slice(text, r.nameRange), r.name, `name range of ${r.text}`);
    assert.equal(r.scope.kind, 'pip-install');
  }
}

describe('scanShell', () => {
  test('splits commands at operators and line breaks, removing quotes', () => {
    const scan = scanShell(`a "b c" 'd'e && f | g; h\ni\\\nj # k l\n(m)`);
    assert.deepEqual(
      scan.commands.map((c) => c.words.map((w) => w.value)),
      [['a', 'b c', 'de'], ['f'], ['g'], ['h'], ['ij'], ['m']],
    );
  });

  test('drops redirection targets and file descriptors', () => {
    const scan = scanShell('pip install x >log 2>&1 < in.txt 3> other &>all');
    assert.deepEqual(scan.commands[0].words.map((w) => w.value), ['pip', 'install', 'x']);
  });

  test('maps each value unit back to the document through escapes and continuations', () => {
    const text = `echo "a\\"b" c\\ d 'e\\\nf'`;
    const words = scanShell(text).commands[0].words;
    assert.deepEqual(words.map((w) => w.value), ['echo', 'a"b', 'c d', 'e\\\nf']);
    assert.equal(text[words[1].toDoc(1)], '"');
    assert.equal(words[1].toDoc(1), text.indexOf('\\"') + 1);
    assert.equal(text[words[2].toDoc(2)], 'd');
    assert.equal(words[1].toDoc(3), text.indexOf('b"') + 1, 'the end maps to the closing quote');
  });

  test('skips heredoc bodies', () => {
    const scan = scanShell('cat <<-EOF > f\n\tpip install x==1\n\tEOF\npip install y');
    assert.deepEqual(scan.commands.map((c) => c.words.map((w) => w.value)), [['cat'], ['pip', 'install', 'y']]);
  });

  test('marks expansions and records unterminated quotes', () => {
    const [a, b, c] = scanShell('$X "${Y}z" "open').commands[0].words;
    assert.equal(a.expansion, true);
    assert.equal(b.expansion, true);
    assert.equal(b.value, '${Y}z');
    assert.equal(c.unterminated, 11);
  });
});

describe('parseScript: shell scripts', () => {
  test('the seed project line: ROCm pins and their index share a block', () => {
    const text = 'pip install --upgrade pip\n' +
      'pip install torch==2.2.0+rocm5.7 torchvision==0.17.0+rocm5.7 --index-url https://download.pytorch.org/whl/rocm5.7\n';
    const m = parseScript('server-setup.sh', text);
    assert.equal(m.kind, 'script');
    assert.deepEqual(summary(m), ['0:pip', '1:torch==2.2.0+rocm5.7', '1:torchvision==0.17.0+rocm5.7']);
    assert.deepEqual(m.indexes.map((x) => [x.kind, x.url, x.block, slice(text, x.range)]), [
      ['index-url', 'https://download.pytorch.org/whl/rocm5.7', 1, 'https://download.pytorch.org/whl/rocm5.7'],
    ]);
    assert.equal(slice(text, m.requirements[1].range), 'torch==2.2.0+rocm5.7');
    assert.equal(slice(text, m.requirements[1].specifierRange), '==2.2.0+rocm5.7');
    assert.deepEqual(m.findings, []);
  });

  test('every way of running pip install is recognized', () => {
    const text = [
      'sudo -H -u root pip3 install a==1',
      'env -i FOO=1 python3.11 -m pip install b==1',
      'CUDA=1 python -mpip --no-cache-dir install c==1',
      'conda run -n base pip install d==1',
      'uv pip install --system e==1',
      '"$PYTHON" -m pip install f==1',
      '/opt/venv/bin/pip install g==1',
      'if pip install h==1; then echo; fi',
      'time py -3 -m pip install i==1',
      'python -m pip download nope==1',
      'pip uninstall nope==1',
      'python -c "import pip" install nope==1',
      'pipx install nope==1',
    ].join('\n');
    const m = parseScript('x.sh', text);
    assert.deepEqual(summary(m).map((s) => s.slice(2)), ['a==1', 'b==1', 'c==1', 'd==1', 'e==1', 'f==1', 'g==1', 'h==1', 'i==1']);
    assertRangesMatchText(m, text);
  });

  test('options with values consume them; flags do not', () => {
    const text = 'pip install --target dir --python-version 3.10 --platform manylinux2014_x86_64 --prefix /p --root /r ' +
      '--src s --trusted-host h --cache-dir c --log l --progress-bar off --config-settings k=v --upgrade-strategy eager ' +
      '-U --no-deps --pre --user -q --force-reinstall -t tgt --only-binary :all: -qU torch==2.1 -- --weird==1';
    const m = parseScript('x.sh', text);
    assert.deepEqual(summary(m), ['0:torch==2.1']);
    const dashed = parseScript('x.sh', 'pip install -- numpy==1.26').requirements;
    assert.deepEqual(dashed.map((r) => r.name), ['numpy']);
  });

  test('quoted specs keep exact ranges inside the quotes, also across continuations', () => {
    const text = `pip install "torch>=2.1" 'diffusers[torch]>=0.29' \\\n  "trans\\\nformers==4.40" tok\\>=1`;
    const m = parseScript('x.sh', text);
    assert.deepEqual(summary(m), ['0:torch>=2.1', '0:diffusers>=0.29', '0:transformers==4.40', '0:tok>=1']);
    assert.equal(slice(text, m.requirements[0].range), 'torch>=2.1');
    assert.equal(slice(text, m.requirements[1].range), 'diffusers[torch]>=0.29');
    const t = m.requirements[2];
    assert.deepEqual(t.nameRange.start, { line: 1, character: 3 });
    assert.deepEqual(t.nameRange.end, { line: 2, character: 7 });
    assert.equal(slice(text, t.specifierRange), '==4.40');
    assert.equal(slice(text, m.requirements[3].specifierRange), '>=1');
  });

  test('unexpanded variables, local paths, archives and URLs are skipped without findings', () => {
    const text = 'pip install $SPEC "torch==${TORCH_VERSION}" "$(cat pins)" ./pkg . .. ../x dist/a-1.0-py3-none-any.whl ' +
      'b-1.tar.gz https://example.com/x.zip git+https://github.com/a/b.git {a,b}==1 -e . ~/src ' +
      '"peft @ https://example.com/peft-0.1-py3-none-any.whl"';
    const m = parseScript('x.sh', text);
    assert.deepEqual(m.findings, []);
    assert.deepEqual(m.requirements.map((r) => [r.name, r.url]), [['peft', 'https://example.com/peft-0.1-py3-none-any.whl']]);
  });

  test('requirement files, constraints and indexes are recorded with the command block', () => {
    const text = 'pip install -r requirements/gpu.txt -c../constraints.txt --requirement=dev.txt -rextra.txt\n' +
      'pip install --no-index -f ./wheels -i https://a.example/simple --extra-index-url https://b.example/simple x\n' +
      'PIP_EXTRA_INDEX_URL=https://c.example/simple pip install y';
    const m = parseScript('scripts/setup.sh', text);
    assert.deepEqual(m.includes.map((i) => [i.kind, i.target, i.resolvedPath, slice(text, i.range)]), [
      ['requirement', 'requirements/gpu.txt', 'scripts/requirements/gpu.txt', 'requirements/gpu.txt'],
      ['constraint', '../constraints.txt', 'constraints.txt', '../constraints.txt'],
      ['requirement', 'dev.txt', 'scripts/dev.txt', 'dev.txt'],
      ['requirement', 'extra.txt', 'scripts/extra.txt', 'extra.txt'],
    ]);
    assert.deepEqual(m.indexes.map((x) => [x.kind, x.url, x.block, slice(text, x.range)]), [
      ['no-index', '', 1, '--no-index'],
      ['find-links', './wheels', 1, './wheels'],
      ['index-url', 'https://a.example/simple', 1, 'https://a.example/simple'],
      ['extra-index-url', 'https://b.example/simple', 1, 'https://b.example/simple'],
      ['extra-index-url', 'https://c.example/simple', 2, 'https://c.example/simple'],
    ]);
    assert.deepEqual(summary(m), ['1:x', '2:y']);
  });

  test('comments, echoed text and heredoc bodies are not commands', () => {
    const text = '# pip install a==1\necho "pip install b==1" # pip install c==1\ncat > r.txt <<EOF\npip install d==1\nEOF\n' +
      'bash <<\'EOF\'\npip install e==1\nEOF\nsh -ec "pip install \'f==1\'"';
    const m = parseScript('x.sh', text);
    assert.deepEqual(summary(m).map((s) => s.slice(2)), ['e==1', 'f==1']);
    assertRangesMatchText(m, text);
    assert.equal(slice(text, m.requirements[1].range), 'f==1');
  });

  test('an unquoted > or < is a redirection: error with a quoting fix', () => {
    const text = 'pip install torch>=2.0,<3 numpy';
    const m = parseScript('x.sh', text);
    assert.deepEqual(summary(m), ['0:torch', '0:numpy']);
    const [f] = m.findings;
    assert.equal(f.code, 'shell-redirect');
    assert.equal(slice(text, f.range), 'torch>=2.0,<3');
    assert.deepEqual(f.packages, ['torch']);
    assert.equal(f.fixes[0].edits[0].newText, '"torch>=2.0,<3"');
    assert.deepEqual(parseScript('x.sh', 'pip install torch >=2.0').findings, [], 'a separate redirection is deliberate');
  });

  test('invalid requirements and unterminated quotes become findings at their ranges', () => {
    const text = 'pip install "torch=2.0" ok==1\npip install "numpy<2';
    const m = parseScript('x.sh', text);
    assert.deepEqual(m.findings.map((f) => [f.code, slice(text, f.range)]), [
      ['requirement-syntax', 'torch=2.0'],
      ['script-syntax', '"'],
    ]);
    assert.deepEqual(summary(m), ['0:ok==1']);
  });

  test('the fixture script', () => {
    const text = fixture('install-gpu.sh');
    const m = parseScript('test/fixtures/scripts/install-gpu.sh', text);
    assert.deepEqual(summary(m), ['0:pip', '0:wheel', '1:torch==2.3.1+cu121', '1:torchvision==0.18.1+cu121', '2:xformers==0.0.26.post1', '5:numpy<2', '5:diffusers']);
    assert.deepEqual(m.indexes.map((x) => [x.kind, x.block]), [['index-url', 1], ['extra-index-url', 1]]);
    assert.deepEqual(m.includes.map((x) => x.resolvedPath), ['test/fixtures/scripts/requirements/base.txt', 'test/fixtures/scripts/constraints.txt']);
    assert.deepEqual(m.findings.map((f) => f.code), ['shell-redirect']);
    assertRangesMatchText(m, text);
  });

  test('property: any quoting of a plain requirement maps back to exactly its text', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}[a-z0-9]$/);
    const spec = fc.constantFrom('', '==1.0', '>=2,<3', '~=0.29', '!=1.*');
    const quote = fc.constantFrom('', "'", '"');
    const lead = fc.constantFrom(' ', ' \\\n  ', '\t', ' -q ');
    fc.assert(fc.property(name, spec, quote, lead, (n, s, q, l) => {
      const requirement = q === '' && /[<>]/.test(s) ? n : n + s;
      const text = `pip install${l}${q}${requirement}${q} ; echo`;
      const m = parseScript('x.sh', text);
      assert.equal(m.requirements.length, 1);
      assert.equal(slice(text, m.requirements[0].range), requirement);
      assert.equal(slice(text, m.requirements[0].nameRange), n);
    }));
  });
});

describe('parseScript: Dockerfiles', () => {
  test('the fixture Dockerfile: continuations with comments, exec form, heredoc, COPY resolution', () => {
    const text = fixture('Dockerfile.gpu');
    const m = parseScript('docker/Dockerfile.gpu', text);
    assert.deepEqual(summary(m), ['0:torch==2.3.1', '0:torchvision==0.18.1', '2:huggingface-hub>=0.23,<0.26', '3:accelerate==0.31.0']);
    assert.deepEqual(m.indexes.map((x) => [x.kind, x.block]), [['index-url', 0]]);
    assert.deepEqual(m.includes.map((x) => [x.target, x.resolvedPath]), [['requirements.txt', 'docker/requirements.txt']]);
    assert.deepEqual(m.findings, []);
    assertRangesMatchText(m, text);
  });

  test('only RUN instructions run commands; ONBUILD RUN counts', () => {
    const text = 'FROM x\nLABEL a="pip install no==1"\nENV PIP="pip install no==2"\nONBUILD RUN pip install yes==1\n' +
      'run pip install lower==1';
    assert.deepEqual(summary(parseScript('Dockerfile', text)).map((s) => s.slice(2)), ['yes==1', 'lower==1']);
  });

  test('exec form strings map JSON escapes; sh -c scripts are read too', () => {
    const text = 'RUN ["pip", "install", "n\\u0075mpy<2", "-r", "/app/r.txt"]\nRUN ["bash", "-c", "pip install \\"pillow>=10\\""]';
    const m = parseScript('app.dockerfile', text);
    assert.deepEqual(summary(m), ['0:numpy<2', '1:pillow>=10']);
    assert.equal(slice(text, m.requirements[0].range), 'n\\u0075mpy<2');
    assert.equal(slice(text, m.requirements[0].specifierRange), '<2');
    assert.equal(slice(text, m.requirements[1].range), 'pillow>=10');
    assert.deepEqual(m.includes.map((x) => [x.target, x.resolvedPath]), [['/app/r.txt', undefined]]);
  });

  test('a backquote escape directive changes the continuation character', () => {
    const text = '# escape=`\nFROM x\nRUN pip install `\n    torch==2.1 `\n    numpy==1.26\n';
    assert.deepEqual(summary(parseScript('Containerfile', text)), ['0:torch==2.1', '0:numpy==1.26']);
  });

  test('COPY of a directory resolves a later -r through WORKDIR', () => {
    const text = 'WORKDIR /app\nCOPY . .\nWORKDIR sub\nRUN pip install -r ../reqs/base.txt\nCOPY --from=build /x /y\n';
    const m = parseScript('ctx/Dockerfile', text);
    assert.deepEqual(m.includes.map((x) => x.resolvedPath), ['ctx/reqs/base.txt']);
  });
});

describe('resolveRelative', () => {
  test('joins against the directory of the manifest', () => {
    assert.equal(resolveRelative('/a/b/setup.sh', '../r.txt'), '/a/r.txt');
    assert.equal(resolveRelative('setup.sh', './r.txt'), 'r.txt');
    assert.equal(resolveRelative('C:\\p\\x.sh', 'r\\a.txt'), 'C:\\p\\r\\a.txt');
    assert.equal(resolveRelative('/a/x.sh', '/opt/../abs.txt'), '/abs.txt');
    assert.equal(resolveRelative('/a/x.sh', '$HOME/r.txt'), undefined);
  });
});

describe('index variables set for later commands', () => {
  const urls = (path: string, text: string) => parseScript(path, text).indexes.map((i) => `${i.kind} ${i.url} @${i.block}`);
  test('Dockerfile ENV and ARG, in both ENV forms, reset by FROM', () => {
    const text = 'FROM python:3.11\nENV UV_INDEX=https://download.pytorch.org/whl/cu128\nARG PIP_EXTRA_INDEX_URL=https://mirror.example/simple\n' +
      'RUN uv pip install --no-deps torch==2.7.0+cu128\nFROM python:3.11 AS app\nENV PIP_INDEX_URL https://download.pytorch.org/whl/cpu\nRUN pip install torch==2.7.0+cpu\n';
    assert.deepEqual(urls('/p/Dockerfile', text), [
      'extra-index-url https://download.pytorch.org/whl/cu128 @0', 'extra-index-url https://mirror.example/simple @0',
      'index-url https://download.pytorch.org/whl/cpu @1',
    ]);
  });
  test('shell export and bare assignments hold for later pip commands', () => {
    const text = 'export PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cu121\npip install torch==2.1.0+cu121\nPIP_EXTRA_INDEX_URL=\npip install numpy\n';
    assert.deepEqual(urls('/p/install.sh', text), ['extra-index-url https://download.pytorch.org/whl/cu121 @0']);
  });
});
