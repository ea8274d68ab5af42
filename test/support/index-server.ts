// A loopback package index that speaks the real protocols, for tests (PyPI is not reachable from the test machines):
//   PEP 503 HTML simple pages and PEP 691 JSON (chosen by the Accept header, as PyPI does), PEP 592 yanked files,
//   PEP 658/714 metadata files (`<file>.metadata`, advertised as `data-core-metadata` / `data-dist-info-metadata` and
//   `core-metadata` / `dist-info-metadata`), the PyPI JSON API (`/pypi/<name>/json`, `/pypi/<name>/<version>/json`),
//   and the wheel files themselves (built by wheels.ts, installable by real pip).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildWheel, wheelName } from './wheels';

export interface IndexRelease {
  version: string;
  requires_dist?: string[];
  requires_python?: string;
  /** true, or the yank reason. */
  yanked?: boolean | string;
  /** File names to serve for this release; default one `py3-none-any` wheel. A wheel name's version may carry a
   *  local label (`torch-2.2.0+cu121-cp311-cp311-linux_x86_64.whl`); `.tar.gz` names are served as sdists. */
  files?: string[];
}

export interface IndexOptions {
  packages: Record<string, IndexRelease[]>;
  /** Serve PEP 691 JSON when asked for it (default true). */
  pep691?: boolean;
  /** Serve and advertise `.metadata` files (default true). */
  pep658?: boolean;
  /** Serve the PyPI JSON API under /pypi/ (default true). */
  jsonApi?: boolean;
  /** Every request waits for it before it is answered (a slow index whose speed the test controls). */
  gate?: Promise<void>;
}

export interface IndexRequest {
  method: string;
  path: string;
  accept?: string;
  authorization?: string;
}

export interface RunningIndex {
  /** The simple index URL (`http://127.0.0.1:<port>/simple/`), as `--index-url` takes it. */
  url: string;
  /** The server root (`http://127.0.0.1:<port>`): the JSON API is `${root}/pypi/<name>/json`. */
  root: string;
  close(): Promise<void>;
  requests: IndexRequest[];
}

const normalize = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface ServedFile {
  filename: string;
  release: IndexRelease;
  data: Buffer;
  metadata?: string;
}

function filesOf(name: string, release: IndexRelease): ServedFile[] {
  const names = release.files ?? [`${wheelName(name)}-${release.version}-py3-none-any.whl`];
  return names.map((filename) => {
    const wheel = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-([^-]+-[^-]+-[^-]+)\.whl$/.exec(filename);
    if (wheel) {
      const built = buildWheel({ name, version: decodeURIComponent(wheel[2]), requires_dist: release.requires_dist, requires_python: release.requires_python, tag: wheel[3] });
      return { filename, release, data: built.bytes, metadata: built.metadata };
    }
    return { filename, release, data: Buffer.from(`sdist of ${name} ${release.version}\n`) };
  });
}

export async function startIndex(options: IndexOptions): Promise<RunningIndex> {
  const pep691 = options.pep691 ?? true;
  const pep658 = options.pep658 ?? true;
  const jsonApi = options.jsonApi ?? true;
  const projects = new Map<string, { name: string; files: ServedFile[]; releases: IndexRelease[] }>();
  for (const [name, releases] of Object.entries(options.packages)) {
    projects.set(normalize(name), { name, releases, files: releases.flatMap((r) => filesOf(name, r)) });
  }
  const byFile = new Map<string, ServedFile>();
  for (const p of projects.values()) for (const f of p.files) byFile.set(f.filename, f);
  const requests: IndexRequest[] = [];
  let root = '';

  const fileUrl = (f: ServedFile) => `${root}/files/${encodeURIComponent(f.filename)}`;
  const yankedOf = (r: IndexRelease) => (r.yanked === undefined || r.yanked === false ? false : r.yanked === true ? true : r.yanked);

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (options.gate) { void options.gate.then(() => answer(req, res)); return; }
    answer(req, res);
  };
  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', root);
    const path = decodeURIComponent(url.pathname);
    requests.push({ method: req.method ?? 'GET', path, accept: req.headers.accept, authorization: req.headers.authorization });
    const accept = req.headers.accept ?? '';
    let m: RegExpExecArray | null;
    if (path === '/simple/' || path === '/simple') {
      const names = [...projects.values()].map((p) => p.name);
      if (pep691 && accept.includes('application/vnd.pypi.simple.v1+json')) {
        return send(res, 200, 'application/vnd.pypi.simple.v1+json', JSON.stringify({ meta: { 'api-version': '1.1' }, projects: names.map((n) => ({ name: n })) }));
      }
      return send(res, 200, 'text/html', `<!DOCTYPE html><html><body>${names.map((n) => `<a href="${esc(normalize(n))}/">${esc(n)}</a>`).join('\n')}</body></html>`);
    }
    if ((m = /^\/simple\/([^/]+)\/?$/.exec(path))) {
      const key = normalize(m[1]);
      const project = projects.get(key);
      if (!project) return send(res, 404, 'text/plain', 'not found');
      if (m[1] !== key || !path.endsWith('/')) { res.writeHead(301, { location: `/simple/${key}/` }); return res.end(); }
      if (pep691 && accept.includes('application/vnd.pypi.simple.v1+json')) {
        const body = {
          meta: { 'api-version': '1.1' }, name: key,
          versions: [...new Set(project.releases.map((r) => r.version))],
          files: project.files.map((f) => ({
            filename: f.filename, url: fileUrl(f), hashes: { sha256: sha256(f.data) },
            ...(f.release.requires_python ? { 'requires-python': f.release.requires_python } : {}),
            ...(yankedOf(f.release) !== false ? { yanked: yankedOf(f.release) } : {}),
            ...(pep658 && f.metadata ? { 'core-metadata': { sha256: sha256(f.metadata) }, 'dist-info-metadata': { sha256: sha256(f.metadata) } } : {}),
            size: f.data.length,
          })),
        };
        return send(res, 200, 'application/vnd.pypi.simple.v1+json', JSON.stringify(body));
      }
      const links = project.files.map((f) => {
        const attrs = [`href="${esc(fileUrl(f))}#sha256=${sha256(f.data)}"`];
        if (f.release.requires_python) attrs.push(`data-requires-python="${esc(f.release.requires_python)}"`);
        const y = yankedOf(f.release);
        if (y !== false) attrs.push(y === true ? 'data-yanked' : `data-yanked="${esc(y)}"`);
        if (pep658 && f.metadata) attrs.push(`data-dist-info-metadata="sha256=${sha256(f.metadata)}"`, `data-core-metadata="sha256=${sha256(f.metadata)}"`);
        return `<a ${attrs.join(' ')}>${esc(f.filename)}</a><br/>`;
      });
      return send(res, 200, 'text/html', `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.1"><title>Links for ${esc(key)}</title></head><body><h1>Links for ${esc(key)}</h1>\n${links.join('\n')}\n</body></html>`);
    }
    if ((m = /^\/files\/(.+)$/.exec(path))) {
      const isMeta = m[1].endsWith('.metadata');
      const f = byFile.get(isMeta ? m[1].slice(0, -'.metadata'.length) : m[1]);
      if (!f) return send(res, 404, 'text/plain', 'not found');
      if (isMeta) return pep658 && f.metadata ? send(res, 200, 'application/octet-stream', f.metadata) : send(res, 404, 'text/plain', 'not found');
      return send(res, 200, 'application/octet-stream', f.data);
    }
    if (jsonApi && (m = /^\/pypi\/([^/]+)\/(?:([^/]+)\/)?json$/.exec(path))) {
      const project = projects.get(normalize(m[1]));
      if (!project) return send(res, 404, 'application/json', JSON.stringify({ message: 'Not Found' }));
      const fileJson = (f: ServedFile) => ({
        filename: f.filename, url: fileUrl(f), digests: { sha256: sha256(f.data) }, requires_python: f.release.requires_python ?? null,
        yanked: yankedOf(f.release) !== false, yanked_reason: typeof yankedOf(f.release) === 'string' ? yankedOf(f.release) : null,
        packagetype: f.filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist', size: f.data.length,
      });
      const info = (r: IndexRelease) => ({
        name: project.name, version: r.version, requires_dist: r.requires_dist?.length ? r.requires_dist : null,
        requires_python: r.requires_python ?? '', yanked: yankedOf(r) !== false, yanked_reason: typeof yankedOf(r) === 'string' ? yankedOf(r) : null,
      });
      if (m[2]) {
        const release = project.releases.find((r) => r.version === m![2]);
        if (!release) return send(res, 404, 'application/json', JSON.stringify({ message: 'Not Found' }));
        return send(res, 200, 'application/json', JSON.stringify({ info: info(release), urls: project.files.filter((f) => f.release === release).map(fileJson) }));
      }
      const newest = project.releases[project.releases.length - 1];
      const releases: Record<string, unknown[]> = {};
      for (const r of project.releases) releases[r.version] = project.files.filter((f) => f.release === r).map(fileJson);
      return send(res, 200, 'application/json', JSON.stringify({ info: info(newest), releases, urls: releases[newest.version] }));
    }
    return send(res, 404, 'text/plain', 'not found');
  };

  const server = createServer((req, res) => {
    try { handle(req, res); } catch (e) { send(res, 500, 'text/plain', String(e)); }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${root}/simple/`, root, requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
