// Live metadata from a loopback index: PEP 691 JSON and PEP 503 HTML pages, PEP 658 metadata files, the PyPI JSON API
// when a release has none, yanked files, the on-disk cache (fresh hits, ETag revalidation, stale answers when the
// index is down), a slow index, and credentials.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { IndexClient, parseCoreMetadata, redactUrl } from '../../src/node/index-client';
import { startIndex } from '../support/index-server';

const packages = {
  torchvision: [
    { version: '0.17.0', requires_dist: ['numpy', 'torch==2.2.0', 'scipy ; extra == "scipy"'], requires_python: '>=3.8' },
    { version: '0.17.1', requires_dist: ['torch==2.2.1'], yanked: 'wrong torch pin' },
  ],
};

describe('index client', () => {
  for (const pep691 of [true, false]) {
    test(`reads releases, Requires-Dist, Requires-Python and yanked state (${pep691 ? 'PEP 691 JSON' : 'PEP 503 HTML'})`, async () => {
      const index = await startIndex({ packages, pep691 });
      try {
        const meta = await new IndexClient({ indexes: [index.url] }).package('TorchVision');
        assert.ok(meta);
        assert.equal(meta.name, 'torchvision');
        assert.equal(meta.complete_through, '0.17.1');
        assert.deepEqual(meta.releases.map((r) => [r.versions, r.requires_dist, r.requires_python, r.yanked]), [
          [['0.17.0'], ['numpy', 'torch==2.2.0', 'scipy ; extra == "scipy"'], '>=3.8', undefined],
          [['0.17.1'], ['torch==2.2.1'], undefined, 'wrong torch pin'],
        ]);
        assert.match(meta.releases[0].source, /^index:http:\/\/127\.0\.0\.1:\d+\/files\/torchvision-0\.17\.0-py3-none-any\.whl\.metadata$/);
        assert.equal(await new IndexClient({ indexes: [index.url] }).package('nothing-here'), undefined);
        assert.deepEqual(await new IndexClient({ indexes: [index.url] }).lookup('nothing-here'), { unavailable: false }, 'a 404 is an answer');
      } finally {
        await index.close();
      }
    });
  }

  test('without PEP 658 files, the PyPI JSON API next to the index', async () => {
    const index = await startIndex({ packages, pep658: false, jsonApi: true });
    try {
      const meta = await new IndexClient({ indexes: [index.url] }).package('torchvision');
      assert.deepEqual(meta?.releases[0].requires_dist, packages.torchvision[0].requires_dist);
      assert.match(meta!.releases[0].source, /\/pypi\/torchvision\/0\.17\.0\/json$/);
      assert.ok(!index.requests.some((r) => r.path.endsWith('.metadata')));
    } finally {
      await index.close();
    }
  });

  test('a Requires-Dist PEP 508 rejects (`torch (>=1.9.*)`): read as the release\'s requires_dist_invalid, from either source', async () => {
    const lightning = { 'pytorch-lightning': [
      { version: '1.7.7', requires_dist: ['numpy>=1.17.2', 'torch (>=1.9.*)', 'tqdm (>=4.57.0)'], requires_python: '>=3.7' },
      { version: '1.8.4', requires_dist: ['numpy>=1.17.2', 'torch>=1.10.0'], requires_python: '>=3.7' },
    ] };
    for (const pep658 of [true, false]) {
      const index = await startIndex({ packages: lightning, pep658, jsonApi: true });
      try {
        const meta = await new IndexClient({ indexes: [index.url] }).package('pytorch-lightning');
        const [old, fixed] = meta!.releases;
        assert.deepEqual(old.requires_dist_invalid, ['torch (>=1.9.*)']);
        assert.deepEqual(old.requires_dist, ['numpy>=1.17.2', 'tqdm (>=4.57.0)']);
        assert.equal(old.requires_dist_partial, true);
        assert.equal(fixed.requires_dist_invalid, undefined);
        assert.deepEqual(fixed.requires_dist, ['numpy>=1.17.2', 'torch>=1.10.0']);
      } finally {
        await index.close();
      }
    }
  });

  test('neither: the release is listed with its Requires-Dist unknown (absent, not empty)', async () => {
    const index = await startIndex({ packages, pep658: false, jsonApi: false });
    try {
      const meta = await new IndexClient({ indexes: [index.url] }).package('torchvision');
      assert.equal(meta?.releases.length, 2);
      assert.equal(meta?.releases[0].requires_dist, undefined);
    } finally {
      await index.close();
    }
  });

  test('the cache: fresh answers without a request, revalidation with ETag, metadata files kept, stale answers when the index is down', async () => {
    const index = await startIndex({ packages });
    const cacheDir = mkdtempSync(join(tmpdir(), 'ml-pins-index-cache-'));
    try {
      const first = await new IndexClient({ indexes: [index.url], cacheDir }).package('torchvision');
      const n = index.requests.length;
      assert.equal(n, 3); // page + two metadata files
      const hit = new IndexClient({ indexes: [index.url], cacheDir });
      assert.deepEqual(await hit.package('torchvision'), first);
      assert.equal(index.requests.length, n);
      assert.equal(hit.cacheHits, 3);
      const stale = new IndexClient({ indexes: [index.url], cacheDir, ttlMs: 0 });
      assert.deepEqual(await stale.package('torchvision'), first);
      assert.equal(index.requests.length, n + 1, 'only the page is asked again');
      assert.ok(index.requests[n].ifNoneMatch, 'with If-None-Match');
      await index.close();
      assert.deepEqual(await new IndexClient({ indexes: [index.url], cacheDir, ttlMs: 0, timeoutMs: 2000 }).package('torchvision'), first);
    } finally {
      await index.close().catch(() => undefined);
    }
  });

  test('a cache listed once (the CLI): listed pages and pages this client wrote are read; a page written after the listing waits for the next client', async () => {
    const index = await startIndex({ packages });
    const cacheDir = mkdtempSync(join(tmpdir(), 'ml-pins-index-cache-'));
    try {
      // Nothing cached yet: offline, no answer (and no read is tried).
      const empty = new IndexClient({ indexes: [index.url], cacheDir, offline: true, listCacheOnce: true });
      assert.equal(await empty.package('torchvision'), undefined);
      // Fetched and written by a listed-once client, then read back by the same client when the index is down.
      const online = new IndexClient({ indexes: [index.url], cacheDir, ttlMs: 0, timeoutMs: 2000, listCacheOnce: true });
      const first = await online.package('torchvision');
      assert.ok(first);
      const n = index.requests.length;
      await index.close();
      assert.deepEqual(await online.package('torchvision'), first, 'the pages it wrote answer once the index is down');
      assert.equal(index.requests.length, n);
      // The client listed before those pages were written still sees the folder as it was.
      assert.equal(await empty.package('torchvision'), undefined);
      // A new client lists them.
      const later = new IndexClient({ indexes: [index.url], cacheDir, offline: true, listCacheOnce: true });
      assert.deepEqual(await later.package('torchvision'), first);
      assert.equal(later.cacheHits, 3);
    } finally {
      await index.close().catch(() => undefined);
    }
  });

  test('a slow index times out quickly and gives nothing', async () => {
    const server = createServer(() => { /* never answers */ });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`;
    try {
      const t = Date.now();
      assert.equal(await new IndexClient({ indexes: [url], timeoutMs: 300 }).package('torch'), undefined);
      assert.ok(Date.now() - t < 3000);
      // Not an answer: the editor asks again later instead of taking "unknown" as final.
      assert.deepEqual(await new IndexClient({ indexes: [url], timeoutMs: 300 }).lookup('torch'), { unavailable: true });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('a lock file\'s thousands of packages: 50 requests at once at most, and one alone to an index that cannot be reached', async () => {
    // An index that answers slowly: every package is asked, never more than 50 at once.
    let open = 0;
    let most = 0;
    const server = createServer((_req, res) => {
      most = Math.max(most, ++open);
      setTimeout(() => { open--; res.statusCode = 404; res.end(); }, 15);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`;
    const names = Array.from({ length: 300 }, (_, i) => `package-${i}`);
    try {
      const client = new IndexClient({ indexes: [url], timeoutMs: 5000 });
      await Promise.all(names.map((n) => client.package(n)));
      assert.equal(client.log.length, 300);
      assert.ok(most > 1 && most <= 50, `${most} at once`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    // An index nothing listens on: its first request, sent alone, finds it so, and the rest are not sent (each would
    // cost a look-up the process waits for, after the check has printed its result).
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const refused = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/simple`;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const unreachable = new Map<string, string>();
    const client = new IndexClient({ indexes: [refused], timeoutMs: 5000, unreachable });
    const answers = await Promise.all(Array.from({ length: 400 }, (_, i) => client.lookup(`package-${i}`)));
    assert.equal(client.log.length, 1);
    assert.deepEqual([...unreachable], [[refused, 'connection refused']]);
    assert.ok(answers.every((a) => a.metadata === undefined && a.unavailable));
    // An index that answers 503: not an answer either, and found so by its first request too.
    const failing = createServer((_req, res) => { res.statusCode = 503; res.end(); });
    await new Promise<void>((ok) => failing.listen(0, '127.0.0.1', ok));
    const failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/simple`;
    try {
      const down = new Map<string, string>();
      const asked = new IndexClient({ indexes: [failingUrl], timeoutMs: 5000, unreachable: down });
      const got = await Promise.all(Array.from({ length: 100 }, (_, i) => asked.lookup(`package-${i}`)));
      assert.equal(asked.log.length, 1);
      assert.deepEqual([...down], [[failingUrl, 'answered HTTP 503']]);
      assert.ok(got.every((a) => a.metadata === undefined && a.unavailable));
    } finally {
      failing.closeAllConnections();
      failing.close();
    }
  });

  test('credentials: a header for every file of that host, never in the log or the provenance', async () => {
    const index = await startIndex({ packages });
    try {
      const client = new IndexClient({ indexes: [index.url.replace('http://', 'http://bob:hunter2@')] });
      const meta = await client.package('torchvision');
      assert.ok(index.requests.length > 1 && index.requests.every((r) => r.authorization === `Basic ${Buffer.from('bob:hunter2').toString('base64')}`));
      assert.ok(!JSON.stringify(meta).includes('hunter2') && !client.log.join(' ').includes('hunter2'));
      assert.equal(redactUrl('https://u:p@example.com/simple'), 'https://example.com/simple');
    } finally {
      await index.close();
    }
  });

  test('core metadata headers: repeated fields and continuation lines', () => {
    const fields = parseCoreMetadata('Metadata-Version: 2.1\nName: x\nRequires-Dist: a>=1\nRequires-Dist: b ;\n  extra == "y"\nRequires-Python: >=3.9\n\nRequires-Dist: not-a-header\n');
    assert.deepEqual(fields.get('requires-dist'), ['a>=1', 'b ; extra == "y"']);
    assert.deepEqual(fields.get('requires-python'), ['>=3.9']);
  });
});
