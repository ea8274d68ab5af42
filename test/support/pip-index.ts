// A package index on loopback that speaks the real protocols: the PEP 503 HTML and PEP 691 JSON simple API (chosen by
// the Accept header), PEP 658/714 metadata files next to each wheel, and optionally the PyPI JSON API. It serves real
// wheels (test/support/wheels.ts), so `pip install --index-url <url>` installs from it.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildWheel, type BuiltWheel } from './wheels';

export interface IndexRelease {
  version: string;
  requires_dist?: string[];
  requires_python?: string;
  /** true, or the yank reason (PEP 592). */
  yanked?: boolean | string;
  /** Files inside the wheel (archive path -> contents). */
  files?: Record<string, string | Uint8Array>;
}

export interface IndexOptions {
  packages: Record<string, IndexRelease[]>;
  /** Serve PEP 691 JSON when asked for it (default true); false: HTML only. */
  pep691?: boolean;
  /** Publish PEP 658/714 metadata files (default true). */
  pep658?: boolean;
  /** Serve the PyPI JSON API at /pypi/<name>/json and /pypi/<name>/<version>/json (default false). */
  jsonApi?: boolean;
}

export interface IndexRequest {
  method: string;
  path: string;
  accept: string;
  /** The If-None-Match the client sent (a revalidation). */
  ifNoneMatch?: string;
  authorization?: string;
}

export interface RunningIndex {
  /** The simple-API root, e.g. http://127.0.0.1:PORT/simple */
  url: string;
  close: () => Promise<void>;
  requests: IndexRequest[];
}

const normalize = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Served {
  name: string;
  release: IndexRelease;
  wheel: BuiltWheel;
}

export async function startIndex(options: IndexOptions): Promise<RunningIndex> {
  const pep691 = options.pep691 ?? true;
  const pep658 = options.pep658 ?? true;
  const byName = new Map<string, Served[]>();
  const byFile = new Map<string, Served>();
  for (const [rawName, releases] of Object.entries(options.packages)) {
    const name = normalize(rawName);
    const list: Served[] = [];
    for (const release of releases) {
      const wheel = buildWheel({ name: rawName, version: release.version, requires_dist: release.requires_dist, requires_python: release.requires_python, files: release.files });
      const served = { name, release, wheel };
      list.push(served);
      byFile.set(wheel.filename, served);
    }
    byName.set(name, list);
  }
  const requests: IndexRequest[] = [];

  // Every 200 answer carries an ETag; a matching If-None-Match gets 304 (as PyPI's CDN does).
  let current: IncomingMessage | undefined;
  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    if (status === 200 && current?.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...(status === 200 ? { etag } : {}) });
    res.end(body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    current = req;
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const accept = String(req.headers.accept ?? '');
    requests.push({ method: req.method ?? 'GET', path, accept, ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}), ...(req.headers.authorization ? { authorization: String(req.headers.authorization) } : {}) });
    const wantsJson = pep691 && accept.includes('application/vnd.pypi.simple.v1+json');
    let m: RegExpExecArray | null;
    if (path === '/simple/' || path === '/simple') {
      const names = [...byName.keys()].sort();
      if (wantsJson) return send(res, 200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({ meta: { 'api-version': '1.1' }, projects: names.map((n) => ({ name: n })) }));
      return send(res, 200, 'text/html', `<!DOCTYPE html><html><body>${names.map((n) => `<a href="/simple/${n}/">${n}</a>`).join('\n')}</body></html>`);
    }
    if ((m = /^\/simple\/([^/]+)\/?$/.exec(path))) {
      const name = normalize(m[1]);
      const list = byName.get(name);
      if (!list) return send(res, 404, 'text/plain', 'not found');
      if (wantsJson) {
        const files = list.map(({ release, wheel }) => ({
          filename: wheel.filename,
          url: `/files/${wheel.filename}`,
          hashes: { sha256: wheel.sha256 },
          ...(release.requires_python ? { 'requires-python': release.requires_python } : {}),
          ...(release.yanked ? { yanked: release.yanked === true ? true : release.yanked } : {}),
          ...(pep658 ? { 'core-metadata': { sha256: wheel.metadataSha256 }, 'dist-info-metadata': { sha256: wheel.metadataSha256 } } : {}),
        }));
        return send(res, 200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({
          meta: { 'api-version': '1.1' }, name, files, versions: list.map((s) => s.release.version),
        }));
      }
      const anchors = list.map(({ release, wheel }) => {
        const attrs = [`href="/files/${wheel.filename}#sha256=${wheel.sha256}"`];
        if (release.requires_python) attrs.push(`data-requires-python="${esc(release.requires_python)}"`);
        if (release.yanked) attrs.push(`data-yanked="${release.yanked === true ? '' : esc(release.yanked)}"`);
        if (pep658) attrs.push(`data-dist-info-metadata="sha256=${wheel.metadataSha256}"`, `data-core-metadata="sha256=${wheel.metadataSha256}"`);
        return `<a ${attrs.join(' ')}>${wheel.filename}</a>`;
      });
      return send(res, 200, 'text/html', `<!DOCTYPE html><html><body>\n${anchors.join('<br/>\n')}\n</body></html>`);
    }
    if ((m = /^\/files\/(.+?)(\.metadata)?$/.exec(path))) {
      const served = byFile.get(m[1]);
      if (!served) return send(res, 404, 'text/plain', 'not found');
      if (m[2]) return pep658 ? send(res, 200, 'text/plain', served.wheel.metadata) : send(res, 404, 'text/plain', 'not found');
      return send(res, 200, 'application/octet-stream', served.wheel.bytes);
    }
    if (options.jsonApi && (m = /^\/pypi\/([^/]+)(?:\/([^/]+))?\/json$/.exec(path))) {
      const list = byName.get(normalize(m[1]));
      const served = list && (m[2] ? list.find((s) => s.release.version === m![2]) : list[list.length - 1]);
      if (!list || !served) return send(res, 404, 'application/json', '{"message": "Not Found"}');
      const { release } = served;
      return send(res, 200, 'application/json', JSON.stringify({
        info: { name: served.name, version: release.version, requires_dist: release.requires_dist?.length ? release.requires_dist : null, requires_python: release.requires_python ?? null, yanked: Boolean(release.yanked), yanked_reason: typeof release.yanked === 'string' ? release.yanked : null },
        releases: m[2] ? undefined : Object.fromEntries(list.map((s) => [s.release.version, [{ filename: s.wheel.filename, url: `/files/${s.wheel.filename}`, requires_python: s.release.requires_python ?? null, yanked: Boolean(s.release.yanked), digests: { sha256: s.wheel.sha256 } }]])),
        urls: [{ filename: served.wheel.filename, url: `/files/${served.wheel.filename}`, digests: { sha256: served.wheel.sha256 } }],
      }));
    }
    return send(res, 404, 'text/plain', 'not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/simple`,
    requests,
    close: () => new Promise<void>((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}
