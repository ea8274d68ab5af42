// The one reader of package index project pages (PEP 503 HTML, PEP 691 JSON), used by the snapshot generator and by
// the live index client: the pages below are written as indexes serve them (PyPI's JSON, a PEP 503 page with
// `#sha256=` fragments, entities and a <base>, pip's find-links style page with `#md5=`), and the live client is
// checked to read a page exactly as the generator does.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { parseHtmlPage, parseJsonPage } from '../../../src/core/metadata/index-formats';
import { IndexClient } from '../../../src/node/index-client';

const SHA = 'a'.repeat(64);
const SHA_B = 'B'.repeat(64);

describe('index project pages', () => {
  test('PEP 691 JSON: every stated digest is kept lower-cased, sha256 only when it is one; yanked and metadata', () => {
    const page = JSON.stringify({
      meta: { 'api-version': '1.1' },
      name: 'demo',
      files: [
        { filename: 'demo-1.0-py3-none-any.whl', url: 'demo-1.0-py3-none-any.whl#frag', hashes: { sha256: SHA_B, md5: 'ABCD' }, 'requires-python': '>=3.9', 'core-metadata': { sha256: SHA } },
        { filename: 'demo-0.9.tar.gz', url: 'https://files.example/demo-0.9.tar.gz', hashes: { sha256: 'not-hex', 'bad alg': SHA }, yanked: 'broken build' },
        { filename: 'demo-0.8.tar.gz', url: 'https://files.example/demo-0.8.tar.gz', hashes: {}, yanked: true, 'dist-info-metadata': false },
        { filename: 42, url: 'x' },
      ],
    });
    const files = parseJsonPage(page, 'https://index.example/simple/demo/');
    assert.deepEqual(files, [
      { filename: 'demo-1.0-py3-none-any.whl', url: 'https://index.example/simple/demo/demo-1.0-py3-none-any.whl', requiresPython: '>=3.9', yanked: false, hasMetadata: true, hashes: { sha256: SHA_B.toLowerCase(), md5: 'abcd' }, sha256: SHA_B.toLowerCase() },
      { filename: 'demo-0.9.tar.gz', url: 'https://files.example/demo-0.9.tar.gz', yanked: 'broken build', hasMetadata: false, hashes: {} },
      { filename: 'demo-0.8.tar.gz', url: 'https://files.example/demo-0.8.tar.gz', yanked: '', hasMetadata: false, hashes: {} },
    ]);
  });

  test('PEP 503 HTML: fragments of any algorithm, entities in attributes, <base>, bare data-yanked', () => {
    const page = `<!DOCTYPE html><html><head><base href="https://files.example/packages/"></head><body>
<a href="demo-1.0-py3-none-any.whl#sha256=${SHA}" data-requires-python="&gt;=3.9" data-dist-info-metadata="sha256=${SHA}">demo-1.0-py3-none-any.whl</a>
<a href="../other/demo-0.9.tar.gz#md5=0123ABCD" data-yanked>demo-0.9.tar.gz</a>
<a href="demo-0.8.tar.gz" data-yanked="bad &amp; old" data-core-metadata="false">demo-0.8.tar.gz</a>
<a name="no-href">nothing</a>
</body></html>`;
    assert.deepEqual(parseHtmlPage(page, 'https://index.example/simple/demo/'), [
      { filename: 'demo-1.0-py3-none-any.whl', url: 'https://files.example/packages/demo-1.0-py3-none-any.whl', requiresPython: '>=3.9', yanked: false, hasMetadata: true, hashes: { sha256: SHA }, sha256: SHA },
      { filename: 'demo-0.9.tar.gz', url: 'https://files.example/other/demo-0.9.tar.gz', yanked: '', hasMetadata: false, hashes: { md5: '0123abcd' } },
      { filename: 'demo-0.8.tar.gz', url: 'https://files.example/packages/demo-0.8.tar.gz', yanked: 'bad & old', hasMetadata: false, hashes: {} },
    ]);
  });

  test('unreadable pages give no files rather than an error', () => {
    assert.deepEqual(parseJsonPage('{"files": 3}', 'https://i.example/'), []);
    assert.deepEqual(parseJsonPage('not json', 'https://i.example/'), []);
    // A link that is no URL, or whose escapes do not decode, is named by its text (it used to throw).
    assert.deepEqual(parseHtmlPage('<a href="http://[bad">x.whl</a><a href="/f/%E0%A4%A.whl">y.whl</a>', 'https://i.example/'), [
      { filename: 'x.whl', url: 'http://[bad', yanked: false, hasMetadata: false, hashes: {} },
      { filename: 'y.whl', url: 'https://i.example/f/%E0%A4%A.whl', yanked: false, hasMetadata: false, hashes: {} },
    ]);
  });

  test('the live index client lists a served HTML page as the parser reads it (digests for --hash checks included)', async () => {
    const page = `<a href="/files/demo-1.0-py3-none-any.whl#sha256=${SHA}" data-requires-python="&gt;=3.9">demo-1.0-py3-none-any.whl</a>
<a href="/files/demo-0.9.tar.gz#sha512=${'c'.repeat(128)}" data-yanked="">demo-0.9.tar.gz</a>`;
    const server = createServer((req, res) => {
      if (req.url === '/simple/demo/') { res.writeHead(200, { 'content-type': 'text/html' }); res.end(page); return; }
      res.writeHead(404); res.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new IndexClient({ indexes: [`http://127.0.0.1:${port}/simple`] });
      const listed = await client.files('demo');
      assert.deepEqual(listed?.files.map((f) => [f.version, f.filename, f.hashes]).sort(), [
        ['0.9', 'demo-0.9.tar.gz', { sha512: 'c'.repeat(128) }],
        ['1.0', 'demo-1.0-py3-none-any.whl', { sha256: SHA }],
      ]);
    } finally {
      server.close();
    }
  });
});
